// One fit of a trial, as a search's worker runs it: the model built from its options, fit on the
// training rows of its split, measured on the rows the split holds out. It runs where the model is,
// so only the measure crosses back to the search's thread, never the model.
import type { Matrix } from './data.js';
import { DivergenceError, fail } from './errors.js';
import { checkFit, type ModelFitOptions } from './fit.js';
import type { Metrics } from './metrics.js';
import type { Model } from './model.js';
import type { Network } from './spec.js';

/** One fit of a trial, measured on its held-out rows at the epoch whose weights it kept. */
export interface TrialResult {
  seed: number;
  /** With folds: which one was held out (from 0). */
  fold?: number;
  /** The validation loss (NaN when the fit diverged). */
  loss: number;
  /** The validation metrics (none when the fit diverged). */
  metrics?: Metrics;
  /** Epochs run; with early stopping the model keeps the weights of `bestEpoch` (from 0). */
  epochs: number;
  bestEpoch?: number;
  /** Why the fit stopped, when its loss stopped being a finite number. */
  diverged?: string;
}

/** A trial's fit options: everything but the callback (it runs in a worker) and the validation (its split's). */
export type TrialFitOptions = Omit<ModelFitOptions, 'onEpochEnd' | 'validationSplit' | 'validationData'>;

/**
 * A trial's fit options, checked in the caller's thread by Model.fit's own checks, as the fit in the
 * worker will see them (with its split's held-out rows), so that nothing is refused after a worker has
 * started; a refusal names the option alone (the caller says whose: `fit`, `trials[2].fit`).
 */
export function checkTrialFit(network: Network, fit: TrialFitOptions): void {
  const given = fit as Record<string, unknown>;
  for (const key of ['validationSplit', 'validationData']) if (given[key] !== undefined) fail(key, 'is set by the folds or validationSplit of the run; leave it out');
  if (given.onEpochEnd !== undefined) fail('onEpochEnd', 'cannot be called: each fit runs in a worker, where a function does not cross; follow the fits with onTrialEnd');
  if (given.sampleWeight !== undefined) fail('sampleWeight', "weighs the rows of x, which each trial's split divides; give classWeight, or weigh the rows in a fit of your own");
  checkFit(network, { ...fit, validationData: HELD_OUT });
  if ((fit.initialEpoch ?? 0) !== 0) fail('initialEpoch', 'each trial trains a new model from epoch 0; leave it out');
}

/** Stands for a split's held-out rows in the check: only their presence is checked before any row is read. */
const HELD_OUT: [Float64Array, Float64Array] = [new Float64Array(0), new Float64Array(0)];

/** Trains `model` on x and y and measures it on `validation`; a fit that diverges is a result, any other error is thrown. */
export async function fitTrial(model: Model, x: Matrix, y: Matrix, validation: [Matrix, Matrix], fit: TrialFitOptions, fold: number | undefined): Promise<TrialResult> {
  const seed = fit.seed ?? 0;
  const where = fold === undefined ? {} : { fold };
  try {
    const history = await model.fit(x, y, { ...fit, validationData: validation });
    const kept = history.bestEpoch ?? history.loss.length - 1;
    return {
      seed, ...where, loss: history.valLoss![kept]!, metrics: history.valMetrics![kept]!, epochs: history.loss.length,
      ...(history.bestEpoch === undefined ? {} : { bestEpoch: history.bestEpoch }),
    };
  } catch (e) {
    if (e instanceof DivergenceError) return { seed, ...where, loss: NaN, epochs: e.epoch + 1, diverged: e.message };
    throw e;
  }
}
