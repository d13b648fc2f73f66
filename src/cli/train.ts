import { datasets, DATASET_NAMES, Model, ACTIVATIONS, LOSSES, type Activation, type DatasetName, type FitOptions, type ModelOptions } from '../node.js';
import { fail, oneOf, show } from '../errors.js';
import { list, number, type Command } from './args.js';
import { lossTable, predictionTable, weightsText } from './report.js';

const options = {
  dataset: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  'batch-size': { type: 'string' },
  layers: { type: 'string' },
  activation: { type: 'string' },
  loss: { type: 'string' },
  engine: { type: 'string' },
  shuffle: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** The dataset's model with the flags' changes: `--layers 4,1` keeps the dataset's initializers. */
export function modelOptions(v: Values, base: ModelOptions): ModelOptions {
  const units = list('layers', v.layers)?.map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) fail('--layers', `expected positive whole numbers of units per layer like 2,1, got ${show(u)}`);
    return n;
  }) ?? base.layers.map((l) => l.units);
  const acts = list('activation', v.activation)?.map((a) => oneOf('--activation', a, ACTIVATIONS));
  if (acts && acts.length !== 1 && acts.length !== units.length) fail('--activation', `expected one activation for every layer or one per layer (${units.length}), got ${acts.length}`);
  const template = base.layers[0]!;
  return {
    inputs: base.inputs,
    layers: units.map((u, i) => ({
      ...(base.layers[i] ?? template),
      units: u,
      activation: (acts ? acts[acts.length === 1 ? 0 : i] : (base.layers[i] ?? template).activation) as Activation,
    })),
    loss: v.loss === undefined ? base.loss : oneOf('--loss', v.loss, LOSSES),
  };
}

export function fitOptions(v: Values, base: FitOptions): FitOptions {
  return {
    ...base,
    epochs: number('epochs', v.epochs) ?? base.epochs,
    learningRate: number('lr', v.lr) ?? base.learningRate,
    batchSize: number('batch-size', v['batch-size']) ?? base.batchSize,
    shuffle: v.shuffle === undefined ? base.shuffle : oneOf('--shuffle', v.shuffle, ['none', 'epoch', 'sample'] as const),
    seed: number('seed', v.seed) ?? base.seed,
    engine: v.engine === undefined ? 'wasm' : oneOf('--engine', v.engine, ['wasm', 'js'] as const),
  };
}

export const train: Command<void> = {
  name: 'train',
  summary: 'train a network on one of the tutorial datasets',
  usage: `backprop train --dataset package|placement [options]

  --dataset NAME       package (regression) or placement (classification)
  --epochs N           passes over the data (dataset default: 5 / 50)
  --lr X               learning rate of SGD (dataset default: 0.001 / 0.0001)
  --batch-size N       rows per update (default 1: per-row SGD, as the tutorial)
  --layers 2,1         units of each Dense layer after the input
  --activation NAME    linear, sigmoid, tanh or relu: one for all layers, or a list per layer
  --loss NAME          mse or binaryCrossentropy
  --engine wasm|js     which kernels run (default wasm)
  --shuffle MODE       none (rows in order, the default), epoch (a new order each epoch),
                       sample (each step draws a random row, with replacement)
  --seed N             seeds the row order (default 0)
  --json               print one JSON object: settings, history.loss, weights (Keras layout), predictions`,
  options,
  async run(v) {
    if (v.dataset === undefined) fail('--dataset', `expected one of ${DATASET_NAMES.join(', ')}`);
    const d = datasets[oneOf('--dataset', v.dataset, DATASET_NAMES) as DatasetName];
    const spec = modelOptions(v, d.model);
    const fit = fitOptions(v, d.fit);
    const model = new Model(spec);
    const history = await model.fit(d.x, d.y, fit);
    const y = d.y.map((t) => [t]);
    const predictions = model.predict(d.x, { engine: fit.engine! });
    if (v.json) {
      console.log(JSON.stringify({
        dataset: d.name,
        model: { inputs: spec.inputs, layers: spec.layers, loss: spec.loss },
        fit: { epochs: fit.epochs, learningRate: fit.learningRate, batchSize: fit.batchSize, shuffle: fit.shuffle, seed: fit.seed, engine: fit.engine },
        history: { loss: history.loss },
        weights: model.getWeights(),
        predictions,
      }));
      return;
    }
    console.log(`${d.name}: ${d.description}`);
    console.log(`${spec.inputs}-${spec.layers.map((l) => l.units).join('-')} ${spec.layers.map((l) => l.activation).join('/')}, ${spec.loss}, lr ${fit.learningRate}, batch size ${fit.batchSize}, shuffle ${fit.shuffle}, ${fit.engine} engine\n`);
    console.log(lossTable({ [fit.engine!]: history }));
    console.log('\nfinal weights (Keras layout):');
    console.log(weightsText(model.getWeights()));
    console.log('\npredictions:');
    console.log(predictionTable(d.features, d.x, y, predictions));
  },
};
