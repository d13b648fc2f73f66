import type { Matrix } from './data.js';
import { fail, positiveInteger, show } from './errors.js';
import { checkThreshold, type Metrics } from './metrics.js';
import type { EpochLogs, History } from './trainer.js';

/** Validation during fit: held-out rows measured after each epoch, and early stopping. */
export interface ValidationOptions {
  /** Share of the rows (seeded by `seed`, stratified by label for binaryCrossentropy) held out to validate on after each epoch, as Keras's validationSplit. */
  validationSplit?: number;
  /** Rows to validate on after each epoch instead: `[x, y]`. */
  validationData?: [Matrix, Matrix];
  /** Stops once the validation loss has not improved for `patience` epochs, and keeps the weights of the best epoch. */
  earlyStopping?: { patience: number };
  /** Probability from which a row counts as predicted 1 in classification metrics (default 0.5). */
  threshold?: number;
}

export const VALIDATION_OPTIONS = ['validationSplit', 'validationData', 'earlyStopping', 'threshold'] as const satisfies readonly (keyof ValidationOptions)[];

export interface ValidationSettings {
  split?: number;
  data?: [Matrix, Matrix];
  patience?: number;
  threshold: number;
}

export function checkValidationOptions(o: ValidationOptions): ValidationSettings {
  if (o.validationSplit !== undefined && o.validationData !== undefined) fail('validationSplit', 'give validationSplit or validationData, not both');
  if (o.validationData !== undefined && (!Array.isArray(o.validationData) || o.validationData.length !== 2)) {
    fail('validationData', `expected [x, y], got ${show(o.validationData)}`);
  }
  let patience: number | undefined;
  if (o.earlyStopping !== undefined) {
    if (typeof o.earlyStopping !== 'object' || o.earlyStopping === null) fail('earlyStopping', `expected { patience: N }, got ${show(o.earlyStopping)}`);
    patience = positiveInteger('earlyStopping.patience', o.earlyStopping.patience);
    if (o.validationSplit === undefined && o.validationData === undefined) fail('earlyStopping', 'watches the validation loss: give validationSplit or validationData too');
  }
  return { split: o.validationSplit, data: o.validationData, patience, threshold: checkThreshold(o.threshold ?? 0.5) };
}

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
