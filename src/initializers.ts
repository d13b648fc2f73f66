import type { Initializer } from './spec.js';

/**
 * Fills `out` (a kernel of fanIn × fanOut values, or a bias) the way Keras's initializer of the same
 * name does, drawing from `random` where needed. The random ones are Keras's VarianceScaling: a
 * variance of 1 / mean(fanIn, fanOut) for glorot, 2 / fanIn for he, drawn uniform or from a
 * normal truncated at two standard deviations.
 */
export function initialize(out: Float64Array, init: Initializer, fanIn: number, fanOut: number, random: () => number): void {
  if (typeof init === 'object') { out.fill(init.constant); return; }
  if (init === 'zeros') { out.fill(0); return; }
  if (init === 'ones') { out.fill(1); return; }
  const variance = init.startsWith('glorot') ? 1 / Math.max(1, (fanIn + fanOut) / 2) : 2 / Math.max(1, fanIn);
  if (init.endsWith('Uniform')) {
    // U(−limit, limit) has variance limit² / 3
    const limit = Math.sqrt(3 * variance);
    for (let i = 0; i < out.length; i++) out[i] = (2 * random() - 1) * limit;
  } else {
    const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV;
    for (let i = 0; i < out.length; i++) out[i] = truncatedNormal(random) * stddev;
  }
}

/** The standard deviation of a standard normal cut at ±2, by which Keras widens the one it draws from. */
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * A standard normal draw kept within ±2 (the distribution of Keras's truncated normal): x uniform
 * on [−2, 2], accepted with probability e^(−x²/2). The test uses only + − × ÷, which IEEE
 * arithmetic rounds alike everywhere (Math.exp and Math.log need not), so a seed gives the same
 * weights on every platform.
 */
function truncatedNormal(random: () => number): number {
  for (;;) {
    const x = 4 * random() - 2;
    if (random() * exp(x * x / 2) < 1) return x;
  }
}

/** e^y for 0 ≤ y ≤ 2 from its series Σ yⁿ / n!, whose terms past the 25th are below 2⁻⁵³ of the sum. */
function exp(y: number): number {
  let term = 1, sum = 1;
  for (let n = 1; n <= 25; n++) {
    term *= y / n;
    sum += term;
  }
  return sum;
}
