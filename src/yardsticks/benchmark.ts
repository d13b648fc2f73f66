// Training speed of each engine on the same networks and data: samples per second and GFLOP/s,
// each the best of several timed repetitions after a warm-up. No Node built-ins: the CLI
// (src/cli/bench.ts) adds the machine's description and TensorFlow.js.
import { ACTIVATION_ROWS } from '../operations/activations.js';
import { hasNone } from '../operations/rows.js';
import type { EngineKind } from '../engines/engine.js';
import { loadWasm, type WasmFile } from '../engines/wasm.js';
import { extent } from '../extent.js';
import { checkFitOptions } from '../fitOptions.js';
import { exportStandalone } from '../io/standalone/exportStandalone.js';
import { Model, type ModelOptions } from '../model.js';
import type { OptimizerName } from '../optimizerSettings.js';
import { seeded } from '../random.js';
import { checkSpec, parameterCount, type Activation } from '../spec.js';
import type { FitOptions } from '../fitOptions.js';
import { AUTO_START_WORK, threadsFor } from '../threads.js';
import { tensorFlowCounterparts, tensorFlowModel, type Tf } from './tfjsReference.js';

export interface BenchNetwork {
  /** Short name, as `--networks` takes it. */
  id: string;
  model: ModelOptions;
}

/**
 * The network with `activation` in place of sigmoid in its hidden layers (`backprop bench --activation`),
 * named `<id>/<activation>`; the output layer and the loss stay. A network without a sigmoid hidden
 * layer (2-2-1-linear) is returned as it is.
 */
export function withHiddenActivation(network: BenchNetwork, activation: Activation): BenchNetwork {
  const { layers } = network.model, last = layers.length - 1;
  if (!layers.some((l, i) => i < last && l.activation === 'sigmoid')) return network;
  return {
    id: `${network.id}/${activation}`,
    model: { ...network.model, layers: layers.map((l, i) => (i < last && l.activation === 'sigmoid' ? { ...l, activation } : l)) },
  };
}

/** Hidden layers and output sigmoid, binary cross-entropy: the sizes a small trainer meets. */
const classifier = (inputs: number, ...units: number[]): ModelOptions => ({
  inputs,
  layers: units.map((u) => ({ units: u, activation: 'sigmoid' as const })),
  loss: 'binaryCrossentropy',
  seed: 1,
});

export const BENCH_NETWORKS: BenchNetwork[] = [
  { id: '2-2-1-linear', model: { inputs: 2, layers: [{ units: 2 }, { units: 1 }], loss: 'mse', seed: 1 } },
  { id: '2-2-1-sigmoid', model: classifier(2, 2, 1) },
  { id: '8-16-1', model: classifier(8, 16, 1) },
  { id: '32-64-64-1', model: classifier(32, 64, 64, 1) },
  { id: '128-128-1', model: classifier(128, 128, 1) },
];

export interface BenchMode {
  id: string;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
}

export const BENCH_MODES: BenchMode[] = [
  { id: 'sgd/1', batchSize: 1, optimizer: 'sgd', learningRate: 0.01 },
  { id: 'adam/32', batchSize: 32, optimizer: 'adam', learningRate: 0.001 },
];

const adam = (batchSize: number): BenchMode => ({ id: `adam/${batchSize}`, batchSize, optimizer: 'adam', learningRate: 0.001 });

/**
 * The threads rows (`backprop bench --threads`): Adam on the wide networks, where a batch is work to
 * share (128-128-1 at 32, 64 and 256 rows; 256-256-1 at 64 and 256), and on the small ones, where
 * 'auto' should keep one thread. Each runs on 1 thread, 2 and 'auto'.
 */
export const THREAD_GROUPS: { network: BenchNetwork; mode: BenchMode }[] = [
  ...BENCH_NETWORKS.filter((n) => n.id !== '32-64-64-1').map((network) => ({ network, mode: adam(32) })),
  ...[64, 256].map((batch) => ({ network: BENCH_NETWORKS.find((n) => n.id === '128-128-1')!, mode: adam(batch) })),
  ...[64, 256].map((batch) => ({ network: { id: '256-256-1', model: classifier(256, 256, 1) }, mode: adam(batch) })),
];
export const THREAD_COUNTS = [1, 2, 'auto'] as const;

/** A mode's fit options, rows in order, as every engine of this project trains it. */
export function modeFitOptions(mode: BenchMode): FitOptions {
  return { batchSize: mode.batchSize, optimizer: mode.optimizer, learningRate: mode.learningRate, shuffle: 'none' };
}

/** Synthetic rows: x uniform in [−1, 1); y their mean (mse) or whether their sum is positive (bce). */
interface BenchData {
  rows: number;
  x: number[][];
  y: number[][];
}

export function benchData(network: BenchNetwork, rows: number): BenchData {
  const random = seeded(7);
  const x = Array.from({ length: rows }, () => Array.from({ length: network.model.inputs }, () => 2 * random() - 1));
  const classify = network.model.loss === 'binaryCrossentropy';
  const y = x.map((r) => {
    const sum = r.reduce((a, b) => a + b, 0);
    return [classify ? (sum > 0 ? 1 : 0) : sum / r.length];
  });
  return { rows, x, y };
}

/**
 * Works through at least `samples` rows (training: whole epochs or a prefix of the rows; a call:
 * whole calls) and says how many it did in how long.
 */
type TimedRun = (samples: number) => Promise<{ samples: number; seconds: number }>;

/**
 * The calls timed beside training: predict of one row (as number[][], and predictInto's flat
 * Float64Array in and out) and of 10,000 rows; fit of 4 rows, one epoch, batch size 1.
 */
const CALLS = [
  { id: 'predict-1', rows: 1 },
  { id: 'predictInto-1', rows: 1 },
  { id: 'predict-10000', rows: 10_000 },
  { id: 'fit-4', rows: 4 },
  // the standalone predictor of the engine's kind (backprop export --format js for js, wasm for wasm): its predictInto of one row
  { id: 'standalone-1', rows: 1 },
  // trainOnBatch of one row: rows as number[][], and as Float64Arrays (nothing allocated)
  { id: 'trainOnBatch-1', rows: 1 },
  { id: 'trainOnBatchFlat-1', rows: 1 },
] as const;
export type CallId = (typeof CALLS)[number]['id'];

export interface BenchEngine {
  id: string;
  /** The threads its fits run on (`fit({ threads })`; default 1). */
  threads?: number | 'auto';
  /** Seconds per timed repetition: TensorFlow.js at batch size 1 gets fewer steps. */
  repSeconds: number;
  /** Undefined where the engine has no such run (a C anchor for a network its program does not train). */
  open(network: BenchNetwork, mode: BenchMode, data: BenchData): Promise<TimedRun | undefined>;
  /** The engine's predict and fit calls, timed in the per-row SGD group (rows are calls × rows per call). */
  openCalls?(network: BenchNetwork, mode: BenchMode): Promise<Record<CallId, TimedRun>>;
}

const now = () => globalThis.performance.now() / 1000;

/** Times `calls(n)`, which makes n calls of `rows` rows each, after loading the engine's kernels. */
function timedCalls(rows: number, load: () => Promise<unknown>, calls: (n: number) => Promise<void> | void): TimedRun {
  return async (samples) => {
    await load();
    const n = Math.max(1, Math.ceil(samples / rows));
    const start = now();
    await calls(n);
    return { samples: n * rows, seconds: now() - start };
  };
}

/**
 * One of this project's engines through the public Model API, rows in order: training is Model.fit;
 * with `calls`, also predict (one row, 10,000 rows) on one model and the fit of 4 rows on another.
 */
export function modelEngine(id: string, engine: EngineKind, options: { file?: WasmFile; stepsPerExecution?: FitOptions['stepsPerExecution']; calls?: boolean; threads?: number | 'auto' } = {}): BenchEngine {
  // The bench takes turns between engines and the WASM ones between kernel builds: back to this one.
  const load = async () => { if (engine === 'wasm') await loadWasm(undefined, options.file); };
  const fitOptions = (mode: BenchMode): FitOptions => ({
    ...modeFitOptions(mode), engine, stepsPerExecution: options.stepsPerExecution ?? 1, threads: options.threads ?? 1,
  });
  return {
    id,
    threads: options.threads ?? 1,
    repSeconds: 0.1,
    async open(network, mode, data) {
      const model = new Model(network.model);
      const fit = fitOptions(mode);
      // 'auto' starts a model's threads once its training pays for their start: time a model that has
      // trained that long (where 'auto' would share its batches at all), as an app's would have.
      if (fit.threads === 'auto' && threadsFor('auto', engine, model.network, mode.batchSize) > 1) {
        await load();
        await model.fit(data.x, data.y, { ...fit, epochs: Math.ceil(AUTO_START_WORK / (data.rows * model.countParams())) });
      }
      return async (samples) => {
        await load();
        const epochs = Math.max(1, Math.round(samples / data.rows));
        const start = now();
        await model.fit(data.x, data.y, { ...fit, epochs });
        return { samples: epochs * data.rows, seconds: now() - start };
      };
    },
    ...(options.calls && {
      async openCalls(network: BenchNetwork, mode: BenchMode) {
        const many = benchData(network, 10_000).x, one = many.slice(0, 1);
        const four = benchData(network, 4);
        // One model predicts as an app's would, one row or many; fit changes its weights, so it has its own.
        const [p, f4] = [new Model(network.model), new Model(network.model)];
        const flat = Float64Array.from(one[0]!), out = new Float64Array(1);
        const fit = { ...fitOptions(mode), epochs: 1 };
        // As an app calls them: the default engine (wasm, once loaded) with no options, another named.
        const run = engine === 'wasm' ? undefined : { engine };
        // An app learning online: one model, one options object for every call (the mode's optimizer).
        const online = new Model(network.model), onlineOptions = { optimizer: mode.optimizer, learningRate: mode.learningRate, ...run };
        const target = four.y.slice(0, 1), flatTarget = Float64Array.from(target[0]!);
        return {
          'predict-1': timedCalls(1, load, (n) => { for (let i = 0; i < n; i++) p.predict(one, run); }),
          'predictInto-1': timedCalls(1, load, (n) => { for (let i = 0; i < n; i++) p.predictInto(flat, out, run); }),
          'predict-10000': timedCalls(10_000, load, (n) => { for (let i = 0; i < n; i++) p.predict(many, run); }),
          'fit-4': timedCalls(4, load, async (n) => { for (let i = 0; i < n; i++) await f4.fit(four.x, four.y, fit); }),
          'standalone-1': await standaloneCall(p, engine, flat),
          'trainOnBatch-1': timedCalls(1, load, (n) => { for (let i = 0; i < n; i++) online.trainOnBatch(one, target, onlineOptions); }),
          'trainOnBatchFlat-1': timedCalls(1, load, (n) => { for (let i = 0; i < n; i++) online.trainOnBatch(flat, flatTarget, onlineOptions); }),
        };
      },
    }),
  };
}

/** The model's standalone predictor of `engine`'s kind, imported as an app would import the file, its predictInto of `row` timed. */
async function standaloneCall(model: Model, engine: EngineKind, row: Float64Array): Promise<TimedRun> {
  const source = exportStandalone(model, { format: engine });
  const bytes = new TextEncoder().encode(source);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  const predictor = await import(/* @vite-ignore */ `data:text/javascript;base64,${btoa(binary)}`) as { predictInto(x: Float64Array, out: Float64Array): Float64Array };
  const out = new Float64Array(1);
  return timedCalls(1, async () => undefined, (n) => { for (let i = 0; i < n; i++) predictor.predictInto(row, out); });
}

/** What the bench needs of TensorFlow.js (`import * as tf from '@tensorflow/tfjs'`). */
export type TensorFlow = Tf;

/**
 * TensorFlow.js on one of its backends: the same network, initial weights, loss and optimizer as a
 * tf.sequential of dense layers (tfjsReference's, mapped from the operation rows: an optimizer or
 * loss TensorFlow.js has not is refused by name), model.fit.
 */
export function tfEngine(tf: TensorFlow, backend: 'cpu' | 'wasm'): BenchEngine {
  return {
    id: `tfjs-${backend}`,
    repSeconds: 0.15,
    async open(network, mode, data) {
      if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' did not start`);
      const spec = checkSpec(network.model);
      // An activation TensorFlow.js has not (its row says why) leaves this engine's row empty (bench --activation)
      if (spec.layers.some((l) => hasNone(ACTIVATION_ROWS[l.activation].tfjs))) return undefined;
      const settings = checkFitOptions(modeFitOptions(mode));
      const model = tensorFlowModel(tf, spec, tensorFlowCounterparts(tf, spec, settings), new Model(network.model).getWeights());
      const xs = tf.tensor2d(data.x), ys = tf.tensor2d(data.y);
      const first = xs.slice(0, 1);
      return async (samples) => {
        // The bench takes turns between engines: back to this backend, with the weights moved to it
        // (by a prediction) before the clock starts.
        await tf.setBackend(backend);
        tf.dispose(model.predict(first));
        // Fewer samples than rows: a prefix of whole batches, one epoch; else whole epochs.
        const take = Math.min(data.rows, Math.max(mode.batchSize, Math.ceil(samples / mode.batchSize) * mode.batchSize));
        const epochs = take < data.rows ? 1 : Math.max(1, Math.round(samples / data.rows));
        const x = take < data.rows ? xs.slice(0, take) : xs, y = take < data.rows ? ys.slice(0, take) : ys;
        const start = now();
        await model.fit(x, y, { batchSize: mode.batchSize, epochs, shuffle: false, verbose: 0 });
        const seconds = now() - start;
        if (x !== xs) tf.dispose([x, y]);
        return { samples: take * epochs, seconds };
      };
    },
  };
}

export interface BenchRow {
  network: string;
  mode: string;
  engine: string;
  /** The threads the engine's fits ran on. */
  threads: number | 'auto';
  parameters: number;
  samplesPerSecond: number;
  /** 6 floating-point operations per parameter per sample: forward, backward, update. */
  gflops: number;
  reps: number;
  samplesPerRep: number;
}

/** One timed call beside training, in units of the same engine's per-row training step on the same network. */
export interface CallRow {
  network: string;
  engine: string;
  call: CallId;
  /** Rows per call: 1, 10,000 or 4. */
  rows: number;
  /** Median wall time of one call. */
  microsecondsPerCall: number;
  /** One per-row training step: 10⁶ ÷ the engine's per-row SGD samples per second in this run. */
  stepMicroseconds: number;
  /** What the call's target counts: predict-1 and trainOnBatch-1 the call; predict-10000 the call per row; fit-4 the call less its 4 training steps (the fixed cost of a fit call). */
  costMicroseconds: number;
  /** costMicroseconds ÷ stepMicroseconds. */
  steps: number;
}

/** The cost a call's target counts (see CallRow) and that cost in training steps. */
export function callCost(call: CallId, microsecondsPerCall: number, stepMicroseconds: number): { costMicroseconds: number; steps: number } {
  const rows = CALLS.find((c) => c.id === call)!.rows;
  const costMicroseconds = call === 'fit-4' ? microsecondsPerCall - rows * stepMicroseconds : microsecondsPerCall / rows;
  return { costMicroseconds, steps: costMicroseconds / stepMicroseconds };
}

interface BenchOptions {
  networks?: BenchNetwork[];
  modes?: BenchMode[];
  /** Networks and modes paired (THREAD_GROUPS), in place of every network with every mode. */
  groups?: { network: BenchNetwork; mode: BenchMode }[];
  engines: BenchEngine[];
  /** Synthetic rows per network (default 512). */
  rows?: number;
  /** Timed repetitions per figure (default 5); the figure is the fastest. */
  reps?: number;
  /** Scales every engine's repetition time (default 1). */
  timeScale?: number;
  /** Each network and mode's rows, once measured (all at the end: see runBench). */
  onGroup?: (rows: BenchRow[], calls: CallRow[]) => void;
  /** Each network and mode once its first repetitions are done. */
  onProgress?: (group: string) => void;
}

/**
 * Warm-up: the sample count grows until one run takes a quarter of the repetition time, then runs of
 * that size repeat while the rate still climbs by more than 10% (at most 8 times): V8 compiles its
 * optimized code on a background thread, which on a busy machine arrives late. Returns the sample
 * count that fills one repetition at the last rate.
 */
async function warmUp(run: TimedRun, repSeconds: number): Promise<number> {
  let r = await run(16);
  while (r.seconds < repSeconds / 4) r = await run(r.samples * 4);
  for (let i = 0; i < 8; i++) {
    const next = await run(r.samples);
    const climbed = next.samples / next.seconds > 1.1 * r.samples / r.seconds;
    r = next;
    if (!climbed) break;
  }
  return Math.max(1, Math.round(r.samples * repSeconds / r.seconds));
}

/** A run once warmed up: the samples that fill one repetition, and each timed repetition's rate. */
interface Turn { run: TimedRun; samples: number; rates: number[]; done: number }

async function warmUps(runs: { run: TimedRun; repSeconds: number }[]): Promise<Turn[]> {
  const turns: Turn[] = [];
  for (const r of runs) turns.push({ run: r.run, samples: await warmUp(r.run, r.repSeconds), rates: [], done: 0 });
  return turns;
}

/** `reps` rounds, each timing one repetition of every run in turn. */
async function timeTurns(turns: Turn[], reps: number): Promise<void> {
  for (let i = 0; i < reps; i++) {
    for (const t of turns) {
      const r = await t.run(t.samples);
      t.rates.push(r.samples / r.seconds);
      t.done = r.samples;
    }
  }
}

/**
 * For each network and mode: every engine (and, at batch size 1, every engine's predict and fit
 * calls) warms up, then the timed repetitions go round them in turn, and each figure is the fastest
 * of its repetitions. Load from elsewhere on a shared machine only ever slows a repetition down, and
 * comes in bursts that need not fall alike on every engine: the fastest repetition is each engine's
 * least disturbed, and ratios of fastest repetitions move less from run to run than ratios of medians.
 * A burst can outlast a group's repetitions (here one slowed every engine of a group 1.5–2× for
 * 20 s), so the first half of them run with the group and the rest in rounds over every group at the end.
 */
export async function runBench(o: BenchOptions): Promise<{ rows: BenchRow[]; calls: CallRow[] }> {
  const reps = o.reps ?? 5, scale = o.timeScale ?? 1, now = Math.ceil(reps / 2);
  const groups = [];
  const pairs = o.groups ?? (o.networks ?? BENCH_NETWORKS).flatMap((network) => (o.modes ?? BENCH_MODES).map((mode) => ({ network, mode })));
  for (const { network, mode } of pairs) {
    const data = benchData(network, o.rows ?? 512);
    const training: { engine: BenchEngine; run: TimedRun; repSeconds: number }[] = [];
    const callRuns: { engine: BenchEngine; call: (typeof CALLS)[number]; run: TimedRun; repSeconds: number }[] = [];
    for (const engine of o.engines) {
      const repSeconds = engine.repSeconds * scale;
      const run = await engine.open(network, mode, data);
      if (!run) continue;
      training.push({ engine, run, repSeconds });
      if (mode.batchSize !== 1 || !engine.openCalls) continue;
      const runs = await engine.openCalls(network, mode);
      for (const call of CALLS) callRuns.push({ engine, call, run: runs[call.id], repSeconds });
    }
    const turns = await warmUps([...training, ...callRuns]);
    await timeTurns(turns, now);
    groups.push({ network, mode, training, callRuns, turns });
    o.onProgress?.(`${network.id} ${mode.id}`);
  }
  await timeTurns(groups.flatMap((g) => g.turns), reps - now);
  const rows: BenchRow[] = [], calls: CallRow[] = [];
  for (const { network, mode, training, callRuns, turns } of groups) {
    const parameters = parameterCount(checkSpec(network.model));
    const rate = (i: number) => extent(turns[i]!.rates)[1];
    const groupRows = training.map((t, i): BenchRow => ({
      network: network.id, mode: mode.id, engine: t.engine.id, threads: t.engine.threads ?? 1, parameters, samplesPerSecond: rate(i),
      gflops: 6 * parameters * rate(i) / 1e9, reps, samplesPerRep: turns[i]!.done,
    }));
    const groupCalls = callRuns.map((t, i): CallRow => {
      const microsecondsPerCall = 1e6 * t.call.rows / rate(training.length + i);
      const stepMicroseconds = 1e6 / groupRows.find((r) => r.engine === t.engine.id)!.samplesPerSecond;
      return { network: network.id, engine: t.engine.id, call: t.call.id, rows: t.call.rows, microsecondsPerCall, stepMicroseconds, ...callCost(t.call.id, microsecondsPerCall, stepMicroseconds) };
    });
    for (const row of groupRows) rows.push(row);
    for (const call of groupCalls) calls.push(call);
    o.onGroup?.(groupRows, groupCalls);
  }
  return { rows, calls };
}

/** How many times faster engine `a` trained than engine `b` on one network and mode (NaN if either is missing). */
export function ratio(rows: BenchRow[], network: string, mode: string, a: string, b: string): number {
  const rate = (engine: string) => rows.find((r) => r.network === network && r.mode === mode && r.engine === engine)?.samplesPerSecond ?? NaN;
  return rate(a) / rate(b);
}
