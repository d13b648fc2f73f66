import { largestDifference } from '../yardsticks/difference.js';
import type { History, Weights } from '../index.js';

/** Largest relative difference between two runs' losses and weights (0 when identical). */
export function largestRelativeDifference(a: { history: History; weights: Weights }, b: { history: History; weights: Weights }): number {
  return largestDifference([...a.history.loss, ...a.weights.flat(2)], [...b.history.loss, ...b.weights.flat(2)], true).difference;
}
