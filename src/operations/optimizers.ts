// One row per optimizer: everything the host knows of it. The kernels update in assembly/optimizers.ts
// (one function per optimizer), twinned in src/engines/js.ts; its code is its index in OPTIMIZERS
// (src/contract.ts). Fit's checks (src/optimizerSettings.ts), the settings the kernels read (src/layout.ts),
// trace, explain, the TF.js reference, the CLI's flags and help and docs/operations.md read these rows.
import { OPTIMIZERS, type CLIPPINGS, type NET_SLOTS, type SETTING_SLOTS } from '../contract.js';
import { fail, positiveFinite, show } from '../errors.js';
import { nonNegative, rowList, trueOrFalse, type Counterpart, type NoEquivalent, type RowBase } from './rows.js';
import type { ScheduleSettings } from './schedules.js';

/** An optimizer's name: one of OPTIMIZERS. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** A number from 0 up to `top`, which is allowed only when `closed` (a decay of 1 would divide by 0). */
function between(field: string, value: unknown, top: number, closed: boolean): number {
  if (typeof value !== 'number' || !(value >= 0 && (closed ? value <= top : value < top))) {
    fail(field, `expected a number from 0 ${closed ? 'to' : 'up to (not including)'} ${top}, got ${show(value)}`);
  }
  return value;
}

interface HyperparameterRow<T> {
  /** What it does, for the option's doc, --help and docs/operations.md. */
  help: string;
  /** Its name in formulas (explain). */
  symbol: string;
  /** The value where an optimizer that takes it gives none of its own. */
  default: T;
  /** The value checked, or a BackpropError naming `field`. */
  check(field: string, value: unknown): T;
  /** The f64 setting the kernels read it from (booleans as 1 or 0); null: the host's alone (it sets where the state starts). */
  slot: (typeof SETTING_SLOTS)[number] | null;
}

/** Every optimizer hyperparameter but the learning rate: an option of fit, a CLI flag of the same name, a setting of the kernels. */
export const HYPERPARAMETERS = {
  momentum: {
    help: 'how much of the previous step carries into the next, 0 to 1', symbol: 'μ', default: 0,
    check: (field: string, v: unknown) => between(field, v, 1, true), slot: 'MOMENTUM',
  },
  nesterov: { help: "Nesterov's form of momentum (needs a momentum > 0)", symbol: 'Nesterov', default: false, check: trueOrFalse, slot: 'NESTEROV' },
  beta1: { help: "decay of the gradient's running mean, 0 up to 1", symbol: 'β₁', default: 0.9, check: (field: string, v: unknown) => between(field, v, 1, false), slot: 'BETA_1' },
  beta2: { help: "decay of the squared gradient's running mean, 0 up to 1", symbol: 'β₂', default: 0.999, check: (field: string, v: unknown) => between(field, v, 1, false), slot: 'BETA_2' },
  rho: { help: "decay of the squared gradient's running mean, 0 up to 1", symbol: 'ρ', default: 0.9, check: (field: string, v: unknown) => between(field, v, 1, false), slot: 'RHO' },
  epsilon: { help: 'added to the divisor to keep it away from 0, > 0', symbol: 'ε', default: 1e-7, check: positiveFinite, slot: 'EPSILON' },
  amsgrad: { help: 'divide by the largest v so far (AMSGrad)', symbol: 'AMSGrad', default: false, check: trueOrFalse, slot: 'AMSGRAD' },
  centered: { help: "divide by the gradient's running variance, not its mean square", symbol: 'centered', default: false, check: trueOrFalse, slot: 'CENTERED' },
  weightDecay: {
    help: 'decoupled weight decay: each update first takes θ·weightDecay·lr off every parameter, ≥ 0', symbol: 'wd', default: 0,
    check: (field: string, v: unknown) => nonNegative(field, v), slot: 'WEIGHT_DECAY',
  },
  initialAccumulatorValue: {
    help: 'where the accumulated squared gradient starts, ≥ 0', symbol: 'a₀', default: 0.1,
    check: (field: string, v: unknown) => nonNegative(field, v), slot: null,
  },
} satisfies Record<string, HyperparameterRow<number> | HyperparameterRow<boolean>>;

/** An optimizer hyperparameter's name: a key of HYPERPARAMETERS. */
export type Hyperparameter = keyof typeof HYPERPARAMETERS;
/** The names of HYPERPARAMETERS, in order. */
export const HYPERPARAMETER_NAMES = Object.keys(HYPERPARAMETERS) as Hyperparameter[];
type Value<K extends Hyperparameter> = (typeof HYPERPARAMETERS)[K]['default'];

/** The optimizer and every hyperparameter, each with its default filled in (one the optimizer does not take keeps the table's default). */
export type OptimizerSettings = {
  optimizer: OptimizerName;
  /** The rate of every update, or with a schedule the rate of the first (step 0). */
  learningRate: number;
  /** Keras's learning-rate schedule, stepped per update; null: the constant learningRate. */
  schedule: ScheduleSettings | null;
  /** The gradients' clipping before the update (any optimizer), and its bound; kind 'none' bound 0 without. */
  clipping: { kind: (typeof CLIPPINGS)[number]; bound: number };
} & { [K in Hyperparameter]: Value<K> };

/**
 * The arrays of optimizer state, each laid out as the parameters in a region of its own (NET_SLOTS):
 * what an optimizer carries from one update to the next beside `iterations`. A checkpoint saves each.
 */
export const STATE_ARRAYS = ['momentums', 'velocities', 'accumulators'] as const;
export type StateArray = (typeof STATE_ARRAYS)[number];

/** The descriptor's slot (NET_SLOTS) that says where each state array lives. */
export const STATE_SLOTS = { momentums: 'MOMENTUMS', velocities: 'VELOCITIES', accumulators: 'ACCUMULATORS' } as const satisfies Record<StateArray, (typeof NET_SLOTS)[number]>;

/**
 * The scalars of optimizer state, each in a setting the kernels advance, with the value a fresh
 * optimizer starts from: Keras's `iterations` and Nadam's `u_product`, and the powers of the bias
 * corrections, which Keras computes as βᵗ each update and the kernels keep as running products, each
 * a double-double (name, then nameLow). A checkpoint saves each; `kind` says what a saved one may be:
 * a count, a product of factors from 0 to 1, or a product's low part. `power` says what a power is
 * the power of: its base (a setting's name, or a number) to the update count plus `ahead`.
 */
export const STATE_SCALARS = {
  iterations: { slot: 'ITERATIONS', initial: 0, kind: 'count', power: null },
  // Πμ multiplies each update's μ by the β₁ of that update (a fit continued with another β₁ keeps it, as Keras's does)
  uProduct: { slot: 'U_PRODUCT', initial: 1, kind: 'product', power: null },
  beta1Power: { slot: 'BETA_1_POWER', initial: 1, kind: 'product', power: { base: 'beta1', ahead: 0 } },
  beta1PowerLow: { slot: 'BETA_1_POWER_LOW', initial: 0, kind: 'low', power: null },
  beta2Power: { slot: 'BETA_2_POWER', initial: 1, kind: 'product', power: { base: 'beta2', ahead: 0 } },
  beta2PowerLow: { slot: 'BETA_2_POWER_LOW', initial: 0, kind: 'low', power: null },
  // nadam's is one update ahead: 0.96ᵗ⁺¹ (its schedule reads 0.96ᵗ and 0.96ᵗ⁺¹ each update)
  decayPower: { slot: 'DECAY_POWER', initial: 0.96, kind: 'product', power: { base: 0.96, ahead: 1 } },
  decayPowerLow: { slot: 'DECAY_POWER_LOW', initial: 0, kind: 'low', power: null },
} as const satisfies Record<string, {
  slot: (typeof SETTING_SLOTS)[number]; initial: number; kind: 'count' | 'product' | 'low';
  power: { base: 'beta1' | 'beta2' | number; ahead: number } | null;
}>;
export type StateScalar = keyof typeof STATE_SCALARS;
export const STATE_SCALAR_NAMES = Object.keys(STATE_SCALARS) as StateScalar[];
/** The powers βᵗ (and nadam's 0.96ᵗ⁺¹): the state scalars with a `power`. */
export type PowerName = { [K in StateScalar]: (typeof STATE_SCALARS)[K]['power'] extends null ? never : K }[StateScalar];
export const POWER_NAMES = STATE_SCALAR_NAMES.filter((name): name is PowerName => STATE_SCALARS[name].power !== null);

/** The state scalars a trace shows, before and after the step: nadam's uProduct and the powers (rounded). */
export type ShownScalar = Exclude<StateScalar, 'iterations' | `${string}Low`>;

/** A state scalar as the kernels read it: a power rounded from its double-double (high + low), uProduct as it is. */
export function scalarValue(scalars: Readonly<Record<StateScalar, number>>, name: ShownScalar): number {
  return name === 'uProduct' ? scalars[name] : scalars[name] + scalars[`${name}Low`];
}

/** What an optimizer keeps beyond `iterations`, by name: state arrays, nadam's uProduct and the powers (rounded). */
export type StateName = StateArray | ShownScalar;

/**
 * One thing an optimizer keeps (its row's `state`): what it holds, its symbol then what it is (explain
 * writes the symbol), and for an array, `nonNegative` where the updates can never make an element
 * negative from a start ≥ 0 — a running mean or a sum of squares, a running maximum of |g| — so that
 * a negative one (a corrupted checkpoint's) is refused rather than trained into NaN by the √ of it.
 */
export interface StateHeld {
  holds: string;
  nonNegative?: true;
}

/** The symbol of what an optimizer keeps, as explain writes it: `v` of "v, the squared gradient's running mean". */
export const symbolOf = (what: StateHeld): string => what.holds.split(',')[0]!;

export function isStateArray(name: StateName): name is StateArray {
  return (STATE_ARRAYS as readonly string[]).includes(name);
}

/** One parameter's update as explain writes it: the numbers of that parameter, and the number format. */
export interface UpdateValues {
  /** θ before and its gradient. */
  p: number;
  g: number;
  /** The state the optimizer keeps (its row's `state`), before and after the step: this parameter's element of each array, and the scalars. */
  before: Partial<Record<StateName, number>>;
  after: Partial<Record<StateName, number>>;
  /** Adam's folded step size (stepSize). */
  alpha?: number;
  /** A number as explain prints it, and as a factor of a product (negative ones in parentheses). */
  num(x: number): string;
  factor(x: number): string;
}

/**
 * The part of TensorFlow.js the rows call (tf.train's optimizers), described here so that the library's
 * types need no TensorFlow.js; src/yardsticks/tfjsReference.ts hands the real module.
 */
export interface TfTrain {
  train: {
    sgd(learningRate: number): unknown;
    momentum(learningRate: number, momentum: number, useNesterov?: boolean): unknown;
    adam(learningRate?: number, beta1?: number, beta2?: number, epsilon?: number): unknown;
    rmsprop(learningRate: number, decay?: number, momentum?: number, epsilon?: number): unknown;
    adagrad(learningRate: number, initialAccumulatorValue?: number): unknown;
    adamax(learningRate?: number, beta1?: number, beta2?: number, epsilon?: number): unknown;
  };
}

/** Everything known about one optimizer: one row of the operation table (OPTIMIZER_LIST). */
export interface OptimizerRow extends RowBase {
  /** Keras 3's default learning rate. */
  learningRate: number;
  /** The hyperparameters it reads, each with Keras 3's default for this optimizer. */
  takes: { [K in Hyperparameter]?: Value<K> };
  /** Checks across its hyperparameters, once each passed its own check. */
  refine(s: OptimizerSettings): void;
  /** The state it keeps under these settings, each with what it holds (Keras's name) and which arrays are never negative; every array not named stays 0. */
  state(s: OptimizerSettings): Partial<Record<StateName, StateHeld>>;
  /** Where its state arrays start when it starts afresh, where not at 0. */
  initial(s: OptimizerSettings): Partial<Record<StateArray, number>>;
  /** Adam's step size with the bias corrections folded in, from the state after the update (its powers; trace's `alpha`); null for the others. */
  stepSize: ((s: OptimizerSettings, after: Partial<Record<StateName, number>>) => number) | null;
  /** The update as explain heads it: the rule in symbols, with the settings' values (adam's: its step size `alpha`). */
  formula(s: OptimizerSettings, iterations: number, num: (x: number) => string, alpha?: number): string;
  /** One parameter's update as explain writes it, with its values: the right-hand side of θ ← …. */
  rule(s: OptimizerSettings, v: UpdateValues): string;
  /** TensorFlow.js's optimizer that updates as this one does (a tf.Optimizer), for the reference runs; or, for these settings or any, why there is none. */
  tfjs: Counterpart<(tf: TfTrain, s: OptimizerSettings) => unknown>;
  /** ONNX's: none, an ONNX model here being for inference. */
  onnx: NoEquivalent;
}

const INFERENCE_ONLY = { none: 'an ONNX model holds the forward pass for inference; it carries no optimizer' };
/** As assembly/optimizers.ts's adam_update computes it, from the powers the kernels advanced (the same bits). */
const adamStepSize = (s: OptimizerSettings, after: Partial<Record<StateName, number>>) => s.learningRate * Math.sqrt(1.0 - after.beta2Power!) / (1.0 - after.beta1Power!);
const none = () => ({});
/** State of either sign (a momentum, a running mean of g), or of the power scalars; and an array the updates keep ≥ 0 (StateHeld). */
const held = (holds: string): StateHeld => ({ holds });
const neverNegative = (holds: string): StateHeld => ({ holds, nonNegative: true });
const MOMENT = held("m, the gradient's running mean");
// v ← v + (g² − v)(1 − β₂) is β₂·v + (1 − β₂)·g², and stays ≥ 0 in floating point too: g² − v rounds
// to at least −v, a factor 1 − β₂ ≤ 1 keeps it at least −v, and v plus it is at least 0.
const SQUARES = neverNegative("v, the squared gradient's running mean");
/** TensorFlow.js fixes ε at its backend's 1e-7 in some optimizers: with another ε there is no counterpart. */
const fixedEpsilon = (name: string, s: OptimizerSettings) => (s.epsilon === 1e-7 ? undefined : { none: `TensorFlow.js's ${name} takes its backend's ε (1e-7), not ${s.epsilon}` });

/** Adam's and AdamW's update: amsgrad divides by v̂, the largest v so far. */
const adamRule = (s: OptimizerSettings, v: UpdateValues) =>
  `${v.num(v.alpha!)}·${v.factor(v.after.momentums!)}/(√${v.num(s.amsgrad ? v.after.accumulators! : v.after.velocities!)} + ${s.epsilon})`;
const adamFormula = (s: OptimizerSettings, num: (x: number) => string, alpha: number) =>
  `m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂), ${s.amsgrad ? 'v̂ ← max(v̂, v), ' : ''}θ ← θ − ${s.weightDecay ? 'θ·wd·lr − ' : ''}α·m/(√${s.amsgrad ? 'v̂' : 'v'} + ε) with α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) = ${num(alpha)}`;
const BETA_1_POWER = held('β₁ᵗ, β₁ to the power of the update count'), BETA_2_POWER = held('β₂ᵗ, β₂ to the power of the update count');
const adamState = (s: OptimizerSettings): Partial<Record<StateName, StateHeld>> => ({
  // v̂ = max(v̂, v), from 0
  momentums: MOMENT, velocities: SQUARES, ...(s.amsgrad ? { accumulators: neverNegative('v̂, the largest v so far') } : {}), beta1Power: BETA_1_POWER, beta2Power: BETA_2_POWER,
});

/** Nadam's momentum schedule μ = β₁·(1 − 0.5·0.96ᵗ), as Keras's, from the power 0.96ᵗ. */
const nadamMu = (s: OptimizerSettings, decayPower: number) => s.beta1 * (1.0 - 0.5 * decayPower);

const ROWS = {
  sgd: {
    help: 'stochastic gradient descent: θ ← θ − lr·g, with optional (Nesterov) momentum',
    kernel: 'sgdUpdate', learningRate: 0.01, takes: { momentum: 0, nesterov: false },
    refine: (s) => { if (s.nesterov && s.momentum === 0) fail('nesterov', 'Nesterov momentum needs a momentum > 0'); },
    state: (s): Partial<Record<StateName, StateHeld>> => (s.momentum !== 0 ? { momentums: held('m, the velocity') } : {}),
    initial: none,
    stepSize: null,
    formula: (s, _t, num) => (s.momentum
      ? `sgd, lr ${num(s.learningRate)}, momentum μ ${s.momentum}${s.nesterov ? ', Nesterov' : ''}: m ← μ·m − lr·g, θ ← θ ${s.nesterov ? '+ μ·m − lr·g' : '+ m'}`
      : `sgd, lr ${num(s.learningRate)}: θ ← θ − lr·∂L/∂θ`),
    rule: (s, v) => {
      const p = v.num(v.p), g = v.factor(v.g), lr = v.num(s.learningRate);
      if (!s.momentum) return `${p} − ${lr}·${g}`;
      const m = v.factor(v.after.momentums!);
      return s.nesterov ? `${p} + ${s.momentum}·${m} − ${lr}·${g}` : `${p} + ${m}`;
    },
    // TensorFlow.js's momentum accumulates Σ μᵏ·g and steps by lr times it; for a constant learning
    // rate that is Keras's velocity divided by −lr, the same update.
    tfjs: (tf, s) => (s.momentum === 0 ? tf.train.sgd(s.learningRate) : tf.train.momentum(s.learningRate, s.momentum, s.nesterov)),
    onnx: INFERENCE_ONLY,
  },
  adam: {
    help: "Adam: running means of the gradient (m) and of its square (v), with Keras's bias corrections; amsgrad divides by the largest v so far",
    kernel: 'adamUpdate', learningRate: 0.001, takes: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false },
    refine: () => {},
    state: adamState,
    initial: none,
    stepSize: adamStepSize,
    formula: (s, t, num, alpha) => `adam${s.amsgrad ? ' (amsgrad)' : ''}, lr ${num(s.learningRate)}, β₁ ${s.beta1}, β₂ ${s.beta2}, ε ${s.epsilon}, t ${t}: ${adamFormula(s, num, alpha!)}`,
    rule: (s, v) => `${v.num(v.p)} − ${adamRule(s, v)}`,
    // TensorFlow.js adds ε to the bias-corrected √v̂, Keras to √v: test/parity.test.ts says why the bounds hold.
    tfjs: (tf, s) => (s.amsgrad ? { none: "TensorFlow.js's adam has no amsgrad" } : tf.train.adam(s.learningRate, s.beta1, s.beta2, s.epsilon)),
    onnx: INFERENCE_ONLY,
  },
  rmsprop: {
    help: "RMSprop: divides by the root of the squared gradient's running mean (centered: its running variance), with optional momentum",
    kernel: 'rmspropUpdate', learningRate: 0.001, takes: { rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
    refine: () => {},
    // v = ρ·v + (1 − ρ)·g², a sum of terms ≥ 0; centered, ḡ = ρ·ḡ + (1 − ρ)·g takes g's sign
    state: (s): Partial<Record<StateName, StateHeld>> => ({
      velocities: SQUARES, ...(s.momentum !== 0 ? { momentums: held('m, the momentum') } : {}), ...(s.centered ? { accumulators: held("ḡ, the gradient's running mean") } : {}),
    }),
    initial: none,
    stepSize: null,
    formula: (s, _t, num) => {
      const root = s.centered ? '√(v − ḡ² + ε)' : '√(v + ε)';
      const head = `rmsprop${s.centered ? ' (centered)' : ''}, lr ${num(s.learningRate)}, ρ ${s.rho}, ε ${s.epsilon}`;
      const mean = `v ← ρ·v + (1 − ρ)·g², ${s.centered ? 'ḡ ← ρ·ḡ + (1 − ρ)·g, ' : ''}`;
      return s.momentum ? `${head}, momentum μ ${s.momentum}: ${mean}m ← μ·m + lr·g/${root}, θ ← θ − m` : `${head}: ${mean}θ ← θ − lr·g/${root}`;
    },
    rule: (s, v) => {
      if (s.momentum) return `${v.num(v.p)} − ${v.factor(v.after.momentums!)}   (v ${v.num(v.after.velocities!)}${s.centered ? `, ḡ ${v.num(v.after.accumulators!)}` : ''})`;
      const root = s.centered ? `√(${v.num(v.after.velocities!)} − ${v.factor(v.after.accumulators!)}² + ${s.epsilon})` : `√(${v.num(v.after.velocities!)} + ${s.epsilon})`;
      return `${v.num(v.p)} − ${v.num(s.learningRate)}·${v.factor(v.g)}/${root}`;
    },
    // tfjs-core's rmsprop_optimizer.js, centered: √(v − (ḡ² + ε)), where Keras has √(v − ḡ² + ε)
    tfjs: (tf, s) => (s.centered ? { none: "TensorFlow.js's centered rmsprop takes ε off the variance (√(v − ḡ² − ε)) where Keras adds it" } : tf.train.rmsprop(s.learningRate, s.rho, s.momentum, s.epsilon)),
    onnx: INFERENCE_ONLY,
  },
  adagrad: {
    help: 'Adagrad: divides by the root of every squared gradient so far, accumulated from initialAccumulatorValue',
    kernel: 'adagradUpdate', learningRate: 0.001, takes: { initialAccumulatorValue: 0.1, epsilon: 1e-7 },
    refine: () => {},
    // a += g², from initialAccumulatorValue ≥ 0
    state: () => ({ accumulators: neverNegative('a, the accumulated squared gradient') }),
    initial: (s) => ({ accumulators: s.initialAccumulatorValue }),
    stepSize: null,
    formula: (s, _t, num) => `adagrad, lr ${num(s.learningRate)}, ε ${s.epsilon}: a ← a + g², θ ← θ − lr·g/√(a + ε)`,
    rule: (s, v) => `${v.num(v.p)} − ${v.num(s.learningRate)}·${v.factor(v.g)}/√(${v.num(v.after.accumulators!)} + ${s.epsilon})`,
    tfjs: (tf, s) => fixedEpsilon('adagrad', s) ?? tf.train.adagrad(s.learningRate, s.initialAccumulatorValue),
    onnx: INFERENCE_ONLY,
  },
  adadelta: {
    help: 'Adadelta: steps by the ratio of the running roots of the squared steps and the squared gradients',
    kernel: 'adadeltaUpdate', learningRate: 0.001, takes: { rho: 0.95, epsilon: 1e-7 },
    refine: () => {},
    // each ρ·E + (1 − ρ)·x², a sum of terms ≥ 0
    state: () => ({ velocities: neverNegative("E[g²], the squared gradient's running mean"), accumulators: neverNegative("E[Δ²], the squared step's running mean") }),
    initial: none,
    stepSize: null,
    formula: (s, _t, num) => `adadelta, lr ${num(s.learningRate)}, ρ ${s.rho}, ε ${s.epsilon}: E[g²] ← ρ·E[g²] + (1 − ρ)·g², Δ = −√(E[Δ²] + ε)·g/√(E[g²] + ε), E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ², θ ← θ + lr·Δ`,
    rule: (s, v) => `${v.num(v.p)} − ${v.num(s.learningRate)}·√(${v.num(v.before.accumulators!)} + ${s.epsilon})·${v.factor(v.g)}/√(${v.num(v.after.velocities!)} + ${s.epsilon})`,
    // tfjs-core's adadelta_optimizer.js divides by √(E[g²] + ε) from before this step's g² enters it
    tfjs: { none: "TensorFlow.js's adadelta divides by the running mean of g² before this step's gradient enters it, Keras's after" },
    onnx: INFERENCE_ONLY,
  },
  adamax: {
    help: "Adamax: Adam with the infinity norm, u = max(β₂·u, |g|), in place of the squared gradient's mean",
    kernel: 'adamaxUpdate', learningRate: 0.001, takes: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    refine: () => {},
    // u = max(β₂·u, |g|)
    state: () => ({ momentums: MOMENT, velocities: neverNegative('u, the running infinity norm'), beta1Power: BETA_1_POWER }),
    initial: none,
    stepSize: null,
    formula: (s, t, num) => `adamax, lr ${num(s.learningRate)}, β₁ ${s.beta1}, β₂ ${s.beta2}, ε ${s.epsilon}, t ${t}: m ← m + (g − m)(1 − β₁), u ← max(β₂·u, |g|), θ ← θ − lr·m/((1 − β₁ᵗ)·(u + ε))`,
    rule: (s, v) => `${v.num(v.p)} − ${v.num(s.learningRate)}·${v.factor(v.after.momentums!)}/(${v.num(1.0 - v.after.beta1Power!)}·(${v.num(v.after.velocities!)} + ${s.epsilon}))`,
    tfjs: (tf, s) => tf.train.adamax(s.learningRate, s.beta1, s.beta2, s.epsilon),
    onnx: INFERENCE_ONLY,
  },
  nadam: {
    help: "Nadam: Adam with Nesterov momentum, on Keras's momentum schedule μₜ = β₁·(1 − 0.5·0.96ᵗ)",
    kernel: 'nadamUpdate', learningRate: 0.001, takes: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    refine: () => {},
    state: () => ({
      momentums: MOMENT, velocities: SQUARES, uProduct: held('Πμ, the product of the momentum schedule so far'), beta2Power: BETA_2_POWER, decayPower: held('0.96ᵗ⁺¹, the next term of the schedule'),
    }),
    initial: none,
    stepSize: null,
    formula: (s, t, num) => `nadam, lr ${num(s.learningRate)}, β₁ ${s.beta1}, β₂ ${s.beta2}, ε ${s.epsilon}, t ${t}: μₜ = β₁·(1 − 0.5·0.96ᵗ), Πμ ← Πμ·μₜ, m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂), m̂ = μₜ₊₁·m/(1 − Πμ·μₜ₊₁) + (1 − μₜ)·g/(1 − Πμ), v̂ = v/(1 − β₂ᵗ), θ ← θ − lr·m̂/(√v̂ + ε)`,
    rule: (s, v) => {
      // 0.96ᵗ is the power before the update, 0.96ᵗ⁺¹ the one after (assembly/optimizers.ts's nadam)
      const u = nadamMu(s, v.before.decayPower!), next = nadamMu(s, v.after.decayPower!), product = v.after.uProduct!;
      const mHat = next * v.after.momentums! / (1.0 - product * next) + (1.0 - u) * v.g / (1.0 - product);
      const vHat = v.after.velocities! / (1.0 - v.after.beta2Power!);
      return `${v.num(v.p)} − ${v.num(s.learningRate)}·${v.factor(mHat)}/(√${v.num(vHat)} + ${s.epsilon})   (m̂, v̂)`;
    },
    tfjs: { none: 'TensorFlow.js has no Nadam' },
    onnx: INFERENCE_ONLY,
  },
  adamw: {
    help: 'AdamW: Adam after a decoupled weight decay, θ ← θ − θ·weightDecay·lr, as Keras 3 applies it to every parameter',
    kernel: 'decayWeights', learningRate: 0.001, takes: { weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false },
    refine: () => {},
    state: adamState,
    initial: none,
    stepSize: adamStepSize,
    formula: (s, t, num, alpha) => `adamw${s.amsgrad ? ' (amsgrad)' : ''}, lr ${num(s.learningRate)}, wd ${s.weightDecay}, β₁ ${s.beta1}, β₂ ${s.beta2}, ε ${s.epsilon}, t ${t}: ${adamFormula(s, num, alpha!)}`,
    rule: (s, v) => `${v.num(v.p)} − ${v.num(v.p)}·${s.weightDecay}·${v.num(s.learningRate)} − ${adamRule(s, v)}`,
    tfjs: { none: 'TensorFlow.js has no AdamW' },
    onnx: INFERENCE_ONLY,
  },
} satisfies Record<OptimizerName, OptimizerRow>;

/** Every optimizer's row by name. */
export const OPTIMIZER_ROWS: Record<OptimizerName, OptimizerRow> = ROWS;

/** The rows in code order, each with its name and code. */
export const OPTIMIZER_LIST = rowList(OPTIMIZERS, OPTIMIZER_ROWS, 'optimizer');

/** `adam lr 0.001 (β₁ 0.9, β₂ 0.999, ε 1e-7)`: the settings as the CLI prints them; a hyperparameter at 0 or false is left out. */
export function settingsText(s: OptimizerSettings): string {
  const extra = (Object.keys(OPTIMIZER_ROWS[s.optimizer].takes) as Hyperparameter[]).flatMap((key) => {
    const v = s[key], symbol = HYPERPARAMETERS[key].symbol;
    return v === 0 || v === false ? [] : [typeof v === 'boolean' ? symbol : `${key === 'momentum' ? 'momentum' : symbol} ${v}`];
  });
  return `${s.optimizer} lr ${s.learningRate}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** The optimizers that take hyperparameter `key`. */
export function takersOf(key: Hyperparameter): OptimizerName[] {
  if (!HYPERPARAMETER_NAMES.includes(key)) fail('key', `expected a hyperparameter (${HYPERPARAMETER_NAMES.join(', ')}), got ${show(key)}`);
  return OPTIMIZERS.filter((name) => Object.hasOwn(OPTIMIZER_ROWS[name].takes, key));
}
