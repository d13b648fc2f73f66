// The demo page and the browser bundle end to end, in a headless Chromium (test/chromium.ts) driven by
// playwright-core: the built dist/ (npm test builds it first) served by scripts/web.mjs, as
// `npm run web` serves it. A screenshot of the trained page goes to test-output/ for people to look at.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, classDatasets, datasets, LOSS_LIST, LOSS_ROWS, Model, OPTIMIZERS, readCsv, splitRows, takeRows, type FitOptions, type ModelFitOptions, type ModelOptions, type ParamChain } from '../src/node.js';
import { findChromium } from './chromium.js';
import { maxRelativeDiff } from './helpers.js';
import { seeded } from '../src/random.js';
import { toyData } from '../web/toys.js';

const SERVER = fileURLToPath(new URL('../scripts/web.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../test-output/', import.meta.url));
const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url));

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

/**
 * A page of the served dist/, with every console error and warning, uncaught exception and failed request
 * of it and its workers collected; `init` runs in the page before its own scripts.
 */
async function open(path: string, init?: () => void): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  if (init) await page.addInitScript(init);
  const problems: string[] = [];
  const watch = (where: string) => (m: ConsoleMessage) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${where} console ${m.type()}: ${m.text()}`); };
  page.on('console', watch('page'));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', watch('worker')));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(new URL(path, base).href);
  return { page, problems };
}

/**
 * Where the page hides or cuts a table cell: outside the window's width (unless inside a box that
 * scrolls sideways and is itself in the window), outside a parent that clips it without scrolling,
 * or with text wider than the cell (an ellipsis or a cut).
 */
function hiddenCells(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (cells) => cells.flatMap((cell) => {
    const box = cell.getBoundingClientRect();
    const where = `${cell.closest('[id]')!.id} "${cell.textContent}"`;
    const window = document.documentElement.clientWidth;
    if (cell.scrollWidth > cell.clientWidth) return [`${where}: text wider than its cell`];
    let scroller: Element | undefined;
    for (let p = cell.parentElement; p; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'visible') continue;
      const clip = p.getBoundingClientRect();
      if (clip.left < 0 || clip.right > window) return [`${where}: inside ${p.id || p.tagName}, which is outside the window`];
      if (overflow === 'auto' || overflow === 'scroll') {
        scroller ??= p;
        continue;
      }
      if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5) return [`${where}: cut by ${p.id || p.tagName}`];
    }
    if (!scroller && (box.left < 0 || box.right > window)) return [`${where}: outside the window`];
    return [];
  }));
}

/** Whether the element's content is wider than its box (so that part of it is reached by scrolling sideways). */
const scrolls = (page: Page, selector: string) => page.$eval(selector, (e) => e.scrollWidth > e.clientWidth);

/**
 * The menu choices wider than their closed menu (whose text is then cut): each option's text measured in the
 * menu's font against its width less its padding and Chromium's arrow (about 20 px).
 */
function cutOptions(page: Page): Promise<string[]> {
  return page.$$eval('select', (selects) => {
    const context = document.createElement('canvas').getContext('2d')!;
    return selects.filter((s) => s.offsetParent !== null).flatMap((s) => {
      const style = getComputedStyle(s);
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return [...(s as HTMLSelectElement).options].filter((o) => context.measureText(o.text).width > room).map((o) => `${s.id}: "${o.text}"`);
    });
  });
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

/** Presses Train and waits for the run to end in `state` (the status line's data-state), and for the maps to show its last weights. */
async function train(page: Page, state: 'done' | 'error' = 'done'): Promise<void> {
  await page.click('#train');
  await page.waitForSelector(`#status[data-state=${state}]`, { timeout: 60_000 });
  await page.waitForSelector('body[data-maps=current]', { timeout: 30_000 });
}

/** How many pixels of a canvas in `selector` are close to each of `colors` ([r, g, b]). */
function countColors(page: Page, selector: string, colors: number[][]): Promise<number[]> {
  return page.$eval(selector, (canvas, targets) => {
    // Read from a copy: reading the page's own canvas back again and again would make Chromium warn the page about it.
    const c = canvas as HTMLCanvasElement, copy = document.createElement('canvas');
    [copy.width, copy.height] = [c.width, c.height];
    const context = copy.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(c, 0, 0);
    const { data } = context.getImageData(0, 0, c.width, c.height);
    const counts = targets.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      targets.forEach(([r, g, b], k) => {
        if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 60) counts[k]!++;
      });
    }
    return counts;
  }, colors);
}

const d = datasets.placement;
// The page's placement defaults; the Node runs below use the same numbers.
const fit: FitOptions = { ...d.fit, optimizer: 'adam', learningRate: 0.05, epochs: 300, batchSize: 1 };

describe('the demo page', () => {
  let trained: { page: Page; problems: string[] };

  it('trains placement in a worker: the chart, the diagram and the probability map are drawn, and the final loss is the Node run\'s', async () => {
    trained = await open('/web/');
    const { page, problems } = trained;
    await fillPlacement(page, { optimizer: 'adam', learningRate: '0.05', epochs: '300', batchSize: '1' }, 'full');
    await train(page);

    const model = new Model(d.model);
    const history = await model.fit(d.x, d.y, { ...fit, engine: 'wasm' });
    const loss = Number(await page.getAttribute('#final', 'data-loss'));
    expect(maxRelativeDiff([loss], [history.loss.at(-1)!])).toBeLessThanOrEqual(1e-12);

    // The loss chart: every epoch plotted, and its line (web/lossChart.ts's colour) on the canvas.
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBe('300');
    const [line] = await countColors(page, '#loss-chart canvas', [[37, 99, 235]]);
    expect(line).toBeGreaterThan(200);

    // The diagram: one line per kernel weight, holding the final weights, coloured by sign.
    const edges = await page.$$eval('#network line[data-weight]', (lines) => lines.map((l) => ({ weight: Number(l.getAttribute('data-weight')), stroke: l.getAttribute('stroke'), width: Number(l.getAttribute('stroke-width')) })));
    const kernels = model.getWeights().filter((_, i) => i % 2 === 0).flat(2) as number[];
    expect(edges).toHaveLength(kernels.length);
    expect(maxRelativeDiff(edges.map((e) => e.weight), kernels)).toBeLessThanOrEqual(1e-12);
    for (const e of edges) expect(e.stroke).toBe(e.weight >= 0 ? '#2563eb' : '#ea580c');
    expect(new Set(edges.map((e) => e.stroke)).size).toBe(2);
    expect(edges.every((e) => e.width > 0)).toBe(true);
    expect(await page.$$('#network circle')).toHaveLength(5);

    // The probability map: both classes' shades, as the trained model separates the rows — blue towards 1, orange towards 0,
    // the colours of a positive and a negative weight.
    const [blue, orange] = await countColors(page, '#plane-chart canvas', [[102, 146, 241], [240, 138, 85]]);
    expect(blue).toBeGreaterThan(1000);
    expect(orange).toBeGreaterThan(1000);
    const dots = await page.$$eval('#plane-legend .dot', (ds) => ds.map((d) => getComputedStyle(d).backgroundColor));
    expect(dots).toEqual(['rgb(234, 88, 12)', 'rgb(37, 99, 235)']);
    // Accuracy, from the library's metrics in Node.
    expect(Number(await page.getAttribute('#final', 'data-accuracy'))).toBe((model.evaluateMetrics(d.x, d.y) as { accuracy: number }).accuracy);

    // The hidden units' maps: each unit's sigmoid over a 32 × 32 grid of cell centres on the plane the rows span
    // (each feature's range widened by a tenth: cgpa 4.7…8.3, resume_score 4.5…10.5), by hand from Node's weights.
    const [k1, b1] = model.getWeights() as [number[][], number[]];
    const centres = (lo: number, hi: number) => Array.from({ length: 32 }, (_, i) => lo + ((i + 0.5) / 32) * (hi - lo));
    const maps = await page.$$eval('#unit-maps canvas', (cs) => cs.map((c) => [Number(c.getAttribute('data-min')), Number(c.getAttribute('data-max'))]));
    expect(maps).toHaveLength(2);
    for (const [u, range] of maps.entries()) {
      const h = centres(4.7, 8.3).flatMap((a) => centres(4.5, 10.5).map((b) => 1 / (1 + Math.exp(-(k1[0]![u]! * a + k1[1]![u]! * b + b1[u]!)))));
      expect(maxRelativeDiff(range, [Math.min(...h), Math.max(...h)])).toBeLessThanOrEqual(1e-12);
    }

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

  it('refuses every bad setting at once, beside its field in the form\'s words, and trains nothing; a fixed field clears', async () => {
    const { page, problems } = await open('/web/');
    // The messages come from the library in Node; the page puts the form's name for the field in place of the library's field path.
    const refused = async (label: string, f: () => unknown) => {
      try { await f(); } catch (e) { return `${label}: ${(e as Error).message.replace(/^[\w.[\]]+: /, '')}`; }
      throw new Error('expected the library to refuse');
    };
    await fillPlacement(page, { optimizer: 'sgd', learningRate: '-1', epochs: '10', batchSize: '0.5' }, 'full');
    await page.fill('#hidden', '2, x');
    await page.selectOption('#output-activation', 'relu');
    await train(page, 'error');
    const spec = (output: string) => ({ ...d.model, layers: [{ ...d.model.layers[0]!, units: 'x' as unknown as number }, { ...d.model.layers[1]!, activation: output }] }) as typeof d.model;
    const expected: Record<string, string> = {
      hidden: await refused('Hidden layers, layer 2', () => new Model(spec('sigmoid'))),
      'output-activation': await refused('Output activation', () => new Model({ ...d.model, layers: [d.model.layers[0]!, { ...d.model.layers[1]!, activation: 'relu' }] })),
      lr: await refused('Learning rate', () => new Model(d.model).fit(d.x, d.y, { learningRate: -1 })),
      'batch-size': await refused('Batch size', () => new Model(d.model).fit(d.x, d.y, { batchSize: 0.5 })),
    };
    const shown = await page.$$eval('.field.invalid', (labels) => labels.map((l) => ({
      input: (l as HTMLElement).dataset.input!, message: l.querySelector('.error')!.textContent,
      invalid: l.querySelector('input, select')!.getAttribute('aria-invalid'),
      describedBy: document.getElementById(l.querySelector('input, select')!.getAttribute('aria-describedby')!)?.textContent,
    })));
    expect(Object.fromEntries(shown.map((f) => [f.input, f.message]))).toEqual(expected);
    for (const f of shown) expect([f.invalid, f.describedBy]).toEqual(['true', f.message]);
    // Focus goes to the first field to fix, and the status counts them.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('hidden');
    expect(await page.textContent('#status')).toBe('Not started: fix the 4 settings marked in red.');
    expect(await axeViolations(page)).toEqual([]);

    // Fixing a field takes its message away (and only its).
    await page.fill('#lr', '0.1');
    await page.waitForFunction(() => !document.querySelector('[data-input=lr]')!.classList.contains('invalid'));
    expect(await page.getAttribute('#lr', 'aria-invalid')).toBeNull();
    expect((await page.$$eval('.field.invalid', (ls) => ls.map((l) => (l as HTMLElement).dataset.input))).sort()).toEqual(['batch-size', 'hidden', 'output-activation']);

    // Hidden layers have a bound on the page; the diagram draws a wide layer's first units only.
    await page.fill('#hidden', '100000');
    await page.click('#train');
    await page.waitForFunction(() => document.querySelector('[data-input=hidden] .error')?.textContent?.includes('at most'));
    expect(await page.textContent('[data-input=hidden] .error')).toBe('Hidden layers: at most 256 units per layer on this page, got 100000');
    await page.selectOption('#output-activation', 'sigmoid');
    await page.fill('#hidden', '200');
    await page.waitForFunction(() => document.querySelectorAll('.field.invalid').length === 1);
    await page.waitForFunction(() => document.querySelectorAll('#network circle').length === 2 + 12 + 1);
    expect(await page.textContent('#network')).toContain('+188 more');
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('stops when asked, after the current epoch', async () => {
    const { page, problems } = await open('/web/');
    await fillPlacement(page, { optimizer: 'sgd', learningRate: '0.1', epochs: '100000', batchSize: '1' }, 'watch');
    await page.click('#train');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#loss-chart')?.dataset.points) >= 5);
    // Focus follows the run: to Stop while it runs, back to Train after.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('stop');
    await page.click('#stop');
    await page.waitForSelector('#status[data-state=stopped]', { timeout: 30_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('train');
    const epochs = Number(await page.getAttribute('#loss-chart', 'data-points'));
    expect(epochs).toBeGreaterThanOrEqual(5);
    expect(epochs).toBeLessThan(100_000);
    expect(await page.textContent('#status')).toMatch(new RegExp(`^Stopped after ${epochs} epochs`));
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the demo page, step by step', () => {
  /** Clicks Step and waits until the page shows step `n`. */
  async function step(page: Page, n: number): Promise<void> {
    await page.click('#step');
    await page.waitForFunction((k) => document.getElementById('network-stage')?.dataset.step === String(k), n, { timeout: 30_000 });
  }
  const stepShown = async (page: Page) => Number(await page.getAttribute('#network-stage', 'data-step'));

  it('steps a standardizing CSV run before any Train: its maps are drawn (the maps\' setup sends the rows their scaler is fitted on, as no fit has)', async () => {
    const { page, problems } = await open('/web/');
    await page.selectOption('#task', 'csv');
    const lines = ['x1,x2,label'];
    for (let r = 0; r < 40; r++) lines.push(`${r * 25},${(r % 7) / 7},${r % 2}`);
    await page.setInputFiles('#csv-file', { name: 'scaled.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.waitForFunction(() => document.querySelector('#data-summary')?.textContent?.startsWith('40 rows from scaled.csv'));
    expect(await page.isChecked('#standardize')).toBe(true);
    await step(page, 1);
    await page.waitForSelector('body[data-maps=current]', { timeout: 30_000 });
    expect(await page.textContent('#status')).not.toContain('could not be drawn');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('steps through a placement run: a weight\'s chain-rule product is the trace\'s gradient, edges show gradients, Play and Pause', async () => {
    const { page, problems } = await open('/web/');
    await fillPlacement(page, { optimizer: 'adam', learningRate: '0.05', epochs: '300', batchSize: '1' }, 'watch');
    for (const n of [1, 2, 3]) await step(page, n);
    // The loss chart is Train's; its empty place says where a Step's loss is.
    expect(await page.textContent('#loss-chart')).toBe('The loss per epoch appears here when you press Train (a Step\'s loss is in the status line).');
    expect(await page.textContent('#status')).toMatch(/^Step 3, epoch 1: the batch's loss was \d/);
    // Step 3 of the same fit, traced in Node: the page's numbers must be fit's, not a copy's.
    const model = new Model(d.model);
    const trace = await model.trace(d.x, d.y, { ...fit, step: 3, apply: true });

    // w¹₂₁, from resume_score to hidden unit 1: the third line drawn (layer 1's lines are input-major).
    await page.locator('#network line.hit').nth(2).click();
    const chain = (trace.chains[0] as ParamChain[][])[1]![0]!;
    // The page's own numbers (its trace, in Chromium) against Node's, to 1e-12: the factors, and their products' sum against the gradient.
    const terms = await page.$$eval('#network-details .term', (ps) => ps.map((p) => JSON.parse((p as HTMLElement).dataset.values!) as number[]));
    expect(terms.map((t) => t.length)).toEqual(chain.values.map((v) => v.length));
    expect(maxRelativeDiff(terms.flat(), chain.values.flat())).toBeLessThanOrEqual(1e-12);
    const product = terms.reduce((sum, values) => sum + values.reduce((a, b) => a * b, 1), 0);
    expect(maxRelativeDiff([product], [chain.gradient])).toBeLessThanOrEqual(1e-12);
    const shown = Number(await page.getAttribute('#network-details .chain-sum', 'data-gradient'));
    expect(maxRelativeDiff([product], [shown])).toBeLessThanOrEqual(1e-12);
    const details = (await page.textContent('#network-details'))!;
    expect(details).toContain(`∂L/∂${chain.name} = Σ over the batch's rows of ${chain.factors.join(' × ')}`);
    expect(details).toContain(`∂L/∂${chain.name} = ${Number(chain.gradient.toPrecision(8))}`);
    // The full chain from the loss down, each factor's value, for the batch's one row.
    expect(chain.paths).toBeDefined();
    for (const path of chain.paths![0]!) expect(details).toContain(path.map((f) => f.name).join(' · '));
    // The weight drawn is the one after the step, and the whole network's are fit's after 3 steps.
    const edges = await page.$$eval('#network line[data-weight]', (lines) => lines.map((l) => ({ weight: Number(l.getAttribute('data-weight')), gradient: Number(l.getAttribute('data-gradient')), width: Number(l.getAttribute('stroke-width')), stroke: l.getAttribute('stroke') })));
    const kernels = (w: typeof trace.gradients) => w.filter((_, i) => i % 2 === 0).flat(2) as number[];
    expect(maxRelativeDiff(edges.map((e) => e.weight), kernels(model.getWeights()))).toBeLessThanOrEqual(1e-12);
    expect(maxRelativeDiff(edges.map((e) => e.gradient), kernels(trace.gradients))).toBeLessThanOrEqual(1e-12);

    // The toggle: lines coloured by the gradient's sign and as thick as its size, then back to the weights'.
    const largestAt = (v: number[]) => v.map(Math.abs).indexOf(Math.max(...v.map(Math.abs)));
    const smallestAt = (v: number[]) => v.map(Math.abs).indexOf(Math.min(...v.map(Math.abs)));
    expect(await page.getAttribute('#network', 'data-showing')).toBe('weights');
    await page.check('#show-gradients');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getAttribute('#network', 'data-showing')).toBe('gradients');
    const byGradient = await page.$$eval('#network line[data-weight]', (lines) => lines.map((l) => ({ width: Number(l.getAttribute('stroke-width')), stroke: l.getAttribute('stroke') })));
    const gradients = kernels(trace.gradients);
    for (const [k, e] of byGradient.entries()) expect(e.stroke).toBe(gradients[k]! >= 0 ? '#2563eb' : '#ea580c');
    const widths = byGradient.map((e) => e.width);
    expect(largestAt(widths)).toBe(largestAt(gradients));
    expect(smallestAt(widths)).toBe(smallestAt(gradients));
    mkdirSync(OUTPUT, { recursive: true });
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.locator('#network-details').scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // A redraw for the new width keeps the pick, its chain and the gradients.
      expect(await page.$$('#network-details .term')).toHaveLength(1);
      expect(await page.$$('#network line.selected')).toHaveLength(1);
      expect(await page.getAttribute('#network', 'data-showing')).toBe('gradients');
      await page.screenshot({ path: join(OUTPUT, `page-step-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.check('input[name=edges][value=weights]');
    const byWeight = await page.$$eval('#network line[data-weight]', (lines) => lines.map((l) => Number(l.getAttribute('stroke-width'))));
    expect(byWeight).toEqual(edges.map((e) => e.width));

    // Play steps on at a watchable pace until Pause; the next Step carries on from there.
    await page.click('#play');
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('true');
    await page.waitForFunction(() => Number(document.getElementById('network-stage')?.dataset.step) >= 5, undefined, { timeout: 30_000 });
    await page.click('#play');
    expect(await page.textContent('#play')).toBe('Play');
    const paused = await stepShown(page);
    await page.waitForTimeout(1500);
    expect(await stepShown(page)).toBe(paused);
    await step(page, paused + 1);
    const later = await new Model(d.model).trace(d.x, d.y, { ...fit, step: paused + 1 });
    expect(maxRelativeDiff([Number(await page.getAttribute('#network line[data-weight]', 'data-weight'))], [(later.newWeights[0] as number[][])[0]![0]!])).toBeLessThanOrEqual(1e-12);

    // The README's derivation is on the page.
    await page.click('#derivation summary');
    expect(await page.textContent('#derivation-text')).toContain('∂L/∂w¹₁₁ = (ŷ − y)·w²₁·h₁(1 − h₁)·x₁');

    // A network too big to trace in the page's thread is refused, saying why; a settings change started the walk over.
    await page.fill('#hidden', '64, 64');
    await page.click('#step');
    await page.waitForSelector('#status[data-state=error]');
    expect(await page.textContent('#status')).toBe('Step runs in the page\'s own thread, for networks of at most 1000 weights and biases; this one has 4417. Train runs it in the background.');
    await page.fill('#hidden', '2');
    await step(page, 1);

    // After a Train of 5 epochs (4 steps each), Step goes on with step 21 of the same fit run longer.
    await page.fill('#epochs', '5');
    await page.selectOption('#pace', 'full');
    await train(page);
    await step(page, 21);
    const next = await new Model(d.model).trace(d.x, d.y, { ...fit, epochs: 6, step: 21 });
    expect(maxRelativeDiff(await page.$$eval('#network line[data-weight]', (lines) => lines.map((l) => Number(l.getAttribute('data-weight')))), kernels(next.newWeights))).toBeLessThanOrEqual(1e-12);
    expect(await page.textContent('#status')).toContain('Step 21, epoch 6');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the tutorial\'s first step with the numbers `backprop explain` prints for it, for package and placement', async () => {
    const { page, problems } = await open('/web/');
    for (const task of ['package', 'placement']) {
      // The CLI's write-up of the same step (`backprop explain --dataset <task>`: the tutorial's settings, step 1, row 1),
      // printed to 10 significant digits: each gradient, each parameter after the update, the row's loss.
      const text = execFileSync(process.execPath, [CLI, 'explain', '--dataset', task], { encoding: 'utf8' });
      const printed = (pattern: string) => Number(new RegExp(pattern, 'm').exec(text)![1]);
      const gradient = (name: string) => printed(`^  ∂L/∂${name} = .* = (\\S+)   \\[`);
      const updated = (name: string) => printed(`^  ${name} ← .* = (\\S+)$`);
      await page.selectOption('#task', task);
      await page.click('#tutorial-note button');
      await step(page, 1);
      expect(await page.textContent('#status')).toContain(`the batch's loss was ${printed('^  L = .* = (\\S+)$').toPrecision(4)}.`);
      // The lines in drawing order (layer by layer, input-major), then the units with a bias.
      const weights = ['w¹₁₁', 'w¹₁₂', 'w¹₂₁', 'w¹₂₂', 'w²₁', 'w²₂'];
      for (const [k, name] of weights.entries()) {
        await page.locator('#network line.hit').nth(k).dispatchEvent('click');
        expect(await page.textContent('#network-details')).toContain(`∂L/∂${name} = Σ over the batch's rows`);
        const shown = Number(await page.getAttribute('#network-details .chain-sum', 'data-gradient'));
        const drawn = Number(await page.locator('#network line[data-weight]').nth(k).getAttribute('data-weight'));
        expect(maxRelativeDiff([shown, drawn], [gradient(name), updated(name)]), `${task} ${name}`).toBeLessThanOrEqual(1e-9);
      }
      for (const [column, unit, name] of [[1, 0, 'b¹₁'], [1, 1, 'b¹₂'], [2, 0, 'b²']] as const) {
        await page.locator(`#network circle[data-column="${column}"][data-unit="${unit}"]`).dispatchEvent('click');
        const details = (await page.textContent('#network-details'))!;
        const shown = new RegExp(`∂L/∂${name} = (-?[\\d.]+(?:e[-+]\\d+)?)\\.`).exec(details);
        expect(maxRelativeDiff([Number(shown![1])], [gradient(name)]), `${task} ${name}`).toBeLessThanOrEqual(1e-7);
        expect(details).toContain(` to ${Number(updated(name).toPrecision(8))}.`);
      }
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('trains the 3-class example with a softmax output: the probability map shows three classes\' colours; a CSV of text labels is read as classes', async () => {
    const { page, problems } = await open('/web/');
    await page.selectOption('#task', 'blobs3');
    await page.selectOption('#pace', 'full');
    expect(await page.inputValue('#output-activation')).toBe('softmax');
    await train(page);
    // The page's run in Node: its settings for blobs3 (4 tanh units, adam 0.05, 100 epochs, batches of 16).
    const b = classDatasets.blobs3;
    const blobsModel: ModelOptions = { inputs: 2, layers: [{ units: 4, activation: 'tanh', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }, { units: 3, activation: 'softmax', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }], loss: 'sparseCategoricalCrossentropy', seed: 0 };
    const blobsFit: ModelFitOptions = { optimizer: 'adam', learningRate: 0.05, epochs: 100, batchSize: 16, shuffle: 'epoch', standardize: false };
    const model = new Model(blobsModel);
    const history = await model.fit(b.x, b.y, blobsFit);
    expect(maxRelativeDiff([Number(await page.getAttribute('#final', 'data-loss'))], [history.loss.at(-1)!])).toBeLessThanOrEqual(1e-12);
    // Every map pixel by its most saturated channel: orange (A), blue (B), green (C); white where the classes tie.
    const hues = await page.$eval('#plane-chart canvas', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const counts = { blue: 0, orange: 0, green: 0 };
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, bl] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (Math.min(r, g, bl) > 230) continue;
        if (bl > r + 40 && bl > g + 20) counts.blue++;
        else if (r > g + 60 && r > bl + 60) counts.orange++;
        else if (g > r + 40 && g > bl + 40) counts.green++;
      }
      return counts;
    });
    expect(hues.blue).toBeGreaterThan(2000);
    expect(hues.orange).toBeGreaterThan(2000);
    expect(hues.green).toBeGreaterThan(2000);
    expect(await page.$$eval('#plane-legend .key', (ks) => ks.map((k) => k.textContent!.trim()))).toEqual(['class = A', 'class = B', 'class = C']);
    const predicted = await page.$$eval('#predictions tbody tr', (rows) => rows.map((r) => r.children[4]!.textContent));
    const best = (p: number[]) => p.indexOf(Math.max(...p));
    expect(predicted).toEqual(model.predict(b.x.slice(0, 12)).map((p, r) => `${b.classes[best(p)]} ${best(p) === b.y[r] ? '✓' : '✗'}`));
    expect(await page.$$eval('#network text', (ts) => ts.map((t) => t.textContent).filter((t) => t!.startsWith('→')))).toEqual(['→ A', '→ B', '→ C']);
    // Bias labels sit where the lines into the next layer pass: each on a halo of the panel's white, drawn under its letters and over the lines.
    const biases = await page.$$eval('#network text.bias', (ts) => ts.map((t) => [t.textContent!.split(' ')[0], getComputedStyle(t).paintOrder.split(' ')[0], getComputedStyle(t).stroke]));
    expect(biases).toEqual(Array.from({ length: 7 }, () => ['bias', 'stroke', 'rgb(255, 255, 255)']));
    // The output units go by their classes' names in the weights table too, and the accuracy is the library's.
    expect(await page.$$eval('#weights table:last-child thead th', (ths) => ths.map((t) => t.textContent))).toEqual(['from', 'A', 'B', 'C']);
    expect(Number(await page.getAttribute('#final', 'data-accuracy'))).toBe((model.evaluateMetrics(b.x, b.y) as { accuracy: number }).accuracy);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'e2e-blobs3.png'), fullPage: true });

    // After the Train a Step goes on with step 1201 (100 epochs of 12 batches) of the same fit run longer: a 16-row batch,
    // whose gradients are those of the same step traced in Node; the details list its first rows.
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('network-stage')?.dataset.step === '1201');
    await page.locator('#network circle[data-column="2"][data-unit="2"]').click();
    const next = await new Model(blobsModel).trace(b.x, b.y, { ...blobsFit, epochs: 101, step: 1201 });
    const bias = (next.chains[3] as ParamChain[])[2]!;
    const shownBias = new RegExp(`∂L/∂${bias.name} = (-?[\\d.]+(?:e[-+]\\d+)?)\\.`).exec((await page.textContent('#network-details'))!);
    expect(maxRelativeDiff([Number(shownBias![1])], [bias.gradient])).toBeLessThanOrEqual(1e-7);
    await page.locator('#network line.hit').nth(0).click();
    // Every row of the batch is listed, so that the sum can be checked.
    expect(await page.$$('#network-details .term')).toHaveLength(16);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.textContent('#network-details .chain-sum')).toContain('Sum over the batch\'s 16 rows: ');
    const sum = Number(await page.getAttribute('#network-details .chain-sum', 'data-gradient'));
    expect(maxRelativeDiff([sum], [(next.gradients[0] as number[][])[0]![0]!])).toBeLessThanOrEqual(1e-12);

    await page.selectOption('#task', 'csv');
    const text = `x1,x2,kind\n${b.x.map((row, r) => `${row.join(',')},${['cat', 'dog', 'eel'][b.y[r]!]}`).join('\n')}\n`;
    await page.setInputFiles('#csv-file', { name: 'animals.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.waitForFunction(() => document.querySelectorAll('#network circle').length > 0);
    expect(await page.textContent('#data-summary')).toContain('(3 classes: cat, dog, eel)');
    expect(await page.inputValue('#output-activation')).toBe('softmax');
    await page.waitForFunction(() => document.querySelectorAll('#network circle[data-column="2"]').length === 3);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the demo page, as a new user finds it', () => {
  // Two tanh layers of 4, random weights, 1000 epochs: the loss falls below 1e-4 and P(placed = 1) to about 4e-5.
  for (const [width, height] of [[1280, 800], [390, 844]] as const) {
    it(`at ${width} × ${height}: Train is in view, every table cell readable, the loss axis labelled below 1e-3`, async () => {
      const { page, problems } = await open('/web/');
      await page.setViewportSize({ width, height });
      const button = await page.$eval('#train', (b) => b.getBoundingClientRect().toJSON() as DOMRect);
      expect(button.top).toBeGreaterThanOrEqual(0);
      expect(button.bottom).toBeLessThanOrEqual(height);
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, `page-${width}-start.png`) });
      // Every menu's every choice is readable in full in its closed menu (the pace's was cut at 1280).
      expect(await cutOptions(page)).toEqual([]);
      // Two fields side by side have their boxes level, though one label wraps to two lines (Batch size's did, and its box sat lower).
      const tops = await page.$$eval('#settings .row', (rows) => rows.map((r) => [...r.querySelectorAll<HTMLElement>('input, select')].filter((e) => e.offsetParent !== null).map((e) => Math.round(e.getBoundingClientRect().top))));
      expect(tops.map((level) => level.at(-1)! - level[0]!)).toEqual(tops.map(() => 0));

      await page.fill('#hidden', '4, 4');
      await page.selectOption('#hidden-activation', 'tanh');
      await page.selectOption('#init', 'glorotUniform');
      await page.fill('#epochs', '1000');
      await page.selectOption('#pace', 'full');
      await train(page);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('train');

      // The log axis: every label a positive number, down to the loss's decade.
      const ticks = JSON.parse((await page.getAttribute('#loss-chart', 'data-loss-ticks'))!) as string[];
      const final = Number(await page.getAttribute('#final', 'data-loss'));
      expect(final).toBeLessThan(1e-4);
      for (const t of ticks) expect(Number(t)).toBeGreaterThan(0);
      expect(Math.min(...ticks.map(Number))).toBeLessThan(1e-3);
      expect(ticks).toContain('1e-4');
      expect(ticks).not.toContain('0');

      const p = await page.$$eval('#predictions tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
      expect(p.map((r) => r.length)).toEqual([5, 5, 5, 5]);
      expect(p.map((r) => r[4])).toEqual(['1 ✓', '1 ✓', '0 ✓', '0 ✓']);
      // The same run in Node: the page's numbers, to its 4 significant digits.
      const model = new Model({ ...d.model, layers: [4, 4, 1].map((units, l) => ({ units, activation: l < 2 ? 'tanh' : 'sigmoid', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' })) });
      await model.fit(d.x, d.y, { ...fit, epochs: 1000 });
      expect(p.map((r) => Number(r[3]))).toEqual(model.predict(d.x).map(([y]) => Number(y!.toPrecision(4))));
      expect(Math.min(...p.map((r) => Number(r[3])))).toBeLessThan(1e-4);

      await page.click('#compare');
      await page.waitForSelector('#timings table', { timeout: 60_000 });
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('compare');
      expect(await hiddenCells(page, '#results-panel th, #results-panel td, #timings th, #timings td')).toEqual([]);
      // The predictions and the timings fit as they are; only a wide layer's weights may scroll.
      expect([await scrolls(page, '#predictions'), await scrolls(page, '#timings')]).toEqual([false, false]);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

      // Labels in the diagram at the page's own size: drawn 1:1, 12 px text.
      const scale = await page.$eval('#network', (svg) => svg.clientWidth / (svg as SVGSVGElement).viewBox.baseVal.width);
      expect(scale).toBeCloseTo(1, 5);
      expect(Math.min(...await page.$$eval('#network text', (ts) => ts.map((t) => Number(getComputedStyle(t).fontSize.replace('px', '')))))).toBeGreaterThanOrEqual(12);

      // A tap on a line (no hover on a phone) shows its weight.
      const edge = page.locator('#network line.hit').first();
      await edge.scrollIntoViewIfNeeded();
      await edge.click();
      const weight = Number(await page.getAttribute('#network line[data-weight]', 'data-weight'));
      expect(await page.textContent('#network-details')).toContain(`Weight from cgpa to hidden 1 · unit 1: ${Number(weight.toPrecision(8))}`);
      // A tap on a hidden unit shows its bias and outlines its map.
      await page.locator('#network circle[data-column="1"][data-unit="0"]').click();
      const bias = (model.getWeights()[1] as number[])[0]!;
      expect(await page.textContent('#network-details')).toContain(`hidden 1 · unit 1 (tanh): bias ${Number(bias.toPrecision(8))}`);
      expect(await page.$$eval('#unit-maps canvas.selected', (cs) => cs.map((c) => [c.getAttribute('data-layer'), c.getAttribute('data-unit')]))).toEqual([['0', '0']]);
      // The outline leaves the map's caption uncovered.
      const [outlined, caption] = await page.$eval('#unit-maps canvas.selected', (c) => [c.getBoundingClientRect().bottom + parseFloat(getComputedStyle(c).outlineWidth), c.nextElementSibling!.getBoundingClientRect().top]);
      expect(caption).toBeGreaterThanOrEqual(outlined!);
      // The tap's pick is its purple ring, with no focus square around it (that ring is the keyboard's).
      expect(await page.evaluate(() => [document.activeElement?.getAttribute('aria-label'), getComputedStyle(document.activeElement!).outlineStyle])).toEqual(['hidden 1 · unit 1', 'none']);
      await page.screenshot({ path: join(OUTPUT, `page-${width}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  it('clears what no longer holds: results during a run, chart and results after a network edit, the network for a CSV not yet chosen', async () => {
    const { page, problems } = await open('/web/');
    await fillPlacement(page, { optimizer: 'sgd', learningRate: '0.1', epochs: '20', batchSize: '1' }, 'full');
    await train(page);
    expect(await page.$$('#predictions tbody tr')).toHaveLength(4);

    // A new run: the previous run's results go with its first snapshot.
    await page.fill('#epochs', '100000');
    await page.selectOption('#pace', 'watch');
    await page.click('#train');
    // (the last run's chart already has points, so wait for its summary line to go: the run's first drawing clears the results)
    await page.waitForFunction(() => document.querySelector('#final')?.textContent === '');
    expect(await page.$$('#predictions tr, #weights tr')).toHaveLength(0);
    await page.click('#stop');
    await page.waitForSelector('#status[data-state=stopped]');

    // Editing the network: the old chart and results go, the new network is drawn.
    await page.fill('#hidden', '3');
    await page.waitForFunction(() => document.querySelectorAll('#network circle').length === 6);
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBeNull();
    expect(await page.$$('#predictions tr, #weights tr')).toHaveLength(0);

    await page.selectOption('#task', 'csv');
    expect(await page.$$('#network circle')).toHaveLength(0);
    expect(await page.textContent('#network')).toBe('Choose a CSV file to see its network.');
    expect(await page.isHidden('#network-details')).toBe(true);
    expect(await page.textContent('#status')).toBe('Press Train to start.');
    expect(await page.isHidden('#plane-panel')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('plots a 1-epoch run, and a run that diverges after one epoch, as one point on a whole-number epoch axis', async () => {
    const { page, problems } = await open('/web/');
    await fillPlacement(page, { optimizer: 'sgd', learningRate: '0.1', epochs: '1', batchSize: '1' }, 'full');
    await train(page);
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBe('1');
    expect(JSON.parse((await page.getAttribute('#loss-chart', 'data-epoch-ticks'))!)).toEqual(['1']);
    const [dot] = await countColors(page, '#loss-chart canvas', [[37, 99, 235]]);
    expect(dot).toBeGreaterThan(10);
    // A 200-epoch run that diverges in its second epoch: its one epoch is a dot too (a line needs two), and the
    // status says what happened in the page's words (the library's field name, fit, is none of the form's).
    await page.selectOption('#task', 'package');
    await page.fill('#lr', '5');
    await page.selectOption('#pace', 'full');
    await page.click('#train');
    await page.waitForSelector('#status[data-state=error]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/^Training diverged at epoch 2, row 1: the loss became Infinity \(learningRate 5\)\. /);
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBe('1');
    const [lone] = await countColors(page, '#loss-chart canvas', [[37, 99, 235]]);
    expect(lone).toBeGreaterThan(10);
    // Step 5 is the step whose loss overflows (its numbers are shown); a Step past it says so the same way.
    await page.fill('#epochs', '5');
    await page.fill('#lr', '5');
    for (const n of [1, 2, 3, 4, 5]) {
      await page.click('#step');
      await page.waitForFunction((k) => document.getElementById('network-stage')?.dataset.step === String(k), n);
    }
    await page.click('#step');
    await page.waitForSelector('#status[data-state=error]');
    expect(await page.textContent('#status')).toBe('Training diverged at epoch 2, step 5, before the traced step 6.');
    // A run whose loss climbs for 8 epochs (28 → 2.8e166, as Model.fit gives for these settings) before it
    // overflows: the log axis labels its whole climb, not only the decades of a loss that learns.
    await page.fill('#epochs', '200');
    await page.fill('#lr', '0.02');
    await page.fill('#batch-size', '4');
    await page.click('#train');
    await page.waitForSelector('#status[data-state=error]', { timeout: 60_000 });
    expect(await page.getAttribute('#loss-chart', 'data-points')).toBe('8');
    const ticks = (JSON.parse((await page.getAttribute('#loss-chart', 'data-loss-ticks'))!) as string[]).map(Number);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(10);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(28);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(1e100);
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
    // The prediction map shows the weights the model kept, epoch 8's: its predictions (~1e249, far above the
    // targets' 4–7) paint the plane the deepest blue.
    await page.waitForFunction(() => document.body.dataset.maps === 'current');
    const [deep] = await countColors(page, '#plane-chart canvas', [[102, 146, 241]]);
    expect(deep).toBeGreaterThan(10_000);
    // The results show those weights and their predictions: Model.fit of the same run in Node keeps the same.
    const kept = new Model(datasets.package.model);
    await expect(kept.fit(datasets.package.x, datasets.package.y, { optimizer: 'sgd', learningRate: 0.02, epochs: 200, batchSize: 4, shuffle: 'none' })).rejects.toThrow(/^fit: Training diverged at epoch 9, /);
    expect(await page.textContent('#final')).toBe('Diverged in epoch 9. Below, the weights of epoch 8, the last one finished, which the model keeps, and their predictions.');
    const shown = await page.$$eval('#predictions tbody tr', (rows) => rows.map((r) => Number(r.children[3]!.textContent)));
    expect(shown).toEqual(kept.predict(datasets.package.x).map(([y]) => Number(y!.toPrecision(4))));
    expect(shown[0]).toBeGreaterThan(1e200);
    const firstWeight = await page.$eval('#weights table td:nth-child(2)', (c) => Number(c.textContent));
    expect(firstWeight).toBe(Number((kept.getWeights()[0] as number[][])[0]![0]!.toPrecision(4)));
    await page.screenshot({ path: join(OUTPUT, 'page-diverged.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a link or an edit whose hidden layers are no network says so where the network was drawn, and leaves no other network\'s maps', async () => {
    const { page, problems } = await open('/web/#task=placement&hidden=0');
    const message = (got: string) => `No network to draw: the hidden layers take whole numbers from 1 to 256, separated by commas (got "${got}").`;
    expect(await page.textContent('#network')).toBe(message('0'));
    expect([await page.isHidden('#units-panel'), await page.isHidden('#plane-panel'), await page.textContent('#network-stage')]).toEqual([true, true, '']);
    await page.fill('#hidden', '3');
    await page.waitForFunction(() => document.querySelectorAll('#network circle').length === 6);
    await page.fill('#hidden', '3, x');
    await page.waitForFunction(() => document.querySelectorAll('#network circle').length === 0);
    expect(await page.textContent('#network')).toBe(message('3, x'));
    // Nor does the worked derivation's note speak of the network that was (2-3-1).
    expect([await page.isHidden('#units-panel'), await page.textContent('#derivation-note')]).toEqual([true, '']);
    // At a phone's width the message wraps inside the diagram: no line is wider than it.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.fill('#hidden', '2,,2');
    await page.waitForFunction((m) => document.getElementById('network')!.textContent === m, message('2,,2'));
    const [svg, text] = await page.$eval('#network', (e) => [e.getBoundingClientRect().toJSON() as DOMRect, e.querySelector('text')!.getBoundingClientRect().toJSON() as DOMRect]);
    expect(text.left).toBeGreaterThanOrEqual(svg.left);
    expect(text.right).toBeLessThanOrEqual(svg.right);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('with a CSV file: keeps a bad file\'s line and column, keeps the settings across files and targets, and stops a timing', async () => {
    const { page, problems } = await open('/web/');
    await page.selectOption('#task', 'csv');
    const file = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.setInputFiles('#csv-file', file('bad.csv', 'a,b,label\n1,2,0\n3,oops,1\n'));
    await page.waitForSelector('[data-input="csv-file"].invalid');
    const message = await page.textContent('[data-input="csv-file"] .error');
    expect(message).toMatch(/line 3/);
    expect(message).toMatch(/b/);
    expect(await axeViolations(page)).toEqual([]);
    await train(page, 'error');
    expect(await page.textContent('[data-input="csv-file"] .error')).toBe(message);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('csv-file');

    // Two blobs of 200 rows each; the settings the user types stay when the file or the target changes.
    const random = seeded(1);
    const rows = Array.from({ length: 400 }, (_, r) => {
      const c = r % 2;
      return [(c ? 2 : -2) + random() * 2 - 1, (c ? 1 : -1) + random() * 2 - 1, c, r].map((v) => Number(v.toFixed(4))).join(',');
    });
    const blobs = `x1,x2,label,id\n${rows.join('\n')}\n`;
    await page.setInputFiles('#csv-file', file('blobs.csv', blobs));
    await page.waitForFunction(() => document.querySelectorAll('#target option').length === 4);
    await page.selectOption('#target', 'label');
    expect(await page.$$('.field.invalid')).toHaveLength(0);
    await page.fill('#hidden', '64, 64');
    await page.fill('#epochs', '300');
    await page.fill('#batch-size', '1');
    await page.selectOption('#target', 'id');
    await page.selectOption('#target', 'label');
    await page.setInputFiles('#csv-file', file('blobs-again.csv', blobs));
    await page.selectOption('#target', 'label');
    expect([await page.inputValue('#hidden'), await page.inputValue('#epochs'), await page.inputValue('#batch-size')]).toEqual(['64, 64', '300', '1']);

    // Timing shows its progress and stops when asked, leaving the form usable.
    await page.click('#compare');
    await page.waitForSelector('#timings .progress');
    expect(await page.textContent('#timings .progress')).toMatch(/^Timing WebAssembly: fit 1, epoch \d+ of 300…$/);
    expect(await page.$eval('#settings fieldset', (f) => (f as HTMLFieldSetElement).disabled)).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('stop-timing');
    await page.click('#stop-timing');
    await page.waitForSelector('#status[data-state=stopped]');
    expect(await page.$eval('#settings fieldset', (f) => (f as HTMLFieldSetElement).disabled)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('compare');
    expect(await page.$$('#timings table')).toHaveLength(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});

/** axe-core's violations on the page as it is now (rule id and the elements), injected from node_modules on first use. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** A task of the page's main thread as Chromium's trace saw it: wall time, the thread's CPU time in it, and its largest parts. */
interface MainTask { wall: number; cpu: number; parts: string }

/** Trace events as the DevTools protocol delivers them (the fields read here). */
interface TraceEvent { name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: { data?: { message?: string; functionName?: string } } }

/** Milliseconds over which a task is long (the Long Tasks API's threshold). */
const LONG_TASK_MS = 50;
/**
 * CPU milliseconds the page's thread may spend receiving a fit's end, a big network's weights included:
 * one frame at 60 Hz. (It took 26–39 ms when the weights came as nested arrays and the page rebuilt
 * the model to predict its first rows; 5–6 ms with the weights flat and the predictions made in the worker.)
 */
const FIT_END_MS = 16;

/**
 * From now on, the page's long tasks as its own PerformanceObserver('longtask') reports them, each
 * matched to its task in a Chromium trace recorded meanwhile: its wall time, the CPU time the page's
 * thread spent in it and its largest parts (script, GC, layout, paint, commit). On a loaded machine the
 * system can stop the page's thread in the middle of a task, which makes the task long on the wall
 * clock but not in the thread's CPU time: the CPU time is what the page did. Also each task that
 * received a fit's end (the worker's "done" message, marked by console.timeStamp as it arrives).
 */
async function watchLongTasks(page: Page): Promise<() => Promise<{ long: MainTask[]; unmatched: number[]; done: MainTask[] }>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => { for (const e of value as unknown as TraceEvent[]) events.push(e); });
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,v8,disabled-by-default-v8.gc', transferMode: 'ReportEvents' });
  const sync = await page.evaluate(() => {
    const seen: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof seen }).longTasks = seen;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask' });
    console.timeStamp('backprop-e2e-sync');
    return performance.now();
  });
  return async () => {
    const observed = await page.evaluate(() => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks);
    // A second sync stamp: the renderer may not yet record when Tracing.start has answered, and miss the first
    const syncEnd = await page.evaluate(() => {
      console.timeStamp('backprop-e2e-sync-end');
      return performance.now();
    });
    const ended = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await ended;
    await cdp.detach();
    // The page's main thread is the one that wrote the sync stamp; its clock is the trace's less the offset.
    const stampOf = (message: string) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === message);
    const first = stampOf('backprop-e2e-sync');
    const stamp = first ?? stampOf('backprop-e2e-sync-end')!;
    const offset = stamp.ts / 1000 - (first ? sync : syncEnd);
    const mine = events.filter((e) => e.pid === stamp.pid && e.tid === stamp.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    // The thread's tasks: its outermost events (a scheduler's task, a message from another thread, the microtasks after one).
    const tasks: TraceEvent[] = [];
    for (const e of mine) if (tasks.length === 0 || e.ts >= tasks[tasks.length - 1]!.ts + tasks[tasks.length - 1]!.dur!) tasks.push(e);
    /** The traced tasks `within` as one: the long tasks API counts a task and the microtasks run after it as one. */
    const describe = (within: TraceEvent[], wall?: number): MainTask => {
      const inside = mine.filter((e) => !within.includes(e) && within.some((t) => e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur!) && e.dur! > 3000);
      const parts = inside.sort((a, b) => b.dur! - a.dur!).slice(0, 5).map((e) => `${e.name}${e.args?.data?.functionName ? ` ${e.args.data.functionName}` : ''} ${(e.dur! / 1000).toFixed(1)}`);
      let cpu = 0;
      for (const t of within) cpu += (t.tdur ?? t.dur!) / 1000;
      return { wall: wall ?? within[0]!.dur! / 1000, cpu, parts: parts.join(', ') };
    };
    const long: MainTask[] = [], unmatched: number[] = [];
    // Each observed task is the traced tasks that overlap it (the two clocks agree to about a millisecond).
    for (const o of observed) {
      const from = (o.start + offset) * 1000, to = from + o.duration * 1000;
      const within = tasks.filter((t) => Math.min(to, t.ts + t.dur!) - Math.max(from, t.ts) > 1000);
      if (within.length > 0) long.push(describe(within, o.duration));
      else unmatched.push(Math.round(o.duration));
    }
    const done = events.filter((e) => e.name === 'TimeStamp' && e.args?.data?.message === 'backprop-e2e-done')
      .map((d) => tasks.find((t) => t.ts <= d.ts && d.ts <= t.ts + t.dur!)).filter((t) => t !== undefined).map((t) => describe([t]));
    return { long, unmatched, done };
  };
}

/** Marks each message that brings a fit's end to the page (for watchLongTasks), before the page's own handler runs. */
const MARK_FIT_END = () => {
  const Native = Worker;
  window.Worker = class extends Native {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.addEventListener('message', (e: MessageEvent<{ type?: string }>) => { if (e.data?.type === 'done') console.timeStamp('backprop-e2e-done'); });
    }
  };
};

const ms = (t: MainTask) => `${t.wall.toFixed(0)} ms (CPU ${t.cpu.toFixed(0)} ms: ${t.parts || 'no part over 3 ms'})`;

/** A screenshot for people to look at: the whole page, or on a phone (where the whole page is several screens tall) the screen from `from` down. */
async function shot(page: Page, name: string, from?: string): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  if (from) await page.$eval(from, (e) => e.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(OUTPUT, name), fullPage: from === undefined });
}

describe('the playground', () => {
  // A second and third try where the first measured over the lines: the CPU time of a task also grows
  // when the host's other work slows this machine's cores (one full run saw the fit's end take 17 ms and
  // a frame 52 ms where they take 5–10 ms and none); the page's own excess fails every try.
  it('trains networks as big as the page takes with no long task of its own: the preview, the run, Stop, and the weights at the end', { retry: 2 }, async () => {
    // The issue's reproductions: blobs3 with 220-220-220 and 256-256-256 hidden units (about 100,000 and 200,000
    // weights), as fast as it goes, for 1000 epochs, then Stop; then each to the end of a short run, whose final
    // weights come to the page. Their weights are made, trained and mapped in the page's worker.
    const { page, problems } = await open('/web/', MARK_FIT_END);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.selectOption('#task', 'blobs3');
    await page.waitForSelector('body[data-maps=current]');
    await page.selectOption('#pace', 'full');
    const longTasks = await watchLongTasks(page);
    for (const units of [220, 256]) {
      await page.fill('#hidden', `${units}, ${units}, ${units}`);
      await page.waitForFunction((n) => document.getElementById('network')!.textContent!.includes(`+${n - 12} more`), units);
      await page.waitForSelector('#network line[data-weight]');
      await page.waitForSelector('body[data-maps=current]');
      await page.fill('#epochs', '1000');
      await page.click('#train');
      await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#loss-chart')?.dataset.points) >= 7, undefined, { timeout: 60_000 });
      expect(await page.textContent('#status')).toMatch(/^Training: epoch \d+ of 1000, loss [\d.]+; [\d,]+ epochs\/s, [\d,]+ rows\/s$/);
      // The diagram draws each layer's first 12 units, with every drawn weight.
      expect(await page.$$('#network line[data-weight]')).toHaveLength(2 * 12 + 12 * 12 * 2 + 12 * 3);
      expect(await page.$$('#unit-maps canvas')).toHaveLength(36);
      await page.click('#stop');
      await page.waitForSelector('#status[data-state=stopped]', { timeout: 60_000 });
      expect(await page.isDisabled('#train')).toBe(false);
      expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ epochs; final loss [\d.]+; accuracy [\d.]+ % of the training rows\.$/);
      await page.waitForSelector('body[data-maps=current]');
      await page.fill('#epochs', '3');
      await train(page);
      expect(await page.textContent('#status')).toMatch(/^Trained for 3 epochs; /);
      // The weights table names the layer's full width (the page received the drawn weights and the rest flat).
      expect(await page.textContent('#weights caption')).toBe(`Hidden layer 1 weights (first 12 of ${units} units)`);
    }
    const { long, unmatched, done } = await longTasks();
    console.log(`long tasks of the page's thread (wall clock, with its CPU time): ${long.map(ms).join('; ') || 'none'}`);
    console.log(`the tasks that received each fit's end: ${done.map(ms).join('; ')}`);
    // Every long task the page's observer reported is found in the trace, and none is the page's own work:
    // the thread's CPU time in each is under 50 ms (any excess on the wall clock is the machine's, not the page's).
    expect(unmatched).toEqual([]);
    expect(long.filter((t) => t.cpu > LONG_TASK_MS).map(ms)).toEqual([]);
    // Four fits ended (two stopped, two run out): each end, its weights included, is received within a frame's CPU time.
    expect(done).toHaveLength(4);
    expect(done.filter((t) => t.cpu > FIT_END_MS).map(ms)).toEqual([]);
    // On a quiet machine the wall clock holds too: BACKPROP_STRICT_LONG_TASKS=1 asserts no long task at all.
    if (process.env.BACKPROP_STRICT_LONG_TASKS) expect([...long.map(ms), ...unmatched.map((d) => `${d} ms (not in the trace)`), ...done.filter((t) => t.wall > LONG_TASK_MS).map(ms)]).toEqual([]);
    // (axe runs once the watch is over: it is a long task of its own.)
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('trains a 200,000-row CSV file: its network, the loss of the same fit in Node, a sample of its rows on the map', async () => {
    const { page, problems } = await open('/web/');
    const random = seeded(2);
    const lines = ['x1,x2,label'];
    for (let r = 0; r < 200_000; r++) {
      const a = Math.round((random() * 4 - 2) * 1000) / 1000, b = Math.round((random() * 4 - 2) * 1000) / 1000;
      lines.push(`${a},${b},${a + b + random() - 0.5 > 0 ? 1 : 0}`);
    }
    const text = `${lines.join('\n')}\n`;
    await page.selectOption('#task', 'csv');
    // Reading the file is done on the page's thread (the CSV reader's one pass, after the harness hands the file over): logged, not bounded here.
    const loading = await watchLongTasks(page);
    await page.setInputFiles('#csv-file', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.waitForFunction(() => document.querySelector('#data-summary')?.textContent?.startsWith('200,000 rows from big.csv'));
    console.log(`long tasks reading a 200,000-row CSV file: ${(await loading()).long.map(ms).join('; ') || 'none'}`);
    await page.fill('#epochs', '2');
    await page.fill('#batch-size', '256');
    await page.selectOption('#pace', 'full');
    // Training it: the rows go to the worker, and nothing the page does on its thread takes 50 ms.
    const training = await watchLongTasks(page);
    await train(page);
    const { long } = await training();
    console.log(`long tasks training on a 200,000-row CSV file: ${long.map(ms).join('; ') || 'none'}`);
    expect(long.filter((t) => t.cpu > LONG_TASK_MS).map(ms)).toEqual([]);
    if (process.env.BACKPROP_STRICT_LONG_TASKS) expect(long.map(ms)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.$$('#network circle')).toHaveLength(2 + 8 + 1);
    expect(await page.getAttribute('#plane-chart', 'data-dots')).toBe('1000');
    // The page's CSV defaults, run in Node on the same text.
    const data = readCsv(text, { target: 'label' });
    const model = new Model({ inputs: 2, layers: [{ units: 8, activation: 'relu', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }, { units: 1, activation: 'sigmoid', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }], loss: 'binaryCrossentropy', seed: 0 });
    const history = await model.fit(data.x, data.y, { optimizer: 'adam', learningRate: 0.01, epochs: 2, batchSize: 256, shuffle: 'epoch', standardize: true });
    expect(maxRelativeDiff([Number(await page.getAttribute('#final', 'data-loss'))], [history.loss.at(-1)!])).toBeLessThanOrEqual(1e-12);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('trains a noisy spiral from a shared URL, with the held-out rows\' loss on the chart; on a phone the chart comes into view', async () => {
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      // SGD with momentum, with the crosses sin x1 and sin x2 as inputs besides x1 and x2.
      const { page, problems } = await open('/web/#task=spiral&noise=20&optimizer=sgd&lr=0.03&momentum=0.9&crosses=sin+x1,sin+x2&pace=full');
      await page.setViewportSize({ width, height });
      expect(await page.inputValue('#noise')).toBe('20');
      expect(await page.inputValue('#test-share')).toBe('30');
      expect(await page.textContent('#data-summary')).toBe('400 rows from the spiral toy data (noise 20 %): x1, x2 → label (0 or 1).');
      expect(await page.$$eval('#network circle[data-column="0"]', (cs) => cs.map((c) => c.getAttribute('aria-label')))).toEqual(['x1', 'x2', 'sin x1', 'sin x2']);
      await page.click('#train');
      await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#loss-chart')?.dataset.points) >= 1);
      const chart = await page.$eval('#loss-panel', (p) => p.getBoundingClientRect().toJSON() as DOMRect);
      expect(chart.top).toBeGreaterThanOrEqual(-1);
      expect(chart.top).toBeLessThan(height);
      await page.waitForSelector('#status[data-state=done]', { timeout: 60_000 });
      await page.waitForSelector('body[data-maps=current]');
      expect(await page.getAttribute('#loss-chart', 'data-test-points')).toBe('300');
      if (width === 1280) {
        // The same rows (web/toys.ts, seeded), the same split and the same fit in Node.
        // Math.sin is the JavaScript engine's own, and Chromium's and Node's differ in the last bit for some
        // arguments (about 3 % of them): the crosses are taken as the browser computes them.
        const toy = toyData('spiral', 0.2), sines = await page.evaluate((v) => v.map(Math.sin), Array.from(toy.x));
        const inputs = Float64Array.from({ length: 400 * 4 }, (_, k) => (k % 4 < 2 ? toy.x[2 * Math.floor(k / 4) + (k % 4)]! : sines[2 * Math.floor(k / 4) + (k % 4) - 2]!));
        const split = splitRows(400, { fraction: 0.3, seed: 0, stratify: toy.y });
        const part = (rows: number[]) => [takeRows(inputs, 4, rows), takeRows(toy.y, 1, rows)] as const;
        const [x, y] = part(split.train), test = part(split.validation);
        const model = new Model({ inputs: 4, layers: [8, 8, 1].map((units, l) => ({ units, activation: l < 2 ? 'tanh' : 'sigmoid', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' })), loss: 'binaryCrossentropy', seed: 0 });
        const history = await model.fit(x, y, { optimizer: 'sgd', learningRate: 0.03, momentum: 0.9, epochs: 300, batchSize: 10, shuffle: 'epoch', standardize: false, validationData: [test[0], test[1]] });
        expect(maxRelativeDiff([Number(await page.getAttribute('#final', 'data-loss')), Number(await page.getAttribute('#final', 'data-test-loss'))], [history.loss.at(-1)!, history.valLoss!.at(-1)!])).toBeLessThanOrEqual(1e-12);
        // The ringed dots are the held-out rows; the URL keeps the settings.
        expect(new URL(page.url()).hash).toContain('task=spiral&noise=20&test-share=30&hidden=8%2C+8');
        expect(new URL(page.url()).hash).toContain('crosses=sin+x1%2Csin+x2');
      }
      if (width === 1280) {
        // Discretize: every cell in its answer's deepest colour; the half shades go (but where the smoothed cells meet).
        const half = [[179, 200, 248], [248, 197, 170]];
        const before = await countColors(page, '#plane-chart canvas', half);
        await page.check('#discretize');
        const after = await countColors(page, '#plane-chart canvas', half);
        expect(after[0]! + after[1]!).toBeLessThan(0.6 * (before[0]! + before[1]!));
        await page.uncheck('#discretize');
      }
      await shot(page, `playground-${width}-spiral.png`, width < 600 ? '#loss-panel' : undefined);
      expect(await axeViolations(page)).toEqual([]);
      if (width < 600) await shot(page, `playground-${width}-spiral-map.png`, '#plane-panel');
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('from the keyboard: no field hides behind the Train bar, a weight\'s chain rule is a few keys away; axe finds nothing in any state', async () => {
    const { page, problems } = await open('/web/');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.$eval('#derivation', (d) => { (d as HTMLDetailsElement).open = true; });
    await page.$eval('#code-details', (d) => { (d as HTMLDetailsElement).open = true; });
    // The worked derivation's two-column formulas (about 700 px) have a panel wide enough for them: nothing hides behind a scroll.
    expect(await page.$$eval('#derivation-text pre', (ps) => ps.map((p) => p.scrollWidth - p.clientWidth))).toEqual([0, 0]);
    expect(await axeViolations(page)).toEqual([]);
    // Tab through the form: each field it reaches is in the window and above the sticky bar.
    await page.focus('#task');
    for (let k = 0; k < 40; k++) {
      const where = await page.evaluate(() => {
        const e = document.activeElement!;
        if (!e.closest('#settings') || e.closest('.run-bar')) return undefined;
        return { id: e.id || e.getAttribute('aria-label'), box: e.getBoundingClientRect().toJSON() as DOMRect, bar: document.querySelector('.run-bar')!.getBoundingClientRect().top };
      });
      if (where) {
        expect(where.box.bottom, where.id!).toBeLessThanOrEqual(where.bar + 0.5);
        expect(where.box.top, where.id!).toBeGreaterThanOrEqual(0);
      }
      await page.keyboard.press('Tab');
    }

    // Three Steps of placement (adam) on a 2-14-14-1 network, whose hidden layers are drawn in part (12 of 14 units).
    // From Step, Tab to hidden 1's first unit, Enter, Tab to its first weight: a drawn weight is two keys away.
    await fillPlacement(page, { optimizer: 'adam', learningRate: '0.05', epochs: '300', batchSize: '1' }, 'full');
    await page.selectOption('#init', 'glorotUniform');
    await page.fill('#hidden', '14, 14');
    await page.waitForFunction(() => document.getElementById('network')!.textContent!.includes('+2 more'));
    for (const n of [1, 2, 3]) {
      await page.click('#step');
      await page.waitForFunction((k) => document.getElementById('network-stage')?.dataset.step === String(k), n);
    }
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('aria-label'));
    const tabTo = async (label: RegExp) => {
      for (let k = 0; k < 60 && !label.test((await focused()) ?? ''); k++) await page.keyboard.press('Tab');
      expect(await focused()).toMatch(label);
    };
    await page.focus('#step');
    await tabTo(/^hidden 1 · unit 1$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await focused()).toMatch(/^weight from cgpa to hidden 1 · unit 1: /);
    // A weight between two units the diagram does not draw: Tab on to hidden 1's "+2 more", Enter, type 14, Enter;
    // then Tab along unit 14's weights to the one into hidden 2's unit 13, and Enter.
    await page.focus('#step');
    await tabTo(/^2 more units in hidden layer 1: pick one by its number$/);
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('unit-number');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.type('14');
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('network-details');
    expect(await page.textContent('#network-details')).toContain('hidden 1 · unit 14 (sigmoid): bias ');
    await tabTo(/^weight from hidden 1 · unit 14 to hidden 2 · unit 13: /);
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('network-details');
    expect(await page.textContent('#network-details')).toContain('Weight from hidden 1 · unit 14 to hidden 2 · unit 13: ');
    expect(await page.textContent('#network-details')).toContain('getWeights()[2][13][12]');
    // Its chain rule, factor by factor, is that of the same step traced in Node.
    const model = new Model({ ...d.model, layers: [14, 14, 1].map((units) => ({ units, activation: 'sigmoid', kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' })) });
    const trace = await model.trace(d.x, d.y, { ...fit, step: 3, apply: true });
    const chain = (trace.chains[2] as ParamChain[][])[13]![12]!;
    const terms = await page.$$eval('#network-details .term', (ps) => ps.map((p) => JSON.parse((p as HTMLElement).dataset.values!) as number[]));
    expect(terms.map((t) => t.length)).toEqual(chain.values.map((v) => v.length));
    expect(maxRelativeDiff(terms.flat(), chain.values.flat())).toBeLessThanOrEqual(1e-12);
    expect(maxRelativeDiff([Number(await page.getAttribute('#network-details .chain-sum', 'data-gradient'))], [chain.gradient])).toBeLessThanOrEqual(1e-12);
    // Adam's step as its factors: −α·m/(√v + ε) from the step's m and v is the move the weight made.
    const moved = await page.$eval('#network-details .update[data-step]', (p) => [Number((p as HTMLElement).dataset.step), Number((p as HTMLElement).dataset.delta)]);
    expect(maxRelativeDiff([moved[0]!], [(trace.update.deltas[2] as number[][])[13]![12]!])).toBeLessThanOrEqual(1e-9);
    expect(maxRelativeDiff([moved[0]!], [moved[1]!])).toBeLessThanOrEqual(1e-9);
    expect(await page.textContent('#network-details')).toContain('Its step is −α·m / (√v + ε)');
    expect(await axeViolations(page)).toEqual([]);
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      // The diagram at the top of the window, the chain view under it.
      await page.$eval('#network-stage', (e) => e.scrollIntoView({ block: 'start' }));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // the new width's layout painted before the picture (two frames: the resize's, then the scroll's)
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      await page.screenshot({ path: join(OUTPUT, `playground-${width}-step-keyboard.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await train(page);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says only what holds now; reads numeric labels as classes when told; refuses softmax on one output; resets; +/− units; menus from the library', async () => {
    const { page, problems } = await open('/web/');
    // Cross-origin isolation headers on the page and every script it runs, for threads that share memory (the page works with them: no problems below).
    for (const path of ['/web/', '/web/page.js', '/web/pageWorker.js', '/browser.js', '/worker.js', '/backprop.wasm']) {
      const response = await fetch(new URL(path, base));
      expect([response.status, response.headers.get('cross-origin-opener-policy'), response.headers.get('cross-origin-embedder-policy')], path).toEqual([200, 'same-origin', 'require-corp']);
    }
    expect(await page.$$eval('#optimizer option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([...OPTIMIZERS]);
    // A hidden layer takes the elementwise activations (softmax maps a whole row: an output layer's); each option says what it computes
    expect(await page.$$eval('#hidden-activation option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(ACTIVATIONS.filter((a) => a !== 'softmax'));
    expect(await page.$$eval('#output-activation option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([...ACTIVATIONS]);
    expect(await page.getAttribute('#hidden-activation option[value="mish"]', 'title')).toBe('z · tanh(log(1 + e^z))');

    // A refused Train's message goes when a good file comes.
    await page.selectOption('#task', 'csv');
    await train(page, 'error');
    const b = classDatasets.blobs3;
    const csv = `x1,x2,kind\n${b.x.map((row, r) => `${row.join(',')},${b.y[r]}`).join('\n')}\n`;
    await page.setInputFiles('#csv-file', { name: 'kinds.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForFunction(() => document.querySelector('#data-summary')?.textContent?.includes('kinds.csv'));
    expect([await page.getAttribute('#status', 'data-state'), await page.textContent('#status')]).toEqual(['idle', 'Press Train to start.']);
    // 0, 1, 2 read as a number, until the box says they are classes.
    expect(await page.textContent('#data-summary')).toContain('→ kind (a number)');
    await page.selectOption('#output-activation', 'softmax');
    await train(page, 'error');
    expect(await page.textContent('[data-input=output-activation] .error')).toContain('softmax over one output unit is always 1');
    await page.check('#classes');
    await page.waitForFunction(() => document.querySelectorAll('#network circle[data-column="2"]').length === 3);
    expect(await page.textContent('#data-summary')).toContain('(3 classes: 0, 1, 2)');
    expect(await page.inputValue('#output-activation')).toBe('softmax');
    expect(await page.$$('.field.invalid')).toHaveLength(0);

    // +/−: a unit more in the hidden layer, then Reset brings the CSV defaults back.
    await page.click('button[aria-label="one unit more in hidden layer 1"]');
    expect(await page.inputValue('#hidden')).toBe('9');
    await page.waitForFunction(() => document.querySelectorAll('#network circle[data-column="1"]').length === 9);
    await page.click('button[aria-label="one hidden layer more"]');
    expect(await page.inputValue('#hidden')).toBe('9, 9');
    await page.fill('#lr', '0.5');
    await page.click('#reset');
    expect([await page.inputValue('#hidden'), await page.inputValue('#lr')]).toEqual(['8', '0.01']);

    // L2 on the kernels and Dropout after the hidden layer reach the library as Keras's kernelRegularizer and Dropout.
    await page.selectOption('#regularizer', 'l2');
    await page.fill('#reg-rate', '0.001');
    await page.fill('#dropout', '0.1');
    await page.selectOption('#pace', 'full');
    await page.fill('#epochs', '60');
    await train(page);
    const code = (await page.textContent('#code'))!;
    expect(code).toContain('"kernelRegularizer": {\n        "l2": 0.001\n      }');
    expect(code).toContain('"dropout": 0.1');
    expect(await page.$$eval('#weights table:last-child thead th', (ths) => ths.map((t) => t.textContent))).toEqual(['from', '0', '1', '2']);
    for (const [width, height] of [[1280, 800], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shot(page, `playground-${width}-classes-csv.png`, width < 600 ? '#plane-panel' : undefined);
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // A Step's status goes with a settings change; so does a timing's progress line when it is stopped.
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Step '));
    await page.fill('#lr', '0.02');
    expect(await page.textContent('#status')).toBe('Press Train to start.');
    await page.fill('#epochs', '100000');
    await page.click('#compare');
    await page.waitForSelector('#timings .progress');
    await page.click('#stop-timing');
    await page.waitForSelector('#status[data-state=stopped]');
    expect(await page.$$('#timings .progress')).toHaveLength(0);

    // The loss menu offers, from the loss table, the losses the page reads its targets and outputs for:
    // the classes' one here, every loss of numbers for a regression
    expect(await page.$$eval('#loss option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['sparseCategoricalCrossentropy']);

    // The regression plane: its map colours the prediction, blue high and orange low.
    await page.selectOption('#task', 'plane');
    expect(await page.$$eval('#loss option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(LOSS_LIST.filter((r) => r.labels === 'numbers').map((r) => r.name));
    await page.selectOption('#loss', 'huber');
    expect(await page.textContent('#loss-summary')).toContain(LOSS_ROWS.huber.help);
    expect(new URL(page.url()).hash).toContain('loss=huber');
    await page.selectOption('#pace', 'full');
    await train(page);
    expect(await page.textContent('#code')).toContain('"loss": "huber"');
    const [blue, orange] = await countColors(page, '#plane-chart canvas', [[102, 146, 241], [240, 138, 85]]);
    expect(blue).toBeGreaterThan(500);
    expect(orange).toBeGreaterThan(500);
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
    const model = new Model(d.model);
    const history = await model.fit(d.x, d.y, { optimizer: 'adam', learningRate: 0.05, epochs: 300, batchSize: 1, shuffle: false });
    expect(await page.textContent('#out')).toBe(
      `epoch 300: loss ${history.loss.at(-1)!.toFixed(4)}\npredictions: ${model.predict(d.x).map(([p]) => p!.toFixed(3)).join(', ')}`);
    expect(problems).toEqual([]);
    await page.close();
  });
});
