// The playground's toy data sets, as TensorFlow Playground has them: four two-class patterns in the
// plane and a regression plane, each 400 rows drawn from the library's seeded generator, so that a
// data set, its noise and its seed (all in the page's URL) give the same rows in every browser.
// The library's own modules (not its browser entry), so that Node's tests can make the same rows.
import { gaussianBlobs } from '../src/datasets.js';
import { seeded } from '../src/random.js';

export const TOYS = ['circle', 'xor', 'gaussian', 'spiral', 'plane'] as const;
export type Toy = (typeof TOYS)[number];

export const TOY_TITLES: Record<Toy, string> = {
  circle: 'circle: disc in a ring (2 classes)',
  xor: 'xor: quadrants (2 classes)',
  gaussian: 'gaussian: two clouds (2 classes)',
  spiral: 'spiral: two arms (2 classes)',
  plane: 'plane: a slope (regression)',
};

const TOY_ROWS = 400;
/** Half the side of the square the points lie in: both features run from −5 to 5, as Playground's do. */
const R = 5;

export interface ToyData {
  /** rows × 2, row-major. */
  x: Float64Array;
  /** 0 or 1 per row, or the value for `plane`. */
  y: Float64Array;
  task: 'classification' | 'regression';
}

/**
 * `noise` from 0 to 0.5: each coordinate moves by up to noise × R (uniform; the spiral's by up to
 * noise), and for the plane the target by up to noise × its range's half. Values are rounded to 3 decimals, as a CSV of them would be.
 */
export function toyData(toy: Toy, noise: number, seed = 0): ToyData {
  const random = seeded(seed);
  const uniform = (lo: number, hi: number) => lo + random() * (hi - lo);
  const jitter = () => uniform(-R, R) * noise;
  const x: number[] = [], y: number[] = [];
  const push = (a: number, b: number, label: number) => { x.push(a, b); y.push(label); };
  if (toy === 'gaussian') {
    const blobs = gaussianBlobs({ centers: [[-2, -2], [2, 2]], std: 0.5 + 3 * noise, rowsPerClass: TOY_ROWS / 2, seed });
    blobs.x.forEach(([a, b], r) => push(a!, b!, blobs.y[r]!));
  } else {
    for (let i = 0; i < TOY_ROWS; i++) {
      if (toy === 'circle') {
        // Class 1 inside radius R/2, class 0 in the ring from 0.7 R to R.
        const inside = i % 2 === 1;
        const r = inside ? uniform(0, R * 0.5) : uniform(R * 0.7, R);
        const angle = uniform(0, 2 * Math.PI);
        push(r * Math.sin(angle) + jitter(), r * Math.cos(angle) + jitter(), inside ? 1 : 0);
      } else if (toy === 'xor') {
        const pad = 0.3;
        const a = uniform(-R, R), b = uniform(-R, R);
        const c = a + (a > 0 ? pad : -pad), d = b + (b > 0 ? pad : -pad);
        push(c + jitter(), d + jitter(), c * d >= 0 ? 1 : 0);
      } else if (toy === 'spiral') {
        // Two arms, half a turn apart: row i of each arm at radius ∝ i, angle ∝ i.
        const arm = i % 2, k = Math.floor(i / 2), n = TOY_ROWS / 2;
        const r = (k / n) * R, t = (1.75 * k / n) * 2 * Math.PI + arm * Math.PI;
        // Arms a unit apart need a smaller jitter than the other patterns, as Playground's have.
        push(r * Math.sin(t) + uniform(-1, 1) * noise, r * Math.cos(t) + uniform(-1, 1) * noise, 1 - arm);
      } else {
        const a = uniform(-R, R), b = uniform(-R, R);
        push(a, b, (a + b) / (2 * R) + uniform(-1, 1) * noise);
      }
    }
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { x: Float64Array.from(x, round), y: Float64Array.from(y, round), task: toy === 'plane' ? 'regression' : 'classification' };
}

/** Inputs the network can be given besides x1 and x2, as Playground's feature crosses. */
const CROSSES = {
  'x1²': (a: number, _b: number) => a * a,
  'x2²': (_a: number, b: number) => b * b,
  'x1·x2': (a: number, b: number) => a * b,
  'sin x1': (a: number, _b: number) => Math.sin(a),
  'sin x2': (_a: number, b: number) => Math.sin(b),
} as const;
export type Cross = keyof typeof CROSSES;
export const CROSS_NAMES = Object.keys(CROSSES) as Cross[];

/** Two-column rows (rows × 2) with the crosses appended to each: rows × (2 + crosses). */
export function withCrosses(x: Float64Array, crosses: readonly Cross[]): Float64Array {
  if (crosses.length === 0) return x;
  const rows = x.length / 2, width = 2 + crosses.length, out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const a = x[2 * r]!, b = x[2 * r + 1]!;
    out[r * width] = a;
    out[r * width + 1] = b;
    crosses.forEach((c, k) => { out[r * width + 2 + k] = CROSSES[c](a, b); });
  }
  return out;
}
