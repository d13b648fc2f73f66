import type { Initializer } from './spec.js';

/** Fills `out` for one kernel (fanIn × fanOut values) or bias, drawing from `random` where needed. */
export function initialize(out: Float64Array, init: Initializer, fanIn: number, fanOut: number, random: () => number): void {
  if (typeof init === 'object') { out.fill(init.constant); return; }
  if (init === 'zeros') { out.fill(0); return; }
  if (init === 'ones') { out.fill(1); return; }
  // glorotUniform, Keras's Dense default: U(−limit, limit) with limit = √(6 / (fanIn + fanOut))
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < out.length; i++) out[i] = (2 * random() - 1) * limit;
}
