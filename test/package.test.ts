// The package as a user installs it: `npm pack` of the built tree, installed into a scratch project
// under the system's temp directory, where it is imported from ESM and CommonJS in Node (training
// on the kernels in place and in a worker), bundled into a small page by esbuild and run in
// Chromium, and type-checked under moduleResolution nodenext and bundler. TypeScript and esbuild
// come from this repository's node_modules rather than being installed again.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets, Model, type FitOptions } from '../src/node.js';
import { launch, open, serve } from './browser.js';
import { maxRelativeDiff } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
const FIT: FitOptions = { optimizer: 'adam', learningRate: 0.05, epochs: 50, batchSize: 1, shuffle: 'epoch', seed: 1 };

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'backprop-package-'));
  // npm test has built dist/ and build/ already; packing must not run the build again
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', scratch], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'commonjs' }));
  execFileSync('npm', ['install', join(scratch, tarball), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: scratch, stdio: 'pipe' });
}, 300_000);
afterAll(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); });

/** What the scratch scripts print: placement trained in place and in a worker, and the predictions. */
const SCRIPT = (load: string) => `${load}
(async () => {
  await lib.loadWasm();
  const d = lib.datasets.placement;
  const fit = ${JSON.stringify(FIT)};
  const model = new lib.Model(d.model);
  const history = await model.fit(d.x, d.y, fit);
  const trainer = new lib.WorkerTrainer(d.model);
  const inWorker = await trainer.fit(d.x, d.y, fit);
  await trainer.terminate();
  console.log(JSON.stringify({ loss: history.loss, workerLoss: inWorker.loss, weights: model.getWeights(), workerWeights: trainer.model.getWeights(), predictions: model.predict(d.x) }));
})();
`;

async function expected() {
  const d = datasets.placement;
  const model = new Model(d.model);
  const history = await model.fit(d.x, d.y, FIT);
  return { loss: history.loss, workerLoss: history.loss, weights: model.getWeights(), workerWeights: model.getWeights(), predictions: model.predict(d.x) };
}

describe('the packed package, installed', () => {
  it('ESM import in Node: trains on the installed kernels, in place and in its worker, to the bits of this tree', async () => {
    writeFileSync(join(scratch, 'esm.mjs'), SCRIPT("import * as lib from 'backprop-wasm';"));
    const out = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: scratch, encoding: 'utf8' }));
    expect(out).toEqual(await expected());
  });

  it('CommonJS require in Node: the same', async () => {
    writeFileSync(join(scratch, 'cjs.js'), SCRIPT("const lib = require('backprop-wasm');"));
    const out = JSON.parse(execFileSync(process.execPath, ['cjs.js'], { cwd: scratch, encoding: 'utf8' }));
    expect(out).toEqual(await expected());
  });

  it('the CLI it installs runs', () => {
    const out = execFileSync(join(scratch, 'node_modules/.bin/backprop'), ['train', '--dataset', 'package', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).history.loss).toHaveLength(datasets.package.fit.epochs);
  });

  it('a page bundled by esbuild runs in Chromium: in the page and in a worker, the kernels and worker copied beside the bundle', async () => {
    const app = join(scratch, 'app');
    mkdirSync(join(app, 'public'), { recursive: true });
    writeFileSync(join(app, 'main.ts'), `import { datasets, Model, WorkerTrainer, type FitOptions } from 'backprop-wasm';
const fit: FitOptions = ${JSON.stringify(FIT)};
const d = datasets.placement;
const model = new Model(d.model);
const history = await model.fit(d.x, d.y, fit);
const trainer = new WorkerTrainer(d.model);
const inWorker = await trainer.fit(d.x, d.y, fit);
await trainer.terminate();
(window as unknown as { result: unknown }).result = { loss: history.loss, workerLoss: inWorker.loss, weights: model.getWeights(), workerWeights: trainer.model.getWeights(), predictions: model.predict(d.x) };
`);
    await build({ entryPoints: [join(app, 'main.ts')], outfile: join(app, 'public/app.js'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022', absWorkingDir: scratch, logLevel: 'error' });
    const dist = join(scratch, 'node_modules/backprop-wasm/dist');
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.wasm') || f === 'worker.js')) copyFileSync(join(dist, file), join(app, 'public', file));
    writeFileSync(join(app, 'public/index.html'), '<!doctype html><link rel="icon" href="data:,"><script type="module" src="app.js"></script>');

    const server = await serve(join(app, 'public'));
    let browser: Browser | undefined;
    try {
      browser = await launch();
      const { page, problems } = await open(browser, `${server.url}/index.html`);
      await page.waitForFunction(() => 'result' in window, undefined, { timeout: 60_000 });
      const out = await page.evaluate(() => (window as unknown as { result: { loss: number[]; workerLoss: number[]; weights: unknown; workerWeights: unknown; predictions: number[][] } }).result);
      expect(out.workerLoss).toEqual(out.loss);
      expect(out.workerWeights).toEqual(out.weights);
      // Chromium's V8 against Node's: the project's cross-host bound
      const node = await expected();
      expect(maxRelativeDiff(out.loss, node.loss)).toBeLessThanOrEqual(1e-12);
      expect(maxRelativeDiff(out.predictions.flat(), node.predictions.flat())).toBeLessThanOrEqual(1e-12);
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
      server.close();
    }
  });

  it.each(['nodenext', 'bundler'] as const)('type-checks against the published types under moduleResolution %s, Node-only functions included', (resolution) => {
    const dir = join(scratch, `types-${resolution}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'check.ts'), `import { Model, readCsvFile, saveModel, saveTfjs, exportOnnx, WorkerTrainer, type History } from 'backprop-wasm';
const model = new Model({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
export async function run(path: string): Promise<History> {
  const data = await readCsvFile(path, { target: 'y' });
  const trainer = new WorkerTrainer(model);
  const history = await trainer.fit(data.x, data.y, { epochs: 2, onEpochEnd: (epoch, logs) => { console.log(epoch, logs.loss.toFixed(3)); } });
  await saveModel('model.json', trainer.model, { features: data.features, target: data.target });
  await saveTfjs('tfjs', trainer.model);
  const onnx: Uint8Array = exportOnnx(trainer.model);
  console.log(onnx.length);
  // @ts-expect-error: epochs is a number
  await trainer.fit(data.x, data.y, { epochs: 'many' });
  return history;
}
`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `types-${resolution}`, private: true, type: 'module' }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: resolution === 'bundler' ? 'esnext' : 'nodenext', moduleResolution: resolution, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true,
        skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: ['check.ts'],
    }));
    execFileSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8' });
  });
});
