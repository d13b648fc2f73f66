// One engine per model: fit, predict, evaluate and validation share one WebAssembly instance and
// one block of memory; fits are one at a time; options are checked by name; fit says what it ran with.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackpropError, DivergenceError, loadWasm, Model, type ModelOptions } from '../src/node.js';
import { randomRows } from './helpers.js';

const spec: ModelOptions = { inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 4 };
const x = randomRows(1, 40, 3);
const y = randomRows(2, 40, 1);

afterEach(() => { vi.restoreAllMocks(); });

describe('one engine per model', () => {
  it('fit, predict, evaluate and validation run in one WebAssembly instance', async () => {
    await loadWasm();
    let instances = 0;
    const Instance = WebAssembly.Instance;
    vi.spyOn(WebAssembly, 'Instance', 'get').mockReturnValue(new Proxy(Instance, { construct: (target, args) => { instances++; return Reflect.construct(target, args); } }));
    const m = new Model(spec);
    await m.fit(x, y, { epochs: 3, validationSplit: 0.25, engine: 'wasm' });
    m.predict(x.slice(0, 1), { engine: 'wasm' });
    m.predict(randomRows(3, 5000, 3), { engine: 'wasm' });
    m.evaluate(x, y, { engine: 'wasm' });
    await m.fit(x, y, { epochs: 2, batchSize: 64, engine: 'wasm' });
    m.evaluateMetrics(x, y, { engine: 'wasm' });
    expect(instances).toBe(1);
  });

  it.each(['wasm', 'js'] as const)('%s: predict and setWeights inside onEpochEnd act as they would between fits', async (engine) => {
    const plain = new Model(spec);
    await plain.fit(x, y, { epochs: 4, batchSize: 8, shuffle: 'none', engine });
    // a predict of more rows than the block holds makes it grow in the middle of the fit
    const busy = new Model(spec);
    await busy.fit(x, y, { epochs: 4, batchSize: 8, shuffle: 'none', engine, onEpochEnd: () => { busy.predict(randomRows(5, 3000, 3), { engine }); } });
    expect(busy.getWeights()).toEqual(plain.getWeights());
    // weights set by a callback are what training continues from, as in Keras
    const reset = new Model(spec);
    const start = reset.getWeights();
    await reset.fit(x, y, { epochs: 2, batchSize: 8, shuffle: 'none', engine, onEpochEnd: (epoch) => { if (epoch === 0) reset.setWeights(start); } });
    const fresh = new Model(spec);
    await fresh.fit(x, y, { epochs: 1, batchSize: 8, shuffle: 'none', engine });
    // after the reset, one epoch from the start weights — with the optimizer's step count carried on (plain SGD ignores it)
    expect(reset.getWeights()).toEqual(fresh.getWeights());
  });

  it.each(['wasm', 'js'] as const)('%s: after a diverged fit, predict uses the last finished epoch', async (engine) => {
    const m = new Model({ inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 5 });
    const big = randomRows(6, 40, 2, -50, 50);
    const target = big.map((r) => [r[0]! * r[1]!]);
    let kept = m.predict(big, { engine });
    const e = await m.fit(big, target, { epochs: 30, learningRate: 0.5, batchSize: 3, shuffle: 'none', engine, onEpochEnd: () => { kept = m.predict(big, { engine }); } })
      .then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DivergenceError);
    expect(m.predict(big, { engine })).toEqual(kept);
  });
});

describe('predict writes its rows straight into the engine', () => {
  // predict checks each cell as it writes it into the block's input region: a bad cell stops it half-way
  it.each(['wasm', 'js'] as const)('%s: a predict refused at a bad cell changes nothing, even between validation epochs', async (engine) => {
    const plain = new Model(spec);
    const expected = await plain.fit(x, y, { epochs: 3, batchSize: 8, shuffle: 'none', validationSplit: 0.25, engine });
    const bad = randomRows(7, 3000, 3);
    bad[2999] = [1, Number.NaN, 2];
    const m = new Model(spec);
    const refusals: string[] = [];
    const history = await m.fit(x, y, {
      epochs: 3, batchSize: 8, shuffle: 'none', validationSplit: 0.25, engine,
      onEpochEnd: () => { try { m.predict(bad, { engine }); } catch (e) { refusals.push((e as Error).message); } },
    });
    expect(refusals).toEqual(Array(3).fill('x: row 3000, column 2: expected a finite number, got NaN'));
    expect(history.valLoss).toHaveLength(3);
    expect(history.valLoss).toEqual(expected.valLoss);
    expect(history.loss).toEqual(expected.loss);
    expect(m.getWeights()).toEqual(plain.getWeights());
    expect(m.predict(x, { engine })).toEqual(plain.predict(x, { engine }));
  });

  it.each(['wasm', 'js'] as const)('%s: predictions stay right as the block grows and is laid out again between calls', async (engine) => {
    const m = new Model(spec), few = x.slice(0, 2), many = randomRows(8, 5000, 3);
    const check = (model: Model) => {
      const fresh = new Model(spec);
      fresh.setWeights(model.getWeights());
      expect(model.predict(few, { engine })).toEqual(fresh.predict(few, { engine }));
      expect(model.predict(many, { engine })).toEqual(fresh.predict(many, { engine }));
      const out = new Float64Array(2);
      expect(Array.from(model.predictInto(Float64Array.from(few.flat()), out, { engine }))).toEqual(fresh.predict(few, { engine }).flat());
    };
    check(m);
    // more training rows and a larger batch than the block held: every region is placed anew
    await m.fit(randomRows(9, 3000, 3), randomRows(10, 3000, 1), { epochs: 1, batchSize: 500, engine });
    check(m);
  });

  it.each(['wasm', 'js'] as const)('%s: with scalers, rows as number[][], flat and through predictInto give the same numbers', (engine) => {
    const m = new Model({ ...spec, layers: [{ units: 4, activation: 'tanh' }, { units: 2 }], scaler: { mean: [1, -2, 0.5], std: [2, 0.25, 3] }, targetScaler: { mean: [10, -1], std: [4, 0.5] } });
    const rows = m.predict(x, { engine });
    const out = new Float64Array(x.length * 2);
    m.predictInto(Float64Array.from(x.flat()), out, { engine });
    expect(m.predict(Float64Array.from(x.flat()), { engine })).toEqual(rows);
    expect(Array.from(out)).toEqual(rows.flat());
    // the scalers are applied: unscaled inputs give other outputs
    expect(new Model({ ...spec, layers: [{ units: 4, activation: 'tanh' }, { units: 2 }] }).predict(x, { engine })).not.toEqual(rows);
  });
});

describe('one fit at a time', () => {
  it('a second fit before the first has finished is refused, and the first runs on unchanged', async () => {
    const alone = new Model(spec);
    await alone.fit(x, y, { epochs: 3 });
    const m = new Model(spec);
    const first = m.fit(x, y, { epochs: 3 });
    await expect(m.fit(x, y, { epochs: 3 })).rejects.toThrow(/^fit: this model is already training: await the running fit/);
    await first;
    expect(m.getWeights()).toEqual(alone.getWeights());
    await m.fit(x, y, { epochs: 1 }); // and once it has finished, the next is welcome
  });
});

describe('options are checked by name', () => {
  it('an unknown key is refused before anything runs', async () => {
    const m = new Model(spec);
    const before = m.getWeights();
    await expect(m.fit(x, y, { epoch: 3 } as never)).rejects.toThrow(/^epoch: unknown option; expected one of epochs, batchSize/);
    await expect(m.fit(x, y, { learningrate: 0.1 } as never)).rejects.toThrow(BackpropError);
    expect(m.getWeights()).toEqual(before);
    expect(() => m.predict(x, { engin: 'js' } as never)).toThrow(/^engin: unknown option; expected one of engine$/);
    expect(() => new Model({ ...spec, seeds: 1 } as never)).toThrow(/^seeds: unknown option/);
    expect(() => new Model({ inputs: 1, layers: [{ units: 1, activaton: 'relu' }], loss: 'mse' } as never)).toThrow(/^layers\[0\]\.activaton: unknown option/);
  });
});

describe("fit returns the settings it ran with, as Keras's history.params", () => {
  it('every default filled in', async () => {
    const h = await new Model(spec).fit(x, y, { optimizer: 'adam' });
    expect(h.params).toEqual({
      epochs: 1, initialEpoch: 0, batchSize: 32, shuffle: 'epoch', seed: 0, engine: 'wasm', stepsPerExecution: 1, threads: 1, resetOptimizer: false, reduceLROnPlateau: null,
      optimizer: {
        optimizer: 'adam', learningRate: 0.001, schedule: null, clipping: { kind: 'none', bound: 0 }, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, rho: 0.9, epsilon: 1e-7,
        amsgrad: false, centered: false, weightDecay: 0, initialAccumulatorValue: 0.1,
      },
    });
  });
});
