// The programs in examples/ run as a user runs them, copied into a scratch project where
// 'backprop-wasm' is this checkout's built package: the CSV script trains and saves a model that loads
// back; the online-learning service resumes after a restart to the bits of a service that never
// stopped; the esbuild and Vite apps are built and train in a worker in one Chromium; the standalone
// predictor answers as the model does. The two built on APIs still being written (trainOnBatch with
// checkpoints, issue 22; standalone export, issue 23) are skipped, saying so, until those exist.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build as viteBuild } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../src/node.js';
import { launch, open, serve } from './browser.js';
import { maxRelativeDiff } from './helpers.js';
import { ROOT, scratchProject } from './scratch.js';

const { classDatasets, datasets, formatCsv, gaussianBlobs, loadModel, Model } = lib;

// Remove each condition once its API is on main (the integrator merges those branches).

let dir: string, env: NodeJS.ProcessEnv;
beforeAll(() => {
  ({ dir, env } = scratchProject('examples', ['esbuild', 'vite']));
  cpSync(join(ROOT, 'examples'), dir, { recursive: true, filter: (src) => !/\/(public|dist)$/.test(src) });
});

const node = (cwd: string, args: string[], input?: string) =>
  execFileSync(process.execPath, args, { cwd: join(dir, cwd), env, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

describe('examples/', () => {
  it('examples/README.md lists every example, and every script parses', () => {
    const index = readFileSync(join(ROOT, 'examples/README.md'), 'utf8');
    const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(examples.filter((name) => !index.includes(`](${name}`))).toEqual([]);
    for (const name of examples) {
      for (const file of readdirSync(join(ROOT, 'examples', name)).filter((f) => /\.m?js$/.test(f))) execFileSync(process.execPath, ['--check', join(ROOT, 'examples', name, file)]);
    }
  });

  it('train-csv: trains a softmax classifier on a CSV of labels and saves a model that loads and predicts the labels', async () => {
    const species = ['virginica', 'setosa', 'versicolor'];
    const { x, y } = gaussianBlobs({ centers: [[6.6, 3.0, 5.5, 2.0], [5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3]], std: 0.3, rowsPerClass: 40, seed: 5 });
    writeFileSync(join(dir, 'train-csv/flowers.csv'), formatCsv(['sl', 'sw', 'pl', 'pw', 'species'], x.map((row, r) => [...row, species[y[r]!]!])));
    const out = node('train-csv', ['train.mjs', 'flowers.csv', 'species', 'flowers.json']);
    expect(out).toMatch(/^120 rows, \d+ epochs: validation loss [\d.]+, accuracy [\d.]+\nsaved flowers.json\n$/);
    const { model, info } = await loadModel(join(dir, 'train-csv/flowers.json'));
    expect(info.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    // Three well-separated blobs: a trained classifier gets nearly every row (a guess gets a third).
    const metrics = model.evaluateMetrics(x, y.map((k) => info.classes!.indexOf(species[k]!)));
    expect(metrics.task === 'multiclass' && metrics.accuracy).toBeGreaterThan(0.95);
    expect(() => node('train-csv', ['train.mjs'])).toThrow(/usage: node train.mjs DATA.csv TARGET/);
  });

  it('search: ranks four settings on every core, and saves the best one trained on every row, as Model.fit trains it in this thread', async () => {
    const { x, y } = gaussianBlobs({ centers: [[0, 0], [3, 3], [0, 3]], std: 0.8, rowsPerClass: 30, seed: 2 });
    const labels = ['a', 'b', 'c'];
    writeFileSync(join(dir, 'search/blobs.csv'), formatCsv(['u', 'v', 'label'], x.map((row, r) => [...row, labels[y[r]!]!])));
    const out = node('search', ['search.mjs', 'blobs.csv', 'label', 'best.json']);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(5);
    lines.slice(0, 4).forEach((line, i) => expect(line).toMatch(new RegExp(`^${i + 1}\\. layers (8|16-8)-3, learning rate 0\\.0?03: validation loss [\\d.]+ ± [\\d.]+ \\(6 fits\\)$`)));
    expect(lines[4]).toBe('saved best.json');
    // The saved model is the best setting's fit on every row with seed 0, as this thread's Model.fit gives it
    const [, units, lr] = /^1\. layers ([\d-]+)-3, learning rate ([\d.]+)/.exec(lines[0]!)!;
    const output = { units: 3, activation: 'softmax' as const };
    const layers = [...units!.split('-').map((u) => ({ units: Number(u), activation: 'relu' as const })), output];
    const model = new Model({ inputs: 2, layers, loss: 'sparseCategoricalCrossentropy', seed: 0 });
    const { classes } = lib.readCsv(readFileSync(join(dir, 'search/blobs.csv'), 'utf8'), { target: 'label' });
    await model.fit(x, y.map((k) => classes!.indexOf(labels[k]!)), { optimizer: 'adam', epochs: 40, batchSize: 16, standardize: true, learningRate: Number(lr), seed: 0 });
    const { model: saved } = await loadModel(join(dir, 'search/best.json'));
    expect(saved.getWeights()).toEqual(model.getWeights());
    expect(() => node('search', ['search.mjs'])).toThrow(/usage: node search.mjs DATA.csv TARGET/);
  });

  it('online-learning: a service restarted mid-stream learns on to the same bits as one that never stopped', () => {
    const d = datasets.placement;
    const events = Array.from({ length: 40 }, (_, k) => {
      const r = k % d.x.length;
      return JSON.stringify({ learn: d.x[r], label: d.y[r] }) + (k % 7 === 6 ? `\n${JSON.stringify({ predict: [7.5, 8.1] })}` : '');
    });
    const first = events.slice(0, 25).join('\n'), rest = events.slice(25).join('\n');
    const once = node('online-learning', ['service.mjs', 'once.json'], `${first}\n${rest}\n`);
    const before = node('online-learning', ['service.mjs', 'restarted.json'], `${first}\n`);
    const after = node('online-learning', ['service.mjs', 'restarted.json'], `${rest}\n`);
    expect(before + after).toBe(once);
    expect(once).toMatch(/"prediction":/);
  });

  it('browser-esbuild and browser-vite: built as examples/README.md says, each trains in a worker in Chromium, as Model.fit does in Node', async () => {
    node('browser-esbuild', ['build.mjs']);
    await viteBuild({ root: join(dir, 'browser-vite'), configFile: false, logLevel: 'error', build: { outDir: join(dir, 'vite-out'), emptyOutDir: true } });

    // The same fits in Node, in this thread: Chromium's V8 against Node's, the project's cross-host bound.
    const p = datasets.placement;
    const esbuildModel = new Model(p.model);
    const esbuildHistory = await esbuildModel.fit(p.x, p.y, { optimizer: 'adam', learningRate: 0.05, epochs: 200, batchSize: 1, shuffle: false });
    const b = classDatasets.blobs3;
    const viteModel = new Model({ inputs: 2, loss: 'sparseCategoricalCrossentropy', seed: 1, layers: [{ units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }] });
    const viteHistory = await viteModel.fit(b.x, b.y, { optimizer: 'adam', learningRate: 0.01, epochs: 60, batchSize: 16, seed: 1, standardize: true });

    const esbuildServer = await serve(join(dir, 'browser-esbuild/public'));
    const viteServer = await serve(join(dir, 'vite-out'));
    const browser = await launch();
    try {
      const run = async (url: string) => {
        const { page, problems } = await open(browser, url);
        await page.waitForFunction(() => 'result' in window, undefined, { timeout: 60_000 });
        const result = await page.evaluate(() => (window as unknown as { result: { loss: number[]; predictions?: number[]; accuracy?: number } }).result);
        return { result, problems, text: await page.textContent('body') };
      };
      const e = await run(`${esbuildServer.url}/index.html`);
      expect(e.problems).toEqual([]);
      expect(maxRelativeDiff(e.result.loss, esbuildHistory.loss)).toBeLessThanOrEqual(1e-12);
      expect(maxRelativeDiff(e.result.predictions!, esbuildModel.predict(p.x).flat())).toBeLessThanOrEqual(1e-12);
      expect(e.text).toMatch(/epoch 200: loss [\d.]+\npredictions: /);

      const v = await run(`${viteServer.url}/index.html`);
      expect(v.problems).toEqual([]);
      expect(maxRelativeDiff(v.result.loss, viteHistory.loss)).toBeLessThanOrEqual(1e-12);
      expect(v.result.accuracy).toBeGreaterThan(0.9);
      expect(v.text).toContain(` — accuracy ${v.result.accuracy!.toFixed(3)} on ${b.classes.join(', ')}`);
    } finally {
      await browser.close();
      esbuildServer.close();
      viteServer.close();
    }
  });

  it('standalone: the exported predictor, with no library, answers as the model does, to the bit', async () => {
    const csv = join(dir, 'standalone/placement.csv');
    const p = datasets.placement;
    writeFileSync(csv, formatCsv([...p.features, p.target], p.x.map((row, r) => [...row, p.y[r]!])));
    execFileSync('backprop', ['train', 'placement.csv', '--target', p.target, '--epochs', '50', '--save', 'model.json'], { cwd: join(dir, 'standalone'), env });
    execFileSync('backprop', ['export', 'model.json', '--format', 'js', '--out', 'predictor.js'], { cwd: join(dir, 'standalone'), env });
    const { model } = await loadModel(join(dir, 'standalone/model.json'));
    const [yes, no] = model.predict([[8, 8], [5, 5]]).map(([v]) => v);
    expect(node('standalone', ['predict.mjs'])).toBe(`cgpa 8, resume_score 8 → ${yes}\ncgpa 5, resume_score 5 → ${no}\n`);
  });
});
