// The settings of a run, shared by train (tutorial datasets and CSV files) and compare: the flags
// and how they change a base model and fit.
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, LOSSES, Model, type Activation, type FitOptions, type Initializer, type ModelOptions, type Weights } from '../node.js';
import { BackpropError, fail, oneOf, show } from '../errors.js';
import { isTfjs, readTfjs } from '../io/files.js';
import { OPTIMIZERS } from '../optimizers.js';
import { INITIALIZERS } from '../spec.js';
import { list, number, type Flags, type Values } from './args.js';

/** The network's flags. */
export const NETWORK_FLAGS: Flags = {
  layers: { value: '2,1', help: 'units of each Dense layer after the input' },
  activation: { value: 'NAME', help: 'linear, sigmoid, tanh or relu: one for all layers, or a list per layer' },
  loss: { value: 'NAME', help: 'mse or binaryCrossentropy' },
  init: {
    value: 'NAME|X',
    help: "the kernels' initializer: glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, or a number for a constant (dataset default: 0.1); biases stay 0",
  },
  weights: { value: 'FILE.json', help: 'initial weights in the Keras layout [kernel (inputs × units), bias, …], or an object with them under "weights" (as --json prints)' },
};

/** The training's flags. */
export const FIT_FLAGS: Flags = {
  epochs: { value: 'N', help: 'passes over the data (dataset default: 5 / 50)' },
  optimizer: { value: 'NAME', help: "sgd (default), adam or rmsprop, each as Keras's optimizer of that name" },
  lr: { value: 'X', help: "learning rate (dataset default for sgd: 0.001 / 0.0001; for another optimizer Keras's default, 0.001)" },
  momentum: { value: 'X', help: 'momentum of sgd or rmsprop, 0 to 1 (default 0)' },
  nesterov: { help: 'sgd with Nesterov momentum (needs --momentum)' },
  'batch-size': {
    value: 'N',
    help: 'rows per update, the mean gradient of those rows (default 1: per-row SGD, as the tutorial); a number ≥ the row count makes one update per epoch',
  },
  shuffle: { value: 'MODE', help: 'none (rows in order, the default), epoch (a new order each epoch), sample (each step draws a random row, with replacement)' },
  seed: { value: 'N', help: 'seeds the row order and random initializers (default 0)' },
  engine: { value: 'wasm|js', help: 'which kernels run (default wasm)' },
};

/** `--dataset`, which train and compare share. */
export const DATASET_FLAG: Flags = { dataset: { value: 'NAME', help: 'package (regression) or placement (classification)' } };

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
