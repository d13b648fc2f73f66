import { describe, expect, it } from 'vitest';
import { applyScaler, classificationMetrics, fitScaler, metricsFor, Model, multiclassMetrics, readCsv, regressionMetrics, foldRows, splitRows, takeRows } from '../src/node.js';

describe('regression metrics', () => {
  it('match scikit-learn’s documented example', () => {
    // scikit-learn docs (mean_squared_error, mean_absolute_error, r2_score) with
    // y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]: MSE 0.375, MAE 0.5, R² 0.948…
    // By hand: SSres = 0.25 + 0.25 + 0 + 1 = 1.5; mean 2.875; SStot = 29.1875; R² = 1 − 1.5 / 29.1875.
    const m = regressionMetrics([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);
    expect(m.mse).toBeCloseTo(0.375, 15);
    expect(m.mae).toBeCloseTo(0.5, 15);
    expect(m.r2).toBeCloseTo(1 - 1.5 / 29.1875, 15);
    expect(m.r2).toBeCloseTo(0.948608137, 9);
    expect(m.rows).toBe(4);
  });

  it('give R² 1 for a perfect fit of a constant target and 0 otherwise (scikit-learn’s convention)', () => {
    expect(regressionMetrics([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionMetrics([2, 2], [2, 3]).r2).toBe(0);
  });
});

describe('classification metrics', () => {
  // y and p below; at threshold 0.5 the predictions are [0, 1, 0, 1, 1, 1] (0.5 counts as 1):
  // tp = rows 2, 5, 6; fp = row 4; fn = row 3; tn = row 1.
  const y = [0, 1, 1, 0, 1, 1];
  const p = [0.1, 0.9, 0.4, 0.6, 0.8, 0.5];

  it('count the confusion matrix by hand and derive the rates from it', () => {
    const m = classificationMetrics(y, p);
    expect(m.confusion).toEqual({ tp: 3, fp: 1, tn: 1, fn: 1 });
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
    expect(m.precision).toBeCloseTo(3 / 4, 15);
    expect(m.recall).toBeCloseTo(3 / 4, 15);
    expect(m.f1).toBeCloseTo(0.75, 15);
    // −mean(y·ln p + (1 − y)·ln(1 − p)) = (2·ln 0.9 + 2·ln 0.4 + ln 0.8 + ln 0.5) / −6 ≈ 0.4932655
    expect(m.logLoss).toBeCloseTo(0.4932655, 7);
  });

  it('move rows between the cells with the threshold', () => {
    // At 0.7 only 0.9 and 0.8 are predicted 1: tp = rows 2, 5; fn = rows 3, 6; tn = rows 1, 4.
    const m = classificationMetrics(y, p, 0.7);
    expect(m.confusion).toEqual({ tp: 2, fp: 0, tn: 2, fn: 2 });
    expect(m.precision).toBe(1);
    expect(m.recall).toBe(0.5);
    expect(m.f1).toBeCloseTo(2 / 3, 15);
  });

  it('give precision, recall and F1 0 when nothing is predicted 1, and clip log loss at 1e-7', () => {
    const m = classificationMetrics([1, 0], [0, 0]);
    expect([m.precision, m.recall, m.f1]).toEqual([0, 0, 0]);
    // Row 1 (y 1, ŷ 0) costs −ln(1e-7); row 2 (y 0, ŷ 0 → 1e-7) costs −ln(1 − 1e-7).
    expect(m.logLoss).toBeCloseTo((-Math.log(1e-7) - Math.log(1 - 1e-7)) / 2, 12);
  });

  it('reject labels other than 0/1, mismatched lengths and thresholds outside (0, 1)', () => {
    expect(() => classificationMetrics([0, 2], [0.1, 0.2])).toThrow('y: value 2 is 2; classification targets must be 0 or 1');
    expect(() => classificationMetrics([0, 1], [0.1])).toThrow('yhat: has 1 value but y has 2');
    expect(() => classificationMetrics([0, 1], [0.1, 0.2], 1)).toThrow('threshold: expected a number between 0 and 1');
  });

  it('agree with the kernels’ binaryCrossentropy: evaluateMetrics’ log loss is evaluate’s loss', () => {
    const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 3 });
    const x = [[1, 2], [-1, 0.5], [3, -2], [0, 0]];
    const labels = [1, 0, 1, 0];
    expect(model.evaluateMetrics(x, labels, { engine: 'js' }).task).toBe('classification');
    const m = model.evaluateMetrics(x, labels, { engine: 'js' });
    expect(m.task === 'classification' && m.logLoss).toBeCloseTo(model.evaluate(x, labels, { engine: 'js' }), 14);
  });
});

/** Probability rows that predict `predicted` (0.8 on it, the rest shared), for metrics that only need the argmax. */
function confident(predicted: number[], k: number): number[] {
  return predicted.flatMap((p) => Array.from({ length: k }, (_, c) => (c === p ? 0.8 : 0.2 / (k - 1))));
}

describe('metrics over k classes', () => {
  it('give scikit-learn’s classification_report example', () => {
    // scikit-learn docs, sklearn.metrics.classification_report: y_true = [0, 1, 2, 2, 2],
    // y_pred = [0, 0, 2, 2, 1] prints precision 0.50 / 0.00 / 1.00, recall 1.00 / 0.00 / 0.67,
    // f1 0.67 / 0.00 / 0.80, support 1 / 1 / 3, accuracy 0.60, macro avg 0.50 / 0.56 / 0.49.
    // The exact values, by hand: class 2 recall 2/3, f1 2·1·(2/3) / (1 + 2/3) = 0.8; class 0 f1 2·0.5 / 1.5 = 2/3.
    const m = multiclassMetrics([0, 1, 2, 2, 2], confident([0, 0, 2, 2, 1], 3), 3);
    expect(m.task).toBe('multiclass');
    expect(m.accuracy).toBeCloseTo(0.6, 15);
    expect(m.perClass.map((c) => c.precision)).toEqual([0.5, 0, 1]);
    expect(m.perClass.map((c) => c.recall)).toEqual([1, 0, 2 / 3]);
    expect(m.perClass[0]!.f1).toBeCloseTo(2 / 3, 15);
    expect(m.perClass[2]!.f1).toBeCloseTo(0.8, 15);
    expect(m.perClass.map((c) => c.support)).toEqual([1, 1, 3]);
    expect(m.macroPrecision).toBeCloseTo(0.5, 15);
    expect(m.macroRecall).toBeCloseTo(5 / 9, 15);
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.8) / 3, 15);
    expect([m.macroPrecision, m.macroRecall, m.macroF1].map((v) => v.toFixed(2))).toEqual(['0.50', '0.56', '0.49']);
  });

  it('average over the classes present in the targets or the predictions, as scikit-learn’s macro average does', () => {
    // scikit-learn's precision_recall_fscore_support averages over "all labels in y_true and y_pred"
    // by default. By hand for y_true = [0, 0, 1], y_pred = [0, 2, 1] (class 2 only predicted, class 3
    // of 4 in neither): class 0 P 1, R 1/2, F1 2/3; class 1 P 1, R 1, F1 1; class 2 P 0, R 0, F1 0;
    // macro over classes 0–2: P 2/3, R 1/2, F1 5/9 (dividing by 4 would give 1/2, 3/8, 5/12).
    const m = multiclassMetrics([0, 0, 1], confident([0, 2, 1], 4), 4);
    expect(m.perClass.map((c) => c.support)).toEqual([2, 1, 0, 0]);
    expect(m.macroPrecision).toBeCloseTo(2 / 3, 15);
    expect(m.macroRecall).toBeCloseTo(1 / 2, 15);
    expect(m.macroF1).toBeCloseTo(5 / 9, 15);
    // Every row right, one of three classes never seen: a perfect score, not 2/3.
    const perfect = multiclassMetrics([0, 1, 1, 0], confident([0, 1, 1, 0], 3), 3);
    expect([perfect.macroPrecision, perfect.macroRecall, perfect.macroF1]).toEqual([1, 1, 1]);
  });

  it('count scikit-learn’s confusion_matrix example, rows the true class and columns the predicted', () => {
    // scikit-learn docs, sklearn.metrics.confusion_matrix: y_true = [2, 0, 2, 2, 0, 1],
    // y_pred = [0, 0, 2, 2, 0, 2] gives [[2, 0, 0], [0, 0, 1], [1, 0, 2]].
    const m = multiclassMetrics([2, 0, 2, 2, 0, 1], confident([0, 0, 2, 2, 0, 2], 3), 3);
    expect(m.confusion).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
    expect(m.rows).toBe(6);
  });

  it('give scikit-learn’s log_loss example, its text labels read as sorted classes', () => {
    // scikit-learn docs, sklearn.metrics.log_loss: log_loss(["spam", "ham", "ham", "spam"],
    // [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616…; columns are the sorted labels (ham, spam).
    // By hand: −(ln .9 + ln .9 + ln .8 + ln .65) / 4 = 0.2161618746805791.
    const d = readCsv('x,label\n1,spam\n2,ham\n3,ham\n4,spam\n', { target: 'label' });
    expect(d.classes).toEqual(['ham', 'spam']);
    const m = multiclassMetrics(d.y, [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65], 2);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) * 2 + Math.log(0.8) + Math.log(0.65)) / 4, 14);
    expect(m.logLoss).toBeCloseTo(0.21616187468057912, 14);
  });

  it('normalize each row of probabilities and clip at 1e-7, as Keras', () => {
    // Row 1: [2, 1, 1] / 4 → p(class 0) = 0.5. Row 2: p(class 2) = 0 → clipped to 1e-7.
    const m = multiclassMetrics([0, 2], [0.5, 0.25, 0.25, 1, 0, 0], 3);
    expect(m.logLoss).toBeCloseTo((-Math.log(0.5) - Math.log(1e-7)) / 2, 12);
    expect(multiclassMetrics([0], [0.2, 0.1, 0.1], 3).logLoss).toBeCloseTo(-Math.log(0.5), 14);
  });

  it('give precision 0 to a class never predicted and recall 0 to a class without rows', () => {
    const m = multiclassMetrics([0, 0, 1], confident([0, 0, 0], 3), 3);
    expect(m.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('route the categorical losses through metricsFor: one-hot rows or class indices give the same metrics', () => {
    const yhat = confident([0, 0, 2, 2, 1], 3);
    const sparse = metricsFor('sparseCategoricalCrossentropy', [0, 1, 2, 2, 2], yhat, 0.5, 3);
    const hot = metricsFor('categoricalCrossentropy', [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1], yhat, 0.5, 3);
    expect(hot).toEqual(sparse);
    expect(metricsFor('binaryCrossentropy', [0, 1], [0.2, 0.9]).task).toBe('classification');
    expect(metricsFor('mse', [0, 1], [0.2, 0.9]).task).toBe('regression');
    expect(metricsFor('hinge', [-1, 1], [-0.2, 0.9]).task).toBe('regression');
    expect(() => metricsFor('hing', [0], [0])).toThrow('loss: no metrics for the loss "hing"');
  });

  it('reject classes out of range, probabilities of the wrong count or range', () => {
    expect(() => multiclassMetrics([0, 3], confident([0, 0], 3), 3)).toThrow('y: row 2 has class 3; expected an integer from 0 to 2');
    expect(() => multiclassMetrics([0, 1], [0.5, 0.5], 2)).toThrow('yhat: has 2 values; expected 2 rows × 2 classes');
    expect(() => multiclassMetrics([0], [1.5, -0.5], 2)).toThrow('yhat: row 1, class 0: expected a probability from 0 to 1, got 1.5');
    expect(() => multiclassMetrics([0], [1], 1)).toThrow('classes: expected the number of classes, an integer ≥ 2, got 1');
  });
});

describe('standardizing', () => {
  it('z-scores each column with its mean and population standard deviation; a constant column becomes 0', () => {
    // Column 0: 1, 2, 3 → mean 2, std √(2/3). Column 1: 5, 5, 5 → mean 5, std 0 → 1.
    const x = Float64Array.of(1, 5, 2, 5, 3, 5);
    const s = fitScaler(x, 3, 2);
    expect(s.mean).toEqual([2, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(s.std[1]).toBe(1);
    const z = applyScaler(s, x, 2);
    expect(Array.from(z).map((v) => Number(v.toFixed(12)))).toEqual([-1.224744871392, 0, 0, 0, 1.224744871392, 0]);
  });

  it('refuses rows of another shape than it is told, and a scaler of another width, naming the argument', () => {
    // Each was taken before: a short x gave NaN means, refused as a column "spread too far"; a plain
    // array or a scaler of 1 column for 2 scaled with undefined, NaN.
    expect(() => fitScaler(Float64Array.of(1, 2, 3), 2, 2)).toThrow('x: expected 2 rows × 2 = 4 values, got 3');
    expect(() => fitScaler([1, 2] as unknown as Float64Array, 1, 2)).toThrow('x: expected a Float64Array of rows × 2 values, got an array of 2 numbers');
    expect(() => fitScaler(Float64Array.of(1, 2), 1, 0)).toThrow('cols: expected the values per row, an integer ≥ 1, got 0');
    expect(() => fitScaler(Float64Array.of(1, 2), 1, 2, { name: 'x' } as unknown as string)).toThrow(/^field: expected the rows' name for messages/);
    const s = fitScaler(Float64Array.of(1, 5, 2, 5), 2, 2);
    expect(() => applyScaler(s, Float64Array.of(1, 2, 3), 2)).toThrow('x: expected whole rows of 2 values, got 3');
    expect(() => applyScaler({ mean: [1], std: [1] }, Float64Array.of(1, 2), 2)).toThrow('scaler.mean: expected 2 numbers (one per feature), got an array of 1 number');
  });

  it('treats a column that is constant up to rounding as constant', () => {
    const s = fitScaler(Float64Array.from({ length: 7 }, () => 0.1 * 3), 7, 1);
    expect(s.std).toEqual([1]);
  });
});

describe('validation split', () => {
  it('holds out round(fraction × n) rows, disjoint from the training rows, the same for the same seed', () => {
    const a = splitRows(103, { fraction: 0.2, seed: 7 });
    expect(a.validation).toHaveLength(21);
    expect(a.train).toHaveLength(82);
    expect(new Set([...a.train, ...a.validation]).size).toBe(103);
    expect(splitRows(103, { fraction: 0.2, seed: 7 })).toEqual(a);
    expect(splitRows(103, { fraction: 0.2, seed: 8 })).not.toEqual(a);
  });

  it('keeps each label’s share in both parts when stratified', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0)); // 10% ones
    const { train, validation } = splitRows(1000, { fraction: 0.25, seed: 1, stratify: labels });
    const ones = (rows: number[]) => rows.filter((r) => labels[r] === 1).length;
    expect(ones(validation)).toBe(25); // round(0.25 × 100)
    expect(validation).toHaveLength(250); // 25 of the ones + round(0.25 × 900) of the zeros
    expect(ones(train)).toBe(75);
  });

  it('holds out at least one row, trains on at least two, and rejects fractions outside (0, 1)', () => {
    const s = splitRows(3, { fraction: 0.01 });
    expect(s).toEqual({ train: [1, 2], validation: [0] }); // round(0.03) is 0 rows: the first row moves over
    expect(() => splitRows(10, { fraction: 1 })).toThrow('validationSplit: expected a fraction between 0 and 1');
    expect(() => splitRows(2, { fraction: 0.5 })).toThrow('validationSplit: needs at least 3 rows (2 to train on, 1 to hold out), got 2');
    // --validation-split 0.999 on 100 rows used to train on one row, silently
    expect(() => splitRows(100, { fraction: 0.999 })).toThrow('validationSplit: 0.999 of 100 rows holds out 100 and leaves 0 rows to train on; expected at least 2: hold out a smaller share');
    expect(() => splitRows(100, { fraction: 0.985 })).toThrow('validationSplit: 0.985 of 100 rows holds out 99 and leaves 1 row to train on');
    expect(splitRows(100, { fraction: 0.98 }).train).toHaveLength(2);
  });

  it('splitRows and foldRows check their options by name, and stratify: one finite number per row', () => {
    expect(() => splitRows(10, { fraction: 0.2, sed: 3 } as never)).toThrow('sed: unknown option; expected one of fraction, seed, stratify');
    expect(() => foldRows(10, { folds: 2, fold: 0, stratfy: [] } as never)).toThrow('stratfy: unknown option; expected one of folds, fold, seed, stratify');
    expect(() => splitRows(10, null as never)).toThrow('options: expected { fraction, seed, stratify }, got null');
    for (const split of [(stratify: never) => splitRows(10, { fraction: 0.2, stratify }), (stratify: never) => foldRows(10, { folds: 2, fold: 1, stratify })]) {
      expect(() => split([0, 1] as never)).toThrow('stratify: expected one label per row (10 labels), got an array of 2 numbers');
      expect(() => split(new Float64Array(11) as never)).toThrow('stratify: expected one label per row (10 labels), got a Float64Array of 11 values');
      expect(() => split([0, 1, 0, 1, NaN, 1, 0, 1, 0, 1] as never)).toThrow('stratify[4]: expected a label (a finite number), got NaN');
      expect(() => split(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'] as never)).toThrow('stratify[0]: expected a label (a finite number), got "a"');
      expect(() => split(7 as never)).toThrow('stratify: expected one label per row (an array of numbers), got 7');
    }
  });

  it('takes rows of a flat matrix', () => {
    expect(Array.from(takeRows(Float64Array.of(1, 2, 3, 4, 5, 6), 2, [2, 0]))).toEqual([5, 6, 1, 2]);
  });
});
