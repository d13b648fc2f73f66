// Every bad input is refused with a BackpropError naming the field (and row/column for data) and
// what was expected, before anything is built or changed.
import { describe, expect, it } from 'vitest';
import { show } from '../src/errors.js';
import { BackpropError, datasets, DivergenceError, Model, type FitOptions, type ModelOptions, type Weights } from '../src/node.js';

const base = datasets.package.model;
const x = datasets.package.x;
const y = datasets.package.y;

function refused(f: () => unknown, field: string, words: RegExp): void {
  let error: unknown;
  try { f(); } catch (e) { error = e; }
  expect(error, 'expected a BackpropError').toBeInstanceOf(BackpropError);
  expect((error as BackpropError).field).toBe(field);
  expect((error as Error).message).toMatch(words);
}

async function fitRefused(fit: (m: Model) => Promise<unknown>, field: string, words: RegExp, spec: ModelOptions = base): Promise<void> {
  const model = new Model(spec);
  const before = model.getWeights();
  const error = await fit(model).then(() => undefined, (e: unknown) => e);
  expect(error, 'expected a BackpropError').toBeInstanceOf(BackpropError);
  expect((error as BackpropError).field).toBe(field);
  expect((error as Error).message).toMatch(words);
  expect(model.getWeights(), 'a refused fit changes no weight').toEqual(before);
}

describe('model specs', () => {
  it.each([
    [{ ...base, layers: [{ units: 0 }] }, 'layers[0].units', /positive integer, got 0/],
    [{ ...base, layers: [{ units: 2 }, { units: -1 }] }, 'layers[1].units', /positive integer, got -1/],
    [{ ...base, layers: [{ units: 2.5 }] }, 'layers[0].units', /positive integer, got 2.5/],
    [{ ...base, layers: [] }, 'layers', /non-empty array/],
    [{ ...base, inputs: 0 }, 'inputs', /positive integer/],
    [{ ...base, layers: [{ units: 1, activation: 'gelu_new' }] }, 'layers[0].activation', /one of 'linear', 'sigmoid', 'tanh', 'relu', 'softmax', .*'gelu', .*'exponential', got "gelu_new"/],
    [{ ...base, loss: 'hing' }, 'loss', /one of 'mse', 'binaryCrossentropy', .*'meanAbsoluteError', 'mae', .*'kld', 'poisson', got "hing"/],
    [{ ...base, loss: { name: 'huber', delta: -1 } }, 'loss.delta', /expected a finite number > 0, got -1/],
    [{ ...base, loss: 'binaryCrossentropy' }, 'layers[1].activation', /needs activation 'sigmoid', got 'linear'/],
    [{ ...base, layers: [{ units: 1, kernelInitializer: { constant: NaN } }] }, 'layers[0].kernelInitializer', /finite number/],
    [{ ...base, layers: [{ units: 1, kernelInitializer: 'random' }] }, 'layers[0].kernelInitializer', /one of/],
  ])('%#: %s is refused', (spec, field, words) => {
    refused(() => new Model(spec as ModelOptions), field, words);
  });
});

describe('data', () => {
  it.each([
    [[[8, 8], [7, 9, 1], [6, 10], [5, 12]], y, 'x', /row 2 has 3 columns; expected 2/],
    [[[8, 8], [7, 9], [6, NaN], [5, 12]], y, 'x', /row 3, column 2: expected a finite number, got NaN/],
    [[[8, 8], [7, Infinity], [6, 10], [5, 12]], y, 'x', /row 2, column 2: .*got Infinity/],
    [x, [4, 5, -Infinity, 7], 'y', /row 3, column 1: .*got -Infinity/],
    [[], [], 'x', /no rows/],
    [x, [4, 5, 6], 'y', /has 3 rows but x has 4/],
    [[[8, 8], [7, '9'], [6, 10], [5, 12]], y, 'x', /row 2, column 2: expected a finite number, got "9"/],
    [[8, 8, 7], y, 'x', /3 numbers does not split into rows of 2 columns/],
  ])('%#: fit refuses bad rows', async (xs, ys, field, words) => {
    await fitRefused((m) => m.fit(xs as number[][], ys as number[], { epochs: 1 }), field, words);
  });

  it('binary cross-entropy takes labels 0 or 1 only, and names the rows that are not', async () => {
    const d = datasets.placement;
    await fitRefused((m) => m.fit(d.x, [1, 0.5, 0, 2], { epochs: 1 }), 'y', /labels 0 or 1; row 2 has 0.5, row 4 has 2/, d.model);
  });

  it('predict and evaluate check their data the same way', () => {
    const model = new Model(base);
    refused(() => model.predict([[1, 2, 3]]), 'x', /row 1 has 3 columns; expected 2/);
    refused(() => model.evaluate(x, [1, 2]), 'y', /has 2 rows but x has 4/);
  });
});

describe('fit options', () => {
  it.each([
    [{ learningRate: 0 }, 'learningRate', /finite number > 0, got 0/],
    [{ learningRate: -0.1 }, 'learningRate', /got -0.1/],
    [{ learningRate: NaN }, 'learningRate', /got NaN/],
    [{ learningRate: Infinity }, 'learningRate', /got Infinity/],
    [{ epochs: 0 }, 'epochs', /positive integer, got 0/],
    [{ epochs: 2.5 }, 'epochs', /positive integer, got 2.5/],
    [{ epochs: '5' }, 'epochs', /positive integer, got "5"/],
    [{ batchSize: 0 }, 'batchSize', /positive integer, got 0/],
    [{ shuffle: 'random' }, 'shuffle', /one of 'none', 'epoch', 'sample', got "random"/],
    [{ engine: 'gpu' }, 'engine', /one of 'wasm', 'js', got "gpu"/],
    [{ seed: 1.5 }, 'seed', /integer from 0 to 4294967295 .*, got 1.5/],
    // Seeds outside the generator's 32 bits wrapped mod 2³² (-1 ran as 4294967295), silently
    [{ seed: -1 }, 'seed', /^seed: expected an integer from 0 to 4294967295 \(2³² − 1, the random generator's state\), got -1$/],
    [{ seed: 2 ** 32 }, 'seed', /got 4294967296/],
    [{ seed: 1e30 }, 'seed', /got 1e\+30/],
    // A history of 10¹² epochs would grow without bound
    [{ epochs: 1e12 }, 'epochs', /^epochs: expected at most 1000000 \(the history keeps every epoch's loss and metrics; for more, fit again: each fit carries on from the last\), got 1000000000000$/],
    [{ epochs: 1_000_001 }, 'epochs', /expected at most 1000000/],
    [{ validationSplit: 0.999 }, 'validationSplit', /0\.999 of 4 rows holds out 4 and leaves 0 rows to train on; expected at least 2/],
  ])('%#: %s is refused', async (options, field, words) => {
    await fitRefused((m) => m.fit(x, y, options as FitOptions), field, words);
  });

  it('the seed bounds are the generator\'s: 0 and 2³² − 1 are taken, by the model and by fit', async () => {
    for (const seed of [0, 4294967295]) {
      const model = new Model({ ...base, seed });
      await expect(model.fit(x, y, { epochs: 1, seed, engine: 'js' })).resolves.toBeDefined();
    }
    refused(() => new Model({ ...base, seed: -1 }), 'seed', /from 0 to 4294967295/);
  });
});

describe('what a value is, in messages', () => {
  it.each([
    [{ a: 1, b: 2 }, 'an object with keys a, b'],
    [{ a: 1 }, 'an object with key a'],
    [{}, 'an empty object'],
    [{ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }, 'an object with keys a, b, c, d, e, f, … (7 in all)'],
    [new Float64Array(5), 'a Float64Array of 5 values'],
    [new Int32Array(1), 'an Int32Array of 1 value'],
    [[[1, 2], [3, 4], [5, 6]], 'an array of 3 rows'],
    [[1, 2], 'an array of 2 numbers'],
    [['a'], 'an array of 1 string'],
    [[1, 'a'], 'an array of 2 values'],
    [[], 'an array of 0 values'],
    [new Map(), 'a Map'],
    [() => 1, 'a function'],
    [null, 'null'],
    [10n, '10n'],
    ['x', '"x"'],
  ])('%#: %s', (value, words) => {
    expect(show(value)).toBe(words);
  });

  it('a library refusal names the type it got, not "a object"', async () => {
    await fitRefused((m) => m.fit(x, y, { epochs: { n: 5 } } as unknown as FitOptions), 'epochs', /expected a positive integer, got an object with key n$/);
    refused(() => new Model({ ...base, layers: new Float64Array(5) } as unknown as ModelOptions), 'layers', /got a Float64Array of 5 values/);
  });
});

describe('weights', () => {
  const good = new Model(base).getWeights();
  it.each([
    [good.slice(0, 3), 'weights', /expected 4 arrays/],
    [[[[0.1, 0.1]], ...good.slice(1)], 'weights[0] (layer 0 kernel)', /expected 2 rows \(one per input\) of 2 numbers/],
    [[[[0.1], [0.1]], ...good.slice(1)], 'weights[0] (layer 0 kernel)[0]', /expected 2 numbers \(one per unit\)/],
    [[good[0], [0, 0, 0], ...good.slice(2)], 'weights[1] (layer 0 bias)', /expected 2 numbers/],
    [[good[0], good[1], [[0.1], [NaN]], good[3]], 'weights[2] (layer 1 kernel)[1][0]', /finite number, got NaN/],
  ])('%#: setWeights refuses a wrong shape and changes nothing', (weights, field, words) => {
    const model = new Model(base);
    const before = model.getWeights();
    refused(() => model.setWeights(weights as Weights), field, words);
    expect(model.getWeights()).toEqual(before);
    refused(() => new Model({ ...base, weights: weights as Weights }), field, words);
  });

  it('round-trips the Keras layout: kernel rows are inputs, columns are units', () => {
    const weights: Weights = [[[1, 2, 3], [4, 5, 6]], [7, 8, 9], [[10], [11], [12]], [13]];
    const model = new Model({ inputs: 2, layers: [{ units: 3 }, { units: 1 }], loss: 'mse', weights });
    expect(model.getWeights()).toEqual(weights);
    // ŷ = Σⱼ (x·kernel₁ + b₁)ⱼ · kernel₂ⱼ + b₂ with x = (1, 0): hidden (8, 10, 12) → 80 + 110 + 144 + 13
    expect(model.predict([[1, 0]], { engine: 'js' })).toEqual([[347]]);
  });
});

describe('divergence', () => {
  it.each(['wasm', 'js'] as const)('%s: stops with the epoch and row, keeping the last finished epoch', async (engine) => {
    const model = new Model(base);
    const error = await model.fit(x, y, { epochs: 50, learningRate: 0.05, batchSize: 1, shuffle: 'none', engine }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DivergenceError);
    const d = error as DivergenceError;
    expect(d.message).toMatch(new RegExp(`^fit: Training diverged at epoch ${d.epoch + 1}, row ${d.row + 1}: `));
    expect(d.message).toMatch(/became (NaN|-?Infinity)/);
    expect(model.getWeights().flat(2).every(Number.isFinite)).toBe(true);
  });
});
