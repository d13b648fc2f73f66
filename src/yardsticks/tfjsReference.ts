// TensorFlow.js as an independent reference: the same network, initial weights, rows and optimizer
// trained by tf.layers on its CPU backend in float32, beside this trainer. Used by `backprop
// compare` and test/parity.test.ts. @tensorflow/tfjs is a devDependency, loaded only here, on demand.
import { largestDifference, type Largest } from './difference.js';
import type * as TF from '@tensorflow/tfjs';
import { fail } from '../errors.js';
import { Model, type ModelOptions, type Weights } from '../model.js';
import { checkFitOptions, type FitOptions, type Settings } from '../fitOptions.js';
import { ACTIVATION_ROWS } from '../operations/activations.js';
import { LOSS_ROWS } from '../operations/losses.js';
import { OPTIMIZER_ROWS } from '../operations/optimizers.js';
import { hasNone, type Counterpart } from '../operations/rows.js';
import { checkSpec, type LayerSpec, type Network, type Regularizer } from '../spec.js';

export type Tf = typeof TF;

/** float32 noise, not a difference in the algorithm: the bounds the parity suite holds both runs to. */
export const LOSS_BOUND = 1e-4; // relative, per epoch
export const WEIGHT_BOUND = 1e-5; // absolute, per final weight

export async function loadTensorFlow(): Promise<Tf> {
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new Error('comparing with TensorFlow.js needs @tensorflow/tfjs, which is not installed. Install it beside backprop-wasm with: npm install --save-dev @tensorflow/tfjs');
  }
  tf.enableProdMode(); // no "install tfjs-node" banner, no debug checks; the arithmetic is the same
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

export interface Run {
  /** history.loss */
  loss: number[];
  /** Final weights, Keras layout. */
  weights: Weights;
}

interface Comparison {
  /** The weights both runs start from: the model's initial weights rounded to float32. */
  initial: Weights;
  ours: Run;
  tfjs: Run;
  /** Largest relative difference of an epoch's loss, `at` that epoch (from 0). */
  loss: Largest;
  /** Largest absolute difference of a final weight, `at` its flat index in the Keras layout. */
  weight: Largest;
}

/**
 * Trains `model` on x and y here and on TensorFlow.js from the same float32-representable weights,
 * so that what differs is TensorFlow.js's float32 arithmetic against this trainer's f64.
 */
export async function compareWithTensorFlow(tf: Tf, model: ModelOptions<LayerSpec>, x: number[][], y: number[][], fit: FitOptions): Promise<Comparison> {
  const settings = checkFitOptions(fit);
  if (settings.shuffle !== 'none') fail('shuffle', "TensorFlow.js shuffles with its own generator, so both runs must see the rows in order: use shuffle 'none'");
  const network = checkSpec(model);
  if (network.layers.some((l) => l.dropout > 0)) fail('layers', 'TensorFlow.js draws its own Dropout masks, so the runs cannot be compared with a Dropout layer');
  const names = tensorFlowCounterparts(tf, network, settings);
  const initial = new Model(model).getWeights().map((w) => w.map((row) => (Array.isArray(row) ? row.map(Math.fround) : Math.fround(row)))) as Weights;
  const mine = new Model({ ...model, weights: initial });
  const history = await mine.fit(x, y, fit);
  const ours = { loss: history.loss, weights: mine.getWeights() };
  const tfjs = await fitTensorFlow(tf, tensorFlowModel(tf, mine.network, names, initial), x, y, settings);
  return { initial, ours, tfjs, loss: largestDifference(ours.loss, tfjs.loss, true), weight: largestDifference(ours.weights.flat(2), tfjs.weights.flat(2), false) };
}

/** TensorFlow.js's names of the run's operations, from their rows; one TensorFlow.js lacks is refused by name, never trained as another. */
export interface Counterparts { activations: string[]; loss: string; optimizer: TF.Optimizer }

export function tensorFlowCounterparts(tf: Tf, network: Network, s: Settings): Counterparts {
  const activations = network.layers.map((l, i) => {
    const tfjs = ACTIVATION_ROWS[l.activation].tfjs;
    return hasNone(tfjs) ? fail(`layers[${i}].activation`, `TensorFlow.js has no ${l.activation}: ${tfjs.none}`) : tfjs;
  });
  const loss = LOSS_ROWS[network.loss].tfjs, optimizer = OPTIMIZER_ROWS[s.optimizer.optimizer].tfjs;
  if (hasNone(loss)) fail('loss', `TensorFlow.js has no ${network.loss}: ${loss.none}`);
  const made = (hasNone(optimizer) ? optimizer : optimizer(tf, s.optimizer)) as Counterpart<TF.Optimizer>;
  if (hasNone(made)) fail('optimizer', `TensorFlow.js has no counterpart of ${s.optimizer.optimizer} with these settings: ${made.none}`);
  if (s.optimizer.clipping.kind !== 'none') fail(s.optimizer.clipping.kind, "TensorFlow.js's optimizers do not clip gradients");
  if (s.optimizer.schedule) fail('learningRate', "TensorFlow.js's optimizers take a constant learning rate, not a schedule");
  return { activations, loss: loss.name, optimizer: made };
}

/**
 * The network as a tf.sequential of tf.layers.dense from `weights`, compiled with the operations'
 * counterparts (tensorFlowCounterparts): TensorFlow.js's optimizer that updates as this one does and
 * its loss. The caller disposes it.
 */
export function tensorFlowModel(tf: Tf, network: Network, names: Counterparts, weights: Weights): TF.Sequential {
  const model = tf.sequential();
  const regularizer = (r: Regularizer) => (r.l1 || r.l2 ? tf.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined);
  network.layers.forEach((layer, i) => {
    model.add(tf.layers.dense({
      units: layer.units, activation: names.activations[i] as Parameters<Tf['layers']['dense']>[0]['activation'],
      kernelRegularizer: regularizer(layer.kernelRegularizer), biasRegularizer: regularizer(layer.biasRegularizer),
      ...(i === 0 ? { inputShape: [network.inputs] } : {}),
    }));
  });
  const initial = weights.map((w) => tf.tensor(w));
  model.setWeights(initial);
  tf.dispose(initial);
  model.compile({ optimizer: names.optimizer, loss: names.loss });
  return model;
}

/** `model` (tensorFlowModel's) fitted on x and y, rows in order; disposed after. */
async function fitTensorFlow(tf: Tf, model: TF.Sequential, x: number[][], y: number[][], s: Settings): Promise<Run> {
  const xs = tf.tensor2d(x), ys = tf.tensor2d(y);
  try {
    const history = await model.fit(xs, ys, { epochs: s.epochs, batchSize: s.batchSize, shuffle: false, verbose: 0 });
    return { loss: history.history.loss as number[], weights: model.getWeights().map((w) => w.arraySync() as number[][] | number[]) };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}
