import { DivergenceError, fail, knownKeys, show } from './errors.js';
import type { EpochLogs, ReduceLROnPlateauSettings, Settings, Shuffle } from './fitOptions.js';
import type { History } from './history.js';
import { currentRate, NET, SETTING, writeOptimizer, writeRandom, writeScheduledRate, type Layout } from './layout.js';
import { improves, monitored } from './validation.js';
import type { OptimizerState } from './optimizerSettings.js';
import { Random } from './random.js';
import type { Workspace } from './workspace.js';
import type { Network } from './spec.js';
import type { ThreadTuner } from './threads.js';
import { describeParam } from './weights.js';

/** The row order of one epoch (fit and trace draw it alike). */
export function fillOrder(order: Int32Array, shuffle: Shuffle, random: Random): void {
  const n = order.length;
  if (shuffle === 'sample') {
    for (let i = 0; i < n; i++) order[i] = Math.floor(random.next() * n);
    return;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle === 'epoch') {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
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
  /** With reduceLROnPlateau: its counters and the rate it left. */
  plateau?: PlateauState;
}

/** ReduceLROnPlateau's counters, best value and the learning rate it has left (a checkpoint keeps them). */
export interface PlateauState { best: number | null; wait: number; cooldownCounter: number; learningRate: number }

const PLATEAU_STATE = ['best', 'wait', 'cooldownCounter', 'learningRate'];

/** Checks a ReduceLROnPlateau state read from a file, naming `field`.key. */
export function checkPlateauState(field: string, value: unknown): PlateauState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected { best, wait, cooldownCounter, learningRate }, got ${show(value)}`);
  // best is null before the first epoch watched; every key's own check names what it expects
  knownKeys(field, value, PLATEAU_STATE, true);
  const { best, wait, cooldownCounter, learningRate } = value as Record<string, unknown>;
  if (best !== null && (typeof best !== 'number' || !Number.isFinite(best))) fail(`${field}.best`, `expected a finite number or null, got ${show(best)}`);
  for (const [key, v] of [['wait', wait], ['cooldownCounter', cooldownCounter]] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${field}.${key}`, `expected a whole number ≥ 0, got ${show(v)}`);
  }
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) fail(`${field}.learningRate`, `expected a finite number > 0, got ${show(learningRate)}`);
  return { best, wait, cooldownCounter, learningRate } as PlateauState;
}

/**
 * What every fit (and a trace of one) does before its first step: starts the optimizer's `state`
 * afresh or continues it, and hands the kernels the optimizer, its state and the dropout generator:
 * seeded from s.seed, or, for a fit from initialEpoch > 0, as `progress` left it.
 */
export function startFit(ws: Workspace, state: OptimizerState, s: Settings, progress?: Progress): void {
  const { engine, layout } = ws;
  state.begin(s.optimizer, s.resetOptimizer);
  writeOptimizer(engine.f64, engine.i32, layout, s.optimizer);
  if (s.initialEpoch > 0 && progress) engine.i32[layout.net + NET.RANDOM] = progress.dropout | 0;
  else writeRandom(engine.i32, layout, s.seed);
  state.load(engine.f64, layout);
}

/**
 * Trains the parameters the workspace holds, and the optimizer's `state`, on the training rows
 * already copied into it (`rows` of them, with room for batches of s.batchSize: setTrainingRows).
 * Runs epochs s.initialEpoch to s.epochs − 1; above epoch 0 the generators continue from `progress`,
 * else they start from s.seed. After every epoch `complete` adds to the logs (the held-out rows'
 * measures), the plateau watch lowers the rate, and `progress` is current before `onEpochEnd` gets
 * the logs: a checkpoint it saves is where training goes on from. `stop()` is asked before each
 * epoch, so a callback can end training early (and a continued fit that had stopped runs none).
 * `tuner` ('auto' on threads) times each epoch's steps, and sets the thread count of the next.
 */
export async function train(network: Network, ws: Workspace, state: OptimizerState, rows: number, s: Settings, progress: Progress, tuner: ThreadTuner | undefined,
  complete: (epoch: number, logs: EpochLogs) => void, onEpochEnd: (epoch: number, logs: EpochLogs) => void | Promise<void>, stop: () => boolean): Promise<History> {
  const { engine } = ws;
  const { net } = ws.layout;
  startFit(ws, state, s, progress);
  const random = new Random(s.initialEpoch > 0 ? progress.order : s.seed);
  const history: History = { epoch: [], loss: [], lr: [], params: s };
  const plateau = s.reduceLROnPlateau && new PlateauWatch(s.reduceLROnPlateau);
  // A continued fit's plateau watch: its counters, and the rate it had lowered to
  if (plateau && s.initialEpoch > 0 && progress.plateau) plateau.restore(progress.plateau, engine.f64, ws.layout);
  for (let epoch = s.initialEpoch; epoch < s.epochs && !stop(); epoch++) {
    // The block may have grown during the last callback (a predict of more rows): views anew.
    const order = engine.i32.subarray(ws.layout.order, ws.layout.order + rows);
    fillOrder(order, s.shuffle, random);
    tuner?.epochStart();
    const total = epochSteps(network, ws, rows, s, order, epoch);
    tuner?.epochEnd(rows);
    state.save(engine.f64, ws.layout);
    progress.epoch = epoch + 1;
    progress.order = random.state;
    progress.dropout = engine.i32[net + NET.RANDOM]! >>> 0;
    history.epoch.push(epoch);
    history.loss.push(total / rows);
    history.lr.push(currentRate(engine.f64, ws.layout, s.optimizer));
    const logs: EpochLogs = { loss: total / rows };
    complete(epoch, logs);
    // Before onEpochEnd: a checkpoint it writes is where training goes on from, the rate lowered
    if (plateau) {
      plateau.epochEnd(logs, engine.f64, ws.layout);
      progress.plateau = plateau.state(engine.f64, ws.layout);
    }
    await onEpochEnd(epoch, logs);
  }
  return history;
}

/**
 * One epoch's steps over the rows in `order`; returns the sum of the batch losses, each × its rows.
 * Its own function, not a loop inside train: the loop is the hot part of a fit, and V8 optimizes a
 * small synchronous function in a fraction of the time it spends on the whole async train (a new
 * worker of a search pays that time for every function it warms up).
 */
function epochSteps(network: Network, ws: Workspace, rows: number, s: Settings, order: Int32Array, epoch: number): number {
  const { engine } = ws;
  const { net } = ws.layout;
  const scheduled = s.optimizer.schedule !== null;
  if (s.stepsPerExecution === 'epoch') {
    const total = engine.epoch(net, rows, s.batchSize);
    // A negative total is the failed batch's position; that step's loss stays inside the engine.
    if (total < 0) {
      const pos = -1 - total;
      throw diverged(network, ws.params(), epoch, order[pos]!, Math.min(s.batchSize, rows - pos), NaN, s.optimizer.learningRate);
    }
    return total;
  }
  let total = 0;
  for (let pos = 0; pos < rows; pos += s.batchSize) {
    const n = Math.min(s.batchSize, rows - pos);
    if (scheduled) writeScheduledRate(engine.f64, ws.layout, s.optimizer);
    // a call site per engine kind, as in Workspace.predict: a site that has called both is slower
    const loss = engine.kind === 'wasm' ? engine.step(net, pos, n) : engine.step(net, pos, n);
    if (!Number.isFinite(loss)) throw diverged(network, ws.params(), epoch, order[pos]!, n, loss, s.optimizer.learningRate);
    total += loss * n;
  }
  return total;
}

/**
 * Keras's ReduceLROnPlateau (callbacks/reduce_lr_on_plateau.py) after each epoch's logs are complete:
 * lowers the rate the kernels read. Its counters and best value are public: a checkpoint saves them.
 */
class PlateauWatch {
  best: number | null = null;
  wait = 0;
  cooldownCounter = 0;

  constructor(private readonly p: ReduceLROnPlateauSettings) {}

  /** Its counters and best value, and the rate it has left in the kernels' settings, as of the last finished epoch. */
  state(f64: Float64Array, layout: Layout): PlateauState {
    return { best: this.best, wait: this.wait, cooldownCounter: this.cooldownCounter, learningRate: f64[layout.settings + SETTING.LEARNING_RATE]! };
  }

  /** Continues from a checkpoint's state: the counters, and the rate it had lowered to. */
  restore(s: PlateauState, f64: Float64Array, layout: Layout): void {
    this.best = s.best;
    this.wait = s.wait;
    this.cooldownCounter = s.cooldownCounter;
    f64[layout.settings + SETTING.LEARNING_RATE] = s.learningRate;
  }

  epochEnd(logs: EpochLogs, f64: Float64Array, layout: Layout): void {
    const current = monitored(logs, this.p.monitor);
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (improves(current, this.best, this.p.minDelta, this.p.monitor)) {
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
