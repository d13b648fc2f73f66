import { fail, oneOf, positiveInteger, show } from './errors.js';

// Codes are the index in these lists; assembly/activations.ts and assembly/losses.ts use the same.
export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu'] as const;
export const LOSSES = ['mse', 'binaryCrossentropy'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type Loss = (typeof LOSSES)[number];

/** Keras's initializers of these names (src/initializers.ts); the random ones draw from the model's seed. */
export const INITIALIZERS = ['zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal'] as const;

/** Initial values for a kernel or bias: a name, or a constant as `{ constant: 0.1 }`. */
export type Initializer = (typeof INITIALIZERS)[number] | { constant: number };

/** One fully connected layer, as Keras's `Dense`. */
export interface DenseSpec {
  units: number;
  activation?: Activation;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
}

export interface ModelSpec {
  /** Number of input features. */
  inputs: number;
  layers: DenseSpec[];
  loss: Loss;
}

/** A spec with every default filled in, checked. */
export interface Network {
  inputs: number;
  layers: Required<DenseSpec>[];
  loss: Loss;
}

/**
 * The most parameters a network may have: WebAssembly's 4 GiB memory holds them with their
 * gradients and optimizer state (four f64 arrays) and room for the data. Past it, a typed array
 * of the requested length cannot even be made.
 */
export const MAX_PARAMETERS = 2 ** 26;

export function checkSpec(spec: ModelSpec): Network {
  if (typeof spec !== 'object' || spec === null) fail('model', `expected an object with inputs, layers and loss, got ${show(spec)}`);
  const inputs = positiveInteger('inputs', spec.inputs);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) fail('layers', `expected a non-empty array of Dense layers, got ${show(spec.layers)}`);
  const layers = spec.layers.map((layer, i) => {
    const field = `layers[${i}]`;
    if (typeof layer !== 'object' || layer === null) fail(field, `expected { units, activation }, got ${show(layer)}`);
    return {
      units: positiveInteger(`${field}.units`, layer.units),
      activation: oneOf(`${field}.activation`, layer.activation ?? 'linear', ACTIVATIONS),
      kernelInitializer: checkInitializer(`${field}.kernelInitializer`, layer.kernelInitializer ?? 'glorotUniform'),
      biasInitializer: checkInitializer(`${field}.biasInitializer`, layer.biasInitializer ?? 'zeros'),
    };
  });
  const loss = oneOf('loss', spec.loss, LOSSES);
  const output = layers[layers.length - 1]!;
  if (loss === 'binaryCrossentropy' && output.activation !== 'sigmoid') {
    fail(`layers[${layers.length - 1}].activation`, `binaryCrossentropy reads the outputs as probabilities, so the last layer needs activation 'sigmoid', got '${output.activation}'`);
  }
  const count = parameterCount({ inputs, layers, loss });
  if (count > MAX_PARAMETERS) fail('layers', `this network has ${count.toLocaleString('en-US')} parameters; at most ${MAX_PARAMETERS.toLocaleString('en-US')} fit in the kernels' memory`);
  return { inputs, layers, loss };
}

function checkInitializer(field: string, init: unknown): Initializer {
  if (typeof init === 'object' && init !== null && 'constant' in init) {
    const value = (init as { constant: unknown }).constant;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `expected { constant: a finite number }, got constant ${show(value)}`);
    return { constant: value };
  }
  return oneOf(field, init, INITIALIZERS);
}

/** Units before each layer and of each layer: [inputs, units₁, …, unitsₙ]. */
export function widths(net: Network): number[] {
  return [net.inputs, ...net.layers.map((l) => l.units)];
}

export function outputs(net: Network): number {
  return net.layers[net.layers.length - 1]!.units;
}

export function parameterCount(net: Network): number {
  const w = widths(net);
  return net.layers.reduce((n, l, i) => n + l.units * (w[i]! + 1), 0);
}
