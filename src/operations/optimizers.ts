// One row per optimizer: everything the host knows of it. The kernels update in assembly/optimizers.ts
// (one function per optimizer), twinned in src/engines/js.ts; its code is its index in OPTIMIZERS
// (src/contract.ts). Fit's checks (src/optimizers.ts), the settings the kernels read (src/layout.ts),
// trace, explain, the TF.js reference, the CLI's flags and help and docs/operations.md read these rows.
import type * as TF from '@tensorflow/tfjs';
import { OPTIMIZERS, type NET_SLOTS, type SETTING_SLOTS } from '../contract.js';
import { fail, positiveFinite, show } from '../errors.js';
import { rowList, type Counterpart, type NoEquivalent, type RowBase } from './rows.js';
import { pow } from '../engines/math.js';

/** An optimizer's name: one of OPTIMIZERS. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** A number from 0 up to `top`, which is allowed only when `closed` (a decay of 1 would divide by 0). */
function between(field: string, value: unknown, top: number, closed: boolean): number {
  if (typeof value !== 'number' || !(value >= 0 && (closed ? value <= top : value < top))) {
    fail(field, `expected a number from 0 ${closed ? 'to' : 'up to (not including)'} ${top}, got ${show(value)}`);
  }
  return value;
}

function flag(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(field, `expected true or false, got ${show(value)}`);
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
  /** The f64 setting the kernels read it from (booleans as 1 or 0). */
  slot: (typeof SETTING_SLOTS)[number];
}

/** Every optimizer hyperparameter but the learning rate: an option of fit, a CLI flag of the same name, a setting of the kernels. */
export const HYPERPARAMETERS = {
  momentum: {
    help: 'how much of the previous step carries into the next, 0 to 1', symbol: 'μ', default: 0,
    check: (field: string, v: unknown) => between(field, v, 1, true), slot: 'MOMENTUM',
  },
  nesterov: { help: "Nesterov's form of momentum (needs a momentum > 0)", symbol: 'Nesterov', default: false, check: flag, slot: 'NESTEROV' },
  beta1: { help: "decay of the gradient's running mean, 0 up to 1", symbol: 'β₁', default: 0.9, check: (field: string, v: unknown) => between(field, v, 1, false), slot: 'BETA_1' },
  beta2: { help: "decay of the squared gradient's running mean, 0 up to 1", symbol: 'β₂', default: 0.999, check: (field: string, v: unknown) => between(field, v, 1, false), slot: 'BETA_2' },
  rho: { help: "decay of the squared gradient's running mean, 0 up to 1", symbol: 'ρ', default: 0.9, check: (field: string, v: unknown) => between(field, v, 1, false), slot: 'RHO' },
  epsilon: { help: 'added to the divisor to keep it away from 0, > 0', symbol: 'ε', default: 1e-7, check: positiveFinite, slot: 'EPSILON' },
} satisfies Record<string, HyperparameterRow<number> | HyperparameterRow<boolean>>;

/** An optimizer hyperparameter's name: a key of HYPERPARAMETERS. */
export type Hyperparameter = keyof typeof HYPERPARAMETERS;
/** The names of HYPERPARAMETERS, in order. */
export const HYPERPARAMETER_NAMES = Object.keys(HYPERPARAMETERS) as Hyperparameter[];
type Value<K extends Hyperparameter> = (typeof HYPERPARAMETERS)[K]['default'];

/** The optimizer and every hyperparameter, each with its default filled in (one the optimizer does not take keeps the table's default). */
export type OptimizerSettings = { optimizer: OptimizerName; learningRate: number } & { [K in Hyperparameter]: Value<K> };

/**
 * The arrays of optimizer state, each laid out as the parameters in a region of its own (NET_SLOTS):
 * what an optimizer carries from one update to the next beside `iterations`. A checkpoint saves each.
 */
export const STATE_ARRAYS = ['momentums', 'velocities'] as const;
export type StateArray = (typeof STATE_ARRAYS)[number];

/** The descriptor's slot (NET_SLOTS) that says where each state array lives. */
export const STATE_SLOTS = { momentums: 'MOMENTUMS', velocities: 'VELOCITIES' } as const satisfies Record<StateArray, (typeof NET_SLOTS)[number]>;

/** One parameter's update as explain writes it: the numbers of that parameter, and the number format. */
export interface UpdateValues {
  /** θ before, its gradient, and the state arrays after the step (where the optimizer keeps them). */
  p: number;
  g: number;
  after: Partial<Record<StateArray, number>>;
  /** Adam's folded step size (stepSize). */
  alpha?: number;
  /** A number as explain prints it, and as a factor of a product (negative ones in parentheses). */
  num(x: number): string;
  factor(x: number): string;
}

export type Tf = typeof TF;

/** Everything known about one optimizer: one row of the operation table (OPTIMIZER_LIST). */
export interface OptimizerRow extends RowBase {
  /** Keras 3's default learning rate. */
  learningRate: number;
  /** The hyperparameters it reads, each with Keras 3's default for this optimizer. */
  takes: { [K in Hyperparameter]?: Value<K> };
  /** Checks across its hyperparameters, once each passed its own check. */
  refine(s: OptimizerSettings): void;
  /** The state arrays it keeps under these settings, each with what it holds (Keras's name). */
  state(s: OptimizerSettings): Partial<Record<StateArray, string>>;
  /** Adam's step size at update t with the bias corrections folded in (trace's `alpha`); null for the others. */
  stepSize: ((s: OptimizerSettings, t: number) => number) | null;
  /** The update as explain heads it: the rule in symbols, with the settings' values. */
  formula(s: OptimizerSettings, iterations: number, num: (x: number) => string): string;
  /** One parameter's update as explain writes it, with its values: the right-hand side of θ ← …. */
  rule(s: OptimizerSettings, v: UpdateValues): string;
  /** TensorFlow.js's optimizer that updates as this one does, for the reference runs; or why there is none. */
  tfjs: Counterpart<(tf: Tf, s: OptimizerSettings) => TF.Optimizer>;
  /** ONNX's: none, an ONNX model here being for inference. */
  onnx: NoEquivalent;
}

const INFERENCE_ONLY = { none: 'an ONNX model holds the forward pass for inference; it carries no optimizer' };
const adamStepSize = (s: OptimizerSettings, t: number) => s.learningRate * Math.sqrt(1 - pow(s.beta2, t)) / (1 - pow(s.beta1, t));

const ROWS = {
  sgd: {
    help: 'stochastic gradient descent: θ ← θ − lr·g, with optional (Nesterov) momentum',
    kernel: 'sgdUpdate', learningRate: 0.01, takes: { momentum: 0, nesterov: false },
    refine: (s) => { if (s.nesterov && s.momentum === 0) fail('nesterov', 'Nesterov momentum needs a momentum > 0'); },
    state: (s): Partial<Record<StateArray, string>> => (s.momentum !== 0 ? { momentums: 'm, the velocity' } : {}),
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
    help: "Adam: running means of the gradient (m) and of its square (v), with Keras's bias corrections",
    kernel: 'adamUpdate', learningRate: 0.001, takes: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    refine: () => {},
    state: () => ({ momentums: "m, the gradient's running mean", velocities: "v, the squared gradient's running mean" }),
    stepSize: adamStepSize,
    formula: (s, t, num) => `adam, lr ${num(s.learningRate)}, β₁ ${s.beta1}, β₂ ${s.beta2}, ε ${s.epsilon}, t ${t}: m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂), θ ← θ − α·m/(√v + ε) with α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) = ${num(adamStepSize(s, t))}`,
    rule: (s, v) => `${v.num(v.p)} − ${v.num(v.alpha!)}·${v.factor(v.after.momentums!)}/(√${v.num(v.after.velocities!)} + ${s.epsilon})`,
    // TensorFlow.js adds ε to the bias-corrected √v̂, Keras to √v: test/parity.test.ts says why the bounds hold.
    tfjs: (tf, s) => tf.train.adam(s.learningRate, s.beta1, s.beta2, s.epsilon),
    onnx: INFERENCE_ONLY,
  },
  rmsprop: {
    help: "RMSprop: divides by the root of the squared gradient's running mean, with optional momentum",
    kernel: 'rmspropUpdate', learningRate: 0.001, takes: { rho: 0.9, momentum: 0, epsilon: 1e-7 },
    refine: () => {},
    state: (s): Partial<Record<StateArray, string>> => ({ velocities: "v, the squared gradient's running mean", ...(s.momentum !== 0 ? { momentums: 'm, the momentum' } : {}) }),
    stepSize: null,
    formula: (s, _t, num) => (s.momentum
      ? `rmsprop, lr ${num(s.learningRate)}, ρ ${s.rho}, ε ${s.epsilon}, momentum μ ${s.momentum}: v ← ρ·v + (1 − ρ)·g², m ← μ·m + lr·g/√(v + ε), θ ← θ − m`
      : `rmsprop, lr ${num(s.learningRate)}, ρ ${s.rho}, ε ${s.epsilon}: v ← ρ·v + (1 − ρ)·g², θ ← θ − lr·g/√(v + ε)`),
    rule: (s, v) => (s.momentum
      ? `${v.num(v.p)} − ${v.factor(v.after.momentums!)}   (v ${v.num(v.after.velocities!)})`
      : `${v.num(v.p)} − ${v.num(s.learningRate)}·${v.factor(v.g)}/√(${v.num(v.after.velocities!)} + ${s.epsilon})`),
    tfjs: (tf, s) => tf.train.rmsprop(s.learningRate, s.rho, s.momentum, s.epsilon),
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
  return OPTIMIZERS.filter((name) => Object.hasOwn(OPTIMIZER_ROWS[name].takes, key));
}
