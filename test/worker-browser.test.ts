// WorkerTrainer in a browser: the built dist/browser.js in headless Chromium starts dist/worker.js
// as a module Web Worker; the fit there equals an in-page Model.fit to the bit, the
// page's own thread keeps running meanwhile, and stop ends a long fit. Node's fit agrees to 1e-12.
// A search on two of those workers gives Node's rows to the bit. A worker script that throws fails
// the fit with the message Node gives.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets, Model, search, stopSearchWorkers, WorkerTrainer, type ModelFitOptions } from '../src/node.js';
import { launch, open, serve } from './browser.js';

const FIT: ModelFitOptions = { optimizer: 'adam', learningRate: 0.05, epochs: 300, batchSize: 1, shuffle: 'epoch', seed: 3 };
/** A search of the placement task: 2 settings × 2 seeds × 2 folds, on two workers. */
const SEARCH = { grid: { learningRate: [0.01, 0.1], seed: [0, 1] }, options: { fit: { optimizer: 'adam' as const, epochs: 40 }, folds: 2, threads: 2 } };

/** The page: trains placement in a WorkerTrainer while a timer counts on the page's thread, then in the page, then a long fit it stops. */
const PAGE = `<!doctype html><title>WorkerTrainer</title><link rel="icon" href="data:,"><script type="module">
import { datasets, Model, search, WorkerTrainer } from './browser.js';
const fit = ${JSON.stringify(FIT)};
const s = ${JSON.stringify(SEARCH)};
const d = datasets.placement;
const trainer = new WorkerTrainer(d.model);
let ticks = 0;
const timer = setInterval(() => ticks++, 1);
const epochs = [];
const history = await trainer.fit(d.x, d.y, { ...fit, onEpochEnd: (e) => { epochs.push(e); } });
clearInterval(timer);
const weights = trainer.model.getWeights();
const local = new Model(d.model);
const inPage = await local.fit(d.x, d.y, fit);
const stopped = await trainer.fit(d.x, d.y, { epochs: 1e6, batchSize: 1, onEpochEnd: (e) => { if (e === 200) trainer.stop(); } });
await trainer.terminate();
const searched = await search(d.x, d.y, s.grid, { ...s.options, model: d.model });
window.result = { history, weights, inPage, inPageWeights: local.getWeights(), epochs, ticks, stoppedAfter: stopped.loss.length, searched };
</script>`;

/** A worker script that throws as it loads, and a page whose WorkerTrainer starts it. */
const THROWS = "throw new Error('no training here');";
const FAILING_PAGE = `<!doctype html><title>a failing worker</title><link rel="icon" href="data:,"><script type="module">
import { datasets, WorkerTrainer } from './browser.js';
const trainer = new WorkerTrainer(datasets.placement.model, { workerUrl: './throws.js' });
window.result = await trainer.fit(datasets.placement.x, datasets.placement.y).then(() => 'trained', (e) => e.message);
</script>`;

let browser: Browser;
let server: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  server = await serve(fileURLToPath(new URL('../dist/', import.meta.url)), { '/index.html': PAGE, '/failing.html': FAILING_PAGE, '/throws.js': THROWS });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('WorkerTrainer in Chromium', () => {
  it('trains in a module worker to the bit of an in-page fit (and Node\'s to 1e-12), while the page keeps running; stop ends a long fit', async () => {
    const { page, problems } = await open(browser, `${server.url}/index.html`);
    await page.waitForFunction(() => 'result' in window, undefined, { timeout: 60_000 });
    const result = await page.evaluate(() => (window as unknown as { result: { history: { loss: number[] }; inPage: unknown; weights: number[][][]; inPageWeights: unknown; epochs: number[]; ticks: number; stoppedAfter: number; searched: unknown } }).result);

    expect(result.history).toEqual(result.inPage);
    expect(result.weights).toEqual(result.inPageWeights);
    expect(result.epochs).toEqual([...Array(300).keys()]);
    // The engines call no host Math (their exp, log, tanh and pow are their own), so Node's V8 and
    // Chromium's, another version, give the same bits
    const node = new Model(datasets.placement.model);
    const nodeHistory = await node.fit(datasets.placement.x, datasets.placement.y, FIT);
    expect(result.history.loss).toEqual(nodeHistory.loss);
    expect(result.weights).toEqual(node.getWeights());
    // The page's timer ran while the worker trained
    expect(result.ticks).toBeGreaterThan(0);
    expect(result.stoppedAfter).toBeGreaterThan(200);
    expect(result.stoppedAfter).toBeLessThan(1e7);
    // Each of the search's fits built, trained and measured in a module worker, as in a Node worker
    const workerUrl = new URL('../dist/worker-node.js', import.meta.url);
    const { model, x, y } = datasets.placement;
    expect(result.searched).toEqual(await search(x, y, SEARCH.grid, { ...SEARCH.options, model, workerUrl }));
    await stopSearchWorkers();
    expect(problems).toEqual([]);
  });

  it('a worker script that throws as it loads: fit rejects with its message, as in Node', async () => {
    const { page, problems } = await open(browser, `${server.url}/failing.html`);
    await page.waitForFunction(() => 'result' in window, undefined, { timeout: 60_000 });
    const message = await page.evaluate(() => (window as unknown as { result: string }).result);
    const scratch = mkdtempSync(join(tmpdir(), 'throws-'));
    writeFileSync(join(scratch, 'throws.mjs'), THROWS);
    const trainer = new WorkerTrainer(datasets.placement.model, { workerUrl: pathToFileURL(join(scratch, 'throws.mjs')) });
    const inNode = await trainer.fit(datasets.placement.x, datasets.placement.y).then(() => 'trained', (e: Error) => e.message);
    await trainer.terminate();
    rmSync(scratch, { recursive: true });
    expect(message).toBe('WorkerTrainer: the training worker failed: no training here');
    expect(message).toBe(inNode);
    // the fit's error, not also the page's
    expect(problems).toEqual([]);
  });
});
