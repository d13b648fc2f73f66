// Continue exactly: 5 epochs, a checkpoint (the model file, saved and read back), then 5 more epochs
// from it give the bits of 10 epochs in one fit — weights, optimizer state, every history entry —
// for every optimizer, shuffle mode, dropout, early stopping and either engine on either side.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, Model, modelFromFile, modelToText, type EngineKind, type History, type LayerSpec, type ModelFitOptions, type ModelOptions } from '../src/node.js';
import { randomRows } from './helpers.js';

const settings = (runs: number) => ({ numRuns: Number(process.env.FC_RUNS ?? runs), seed: Number(process.env.FC_SEED ?? 20261206) });

beforeAll(async () => { await loadWasm(); });

/** The bits of each number, so that -0 and 0 (or two NaNs) are told apart as a checkpoint must keep them. */
const bits = (values: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(values).buffer));

const optimizers: Partial<ModelFitOptions>[] = [
  { optimizer: 'sgd' }, { optimizer: 'sgd', momentum: 0.9 }, { optimizer: 'sgd', momentum: 0.5, nesterov: true },
  { optimizer: 'adam' }, { optimizer: 'rmsprop' }, { optimizer: 'rmsprop', momentum: 0.3 },
];

const run = fc.record({
  inputs: fc.integer({ min: 1, max: 3 }),
  hidden: fc.integer({ min: 1, max: 5 }),
  dropout: fc.constantFrom(0, 0.3),
  classify: fc.boolean(),
  optimizer: fc.constantFrom(...optimizers),
  learningRate: fc.constantFrom(0.01, 0.1),
  batchSize: fc.integer({ min: 1, max: 8 }),
  shuffle: fc.constantFrom('none', 'epoch', 'sample') as fc.Arbitrary<'none' | 'epoch' | 'sample'>,
  stepsPerExecution: fc.constantFrom(1, 'epoch') as fc.Arbitrary<1 | 'epoch'>,
  earlyStopping: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  standardize: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
  engines: fc.constantFrom<[EngineKind, EngineKind]>(['wasm', 'wasm'], ['js', 'js'], ['wasm', 'js'], ['js', 'wasm']),
});
type Run = typeof run extends fc.Arbitrary<infer T> ? T : never;

function setup(r: Run) {
  const layers: LayerSpec[] = [{ units: r.hidden, activation: 'tanh' }, ...(r.dropout ? [{ dropout: r.dropout }] : []), r.classify ? { units: 1, activation: 'sigmoid' } : { units: 1 }];
  const spec: ModelOptions<LayerSpec> = { inputs: r.inputs, layers, loss: r.classify ? 'binaryCrossentropy' : 'mse', seed: r.seed };
  const x = randomRows(r.seed, 12, r.inputs, -2, 2);
  const y = r.classify ? x.map((row) => [row[0]! > 0 ? 1 : 0]) : x.map((row) => [row.reduce((a, b) => a + b, 0)]);
  const fit: ModelFitOptions = {
    ...r.optimizer, learningRate: r.learningRate, batchSize: r.batchSize, shuffle: r.shuffle, seed: r.seed, stepsPerExecution: r.stepsPerExecution,
    standardize: r.standardize, ...(r.earlyStopping ? { validationSplit: 0.25, earlyStopping: { patience: r.earlyStopping } } : {}),
  };
  return { spec, x, y, fit };
}

/** A model's parameters and optimizer state, as bits. */
function stateBits(model: Model) {
  const s = model.getTrainingState()!;
  return {
    params: bits(model.getParams()),
    iterations: s.optimizer!.iterations,
    arrays: Object.fromEntries(Object.entries(s.optimizer!.arrays).map(([k, v]) => [k, bits(v)])),
    epoch: s.epoch, random: s.random,
  };
}

/** Each per-epoch entry of the history, numbers as bits. */
function entries(h: History) {
  return h.epoch.map((e, i) => ({ epoch: e, loss: bits([h.loss[i]!]), valLoss: h.valLoss && bits([h.valLoss[i]!]), valMetrics: h.valMetrics && JSON.stringify(h.valMetrics[i]) }));
}

describe('a checkpoint continues exactly', () => {
  it('5 epochs + save + load + 5 more = 10 epochs: weights, optimizer state and every history entry, to the bit', async () => {
    await fc.assert(fc.asyncProperty(run, async (r) => {
      const { spec, x, y, fit } = setup(r);
      const [first, second] = r.engines;
      const whole = new Model(spec);
      const all = await whole.fit(x, y, { ...fit, epochs: 10, engine: first });

      const part = new Model(spec);
      const before = await part.fit(x, y, { ...fit, epochs: 5, engine: first });
      const { model: loaded } = modelFromFile(modelToText(part, { features: Array.from({ length: r.inputs }, (_, i) => `f${i}`), target: 'y' }));
      const epoch = loaded.getTrainingState()!.epoch;
      const after = await loaded.fit(x, y, { ...fit, epochs: 10, initialEpoch: epoch, engine: second });

      expect(stateBits(loaded)).toEqual(stateBits(whole));
      expect([...entries(before), ...entries(after)]).toEqual(entries(all));
      expect(after.bestEpoch).toBe(all.bestEpoch);
      expect(bits(loaded.predict(x, { engine: second }).flat())).toEqual(bits(whole.predict(x, { engine: first }).flat()));
    }), settings(40));
  }, 120_000);

  it('keeps the stopping point: a run that early stopping ended before the checkpoint runs no more epochs', async () => {
    const x = randomRows(3, 20, 2, -2, 2);
    const y = x.map((row) => [row[0]! * 3]);
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 3 };
    // learning rate 1 diverges slowly: the validation loss stops improving at once
    const fit: ModelFitOptions = { optimizer: 'sgd', learningRate: 0.9, batchSize: 4, validationSplit: 0.25, earlyStopping: { patience: 1 }, engine: 'js' };
    const whole = new Model(spec);
    const all = await whole.fit(x, y, { ...fit, epochs: 10 });
    expect(all.loss.length).toBeLessThan(5);
    const part = new Model(spec);
    await part.fit(x, y, { ...fit, epochs: 5 });
    const { model } = modelFromFile(modelToText(part, { features: ['a', 'b'], target: 'y' }));
    const after = await model.fit(x, y, { ...fit, epochs: 10, initialEpoch: model.getTrainingState()!.epoch });
    expect(after.loss).toEqual([]);
    expect(after.bestEpoch).toBe(all.bestEpoch);
    expect(bits(model.getParams())).toEqual(bits(whole.getParams()));
  });

  it('refuses an initialEpoch the model’s state does not stand at, naming it', async () => {
    const model = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    await expect(model.fit([[1]], [[2]], { epochs: 10, initialEpoch: 5, engine: 'js' })).rejects.toThrow('initialEpoch: this model has no training state to continue from epoch 5');
    await model.fit([[1]], [[2]], { epochs: 3, engine: 'js' });
    await expect(model.fit([[1]], [[2]], { epochs: 10, initialEpoch: 5, engine: 'js' })).rejects.toThrow("initialEpoch: the model's training stands at epoch 3; continue with initialEpoch: 3");
    await expect(model.fit([[1]], [[2]], { epochs: 10, initialEpoch: -1, engine: 'js' })).rejects.toThrow('initialEpoch: expected a whole number ≥ 0, got -1');
    const h = await model.fit([[1]], [[2]], { epochs: 5, initialEpoch: 3, engine: 'js' });
    expect(h.epoch).toEqual([3, 4]);
  });
});
