// Keras 3's row and class weights (sample_weight, class_weight) and the losses' parameters, through
// the library: the weighted loss is Σ w·loss / rows (Keras's "sum_over_batch_size"), checked here
// against each row's own loss from evaluate on that row alone; class weights are row weights made
// from the labels; validation weighs its rows as evaluate does. The gradients of weighted losses are
// held to finite differences in test/gradients.test.ts, and the engines to each other in test/simd.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { BackpropError, loadWasm, Model, modelFromFile, modelToText, type ModelOptions } from '../src/node.js';
import { extent } from '../src/extent.js';

beforeAll(async () => { await loadWasm(); });

const X = [[0.2, -1], [1.5, 0.3], [-0.7, 0.8], [0.9, 0.9], [-1.2, -0.4]];
const Y = [[1], [0], [1], [0], [1]];
const W = [0.5, 2, 0, 1.25, 3];
const classifier = (): Model => new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 3 });

describe('row weights', () => {
  it.each(['wasm', 'js'] as const)('%s: evaluate with sampleWeight is Σ w·(the row\'s loss) / rows', (engine) => {
    const m = classifier();
    const alone = X.map((x, r) => m.evaluate([x], [Y[r]!], { engine }));
    const expected = alone.reduce((s, l, r) => s + W[r]! * l, 0) / X.length;
    expect(m.evaluate(X, Y, { engine, sampleWeight: W })).toBeCloseTo(expected, 14);
    // weights of 1 are no weights, to the bit
    expect(m.evaluate(X, Y, { engine, sampleWeight: [1, 1, 1, 1, 1] })).toBe(m.evaluate(X, Y, { engine }));
  });

  it('classWeight is the row weights of each row\'s class, to the bit; validation weighs its rows as evaluate', async () => {
    const a = classifier(), b = classifier();
    const fit = { epochs: 5, batchSize: 2, optimizer: 'adam' as const, learningRate: 0.05 };
    const ha = await a.fit(X, Y, { ...fit, classWeight: { 0: 4, 1: 0.5 }, validationData: [X, Y, W] });
    const hb = await b.fit(X, Y, { ...fit, sampleWeight: Y.map(([t]) => (t === 1 ? 0.5 : 4)), validationData: [X, Y, W] });
    expect(ha.loss).toEqual(hb.loss);
    expect(a.getWeights()).toEqual(b.getWeights());
    expect(ha.valLoss![4]).toBe(a.evaluate(X, Y, { sampleWeight: W }));
    // and the weights change the run
    const c = classifier();
    await c.fit(X, Y, fit);
    expect(c.getWeights()).not.toEqual(a.getWeights());
  });

  it('a row of weight 0 is a row not there, when the batch holds every row: the same step as without it, scaled by rows', async () => {
    // one SGD step on all rows: the gradient is Σ w·g / rows, so with rows 1…4 weighted by 5/4 and row 0 by 0 it is the step on rows 1…4
    const a = classifier(), b = classifier();
    await a.fit(X, Y, { epochs: 1, batchSize: 5, learningRate: 0.1, sampleWeight: [0, 1.25, 1.25, 1.25, 1.25] });
    await b.fit(X.slice(1), Y.slice(1), { epochs: 1, batchSize: 4, learningRate: 0.1 });
    const diff = a.getWeights().flat(2).map((v, i) => Math.abs(v - b.getWeights().flat(2)[i]!));
    expect(extent(diff)[1]).toBeLessThan(1e-15);
  });

  it('refuses bad weights by name, and leaves the model as it was', async () => {
    const m = classifier();
    const before = m.getWeights();
    await expect(m.fit(X, Y, { sampleWeight: [1, 2] })).rejects.toThrow(/sampleWeight: has 2 weights; expected one per row, 5/);
    await expect(m.fit(X, Y, { sampleWeight: [1, 2, -1, 1, 1] })).rejects.toThrow(/sampleWeight: row 3 has -1; expected a finite weight ≥ 0/);
    await expect(m.fit(X, Y, { classWeight: { 2: 1 } })).rejects.toThrow(/classWeight\.2: expected a class index from 0 to 1/);
    await expect(m.fit(X, Y, { classWeight: { 0: 1 }, sampleWeight: W })).rejects.toThrow(/classWeight: give sampleWeight or classWeight, not both/);
    await expect(m.fit(X, Y, { validationData: [X, Y, [1]] })).rejects.toThrow(/validationData\[2\]: has 1 weights/);
    await expect(m.trace(X, Y, { sampleWeight: W })).rejects.toThrow(/sampleWeight: a trace shows a step whose rows weigh the same/);
    expect(() => m.evaluate(X, Y, { sampleWeight: [1, 1, 1, 1, Number.NaN] })).toThrow(/sampleWeight: row 5 has NaN/);
    const regression = new Model({ inputs: 2, layers: [{ units: 1 }], loss: 'mse' });
    await expect(regression.fit(X, Y, { classWeight: { 0: 1 } })).rejects.toThrow(/classWeight: weighs classes; this model's loss 'mse' has no classes/);
    expect(m.getWeights()).toEqual(before);
  });
});

describe("the losses' parameters and names", () => {
  it('a loss by alias or as { name, parameter }; checked by name', () => {
    expect(new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mae' }).network.loss).toBe('meanAbsoluteError');
    expect(new Model({ inputs: 1, layers: [{ units: 2, activation: 'softmax' }], loss: 'kld' }).network.loss).toBe('kullbackLeiblerDivergence');
    expect(new Model({ inputs: 1, layers: [{ units: 1 }], loss: { name: 'huber', delta: 2 } }).network.lossParameter).toBe(2);
    const spec = (loss: unknown) => () => new Model({ inputs: 1, layers: [{ units: 1, activation: 'sigmoid' }], loss } as ModelOptions);
    expect(spec({ name: 'huber', delta: 0 })).toThrow(/loss\.delta: expected a finite number > 0, got 0/);
    expect(spec({ name: 'mse', delta: 1 })).toThrow(/loss\.delta: unknown option; expected one of name/);
    expect(spec({ name: 'binaryCrossentropy', labelSmoothing: 1.5 })).toThrow(/loss\.labelSmoothing: expected a number from 0 to 1/);
    expect(spec('meanAbsoluteErr')).toThrow(BackpropError);
    expect(() => new Model({ inputs: 1, layers: [{ units: 2, activation: 'softmax' }], loss: { name: 'sparseCategoricalCrossentropy', labelSmoothing: 0.1 } as never })).toThrow(/loss\.labelSmoothing: unknown option/);
  });

  it('huber: δ decides where the loss turns linear (by hand), and a model file keeps δ', () => {
    // ŷ = 0.5 against y = 2 (e = 1.5): δ = 2 gives ½e², δ = 1 gives δ·|e| − ½δ²
    const m = (delta: number) => new Model({ inputs: 1, layers: [{ units: 1 }], loss: { name: 'huber', delta }, weights: [[[0.3]], [-0.1]] });
    expect(m(2).evaluate([[2]], [[2]])).toBe(0.5 * 1.5 * 1.5);
    expect(m(1).evaluate([[2]], [[2]])).toBe(1.5 - 0.5);
    const back = modelFromFile(JSON.parse(modelToText(m(2), { features: ['x'], target: 'y' }))).model;
    expect(back.network.lossParameter).toBe(2);
    expect(back.evaluate([[2]], [[2]])).toBe(0.5 * 1.5 * 1.5);
  });

  it('label smoothing moves binary targets to y·(1 − s) + s/2 (by hand)', () => {
    // z = 0.5: ŷ = σ(0.5); y = 1 smoothed by 0.2 is 0.9: −0.9·log ŷ − 0.1·log(1 − ŷ)
    const m = new Model({ inputs: 1, layers: [{ units: 1, activation: 'sigmoid' }], loss: { name: 'binaryCrossentropy', labelSmoothing: 0.2 }, weights: [[[0.3]], [-0.1]] });
    const p = 1 / (1 + Math.exp(-0.5));
    expect(m.evaluate([[2]], [[1]])).toBeCloseTo(-0.9 * Math.log(p) - 0.1 * Math.log(1 - p), 15);
  });

  it("hinge reads 0/1 labels as −1/1, as Keras 3; refuses 0 beside −1", () => {
    const m = new Model({ inputs: 1, layers: [{ units: 1, activation: 'tanh' }], loss: 'hinge', weights: [[[0.3]], [-0.1]] });
    expect(m.evaluate([[2], [2]], [[0], [1]])).toBe(m.evaluate([[2], [2]], [[-1], [1]]));
    expect(() => m.evaluate([[2], [2]], [[0], [-1]])).toThrow(/hinge needs labels −1 and 1, or 0 and 1; row 2 has −1 and row 1 has 0/);
  });
});

describe("the loss's parameter travels with the model", () => {
  it('through a TensorFlow.js export and back', async () => {
    const { exportTfjs, modelFromTfjs } = await import('../src/node.js');
    const m = new Model({ inputs: 1, layers: [{ units: 1 }], loss: { name: 'huber', delta: 2 }, weights: [[[0.25]], [-0.5]] });
    const { modelJson, weightData } = exportTfjs(m);
    const back = modelFromTfjs(modelJson, weightData).model;
    expect(back.network.loss).toBe('huber');
    expect(back.network.lossParameter).toBe(2);
  });
});

describe('on the command line', () => {
  it('--sample-weight COLUMN weighs the rows (not a feature), --class-weight by label; both refused together, and by explain', async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runCli } = await import('./helpers.js');
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    writeFileSync(join(dir, 'w.csv'), 'a,b,w,y\n1,2,1,no\n2,1,0.5,yes\n3,3,2,yes\n0,1,1,no\n1,1,1,no\n2,2,3,yes\n');
    const run = (...flags: string[]) => runCli(dir, ['train', 'w.csv', '--target', 'y', '--epochs', '3', '--json', ...flags]);
    const weighted = JSON.parse(run('--sample-weight', 'w', '--save', 'm.json').stdout);
    const plain = JSON.parse(run().stdout);
    expect(weighted.model.inputs).toBe(2); // a and b: the weight column is no feature
    expect(weighted.history.loss).not.toEqual(plain.history.loss);
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).training.sampleWeight).toBe('w');
    // class weights by label equal the same weights given per row
    writeFileSync(join(dir, 'c.csv'), 'a,b,w,y\n1,2,1,no\n2,1,4,yes\n3,3,4,yes\n0,1,1,no\n1,1,1,no\n2,2,4,yes\n');
    const byClass = JSON.parse(runCli(dir, ['train', 'c.csv', '--target', 'y', '--features', 'a,b', '--epochs', '3', '--json', '--class-weight', 'yes=4']).stdout);
    const byRow = JSON.parse(runCli(dir, ['train', 'c.csv', '--target', 'y', '--epochs', '3', '--json', '--sample-weight', 'w']).stdout);
    expect(byClass.history.loss).toEqual(byRow.history.loss);
    expect(run('--sample-weight', 'w', '--class-weight', 'yes=2').stderr).toMatch(/--class-weight: give --sample-weight or --class-weight, not both/);
    expect(runCli(dir, ['explain', 'w.csv', '--target', 'y', '--sample-weight', 'w']).stderr).toMatch(/--sample-weight: explain writes out a step whose rows weigh the same/);
  }, 60_000);
});

describe('trainOnBatch and testOnBatch take row weights', () => {
  it('a weighted trainOnBatch is the one-batch fit with the same sampleWeight, to the bit; the next unweighted call is unweighted', async () => {
    const a = classifier(), b = classifier(), c = classifier();
    const options = { optimizer: 'adam' as const, learningRate: 0.05 };
    const loss = a.trainOnBatch(X, Y, options, W);
    const h = await b.fit(X, Y, { ...options, epochs: 1, batchSize: 5, shuffle: 'none', sampleWeight: W });
    expect(loss).toBe(h.loss[0]);
    expect(a.getWeights()).toEqual(b.getWeights());
    // then without weights: as a fit continued without them
    a.trainOnBatch(X, Y, options);
    c.trainOnBatch(X, Y, options, W);
    c.trainOnBatch(X, Y, options, [1, 1, 1, 1, 1]);
    expect(a.getWeights()).toEqual(c.getWeights());
    expect(a.testOnBatch(X, Y, { sampleWeight: W })).toBe(a.evaluate(X, Y, { sampleWeight: W }));
    expect(() => a.trainOnBatch(X, Y, options, [1, 2])).toThrow(/sampleWeight: has 2 weights; expected one per row, 5/);
  });
});
