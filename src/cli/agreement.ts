import type { History, Weights } from '../index.js';

/** Largest relative difference between two runs' losses and weights (0 when identical). */
export function largestRelativeDifference(a: { history: History; weights: Weights }, b: { history: History; weights: Weights }): number {
  const xs = [...a.history.loss, ...a.weights.flat(2)];
  const ys = [...b.history.loss, ...b.weights.flat(2)];
  return xs.reduce((m, x, i) => Math.max(m, Math.abs(x - ys[i]!) / Math.max(Math.abs(x), Math.abs(ys[i]!), Number.MIN_VALUE)), 0);
}
