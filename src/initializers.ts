import { fail, show } from './errors.js';
import type { Initializer, INITIALIZERS } from './spec.js';

/** Keras's VarianceScaling: a variance of `scale` / fan (fanIn, or the mean of fanIn and fanOut), drawn uniform or from a normal truncated at two standard deviations. */
interface VarianceScaling { scale: number; mode: 'fanIn' | 'fanAvg'; distribution: 'uniform' | 'truncatedNormal' }

/** What each named initializer does: one row per name in INITIALIZERS (the type refuses a name without one). */
export const INITIALIZER_ROWS: Record<(typeof INITIALIZERS)[number], { fill: number } | VarianceScaling> = {
  zeros: { fill: 0 },
  ones: { fill: 1 },
  glorotUniform: { scale: 1, mode: 'fanAvg', distribution: 'uniform' },
  glorotNormal: { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' },
  heUniform: { scale: 2, mode: 'fanIn', distribution: 'uniform' },
  heNormal: { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' },
};

/**
 * Fills `out` (a kernel of fanIn × fanOut values, or a bias) the way Keras's initializer of the same
 * name does, drawing from `random` where needed. A name without a row in INITIALIZER_ROWS is an
 * error, never another initializer.
 */
export function initialize(out: Float64Array, init: Initializer, fanIn: number, fanOut: number, random: () => number): void {
  if (typeof init === 'object') { out.fill(init.constant); return; }
  if (!Object.hasOwn(INITIALIZER_ROWS, init)) fail('initializer', `no row in INITIALIZER_ROWS for ${show(init)}`);
  const row = INITIALIZER_ROWS[init];
  if ('fill' in row) { out.fill(row.fill); return; }
  const variance = row.scale / Math.max(1, row.mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2);
  if (row.distribution === 'uniform') {
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
