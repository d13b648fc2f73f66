import { ACTIVATIONS, type Activation, type Loss, type ModelOptions } from '../src/index.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { seeded } from '../src/random.js';
import { LOSS_ROWS } from '../src/operations/losses.js';
import { largestDifference } from '../src/yardsticks/difference.js';

/**
 * Largest |a − b| / max(|a|, |b|) over two equally long lists (0 for identical lists): the yardsticks'
 * own (src/yardsticks/difference.ts), where a NaN, or an infinity the other side does not share, is an
 * infinite difference, so two engines both at NaN do not pass (a test where both are meant to diverge
 * says so itself).
 */
export function maxRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return largestDifference(a, b, true).difference;
}

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
}

/** How many doubles apart a and b are (0 for the same bits, Infinity when either is not finite). */
export function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const bits = (x: number) => new BigInt64Array(new Float64Array([x]).buffer)[0]!;
  return Math.abs(Number(bits(a) - bits(b)));
}

/**
 * Largest |a − b| relative to the largest magnitude in the lists: for outputs, where a value near
 * zero comes from cancellation and inherits the rounding of the larger terms that cancelled.
 */
export function normwiseRelativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength(a, b);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
  }
  return scale === 0 ? 0 : diff / scale;
}

/** A random network: depth layers, random widths, hidden activation, output activation and loss. */
export function randomNetwork(seed: number, depth: number, hidden: Activation, output: Activation, loss: Loss): ModelOptions {
  const r = seeded(seed);
  const inputs = 1 + Math.floor(r() * 4);
  const outs = loss === 'binaryCrossentropy' ? 1 : LOSS_ROWS[loss].output?.activation === 'softmax' ? 2 + Math.floor(r() * 3) : 1 + Math.floor(r() * 3);
  const layers = Array.from({ length: depth }, (_, i) => i === depth - 1
    ? { units: outs, activation: output }
    : { units: 1 + Math.floor(r() * 5), activation: hidden });
  return { inputs, layers, loss, seed };
}

/** rows × cols of uniform numbers in [lo, hi). */
export function randomRows(seed: number, rows: number, cols: number, lo = -1, hi = 1): number[][] {
  const r = seeded(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => lo + (hi - lo) * r()));
}

export const EVERY_ACTIVATION = ACTIVATIONS;

/**
 * How far inputs reach and by what the learning rate is multiplied in the tests that train random
 * networks of every activation: e^z of e^z overflows at the rates the others train with, so its
 * networks see small inputs and a tenth of the rate.
 */
export function tamed(activation: string): { range: number; rate: number } {
  return activation === 'exponential' ? { range: 0.5, rate: 0.1 } : { range: 1, rate: 1 };
}

/** Targets a loss can read for `rows` rows of a network with `outputs` outputs, drawn from `seed`. */
export function randomTargets(seed: number, rows: number, outputs: number, loss: Loss): number[][] {
  const r = seeded(seed);
  const classes = Array.from({ length: rows }, () => Math.floor(r() * outputs));
  const labels = LOSS_ROWS[loss].labels;
  if (labels === 'binary') return Array.from({ length: rows }, () => Array.from({ length: outputs }, () => (r() < 0.5 ? 0 : 1)));
  if (labels === 'signs') return Array.from({ length: rows }, () => Array.from({ length: outputs }, () => (r() < 0.5 ? -1 : 1)));
  if (labels === 'classIndices') return classes.map((c) => [c]);
  // one-hot rows, and for kld distributions with no zero (where Keras's clip of y to 1e-7 would show)
  if (loss === 'kullbackLeiblerDivergence') return classes.map(() => { const p = Array.from({ length: outputs }, () => 0.1 + r()); const s = p.reduce((a, b) => a + b, 0); return p.map((v) => v / s); });
  if (labels === 'probabilities') return classes.map((c) => Array.from({ length: outputs }, (_, k) => (k === c ? 1 : 0)));
  // mape, msle and poisson read positive values
  if (!LOSS_ROWS[loss].scalesTargets) return randomRows(seed, rows, outputs, 0.5, 3);
  return randomRows(seed, rows, outputs);
}

/**
 * The built command (dist/cli.js) run in `cwd`, its exit code and output. A bounded wait: a command
 * that hangs fails its test instead of stalling the suite.
 */
export function runCli(cwd: string, args: string[], timeout = 60_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../dist/cli.js', import.meta.url)), ...args], { cwd, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
