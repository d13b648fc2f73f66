// The WASM and pure-JS engines are the same algorithm: on random networks, data, batch sizes,
// optimizers, row orders and seeds, every epoch's loss, every final weight, the predictions and the
// evaluation are the same bits (the kernels' exp and tanh are the JS engine's, operation for operation).
import { describe, expect, it } from 'vitest';
import { Model, type Activation, type FitOptions, type Shuffle } from '../src/node.js';

const OPTIMIZERS: FitOptions[] = [
  { optimizer: 'sgd' }, { optimizer: 'sgd', momentum: 0.5, nesterov: true }, { optimizer: 'adam' }, { optimizer: 'rmsprop', momentum: 0.5 },
  { optimizer: 'adagrad' }, { optimizer: 'adadelta', learningRate: 1 }, { optimizer: 'adamax' }, { optimizer: 'nadam' },
  { optimizer: 'adamw', amsgrad: true, weightDecay: 0.1 }, { optimizer: 'rmsprop', centered: true, clipnorm: 0.5 }, { optimizer: 'sgd', globalClipnorm: 0.5 },
  { optimizer: 'adam', clipvalue: 0.1 },
];
import { EVERY_ACTIVATION, randomNetwork, randomRows, tamed } from './helpers.js';

async function both(seed: number, depth: number, hidden: Activation, classify: boolean, shuffle: Shuffle, batchSize: number, optimizer: FitOptions) {
  const spec = randomNetwork(seed, depth, hidden, classify ? 'sigmoid' : 'linear', classify ? 'binaryCrossentropy' : 'mse');
  const outs = spec.layers[spec.layers.length - 1]!.units;
  const { range, rate } = tamed(hidden);
  const x = randomRows(seed + 1, 37, spec.inputs, -3 * range, 3 * range);
  const y = classify ? x.map((row) => [row[0]! > 0 ? 1 : 0]) : randomRows(seed + 2, 37, outs);
  const runs = await Promise.all((['wasm', 'js'] as const).map(async (engine) => {
    const model = new Model(spec);
    const history = await model.fit(x, y, { epochs: 6, learningRate: 0.05 * rate, batchSize, shuffle, seed: seed * 7, engine, ...optimizer });
    return { loss: history.loss, weights: model.getWeights().flat(2), predictions: model.predict(x, { engine }).flat(), evaluation: model.evaluate(x, y, { engine }) };
  }));
  return runs as [typeof runs[0], typeof runs[0]];
}

describe('WASM and JS engines give the same bits', () => {
  let seed = 1000; // seeds whose random networks do not diverge at this learning rate (divergence: test/simd.test.ts)
  for (const shuffle of ['none', 'epoch', 'sample'] as const) {
    for (const batchSize of [1, 5, 64]) {
      for (const hidden of EVERY_ACTIVATION) {
        const s = seed++;
        const optimizer = OPTIMIZERS[s % OPTIMIZERS.length]!;
        it(`shuffle ${shuffle}, batch size ${batchSize}, hidden ${hidden}, ${JSON.stringify(optimizer)}, seed ${s}`, async () => {
          for (const classify of [false, true]) {
            const [wasm, js] = await both(s, 1 + (s % 3), hidden, classify, shuffle, batchSize, optimizer);
            expect(js).toEqual(wasm);
          }
        });
      }
    }
  }
});

describe('row order', () => {
  const spec = randomNetwork(3, 2, 'tanh', 'linear', 'mse');
  const x = randomRows(4, 20, spec.inputs);
  const y = randomRows(5, 20, 1);
  const run = async (shuffle: Shuffle, seed: number) => {
    const m = new Model(spec);
    return (await m.fit(x, y, { epochs: 3, learningRate: 0.1, batchSize: 1, shuffle, seed })).loss;
  };

  it('a seed reproduces a shuffled run exactly; another seed gives another run', async () => {
    for (const shuffle of ['epoch', 'sample'] as const) {
      expect(await run(shuffle, 11)).toEqual(await run(shuffle, 11));
      expect(await run(shuffle, 11)).not.toEqual(await run(shuffle, 12));
    }
  });

  it("'none' ignores the seed and differs from a shuffled run", async () => {
    expect(await run('none', 1)).toEqual(await run('none', 2));
    expect(await run('none', 1)).not.toEqual(await run('epoch', 1));
  });

  it('fit continues from the weights of the previous fit', async () => {
    const once = new Model(spec);
    await once.fit(x, y, { epochs: 4, learningRate: 0.1, batchSize: 4, shuffle: 'none' });
    const twice = new Model(spec);
    await twice.fit(x, y, { epochs: 2, learningRate: 0.1, batchSize: 4, shuffle: 'none' });
    await twice.fit(x, y, { epochs: 2, learningRate: 0.1, batchSize: 4, shuffle: 'none' });
    expect(twice.getWeights()).toEqual(once.getWeights());
  });
});
