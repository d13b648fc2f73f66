import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionBoundarySvg, lossChartSvg, Model, parseCsv, readCsvFile, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from '../src/node.js';
import { seeded } from '../src/random.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-real-'));
const random = seeded(2024);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** Writes rows under a header to a CSV file in the temp dir. */
function writeCsv(name: string, header: string[], rows: number[][]): string {
  const path = join(dir, name);
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.map((v) => Number(v.toPrecision(8))).join(','))].join('\n') + '\n');
  return path;
}

// Regression: 3000 rows, 10 features on very different scales, a linear target plus noise.
const regFeatures = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9'];
const scales = [1, 10, 100, 0.1, 5, 50, 2, 1000, 0.5, 20];
const coef = [1.5, -0.2, 0.01, 8, 0.3, -0.03, 0.7, 0.0008, -2, 0.05];
const regRows = Array.from({ length: 3000 }, () => {
  const f = scales.map((s) => s * (gauss() + 1));
  return [...f, f.reduce((t, v, i) => t + coef[i]! * v, 3) + 0.8 * gauss()];
});
const regPath = writeCsv('regression.csv', [...regFeatures, 'y'], regRows);

// Classification: 4000 rows, 6 features; the label is 1 outside a tilted ellipse in (f0, f1)
// and the other features are noise, so a linear model cannot reach the accuracy a hidden layer can.
const clsRows = Array.from({ length: 4000 }, () => {
  const f = Array.from({ length: 6 }, () => gauss() * 2);
  const r = (f[0]! + 0.5 * f[1]!) ** 2 / 4 + f[1]! ** 2 / 2.25;
  return [...f, r > 1.2 ? 1 : 0];
});
const clsPath = writeCsv('classification.csv', ['a', 'b', 'c', 'd', 'e', 'f', 'label'], clsRows);

/**
 * Ordinary least squares with an intercept by the normal equations (XᵀX) β = Xᵀy, solved by
 * Gauss–Jordan elimination with partial pivoting: the best R² any linear model reaches on these rows.
 */
function leastSquaresR2(x: Float64Array, y: Float64Array, cols: number): number {
  const n = y.length, k = cols + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let r = 0; r < n; r++) {
    const row = [1, ...x.subarray(r * cols, (r + 1) * cols)];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i]![j]! += row[i]! * row[j]!;
      a[i]![k]! += row[i]! * y[r]!;
    }
  }
  for (let c = 0; c < k; c++) {
    const p = a.slice(c).reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(a[best]![c]!) ? c + i : best), c);
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const m = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= m * a[c]![j]!;
    }
  }
  const beta = a.map((row, i) => row[k]! / row[i]!);
  const yhat = Array.from({ length: n }, (_, r) => beta[0]! + regFeatures.reduce((t, _, c) => t + beta[c + 1]! * x[r * cols + c]!, 0));
  return regressionMetrics(y, yhat).r2;
}

const hidden = (inputs: number, output: 'linear' | 'sigmoid') => ({
  inputs,
  layers: [{ units: 16, activation: 'relu' as const }, { units: 8, activation: 'relu' as const }, { units: 1, activation: output }],
  loss: output === 'sigmoid' ? 'binaryCrossentropy' as const : 'mse' as const,
});

describe('a realistic regression from a CSV file', () => {
  it('reaches the R² of the closed-form least-squares fit of the same rows', async () => {
    const d = await readCsvFile(regPath, { target: 'y' });
    expect(d.rows).toBe(3000);
    const model = new Model(hidden(10, 'linear'));
    const history = await model.fit(d.x, d.y, { epochs: 40, learningRate: 0.005, batchSize: 16, standardize: true, engine: 'wasm' });
    const m = model.evaluateMetrics(d.x, d.y) as RegressionMetrics;
    const ols = leastSquaresR2(d.x, d.y, 10);
    // The noise (σ 0.8) leaves OLS just short of 1; the network should come within 0.005 of it.
    expect(ols).toBeGreaterThan(0.95);
    expect(m.r2).toBeGreaterThan(ols - 0.005);
    expect(m.r2).toBeLessThan(ols + 0.005);
    expect(m.mse).toBeCloseTo(model.evaluate(d.x, d.y), 10);
    expect(history.loss[history.loss.length - 1]).toBeLessThan(history.loss[0]! / 10);
  });
});

describe('a realistic classification from a CSV file', () => {
  it('reaches high accuracy on held-out rows, stratified, with early stopping keeping the best weights', async () => {
    const d = await readCsvFile(clsPath, { target: 'label', task: 'classification' });
    const model = new Model(hidden(6, 'sigmoid'));
    const weightsByEpoch: ReturnType<Model['getWeights']>[] = [];
    const history = await model.fit(d.x, d.y, {
      epochs: 60, learningRate: 0.05, batchSize: 16, standardize: true, validationSplit: 0.2, earlyStopping: { patience: 5 }, engine: 'wasm',
      onEpochEnd: (_, logs) => {
        expect(logs.valLoss).toBeTypeOf('number');
        weightsByEpoch.push(model.getWeights());
      },
    });
    const val = history.valMetrics!.map((m) => m as ClassificationMetrics);
    expect(val).toHaveLength(history.loss.length);
    expect(val[0]!.rows).toBe(800); // 20% of 4000
    const best = history.bestEpoch!;
    expect(history.valLoss![best]).toBe(Math.min(...history.valLoss!));
    expect(model.getWeights()).toEqual(weightsByEpoch[best]);
    if (history.loss.length < 60) expect(history.loss.length).toBe(best + 1 + 5);
    expect(val[best]!.accuracy).toBeGreaterThan(0.95);
    // logLoss clips ŷ to [1e-7, 1 − 1e-7]; the loss takes the few rows past the clip from the logit
    expect(val[best]!.logLoss).toBeCloseTo(history.valLoss![best]!, 6);
    const all = model.evaluateMetrics(d.x, d.y) as ClassificationMetrics;
    expect(all.accuracy).toBeGreaterThan(0.95);
    expect(all.f1).toBeGreaterThan(0.9);
    const { tp, fp, tn, fn } = all.confusion;
    expect(tp + fp + tn + fn).toBe(4000);
  });

  it('gives the same history on both engines, validation included', async () => {
    const d = await readCsvFile(clsPath, { target: 'label' });
    const runs = await Promise.all((['wasm', 'js'] as const).map(async (engine) => {
      const model = new Model(hidden(6, 'sigmoid'));
      const history = await model.fit(d.x, d.y, { epochs: 3, learningRate: 0.05, standardize: true, validationSplit: 0.25, engine });
      return [...history.loss, ...history.valLoss!, ...model.getWeights().flat(2)];
    }));
    const [w, j] = runs as [number[], number[]];
    expect(j).toEqual(w);
  });

  it('accepts plain arrays and Float64Arrays alike', async () => {
    const x = clsRows.slice(0, 200).map((r) => r.slice(0, 6));
    const y = clsRows.slice(0, 200).map((r) => r[6]!);
    const fit = async (xs: number[][] | Float64Array, ys: number[] | Float64Array) => {
      const model = new Model(hidden(6, 'sigmoid'));
      return (await model.fit(xs, ys, { epochs: 2, standardize: true, validationSplit: 0.2, engine: 'js' })).valLoss;
    };
    expect(await fit(Float64Array.from(x.flat()), Float64Array.from(y))).toEqual(await fit(x, y));
  });

  it('draws the loss chart and, on two features, the decision boundary as SVG', async () => {
    const x = clsRows.slice(0, 500).map((r) => [r[0]!, r[1]!]);
    const y = clsRows.slice(0, 500).map((r) => r[6]!);
    const model = new Model(hidden(2, 'sigmoid'));
    const history = await model.fit(x, y, { epochs: 5, learningRate: 0.05, standardize: true, validationSplit: 0.2, engine: 'js' });
    const loss = lossChartSvg(history);
    expect(loss.match(/<polyline /g)).toHaveLength(2);
    expect(loss).toContain('>epoch</text>');
    expect(loss).toContain('validation loss');
    const boundary = decisionBoundarySvg(model, x, y, { features: ['a', 'b'], target: 'label' });
    expect(boundary.match(/<circle /g)).toHaveLength(500); // one per row
    expect(boundary).toContain('>a</text>');
    expect(() => decisionBoundarySvg(new Model(hidden(6, 'sigmoid')), [[1, 2, 3, 4, 5, 6]], [1])).toThrow('plot: a decision boundary needs a model on exactly 2 features; this one has 6');
  });
});

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });

describe.runIf(existsSync(cli))('the CLI on CSV files', () => {
  it('trains, saves, predicts and evaluates; a pipe gets no progress bar', () => {
    const train = run('train', clsPath, '--target', 'label', '--standardize', '--validation-split', '0.2', '--early-stopping', '5',
      '--epochs', '30', '--lr', '0.05', '--save', 'cls.json', '--plot', 'loss.svg');
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    expect(train.stdout).not.toContain('samples/s');
    expect(train.stdout).not.toContain('\u001b[');
    expect(train.stdout).toMatch(/accuracy\s+0\.9\d+\s+0\.9\d+/);
    expect(readFileSync(join(dir, 'loss.svg'), 'utf8')).toContain('<svg');

    const predict = run('predict', 'cls.json', clsPath);
    expect(predict.status).toBe(0);
    const out = parseCsv(predict.stdout);
    expect(out.columns).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'label', 'probability', 'prediction']);
    expect(out.rows).toHaveLength(4000);
    const agree = out.rows.filter((r) => r[6] === r[8]).length / 4000;
    expect(agree).toBeGreaterThan(0.95);

    const evaluate = JSON.parse(execFileSync(process.execPath, [cli, 'evaluate', 'cls.json', clsPath, '--json'], { cwd: dir, encoding: 'utf8' }));
    expect(evaluate.metrics.accuracy).toBeCloseTo(agree, 12);
  });

  it('exits 1 with the message alone for bad input', () => {
    const bad = writeCsv('bad.csv', ['x', 'y'], [[1, 0], [2, 1]]);
    writeFileSync(bad, 'x,y\n1,0\n2,yes\n');
    const r = run('train', bad, '--target', 'y');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`backprop: ${bad}: line 3, column "y": expected a finite number, got "yes"\n`);
    const m = run('predict', 'nothing.json', bad);
    expect(m.status).toBe(1);
    expect(m.stderr).toBe('backprop: nothing.json: no such file\n');
  });
});
