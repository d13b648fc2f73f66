// The optimizer as fit takes it, checked against its row (src/operations/optimizers.ts), and the
// state it carries from one update to the next.
import { OPTIMIZERS } from './contract.js';
import { ddPow } from './engines/math.js';
import { fail, oneOf, positiveFinite } from './errors.js';
import {
  HYPERPARAMETER_NAMES, HYPERPARAMETERS, OPTIMIZER_ROWS, STATE_ARRAYS, STATE_SCALAR_NAMES, STATE_SCALARS, takersOf,
  type OptimizerName, type OptimizerSettings, type StateArray, type StateScalar,
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
   * Sets the powers β₁ᵗ and β₂ᵗ (with `decay`, nadam's 0.96ᵗ⁺¹ too) at t = iterations from ddPow,
   * whose sum rounds as the kernels' running products would have (src/engines/math.ts).
   */
  powersOf(s: Pick<OptimizerSettings, 'beta1' | 'beta2'>, decay: boolean): void {
    const t = this.scalars.iterations, c = this.scalars;
    [c.beta1Power, c.beta1PowerLow] = ddPow(s.beta1, t);
    [c.beta2Power, c.beta2PowerLow] = ddPow(s.beta2, t);
    if (decay) [c.decayPower, c.decayPowerLow] = ddPow(0.96, t + 1);
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
