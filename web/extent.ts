// Loops over data-sized arrays: a spread of one into a call (Math.max(...values)) overflows the stack
// past about a hundred thousand numbers, so nothing on the page spreads data into a call.

/** The smallest and largest of every `stride`-th number from `offset` ([Infinity, -Infinity] for none). */
export function extent(values: ArrayLike<number>, stride = 1, offset = 0): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = offset; i < values.length; i += stride) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
