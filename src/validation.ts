import { fail, finiteParams, knownKeys, show } from './errors.js';
import type { EarlyStoppingSettings, EpochLogs, Monitor } from './fitOptions.js';
import type { History } from './history.js';
import type { Metrics } from './metrics.js';
import { SEARCH_METRICS, type SearchMetric } from './validationMetrics.js';

export type { ValidationOptions, ValidationSettings } from './fitOptions.js';

/**
 * A callback whose counters a checkpoint keeps (early stopping's; each new one adds itself to the list
 * in src/model.ts): `state()` as of the last finished epoch, `restore()` before a continued fit's first.
 */
export interface Resumable<State> {
  state(): State;
  restore(state: State): void;
}

/** Early stopping's counters as a checkpoint keeps them. */
interface EarlyStoppingState {
  /** The best monitored value so far (Infinity before the first epoch watched). */
  best: number;
  /** The epoch that reached it (-1 before the first epoch). */
  bestEpoch: number;
  /** Epochs since it last improved. */
  wait: number;
  /** Whether it has asked training to stop. */
  stopped: boolean;
  /** With restoreBestWeights, the parameters of the best epoch, flat (src/weights.ts); absent before the first epoch watched. */
  bestWeights?: Float64Array;
}

const EARLY_STOPPING_STATE = ['best', 'bestEpoch', 'wait', 'stopped', 'bestWeights'] as const satisfies readonly (keyof EarlyStoppingState)[];

/** Checks an early stopping state read from a file (`count` parameters) of a training state at `epoch`, naming `field`.key. */
export function checkEarlyStoppingState(field: string, value: unknown, count: number, epoch: number): EarlyStoppingState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected { ${EARLY_STOPPING_STATE.join(', ')} }, got ${show(value)}`);
  // each key's own check names what it expects in place of null
  knownKeys(field, value, EARLY_STOPPING_STATE, true);
  const { best, bestEpoch, wait, stopped, bestWeights } = value as Record<string, unknown>;
  if (typeof best !== 'number' || Number.isNaN(best) || best === -Infinity) fail(`${field}.best`, `expected a number or Infinity, got ${show(best)}`);
  // an epoch of those the state has finished, or -1 before the first
  if (typeof bestEpoch !== 'number' || !Number.isSafeInteger(bestEpoch) || bestEpoch < -1 || bestEpoch >= epoch) fail(`${field}.bestEpoch`, `expected a whole number from -1 to ${epoch - 1} (the state stands at epoch ${epoch}), got ${show(bestEpoch)}`);
  if (typeof wait !== 'number' || !Number.isSafeInteger(wait) || wait < 0 || wait > epoch) fail(`${field}.wait`, `expected a whole number from 0 to ${epoch} (the epochs finished), got ${show(wait)}`);
  if (typeof stopped !== 'boolean') fail(`${field}.stopped`, `expected true or false, got ${show(stopped)}`);
  if (bestEpoch < 0 && bestWeights !== undefined) fail(`${field}.bestWeights`, 'given before any epoch was best');
  if (bestWeights !== undefined) finiteParams(`${field}.bestWeights`, bestWeights, count);
  return { best, bestEpoch, wait, stopped, ...(bestWeights ? { bestWeights: bestWeights as Float64Array } : {}) };
}

/**
 * Keras's MonitorCallback test: `current` improves on `best` (none yet: it does) when it is better by
 * more than minDelta — lower for a loss, an error or log loss; higher for accuracy and the others
 * (Keras's mode 'auto').
 */
export function improves(current: number, best: number | null, minDelta: number, monitor: Monitor = 'loss'): boolean {
  if (best === null) return true;
  return higherIsBetter(monitor) ? current - minDelta > best : current + minDelta < best;
}

function higherIsBetter(monitor: Monitor): boolean {
  return monitor !== 'loss' && monitor !== 'val_loss' && SEARCH_METRICS[monitor.slice(4) as SearchMetric].better === 'higher';
}

/** The monitored quantity of an epoch's logs: undefined where it was not measured (a trace's epochs). */
export function monitored(logs: EpochLogs, monitor: Monitor): number | undefined {
  const v = monitor === 'loss' ? logs.loss : monitor === 'val_loss' ? logs.valLoss : (logs.valMetrics as unknown as Record<string, number> | undefined)?.[monitor.slice(4)];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/** Refuses a monitored metric the model's task does not report, naming `field`. */
export function checkMonitor(field: string, monitor: Monitor, task: Metrics['task']): void {
  if (monitor === 'loss' || monitor === 'val_loss') return;
  const metric = SEARCH_METRICS[monitor.slice(4) as SearchMetric];
  if (!(metric.tasks as readonly string[]).includes(task)) {
    const names = (Object.keys(SEARCH_METRICS) as SearchMetric[]).filter((m) => m !== 'loss' && (SEARCH_METRICS[m].tasks as readonly string[]).includes(task)).map((m) => `val_${m}`);
    fail(field, `${monitor} is not a metric of this model (a ${task}); it can watch loss, val_loss, ${names.join(', ')}`);
  }
}

/**
 * Validation after each epoch: measures the held-out rows with the epoch's weights and adds their
 * loss and metrics to the epoch's logs; with early stopping, Keras's EarlyStopping (callbacks/
 * early_stopping.py) on those logs. Its counters and best value are public: a checkpoint saves them.
 */
export class ValidationWatch implements Resumable<EarlyStoppingState> {
  private readonly valLoss: number[] = [];
  private readonly valMetrics: Metrics[] = [];
  /** The best monitored value so far (null: none yet), its epoch, and the epochs counted since. */
  best: number | null = null;
  bestEpoch = -1;
  wait = 0;
  /** With restoreBestWeights, the parameters of the best epoch. */
  bestParams: Float64Array | undefined;
  stop = false;

  constructor(
    private readonly measure: () => { loss: number; metrics: Metrics },
    private readonly params: Float64Array,
    private readonly early: EarlyStoppingSettings | undefined,
  ) {}

  epochEnd(epoch: number, logs: EpochLogs): void {
    const { loss, metrics } = this.measure();
    this.valLoss.push(loss);
    this.valMetrics.push(metrics);
    logs.valLoss = loss;
    logs.valMetrics = metrics;
    const e = this.early;
    const current = e && monitored(logs, e.monitor);
    if (!e || current === undefined || epoch < e.startFromEpoch) return;
    if (e.restoreBestWeights && this.bestParams === undefined) {
      this.bestParams = this.params.slice();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (improves(current, this.best, e.minDelta, e.monitor)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (e.restoreBestWeights) this.bestParams!.set(this.params);
      // the wait restarts only once the baseline is beaten too
      if (e.baseline === null || improves(current, e.baseline, e.minDelta, e.monitor)) this.wait = 0;
      return;
    }
    if (this.wait >= e.patience && epoch > 0) this.stop = true;
  }

  /** Early stopping's counters, best value and best parameters (copies), as of the last finished epoch. */
  state(): EarlyStoppingState {
    return { best: this.best ?? Infinity, bestEpoch: this.bestEpoch, wait: this.wait, stopped: this.stop, ...(this.bestParams ? { bestWeights: this.bestParams.slice() } : {}) };
  }

  /** Continues from a checkpoint's state (checked by checkEarlyStoppingState). */
  restore(s: EarlyStoppingState): void {
    this.best = s.best === Infinity ? null : s.best;
    this.bestEpoch = s.bestEpoch;
    this.wait = s.wait;
    this.stop = s.stopped;
    this.bestParams = s.bestWeights?.slice();
  }

  /** Whether finish() will put the best epoch's parameters back. */
  get restoresBest(): boolean {
    return this.bestParams !== undefined;
  }

  /** Adds the validation columns to `history`; with restoreBestWeights, puts the best epoch's parameters back. */
  finish(history: History): void {
    history.valLoss = this.valLoss;
    history.valMetrics = this.valMetrics;
    if (this.bestParams) {
      this.params.set(this.bestParams);
      history.bestEpoch = this.bestEpoch;
    }
  }
}
