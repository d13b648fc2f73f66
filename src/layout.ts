import { ACTIVATIONS, LOSSES, type Network, widths, parameterCount } from './spec.js';
import { OPTIMIZERS, type OptimizerSettings } from './optimizers.js';

// The network descriptor's i32 slots; assembly/net.ts reads the same slots by the same names.
export const LAYERS = 0, LOSS = 1, X = 2, Y = 3, ORDER = 4, PARAMS = 5, GRADS = 6, COUNT = 7, SETTINGS = 8;
export const OPTIMIZER = 9, MOMENTUMS = 10, VELOCITIES = 11;
export const LAYER0 = 12, STRIDE = 7;
export const UNITS = 0, INPUTS = 1, ACT = 2, W = 3, B = 4, A = 5, D = 6;
/** The f64 settings' slots. */
export const LEARNING_RATE = 0, MOMENTUM = 1, NESTEROV = 2, BETA_1 = 3, BETA_2 = 4, EPSILON = 5, RHO = 6, ITERATIONS = 7;
const SETTING_SLOTS = 8;

/** Where everything lives, as indices into one block of memory (f64 indices unless noted). */
export interface Layout {
  /** i32 index of the descriptor. */
  net: number;
  settings: number;
  params: number;
  grads: number;
  /** Optimizer state, each laid out as the parameters. */
  momentums: number;
  velocities: number;
  count: number;
  layers: { units: number; inputs: number; w: number; b: number; a: number; d: number }[];
  x: number;
  y: number;
  /** i32 index of the row order. */
  order: number;
  rows: number;
  /** Bytes from the start of the block to its end. */
  bytes: number;
}

/**
 * Lays out the descriptor, settings, parameters, gradients, optimizer state, per-layer activations
 * and deltas, X, Y and the row order one after another, starting at f64 index `start`.
 */
export function planLayout(net: Network, rows: number, start = 0): Layout {
  let next = start;
  const take = (n: number) => { const at = next; next += n; return at; };
  const w = widths(net);
  const descriptorF64 = Math.ceil((LAYER0 + STRIDE * net.layers.length) / 2);
  const netAt = take(descriptorF64) * 2;
  const settings = take(SETTING_SLOTS);
  const count = parameterCount(net);
  const params = take(count);
  const grads = take(count);
  const momentums = take(count);
  const velocities = take(count);
  let p = params;
  const layers = net.layers.map((l, i) => {
    const inputs = w[i]!;
    const rec = { units: l.units, inputs, w: p, b: p + l.units * inputs, a: 0, d: 0 };
    p = rec.b + l.units;
    return rec;
  });
  for (const l of layers) { l.a = take(l.units); l.d = take(l.units); }
  const x = take(rows * net.inputs);
  const y = take(rows * net.layers[net.layers.length - 1]!.units);
  const order = take(Math.ceil(rows / 2)) * 2;
  return { net: netAt, settings, params, grads, momentums, velocities, count, layers, x, y, order, rows, bytes: (next - start) * 8 };
}

/** Writes the descriptor the kernels read. */
export function writeDescriptor(i32: Int32Array, network: Network, layout: Layout): void {
  const n = layout.net;
  i32[n + LAYERS] = layout.layers.length;
  i32[n + LOSS] = LOSSES.indexOf(network.loss);
  i32[n + X] = layout.x;
  i32[n + Y] = layout.y;
  i32[n + ORDER] = layout.order;
  i32[n + PARAMS] = layout.params;
  i32[n + GRADS] = layout.grads;
  i32[n + COUNT] = layout.count;
  i32[n + SETTINGS] = layout.settings;
  i32[n + MOMENTUMS] = layout.momentums;
  i32[n + VELOCITIES] = layout.velocities;
  layout.layers.forEach((l, i) => {
    const r = n + LAYER0 + i * STRIDE;
    i32[r + UNITS] = l.units;
    i32[r + INPUTS] = l.inputs;
    i32[r + ACT] = ACTIVATIONS.indexOf(network.layers[i]!.activation);
    i32[r + W] = l.w;
    i32[r + B] = l.b;
    i32[r + A] = l.a;
    i32[r + D] = l.d;
  });
}

/** Writes the optimizer the kernels run and its settings; `iterations` is the updates made so far. */
export function writeOptimizer(f64: Float64Array, i32: Int32Array, layout: Layout, o: OptimizerSettings, iterations: number): void {
  i32[layout.net + OPTIMIZER] = OPTIMIZERS.indexOf(o.optimizer);
  const s = layout.settings;
  f64[s + LEARNING_RATE] = o.learningRate;
  f64[s + MOMENTUM] = o.momentum;
  f64[s + NESTEROV] = o.nesterov ? 1 : 0;
  f64[s + BETA_1] = o.beta1;
  f64[s + BETA_2] = o.beta2;
  f64[s + EPSILON] = o.epsilon;
  f64[s + RHO] = o.rho;
  f64[s + ITERATIONS] = iterations;
}
