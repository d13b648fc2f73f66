// Training speed of each engine on the same networks and data: samples per second and GFLOP/s,
// each the median of several timed repetitions after a warm-up. No Node built-ins: the CLI
// (src/cli/bench.ts) adds the machine's description and TensorFlow.js.
import type { EngineKind } from './engines/engine.js';
import { loadWasm, type WasmFile } from './engines/wasm.js';
import { Model, type ModelOptions } from './model.js';
import type { OptimizerName } from './optimizers.js';
import { seeded } from './random.js';
import { checkSpec, parameterCount } from './spec.js';
import type { FitOptions } from './trainer.js';

export interface BenchNetwork {
  /** Short name, as `--networks` takes it. */
  id: string;
  model: ModelOptions;
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

/** Synthetic rows: x uniform in [−1, 1); y their mean (mse) or whether their sum is positive (bce). */
export interface BenchData {
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

/** Trains on at least `samples` rows (whole epochs, or a prefix of the rows) and says how many it did in how long. */
export type TimedRun = (samples: number) => Promise<{ samples: number; seconds: number }>;

export interface BenchEngine {
  id: string;
  /** Seconds per timed repetition: TensorFlow.js at batch size 1 gets fewer steps. */
  repSeconds: number;
  open(network: BenchNetwork, mode: BenchMode, data: BenchData): Promise<TimedRun>;
}

const now = () => globalThis.performance.now() / 1000;

/** One of this project's engines through the public Model.fit, rows in order. */
export function modelEngine(id: string, engine: EngineKind, options: { file?: WasmFile; stepsPerExecution?: FitOptions['stepsPerExecution'] } = {}): BenchEngine {
  return {
    id,
    repSeconds: 0.1,
    async open(network, mode, data) {
      const model = new Model(network.model);
      const fit: FitOptions = {
        batchSize: mode.batchSize, optimizer: mode.optimizer, learningRate: mode.learningRate,
        shuffle: 'none', engine, stepsPerExecution: options.stepsPerExecution ?? 1,
      };
      return async (samples) => {
        if (engine === 'wasm') await loadWasm(undefined, options.file);
        const epochs = Math.max(1, Math.round(samples / data.rows));
        const start = now();
        await model.fit(data.x, data.y, { ...fit, epochs });
        return { samples: epochs * data.rows, seconds: now() - start };
      };
    },
  };
}

/** What the bench needs of TensorFlow.js (`import * as tf from '@tensorflow/tfjs'`). */
export type TensorFlow = typeof import('@tensorflow/tfjs');

/** TensorFlow.js on one of its backends: the same network as a tf.sequential of dense layers, model.fit. */
export function tfEngine(tf: TensorFlow, backend: 'cpu' | 'wasm'): BenchEngine {
  return {
    id: `tfjs-${backend}`,
    repSeconds: 0.15,
    async open(network, mode, data) {
      if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' did not start`);
      const spec = checkSpec(network.model);
      const model = tf.sequential({
        layers: spec.layers.map((l, i) => tf.layers.dense({
          units: l.units, activation: l.activation, ...(i === 0 ? { inputShape: [spec.inputs] } : {}),
        })),
      });
      model.compile({
        optimizer: mode.optimizer === 'adam' ? tf.train.adam(mode.learningRate) : tf.train.sgd(mode.learningRate),
        loss: spec.loss === 'mse' ? 'meanSquaredError' : 'binaryCrossentropy',
      });
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
  parameters: number;
  samplesPerSecond: number;
  /** 6 floating-point operations per parameter per sample: forward, backward, update. */
  gflops: number;
  reps: number;
  samplesPerRep: number;
}

export interface BenchOptions {
  networks?: BenchNetwork[];
  modes?: BenchMode[];
  engines: BenchEngine[];
  /** Synthetic rows per network (default 512). */
  rows?: number;
  /** Timed repetitions per figure (default 5); the figure is their median. */
  reps?: number;
  onRow?: (row: BenchRow) => void;
}

/**
 * Warm-up: the sample count grows until one run takes a quarter of the repetition time (by then the
 * JIT has compiled the hot paths); returns the sample count that fills one repetition.
 */
async function warmUp(run: TimedRun, repSeconds: number): Promise<number> {
  let r = await run(16);
  while (r.seconds < repSeconds / 4) r = await run(r.samples * 4);
  return Math.max(1, Math.round(r.samples * repSeconds / r.seconds));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * For each network and mode: every engine warms up, then the timed repetitions go round the engines
 * in turn, so a burst of load from elsewhere on the machine slows all engines alike and their ratios
 * hold; each figure is the median of an engine's repetitions.
 */
export async function runBench(o: BenchOptions): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const reps = o.reps ?? 5;
  for (const network of o.networks ?? BENCH_NETWORKS) {
    const data = benchData(network, o.rows ?? 512);
    const parameters = parameterCount(checkSpec(network.model));
    for (const mode of o.modes ?? BENCH_MODES) {
      const runs = [];
      for (const engine of o.engines) {
        const run = await engine.open(network, mode, data);
        runs.push({ engine, run, samples: await warmUp(run, engine.repSeconds), rates: [] as number[], done: 0 });
      }
      for (let i = 0; i < reps; i++) {
        for (const r of runs) {
          const t = await r.run(r.samples);
          r.rates.push(t.samples / t.seconds);
          r.done = t.samples;
        }
      }
      for (const r of runs) {
        const rate = median(r.rates);
        const row = {
          network: network.id, mode: mode.id, engine: r.engine.id, parameters,
          samplesPerSecond: rate, gflops: 6 * parameters * rate / 1e9, reps, samplesPerRep: r.done,
        };
        out.push(row);
        o.onRow?.(row);
      }
    }
  }
  return out;
}

/** How many times faster engine `a` trained than engine `b` on one network and mode (NaN if either is missing). */
export function ratio(rows: BenchRow[], network: string, mode: string, a: string, b: string): number {
  const rate = (engine: string) => rows.find((r) => r.network === network && r.mode === mode && r.engine === engine)?.samplesPerSecond ?? NaN;
  return rate(a) / rate(b);
}
