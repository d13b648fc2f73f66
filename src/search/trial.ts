// One fit of a trial, as a search's worker runs it: the model built from its options, fit on the
// training rows of its split, measured on the rows the split holds out. It runs where the model is,
// so only the measure crosses back to the search's thread, never the model.
import type { Matrix } from '../data.js';
import { DivergenceError } from '../errors.js';
import type { ModelFitOptions } from '../fit.js';
import type { Metrics } from '../metrics.js';
import type { Model } from '../model.js';

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
