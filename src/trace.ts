// A trace of one training step: everything the step computes, layer by layer, read out of the
// engine that ran it — the same kernels and the same memory as fit's step, not a second
// implementation. The step runs through the kernels' traceStep (step with backward and update
// kept apart, so GRADS holds the gradients even where fit fuses them; the parameters come out the
// same to the bit), after the steps of fit that come before it.
import { ACTIVATIONS, codeOf } from './contract.js';
import type { EngineKind } from './engines/engine.js';
import { DivergenceError, fail, knownKeys, positiveInteger, show } from './errors.js';
import { FIT_OPTIONS } from './trainer.js';
import { VALIDATION_OPTIONS } from './validation.js';
import type { ModelFitOptions, Rows } from './fit.js';
import { SETTING, writeOptimizer } from './layout.js';
import { OptimizerState, type OptimizerSettings } from './optimizers.js';
import { seeded } from './random.js';
import { checkSpec, outputs, type Activation, type Network } from './spec.js';
import { fillOrder, type Settings } from './trainer.js';
import { toKeras, type Weights } from './weights.js';
import { Workspace } from './workspace.js';

export interface TraceOptions extends Omit<ModelFitOptions, 'onEpochEnd'> {
  /** Which step of `fit(x, y, options)` to trace, counting from 1 (default 1): the steps before it run as fit runs them. */
  step?: number;
  /** The batch to trace instead of the one fit would take at that step: indices of training rows, from 0. */
  rows?: number[];
  /** Keep the step: the model's parameters and optimizer state end where fit's would after `step` steps (default false). */
  apply?: boolean;
  /** Central differences of the loss beside each gradient (default true; 2 × parameters forward passes of the batch). */
  numericGradients?: boolean;
}

/** A number with the name the tutorial gives it: `{ name: 'w²₂', value: 0.1 }`. */
export interface Factor {
  name: string;
  value: number;
}

/** One parameter's gradient as the chain rule builds it. */
export interface ParamChain {
  /** The tutorial's name: w¹₁₂ (layer 1, from input 1 to unit 2), b¹₂, w²₁, b², … */
  name: string;
  /** ∂L/∂θ as the kernels computed it (the same number as `gradients`). */
  gradient: number;
  /** Its central-difference estimate, or null when not asked for. */
  numeric: number | null;
  /** The local chain rule's factors by name: [∂L/∂z of the parameter's unit, the input it multiplies (xᵢ or hᵢ)] for a kernel weight, [∂L/∂z] for a bias. */
  factors: string[];
  /** Their values on each row of the batch, [row][factor]: the gradient is the sum over rows of each row's product. */
  values: number[][];
  /**
   * The full chain, as the tutorial writes it, when it is short: per row, every path from the loss
   * down to the parameter, each a list of factors (∂L/∂ŷ, ŷ′, a weight, h′, …, the input) whose
   * product is one summand of that row's term. Left out when there are more than 16 paths × rows.
   */
  paths?: Factor[][][];
}

/**
 * One Dense layer's part of the step; every array is [row of the batch][unit] (inputs: [row][input]).
 * The derivatives ∂L/∂… are of the batch's mean loss: on a batch of n rows each row's is 1/n of its own.
 */
export interface TraceLayer {
  units: number;
  activation: Activation;
  /** What the layer took: the batch's inputs for the first layer, the previous layer's activations after it. */
  inputs: number[][];
  /** b + W·inputs, from the kernels' own dense forward with the identity activation. */
  z: number[][];
  /** act(z), as the step's forward pass stored them; the last layer's are ŷ. */
  activations: number[][];
  /** act′(z), computed from the activations as the backward pass does. */
  derivatives: number[][];
  /** ∂L/∂a: for the last layer ∂L/∂ŷ; below it Σₖ ∂L/∂zₖ·wₖⱼ over the layer above. */
  dLda: number[][];
  /** ∂L/∂z = ∂L/∂a · act′ as the kernels stored it (for the output with binary cross-entropy, ŷ − y directly). */
  dLdz: number[][];
}

/** The optimizer's update of this step. Per-parameter arrays are in the Keras layout. */
export interface TraceUpdate {
  /** The optimizer and every hyperparameter the step ran with. */
  settings: OptimizerSettings;
  /** Updates made once this one is done (Keras's `iterations`; Adam's t). */
  iterations: number;
  /** Adam's step size with both bias corrections folded in, lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ); absent for other optimizers. */
  alpha?: number;
  /** Optimizer state before and after the step, where the optimizer keeps it: sgd with momentum its velocity and rmsprop with momentum its momentum (`momentums`); adam m (`momentums`) and v (`velocities`); rmsprop its mean square (`velocities`). */
  momentums?: { before: Weights; after: Weights };
  velocities?: { before: Weights; after: Weights };
  /** newWeights − weights: the step each parameter took. */
  deltas: Weights;
}

export interface Trace {
  engine: EngineKind;
  /** The step of the fit traced, from 1, and the epoch it falls in, from 1. */
  step: number;
  epoch: number;
  /** The batch: indices of its training rows (from 0, after any validationSplit), its inputs as the network saw them (standardized if asked) and its targets. */
  rows: number[];
  x: number[][];
  y: number[][];
  layers: TraceLayer[];
  /** The batch's mean loss before the update: the number fit adds to history.loss for this step. */
  loss: number;
  /** Each row's own loss (the mean over its outputs), from the kernels' evaluate: `loss` is their mean. */
  rowLosses: number[];
  /** ∂L/∂ŷ of the batch's mean loss ([row][output]; each row's share, 1/rows of its own). */
  dLdyhat: number[][];
  /** ∂L/∂θ of every parameter, in the Keras layout [kernel₁ (inputs × units), bias₁, …]. */
  gradients: Weights;
  /** Central differences of the batch's mean loss, same layout; null when not asked for. */
  numericGradients: Weights | null;
  /** Each gradient's chain rule — its factors by name, with their values — in the same layout. */
  chains: (ParamChain[][] | ParamChain[])[];
  update: TraceUpdate;
  /** The parameters before and after the step (Keras layout). */
  weights: Weights;
  newWeights: Weights;
}

/** The trace options checked: what is left over goes to fit's own checks. */
export function checkTraceOptions(o: TraceOptions): { step: number; rows: number[] | undefined; apply: boolean; numeric: boolean; fit: ModelFitOptions } {
  if (typeof o !== 'object' || o === null) fail('options', 'expected an object of trace options');
  knownKeys('', o, ['step', 'rows', 'apply', 'numericGradients', 'standardize', ...FIT_OPTIONS.filter((k) => k !== 'onEpochEnd'), ...VALIDATION_OPTIONS]);
  const { step, rows, apply, numericGradients, ...fit } = o;
  if (rows !== undefined && (!Array.isArray(rows) || rows.length === 0)) fail('rows', `expected a non-empty array of row indices, got ${show(rows)}`);
  for (const key of ['apply', 'numericGradients'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') fail(key, `expected true or false, got ${show(o[key])}`);
  }
  return { step: positiveInteger('step', step ?? 1), rows, apply: apply ?? false, numeric: numericGradients ?? true, fit };
}

const MAX_PATHS = 16;

/**
 * Runs steps 1 … step − 1 of a fit in `ws` (holding the parameters to start from), then traces step
 * `step`. `state` is the optimizer state to start from; it ends as the step leaves it, and so do the
 * workspace's parameters: the caller keeps or discards both. `stops(epoch)`, asked after each epoch
 * before the traced one, says whether fit would stop there (early stopping).
 */
export function traceFit(network: Network, ws: Workspace, state: OptimizerState, data: Rows, s: Settings,
  t: { step: number; rows: number[] | undefined; numeric: boolean }, stops?: (epoch: number) => boolean): Trace {
  const n = data.rows;
  const perEpoch = Math.ceil(n / s.batchSize);
  const epoch = Math.floor((t.step - 1) / perEpoch);
  if (epoch >= s.epochs) fail('step', `this fit has ${s.epochs * perEpoch} steps (${s.epochs} epoch${s.epochs === 1 ? '' : 's'} × ${perEpoch} batch${perEpoch === 1 ? '' : 'es'}); raise epochs to trace step ${t.step}`);
  t.rows?.forEach((r, i) => { if (!Number.isInteger(r) || r < 0 || r >= n) fail(`rows[${i}]`, `expected a training row index from 0 to ${n - 1}, got ${show(r)}`); });
  const count = t.rows?.length ?? Math.min(s.batchSize, n - ((t.step - 1) % perEpoch) * s.batchSize);
  // Room for the traced batch first: a larger capacity re-plans where the training rows go.
  ws.reserve({ capacity: count, evalRows: count });
  ws.setTrainingRows(data.data, data.ys, n, s.batchSize);
  const { engine } = ws;
  const { net } = ws.layout;
  state.begin(s.optimizer.optimizer, s.resetOptimizer);
  writeOptimizer(engine.f64, engine.i32, ws.layout, s.optimizer, state.iterations);
  engine.f64.set(state.momentums, ws.layout.momentums);
  engine.f64.set(state.velocities, ws.layout.velocities);

  // The steps before: fit's row order (one seeded draw per epoch) and fit's kernel step.
  const random = seeded(s.seed);
  const order = () => engine.i32.subarray(ws.layout.order, ws.layout.order + n);
  for (let e = 0; e <= epoch; e++) {
    fillOrder(order(), s.shuffle, random);
    const end = e < epoch ? n : ((t.step - 1) % perEpoch) * s.batchSize;
    for (let pos = 0; pos < end; pos += s.batchSize) {
      const rows = Math.min(s.batchSize, n - pos);
      if (!Number.isFinite(engine.step(net, pos, rows))) {
        throw new DivergenceError(e, order()[pos]!, `Training diverged at epoch ${e + 1}, step ${e * perEpoch + pos / s.batchSize + 1}, before the traced step ${t.step}.`);
      }
    }
    if (e < epoch && stops?.(e)) fail('earlyStopping', `ends this fit after epoch ${e + 1}, before step ${t.step} (epoch ${epoch + 1}); trace an earlier step or without it`);
  }
  let pos = ((t.step - 1) % perEpoch) * s.batchSize;
  if (t.rows) { order().set(t.rows, 0); pos = 0; }
  const batch = Array.from(order().subarray(pos, pos + count));
  const inputs = network.inputs, outs = outputs(network);
  const bx = new Float64Array(count * inputs), by = new Float64Array(count * outs);
  batch.forEach((r, i) => { bx.set(data.data.subarray(r * inputs, (r + 1) * inputs), i * inputs); by.set(data.ys.subarray(r * outs, (r + 1) * outs), i * outs); });

  const before = ws.params().slice();
  const rowLosses = Array.from({ length: count }, (_, r) => ws.run(bx.slice(r * inputs, (r + 1) * inputs), by.slice(r * outs, (r + 1) * outs), 1).loss);
  const numeric = t.numeric ? numericGradients(ws, before, bx, by, count) : null;
  const l = ws.layout;
  const f = () => engine.f64;
  const slice = (at: number, len: number) => f().slice(at, at + len);
  const momentumsBefore = slice(l.momentums, l.count), velocitiesBefore = slice(l.velocities, l.count);

  const loss = engine.traceStep(net, pos, count);

  const grads = slice(l.grads, l.count);
  const after = ws.params().slice();
  const rowsOf = (flat: Float64Array, width: number) => Array.from({ length: count }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));
  const layers: TraceLayer[] = network.layers.map((spec, i) => {
    const at = l.layers[i]!;
    const input = i === 0 ? bx : slice(l.layers[i - 1]!.a, count * at.inputs);
    const a = slice(at.a, count * at.units);
    const act = codeOf(ACTIVATIONS, spec.activation, 'activation');
    return {
      units: spec.units,
      activation: spec.activation,
      inputs: rowsOf(input, at.inputs),
      z: rowsOf(preActivations(engine.kind, at.inputs, at.units, before.subarray(at.w - l.params, at.b - l.params + at.units), input, count), at.units),
      activations: rowsOf(a, at.units),
      derivatives: rowsOf(a.map((v) => engine.activationDerivative(v, act)), at.units),
      dLda: [],
      dLdz: rowsOf(slice(at.d, count * at.units), at.units),
    };
  });
  const last = layers[layers.length - 1]!;
  const dLdyhat = lossDerivative(network, last.activations, rowsOf(by, outs), count);
  last.dLda = dLdyhat;
  // Below the output: ∂L/∂aⱼ = Σₖ ∂L/∂zₖ·wₖⱼ, k in order from the first term, as the kernels sum it.
  for (let i = layers.length - 2; i >= 0; i--) {
    const above = layers[i + 1]!, w = l.layers[i + 1]!.w - l.params;
    layers[i]!.dLda = above.dLdz.map((d) => Array.from({ length: layers[i]!.units }, (_, j) => {
      let s = d[0]! * before[w + j]!;
      for (let k = 1; k < above.units; k++) s += d[k]! * before[w + k * layers[i]!.units + j]!;
      return s;
    }));
  }

  const { optimizer } = s.optimizer;
  const iterations = f()[l.settings + SETTING.ITERATIONS]!;
  const keras = (p: Float64Array) => toKeras(network, p);
  const update: TraceUpdate = { settings: s.optimizer, iterations, deltas: keras(after.map((v, i) => v - before[i]!)) };
  if (optimizer === 'adam') {
    const { learningRate: lr, beta1, beta2 } = s.optimizer;
    update.alpha = lr * Math.sqrt(1 - Math.pow(beta2, iterations)) / (1 - Math.pow(beta1, iterations));
  }
  if (optimizer === 'adam' || s.optimizer.momentum !== 0) update.momentums = { before: keras(momentumsBefore), after: keras(slice(l.momentums, l.count)) };
  if (optimizer !== 'sgd') update.velocities = { before: keras(velocitiesBefore), after: keras(slice(l.velocities, l.count)) };
  state.iterations = iterations;
  state.momentums.set(slice(l.momentums, l.count));
  state.velocities.set(slice(l.velocities, l.count));

  return {
    engine: engine.kind,
    step: t.step,
    epoch: epoch + 1,
    rows: batch,
    x: rowsOf(bx, inputs),
    y: rowsOf(by, outs),
    layers,
    loss,
    rowLosses,
    dLdyhat,
    gradients: keras(grads),
    numericGradients: numeric && keras(numeric),
    chains: chains(network, layers, keras(grads), numeric && keras(numeric), before),
    update,
    weights: keras(before),
    newWeights: keras(after),
  };
}

/** Central differences of the batch's mean loss in every parameter, from the kernels' evaluate; the parameters are put back. */
function numericGradients(ws: Workspace, params: Float64Array, x: Float64Array, y: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(params.length);
  const p = ws.params();
  for (let i = 0; i < params.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(params[i]!));
    p[i] = params[i]! + h;
    const up = ws.run(x, y, rows).loss;
    p[i] = params[i]! - h;
    const down = ws.run(x, y, rows).loss;
    p[i] = params[i]!;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

/**
 * z of one layer: the kernels' dense forward of a lone layer with these parameters and the identity
 * activation over the same inputs — the sums the step's forward pass took before its activation.
 */
function preActivations(kind: EngineKind, inputs: number, units: number, params: Float64Array, x: Float64Array, rows: number): Float64Array {
  const ws = new Workspace(kind, checkSpec({ inputs, layers: [{ units, activation: 'linear' }], loss: 'mse' }));
  ws.params().set(params);
  return ws.run(x, undefined, rows).outputs.slice();
}

/**
 * ∂L/∂ŷ of the batch's mean loss, each row's share (1/rows of the row's own, as the kernels scale
 * ∂L/∂z). The kernels fold it into ∂L/∂z = ∂L/∂ŷ·ŷ′ and never store it; for binary cross-entropy
 * (ŷ − y)/(ŷ(1 − ŷ)), 0 where ŷ is clipped to [1e-7, 1 − 1e-7], as the loss passes no gradient there.
 */
function lossDerivative(network: Network, yhat: number[][], y: number[][], rows: number): number[][] {
  const k = outputs(network);
  return yhat.map((row, r) => row.map((p, o) => {
    const t = y[r]![o]!;
    const c = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    const d = network.loss === 'mse' ? 2 * (p - t) : c === p ? (p - t) / (p * (1 - p)) : 0;
    return d / k / rows;
  }));
}

const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹', SUB = '₀₁₂₃₄₅₆₇₈₉';
const digits = (n: number, set: string) => String(n).split('').map((c) => set[Number(c)]).join('');
const sub = (...ns: number[]) => ns.map((n) => digits(n, SUB)).join(ns.some((n) => n > 9) ? '‚' : '');

/**
 * The tutorial's names, counting from 1: inputs xᵢ; hidden units h (hⱼ with one hidden layer, hˡⱼ
 * with more); outputs ŷ (ŷₖ with several); weights wˡᵢⱼ from unit i below to unit j of layer l and
 * biases bˡⱼ, the unit's index left out where layer l has one unit (w²₁, b²).
 */
export function unitName(network: Names, layer: number, unit: number): string {
  const layers = network.layers.length;
  if (layer === 0) return `x${sub(unit + 1)}`;
  if (layer === layers) return network.layers[layers - 1]!.units === 1 ? 'ŷ' : `ŷ${sub(unit + 1)}`;
  return layers === 2 ? `h${sub(unit + 1)}` : `h${digits(layer, SUP)}${sub(unit + 1)}`;
}

export function paramName(network: Names, layer: number, input: number | undefined, unit: number): string {
  const single = network.layers[layer - 1]!.units === 1;
  const idx = input === undefined ? (single ? '' : sub(unit + 1)) : single ? sub(input + 1) : sub(input + 1, unit + 1);
  return `${input === undefined ? 'b' : 'w'}${digits(layer, SUP)}${idx}`;
}

/** zˡⱼ, unit j's sum before its activation (zˡ where layer l has one unit). */
export function zName(network: Names, layer: number, unit: number): string {
  return `z${digits(layer, SUP)}${network.layers[layer - 1]!.units === 1 ? '' : sub(unit + 1)}`;
}

/** What the names depend on: the widths. */
type Names = { inputs: number; layers: readonly { units: number }[] };

/** Every parameter's chain, in the Keras layout. `l` counts Dense layers from 1 here, 0 being the inputs. */
function chains(network: Network, layers: TraceLayer[], gradients: Weights, numeric: Weights | null, params: Float64Array): (ParamChain[][] | ParamChain[])[] {
  const L = layers.length;
  const rows = layers[0]!.inputs.length;
  const units = (l: number) => (l === 0 ? network.inputs : layers[l - 1]!.units);
  const weight = (l: number, i: number, j: number, at: number): Factor => ({ name: paramName(network, l, i, j), value: params[at + j * units(l - 1) + i]! });
  // The paths from the loss down to ∂L/∂z of unit j of layer l (whose parameters start at `at`), each a list of factors.
  const pathsTo = (l: number, at: number, r: number, j: number): Factor[][] => {
    const prime = { name: `${unitName(network, l, j)}′`, value: layers[l - 1]!.derivatives[r]![j]! };
    if (l === L) return [[{ name: `∂L/∂${unitName(network, l, j)}`, value: layers[l - 1]!.dLda[r]![j]! }, prime]];
    const above = at + units(l) * (units(l - 1) + 1);
    return Array.from({ length: units(l + 1) }, (_, k) => pathsTo(l + 1, above, r, k).map((p) => [...p, weight(l + 1, j, k, above), prime])).flat();
  };
  const out: (ParamChain[][] | ParamChain[])[] = [];
  let at = 0;
  for (let l = 1; l <= L; l++) {
    const layer = layers[l - 1]!;
    const withPaths = layers.slice(l).reduce((n, above) => n * above.units, 1) * rows <= MAX_PATHS;
    const dz = Array.from({ length: layer.units }, (_, j) => `∂L/∂${zName(network, l, j)}`);
    const inputs = Array.from({ length: units(l - 1) }, (_, i) => unitName(network, l - 1, i));
    const start = at;
    const chain = (i: number | undefined, j: number, gradient: number, estimate: number | null): ParamChain => {
      const c: ParamChain = {
        name: paramName(network, l, i, j),
        gradient,
        numeric: estimate,
        factors: i === undefined ? [dz[j]!] : [dz[j]!, inputs[i]!],
        values: layer.dLdz.map((d, r) => (i === undefined ? [d[j]!] : [d[j]!, layer.inputs[r]![i]!])),
      };
      if (withPaths) {
        c.paths = Array.from({ length: rows }, (_, r) => pathsTo(l, start, r, j).map((p) => (i === undefined ? p : [...p, { name: inputs[i]!, value: layer.inputs[r]![i]! }])));
      }
      return c;
    };
    const kernel = gradients[2 * (l - 1)] as number[][], bias = gradients[2 * (l - 1) + 1] as number[];
    const nk = numeric?.[2 * (l - 1)] as number[][] | undefined, nb = numeric?.[2 * (l - 1) + 1] as number[] | undefined;
    out.push(kernel.map((row, i) => row.map((g, j) => chain(i, j, g, nk ? nk[i]![j]! : null))));
    out.push(bias.map((g, j) => chain(undefined, j, g, nb ? nb[j]! : null)));
    at += units(l) * (units(l - 1) + 1);
  }
  return out;
}

/** A copy of an optimizer state, for a trace to run on without changing the model's. */
export function copyState(from: OptimizerState, to = new OptimizerState(from.momentums.length)): OptimizerState {
  to.owner = from.owner;
  to.iterations = from.iterations;
  to.momentums.set(from.momentums);
  to.velocities.set(from.velocities);
  return to;
}
