// One batch at a time: trainOnBatch is a fit of its rows (batchSize = their count, shuffle 'none',
// one epoch), to the bit, and a run of calls continues as that fit's batches would — across a
// checkpoint too, which is how a service that learns from events survives a restart.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DivergenceError, loadWasm, Model, modelFromFile, modelToText, type EngineKind, type LayerSpec, type ModelFitOptions, type ModelOptions } from '../src/node.js';
import { randomRows } from './helpers.js';

const settings = (runs: number) => ({ numRuns: Number(process.env.FC_RUNS ?? runs), seed: Number(process.env.FC_SEED ?? 20261206) });
const bits = (values: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(values).buffer));

beforeAll(async () => { await loadWasm(); });

const optimizers: Partial<ModelFitOptions>[] = [
  { optimizer: 'sgd' }, { optimizer: 'sgd', momentum: 0.9, nesterov: true }, { optimizer: 'adam' }, { optimizer: 'rmsprop', momentum: 0.3 },
];

const cases = fc.record({
  optimizer: fc.constantFrom(...optimizers),
  dropout: fc.constantFrom(0, 0.4),
  classify: fc.boolean(),
  scaled: fc.boolean(),
  rows: fc.integer({ min: 1, max: 5 }),
  calls: fc.integer({ min: 1, max: 4 }),
  flat: fc.boolean(),
  engine: fc.constantFrom<EngineKind>('wasm', 'js'),
  seed: fc.integer({ min: 0, max: 1000 }),
});
type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

function setup(c: Case) {
  const layers: LayerSpec[] = [{ units: 3, activation: 'relu' }, ...(c.dropout ? [{ dropout: c.dropout }] : []), c.classify ? { units: 1, activation: 'sigmoid' } : { units: 2 }];
  const spec: ModelOptions<LayerSpec> = {
    inputs: 2, layers, loss: c.classify ? 'binaryCrossentropy' : 'mse', seed: c.seed,
    ...(c.scaled ? { scaler: { mean: [0.5, -1], std: [2, 0.5] }, ...(c.classify ? {} : { targetScaler: { mean: [3, 0], std: [4, 1] } }) } : {}),
  };
  const x = randomRows(c.seed, c.rows * c.calls, 2, -2, 2);
  const y = c.classify ? x.map((r) => [r[0]! > r[1]! ? 1 : 0]) : x.map((r) => [r[0]! * 3 + 1, r[1]!]);
  return { spec, x, y };
}

describe('trainOnBatch', () => {
  it('is a fit of its rows, then of the next rows: calls of r rows = one fit with batchSize r, shuffle none, one epoch', async () => {
    await fc.assert(fc.asyncProperty(cases, async (c) => {
      const { spec, x, y } = setup(c);
      const fitted = new Model(spec);
      const history = await fitted.fit(x, y, { ...c.optimizer, learningRate: 0.05, batchSize: c.rows, shuffle: 'none', epochs: 1, seed: c.seed, engine: c.engine });
      const online = new Model(spec);
      const options = { ...c.optimizer, learningRate: 0.05, seed: c.seed, engine: c.engine };
      const losses: number[] = [];
      for (let k = 0; k < c.calls; k++) {
        const [bx, by] = [x.slice(k * c.rows, (k + 1) * c.rows), y.slice(k * c.rows, (k + 1) * c.rows)];
        losses.push(c.flat ? online.trainOnBatch(Float64Array.from(bx.flat()), Float64Array.from(by.flat()), options) : online.trainOnBatch(bx, by, options));
      }
      expect(bits(online.getParams())).toEqual(bits(fitted.getParams()));
      const [a, b] = [online.getTrainingState()!, fitted.getTrainingState()!];
      expect(a.optimizer!.scalars).toEqual(b.optimizer!.scalars);
      for (const name in a.optimizer!.arrays) expect(bits(a.optimizer!.arrays[name]!)).toEqual(bits(b.optimizer!.arrays[name]!));
      expect(a.random.dropout).toBe(b.random.dropout);
      // the epoch's loss is the mean of its batches' losses, as fit reports it
      expect(bits([losses.reduce((s, l) => s + l * c.rows, 0) / (c.rows * c.calls)])).toEqual(bits([history.loss[0]!]));
    }), settings(40));
  }, 60_000);

  it('continues across a saved and loaded model as if the service had not restarted, on either engine', async () => {
    const { spec, x, y } = setup({ optimizer: { optimizer: 'adam' }, dropout: 0.4, classify: true, scaled: true, rows: 1, calls: 12, flat: true, engine: 'wasm', seed: 9 });
    // one options object per engine, as a service keeps it: the state stays in the engine between calls
    const wasm = { optimizer: 'adam' as const, learningRate: 0.05, engine: 'wasm' as const }, js = { ...wasm, engine: 'js' as const };
    const steady = new Model(spec);
    for (let i = 0; i < 12; i++) steady.trainOnBatch(x.slice(i, i + 1), y.slice(i, i + 1), wasm);
    let restarted = new Model(spec);
    for (let i = 0; i < 12; i++) {
      if (i === 5) restarted = modelFromFile(modelToText(restarted, { features: ['a', 'b'], target: 'c' })).model;
      restarted.trainOnBatch(x.slice(i, i + 1), y.slice(i, i + 1), i < 5 ? wasm : js);
    }
    expect(bits(restarted.getParams())).toEqual(bits(steady.getParams()));
    expect(bits(restarted.getTrainingState()!.optimizer!.arrays.velocities!)).toEqual(bits(steady.getTrainingState()!.optimizer!.arrays.velocities!));
  });

  it('predicts in between from the newest weights, on either engine, without changing what training continues from', async () => {
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 1 };
    const [a, b] = [new Model(spec), new Model(spec)];
    const options = { optimizer: 'adam' as const, engine: 'wasm' as const };
    for (let i = 0; i < 6; i++) {
      const [bx, by] = [new Float64Array([i / 6, 1 - i / 6]), new Float64Array([i])];
      a.trainOnBatch(bx, by, options);
      b.trainOnBatch(bx, by, options);
      // b is asked in between, on both engines; a is not
      const js = b.predict([[0.5, 0.5]], { engine: 'js' }), wasm = b.predict([[0.5, 0.5]], { engine: 'wasm' });
      expect(js).toEqual(wasm);
      expect(js).toEqual(new Model({ ...spec, weights: a.getWeights() }).predict([[0.5, 0.5]], { engine: 'js' }));
    }
    expect(bits(b.getParams())).toEqual(bits(a.getParams()));
  });

  it('returns the loss before the step; testOnBatch the loss without one', () => {
    // One row, one linear unit with weights 0 and bias 0: the loss of y = 2 is (2 − 0)² = 4.
    const model = new Model({ inputs: 1, layers: [{ units: 1, kernelInitializer: 'zeros' }], loss: 'mse' });
    expect(model.testOnBatch([[1]], [[2]], { engine: 'js' })).toBe(4);
    expect(model.trainOnBatch([[1]], [[2]], { learningRate: 0.1, engine: 'js' })).toBe(4);
    // sgd: w and b each move by 0.1 · 2 · (2 − 0) · 1 = 0.4; the output 0.8; the loss (2 − 0.8)² = 1.44
    expect(model.getWeights()).toEqual([[[0.4]], [0.4]]);
    expect(model.testOnBatch([[1]], [[2]], { engine: 'js' })).toBeCloseTo(1.44, 14);
  });

  it('refuses bad rows before changing anything, naming the row and column', () => {
    const model = new Model({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 2 });
    const before = model.getWeights();
    expect(() => model.trainOnBatch(new Float64Array([1, NaN]), new Float64Array([1]), { engine: 'js' })).toThrow('x: row 1, column 2: expected a finite number, got NaN');
    expect(() => model.trainOnBatch(new Float64Array([1, 2]), new Float64Array([0.5]), { engine: 'js' })).toThrow('y: binaryCrossentropy needs labels 0 or 1; row 1 has 0.5');
    expect(() => model.trainOnBatch(new Float64Array([1, 2, 3]), new Float64Array([1]), { engine: 'js' })).toThrow('x: expected a Float64Array of rows × 2 numbers');
    expect(() => model.trainOnBatch([[1, 2]], [[1]], { engine: 'js', epochs: 3 } as never)).toThrow('epochs: unknown option');
    expect(model.getWeights()).toEqual(before);
  });

  it('keeps the weights from before a step that diverges', () => {
    const model = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    model.trainOnBatch([[1]], [[1]], { learningRate: 0.1, engine: 'js' });
    const before = model.getWeights();
    expect(() => model.trainOnBatch([[1e200]], [[1e200]], { learningRate: 0.1, engine: 'js' })).toThrow(DivergenceError);
    expect(model.getWeights()).toEqual(before);
    expect(model.getTrainingState()!.optimizer!.scalars.iterations).toBe(1);
  });

  it('keeps them too when the engine\'s memory grew since the last step (a predict of many rows in between), on either engine', () => {
    for (const engine of ['wasm', 'js'] as const) {
      const model = new Model({ inputs: 1, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 2 });
      // one options object for every call, as an app would (a new one sets the optimizer up anew)
      const options = { learningRate: 0.1, engine };
      model.trainOnBatch([[1]], [[1]], options);
      const before = model.getWeights();
      const many = Array.from({ length: 200_000 }, (_, i) => [i / 200_000]);
      model.predict(many, { engine });
      expect(() => model.trainOnBatch([[1e200]], [[1e200]], options)).toThrow(DivergenceError);
      expect(model.getWeights()).toEqual(before);
      expect(model.getTrainingState()!.optimizer!.scalars.iterations).toBe(1);
    }
  });
});
