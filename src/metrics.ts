import { fail, show } from './errors.js';

export interface RegressionMetrics {
  task: 'regression';
  rows: number;
  /** Mean of (y − ŷ)², the mse loss. */
  mse: number;
  mae: number;
  /** 1 − SSres / SStot (1 for a perfect fit, 0 for predicting the mean; as scikit-learn, 1 or 0 when y is constant). */
  r2: number;
}

export interface ConfusionMatrix {
  /** Predicted 1, target 1. */
  tp: number;
  /** Predicted 1, target 0. */
  fp: number;
  tn: number;
  fn: number;
}

export interface ClassificationMetrics {
  task: 'classification';
  rows: number;
  threshold: number;
  accuracy: number;
  /** tp / (tp + fp); 0 when nothing is predicted 1 (as scikit-learn's zero_division). */
  precision: number;
  /** tp / (tp + fn); 0 when no target is 1. */
  recall: number;
  f1: number;
  /** Mean binary cross-entropy with ŷ clipped to [1e-7, 1 − 1e-7], the binaryCrossentropy loss. */
  logLoss: number;
  confusion: ConfusionMatrix;
}

export type Metrics = RegressionMetrics | ClassificationMetrics;

// The clip the kernels apply in binaryCrossentropy (assembly/losses.ts), so logLoss equals the loss.
const EPS = 1e-7;

/** Regression metrics over every value of y and ŷ (same length). */
export function regressionMetrics(y: ArrayLike<number>, yhat: ArrayLike<number>): RegressionMetrics {
  const n = checkPair(y, yhat);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]! / n;
  let se = 0, ae = 0, tot = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - yhat[i]!;
    se += e * e;
    ae += Math.abs(e);
    tot += (y[i]! - mean) ** 2;
  }
  const r2 = tot > 0 ? 1 - se / tot : se === 0 ? 1 : 0;
  return { task: 'regression', rows: n, mse: se / n, mae: ae / n, r2 };
}

/** Classification metrics over every value of y (0 or 1) and ŷ (probabilities of 1), predicting 1 when ŷ ≥ threshold. */
export function classificationMetrics(y: ArrayLike<number>, yhat: ArrayLike<number>, threshold = 0.5): ClassificationMetrics {
  const n = checkPair(y, yhat);
  checkThreshold(threshold);
  const confusion: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i]!, p = yhat[i]!;
    if (t !== 0 && t !== 1) fail('y', `value ${i + 1} is ${show(t)}; classification targets must be 0 or 1`);
    const c = Math.min(Math.max(p, EPS), 1 - EPS);
    logLoss -= (t * Math.log(c) + (1 - t) * Math.log(1 - c)) / n;
    const predicted = p >= threshold;
    if (predicted) confusion[t === 1 ? 'tp' : 'fp']++;
    else confusion[t === 1 ? 'fn' : 'tn']++;
  }
  const { tp, fp, tn, fn } = confusion;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { task: 'classification', rows: n, threshold, accuracy: (tp + tn) / n, precision, recall, f1, logLoss, confusion };
}

export function checkThreshold(threshold: unknown): number {
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) fail('threshold', `expected a number between 0 and 1 (exclusive), got ${show(threshold)}`);
  return threshold;
}

function checkPair(y: ArrayLike<number>, yhat: ArrayLike<number>): number {
  if (y.length === 0) fail('y', 'has no values; expected at least one');
  if (y.length !== yhat.length) fail('yhat', `has ${yhat.length} values but y has ${y.length}`);
  return y.length;
}

/** The metrics of a model's loss: classification for binaryCrossentropy, regression for mse. */
export function metricsFor(loss: 'mse' | 'binaryCrossentropy', y: ArrayLike<number>, yhat: ArrayLike<number>, threshold = 0.5): Metrics {
  return loss === 'binaryCrossentropy' ? classificationMetrics(y, yhat, threshold) : regressionMetrics(y, yhat);
}
