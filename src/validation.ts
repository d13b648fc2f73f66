import { fail, knownKeys, show } from './errors.js';
import type { Metrics } from './metrics.js';
import type { EpochLogs, History, Resumable } from './trainer.js';

export type { ValidationOptions, ValidationSettings } from './fitOptions.js';

/** Early stopping's counters as a checkpoint keeps them. */
export interface EarlyStoppingState {
  /** The lowest validation loss so far (Infinity before the first epoch). */
  best: number;
  /** The epoch that reached it (-1 before the first epoch). */
  bestEpoch: number;
  /** Epochs since it last improved. */
  wait: number;
  /** Whether it has asked training to stop. */
  stopped: boolean;
  /** The parameters of the best epoch, flat (src/weights.ts); absent before the first epoch. */
  bestWeights?: Float64Array;
}

const EARLY_STOPPING_STATE = ['best', 'bestEpoch', 'wait', 'stopped', 'bestWeights'] as const satisfies readonly (keyof EarlyStoppingState)[];

/** Checks an early stopping state read from a file (`count` parameters), naming `field`.key. */
export function checkEarlyStoppingState(field: string, value: unknown, count: number): EarlyStoppingState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected { ${EARLY_STOPPING_STATE.join(', ')} }, got ${show(value)}`);
  knownKeys(field, value, EARLY_STOPPING_STATE);
  const { best, bestEpoch, wait, stopped, bestWeights } = value as Record<string, unknown>;
  if (typeof best !== 'number' || Number.isNaN(best) || best === -Infinity) fail(`${field}.best`, `expected a number or Infinity, got ${show(best)}`);
  if (typeof bestEpoch !== 'number' || !Number.isSafeInteger(bestEpoch) || bestEpoch < -1) fail(`${field}.bestEpoch`, `expected a whole number ≥ -1, got ${show(bestEpoch)}`);
  if (typeof wait !== 'number' || !Number.isSafeInteger(wait) || wait < 0) fail(`${field}.wait`, `expected a whole number ≥ 0, got ${show(wait)}`);
  if (typeof stopped !== 'boolean') fail(`${field}.stopped`, `expected true or false, got ${show(stopped)}`);
  if ((bestEpoch >= 0) !== (bestWeights !== undefined)) fail(`${field}.bestWeights`, bestEpoch >= 0 ? `is missing; expected the ${count} parameters of epoch ${bestEpoch}` : 'given before any epoch was best');
  if (bestWeights !== undefined && (!(bestWeights instanceof Float64Array) || bestWeights.length !== count)) fail(`${field}.bestWeights`, `expected ${count} parameters, got ${show(bestWeights)}`);
  return { best, bestEpoch, wait, stopped, ...(bestWeights ? { bestWeights: bestWeights as Float64Array } : {}) };
}

/**
 * Validation after each epoch: measures the held-out rows with the epoch's weights, adds their
 * loss and metrics to the epoch's logs, and with a patience asks training to stop once the loss
 * has not improved for that many epochs, keeping the best epoch's parameters to restore.
 */
export class ValidationWatch implements Resumable<EarlyStoppingState> {
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

  /** Early stopping's counters, best value and best parameters (copies), as of the last finished epoch. */
  state(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait, stopped: this.stop, ...(this.bestParams ? { bestWeights: this.bestParams.slice() } : {}) };
  }

  /** Continues from a checkpoint's state (checked by checkEarlyStoppingState). */
  restore(s: EarlyStoppingState): void {
    this.best = s.best;
    this.bestEpoch = s.bestEpoch;
    this.wait = s.wait;
    this.stop = s.stopped;
    this.bestParams = s.bestWeights?.slice();
  }

  /** Whether finish() will put the best epoch's parameters back. */
  get restoresBest(): boolean {
    return this.bestParams !== undefined;
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
