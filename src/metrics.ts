import { argmax } from './classes.js';
// The engines' own ln, not the host's Math.log, which rounds otherwise in the last bit in some
// engines (Chromium's V8 gave a search's log loss one bit away from Node's): so the metrics, like
// the losses, are the same to the bit on every host.
import { log } from './engines/math.js';
import { count, fail, numberList, show } from './errors.js';
import { LOSS_ROWS, type Loss } from './operations/losses.js';

/** Metrics of a regression (mse): MSE, MAE and R², per target where there are several. */
export interface RegressionMetrics {
  task: 'regression';
  rows: number;
  /** Mean of (y − ŷ)², the mse loss. */
  mse: number;
  mae: number;
  /** 1 − SSres / SStot (1 for a perfect fit, 0 for predicting the mean; as scikit-learn, 1 or 0 when y is constant). */
  r2: number;
}

/** A 0/1 classifier's four counts. */
export interface ConfusionMatrix {
  /** Predicted 1, target 1. */
  tp: number;
  /** Predicted 1, target 0. */
  fp: number;
  tn: number;
  fn: number;
}

/** Metrics of a 0/1 classifier (binaryCrossentropy) at a threshold. */
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

/** One class's scores, one-vs-rest (scikit-learn's classification_report row). */
export interface ClassScores {
  /** Rows predicted as this class that are this class; 0 when none is predicted (scikit-learn's zero_division). */
  precision: number;
  /** Rows of this class predicted as it; 0 when the class has no rows. */
  recall: number;
  f1: number;
  /** Rows whose target is this class. */
  support: number;
}

/** Metrics of a classifier over k classes, each row predicted as its most probable class. */
export interface MulticlassMetrics {
  task: 'multiclass';
  rows: number;
  /** None: each row is predicted as its most probable class (the first, on a tie). */
  threshold?: undefined;
  /** k, the number of classes. */
  classes: number;
  accuracy: number;
  /** Per class, in class order. */
  perClass: ClassScores[];
  /**
   * Unweighted means over the classes present in the targets or the predictions (scikit-learn's
   * 'macro' average with its default labels, "all labels in y_true and y_pred"): a class absent from
   * both has nothing to score, and counting it as 0 would pull the mean down for no reason.
   */
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /**
   * Mean cross-entropy −ln p(true class), each row of probabilities divided by its sum and clipped to
   * [1e-7, 1 − 1e-7] as Keras's categorical_crossentropy does on probabilities (scikit-learn's
   * log_loss normalizes the same way but clips at machine epsilon, so the two part only below 1e-7).
   */
  logLoss: number;
  /** confusion[true class][predicted class]: row counts, k × k (scikit-learn's confusion_matrix). */
  confusion: number[][];
}

/** The metrics of a model's task (`task` tells which). */
export type Metrics = RegressionMetrics | ClassificationMetrics | MulticlassMetrics;

// The clip the kernels apply in binaryCrossentropy (assembly/losses.ts), so logLoss equals the loss.
const EPS = 1e-7;

/** Regression metrics over every value of y and ŷ (same length). */
export function regressionMetrics(y: ArrayLike<number>, yhat: ArrayLike<number>): RegressionMetrics {
  const n = checkPair(y, yhat);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]! / n;
  let se = 0, ae = 0, tot = 0, constant = true;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - yhat[i]!;
    se += e * e;
    ae += Math.abs(e);
    tot += (y[i]! - mean) ** 2;
    constant &&= y[i] === y[0];
  }
  // A constant y has no variance, though its mean summed in steps of y/n may miss it by an ulp (R² was −1e28)
  const r2 = tot > 0 && !constant ? 1 - se / tot : se === 0 ? 1 : 0;
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
    logLoss -= (t * log(c) + (1 - t) * log(1 - c)) / n;
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

export function checkThreshold(threshold: unknown, field = 'threshold'): number {
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) fail(field, `expected a number between 0 and 1 (exclusive), got ${show(threshold)}`);
  return threshold;
}

function checkPair(y: ArrayLike<number>, yhat: ArrayLike<number>): number {
  numberList('y', y);
  numberList('yhat', yhat);
  if (y.length === 0) fail('y', 'has no values; expected at least one');
  if (y.length !== yhat.length) fail('yhat', `has ${count(yhat.length, 'value')} but y has ${y.length}`);
  return y.length;
}

/**
 * Metrics over k classes: `labels` holds one class index per row, `probabilities` rows × k (as a
 * softmax output gives them). Each row is predicted as its most probable class.
 */
export function multiclassMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): MulticlassMetrics {
  numberList('y', labels);
  numberList('yhat', probabilities);
  const rows = labels.length;
  if (!Number.isInteger(classes) || classes < 2) fail('classes', `expected the number of classes, an integer ≥ 2, got ${show(classes)}`);
  if (rows === 0) fail('y', 'has no values; expected at least one');
  if (probabilities.length !== rows * classes) fail('yhat', `has ${count(probabilities.length, 'value')}; expected ${count(rows, 'row')} × ${classes} classes`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0, logLoss = 0;
  for (let r = 0; r < rows; r++) {
    const t = labels[r]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) fail('y', `row ${r + 1} has class ${show(t)}; expected an integer from 0 to ${classes - 1}`);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[r * classes + k]!;
      if (!(p >= 0 && p <= 1)) fail('yhat', `row ${r + 1}, class ${k}: expected a probability from 0 to 1, got ${show(p)}`);
      sum += p;
    }
    const p = sum > 0 ? probabilities[r * classes + t]! / sum : 0;
    logLoss -= log(Math.min(Math.max(p, EPS), 1 - EPS)) / rows;
    const predicted = argmax(probabilities, r * classes, classes);
    confusion[t]![predicted]!++;
    if (predicted === t) correct++;
  }
  const perClass = confusion.map((row, k): ClassScores => {
    const tp = row[k]!, support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((n, other) => n + other[k]!, 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    return { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  const present = perClass.filter((c, k) => c.support > 0 || confusion.some((row) => row[k]! > 0));
  const mean = (key: keyof ClassScores) => present.reduce((n, c) => n + c[key], 0) / present.length;
  return {
    task: 'multiclass', rows, classes, accuracy: correct / rows, perClass,
    macroPrecision: mean('precision'), macroRecall: mean('recall'), macroF1: mean('f1'), logLoss, confusion,
  };
}

/**
 * The metrics of a model's loss, by its row's task: regression (mse and the other losses of numbers),
 * classification (binaryCrossentropy), and multiclass over `outputs` classes — y one-hot rows, or
 * one class index per row for sparseCategoricalCrossentropy.
 */
export function metricsFor(loss: string, y: ArrayLike<number>, yhat: ArrayLike<number>, threshold = 0.5, outputs = 1): Metrics {
  if (!Object.hasOwn(LOSS_ROWS, loss)) return fail('loss', `no metrics for the loss ${show(loss)}`);
  const row = LOSS_ROWS[loss as Loss];
  if (row.task === 'classification') return classificationMetrics(y, yhat, threshold);
  if (row.task === 'regression') return regressionMetrics(y, yhat);
  if (row.targets === 'classIndex') return multiclassMetrics(y, yhat, outputs);
  if (y.length % outputs !== 0) fail('y', `has ${y.length} values, which do not split into one-hot rows of ${outputs}`);
  return multiclassMetrics(Array.from({ length: y.length / outputs }, (_, r) => argmax(y, r * outputs, outputs)), yhat, outputs);
}
