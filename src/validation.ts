import type { Metrics } from './metrics.js';
import type { EpochLogs, History } from './trainer.js';

export type { ValidationOptions, ValidationSettings } from './fitOptions.js';

/**
 * Validation after each epoch: measures the held-out rows with the epoch's weights, adds their
 * loss and metrics to the epoch's logs, and with a patience asks training to stop once the loss
 * has not improved for that many epochs, keeping the best epoch's parameters to restore.
 */
export class ValidationWatch {
  private readonly valLoss: number[] = [];
  private readonly valMetrics: Metrics[] = [];
  private best = Infinity;
  private bestEpoch = -1;
  private bestParams: Float64Array | undefined;
  private wait = 0;
  stop = false;

  constructor(
    private readonly measure: () => { loss: number; metrics: Metrics },
    private readonly params: Float64Array,
    private readonly patience: number | undefined,
  ) {}

  epochEnd(epoch: number, logs: EpochLogs): void {
    const { loss, metrics } = this.measure();
    this.valLoss.push(loss);
    this.valMetrics.push(metrics);
    logs.valLoss = loss;
    logs.valMetrics = metrics;
    if (loss < this.best) {
      this.best = loss;
      this.bestEpoch = epoch;
      if (this.patience !== undefined) this.bestParams = this.params.slice();
      this.wait = 0;
    } else if (this.patience !== undefined && ++this.wait >= this.patience) {
      this.stop = true;
    }
  }

  /** Adds the validation columns to `history`; with early stopping, puts the best epoch's parameters back. */
  finish(history: History): void {
    history.valLoss = this.valLoss;
    history.valMetrics = this.valMetrics;
    if (this.bestParams) {
      this.params.set(this.bestParams);
      history.bestEpoch = this.bestEpoch;
    }
  }
}
