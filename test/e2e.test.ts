// The demo page and the browser bundle end to end, in a headless Chromium (test/chromium.ts) driven by
// playwright-core: the built dist/ (npm test builds it first) served by scripts/web.mjs, as
// `npm run web` serves it. A screenshot of the trained page goes to test-output/ for people to look at.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets, Model, type FitOptions } from '../src/node.js';
import { findChromium } from './chromium.js';
import { maxRelativeDiff } from './helpers.js';

const SERVER = fileURLToPath(new URL('../scripts/web.mjs', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../test-output/', import.meta.url));

let server: ChildProcessByStdio<null, Readable, null>;
let base: string;
let profile: string;
let browser: BrowserContext;

beforeAll(async () => {
  server = spawn(process.execPath, [SERVER, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => { const url = /http:\/\/\S+/.exec(String(chunk)); if (url) resolve(url[0]); });
    server.on('exit', (code) => reject(new Error(`scripts/web.mjs exited with code ${code}`)));
  });
  profile = mkdtempSync(join(tmpdir(), 'backprop-chromium-'));
  const { executablePath, args } = await findChromium();
  browser = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args, viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A page of the served dist/, with every console error, uncaught exception and failed request of it and its workers collected. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const watch = (where: string) => (m: ConsoleMessage) => { if (m.type() === 'error') problems.push(`${where} console: ${m.text()}`); };
  page.on('console', watch('page'));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', watch('worker')));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(new URL(path, base).href);
  return { page, problems };
}

/** Fills the form with the settings of `fit` on the placement task's 2-2-1 network. */
async function fillPlacement(page: Page, fit: { optimizer: string; learningRate: string; epochs: string; batchSize: string }, pace: 'watch' | 'full'): Promise<void> {
  await page.selectOption('#task', 'placement');
  await page.fill('#hidden', '2');
  await page.selectOption('#hidden-activation', 'sigmoid');
  await page.selectOption('#output-activation', 'sigmoid');
  await page.selectOption('#init', 'tutorial');
  await page.selectOption('#optimizer', fit.optimizer);
  await page.fill('#lr', fit.learningRate);
  await page.fill('#epochs', fit.epochs);
  await page.fill('#batch-size', fit.batchSize);
  await page.selectOption('#pace', pace);
}

/** How many pixels of a canvas in `selector` are close to each of `colors` ([r, g, b]). */
function countColors(page: Page, selector: string, colors: number[][]): Promise<number[]> {
  return page.$eval(selector, (canvas, targets) => {
    const c = canvas as HTMLCanvasElement;
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const counts = targets.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      targets.forEach(([r, g, b], k) => {
        if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 60) counts[k]!++;
      });
    }
    return counts;
  }, colors);
}

describe('the demo page', () => {
  const d = datasets.placement;
  // The page's placement defaults; the Node run below uses the same numbers.
  const fit: FitOptions = { ...d.fit, optimizer: 'adam', learningRate: 0.05, epochs: 300, batchSize: 1 };
  let trained: { page: Page; problems: string[] };

  it('trains placement in a worker: the chart, the diagram and the probability map are drawn, and the final loss is the Node run\'s', async () => {
    trained = await open('/web/');
    const { page, problems } = trained;
    await fillPlacement(page, { optimizer: 'adam', learningRate: '0.05', epochs: '300', batchSize: '1' }, 'full');
    await page.click('#train');
    await page.waitForSelector('#status[data-state=done]', { timeout: 60_000 });

    const model = new Model(d.model);
    const history = await model.fit(d.x, d.y, { ...fit, engine: 'wasm' });
    const loss = Number(await page.getAttribute('#final', 'data-loss'));
    expect(maxRelativeDiff([loss], [history.loss.at(-1)!])).toBeLessThanOrEqual(1e-12);

    // The loss chart: every epoch plotted, and its line (web/lossChart.ts's colour) on the canvas.
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBe('300');
    const [line] = await countColors(page, '#loss-chart canvas', [[37, 99, 235]]);
    expect(line).toBeGreaterThan(200);

    // The diagram: one line per kernel weight, holding the final weights, coloured by sign.
    const edges = await page.$$eval('#network line', (lines) => lines.map((l) => ({ weight: Number(l.getAttribute('data-weight')), stroke: l.getAttribute('stroke'), width: Number(l.getAttribute('stroke-width')) })));
    const kernels = model.getWeights().filter((_, i) => i % 2 === 0).flat(2) as number[];
    expect(edges).toHaveLength(kernels.length);
    expect(maxRelativeDiff(edges.map((e) => e.weight), kernels)).toBeLessThanOrEqual(1e-12);
    for (const e of edges) expect(e.stroke).toBe(e.weight >= 0 ? '#2563eb' : '#ea580c');
    expect(new Set(edges.map((e) => e.stroke)).size).toBe(2);
    expect(edges.every((e) => e.width > 0)).toBe(true);
    expect(await page.$$('#network circle')).toHaveLength(5);

    // The probability map: both classes' shades, as the trained model separates the rows.
    const [blue, red] = await countColors(page, '#plane-chart canvas', [[110, 151, 240], [231, 106, 106]]);
    expect(blue).toBeGreaterThan(1000);
    expect(red).toBeGreaterThan(1000);

    const predictions = await page.$$eval('#predictions tbody tr', (rows) => rows.map((r) => r.children[3]!.textContent));
    expect(predictions).toEqual(model.predict(d.x).map(([p]) => String(Number(p!.toPrecision(4)))));
    expect(problems).toEqual([]);
  });

  it('times the same training on both engines, which reach the same loss', async () => {
    const { page, problems } = trained;
    await page.click('#compare');
    await page.waitForSelector('#timings table', { timeout: 60_000 });
    const [wasm, js] = JSON.parse((await page.getAttribute('#timings > div', 'data-losses'))!) as number[];
    expect(maxRelativeDiff([wasm!], [js!])).toBeLessThanOrEqual(1e-12);
    expect(await page.$$eval('#timings tbody tr', (rows) => rows.map((r) => r.children[0]!.textContent))).toEqual(['WebAssembly', 'pure JavaScript']);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'e2e-placement.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses bad settings beside the field, with the library\'s message, and trains nothing', async () => {
    const { page, problems } = await open('/web/');
    // The messages come from the library in Node, so the page shows what the library says.
    const refused = async (f: () => unknown) => { try { await f(); } catch (e) { return (e as Error).message; } throw new Error('expected the library to refuse'); };
    const spec = (hidden: number[], output: string) => ({ ...d.model, layers: [...hidden.map((units) => ({ ...d.model.layers[0]!, units })), { ...d.model.layers[1]!, activation: output }] }) as typeof d.model;
    const cases: [string, () => Promise<void>, () => unknown][] = [
      ['lr', () => page.fill('#lr', '-1'), () => new Model(d.model).fit(d.x, d.y, { learningRate: -1 })],
      ['hidden', () => page.fill('#hidden', '2, x'), () => new Model(spec([2, 'x' as unknown as number], 'sigmoid'))],
      ['output-activation', () => page.selectOption('#output-activation', 'relu').then(() => {}), () => new Model(spec([2], 'relu'))],
      ['batch-size', () => page.fill('#batch-size', '0.5'), () => new Model(d.model).fit(d.x, d.y, { batchSize: 0.5 })],
    ];
    for (const [input, enter, library] of cases) {
      await fillPlacement(page, { optimizer: 'sgd', learningRate: '0.1', epochs: '10', batchSize: '1' }, 'full');
      await enter();
      await page.click('#train');
      await page.waitForSelector('#status[data-state=error]');
      expect(await page.textContent(`[data-input="${input}"] .error`)).toBe(await refused(library));
      expect(await page.$$('.field.invalid')).toHaveLength(1);
    }
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('stops when asked, after the current epoch', async () => {
    const { page, problems } = await open('/web/');
    await fillPlacement(page, { optimizer: 'sgd', learningRate: '0.1', epochs: '100000', batchSize: '1' }, 'watch');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#loss-chart')?.dataset.points) >= 5);
    await page.click('#stop');
    await page.waitForSelector('#status[data-state=stopped]', { timeout: 30_000 });
    const epochs = Number(await page.getAttribute('#loss-chart', 'data-points'));
    expect(epochs).toBeGreaterThanOrEqual(5);
    expect(epochs).toBeLessThan(100_000);
    expect(await page.textContent('#status')).toMatch(new RegExp(`^Stopped after ${epochs} epochs`));
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the browser a fresh machine gets', () => {
  it("@sparticuz/chromium's headless build runs the embedding example, so npm test needs no system browser", async () => {
    const bundled = await findChromium(true);
    expect(bundled.source).toBe('@sparticuz/chromium');
    const other = await chromium.launch({ executablePath: bundled.executablePath, args: bundled.args, headless: true });
    try {
      const page = await other.newPage();
      await page.goto(new URL('/web/embed.html', base).href);
      await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('predictions:'), undefined, { timeout: 30_000 });
      expect(await page.textContent('#out')).toMatch(/^epoch 300: loss \d\.\d{4}\npredictions: /);
    } finally {
      await other.close();
    }
  });
});

describe('the browser bundle', () => {
  it("runs the README's embedding example (web/embed.html) to the same numbers as Node", async () => {
    const { page, problems } = await open('/web/embed.html');
    await page.waitForFunction(() => document.getElementById('out')?.textContent?.includes('predictions:'), undefined, { timeout: 30_000 });
    // The example's own settings, run in Node.
    const d = datasets.placement;
    const model = new Model(d.model);
    const history = await model.fit(d.x, d.y, { optimizer: 'adam', learningRate: 0.05, epochs: 300, batchSize: 1, shuffle: false });
    expect(await page.textContent('#out')).toBe(
      `epoch 300: loss ${history.loss.at(-1)!.toFixed(4)}\npredictions: ${model.predict(d.x).map(([p]) => p!.toFixed(3)).join(', ')}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
