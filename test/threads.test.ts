// fit({ threads }): the same bits for any thread count. Each batch's forward pass and each row of
// dL/d inputs are shared out by rows, each layer's gradients by units (every gradient one sum over
// the batch's rows in order), the loss and the update stay with the caller: so 1, 2, 3 and 4 threads,
// the SIMD and the scalar builds and the JS engine (one thread, the reference twin) give the same
// weights, optimizer state and losses, with every optimizer, with and without Dropout, in Node and
// in Chromium with the page cross-origin isolated. A thread that fails ends the fit with its error, on
// either platform, and leaves no thread waiting.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OPTIMIZERS } from '../src/contract.js';
import { setCoreCount } from '../src/cores.js';
import { AUTO_START_WORK, setBusyCores, setThreadStarter, setTunerClock, threadsFor, ThreadTuner, type StartThread } from '../src/threads.js';
import { nodeThreads, threadScript } from '../src/worker/nodeThreads.js';
import { NET } from '../src/layout.js';
import { busyCores, sampleBusyCores, setLookSource, type Look } from '../src/busyCores.js';
import { loadWasm, Model, type LayerSpec, type ModelFitOptions, type ModelOptions } from '../src/node.js';
import { checkSpec } from '../src/spec.js';
import { launch, open, serve } from './browser.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// 203 rows: batches of 50 leave 3, of 7 leave 0 and of 16 leave 11 — shares of odd sizes, some threads without a row
const ROWS = 203, INPUTS = 6;
const x: number[][] = [], y: number[][] = [];
let seed = 7;
const next = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
for (let r = 0; r < ROWS; r++) {
  const row = Array.from({ length: INPUTS }, next);
  x.push(row);
  y.push([row[0]! * row[1]! + Math.sin(3 * row[2]!) - row[5]!]);
}

const spec = (dropout: boolean): ModelOptions<LayerSpec> => ({
  inputs: INPUTS,
  layers: [{ units: 13, activation: 'relu' }, ...(dropout ? [{ dropout: 0.3 }] : []), { units: 8, activation: 'tanh' }, { units: 1 }],
  loss: 'mse',
  seed: 4,
});

// A thread whose third call of `work` throws (the second step, which the caller and the other threads
// wait in at a barrier): a prelude to either platform's thread script, and the fit it fails, with its error.
const FAILS_THIRD = 'let calls = 0; const own = work; work = (net, thread) => { if (++calls === 3) throw new Error("this thread fails"); return own(net, thread); };';
const FAILING_FIT: ModelFitOptions = { epochs: 2, batchSize: 50, seed: 2, optimizer: 'adam' };
const THREAD_FAILED = 'fit: a training thread failed (this thread fails); its workers were ended, and the next fit starts others';

/** Every optimizer in turn on one model (its first weights put back, its optimizer reset): each one's history and training state. */
async function runAll(model: Model, fit: ModelFitOptions): Promise<unknown[]> {
  const first = model.getWeights();
  const out: unknown[] = [];
  for (const optimizer of OPTIMIZERS) {
    model.setWeights(first);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 50, seed: 2, learningRate: 0.01, optimizer, resetOptimizer: true, ...fit });
    out.push({ optimizer, loss: history.loss, weights: model.getWeights(), state: model.getTrainingState() });
  }
  return out;
}

describe('fit({ threads }) gives the same bits for any thread count', () => {
  // Tests set the cores, other processes' load and the tuner's clock: the Node entry's own, back after each, pass or fail
  afterEach(() => {
    setCoreCount(availableParallelism);
    setBusyCores(busyCores);
    setTunerClock(() => performance.now());
  });

  it('1, 2, 3 and 4 threads and the JS engine: every optimizer, with and without Dropout — every weight, optimizer moment and loss', async () => {
    await loadWasm();
    for (const dropout of [false, true]) {
      const reference = await runAll(new Model(spec(dropout)), { engine: 'js' });
      for (const threads of [1, 2, 3, 4]) {
        const model = new Model(spec(dropout));
        expect(await runAll(model, { threads }), `${threads} threads${dropout ? ', dropout' : ''}`).toEqual(reference);
        model.dispose();
      }
    }
  });

  it('batches that do not split evenly, one call per epoch, per-row shuffling; a second fit continues on the kept workers', async () => {
    const fit: ModelFitOptions = { optimizer: 'adam', epochs: 4, batchSize: 16, shuffle: 'sample', stepsPerExecution: 'epoch', seed: 9 };
    const reference = new Model(spec(true));
    const expected = [await reference.fit(x, y, { ...fit, engine: 'js' }), await reference.fit(x, y, { ...fit, batchSize: 7, engine: 'js' })];
    for (const threads of [2, 3]) {
      const model = new Model(spec(true));
      expect([await model.fit(x, y, { ...fit, threads }), await model.fit(x, y, { ...fit, batchSize: 7, threads })].map((h) => h.loss)).toEqual(expected.map((h) => h.loss));
      expect(model.getWeights()).toEqual(reference.getWeights());
      expect(model.getTrainingState()).toEqual(reference.getTrainingState());
      model.dispose();
    }
  });

  it('with a regularizer and clipping (the caller updates alone), and a run that diverges stops at the same row', async () => {
    const regularized: ModelOptions<LayerSpec> = { ...spec(true), layers: [{ units: 13, activation: 'relu', kernelRegularizer: { l2: 0.01 } }, { dropout: 0.3 }, { units: 1 }] };
    const fits: ModelFitOptions[] = [
      { optimizer: 'adam', globalClipnorm: 0.5, epochs: 3, batchSize: 50 },
      { optimizer: 'rmsprop', clipvalue: 0.1, epochs: 3, batchSize: 50 },
    ];
    for (const fit of fits) {
      const reference = new Model(regularized);
      const expected = await reference.fit(x, y, { ...fit, engine: 'js' });
      const model = new Model(regularized);
      expect((await model.fit(x, y, { ...fit, threads: 3 })).loss).toEqual(expected.loss);
      expect(model.getTrainingState()).toEqual(reference.getTrainingState());
      model.dispose();
    }
    // A step whose update leaves parameters non-finite only in the workers' shares (past the first
    // half: the second hidden layer's and the output's), its loss finite. Inputs of 0 and biases from 0
    // leave every hidden unit at 0 (relu, tanh), so the first layer's gradients are 0; the targets of
    // 1e150 give a loss of 1e300, and gradients of about 1e150 that a learning rate of 1e160 takes past 1.8e308.
    const diverge: ModelFitOptions = { optimizer: 'sgd', learningRate: 1e160, epochs: 2, batchSize: 50 };
    const zeros = x.map((r) => r.map(() => 0)), huge = y.map(() => [1e150]);
    const refusal = async (model: Model, fit: ModelFitOptions) => { try { await model.fit(zeros, huge, fit); } catch (e) { return (e as Error).message; } return 'no error'; };
    const expected = await refusal(new Model(spec(false)), { ...diverge, engine: 'js' });
    expect(expected).toMatch(/^fit: Training diverged at epoch 1, batch starting at row \d+: parameter layers\[1\]\.bias\[0\] became Infinity/);
    for (const threads of [2, 4]) {
      const model = new Model(spec(false));
      expect(await refusal(model, { ...diverge, threads })).toBe(expected);
      // the workers took their shares to the end of that step: the model trains on
      expect((await model.fit(x, y, { optimizer: 'adam', epochs: 1, batchSize: 50, threads })).loss[0]).toBeGreaterThan(0);
      model.dispose();
    }
  });

  it('the workers start once the fit\'s rows have their room, and anew once the memory has grown: they never run over memory that grew after they started', async () => {
    // (a worker's instance bounds its accesses by the memory's size as it last saw it, and Node tells it of
    // another thread's growing a shared memory only later: one first fit in about sixty trapped there)
    const sizes: number[] = [];
    let memory: WebAssembly.Memory | undefined;
    const start = nodeThreads();
    setThreadStarter((data) => {
      memory = data.memory;
      sizes.push(data.memory.buffer.byteLength);
      return start(data);
    });
    try {
      const model = new Model(spec(false));
      const fit: ModelFitOptions = { epochs: 1, batchSize: 50, threads: 2, validationSplit: 0.2 };
      await model.fit(x, y, fit);
      await model.fit(x, y, fit);
      expect(sizes).toHaveLength(1);
      expect(memory!.buffer.byteLength).toBe(sizes[0]);
      // 40 times the rows: more memory, so the next fit's workers are new ones, started over all of it
      const many = Array.from({ length: 40 }, () => x).flat(), targets = Array.from({ length: 40 }, () => y).flat();
      await model.fit(many, targets, fit);
      expect(sizes).toHaveLength(2);
      expect(sizes[1]).toBeGreaterThan(sizes[0]!);
      expect(memory!.buffer.byteLength).toBe(sizes[1]);
      model.dispose();
    } finally {
      setThreadStarter(start);
    }
  });

  it('a worker that fails ends the fit with its error (no thread waits for it); the next fit starts other workers and trains as one thread does', async () => {
    const failing = nodeThreads(threadScript(FAILS_THIRD));
    const model = new Model(spec(false));
    setThreadStarter(failing);
    try {
      await expect(model.fit(x, y, { ...FAILING_FIT, threads: 3 })).rejects.toThrow(THREAD_FAILED);
    } finally {
      setThreadStarter(nodeThreads());
    }
    // no epoch ended: the model kept its weights, and trains on as a model that never failed
    expect((await model.fit(x, y, { ...FAILING_FIT, threads: 3 })).loss).toEqual((await new Model(spec(false)).fit(x, y, { ...FAILING_FIT, threads: 1 })).loss);
    model.dispose();
  });

  it('workers ended mid-fit leave their loops before others start, where ending one does not stop it at once (a browser\'s)', async () => {
    // Workers that terminate() leaves running, parked asleep at the barrier when they are ended
    const lingering: StartThread = (data) => ({ ...nodeThreads()(data), terminate: () => {} });
    const reference = new Model(spec(false));
    await reference.fit(x, y, { ...FAILING_FIT, threads: 1 });
    const expected = (await reference.fit(x, y, { ...FAILING_FIT, threads: 1 })).loss;
    setThreadStarter(lingering);
    const model = new Model(spec(false));
    try {
      await model.fit(x, y, { ...FAILING_FIT, threads: 3 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      // as a fit whose step was cut short ends its workers
      (model as unknown as { threads: { abandon(): void } }).threads.abandon();
      // two others start; the first two, woken by their barrier, would take steps among theirs
      expect((await model.fit(x, y, { ...FAILING_FIT, threads: 3 })).loss).toEqual(expected);
    } finally {
      model.dispose();
      setThreadStarter(nodeThreads());
    }
  });

  it('row weights and another loss: the caller computes every row\'s loss and dL/dz in row order, so they share nothing new', async () => {
    const weighted: ModelOptions<LayerSpec> = { ...spec(true), loss: { name: 'huber', delta: 0.3 } };
    const sampleWeight = y.map((_, r) => 0.5 + (r % 5) / 2);
    const fit: ModelFitOptions = { optimizer: 'adamw', epochs: 3, batchSize: 50, sampleWeight };
    const reference = new Model(weighted);
    const expected = await reference.fit(x, y, { ...fit, engine: 'js' });
    for (const threads of [2, 3]) {
      const model = new Model(weighted);
      expect((await model.fit(x, y, { ...fit, threads })).loss).toEqual(expected.loss);
      expect(model.getTrainingState()).toEqual(reference.getTrainingState());
      model.dispose();
    }
  });

  it("'auto' keeps one thread where a batch is too little work (and for per-row updates, and the JS engine), else takes the cores", () => {
    setCoreCount(() => 2);
    const net = (layers: number[]) => checkSpec({ inputs: layers[0]!, layers: layers.slice(1).map((units) => ({ units })), loss: 'mse' });
    expect(threadsFor('auto', 'wasm', net([2, 2, 1]), 32)).toBe(1);
    expect(threadsFor('auto', 'wasm', net([8, 16, 1]), 32)).toBe(1);
    expect(threadsFor('auto', 'wasm', net([128, 128, 1]), 32)).toBe(2);
    expect(threadsFor('auto', 'wasm', net([256, 256, 1]), 256)).toBe(2);
    expect(threadsFor('auto', 'wasm', net([256, 256, 1]), 1)).toBe(1);
    expect(threadsFor(4, 'wasm', net([256, 256, 1]), 1)).toBe(1);
    expect(threadsFor('auto', 'js', net([256, 256, 1]), 256)).toBe(1);
    // the cores other processes keep busy are left to them: a second thread would wait on one not running
    expect(threadsFor('auto', 'wasm', net([128, 128, 1]), 32, { busy: 0.4 })).toBe(2);
    expect(threadsFor('auto', 'wasm', net([128, 128, 1]), 32, { busy: 0.6 })).toBe(1);
    expect(threadsFor(2, 'wasm', net([128, 128, 1]), 32, { busy: 0.6 })).toBe(2);
    setCoreCount(() => 4);
    expect(threadsFor('auto', 'wasm', net([256, 256, 1]), 256, { busy: 1.7 })).toBe(2);
  });

  it("'auto' starts a model's threads once its fits with 'auto' have done enough work to pay for their start", async () => {
    setCoreCount(() => 2);
    setBusyCores(async () => 0);
    const model = new Model({ inputs: 128, layers: [{ units: 128, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 1 });
    const rows = Array.from({ length: 64 }, (_, r) => Array.from({ length: 128 }, (_, c) => Math.sin(r * 128 + c)));
    const targets = rows.map((row) => [row[0]!]);
    const work = 64 * 16_641; // rows × parameters, each epoch
    const epochs = Math.floor(AUTO_START_WORK / work / 2);
    const started = () => (model as unknown as { threads?: object }).threads !== undefined;
    await model.fit(rows, targets, { epochs, batchSize: 32, threads: 'auto' });
    expect(started()).toBe(false);
    // the second fit brings the model's work with 'auto' to AUTO_START_WORK: this one shares its batches
    await model.fit(rows, targets, { epochs: Math.ceil(AUTO_START_WORK / work) - epochs, batchSize: 32, threads: 'auto' });
    expect(started()).toBe(true);
    model.dispose();
  });

  it("'auto' keeps the faster of its threads and one, measured: windows until two in a row run no faster, then a probe of the other count (its second window measured) after 16, 32, 64 windows of 20 ms or more", () => {
    // epochs of 100 rows: 50 ms on 2 threads and 100 on 1 (a quiet machine), then 300 on 2 (other work takes a core), then quiet again
    let now = 0, count = 0, twoMs = 50, oneMs = 100;
    setTunerClock(() => now);
    const counts: number[] = [];
    const epochs = (tuner: ThreadTuner, n: number, ms = () => (count === 1 ? oneMs : twoMs)) => {
      for (let e = 0; e < n; e++) {
        counts.push(count);
        tuner.epochStart();
        now += ms();
        tuner.epochEnd(100);
      }
      return counts.splice(0);
    };
    // runs of equal counts: [n, times] …
    const runs = (...r: [number, number][]) => r.flatMap(([n, times]) => new Array<number>(times).fill(n));
    const tuner = new ThreadTuner(2, 2, 32, (n) => { count = n; });
    tuner.resume();
    // 2 (faster than nothing), 2 and 2 (no faster, twice: warm), a probe of 1 (two windows, slower), then 16 on 2 and a probe, 32 and a probe: confirmed, the hold doubles to 64 at most
    expect(epochs(tuner, 70)).toEqual(runs([2, 3], [1, 2], [2, 16], [1, 2], [2, 32], [1, 2], [2, 13]));
    twoMs = 300;
    // the next probe (64 windows on 2 after the last) finds 1 faster: it stays 16 windows, then 2 is probed
    expect(epochs(tuner, 70)).toEqual(runs([2, 51], [1, 18], [2, 1]));
    twoMs = 50;
    // that probe's second window, now quiet, finds 2 faster: it stays, and the next probe of 1 (slower) comes 16 windows on
    expect(epochs(tuner, 50)).toEqual(runs([2, 17], [1, 2], [2, 31]));
    // where other processes keep the cores busy, a new measure starts on one thread (and probes the others once warm)
    const fromOne = new ThreadTuner(2, 1, 32, (n) => { count = n; });
    fromOne.resume();
    expect(epochs(fromOne, 5)).toEqual(runs([1, 3], [2, 2]));
    // short epochs are timed in windows of 20 ms at least: 4 epochs of 5 ms, 2 of 10
    [twoMs, oneMs] = [5, 10];
    const short = new ThreadTuner(2, 2, 32, (n) => { count = n; });
    short.resume();
    expect(epochs(short, 14)).toEqual(runs([2, 12], [1, 2]));
    // a probe within 5% of the count running does not take over
    [twoMs, oneMs] = [100, 104];
    const alike = new ThreadTuner(2, 1, 32, (n) => { count = n; });
    alike.resume();
    expect(epochs(alike, 20)).toEqual(runs([1, 3], [2, 2], [1, 15]));
    // Fresh workers run unoptimized code at first (measured: a first window at a sixth of the steady
    // speed): no probe until two windows in a row run no faster (300, 150, 60, 50 ms, then 50 twice), so 1 is not taken for the faster
    [twoMs, oneMs] = [50, 100];
    const fresh = new ThreadTuner(2, 2, 32, (n) => { count = n; });
    fresh.resume();
    const warming = [300, 150, 60];
    expect(epochs(fresh, 10, () => (count === 1 ? oneMs : warming.shift() ?? twoMs))).toEqual(runs([2, 6], [1, 2], [2, 2]));
    // The probe's first window takes the switch (workers woken after a long wait): the second decides
    const woken = new ThreadTuner(2, 1, 32, (n) => { count = n; });
    woken.resume();
    const waking = [250];
    expect(epochs(woken, 8, () => (count === 1 ? oneMs : waking.shift() ?? twoMs))).toEqual(runs([1, 3], [2, 5]));
  });

  it("'auto' switching between its threads and one mid-fit changes no number", async () => {
    setCoreCount(() => 2);
    setBusyCores(async () => 0);
    const spec128: ModelOptions<LayerSpec> = { inputs: 128, layers: [{ units: 128, activation: 'relu' }, { dropout: 0.2 }, { units: 1 }], loss: 'mse', seed: 1 };
    const rows = Array.from({ length: 64 }, (_, r) => Array.from({ length: 128 }, (_, c) => Math.sin(r * 128 + c)));
    const targets = rows.map((row) => [row[0]!]);
    const fit = { epochs: Math.ceil(AUTO_START_WORK / (64 * 16_641)), batchSize: 32, optimizer: 'adam', learningRate: 1e-4 } as const;
    const model = new Model(spec128);
    // The count each epoch runs on, read where the tuner's clock is asked at the epoch's start; each epoch's length from `ms`
    const counts: number[] = [];
    const timeEpochs = (ms: (count: number) => number) => {
      let calls = 0, began = 0;
      setTunerClock(() => {
        if (calls++ % 2 === 1) return began + ms(counts.at(-1)!);
        const ws = (model as unknown as { workspaces: { wasm: { engine: { i32: Int32Array }; layout: { net: number } } } }).workspaces.wasm;
        counts.push(ws.engine.i32[ws.layout.net + NET.THREADS]!);
        began = counts.length * 1000;
        return began;
      });
    };
    // 30 ms epochs on the favoured count, 90 on the other; the favoured one changes every 40 epochs, and 'auto' follows
    timeEpochs((count) => ((Math.floor(counts.length / 40) % 2 ? 1 : 2) === count ? 30 : 90));
    const auto = await model.fit(rows, targets, { ...fit, threads: 'auto' });
    const reference = new Model(spec128);
    expect(auto.loss).toEqual((await reference.fit(rows, targets, { ...fit, threads: 1 })).loss);
    expect(model.getWeights()).toEqual(reference.getWeights());
    expect(model.getTrainingState()).toEqual(reference.getTrainingState());
    const switches = counts.filter((n, i) => i > 0 && n !== counts[i - 1]).length;
    expect(switches).toBeGreaterThan(20);
    // A fit where other processes keep the cores busy starts on one thread; one where they do not, on all
    for (const [busy, first] of [[1.5, 1], [0, 2], [1.5, 1]] as const) {
      setBusyCores(async () => busy);
      const start = counts.length;
      timeEpochs(() => 30);
      await model.fit(rows, targets, { ...fit, epochs: 1, threads: 'auto' });
      expect(counts.slice(start)).toEqual([first]);
    }
    model.dispose();
  });

  it("the cores other processes keep busy, as 'auto' reads them: this process's own work does not count", async () => {
    // every process's time on every core, in cores, as the system counts it (10 ms ticks)
    const total = () => cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0);
    const [start, at, cpu] = [total(), performance.now(), process.cpuUsage()];
    await busyCores();
    const end = performance.now() + 400;
    while (performance.now() < end); // this process busy on one core
    const load = await busyCores();
    const elapsed = performance.now() - at;
    const all = (total() - start) / elapsed;
    // this process's own share of a core: all of one on a quiet machine, less where others crowd it
    const { user, system } = process.cpuUsage(cpu);
    const own = (user + system) / 1000 / elapsed;
    expect(own).toBeGreaterThan(0.25);
    // the busy core is this process's: subtracted, whatever else runs on the machine meanwhile
    expect(all - load).toBeGreaterThan(0.8 * own);
    expect(load).toBeGreaterThanOrEqual(0);
    // a look within 50 ms of the last gives that figure again
    expect(await busyCores()).toBe(load);
  });

  it("'auto''s measure of other processes' work at a fit's start spans the moments since the last fit's last window, not the whole fit", async () => {
    // The counters (ms): another process's 900 ms of work over the first second, while a fit trains (its
    // windows look at them), 18 more by 1,020 ms, none after; the next fit starts at 1,300 ms
    const readings: Look[] = [
      { at: 0, busy: 0, own: 0 },
      { at: 1000, busy: 900, own: 0 }, { at: 1020, busy: 918, own: 0 },
      { at: 1300, busy: 918, own: 0 },
    ];
    setLookSource(() => readings.shift()!);
    try {
      // two windows' ends: the second within 50 ms of the first takes no figure of its own
      sampleBusyCores();
      sampleBusyCores();
      // 18 ÷ 300 = 0.06 cores since the look at 1,000 ms, not 918 ÷ 1,300 = 0.71 since the first
      expect(await busyCores()).toBeCloseTo(0.06, 12);
      expect(readings).toEqual([]);
    } finally {
      setLookSource();
    }
  });

  it('refuses a thread count that is not one, naming the field', async () => {
    const model = new Model(spec(false));
    for (const [threads, message] of [
      [0, 'threads: expected a positive integer, got 0'],
      [2.5, 'threads: expected a positive integer, got 2.5'],
      [65, 'threads: expected at most 64, got 65'],
      ['all', "threads: expected a whole number of threads or 'auto', got \"all\""],
    ] as const) {
      await expect(model.fit(x, y, { threads: threads as number })).rejects.toThrow(message);
    }
    await expect(model.fit(x, y, { engine: 'js', threads: 2 })).rejects.toThrow("threads: the JS engine runs on one thread: use engine 'wasm' (the same numbers) for threads");
  });

  it('the scalar build with threads gives the SIMD build\'s bits', async () => {
    const fit: ModelFitOptions = { optimizer: 'nadam', epochs: 3, batchSize: 50, seed: 5 };
    const reference = new Model(spec(true));
    const expected = await reference.fit(x, y, { ...fit, engine: 'js' });
    await loadWasm(undefined, 'backprop-scalar.wasm');
    for (const threads of [1, 3]) {
      const model = new Model(spec(true));
      expect((await model.fit(x, y, { ...fit, threads })).loss).toEqual(expected.loss);
      expect(model.getTrainingState()).toEqual(reference.getTrainingState());
      model.dispose();
    }
  });
});

describe('threads in a process of any kind', () => {
  it('start in a process whose evaluated code is a module (node --input-type=module, which its workers inherit), and train as one thread does', () => {
    // the library as users import it (dist/, built before the tests)
    const code = `import { Model } from ${JSON.stringify(new URL('../dist/node.js', import.meta.url).href)};
      const rows = Array.from({ length: 64 }, (_, r) => Array.from({ length: 8 }, (_, c) => Math.sin(r * 8 + c))), targets = rows.map((row) => [row[0] * row[1]]);
      const losses = [];
      for (const threads of [1, 2]) {
        const model = new Model({ inputs: 8, layers: [{ units: 16, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 1 });
        losses.push((await model.fit(rows, targets, { epochs: 3, batchSize: 16, optimizer: 'adam', threads })).loss);
        model.dispose();
      }
      console.log(JSON.stringify(losses));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const [one, two] = JSON.parse(run.stdout) as number[][];
    expect(two).toEqual(one);
    expect(one).toHaveLength(3);
  });
});

describe('train --threads', () => {
  it('prints what one thread prints, to the last digit; refuses a count that is not one', () => {
    const train = (...args: string[]) => spawnSync(process.execPath, [CLI, 'train', '--dataset', 'blobs3', '--optimizer', 'adam', '--batch-size', '16', '--epochs', '20', '--json', ...args], { encoding: 'utf8' });
    const one = train('--threads', '1'), two = train('--threads', '2'), auto = train('--threads', 'auto');
    expect([one.status, two.status, auto.status]).toEqual([0, 0, 0]);
    // the settings it prints name the threads it was given; nothing else differs
    const numbers = (out: string) => out.replace(/"threads":(\d+|"auto")/g, '"threads":…');
    expect(numbers(two.stdout)).toBe(numbers(one.stdout));
    expect(numbers(auto.stdout)).toBe(numbers(one.stdout));
    expect(two.stdout).toContain('"threads":2');
    const bad = train('--threads', 'many');
    expect([bad.status, bad.stderr.trim()]).toEqual([1, 'backprop: --threads: expected a number, got "many"']);
  });
});

/** In the page: adam and sgd with momentum, with Dropout, on 1 to 4 threads; whether the page is isolated. */
const PAGE = `<!doctype html><title>threads</title><link rel="icon" href="data:,"><script type="module">
import { Model } from './browser.js';
const x = ${JSON.stringify(x)}, y = ${JSON.stringify(y)};
const runs = [];
for (const optimizer of ['adam', 'sgd']) {
  for (const threads of [1, 2, 3, 4]) {
    const model = new Model(${JSON.stringify(spec(true))});
    const history = await model.fit(x, y, { optimizer, ...(optimizer === 'sgd' ? { momentum: 0.9 } : {}), epochs: 3, batchSize: 50, seed: 2, threads });
    runs.push({ optimizer, threads, loss: history.loss, weights: model.getWeights(), state: model.getTrainingState() });
    model.dispose();
  }
}
window.result = { isolated: crossOriginIsolated, runs: JSON.parse(JSON.stringify(runs, (k, v) => v instanceof Float64Array ? Array.from(v) : v)) };
</script>`;

describe('fit({ threads }) in Chromium', () => {
  const browsers: Browser[] = [];
  afterAll(async () => { await Promise.all(browsers.map((b) => b.close())); });

  /**
   * `files` (index.html among them) served beside dist/ to a Chromium, the page cross-origin isolated
   * or not: the `result` it sets, the workers it started, its problems and its console's warnings.
   */
  async function inChromium<R>(files: Record<string, string>, isolated = true): Promise<{ result: R; workers: number; problems: string[]; notes: string[] }> {
    const server = await serve(fileURLToPath(new URL('../dist/', import.meta.url)), files,
      isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {});
    try {
      const browser = await launch({ isolation: isolated });
      browsers.push(browser);
      const { page, problems } = await open(browser, `${server.url}/index.html`);
      const notes: string[] = [];
      page.on('console', (m) => { if (m.type() === 'warning') notes.push(m.text()); });
      let workers = 0;
      page.on('worker', () => { workers++; });
      await page.waitForFunction(() => 'result' in window, undefined, { timeout: 90_000 });
      return { result: await page.evaluate(() => (window as unknown as { result: R }).result), workers, problems, notes };
    } finally {
      server.close();
    }
  }

  for (const isolated of [true, false]) {
    it(isolated ? 'with the page cross-origin isolated: Web Workers, every thread count to the bit of one thread and of Node' : 'without isolation: one thread, a one-line note, the same numbers', async () => {
      type Run = { optimizer: string; threads: number; loss: number[]; weights: unknown; state: { optimizer: { arrays: Record<string, number[]> } } };
      const { result, workers, problems, notes } = await inChromium<{ isolated: boolean; runs: Run[] }>({ '/index.html': PAGE }, isolated);
      expect(result.isolated).toBe(isolated);
      expect(problems).toEqual([]);
      // 1 + 2 + 3 workers per optimizer, each model's own; none without isolation, and one note
      expect(workers).toBe(isolated ? 12 : 0);
      expect(notes).toEqual(isolated ? [] : [expect.stringContaining('backprop: training on one thread: the page is not cross-origin isolated')]);
      await loadWasm();
      for (const run of result.runs) {
        const node = new Model(spec(true));
        const history = await node.fit(x, y, { optimizer: run.optimizer as 'adam', ...(run.optimizer === 'sgd' ? { momentum: 0.9 } : {}), epochs: 3, batchSize: 50, seed: 2, engine: 'js' });
        const state = node.getTrainingState()!;
        expect([run.loss, run.weights], `${run.optimizer} on ${run.threads} threads`).toEqual([history.loss, node.getWeights()]);
        expect(run.state.optimizer.arrays).toEqual(Object.fromEntries(Object.entries(state.optimizer!.arrays).map(([k, v]) => [k, Array.from(v)])));
      }
    });
  }

  it('a Web Worker that fails ends the fit with its error; the next fit starts others and trains as one thread does', async () => {
    // The library as dist/browser.js bundles it, with a switch to threads whose third call fails
    const root = fileURLToPath(new URL('..', import.meta.url));
    const entry = `export * from './src/browser.ts';
import { setThreadStarter } from './src/threads.ts';
import { browserThreads, threadScript } from './src/worker/browserThreads.ts';
export const failing = (on) => setThreadStarter(browserThreads(threadScript(on ? ${JSON.stringify(FAILS_THIRD)} : '')));`;
    const bundle = await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
    const page = `<!doctype html><title>a failing thread</title><link rel="icon" href="data:,"><script type="module">
import { Model, failing } from './failing.js';
const x = ${JSON.stringify(x)}, y = ${JSON.stringify(y)}, fit = ${JSON.stringify(FAILING_FIT)};
const model = new Model(${JSON.stringify(spec(false))});
failing(true);
let error;
await model.fit(x, y, { ...fit, threads: 3 }).catch((e) => { error = e.message; });
failing(false);
window.result = { error, loss: (await model.fit(x, y, { ...fit, threads: 3 })).loss };
</script>`;
    const { result, workers, problems } = await inChromium<{ error?: string; loss: number[] }>({ '/index.html': page, '/failing.js': bundle.outputFiles[0]!.text });
    expect(result.error).toBe(THREAD_FAILED);
    // 2 workers for the failed fit, 2 new ones for the next; the failing one's error is the fit's, not the page's
    expect(workers).toBe(4);
    expect(problems).toEqual([]);
    expect(result.loss).toEqual((await new Model(spec(false)).fit(x, y, { ...FAILING_FIT, engine: 'js' })).loss);
  });

  it('in a WorkerTrainer\'s worker (threads started from a worker): the same numbers as one thread', async () => {
    const fit: ModelFitOptions = { epochs: 3, batchSize: 50, seed: 2, optimizer: 'adam' };
    const page = `<!doctype html><title>threads in a worker</title><link rel="icon" href="data:,"><script type="module">
import { WorkerTrainer } from './browser.js';
const trainer = new WorkerTrainer(${JSON.stringify(spec(true))});
const history = await trainer.fit(${JSON.stringify(x)}, ${JSON.stringify(y)}, { ...${JSON.stringify(fit)}, threads: 2 });
window.result = { loss: history.loss, weights: trainer.model.getWeights() };
</script>`;
    const { result, workers, problems } = await inChromium<{ loss: number[]; weights: unknown }>({ '/index.html': page });
    // the trainer's worker, and the thread it started
    expect(workers).toBe(2);
    expect(problems).toEqual([]);
    const node = new Model(spec(true));
    expect(result.loss).toEqual((await node.fit(x, y, { ...fit, engine: 'js' })).loss);
    expect(result.weights).toEqual(node.getWeights());
  });
});
