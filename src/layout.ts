import { ACTIVATIONS, CLIPPINGS, LAYER_FIELDS, LAYER_OPTIONS, LOSSES, NET_SLOTS, OPTIMIZERS, SETTING_SLOTS, codeOf, slots } from './contract.js';
import { ACTIVATION_PARAMETERS, ACTIVATION_ROWS, type ActivationParameter } from './operations/activations.js';
import { HYPERPARAMETER_NAMES, HYPERPARAMETERS, STATE_ARRAYS, STATE_SLOTS, type OptimizerSettings, type StateArray } from './operations/optimizers.js';
import { scheduledRate } from './operations/schedules.js';
import { type Network, parameterCount, targetWidth, widths } from './spec.js';

export const NET = slots(NET_SLOTS);
export const LAYER = slots(LAYER_FIELDS);
export const SETTING = slots(SETTING_SLOTS);
export const OPTION = slots(LAYER_OPTIONS);

/** The descriptor's slots the threads of a step share (assembly/threads.ts); a fresh block holds 0 in each: one thread. */
type ThreadSlot = 'THREADS' | 'SHARED' | 'POSITION' | 'ARRIVED' | 'SENSE' | 'SLEEPING' | 'CALLER_SLEEPS' | 'NONFINITE' | 'NEXT' | 'FAILED';

/**
 * Whether layer l keeps its pre-activations Z: its activation needs them, a Dropout follows it (its A
 * then holds a ⊙ mask, and backward recomputes a from z), or it is a sigmoid output whose binary
 * cross-entropy is computed from the logit.
 */
function keepsZ(net: Network, l: number): boolean {
  const layer = net.layers[l]!;
  return ACTIVATION_ROWS[layer.activation].needsZ || layer.dropout > 0 || (l === net.layers.length - 1 && net.loss === 'binaryCrossentropy');
}

/** How many rows each region holds. */
export interface Sizes {
  /** Rows one pass takes: the per-layer activations and deltas hold this many. */
  capacity: number;
  /** Training rows (X, Y, ORDER). */
  rows: number;
  /** Rows to predict or evaluate (EX, EY, OUT). */
  evalRows: number;
}

/** Where everything lives, as indices into one block of memory (f64 indices unless noted). */
export interface Layout extends Sizes {
  /** i32 index of the descriptor. */
  net: number;
  settings: number;
  params: number;
  grads: number;
  /** Each array of optimizer state (STATE_ARRAYS), laid out as the parameters. */
  state: Record<StateArray, number>;
  count: number;
  /** Per layer: z and mask are 0 where the layer has none; options is where its LAYER_OPTIONS are. */
  layers: { units: number; inputs: number; w: number; b: number; a: number; d: number; z: number; mask: number; options: number }[];
  in: number;
  target: number;
  /** A batch's row weights, gathered [capacity]. */
  weight: number;
  x: number;
  y: number;
  /** The training rows' weights [rows], used when a fit has sample weights (the SAMPLE_WEIGHTS slot). */
  sampleWeights: number;
  /** i32 index of the row order. */
  order: number;
  /** Rows to predict or evaluate, their targets and their outputs. */
  ex: number;
  ey: number;
  /** The weights of the rows to evaluate [evalRows]. */
  ew: number;
  out: number;
  /** Bytes from `start` to the block's end. */
  bytes: number;
}

/**
 * Lays out, from f64 index `start`: the descriptor, settings, parameters, gradients and optimizer
 * state — whose places depend on the network alone, so they never move when the sizes change —,
 * then each layer's activations and deltas and the gathered batch ([capacity][…]), the training
 * rows, and the rows to predict or evaluate.
 */
export function planLayout(net: Network, sizes: Sizes, start: number): Layout {
  let next = start;
  // Every region starts on 16 bytes (start is 16-byte aligned): a vector load of its first elements
  // does not straddle two cache lines, and no network's speed rests on how the regions before fell.
  const take = (n: number) => { next += next & 1; const at = next; next += n; return at; };
  const w = widths(net);
  const netAt = take(Math.ceil((NET_SLOTS.length + LAYER_FIELDS.length * net.layers.length) / 2)) * 2;
  const settings = take(SETTING_SLOTS.length);
  const options = take(LAYER_OPTIONS.length * net.layers.length);
  const count = parameterCount(net);
  const params = take(count);
  const grads = take(count);
  const state = Object.fromEntries(STATE_ARRAYS.map((name) => [name, take(count)])) as Record<StateArray, number>;
  let p = params;
  const layers = net.layers.map((l, i) => {
    const inputs = w[i]!;
    const rec = { units: l.units, inputs, w: p, b: p + l.units * inputs, a: 0, d: 0, z: 0, mask: 0, options: options + i * LAYER_OPTIONS.length };
    p = rec.b + l.units;
    return rec;
  });
  const { capacity, rows, evalRows } = sizes;
  layers.forEach((l, i) => {
    l.a = take(capacity * l.units);
    l.d = take(capacity * l.units);
    if (keepsZ(net, i)) l.z = take(capacity * l.units);
    if (net.layers[i]!.dropout > 0) l.mask = take(capacity * l.units);
  });
  const inputs = net.inputs, outs = targetWidth(net);
  const at = { in: take(capacity * inputs), target: take(capacity * outs), weight: take(capacity), x: take(rows * inputs), y: take(rows * outs), sampleWeights: take(rows) };
  const order = take(Math.ceil(rows / 2)) * 2;
  const ex = take(evalRows * inputs), ey = take(evalRows * outs), ew = take(evalRows), out = take(evalRows * layers[layers.length - 1]!.units);
  return {
    net: netAt, settings, params, grads, state, count, layers, ...at, order, ex, ey, ew, out,
    capacity, rows, evalRows, bytes: (next - start) * 8,
  };
}

/**
 * Writes the descriptor the kernels read and each layer's options; every code through the contract,
 * so an unknown name throws.
 */
export function writeDescriptor(f64: Float64Array, i32: Int32Array, network: Network, layout: Layout): void {
  // Every slot but the optimizer's and the clipping's (writeOptimizer), the generator's (seeded per fit), the sample
  // weights' (set per fit: writeSampleWeights) and the threads' (src/threads.ts: written while workers wait on them,
  // never here), by name: the type makes a new slot in the contract a compile error here until it is given a value.
  const slotValues: Record<Exclude<(typeof NET_SLOTS)[number], 'OPTIMIZER' | 'CLIPPING' | 'RANDOM' | 'SAMPLE_WEIGHTS' | ThreadSlot | (typeof STATE_SLOTS)[StateArray]>, number> = {
    LAYERS: layout.layers.length, TARGETS: targetWidth(network), LOSS: codeOf(LOSSES, network.loss, 'loss'),
    REGULARIZED: network.layers.some((l) => l.kernelRegularizer.l1 || l.kernelRegularizer.l2 || l.biasRegularizer.l1 || l.biasRegularizer.l2) ? 1 : 0,
    COUNT: layout.count, PARAMS: layout.params, GRADS: layout.grads,
    SETTINGS: layout.settings, CAPACITY: layout.capacity, IN: layout.in, TARGET: layout.target,
    WEIGHT: layout.weight, X: layout.x, Y: layout.y, ORDER: layout.order,
  };
  f64[layout.settings + SETTING.LOSS_PARAMETER] = network.lossParameter;
  for (const [name, value] of Object.entries(slotValues)) i32[layout.net + NET[name as keyof typeof slotValues]] = value;
  for (const name of STATE_ARRAYS) i32[layout.net + NET[STATE_SLOTS[name]]] = layout.state[name];
  layout.layers.forEach((l, i) => {
    const fields: Record<(typeof LAYER_FIELDS)[number], number> = {
      UNITS: l.units, INPUTS: l.inputs, ACT: codeOf(ACTIVATIONS, network.layers[i]!.activation, 'activation'),
      W: l.w, B: l.b, A: l.a, D: l.d, Z: l.z, MASK: l.mask, OPTIONS: l.options,
    };
    const record = layout.net + NET_SLOTS.length + i * LAYER_FIELDS.length;
    for (const [name, value] of Object.entries(fields)) i32[record + LAYER[name as keyof typeof fields]] = value;
    const { kernelRegularizer: k, biasRegularizer: b, dropout } = network.layers[i]!;
    f64[l.options + OPTION.KERNEL_L1] = k.l1;
    f64[l.options + OPTION.KERNEL_L2] = k.l2;
    f64[l.options + OPTION.BIAS_L1] = b.l1;
    f64[l.options + OPTION.BIAS_L2] = b.l2;
    f64[l.options + OPTION.RATE] = dropout;
    // the activation's parameters (0 where it takes none)
    for (const key of Object.keys(ACTIVATION_PARAMETERS) as ActivationParameter[]) f64[l.options + OPTION[ACTIVATION_PARAMETERS[key].slot]] = network.layers[i]![key] ?? 0;
  });
}

/** Whether the training rows' weights in `sampleWeights` weigh their losses (else each row weighs 1). */
export function writeSampleWeights(i32: Int32Array, layout: Layout, weighted: boolean): void {
  i32[layout.net + NET.SAMPLE_WEIGHTS] = weighted ? layout.sampleWeights : 0;
}

/** Seeds the dropout masks' generator (mulberry32) for a fit from its seed, apart from the row order's stream. */
export function writeRandom(i32: Int32Array, layout: Layout, seed: number): void {
  i32[layout.net + NET.RANDOM] = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1);
}

/** Writes the optimizer the kernels run, its settings and the gradients' clipping (its state is OptimizerState.load's). */
export function writeOptimizer(f64: Float64Array, i32: Int32Array, layout: Layout, o: OptimizerSettings): void {
  i32[layout.net + NET.OPTIMIZER] = codeOf(OPTIMIZERS, o.optimizer, 'optimizer');
  i32[layout.net + NET.CLIPPING] = codeOf(CLIPPINGS, o.clipping.kind, 'clipping');
  const s = layout.settings;
  f64[s + SETTING.LEARNING_RATE] = o.learningRate;
  f64[s + SETTING.CLIP] = o.clipping.bound;
  for (const key of HYPERPARAMETER_NAMES) {
    const v = o[key], slot = HYPERPARAMETERS[key].slot;
    if (slot !== null) f64[s + SETTING[slot]] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
}

/** With a learning-rate schedule, writes the rate of the next update: the schedule at the updates made so far (Keras's `iterations`). */
export function writeScheduledRate(f64: Float64Array, layout: Layout, o: OptimizerSettings): void {
  if (o.schedule) f64[layout.settings + SETTING.LEARNING_RATE] = scheduledRate(o.schedule, f64[layout.settings + SETTING.ITERATIONS]!);
}

/** The rate in effect: the schedule's at the updates made so far, else the one the kernels read (which ReduceLROnPlateau may have lowered). */
export function currentRate(f64: Float64Array, layout: Layout, o: OptimizerSettings): number {
  return o.schedule ? scheduledRate(o.schedule, f64[layout.settings + SETTING.ITERATIONS]!) : f64[layout.settings + SETTING.LEARNING_RATE]!;
}
