import type { Metrics } from './metrics.js';
import { DivergenceError } from './errors.js';
import type { ReduceLROnPlateauSettings, Settings, Shuffle } from './fitOptions.js';
import { currentRate, SETTING, writeOptimizer, writeRandom, writeScheduledRate, type Layout } from './layout.js';
import { improves } from './validation.js';
import type { OptimizerState } from './optimizers.js';
import { seeded } from './random.js';
import type { Workspace } from './workspace.js';
import type { Network } from './spec.js';
import { describeParam } from './weights.js';

/** What `onEpochEnd` receives after each epoch. */
export interface EpochLogs {
  loss: number;
  /** With validation data (src/validation.ts): the held-out rows' loss and metrics after this epoch. */
  valLoss?: number;
  valMetrics?: Metrics;
}

export type { FitOptions, Settings, Shuffle } from './fitOptions.js';

/** What a chart of a run reads: its epochs and losses (History without the settings). */
export type LossHistory = Pick<History, 'epoch' | 'loss' | 'valLoss' | 'bestEpoch'>;

/** What `fit` resolves to: the loss of every epoch (and validation's), as Keras's History. */
export interface History {
  epoch: number[];
  /** Mean of the epoch's row (or batch) losses, each measured before its update — what Keras reports. */
  loss: number[];
  /** With validation data: the held-out rows' loss and metrics after each epoch (Keras's val_loss). */
  valLoss?: number[];
  valMetrics?: Metrics[];
  /** With early stopping: the epoch whose weights the model kept. */
  bestEpoch?: number;
  /** The learning rate at the end of each epoch: a schedule's at the updates made so far, or the rate ReduceLROnPlateau left (Keras's logged learning_rate). */
  lr: number[];
  /** The settings the fit ran with, every default filled in (Keras's `history.params`). */
  params: Settings;
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
 * What every fit (and a trace of one) does before its first step: starts the optimizer's `state`
 * afresh or continues it, and hands the kernels the optimizer, its state and the dropout generator's seed.
 */
export function startFit(ws: Workspace, state: OptimizerState, s: Settings): void {
  const { engine, layout } = ws;
  state.begin(s.optimizer, s.resetOptimizer);
  writeOptimizer(engine.f64, engine.i32, layout, s.optimizer);
  writeRandom(engine.i32, layout, s.seed);
  state.load(engine.f64, layout);
}

/**
 * Trains the parameters the workspace holds, and the optimizer's `state`, on the training rows
 * already copied into it (`rows` of them, with room for batches of s.batchSize: setTrainingRows). After every epoch `onEpochEnd` gets the parameters
 * (a view) and the logs; `stop()` is asked after each epoch, so a callback can end training early.
 */
export async function train(network: Network, ws: Workspace, state: OptimizerState, rows: number, s: Settings,
  onEpochEnd: (epoch: number, logs: EpochLogs) => void | Promise<void>, stop: () => boolean): Promise<History> {
  const { engine } = ws;
  const { net } = ws.layout;
  startFit(ws, state, s);
  const random = seeded(s.seed);
  const history: History = { epoch: [], loss: [], lr: [], params: s };
  const scheduled = s.optimizer.schedule !== null;
  const plateau = s.reduceLROnPlateau && new PlateauWatch(s.reduceLROnPlateau);
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
      if (scheduled) writeScheduledRate(engine.f64, ws.layout, s.optimizer);
      // a call site per engine kind, as in Workspace.predict: a site that has called both is slower
      const loss = engine.kind === 'wasm' ? engine.step(net, pos, n) : engine.step(net, pos, n);
      if (!Number.isFinite(loss)) throw diverged(network, ws.params(), epoch, order[pos]!, n, loss, s.optimizer.learningRate);
      total += loss * n;
    }
    state.save(engine.f64, ws.layout);
    history.epoch.push(epoch);
    history.loss.push(total / rows);
    history.lr.push(currentRate(engine.f64, ws.layout, s.optimizer));
    const logs: EpochLogs = { loss: total / rows };
    await onEpochEnd(epoch, logs);
    plateau?.epochEnd(logs, engine.f64, ws.layout);
    if (stop()) break;
  }
  return history;
}

/**
 * Keras's ReduceLROnPlateau (callbacks/reduce_lr_on_plateau.py) after each epoch's logs are complete:
 * lowers the rate the kernels read. Its counters and best value are public: a checkpoint saves them.
 */
export class PlateauWatch {
  best: number | null = null;
  wait = 0;
  cooldownCounter = 0;

  constructor(private readonly p: ReduceLROnPlateauSettings) {}

  epochEnd(logs: EpochLogs, f64: Float64Array, layout: Layout): void {
    const current = this.p.monitor === 'loss' ? logs.loss : logs.valLoss;
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (improves(current, this.best, this.p.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0 && ++this.wait >= this.p.patience) {
      const at = layout.settings + SETTING.LEARNING_RATE, old = f64[at]!;
      // Keras compares with min_lr as float32
      if (old > Math.fround(this.p.minLr)) {
        f64[at] = Math.max(old * this.p.factor, this.p.minLr);
        this.cooldownCounter = this.p.cooldown;
        this.wait = 0;
      }
    }
  }
}

function diverged(network: Network, params: Float64Array, epoch: number, row: number, count: number, loss: number, lr: number): DivergenceError {
  const where = `epoch ${epoch + 1}, ${count > 1 ? 'batch starting at ' : ''}row ${row + 1}`;
  const bad = params.findIndex((v) => !Number.isFinite(v));
  const what = bad >= 0 ? `parameter ${describeParam(network, bad)} became ${params[bad]}` : `the loss became ${loss}`;
  return new DivergenceError(epoch, row, `Training diverged at ${where}: ${what} (learningRate ${lr})`, 'The model keeps the weights of the last finished epoch; try a smaller learning rate or standardized inputs.');
}
