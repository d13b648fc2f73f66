// The smallest and largest of many numbers, by a loop. `Math.min(...values)` passes one argument
// per element on the stack, and some 100,000 of them throw "Maximum call stack size exceeded"; the
// lint rule lint/spreadArguments.grit refuses such spreads in src/ and web/ and points here.

/**
 * [smallest, largest] of every `stride`-th value from `offset` (a column of rows laid flat), as
 * Math.min and Math.max would give them: NaN if any is NaN, [Infinity, -Infinity] when there are none.
 */
export function extent(values: ArrayLike<number>, stride = 1, offset = 0): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = offset; i < values.length; i += stride) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  return [lo, hi];
}
