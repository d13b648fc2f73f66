// The optimizer as fit takes it, checked against its row (src/operations/optimizers.ts), and the
// state it carries from one update to the next.
import { OPTIMIZERS } from './contract.js';
import { ddPow } from './engines/math.js';
import { fail, oneOf, positiveFinite } from './errors.js';
import {
  HYPERPARAMETER_NAMES, HYPERPARAMETERS, OPTIMIZER_ROWS, POWER_NAMES, STATE_ARRAYS, STATE_SCALAR_NAMES, STATE_SCALARS, symbolOf, takersOf,
  type OptimizerName, type OptimizerSettings, type PowerName, type StateArray, type StateScalar,
} from './operations/optimizers.js';
import { nameList, trueOrFalse } from './operations/rows.js';
import { checkSchedule, scheduledRate, type LearningRateSchedule } from './operations/schedules.js';
import { SETTING, type Layout } from './layout.js';

export { OPTIMIZERS, type OptimizerName, type OptimizerSettings };

/** The optimizer as `fit` takes it; what is left out takes Keras's default (docs/operations.md lists them). */
export interface OptimizerOptions {
  /** `'sgd'` (default), `'adam'`, `'rmsprop'`, `'adagrad'`, `'adadelta'`, `'adamax'`, `'nadam'`, `'adamw'`: each updates as Keras 3's optimizer of that name (docs/operations.md). */
  optimizer?: OptimizerName;
  /**
   * Step size (default Keras's for the optimizer: 0.01 for sgd, 0.001 for the others), or a Keras
   * learning-rate schedule stepped per update: `{ schedule: 'exponentialDecay' | 'inverseTimeDecay' |
   * 'piecewiseConstantDecay' | 'polynomialDecay' | 'cosineDecay', …its parameters }` (docs/operations.md).
   */
  learningRate?: number | LearningRateSchedule;
  /** sgd and rmsprop: how much of the previous step carries into the next, 0 to 1 (default 0: none). */
  momentum?: number;
  /** sgd with momentum: Nesterov's form of it (default false). */
  nesterov?: boolean;
  /** adam: decay of the gradient's running mean (default 0.9). */
  beta1?: number;
  /** adam: decay of the squared gradient's running mean (default 0.999). */
  beta2?: number;
  /** rmsprop and adadelta: decay of the squared gradient's running mean (default 0.9; adadelta 0.95). */
  rho?: number;
  /** every optimizer but sgd: keeps the division finite (default 1e-7). */
  epsilon?: number;
  /** adam and adamw: divide by the largest v so far, AMSGrad (default false). */
  amsgrad?: boolean;
  /** rmsprop: divide by the gradient's running variance, not its mean square (default false). */
  centered?: boolean;
  /** adamw: the decoupled weight decay, θ ← θ − θ·weightDecay·lr before each update (default 0.004). */
  weightDecay?: number;
  /** adagrad: where the accumulated squared gradient starts (default 0.1). */
  initialAccumulatorValue?: number;
  /** Scales each variable's gradient (each layer's kernel, and its bias, apart) to this norm at most, before the update (Keras's clipnorm). */
  clipnorm?: number;
  /** Clips each gradient to [−clipvalue, clipvalue] before the update (Keras's clipvalue). */
  clipvalue?: number;
  /** Scales all the gradients together to this norm at most, before the update (Keras's global_clipnorm). */
  globalClipnorm?: number;
  /**
   * Start the optimizer afresh (step count and state arrays). Without it a second `fit`
   * continues where the first stopped, as in Keras; a fit with another optimizer always starts afresh.
   */
  resetOptimizer?: boolean;
}

export const OPTIMIZER_OPTIONS = [
  'optimizer', 'learningRate', ...HYPERPARAMETER_NAMES, 'clipnorm', 'clipvalue', 'globalClipnorm', 'resetOptimizer',
] as const satisfies readonly (keyof OptimizerOptions)[];

/** The clippings as fit names them, each with its code (CLIPPINGS in src/contract.ts). */
const CLIP_OPTIONS = ['clipnorm', 'globalClipnorm', 'clipvalue'] as const;

/** The gradients' clipping: at most one of clipnorm, globalClipnorm and clipvalue, as Keras allows. */
function checkClipping(o: OptimizerOptions): OptimizerSettings['clipping'] {
  const given = CLIP_OPTIONS.filter((key) => o[key] !== undefined);
  if (given.length > 1) fail(given[1]!, `give one of clipnorm, clipvalue and globalClipnorm, as Keras takes one; got ${given.join(' and ')}`);
  const kind = given[0];
  return kind === undefined ? { kind: 'none', bound: 0 } : { kind, bound: positiveFinite(kind, o[kind]) };
}

export function checkOptimizer(o: OptimizerOptions): OptimizerSettings {
  const optimizer = oneOf('optimizer', o.optimizer ?? 'sgd', OPTIMIZERS);
  const row = OPTIMIZER_ROWS[optimizer];
  const schedule = typeof o.learningRate === 'object' ? checkSchedule('learningRate', o.learningRate) : null;
  const learningRate = schedule ? scheduledRate(schedule, 0) : positiveFinite('learningRate', o.learningRate ?? row.learningRate);
  const settings: Record<string, unknown> = { optimizer, learningRate, schedule };
  for (const key of HYPERPARAMETER_NAMES) {
    const given = o[key], own = row.takes[key];
    // A setting the chosen optimizer does not read is a mistake to report, not to ignore.
    if (given !== undefined && own === undefined) {
      const takers = takersOf(key);
      fail(key, `${optimizer} has no ${key}; ${nameList(takers, '', 'and')} ${takers.length > 1 ? 'take' : 'takes'} it`);
    }
    settings[key] = (HYPERPARAMETERS[key] as { check(field: string, v: unknown): unknown }).check(key, given ?? own ?? HYPERPARAMETERS[key].default);
  }
  settings.clipping = checkClipping(o);
  const s = settings as OptimizerSettings;
  row.refine(s);
  return s;
}

/** `resetOptimizer` as given (default false), for fit and trainOnBatch alike. */
export function checkReset(o: OptimizerOptions): boolean {
  return trueOrFalse('resetOptimizer', o.resetOptimizer ?? false);
}

/**
 * What an optimizer carries from one update to the next: the scalars (STATE_SCALARS: Keras's
 * `iterations`, nadam's `uProduct`, the powers βᵗ) and the arrays (STATE_ARRAYS, each laid out as the parameters;
 * which an optimizer uses, its row's `state` says). A model keeps it between fits; a checkpoint
 * saves `owner`, every scalar of `scalars` and every array of `arrays`.
 */
export class OptimizerState {
  /** The optimizer the state belongs to; none before the first fit. */
  owner: OptimizerName | undefined;
  readonly scalars: Record<StateScalar, number>;
  readonly arrays: Readonly<Record<StateArray, Float64Array>>;

  constructor(count: number) {
    this.scalars = Object.fromEntries(STATE_SCALAR_NAMES.map((name) => [name, STATE_SCALARS[name].initial])) as Record<StateScalar, number>;
    this.arrays = Object.fromEntries(STATE_ARRAYS.map((name) => [name, new Float64Array(count)])) as Record<StateArray, Float64Array>;
  }

  /** Updates made so far (Keras's `iterations`). */
  get iterations(): number {
    return this.scalars.iterations;
  }

  /** The β₁ and β₂ whose powers the scalars hold (beta1Power, beta2Power). */
  readonly bases = { beta1: Number.NaN, beta2: Number.NaN };

  /**
   * Starts the state afresh when asked, or when it belongs to another optimizer, where the optimizer's
   * row says it starts. Continued with another β₁ or β₂, the powers become the new β's to the update
   * count, as Keras's βᵗ would be.
   */
  begin(s: OptimizerSettings, reset: boolean): void {
    if (!reset && this.owner === s.optimizer) {
      if (s.beta1 !== this.bases.beta1 || s.beta2 !== this.bases.beta2) this.powersOf(s, false);
      return;
    }
    this.owner = s.optimizer;
    for (const name of STATE_SCALAR_NAMES) this.scalars[name] = STATE_SCALARS[name].initial;
    this.bases.beta1 = s.beta1;
    this.bases.beta2 = s.beta2;
    const initial = OPTIMIZER_ROWS[s.optimizer].initial(s);
    for (const name of STATE_ARRAYS) this.arrays[name].fill(initial[name] ?? 0);
  }

  /**
   * Sets the powers β₁ᵗ and β₂ᵗ (with `all`, nadam's 0.96ᵗ⁺¹ too, which no setting changes) at
   * t = iterations (powerAt).
   */
  powersOf(s: Pick<OptimizerSettings, 'beta1' | 'beta2'>, all: boolean): void {
    const c = this.scalars;
    for (const name of POWER_NAMES) {
      if (all || typeof STATE_SCALARS[name].power.base === 'string') [c[name], c[`${name}Low`]] = powerAt(name, s, c.iterations);
    }
    this.bases.beta1 = s.beta1;
    this.bases.beta2 = s.beta2;
  }

  /** Puts the state where the kernels read it. */
  load(f64: Float64Array, layout: Layout): void {
    for (const name of STATE_SCALAR_NAMES) f64[layout.settings + SETTING[STATE_SCALARS[name].slot]] = this.scalars[name];
    for (const name of STATE_ARRAYS) f64.set(this.arrays[name], layout.state[name]);
  }

  /** Takes the state back from the kernels after their updates. */
  save(f64: Float64Array, layout: Layout): void {
    for (const name of STATE_SCALAR_NAMES) this.scalars[name] = f64[layout.settings + SETTING[STATE_SCALARS[name].slot]]!;
    for (const name of STATE_ARRAYS) this.arrays[name].set(f64.subarray(layout.state[name], layout.state[name] + layout.count));
  }
}

/**
 * The power `name` (STATE_SCALARS's `power`) after t updates with the β of `s`, as a double-double from
 * ddPow, whose sum rounds as the kernels' running products would have (src/engines/math.ts): for an
 * optimizer continued with another β, and a state saved without its powers.
 */
export function powerAt(name: PowerName, s: Pick<OptimizerSettings, 'beta1' | 'beta2'>, t: number): [number, number] {
  const { base, ahead } = STATE_SCALARS[name].power;
  return ddPow(typeof base === 'string' ? s[base] : base, t + ahead);
}

/**
 * How far a saved power may be from powerAt's: what rounding explains, relative and absolute. The
 * kernels' power is a running product from 1 — or, where a fit continued with another β, from powerAt's
 * at that update count — and which start a run's product took is not saved: no one bit pattern is
 * expected. Each double-double product by an exact factor errs by under 2⁻¹⁰⁴ of the product, so t ≤ 2⁵³
 * steps (iterations is a safe integer) stay within 2⁻⁵¹ of βᵗ; ddPow's squarings, each doubling the error
 * it starts from, within 2·t·2⁻¹⁰⁴ ≤ 2⁻⁵⁰; rounding each to a double adds 2⁻⁵³: under 2⁻⁴⁹ in all, 2⁻⁴⁶
 * with a margin. Under 2⁻¹⁰⁰⁰ the split products underflow (test/kernels.test.ts) and the product may
 * even stall where a step moves it by under half a subnormal ulp: 0.9's stays at 5·2⁻¹⁰⁷⁴ while 0.9ᵗ
 * rounds to 0; at most 2⁻¹⁰⁷⁴/(2(1 − β)), under 2⁻¹⁰³⁰ for any β that 2⁵³ updates take that low — far
 * under 2⁻¹⁰⁰⁰, where 1 − βᵗ is 1 either way. A power one update off (a factor β) is outside for every
 * β under 1 − 2⁻⁴⁴.
 */
const POWER_TOLERANCE = { relative: 2 ** -46, absolute: 2 ** -1000 };

/**
 * What a saved optimizer state (settings `s`, already checked; scalars and arrays finite) must be
 * beside its settings: no element negative in an array its row's `state` keeps ≥ 0 (StateHeld), and
 * each power its row keeps what `iterations` updates with its β make (where the state saved its powers:
 * those of an older file are computed). Errors name `field`.arrays.name[i] or `field`.scalars.name.
 */
export function checkSavedState(field: string, s: OptimizerSettings, scalars: Readonly<Record<string, number>>, arrays: Readonly<Record<string, Float64Array>>): void {
  const kept = OPTIMIZER_ROWS[s.optimizer].state(s);
  for (const name of STATE_ARRAYS) {
    const what = kept[name];
    if (!what?.nonNegative) continue;
    const a = arrays[name]!;
    for (let i = 0; i < a.length; i++) if (a[i]! < 0) fail(`${field}.arrays.${name}[${i}]`, `${s.optimizer}'s ${what.holds}, is never negative, got ${a[i]}`);
  }
  if (!('beta1Power' in scalars)) return;
  const t = scalars.iterations!;
  for (const name of POWER_NAMES) {
    const what = kept[name];
    if (!what) continue;
    const [high, low] = powerAt(name, s, t), expected = high + low, got = scalars[name]! + scalars[`${name}Low`]!;
    if (!(Math.abs(got - expected) <= expected * POWER_TOLERANCE.relative + POWER_TOLERANCE.absolute)) {
      const { base } = STATE_SCALARS[name].power;
      const by = typeof base === 'string' ? ` with ${HYPERPARAMETERS[base].symbol} ${s[base]}` : '';
      fail(`${field}.scalars.${name}`, `expected ${symbolOf(what)} after ${t} updates${by}, ${expected} (to within rounding), got ${got}: a state of another run, or a corrupted one`);
    }
  }
}
