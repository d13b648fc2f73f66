import { describe, expect, it } from 'vitest';
import { applyScaler, classificationMetrics, fitScaler, Model, regressionMetrics, splitRows, takeRows } from '../src/node.js';

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
    expect(() => classificationMetrics([0, 1], [0.1])).toThrow('yhat: has 1 values but y has 2');
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

  it('leaves a row on each side of tiny data and rejects fractions outside (0, 1)', () => {
    const s = splitRows(2, { fraction: 0.01 });
    expect([s.train.length, s.validation.length]).toEqual([1, 1]);
    expect(() => splitRows(10, { fraction: 1 })).toThrow('validationSplit: expected a fraction between 0 and 1');
    expect(() => splitRows(1, { fraction: 0.5 })).toThrow('validationSplit: needs at least 2 rows');
  });

  it('takes rows of a flat matrix', () => {
    expect(Array.from(takeRows(Float64Array.of(1, 2, 3, 4, 5, 6), 2, [2, 0]))).toEqual([5, 6, 1, 2]);
  });
});
