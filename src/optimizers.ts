import { OPTIMIZERS } from './contract.js';
import { fail, oneOf, positiveFinite, show } from './errors.js';

export { OPTIMIZERS };
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The optimizer as `fit` takes it; what is left out takes Keras's default. */
export interface OptimizerOptions {
  /** `'sgd'` (default), `'adam'` or `'rmsprop'`, each updating as Keras's optimizer of that name. */
  optimizer?: OptimizerName;
  /** Step size (default as Keras: 0.01 for sgd, 0.001 for adam and rmsprop). */
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
   * Start the optimizer afresh (step count, momentums, velocities). Without it a second `fit`
   * continues where the first stopped, as in Keras; a fit with another optimizer always starts afresh.
   */
  resetOptimizer?: boolean;
}

export const OPTIMIZER_OPTIONS = [
  'optimizer', 'learningRate', 'momentum', 'nesterov', 'beta1', 'beta2', 'rho', 'epsilon', 'resetOptimizer',
] as const satisfies readonly (keyof OptimizerOptions)[];

export interface OptimizerSettings {
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  rho: number;
  epsilon: number;
}

const LEARNING_RATES: Record<OptimizerName, number> = { sgd: 0.01, adam: 0.001, rmsprop: 0.001 };

type Hyperparameter = 'momentum' | 'nesterov' | 'beta1' | 'beta2' | 'rho' | 'epsilon';
const TAKES: Record<OptimizerName, Hyperparameter[]> = {
  sgd: ['momentum', 'nesterov'],
  adam: ['beta1', 'beta2', 'epsilon'],
  rmsprop: ['rho', 'momentum', 'epsilon'],
};

export function checkOptimizer(o: OptimizerOptions): OptimizerSettings {
  const optimizer = oneOf('optimizer', o.optimizer ?? 'sgd', OPTIMIZERS);
  // A setting the chosen optimizer does not read is a mistake to report, not to ignore.
  for (const key of ['momentum', 'nesterov', 'beta1', 'beta2', 'rho', 'epsilon'] as const) {
    if (o[key] !== undefined && !TAKES[optimizer].includes(key)) {
      const takers = OPTIMIZERS.filter((name) => TAKES[name].includes(key));
      fail(key, `${optimizer} has no ${key}; ${takers.join(' and ')} ${takers.length > 1 ? 'take' : 'takes'} it`);
    }
  }
  const momentum = between('momentum', o.momentum ?? 0, 1, true);
  const nesterov = o.nesterov ?? false;
  if (typeof nesterov !== 'boolean') fail('nesterov', `expected true or false, got ${show(nesterov)}`);
  if (nesterov && momentum === 0) fail('nesterov', 'Nesterov momentum needs a momentum > 0');
  return {
    optimizer,
    learningRate: positiveFinite('learningRate', o.learningRate ?? LEARNING_RATES[optimizer]),
    momentum,
    nesterov,
    beta1: between('beta1', o.beta1 ?? 0.9, 1, false),
    beta2: between('beta2', o.beta2 ?? 0.999, 1, false),
    rho: between('rho', o.rho ?? 0.9, 1, false),
    epsilon: positiveFinite('epsilon', o.epsilon ?? 1e-7),
  };
}

/** A number from 0 up to `top`, which is allowed only when `closed` (a decay of 1 would divide by 0). */
function between(field: string, value: unknown, top: number, closed: boolean): number {
  if (typeof value !== 'number' || !(value >= 0 && (closed ? value <= top : value < top))) {
    fail(field, `expected a number from 0 ${closed ? 'to' : 'up to (not including)'} ${top}, got ${show(value)}`);
  }
  return value;
}

/**
 * What an optimizer carries from one update to the next, laid out as the parameters: Keras's
 * `iterations`, `momentums` (sgd's velocity, adam's m, rmsprop's momentum) and `velocities`
 * (adam's v, rmsprop's mean square). A model keeps it between fits.
 */
export class OptimizerState {
  /** The optimizer the state belongs to; none before the first fit. */
  owner: OptimizerName | undefined;
  iterations = 0;
  readonly momentums: Float64Array;
  readonly velocities: Float64Array;

  constructor(count: number) {
    this.momentums = new Float64Array(count);
    this.velocities = new Float64Array(count);
  }

  /** Every array of the state by name: a checkpoint saves and restores each one it lists (src/model.ts). */
  arrays(): Record<string, Float64Array> {
    return { momentums: this.momentums, velocities: this.velocities };
  }

  /** Clears the state when asked, or when it belongs to another optimizer. */
  begin(optimizer: OptimizerName, reset: boolean): void {
    if (!reset && this.owner === optimizer) return;
    this.owner = optimizer;
    this.iterations = 0;
    this.momentums.fill(0);
    this.velocities.fill(0);
  }
}
