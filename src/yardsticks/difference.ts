import { fail } from '../errors.js';

/** |a − b| relative to the larger magnitude (0 when both are 0). */
export function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
}

export interface Largest { difference: number; at: number }

/**
 * The largest difference between two equally long lists, relative or absolute, and its first index.
 * A NaN on either side (on both: a NaN is no number to agree on), or an infinity the other side does
 * not share, is an infinite difference: two runs that both diverged do not "agree to 0".
 */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>, relative: boolean): Largest {
  if (a.length !== b.length) fail('largestDifference', `expected two lists of one length, got ${a.length} and ${b.length} values`);
  let difference = 0, at = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x === y) continue; // equal, or the same infinity
    const d = !Number.isFinite(x) || !Number.isFinite(y) ? Infinity : relative ? relativeDifference(x, y) : Math.abs(x - y);
    if (d > difference) { difference = d; at = i; }
  }
  return { difference, at };
}
