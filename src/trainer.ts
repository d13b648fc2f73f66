import type { EngineKind } from './engines/engine.js';
import type { Metrics } from './metrics.js';
import { DivergenceError, fail, oneOf, positiveInteger, show } from './errors.js';
import { NET, SETTING, writeOptimizer, writeRandom } from './layout.js';
import { checkOptimizer, OPTIMIZER_OPTIONS, type OptimizerOptions, type OptimizerSettings, type OptimizerState } from './optimizers.js';
import { Random } from './random.js';
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
  /** Passes over the data (default 1, as Keras): the fit ends after epoch `epochs` − 1, counting from 0. */
  epochs?: number;
  /**
   * The epoch to start at (default 0), as Keras's initialEpoch: a fit with `initialEpoch: 5, epochs: 10`
   * runs epochs 5 to 9. Above 0 it continues the model's training state exactly — row order, dropout,
   * early stopping, optimizer — which must stand at that epoch (after a fit of 5 epochs, or loaded
   * from a checkpoint saved then).
   */
  initialEpoch?: number;
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
  initialEpoch: number;
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
  'epochs', 'batchSize', 'shuffle', 'seed', 'engine', 'stepsPerExecution', 'onEpochEnd', 'initialEpoch', ...OPTIMIZER_OPTIONS,
] as const satisfies readonly (keyof FitOptions)[];

export function checkFitOptions(o: FitOptions): Settings {
  if (typeof o !== 'object' || o === null) fail('options', `expected an object, got ${show(o)}`);
  const shuffle = o.shuffle === undefined || o.shuffle === true ? 'epoch' : o.shuffle === false ? 'none' : oneOf('shuffle', o.shuffle, ['none', 'epoch', 'sample'] as const);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) fail('seed', `expected an integer, got ${show(seed)}`);
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') fail('onEpochEnd', `expected a function, got ${show(o.onEpochEnd)}`);
  const resetOptimizer = o.resetOptimizer ?? false;
  if (typeof resetOptimizer !== 'boolean') fail('resetOptimizer', `expected true or false, got ${show(resetOptimizer)}`);
  const initialEpoch = o.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isSafeInteger(initialEpoch) || initialEpoch < 0) fail('initialEpoch', `expected a whole number ≥ 0, got ${show(initialEpoch)}`);
  return {
    epochs: positiveInteger('epochs', o.epochs ?? 1),
    initialEpoch,
    optimizer: checkOptimizer(o),
    resetOptimizer,
    batchSize: positiveInteger('batchSize', o.batchSize ?? 32),
    shuffle,
    seed,
    engine: oneOf('engine', o.engine ?? 'wasm', ['wasm', 'js'] as const),
    stepsPerExecution: checkStepsPerExecution(o.stepsPerExecution ?? 1),
  };
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
 * Where a fit stands after an epoch, besides the parameters and the optimizer's state: what the next
 * epoch reads, so that a fit continued from it (initialEpoch) runs as if it had never stopped.
 */
export interface Progress {
  /** Epochs finished: the next epoch's number. */
  epoch: number;
  /** The row order's generator (src/random.ts), as the next epoch's draw finds it. */
  order: number;
  /** The dropout masks' generator (the kernels' RANDOM slot), likewise. */
  dropout: number;
}

/**
 * A callback whose counters a checkpoint keeps (early stopping's; each new one adds itself to the list
 * in src/model.ts): `state()` as of the last finished epoch, `restore()` before a continued fit's first.
 */
export interface Resumable<State> {
  state(): State;
  restore(state: State): void;
}

/**
 * Trains the parameters the workspace holds, and the optimizer's `state`, on the training rows
 * already copied into it (`rows` of them, with room for batches of s.batchSize: setTrainingRows).
 * Runs epochs s.initialEpoch to s.epochs − 1; above epoch 0 the generators continue from `progress`,
 * else they start from s.seed. `progress` is kept current after every epoch, before `onEpochEnd`
 * gets the parameters (a view) and the logs. `stop()` is asked before each epoch, so a callback can
 * end training early (and a continued fit that had stopped runs none).
 */
export async function train(network: Network, ws: Workspace, state: OptimizerState, rows: number, s: Settings, progress: Progress,
  onEpochEnd: (epoch: number, logs: EpochLogs) => void | Promise<void>, stop: () => boolean): Promise<History> {
  const { engine } = ws;
  state.begin(s.optimizer.optimizer, s.resetOptimizer);
  const { net } = ws.layout;
  loadOptimizer(ws, state, s.optimizer);
  const resumed = s.initialEpoch > 0;
  if (resumed) engine.i32[net + NET.RANDOM] = progress.dropout | 0;
  else writeRandom(engine.i32, ws.layout, s.seed);
  const random = new Random(resumed ? progress.order : s.seed);
  const draw = () => random.next();
  const history: History = { epoch: [], loss: [], params: s };
  for (let epoch = s.initialEpoch; epoch < s.epochs && !stop(); epoch++) {
    // The block may have grown during the last callback (a predict of more rows): views anew.
    const order = engine.i32.subarray(ws.layout.order, ws.layout.order + rows);
    fillOrder(order, s.shuffle, draw);
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
    saveOptimizer(ws, state);
    progress.epoch = epoch + 1;
    progress.order = random.state;
    progress.dropout = engine.i32[net + NET.RANDOM]! >>> 0;
    history.epoch.push(epoch);
    history.loss.push(total / rows);
    await onEpochEnd(epoch, { loss: total / rows });
  }
  return history;
}

/** Writes the optimizer, its settings and `state` into the workspace, where the kernels advance them. */
export function loadOptimizer(ws: Workspace, state: OptimizerState, settings: OptimizerSettings): void {
  const { engine, layout } = ws;
  writeOptimizer(engine.f64, engine.i32, layout, settings, state.iterations);
  engine.f64.set(state.momentums, layout.momentums);
  engine.f64.set(state.velocities, layout.velocities);
}

/** Reads the optimizer's state back out of the workspace into `state`. */
export function saveOptimizer(ws: Workspace, state: OptimizerState): void {
  const f = ws.engine.f64, { settings, momentums, velocities, count } = ws.layout;
  state.iterations = f[settings + SETTING.ITERATIONS]!;
  state.momentums.set(f.subarray(momentums, momentums + count));
  state.velocities.set(f.subarray(velocities, velocities + count));
}

function diverged(network: Network, params: Float64Array, epoch: number, row: number, count: number, loss: number, lr: number): DivergenceError {
  const where = `epoch ${epoch + 1}, ${count > 1 ? 'batch starting at ' : ''}row ${row + 1}`;
  const bad = params.findIndex((v) => !Number.isFinite(v));
  const what = bad >= 0 ? `parameter ${describeParam(network, bad)} became ${params[bad]}` : `the loss became ${loss}`;
  return new DivergenceError(epoch, row, `Training diverged at ${where}: ${what} (learningRate ${lr}). The model keeps the weights of the last finished epoch; try a smaller learning rate or standardized inputs.`);
}
