// The optimizer as fit takes it, checked against its row (src/operations/optimizers.ts), and the
// state it carries from one update to the next.
import { OPTIMIZERS } from './contract.js';
import { fail, oneOf, positiveFinite } from './errors.js';
import {
  HYPERPARAMETER_NAMES, HYPERPARAMETERS, OPTIMIZER_ROWS, STATE_ARRAYS, takersOf,
  type OptimizerName, type OptimizerSettings, type StateArray,
} from './operations/optimizers.js';
import { nameList } from './operations/rows.js';
import { SETTING, type Layout } from './layout.js';

export { OPTIMIZERS, type OptimizerName, type OptimizerSettings };

/** The optimizer as `fit` takes it; what is left out takes Keras's default (docs/operations.md lists them). */
export interface OptimizerOptions {
  /** `'sgd'` (default), `'adam'`, `'rmsprop'`: each updates as Keras's optimizer of that name. */
  optimizer?: OptimizerName;
  /** Step size (default Keras's for the optimizer: 0.01 for sgd, 0.001 for the others). */
  learningRate?: number;
  /** sgd and rmsprop: how much of the previous step carries into the next, 0 to 1 (default 0: none). */
  momentum?: number;
  /** sgd with momentum: Nesterov's form of it (default false). */
  nesterov?: boolean;
  /** adam: decay of the gradient's running mean (default 0.9). */
  beta1?: number;
  /** adam: decay of the squared gradient's running mean (default 0.999). */
  beta2?: number;
  /** rmsprop: decay of the squared gradient's running mean (default 0.9). */
  rho?: number;
  /** adam and rmsprop: keeps the division finite (default 1e-7). */
  epsilon?: number;
  /**
   * Start the optimizer afresh (step count and state arrays). Without it a second `fit`
   * continues where the first stopped, as in Keras; a fit with another optimizer always starts afresh.
   */
  resetOptimizer?: boolean;
}

export const OPTIMIZER_OPTIONS = [
  'optimizer', 'learningRate', ...HYPERPARAMETER_NAMES, 'resetOptimizer',
] as const satisfies readonly (keyof OptimizerOptions)[];

export function checkOptimizer(o: OptimizerOptions): OptimizerSettings {
  const optimizer = oneOf('optimizer', o.optimizer ?? 'sgd', OPTIMIZERS);
  const row = OPTIMIZER_ROWS[optimizer];
  const settings: Record<string, unknown> = { optimizer, learningRate: positiveFinite('learningRate', o.learningRate ?? row.learningRate) };
  for (const key of HYPERPARAMETER_NAMES) {
    const given = o[key], own = row.takes[key];
    // A setting the chosen optimizer does not read is a mistake to report, not to ignore.
    if (given !== undefined && own === undefined) {
      const takers = takersOf(key);
      fail(key, `${optimizer} has no ${key}; ${nameList(takers, '', 'and')} ${takers.length > 1 ? 'take' : 'takes'} it`);
    }
    settings[key] = (HYPERPARAMETERS[key] as { check(field: string, v: unknown): unknown }).check(key, given ?? own ?? HYPERPARAMETERS[key].default);
  }
  const s = settings as OptimizerSettings;
  row.refine(s);
  return s;
}

/**
 * What an optimizer carries from one update to the next: Keras's `iterations` and the state arrays
 * (STATE_ARRAYS, each laid out as the parameters; which an optimizer uses, its row's `state` says).
 * A model keeps it between fits; a checkpoint saves `owner`, `iterations` and every array of `arrays`.
 */
export class OptimizerState {
  /** The optimizer the state belongs to; none before the first fit. */
  owner: OptimizerName | undefined;
  iterations = 0;
  readonly arrays: Readonly<Record<StateArray, Float64Array>>;

  constructor(count: number) {
    this.arrays = Object.fromEntries(STATE_ARRAYS.map((name) => [name, new Float64Array(count)])) as Record<StateArray, Float64Array>;
  }

  /** Clears the state when asked, or when it belongs to another optimizer. */
  begin(optimizer: OptimizerName, reset: boolean): void {
    if (!reset && this.owner === optimizer) return;
    this.owner = optimizer;
    this.iterations = 0;
    for (const name of STATE_ARRAYS) this.arrays[name].fill(0);
  }

  /** Puts the state where the kernels read it (the settings' ITERATIONS is writeOptimizer's). */
  load(f64: Float64Array, layout: Layout): void {
    for (const name of STATE_ARRAYS) f64.set(this.arrays[name], layout.state[name]);
  }

  /** Takes the state back from the kernels after their updates. */
  save(f64: Float64Array, layout: Layout): void {
    this.iterations = f64[layout.settings + SETTING.ITERATIONS]!;
    for (const name of STATE_ARRAYS) this.arrays[name].set(f64.subarray(layout.state[name], layout.state[name] + layout.count));
  }
}
