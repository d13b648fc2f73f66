// A search checks every trial's model in the caller's thread as the Model constructor checks it, with
// its messages, but builds none there (no parameters initialised, no state arrays): the workers build
// each trial's model. Model is counted here by a subclass that stands in for it in every module.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelOptions } from '../src/model.js';
import type { LayerSpec } from '../src/spec.js';

const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/model.js', async (original) => {
  const module = await original<typeof import('../src/model.js')>();
  class Model extends module.Model {
    constructor(...args: ConstructorParameters<typeof module.Model>) {
      built.count++;
      super(...args);
    }
  }
  return { ...module, Model };
});

const { Model, runTrials, search } = await import('../src/node.js');

const model: ModelOptions<LayerSpec> = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy' };
const x = [[0, 0], [1, 0], [0, 1], [1, 1]], y = [[0], [1], [2], [0]];
/** Rows of 3 columns for a network of 2 inputs: refused only after every trial was checked. */
const wide = x.map((row) => [...row, 0]);
const message = async (f: () => Promise<unknown>) => { try { await f(); } catch (e) { return (e as Error).message; } throw new Error('expected a refusal'); };

describe('search and runTrials check each trial without building a Model', () => {
  beforeEach(() => { built.count = 0; });

  it('every trial checked — weights, scalers, a grid of layers — and none built', async () => {
    const weights = new Model({ ...model, seed: 1 }).getWeights();
    expect(built.count, 'the count sees a Model built').toBe(1);
    built.count = 0;
    const withAll = { ...model, weights, scaler: { mean: [0, 0], std: [1, 1] } };
    // both grid networks take the model's weights (the same shapes), each checked against them
    const grid = { layers: [model.layers, [{ units: 4, activation: 'relu' }, { units: 3, activation: 'softmax' }]] as LayerSpec[][], learningRate: [0.1, 0.01] };
    expect(await message(() => search(wide, y, grid, { model: withAll, folds: 2, threads: 1 }))).toMatch(/^x/);
    const trials = [0, 1, 2].map((seed) => ({ model: { ...withAll, seed }, fit: { seed } }));
    expect(await message(() => runTrials(wide, y, trials, { folds: 2, threads: 1 }))).toMatch(/^x/);
    expect(built.count).toBe(0);
  });

  it("a trial's weights and seed are refused with the constructor's messages, its field in front", async () => {
    const bad = new Model(model).getWeights() as number[][][];
    bad[0]![1]![2] = Number.NaN;
    for (const options of [{ ...model, weights: bad }, { ...model, seed: -1 }, { ...model, weights: [[1]] }]) {
      const own = await message(async () => new Model(options as never));
      built.count = 0;
      expect(await message(() => runTrials(x, y, [{ model: options as never, fit: { seed: options.seed } }], { folds: 2, threads: 1 }))).toBe(`trials[0].model.${own}`);
      expect(built.count).toBe(0);
    }
  });
});
