import type { EarlyStoppingSettings, Monitor } from './fitOptions.js';
import type { Metrics } from './metrics.js';
import type { EpochLogs, History } from './trainer.js';

export type { ValidationOptions, ValidationSettings } from './fitOptions.js';

/**
 * Keras's MonitorCallback test: `current` improves on `best` (none yet: it does) when it is lower by
 * more than minDelta — for a loss, lower is better.
 */
export function improves(current: number, best: number | null, minDelta: number): boolean {
  return best === null || current + minDelta < best;
}

/** The monitored quantity of an epoch's logs: undefined where it was not measured (a trace's epochs). */
function monitored(logs: EpochLogs, monitor: Monitor): number | undefined {
  const v = monitor === 'loss' ? logs.loss : logs.valLoss;
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/**
 * Validation after each epoch: measures the held-out rows with the epoch's weights and adds their
 * loss and metrics to the epoch's logs; with early stopping, Keras's EarlyStopping (callbacks/
 * early_stopping.py) on those logs. Its counters and best value are public: a checkpoint saves them.
 */
export class ValidationWatch {
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
    if (improves(current, this.best, e.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (e.restoreBestWeights) this.bestParams!.set(this.params);
      // the wait restarts only once the baseline is beaten too
      if (e.baseline === null || improves(current, e.baseline, e.minDelta)) this.wait = 0;
      return;
    }
    if (this.wait >= e.patience && epoch > 0) this.stop = true;
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
