import type { EngineKind } from './engines/engine.js';
import type { Metrics } from './metrics.js';
import { checkSeed, DivergenceError, fail, oneOf, positiveInteger, show } from './errors.js';
import { SETTING, writeOptimizer, writeRandom } from './layout.js';
import { checkOptimizer, OPTIMIZER_OPTIONS, type OptimizerOptions, type OptimizerSettings, type OptimizerState } from './optimizers.js';
import { seeded } from './random.js';
import type { Workspace } from './workspace.js';
import type { Network } from './spec.js';
import { describeParam } from './weights.js';

/** `'none'`: rows in order; `'epoch'` (or `true`): a new permutation each epoch; `'sample'`: each step draws a row at random, with replacement. */
export type Shuffle = 'none' | 'epoch' | 'sample';

export interface EpochLogs {
  loss: number;
  /** With validation data (src/validation.ts): the held-out rows' loss and metrics after this epoch. */
  valLoss?: number;
  valMetrics?: Metrics;
}

export interface FitOptions extends OptimizerOptions {
  /** Passes over the data (default 1, as Keras). */
  epochs?: number;
  /**
   * Rows per update (default 32, as Keras): 1 for per-row updates, the row count (or more) for one
   * update per epoch. Each update follows the mean gradient of its rows; the last batch of an epoch
   * holds the rows left over, as in Keras.
   */
  batchSize?: number;
  /** Row order (default `true` = `'epoch'`, as Keras). */
  shuffle?: boolean | Shuffle;
  /** Seeds the row order (default 0): a seed reproduces a run exactly, on either engine. */
  seed?: number;
  engine?: EngineKind;
  /**
   * Batches per call into the engine, as Keras's steps_per_execution: 1 (default) — the host runs the
   * batch loop, calling `step` once per batch; 'epoch' — one `epoch` call runs every batch of an epoch
   * inside the engine. Same numbers either way; 'epoch' saves a JS↔WASM crossing per batch.
   */
  stepsPerExecution?: 1 | 'epoch';
  /** Called after each epoch (counting from 0, as Keras); may return a promise, which is awaited. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
}

/** What a chart of a run reads: its epochs and losses (History without the settings). */
export type LossHistory = Pick<History, 'epoch' | 'loss' | 'valLoss' | 'bestEpoch'>;

export interface History {
  epoch: number[];
  /** Mean of the epoch's row (or batch) losses, each measured before its update — what Keras reports. */
  loss: number[];
  /** With validation data: the held-out rows' loss and metrics after each epoch (Keras's val_loss). */
  valLoss?: number[];
  valMetrics?: Metrics[];
  /** With early stopping: the epoch whose weights the model kept. */
  bestEpoch?: number;
  /** The settings the fit ran with, every default filled in (Keras's `history.params`). */
  params: Settings;
}

export interface Settings {
  epochs: number;
  optimizer: OptimizerSettings;
  resetOptimizer: boolean;
  batchSize: number;
  shuffle: Shuffle;
  seed: number;
  engine: EngineKind;
  stepsPerExecution: 1 | 'epoch';
}

/** Every key FitOptions has, so a misspelt one is refused rather than ignored. */
export const FIT_OPTIONS = [
  'epochs', 'batchSize', 'shuffle', 'seed', 'engine', 'stepsPerExecution', 'onEpochEnd', ...OPTIMIZER_OPTIONS,
] as const satisfies readonly (keyof FitOptions)[];

export function checkFitOptions(o: FitOptions): Settings {
  if (typeof o !== 'object' || o === null) fail('options', `expected an object, got ${show(o)}`);
  const shuffle = o.shuffle === undefined || o.shuffle === true ? 'epoch' : o.shuffle === false ? 'none' : oneOf('shuffle', o.shuffle, ['none', 'epoch', 'sample'] as const);
  const seed = checkSeed('seed', o.seed ?? 0);
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') fail('onEpochEnd', `expected a function, got ${show(o.onEpochEnd)}`);
  const resetOptimizer = o.resetOptimizer ?? false;
  if (typeof resetOptimizer !== 'boolean') fail('resetOptimizer', `expected true or false, got ${show(resetOptimizer)}`);
  return {
    epochs: epochCount(o.epochs ?? 1),
    optimizer: checkOptimizer(o),
    resetOptimizer,
    batchSize: positiveInteger('batchSize', o.batchSize ?? 32),
    shuffle,
    seed,
    engine: oneOf('engine', o.engine ?? 'wasm', ['wasm', 'js'] as const),
    stepsPerExecution: checkStepsPerExecution(o.stepsPerExecution ?? 1),
  };
}

/**
 * The most epochs one fit runs. The history keeps every epoch's loss (and, with validation data, its
 * loss and metrics): a million epochs is some 16 MB of it, and up to a few hundred MB with
 * validation metrics; 10¹² would grow without bound, silently. A longer run is several fits, each
 * carrying on from the last.
 */
export const MAX_EPOCHS = 1_000_000;

function epochCount(v: unknown): number {
  const epochs = positiveInteger('epochs', v);
  if (epochs > MAX_EPOCHS) fail('epochs', `expected at most ${MAX_EPOCHS} (the history keeps every epoch's loss and metrics; for more, fit again: each fit carries on from the last), got ${show(v)}`);
  return epochs;
}

function checkStepsPerExecution(v: unknown): 1 | 'epoch' {
  if (v !== 1 && v !== 'epoch') fail('stepsPerExecution', `expected 1 (one call per batch) or 'epoch' (one call per epoch), got ${show(v)}`);
  return v;
}

/** The row order of one epoch (fit and trace draw it alike). */
export function fillOrder(order: Int32Array, shuffle: Shuffle, random: () => number): void {
  const n = order.length;
  if (shuffle === 'sample') {
    for (let i = 0; i < n; i++) order[i] = Math.floor(random() * n);
    return;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle === 'epoch') {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!; order[i] = order[j]!; order[j] = t;
    }
  }
}

/**
 * Trains the parameters the workspace holds, and the optimizer's `state`, on the training rows
 * already copied into it (`rows` of them, with room for batches of s.batchSize: setTrainingRows). After every epoch `onEpochEnd` gets the parameters
 * (a view) and the logs; `stop()` is asked after each epoch, so a callback can end training early.
 */
export async function train(network: Network, ws: Workspace, state: OptimizerState, rows: number, s: Settings,
  onEpochEnd: (epoch: number, logs: EpochLogs) => void | Promise<void>, stop: () => boolean): Promise<History> {
  const { engine } = ws;
  state.begin(s.optimizer.optimizer, s.resetOptimizer);
  const { net, settings, momentums, velocities, count } = ws.layout;
  writeOptimizer(engine.f64, engine.i32, ws.layout, s.optimizer, state.iterations);
  writeRandom(engine.i32, ws.layout, s.seed);
  engine.f64.set(state.momentums, momentums);
  engine.f64.set(state.velocities, velocities);
  const random = seeded(s.seed);
  const history: History = { epoch: [], loss: [], params: s };
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    // The block may have grown during the last callback (a predict of more rows): views anew.
    const order = engine.i32.subarray(ws.layout.order, ws.layout.order + rows);
    fillOrder(order, s.shuffle, random);
    let total = 0;
    if (s.stepsPerExecution === 'epoch') {
      total = engine.epoch(net, rows, s.batchSize);
      // A negative total is the failed batch's position; that step's loss stays inside the engine.
      if (total < 0) {
        const pos = -1 - total;
        throw diverged(network, ws.params(), epoch, order[pos]!, Math.min(s.batchSize, rows - pos), NaN, s.optimizer.learningRate);
      }
    } else for (let pos = 0; pos < rows; pos += s.batchSize) {
      const n = Math.min(s.batchSize, rows - pos);
      // a call site per engine kind, as in Workspace.predict: a site that has called both is slower
      const loss = engine.kind === 'wasm' ? engine.step(net, pos, n) : engine.step(net, pos, n);
      if (!Number.isFinite(loss)) throw diverged(network, ws.params(), epoch, order[pos]!, n, loss, s.optimizer.learningRate);
      total += loss * n;
    }
    const f = engine.f64;
    state.iterations = f[settings + SETTING.ITERATIONS]!;
    state.momentums.set(f.subarray(momentums, momentums + count));
    state.velocities.set(f.subarray(velocities, velocities + count));
    history.epoch.push(epoch);
    history.loss.push(total / rows);
    await onEpochEnd(epoch, { loss: total / rows });
    if (stop()) break;
  }
  return history;
}

function diverged(network: Network, params: Float64Array, epoch: number, row: number, count: number, loss: number, lr: number): DivergenceError {
  const where = `epoch ${epoch + 1}, ${count > 1 ? 'batch starting at ' : ''}row ${row + 1}`;
  const bad = params.findIndex((v) => !Number.isFinite(v));
  const what = bad >= 0 ? `parameter ${describeParam(network, bad)} became ${params[bad]}` : `the loss became ${loss}`;
  return new DivergenceError(epoch, row, `Training diverged at ${where}: ${what} (learningRate ${lr})`, 'The model keeps the weights of the last finished epoch; try a smaller learning rate or standardized inputs.');
}
