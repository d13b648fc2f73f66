/** |a − b| relative to the larger magnitude (0 when both are 0). */
export function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
}

export interface Largest { difference: number; at: number }

/** The largest difference between two equally long lists, relative or absolute, and its index. */
export function largestDifference(a: readonly number[], b: readonly number[], relative: boolean): Largest {
  let difference = 0, at = 0;
  a.forEach((v, i) => {
    const d = relative ? relativeDifference(v, b[i]!) : Math.abs(v - b[i]!);
    if (d > difference) { difference = d; at = i; }
  });
  return { difference, at };
}
