// A trace of one training step: everything the step computes, layer by layer, read out of the
// engine that ran it — the same kernels and the same memory as fit's step, not a second
// implementation. The step runs through the kernels' traceStep (step with backward and update
// kept apart, so GRADS holds the gradients even where fit fuses them; the parameters come out the
// same to the bit), after the steps of fit that come before it.
import { ACTIVATIONS, codeOf, LOSSES } from './contract.js';
import { term, termSlope } from './engines/js.js';
import type { EngineKind } from './engines/engine.js';
import { DivergenceError, fail, knownKeys, positiveInteger, show } from './errors.js';
import { MODEL_FIT_OPTIONS, type ModelFitOptions, type Settings } from './fitOptions.js';
import type { Rows } from './fit.js';
import { NET, SETTING, writeOptimizer, writeScheduledRate } from './layout.js';
import { LOSS_ROWS } from './operations/losses.js';
import { isStateArray, OPTIMIZER_ROWS, scalarValue, STATE_ARRAYS, STATE_SCALAR_NAMES, STATE_SCALARS, type StateArray, type StateName, type StateScalar } from './operations/optimizers.js';
import { OptimizerState, type OptimizerSettings } from './optimizerSettings.js';
import { Random } from './random.js';
import { checkSpec, lossSpec, targetWidth, type Activation, type LossSpec, type Network } from './spec.js';
import { fillOrder, startFit } from './trainer.js';
import { toKeras, type Weights } from './weights.js';
import { Workspace } from './workspace.js';

/** `Model.trace`'s options: the fit's (its callback aside) and which step to trace. */
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
  /** The local chain rule's factors by name: [∂L/∂z of the parameter's unit, the input it multiplies (xᵢ, hᵢ, or dropout(hᵢ) after a Dropout)] for a kernel weight, [∂L/∂z] for a bias. */
  factors: string[];
  /** Their values on each row of the batch, [row][factor]: the gradient is the sum over rows of each row's product (plus `penalty`). */
  values: number[][];
  /** Where the layer's regularizer covers the parameter: its gradient's term l1·sign(θ) + 2·l2·θ, added to the rows' sum. */
  penalty?: { l1: number; l2: number; value: number };
  /**
   * The full chain, as the tutorial writes it, when it is short: per row, every path from the loss
   * down to the parameter, each a list of factors (∂L/∂ŷ, ŷ′, a weight, h′, …, the input) whose
   * product is one summand of that row's term. A path starts at ∂L/∂ŷ · ŷ′ where the loss goes through
   * ∂L/∂ŷ (mse), else at the output's ∂L/∂z (the cross-entropies, from the logit: ŷ − y; softmax with
   * mse through its Jacobian); it stops at the ∂L/∂z of a hidden softmax layer. Through a Dropout it
   * takes the unit's mask (1 kept, 0 dropped) and 1/(1 − rate). Left out when there are more than 16 paths × rows.
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
  /** The activation's parameter, where it takes one: leakyRelu's slope for z < 0. */
  alpha?: number;
  /** What the layer took: the batch's inputs for the first layer, the previous layer's activations after it. */
  inputs: number[][];
  /** b + W·inputs: the step's own, from the layer's Z region where it keeps one, else the kernels' dense forward of this layer alone with the identity activation. */
  z: number[][];
  /** act(z), as the step's forward pass computed them (before any Dropout); the last layer's are ŷ. */
  activations: number[][];
  /** act′(z), from the kernels' activationDerivative (softmax: 1, its Jacobian applied in ∂L/∂z). */
  derivatives: number[][];
  /**
   * ∂L/∂a: for the last layer ∂L/∂ŷ, null where the loss is taken from the logit (binary and
   * categorical cross-entropy: ∂L/∂z = ŷ − y directly); below it Σₖ ∂L/∂zₖ·wₖⱼ over the layer above,
   * which after a Dropout is ∂L/∂ of the dropped activations.
   */
  dLda: number[][] | null;
  /** ∂L/∂z as the kernels stored it: ∂L/∂a · act′, after a Dropout ∂L/∂a · mask · act′; for the cross-entropies ŷ − y. */
  dLdz: number[][];
  /** The Dropout after this layer: the mask the step drew, as the kernels keep it (1/(1 − rate) kept, 0 dropped), and a ⊙ mask, what the next layer took. */
  dropout?: { rate: number; scale: number; mask: number[][]; outputs: number[][] };
}

/** The optimizer's update of this step. Per-parameter arrays are in the Keras layout. */
export interface TraceUpdate {
  /** The optimizer and every hyperparameter the step ran with; learningRate is this step's (a schedule's at this step). */
  settings: OptimizerSettings;
  /** Updates made once this one is done (Keras's `iterations`; Adam's t). */
  iterations: number;
  /** Adam's step size with both bias corrections folded in, lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ); absent for other optimizers. */
  alpha?: number;
  /**
   * Each state array the optimizer keeps under its settings (its row's `state`: sgd with momentum its
   * velocity and rmsprop with momentum its momentum in `momentums`; adam m in `momentums` and v in
   * `velocities`; rmsprop its mean square in `velocities`), before and after the step.
   */
  momentums?: { before: Weights; after: Weights };
  velocities?: { before: Weights; after: Weights };
  /** adagrad's accumulators, adadelta's E[Δ²], amsgrad's v̂, centered rmsprop's ḡ. */
  accumulators?: { before: Weights; after: Weights };
  /** nadam's product of its momentum schedule, before and after the step. */
  uProduct?: { before: number; after: number };
  /**
   * The bias corrections' powers, before and after the step, rounded as the kernels read them: β₁ᵗ
   * (adam, adamw, adamax), β₂ᵗ (adam, adamw, nadam), nadam's 0.96ᵗ⁺¹ (its `before` is this step's 0.96ᵗ).
   */
  beta1Power?: { before: number; after: number };
  beta2Power?: { before: number; after: number };
  decayPower?: { before: number; after: number };
  /** newWeights − weights: the step each parameter took. */
  deltas: Weights;
}

/** Everything one step of a fit computes, read from the engine that ran it (`Model.trace`). */
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
  /** The batch's mean loss before the update, plus the regularizers' penalty: the number fit adds to history.loss for this step. */
  loss: number;
  /** Each row's own loss (mse and binary cross-entropy the mean over its outputs, the categorical ones the sum over classes), from the kernels' loss on what the output layer took: `loss` is their mean plus `penalty`. */
  rowLosses: number[];
  /** The regularizers' penalty l1·Σ|w| + l2·Σw² from the kernels (0 without regularizers). */
  penalty: number;
  /** ∂L/∂ŷ of the batch's mean loss ([row][output]; each row's share, 1/rows of its own); null for the losses taken from the logit. */
  dLdyhat: number[][] | null;
  /** ∂L/∂θ of every parameter, in the Keras layout [kernel₁ (inputs × units), bias₁, …]. */
  gradients: Weights;
  /** Central differences of the loss (with the penalty, and with the Dropout masks the step drew), same layout; null when not asked for. */
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
  knownKeys('', o, ['step', 'rows', 'apply', 'numericGradients', ...MODEL_FIT_OPTIONS.filter((k) => k !== 'onEpochEnd')]);
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
  // the steps before run as fit's do, but not its callbacks between epochs: one that changes the rate would make them another run
  if (s.reduceLROnPlateau) fail('reduceLROnPlateau', 'changes the learning rate between epochs, which a trace does not replay: trace without it');
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
  startFit(ws, state, s);

  // The steps before: fit's row order (one seeded draw per epoch) and fit's kernel step.
  const random = new Random(s.seed);
  const order = () => engine.i32.subarray(ws.layout.order, ws.layout.order + n);
  for (let e = 0; e <= epoch; e++) {
    fillOrder(order(), s.shuffle, random);
    const end = e < epoch ? n : ((t.step - 1) % perEpoch) * s.batchSize;
    for (let pos = 0; pos < end; pos += s.batchSize) {
      const rows = Math.min(s.batchSize, n - pos);
      writeScheduledRate(engine.f64, ws.layout, s.optimizer);
      if (!Number.isFinite(engine.step(net, pos, rows))) {
        throw new DivergenceError(e, order()[pos]!, `Training diverged at epoch ${e + 1}, step ${e * perEpoch + pos / s.batchSize + 1}, before the traced step ${t.step}.`);
      }
    }
    if (e < epoch && stops?.(e)) fail('earlyStopping', `ends this fit after epoch ${e + 1}, before step ${t.step} (epoch ${epoch + 1}); trace an earlier step or without it`);
  }
  let pos = ((t.step - 1) % perEpoch) * s.batchSize;
  if (t.rows) { order().set(t.rows, 0); pos = 0; }
  const batch = Array.from(order().subarray(pos, pos + count));
  const inputs = network.inputs, targets = targetWidth(network);
  const bx = new Float64Array(count * inputs), by = new Float64Array(count * targets);
  batch.forEach((r, i) => { bx.set(data.data.subarray(r * inputs, (r + 1) * inputs), i * inputs); by.set(data.ys.subarray(r * targets, (r + 1) * targets), i * targets); });

  const before = ws.params().slice();
  const l = ws.layout;
  const f = () => engine.f64;
  const slice = (at: number, len: number) => f().slice(at, at + len);
  const numeric = !t.numeric ? null
    : network.layers.some((layer) => layer.dropout > 0) ? droppedGradients(ws, s, pos, count)
    : numericGradients(ws.params(), () => ws.run(bx, by, count).loss);
  // the state scalars as the kernels hold them (SETTING), before and after the step
  const scalars = () => Object.fromEntries(STATE_SCALAR_NAMES.map((name) => [name, f()[l.settings + SETTING[STATE_SCALARS[name].slot]]!])) as Record<StateScalar, number>;
  const scalarsBefore = scalars();
  const stateBefore = Object.fromEntries(STATE_ARRAYS.map((name) => [name, slice(l.state[name], l.count)])) as Record<StateArray, Float64Array>;
  const penalty = engine.regularizerPenalty(net);

  writeScheduledRate(f(), l, s.optimizer);
  const rate = f()[l.settings + SETTING.LEARNING_RATE]!;
  const loss = engine.traceStep(net, pos, count);

  const grads = slice(l.grads, l.count);
  const after = ws.params().slice();
  const rowsOf = (flat: Float64Array, width: number) => Array.from({ length: count }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));
  // What each layer took: the batch, then the layer below's A (after a Dropout, a ⊙ mask).
  const took = network.layers.map((_, i) => (i === 0 ? bx : slice(l.layers[i - 1]!.a, count * l.layers[i]!.inputs)));
  const L = network.layers.length;
  const layers: TraceLayer[] = network.layers.map((spec, i) => {
    const at = l.layers[i]!, size = count * at.units;
    const act = codeOf(ACTIVATIONS, spec.activation, 'activation');
    const params = before.subarray(at.w - l.params, at.b - l.params + at.units);
    const z = at.z !== 0 ? slice(at.z, size) : alone(engine.kind, at.inputs, at.units, 'linear', 'mse', params).run(took[i]!, undefined, count).outputs.slice();
    // A holds act(z) but where a Dropout has dropped it: the kernels' activation of the same z, as their backward recomputes it.
    const alpha = spec.alpha ?? 0;
    const a = at.mask !== 0 ? z.map((v) => engine.activation(v, act, alpha)) : slice(at.a, size);
    const layer: TraceLayer = {
      units: spec.units,
      activation: spec.activation,
      ...(spec.alpha !== undefined ? { alpha: spec.alpha } : {}),
      inputs: rowsOf(took[i]!, at.inputs),
      z: rowsOf(z, at.units),
      activations: rowsOf(a, at.units),
      // softmax's elementwise part is 1 (assembly/activations.ts): its Jacobian is applied to ∂L/∂z whole rows at a time
      derivatives: rowsOf(spec.activation === 'softmax' ? z.map(() => 1) : z.map((v) => engine.activationDerivative(v, act, alpha)), at.units),
      dLda: null,
      dLdz: rowsOf(slice(at.d, size), at.units),
    };
    if (at.mask !== 0) layer.dropout = { rate: spec.dropout, scale: 1 / (1 - spec.dropout), mask: rowsOf(slice(at.mask, size), at.units), outputs: rowsOf(slice(at.a, size), at.units) };
    return layer;
  });
  const last = layers[L - 1]!, output = network.layers[L - 1]!;
  // Each row's loss: the kernels' loss of the output layer alone on what it took (no regularizer, and the Dropout below already applied).
  const lone = alone(engine.kind, l.layers[L - 1]!.inputs, output.units, output.activation, lossSpec(network), before.subarray(l.layers[L - 1]!.w - l.params));
  const lastIn = took[L - 1]!, width = l.layers[L - 1]!.inputs;
  const rowLosses = Array.from({ length: count }, (_, r) => lone.run(lastIn.slice(r * width, (r + 1) * width), by.slice(r * targets, (r + 1) * targets), 1).loss);
  const dLdyhat = lossDerivative(network, last.activations, rowsOf(by, targets), count);
  last.dLda = dLdyhat;
  // Below the output: ∂L/∂aⱼ = Σₖ ∂L/∂zₖ·wₖⱼ, k in order from the first term, as the kernels sum it.
  for (let i = L - 2; i >= 0; i--) {
    const above = layers[i + 1]!, w = l.layers[i + 1]!.w - l.params;
    layers[i]!.dLda = above.dLdz.map((d) => Array.from({ length: layers[i]!.units }, (_, j) => {
      let s = d[0]! * before[w + j]!;
      for (let k = 1; k < above.units; k++) s += d[k]! * before[w + k * layers[i]!.units + j]!;
      return s;
    }));
  }

  const row = OPTIMIZER_ROWS[s.optimizer.optimizer];
  const iterations = f()[l.settings + SETTING.ITERATIONS]!;
  const keras = (p: Float64Array) => toKeras(network, p);
  // the settings of this update: with a schedule, the rate it gave this step
  const settings = { ...s.optimizer, learningRate: rate };
  const update: TraceUpdate = { settings, iterations, deltas: keras(after.map((v, i) => v - before[i]!)) };
  const scalarsAfter = scalars();
  for (const name of Object.keys(row.state(s.optimizer)) as StateName[]) {
    if (isStateArray(name)) update[name] = { before: keras(stateBefore[name]), after: keras(slice(l.state[name], l.count)) };
    else update[name] = { before: scalarValue(scalarsBefore, name), after: scalarValue(scalarsAfter, name) };
  }
  if (row.stepSize) update.alpha = row.stepSize(settings, { beta1Power: update.beta1Power?.after, beta2Power: update.beta2Power?.after });
  state.save(f(), l);

  return {
    engine: engine.kind,
    step: t.step,
    epoch: epoch + 1,
    rows: batch,
    x: rowsOf(bx, inputs),
    y: rowsOf(by, targets),
    layers,
    loss,
    rowLosses,
    penalty,
    dLdyhat,
    gradients: keras(grads),
    numericGradients: numeric && keras(numeric),
    chains: chains(network, layers, keras(grads), numeric && keras(numeric), before),
    update,
    weights: keras(before),
    newWeights: keras(after),
  };
}

/** Central differences of `loss()` in every parameter of `p` (the workspace's, changed one at a time and put back). */
function numericGradients(p: Float64Array, loss: () => number): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!, h = 1e-6 * Math.max(1, Math.abs(v));
    p[i] = v + h;
    const up = loss();
    p[i] = v - h;
    const down = loss();
    p[i] = v;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

/**
 * Central differences of the loss of the batch ORDER[pos .. pos + count) with the Dropout masks the
 * traced step is about to draw: each loss is the kernels' step from the generator's present state,
 * under plain SGD with learning rate 0, which changes no parameter. The generator and the optimizer
 * settings are put back.
 */
function droppedGradients(ws: Workspace, s: Settings, pos: number, count: number): Float64Array {
  const { engine, layout } = ws;
  const random = engine.i32[layout.net + NET.RANDOM]!, iterations = engine.f64[layout.settings + SETTING.ITERATIONS]!;
  writeOptimizer(engine.f64, engine.i32, layout, { ...s.optimizer, optimizer: 'sgd', learningRate: 0, momentum: 0, nesterov: false, clipping: { kind: 'none', bound: 0 } });
  try {
    return numericGradients(ws.params(), () => {
      engine.i32[layout.net + NET.RANDOM] = random;
      return engine.step(layout.net, pos, count);
    });
  } finally {
    engine.i32[layout.net + NET.RANDOM] = random;
    engine.f64[layout.settings + SETTING.ITERATIONS] = iterations;
    writeOptimizer(engine.f64, engine.i32, layout, s.optimizer);
  }
}

/** One Dense layer as a network of its own, holding the given parameters: the kernels' forward (and loss) of that layer alone. */
function alone(kind: EngineKind, inputs: number, units: number, activation: Activation, loss: LossSpec, params: Float64Array): Workspace {
  const ws = new Workspace(kind, checkSpec({ inputs, layers: [{ units, activation }], loss }));
  ws.params().set(params);
  return ws;
}

/**
 * ∂L/∂ŷ of the batch's loss, each row's share (1/rows of the row's own, as the kernels scale ∂L/∂z):
 * for mse 2(ŷ − y)/outputs, for the other elementwise losses their term's slope (the JS engine's, the
 * kernels' own lines) over the outputs they average. The kernels fold it into ∂L/∂z and never store
 * it. None (null) where ∂L/∂z comes straight from the logits, or for categoricalHinge, whose ∂L/∂ŷ
 * shares out a row's maximum: the trace shows its ∂L/∂z.
 */
function lossDerivative(network: Network, yhat: number[][], y: number[][], rows: number): number[][] | null {
  const { loss, lossParameter } = network;
  const row = LOSS_ROWS[loss];
  if (row.fromLogits || row.overOutputs === 'row') return null;
  if (loss === 'mse') return yhat.map((row, r) => row.map((p, o) => 2 * (p - y[r]![o]!) / row.length / rows));
  const code = codeOf(LOSSES, loss, 'loss'), averaged = row.overOutputs === 'mean';
  return yhat.map((row, r) => row.map((p, o) => {
    term(code, p, y[r]![o]!, lossParameter);
    return (averaged ? termSlope() / row.length : termSlope()) / rows;
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
  checkName(network, layer, unit, 0);
  const layers = network.layers.length;
  if (layer === 0) return `x${sub(unit + 1)}`;
  if (layer === layers) return network.layers[layers - 1]!.units === 1 ? 'ŷ' : `ŷ${sub(unit + 1)}`;
  return layers === 2 ? `h${sub(unit + 1)}` : `h${digits(layer, SUP)}${sub(unit + 1)}`;
}

/** A parameter's name as the tutorial writes it: the weight wˡᵢⱼ from input i to unit j of layer l, or the bias bˡⱼ (the index left out where the layer has one unit). */
export function paramName(network: Names, layer: number, input: number | undefined, unit: number): string {
  checkName(network, layer, unit, 1);
  if (input !== undefined && !(Number.isInteger(input) && input >= 0 && input < (layer === 1 ? network.inputs : network.layers[layer - 2]!.units))) fail('input', `expected a unit of the layer below (from 0), or undefined for the bias, got ${show(input)}`);
  const single = network.layers[layer - 1]!.units === 1;
  const idx = input === undefined ? (single ? '' : sub(unit + 1)) : single ? sub(input + 1) : sub(input + 1, unit + 1);
  return `${input === undefined ? 'b' : 'w'}${digits(layer, SUP)}${idx}`;
}

/** zˡⱼ, unit j's sum before its activation (zˡ where layer l has one unit). */
export function zName(network: Names, layer: number, unit: number): string {
  checkName(network, layer, unit, 1);
  return `z${digits(layer, SUP)}${network.layers[layer - 1]!.units === 1 ? '' : sub(unit + 1)}`;
}

/** What the names depend on: the widths. */
type Names = { inputs: number; layers: readonly { units: number }[] };

/** Checks a name's place: `network` with its widths (a Model's network), a layer from `first` (0: the inputs) to the last, a unit of it (from 0). */
function checkName(network: Names, layer: number, unit: number, first: number): void {
  const n = network as Partial<Names> | null;
  if (typeof n !== 'object' || n === null || typeof n.inputs !== 'number' || !Array.isArray(n.layers)) fail('network', `expected a network's widths ({ inputs, layers }: a Model's network), got ${show(network)}`);
  const layers = n.layers.length;
  if (!Number.isInteger(layer) || layer < first || layer > layers) fail('layer', `expected a layer from ${first} to ${layers}${first === 0 ? ' (0: the inputs)' : ''}, got ${show(layer)}`);
  const units = layer === 0 ? n.inputs : n.layers[layer - 1]!.units;
  if (!Number.isInteger(unit) || unit < 0 || unit >= units) fail('unit', `expected a unit of layer ${layer}, from 0 to ${units - 1}, got ${show(unit)}`);
}

/** Every parameter's chain, in the Keras layout. `l` counts Dense layers from 1 here, 0 being the inputs. */
function chains(network: Network, layers: TraceLayer[], gradients: Weights, numeric: Weights | null, params: Float64Array): (ParamChain[][] | ParamChain[])[] {
  const L = layers.length;
  const rows = layers[0]!.inputs.length;
  const units = (l: number) => (l === 0 ? network.inputs : layers[l - 1]!.units);
  const weight = (l: number, i: number, j: number, at: number): Factor => ({ name: paramName(network, l, i, j), value: params[at + j * units(l - 1) + i]! });
  // Unit j of layer l on row r as the layer above took it: the activation, then its Dropout's mask (1 or 0) and 1/(1 − rate).
  const passed = (l: number, r: number, j: number): Factor[] => {
    const layer = layers[l - 1]!, name = unitName(network, l, j);
    if (!layer.dropout) return [{ name, value: layer.activations[r]![j]! }];
    const { mask, scale, rate } = layer.dropout;
    return [{ name, value: layer.activations[r]![j]! }, { name: `m${name.slice(1)}`, value: mask[r]![j]! / scale }, { name: `1/(1 − ${rate})`, value: scale }];
  };
  const input = (l: number, r: number, i: number): Factor[] => (l === 1 ? [{ name: unitName(network, 0, i), value: layers[0]!.inputs[r]![i]! }] : passed(l - 1, r, i));
  // The paths from the loss down to ∂L/∂z of unit j of layer l (whose parameters start at `at`), each a list of factors.
  const pathsTo = (l: number, at: number, r: number, j: number): Factor[][] => {
    const layer = layers[l - 1]!;
    // the loss from the logit, or softmax's Jacobian: the path starts at the kernels' ∂L/∂z
    if (layer.dLda === null || layer.activation === 'softmax') return [[{ name: `∂L/∂${zName(network, l, j)}`, value: layer.dLdz[r]![j]! }]];
    const prime = { name: `${unitName(network, l, j)}′`, value: layer.derivatives[r]![j]! };
    if (l === L) return [[{ name: `∂L/∂${unitName(network, l, j)}`, value: layer.dLda[r]![j]! }, prime]];
    const above = at + units(l) * (units(l - 1) + 1);
    const drop = passed(l, r, j).slice(1);
    return Array.from({ length: units(l + 1) }, (_, k) => pathsTo(l + 1, above, r, k).map((p) => [...p, weight(l + 1, j, k, above), ...drop, prime])).flat();
  };
  const out: (ParamChain[][] | ParamChain[])[] = [];
  let at = 0;
  for (let l = 1; l <= L; l++) {
    const layer = layers[l - 1]!, spec = network.layers[l - 1]!;
    const withPaths = layers.slice(l).reduce((n, above) => n * above.units, 1) * rows <= MAX_PATHS;
    const dz = Array.from({ length: layer.units }, (_, j) => `∂L/∂${zName(network, l, j)}`);
    const below = layers[l - 2];
    const inputs = Array.from({ length: units(l - 1) }, (_, i) => (below?.dropout ? `dropout(${unitName(network, l - 1, i)})` : unitName(network, l - 1, i)));
    const start = at;
    const chain = (i: number | undefined, j: number, gradient: number, estimate: number | null): ParamChain => {
      const c: ParamChain = {
        name: paramName(network, l, i, j),
        gradient,
        numeric: estimate,
        factors: i === undefined ? [dz[j]!] : [dz[j]!, inputs[i]!],
        values: layer.dLdz.map((d, r) => (i === undefined ? [d[j]!] : [d[j]!, layer.inputs[r]![i]!])),
      };
      const { l1, l2 } = i === undefined ? spec.biasRegularizer : spec.kernelRegularizer;
      if (l1 !== 0 || l2 !== 0) {
        // the kernels' term, as assembly/regularizers.ts adds it: l1·sign(θ) + l2·2θ
        const w = i === undefined ? params[start + units(l) * units(l - 1) + j]! : params[start + j * units(l - 1) + i]!;
        c.penalty = { l1, l2, value: l1 * (w > 0 ? 1 : w < 0 ? -1 : 0) + l2 * (2 * w) };
      }
      if (withPaths) {
        c.paths = Array.from({ length: rows }, (_, r) => pathsTo(l, start, r, j).map((p) => (i === undefined ? p : [...p, ...input(l, r, i)])));
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
export function copyState(from: OptimizerState, to = new OptimizerState(from.arrays.momentums.length)): OptimizerState {
  to.owner = from.owner;
  for (const name of STATE_SCALAR_NAMES) to.scalars[name] = from.scalars[name];
  Object.assign(to.bases, from.bases);
  for (const name of STATE_ARRAYS) to.arrays[name].set(from.arrays[name]);
  return to;
}
