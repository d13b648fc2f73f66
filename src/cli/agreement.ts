import { largestDifference } from '../yardsticks/difference.js';
import type { History, Weights } from '../index.js';

type Run = { history: Pick<History, 'loss'>; weights: Weights };

/** Largest relative difference between two runs' losses and weights (0 when identical; Infinity where either is NaN). */
export function largestRelativeDifference(a: Run, b: Run): number {
  // part by part: the losses, then each weight array (no list of every value at once)
  let largest = largestDifference(a.history.loss, b.history.loss, true).difference;
  if (a.weights.length !== b.weights.length) return Infinity;
  for (let i = 0; i < a.weights.length; i++) {
    largest = Math.max(largest, largestDifference(a.weights[i]!.flat(), b.weights[i]!.flat(), true).difference);
  }
  return largest;
}
