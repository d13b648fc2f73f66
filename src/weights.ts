// The parameters' two layouts: flat, as the kernels read them (per layer the kernel [units][inputs],
// each unit's weights contiguous, then the bias), and Keras's weight list at the boundary
// (getWeights / setWeights / JSON): [kernel₁ (inputs × units), bias₁, kernel₂, bias₂, …].
import { checkSeed, fail, show } from './errors.js';
import { initialize } from './initializers.js';
import { seeded } from './random.js';
import { parameterCount, widths, type Network } from './spec.js';

/** Keras's weight list: `[kernel₁ (inputs × units), bias₁ (units), kernel₂, bias₂, …]`. */
export type Weights = (number[][] | number[])[];

/** Calls `f` with views of each layer's kernel ([units][inputs]) and bias in the flat parameters. */
export function forEachLayer(network: Network, params: Float64Array, f: (layer: number, inputs: number, kernel: Float64Array, bias: Float64Array) => void): void {
  const w = widths(network);
  let at = 0;
  network.layers.forEach((layer, l) => {
    const inputs = w[l]!;
    const kernel = params.subarray(at, at + layer.units * inputs);
    at += kernel.length;
    const bias = params.subarray(at, at + layer.units);
    at += bias.length;
    f(l, inputs, kernel, bias);
  });
}

/** Flat parameters drawn by each layer's initializers from `seed`. */
export function initialParams(network: Network, seed: number): Float64Array {
  checkSeed('seed', seed);
  const params = new Float64Array(parameterCount(network));
  const random = seeded(seed);
  forEachLayer(network, params, (l, inputs, kernel, bias) => {
    const layer = network.layers[l]!;
    initialize(kernel, layer.kernelInitializer, inputs, layer.units, random);
    // Keras takes both fans of a 1-D weight from its length
    initialize(bias, layer.biasInitializer, layer.units, layer.units, random);
  });
  return params;
}

/** Flat parameters in the Keras layout (copies). */
export function toKeras(network: Network, params: Float64Array): Weights {
  const out: Weights = [];
  forEachLayer(network, params, (_, inputs, kernel, bias) => {
    const units = bias.length;
    out.push(Array.from({ length: inputs }, (_, i) => Array.from({ length: units }, (_, u) => kernel[u * inputs + i]!)));
    out.push(Array.from(bias));
  });
  return out;
}

/** Keras-layout weights as flat parameters; every shape and value is checked. */
export function fromKeras(network: Network, weights: unknown): Float64Array {
  const layers = network.layers.length;
  if (!Array.isArray(weights) || weights.length !== 2 * layers) {
    fail('weights', `expected ${2 * layers} arrays [kernel, bias] × ${layers} layers, got ${show(weights)}`);
  }
  const next = new Float64Array(parameterCount(network));
  const w = widths(network);
  let at = 0;
  for (let l = 0; l < layers; l++) {
    const inputs = w[l]!, units = w[l + 1]!;
    const kernel: unknown = weights[2 * l], bias: unknown = weights[2 * l + 1];
    const kField = `weights[${2 * l}] (layer ${l} kernel)`, bField = `weights[${2 * l + 1}] (layer ${l} bias)`;
    if (!Array.isArray(kernel) || kernel.length !== inputs) fail(kField, `expected ${inputs} rows (one per input) of ${units} numbers, got ${show(kernel)}`);
    kernel.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== units) fail(`${kField}[${i}]`, `expected ${units} numbers (one per unit), got ${show(row)}`);
      row.forEach((v: unknown, u) => { next[at + u * inputs + i] = finite(`${kField}[${i}][${u}]`, v); });
    });
    at += units * inputs;
    if (!Array.isArray(bias) || bias.length !== units) fail(bField, `expected ${units} numbers (one per unit), got ${show(bias)}`);
    bias.forEach((v: unknown, u) => { next[at + u] = finite(`${bField}[${u}]`, v); });
    at += units;
  }
  return next;
}

/** `layers[1].kernel[0][1]` for a flat parameter index, in Keras's (input, unit) order. */
export function describeParam(network: Network, index: number): string {
  let inputs = network.inputs;
  for (let l = 0; l < network.layers.length; l++) {
    const units = network.layers[l]!.units;
    if (index < units * inputs) return `layers[${l}].kernel[${index % inputs}][${Math.floor(index / inputs)}]`;
    index -= units * inputs;
    if (index < units) return `layers[${l}].bias[${index}]`;
    index -= units;
    inputs = units;
  }
  return `#${index}`;
}

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `expected a finite number, got ${show(v)}`);
  return v;
}
