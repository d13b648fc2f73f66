// The smallest and largest of many numbers, by a loop. `Math.min(...values)` passes one argument
// per element on the stack, and some 100,000 of them throw "Maximum call stack size exceeded"; the
// lint rule lint/spreadArguments.grit refuses such spreads in src/ and web/ and points here.

/**
 * [smallest, largest] of values, as Math.min and Math.max would give them: NaN if any value is NaN,
 * [Infinity, -Infinity] when there are none.
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}
