import type { Loss } from './spec.js';
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
  /**
   * Mean binary cross-entropy of the probabilities with ŷ clipped to [1e-7, 1 − 1e-7] (scikit-learn's
   * and TensorFlow.js's way): the binaryCrossentropy loss while no output saturates, which the loss,
   * computed from the logit, then goes beyond.
   */
  logLoss: number;
  confusion: ConfusionMatrix;
}

/** Metrics of a softmax classifier over k classes, each row predicted as its most probable class. */
export interface MulticlassMetrics {
  task: 'multiclass';
  rows: number;
  /** None: each row is predicted as its most probable class. */
  threshold?: undefined;
  classes: number;
  accuracy: number;
  /** Per class: precision, recall and F1 as for two classes (0 where undefined), and the rows whose target it is. */
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  /** The mean of the classes' F1 (macro average). */
  macroF1: number;
  /** confusion[target][predicted]: row counts. */
  confusion: number[][];
}

export type Metrics = RegressionMetrics | ClassificationMetrics | MulticlassMetrics;

// Keras's epsilon, where the kernels' binaryCrossentropy turns to the logit (assembly/losses.ts).
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

/**
 * Multiclass metrics of `labels` (one class index per row) against `probabilities` (rows × classes),
 * predicting each row's most probable class (the first, on a tie).
 */
export function multiclassMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): MulticlassMetrics {
  const rows = labels.length;
  if (rows === 0) fail('y', 'has no values; expected at least one');
  if (probabilities.length !== rows * classes) fail('yhat', `has ${probabilities.length} values; expected ${rows} rows × ${classes} classes`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const t = labels[r]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) fail('y', `row ${r + 1} has class ${show(t)}; expected an integer from 0 to ${classes - 1}`);
    const predicted = argmax(probabilities, r * classes, classes);
    confusion[t]![predicted]!++;
    if (predicted === t) correct++;
  }
  const perClass = confusion.map((row, k) => {
    const tp = row[k]!, support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((n, other) => n + other[k]!, 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  return { task: 'multiclass', rows, classes, accuracy: correct / rows, perClass, macroF1: perClass.reduce((n, c) => n + c.f1, 0) / classes, confusion };
}

/** The index of the largest of values[at .. at + n), the first on a tie. */
export function argmax(values: ArrayLike<number>, at: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[at + k]! > values[at + best]!) best = k;
  return best;
}

/**
 * The metrics of a model's loss: regression for mse, classification for binaryCrossentropy,
 * multiclass for the categorical cross-entropies (y: one-hot rows, or class indices for the sparse one).
 */
export function metricsFor(loss: Loss, y: ArrayLike<number>, yhat: ArrayLike<number>, threshold = 0.5, outputs = 1): Metrics {
  if (loss === 'binaryCrossentropy') return classificationMetrics(y, yhat, threshold);
  if (loss === 'sparseCategoricalCrossentropy') return multiclassMetrics(y, yhat, outputs);
  if (loss === 'categoricalCrossentropy') {
    const rows = y.length / outputs;
    return multiclassMetrics(Array.from({ length: rows }, (_, r) => argmax(y, r * outputs, outputs)), yhat, outputs);
  }
  return regressionMetrics(y, yhat);
}
