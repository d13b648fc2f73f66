// The cases test/parity.test.ts runs against TensorFlow.js (see there for what each bound means);
// apart, so that test/operations.test.ts can check that every operation with a TensorFlow.js
// counterpart has one without loading TensorFlow.js.
import { datasets, type Activation, type FitOptions, type LayerSpec, type Loss, type ModelOptions } from '../src/node.js';
import { seeded } from '../src/random.js';
import { randomRows } from './helpers.js';

const { package: pkg, placement } = datasets;
const column = (y: number[]) => y.map((t) => [t]);
const inOrder = { shuffle: 'none' as const };

export interface Case { name: string; model: ModelOptions<LayerSpec>; x: number[][]; y: number[][]; fit: FitOptions }

// Three classes around three centres in the plane, 24 rows, as class indices and as one-hot rows;
// every input float32-representable, so both runs see the same data.
const three = (() => {
  const r = seeded(21);
  const centres = [[-1, 0], [1, 1], [0.5, -1]];
  const classes = Array.from({ length: 24 }, (_, i) => i % 3);
  return {
    x: classes.map((c) => centres[c]!.map((v) => Math.fround(v + (r() - 0.5)))),
    sparse: classes.map((c) => [c]),
    oneHot: classes.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))),
  };
})();
// Three inputs → two outputs, 20 rows.
const several = (() => {
  const x = randomRows(31, 20, 3).map((row) => row.map(Math.fround));
  return { x, y: x.map(([a, b, c]) => [Math.fround(a! + 0.5 * b!), Math.fround(b! * c! - 0.2)]) };
})();
// Positive targets for the losses that read values themselves (mape, msle, poisson): 1.5 + the two outputs' targets, above
const positive = several.y.map((row) => row.map((v) => Math.fround(1.5 + v)));
// The placement labels as −1 and 1, as TensorFlow.js's hinge reads them
const signs = placement.y.map((t) => [t === 1 ? 1 : -1]);
// Three-class distributions with no zero (TensorFlow.js's kld multiplies by the unclipped target, Keras 3's by the clipped one)
const soft = three.oneHot.map((row) => row.map((v) => (v === 1 ? 0.75 : 0.125)));
const regression = (loss: Loss, output: Activation, y: number[][], learningRate = 0.05): Case => ({
  name: `two outputs, ${loss}: 3-5-2 tanh/${output}, SGD lr ${learningRate}, batch size 4, 20 epochs`, x: several.x, y,
  model: { inputs: 3, layers: [{ units: 5, activation: 'tanh' }, { units: 2, activation: output }], loss, seed: 13 },
  fit: { learningRate, batchSize: 4, epochs: 20, ...inOrder },
});
const hidden = (activation: Activation): ModelOptions => ({ inputs: 3, layers: [{ units: 4, activation }, { units: 2 }], loss: 'mse', seed: 12 });
const NEW_ACTIVATIONS: Activation[] = ['elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'relu6', 'mish'];

/** Every case the parity suite runs; test/operations.test.ts asks that each operation with a TF.js counterpart is in one. */
export const PARITY_CASES: Case[] = [
  { name: 'package, the tutorial: per-row SGD, lr 0.001, 5 epochs', model: pkg.model, x: pkg.x, y: column(pkg.y), fit: pkg.fit },
  { name: 'placement, the tutorial: per-row SGD, lr 0.0001, 50 epochs', model: placement.model, x: placement.x, y: column(placement.y), fit: placement.fit },
  { name: "package, the tutorial's Keras run: adam lr 0.001, batch size 1, 75 epochs", model: pkg.model, x: pkg.x, y: column(pkg.y),
    fit: { optimizer: 'adam', learningRate: 0.001, batchSize: 1, epochs: 75, ...inOrder } },
  { name: "placement, the tutorial's Keras run: adam lr 0.001, batch size 1, 75 epochs", model: placement.model, x: placement.x, y: column(placement.y),
    fit: { optimizer: 'adam', learningRate: 0.001, batchSize: 1, epochs: 75, ...inOrder } },
  { name: 'placement, SGD momentum 0.9, lr 0.01, 30 epochs', model: placement.model, x: placement.x, y: column(placement.y),
    fit: { momentum: 0.9, learningRate: 0.01, batchSize: 1, epochs: 30, ...inOrder } },
  { name: 'package, SGD Nesterov momentum 0.5, lr 0.0005, 20 epochs', model: pkg.model, x: pkg.x, y: column(pkg.y),
    fit: { momentum: 0.5, nesterov: true, learningRate: 0.0005, batchSize: 1, epochs: 20, ...inOrder } },
  { name: 'package, SGD batch size 2, lr 0.001, 20 epochs', model: pkg.model, x: pkg.x, y: column(pkg.y),
    fit: { learningRate: 0.001, batchSize: 2, epochs: 20, ...inOrder } },
  { name: 'placement, adam batch size 3 (a last batch of 1), lr 0.01, 30 epochs', model: placement.model, x: placement.x, y: column(placement.y),
    fit: { optimizer: 'adam', learningRate: 0.01, batchSize: 3, epochs: 30, ...inOrder } },
  { name: 'package, SGD on the whole set (batch size 32 > 4 rows), lr 0.001, 20 epochs', model: pkg.model, x: pkg.x, y: column(pkg.y),
    fit: { learningRate: 0.001, batchSize: 32, epochs: 20, ...inOrder } },
  { name: 'placement, rmsprop (Keras defaults), batch size 1, 30 epochs', model: placement.model, x: placement.x, y: column(placement.y),
    fit: { optimizer: 'rmsprop', batchSize: 1, epochs: 30, ...inOrder } },
  { name: 'placement, rmsprop momentum 0.5, lr 0.003, batch size 2, 30 epochs', model: placement.model, x: placement.x, y: column(placement.y),
    fit: { optimizer: 'rmsprop', momentum: 0.5, learningRate: 0.003, batchSize: 2, epochs: 30, ...inOrder } },
  { name: '2-3-2-1 tanh/tanh/linear, glorotUniform seed 5, SGD lr 0.01, batch size 2, 40 epochs', x: pkg.x, y: column(pkg.y),
    model: { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 2, activation: 'tanh' }, { units: 1, activation: 'linear' }], loss: 'mse', seed: 5 },
    fit: { learningRate: 0.01, batchSize: 2, epochs: 40, ...inOrder } },
  { name: '2-3-2-1 tanh/tanh/linear, heNormal seed 9, inputs / 10, adam lr 0.01, batch size 1, 40 epochs', x: pkg.x.map((row) => row.map((v) => v / 10)), y: column(pkg.y),
    model: { inputs: 2, layers: [{ units: 3, activation: 'tanh', kernelInitializer: 'heNormal' }, { units: 2, activation: 'tanh', kernelInitializer: 'heNormal' }, { units: 1, activation: 'linear' }], loss: 'mse', seed: 9 },
    fit: { optimizer: 'adam', learningRate: 0.01, batchSize: 1, epochs: 40, ...inOrder } },
  { name: '3 classes: 2-5-3 tanh/softmax, categoricalCrossentropy on one-hot rows, SGD momentum 0.9, lr 0.05, batch size 4, 30 epochs', x: three.x, y: three.oneHot,
    model: { inputs: 2, layers: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categoricalCrossentropy', seed: 3 },
    fit: { momentum: 0.9, learningRate: 0.05, batchSize: 4, epochs: 30, ...inOrder } },
  { name: '3 classes: 2-5-3 relu/softmax, sparseCategoricalCrossentropy on class indices, SGD lr 0.1, batch size 5, 30 epochs', x: three.x, y: three.sparse,
    model: { inputs: 2, layers: [{ units: 5, activation: 'relu' }, { units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 4 },
    fit: { learningRate: 0.1, batchSize: 5, epochs: 30, ...inOrder } },
  { name: '3 classes, l1l2 and l2 on the kernels, l2 and l1 on the biases: 2-5-3 tanh/softmax, sparseCategoricalCrossentropy, SGD lr 0.1, batch size 8, 30 epochs', x: three.x, y: three.sparse,
    model: { inputs: 2, layers: [{ units: 5, activation: 'tanh', kernelRegularizer: { l1: 0.01, l2: 0.02 }, biasRegularizer: 'l2' }, { units: 3, activation: 'softmax', kernelRegularizer: 'l1l2', biasRegularizer: { l1: 0.05 }, biasInitializer: { constant: 0.1 } }], loss: 'sparseCategoricalCrossentropy', seed: 5 },
    fit: { learningRate: 0.1, batchSize: 8, epochs: 30, ...inOrder } },
  { name: 'two outputs, mse: 3-6-2 tanh/linear, SGD lr 0.05, batch size 4, 40 epochs', x: several.x, y: several.y,
    model: { inputs: 3, layers: [{ units: 6, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 6 },
    fit: { learningRate: 0.05, batchSize: 4, epochs: 40, ...inOrder } },
  { name: 'two outputs, l1 on the kernel, l2 on the bias: 3-6-2 tanh/linear, rmsprop lr 0.003, batch size 3, 30 epochs', x: several.x, y: several.y,
    model: { inputs: 3, layers: [{ units: 6, activation: 'tanh', kernelRegularizer: 'l1' }, { units: 2, biasRegularizer: { l2: 0.1 } }], loss: 'mse', seed: 7 },
    fit: { optimizer: 'rmsprop', learningRate: 0.003, batchSize: 3, epochs: 30, ...inOrder } },
  { name: 'placement with l2 on both kernels: sigmoid/sigmoid, binaryCrossentropy, adam lr 0.01, batch size 2, 40 epochs', x: placement.x, y: column(placement.y),
    model: { ...placement.model, layers: placement.model.layers.map((l) => ({ ...l, kernelRegularizer: { l2: 0.01 } })) },
    fit: { optimizer: 'adam', learningRate: 0.01, batchSize: 2, epochs: 40, ...inOrder } },
  { name: '3 classes: 2-5-3 tanh/softmax, sparseCategoricalCrossentropy, adagrad lr 0.05, batch size 4, 30 epochs', x: three.x, y: three.sparse,
    model: { inputs: 2, layers: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 8 },
    fit: { optimizer: 'adagrad', learningRate: 0.05, batchSize: 4, epochs: 30, ...inOrder } },
  { name: 'placement, adamax lr 0.01, batch size 3, 30 epochs', model: placement.model, x: placement.x, y: column(placement.y),
    fit: { optimizer: 'adamax', learningRate: 0.01, batchSize: 3, epochs: 30, ...inOrder } },
  regression('meanAbsoluteError', 'linear', several.y),
  regression('meanAbsolutePercentageError', 'linear', positive, 0.001), // its gradient is 100/|y| times mae's
  regression('meanSquaredLogarithmicError', 'softplus', positive),
  regression('logcosh', 'linear', several.y),
  regression('poisson', 'softplus', positive),
  { name: 'placement, hinge on −1/1 labels: 2-2-1 tanh/tanh, SGD lr 0.1, batch size 2, 30 epochs', x: placement.x.map((row) => row.map((v) => Math.fround(v / 10))), y: signs,
    model: { inputs: 2, layers: [{ units: 2, activation: 'tanh' }, { units: 1, activation: 'tanh' }], loss: 'hinge', seed: 14 },
    fit: { learningRate: 0.1, batchSize: 2, epochs: 30, ...inOrder } },
  { name: 'placement, squaredHinge on −1/1 labels: 2-2-1 tanh/tanh, adam lr 0.01, batch size 3, 30 epochs', x: placement.x.map((row) => row.map((v) => Math.fround(v / 10))), y: signs,
    model: { inputs: 2, layers: [{ units: 2, activation: 'tanh' }, { units: 1, activation: 'tanh' }], loss: 'squaredHinge', seed: 15 },
    fit: { optimizer: 'adam', learningRate: 0.01, batchSize: 3, epochs: 30, ...inOrder } },
  { name: '3 classes: 2-5-3 tanh/softmax, categoricalHinge on one-hot rows, SGD lr 0.1, batch size 4, 30 epochs', x: three.x, y: three.oneHot,
    model: { inputs: 2, layers: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categoricalHinge', seed: 16 },
    fit: { learningRate: 0.1, batchSize: 4, epochs: 30, ...inOrder } },
  { name: '3 classes: 2-5-3 tanh/softmax, kullbackLeiblerDivergence on 0.75/0.125/0.125 rows, SGD lr 0.1, batch size 4, 30 epochs', x: three.x, y: soft,
    model: { inputs: 2, layers: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'kullbackLeiblerDivergence', seed: 17 },
    fit: { learningRate: 0.1, batchSize: 4, epochs: 30, ...inOrder } },
  ...NEW_ACTIVATIONS.map((activation): Case => ({ name: `two outputs: 3-4-2 ${activation}/linear, mse, SGD lr 0.05, batch size 4, 30 epochs`, x: several.x, y: several.y,
    model: hidden(activation), fit: { learningRate: 0.05, batchSize: 4, epochs: 30, ...inOrder } })),
];

