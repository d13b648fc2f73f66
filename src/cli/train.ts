import { readFileSync } from 'node:fs';
import { datasets, DATASET_NAMES, Model, ACTIVATIONS, LOSSES, type Activation, type DatasetName, type FitOptions, type Initializer, type ModelOptions, type Weights } from '../node.js';
import { BackpropError, fail, oneOf, show } from '../errors.js';
import { checkOptimizer, OPTIMIZERS } from '../optimizers.js';
import { INITIALIZERS } from '../spec.js';
import { isTfjs, readTfjs } from '../io/files.js';
import { list, number, type Command } from './args.js';
import { lossTable, predictionTable, weightsText } from './report.js';
import { trainCsv } from './trainCsv.js';

/** The flags of a run on a tutorial dataset; `backprop compare` takes the same. */
export const runOptions = {
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
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  nesterov: { type: 'boolean' },
  init: { type: 'string' },
  weights: { type: 'string' },
} as const;

const options = {
  ...runOptions,
  json: { type: 'boolean' },
  // CSV runs (src/cli/trainCsv.ts)
  target: { type: 'string' },
  features: { type: 'string' },
  task: { type: 'string' },
  standardize: { type: 'boolean' },
  'validation-split': { type: 'string' },
  'early-stopping': { type: 'string' },
  threshold: { type: 'string' },
  plot: { type: 'string' },
  'plot-boundary': { type: 'string' },
  save: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/**
 * The dataset's model with the flags' changes: `--layers 4,1` keeps the dataset's initializers,
 * `--init` replaces the kernels' initializer, `--weights` gives every initial weight.
 */
export function modelOptions(v: Values, base: ModelOptions): ModelOptions {
  const units = list('layers', v.layers)?.map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) fail('--layers', `expected positive whole numbers of units per layer like 2,1, got ${show(u)}`);
    return n;
  }) ?? base.layers.map((l) => l.units);
  const acts = list('activation', v.activation)?.map((a) => oneOf('--activation', a, ACTIVATIONS));
  if (acts && acts.length !== 1 && acts.length !== units.length) fail('--activation', `expected one activation for every layer or one per layer (${units.length}), got ${acts.length}`);
  const init = initializer(v.init);
  if (init !== undefined && v.weights !== undefined) fail('--init', 'both --init and --weights set the initial weights; give one');
  const template = base.layers[0]!;
  const spec: ModelOptions = {
    inputs: base.inputs,
    layers: units.map((u, i) => ({
      ...(base.layers[i] ?? template),
      units: u,
      activation: (acts ? acts[acts.length === 1 ? 0 : i] : (base.layers[i] ?? template).activation) as Activation,
      ...(init === undefined ? {} : { kernelInitializer: init }),
    })),
    loss: v.loss === undefined ? base.loss : oneOf('--loss', v.loss, LOSSES),
    seed: number('seed', v.seed) ?? base.seed,
  };
  return typeof v.weights === 'string' ? { ...spec, weights: readWeights(v.weights, spec) } : spec;
}

/** `--init glorotNormal`, or a number for a constant. */
function initializer(text: string | boolean | undefined): Initializer | undefined {
  if (typeof text !== 'string') return undefined;
  const constant = Number(text);
  if (text.trim() !== '' && Number.isFinite(constant)) return { constant };
  return oneOf('--init', text, INITIALIZERS);
}

/** Initial weights from a JSON file: the Keras weight list, or an object holding it as `weights` (what `train --json` prints). */
function readWeights(file: string, spec: ModelOptions): Weights {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail('--weights', `cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail('--weights', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  // A TensorFlow.js model.json brings its weights file; its loss does not matter here, the flags' does.
  const weights = isTfjs(json) ? readTfjs(file, { loss: spec.loss }).model.getWeights() : Array.isArray(json) ? json : (json as { weights?: unknown } | null)?.weights;
  if (!Array.isArray(weights)) fail('--weights', `${file}: expected the Keras weight list [kernel, bias, …], an object with it under "weights", or a TensorFlow.js model.json, got ${show(json)}`);
  // Checked against the network now, so that a wrong shape is reported with the file's name.
  try {
    new Model({ ...spec, weights: weights as Weights });
  } catch (e) {
    if (e instanceof BackpropError && e.field.startsWith('weights')) fail(`--weights ${file}`, e.message);
    throw e;
  }
  return weights as Weights;
}

export function fitOptions(v: Values, base: FitOptions): FitOptions {
  const optimizer = v.optimizer === undefined ? base.optimizer : oneOf('--optimizer', v.optimizer, OPTIMIZERS);
  // A base learning rate belongs to the base optimizer; another one starts from its Keras default.
  const sameOptimizer = (optimizer ?? 'sgd') === (base.optimizer ?? 'sgd');
  return {
    ...base,
    epochs: number('epochs', v.epochs) ?? base.epochs,
    optimizer,
    learningRate: number('lr', v.lr) ?? (sameOptimizer ? base.learningRate : undefined),
    momentum: number('momentum', v.momentum) ?? base.momentum,
    nesterov: v.nesterov === true ? true : base.nesterov,
    batchSize: number('batch-size', v['batch-size']) ?? base.batchSize,
    shuffle: v.shuffle === undefined ? base.shuffle : oneOf('--shuffle', v.shuffle, ['none', 'epoch', 'sample'] as const),
    seed: number('seed', v.seed) ?? base.seed,
    engine: v.engine === undefined ? 'wasm' : oneOf('--engine', v.engine, ['wasm', 'js'] as const),
  };
}

export const train: Command<void> = {
  name: 'train',
  summary: 'train a network on a CSV file or one of the tutorial datasets',
  usage: `backprop train DATA.csv --target COLUMN [options]
       backprop train --dataset package|placement [options]

A CSV file needs a header row; every cell of the columns used must be a number.
  --target COLUMN      the column to learn
  --features a,b,c     input columns (default: every other column)
  --task T             regression (linear output, mse) or classification (sigmoid output,
                       binaryCrossentropy; targets 0/1); default: classification when every
                       target is 0 or 1. CSV runs default to --layers 32,16,1 with relu hidden
                       layers, --optimizer adam --lr 0.001 --batch-size 32 --epochs 100
                       --shuffle epoch
  --standardize        z-score each feature with the training rows' mean and std (saved with the model)
  --validation-split F hold out this share of the rows (seeded; stratified for classification)
                       and report their loss and metrics after every epoch
  --early-stopping N   stop when the validation loss has not improved for N epochs; keep the best weights
  --threshold P        probability from which a row is predicted 1 (default 0.5)
  --plot FILE.svg      chart of the training (and validation) loss per epoch
  --plot-boundary FILE.svg  classification on two features: the data over the predicted probability
  --save FILE.json     the model file for 'backprop predict' and 'backprop evaluate'

The tutorial datasets (and the options CSV runs share):
  --dataset NAME       package (regression) or placement (classification)
  --epochs N           passes over the data (dataset default: 5 / 50)
  --optimizer NAME     sgd (default), adam or rmsprop, each as Keras's optimizer of that name
  --lr X               learning rate (dataset default for sgd: 0.001 / 0.0001; for another
                       optimizer Keras's default, 0.001)
  --momentum X         momentum of sgd or rmsprop, 0 to 1 (default 0)
  --nesterov           sgd with Nesterov momentum (needs --momentum)
  --batch-size N       rows per update, the mean gradient of those rows (default 1: per-row SGD,
                       as the tutorial); a number ≥ the row count makes one update per epoch
  --init NAME|X        the kernels' initializer: glorotUniform, glorotNormal, heUniform, heNormal,
                       zeros, ones, or a number for a constant (dataset default: 0.1); biases stay 0
  --weights FILE.json  initial weights in the Keras layout [kernel (inputs × units), bias, …], an
                       object with them under "weights" (as --json prints), or a TensorFlow.js
                       model.json (its weights file beside it)
  --layers 2,1         units of each Dense layer after the input
  --activation NAME    linear, sigmoid, tanh or relu: one for all layers, or a list per layer
  --loss NAME          mse or binaryCrossentropy
  --engine wasm|js     which kernels run (default wasm)
  --shuffle MODE       none (rows in order, the default), epoch (a new order each epoch),
                       sample (each step draws a random row, with replacement)
  --seed N             seeds the row order and random initializers (default 0)
  --json               print one JSON object: settings, history.loss, weights (Keras layout), predictions`,
  options,
  async run(v, positionals) {
    if (positionals.length > 1) fail('train', `expected one CSV file, got ${positionals.length}: ${positionals.join(' ')}`);
    if (positionals[0] !== undefined) return trainCsv(v, positionals[0]);
    if (v.dataset === undefined) fail('--dataset', `expected one of ${DATASET_NAMES.join(', ')}, or a CSV file: backprop train DATA.csv --target COLUMN`);
    const d = datasets[oneOf('--dataset', v.dataset, DATASET_NAMES) as DatasetName];
    const spec = modelOptions(v, d.model);
    const fit = fitOptions(v, d.fit);
    const model = new Model(spec);
    const history = await model.fit(d.x, d.y, fit);
    const y = d.y.map((t) => [t]);
    const predictions = model.predict(d.x, { engine: fit.engine! });
    const optimizer = checkOptimizer(fit);
    if (v.json) {
      console.log(JSON.stringify({
        dataset: d.name,
        model: { inputs: spec.inputs, layers: spec.layers, loss: spec.loss },
        fit: { epochs: fit.epochs, ...optimizer, batchSize: fit.batchSize, shuffle: fit.shuffle, seed: fit.seed ?? 0, engine: fit.engine },
        history: { loss: history.loss },
        weights: model.getWeights(),
        predictions,
      }));
      return;
    }
    console.log(`${d.name}: ${d.description}`);
    console.log(`${spec.inputs}-${spec.layers.map((l) => l.units).join('-')} ${spec.layers.map((l) => l.activation).join('/')}, ${spec.loss}, ${optimizer.optimizer} lr ${optimizer.learningRate}, batch size ${fit.batchSize}, shuffle ${fit.shuffle}, ${fit.engine} engine\n`);
    console.log(lossTable({ [fit.engine!]: history }));
    console.log('\nfinal weights (Keras layout):');
    console.log(weightsText(model.getWeights()));
    console.log('\npredictions:');
    console.log(predictionTable(d.features, d.x, y, predictions));
  },
};
