import { checkSeed, count, fail, show } from './errors.js';
import { seeded } from './random.js';

/** Row indices of the two parts of a split, each in ascending order. */
export interface RowSplit {
  train: number[];
  validation: number[];
}

/** `splitRows`'s options. */
export interface SplitOptions {
  /** Share of the rows held out for validation, in (0, 1). */
  fraction: number;
  seed?: number;
  /** Labels (one per row) whose shares both parts keep: each label's rows are split separately. */
  stratify?: ArrayLike<number>;
}

/**
 * Holds out round(fraction × n) rows at random (seeded), drawn per label when stratified so both
 * parts keep the labels' proportions. The validation part gets at least one row; a split that leaves
 * fewer than 2 rows to train on (one row: its standardization has no spread, its fit nothing to learn
 * from but itself) is refused, not run.
 */
export function splitRows(rows: number, { fraction, seed = 0, stratify }: SplitOptions): RowSplit {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) fail('validationSplit', `expected a fraction between 0 and 1 (exclusive), like 0.2, got ${show(fraction)}`);
  checkSeed('seed', seed);
  if (rows < 3) fail('validationSplit', `needs at least 3 rows (2 to train on, 1 to hold out), got ${rows}`);
  const random = seeded(seed);
  const groups = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const key = stratify ? stratify[r]! : 0;
    const members = groups.get(key);
    if (members) members.push(r);
    else groups.set(key, [r]);
  }
  const held: number[] = [];
  for (const members of groups.values()) {
    shuffle(members, random);
    for (const r of members.slice(0, Math.round(fraction * members.length))) held.push(r);
  }
  // Rounding per group can leave a part empty on tiny data; move one row so neither is.
  const total = Math.max(held.length, 1);
  if (rows - total < 2) fail('validationSplit', `${fraction} of ${rows} rows holds out ${total} and leaves ${count(rows - total, 'row')} to train on; expected at least 2: hold out a smaller share`);
  const inHeld = new Set(held.slice(0, total));
  if (inHeld.size < total) inHeld.add([...Array(rows).keys()].find((r) => !inHeld.has(r))!);
  const train: number[] = [], validation: number[] = [];
  for (let r = 0; r < rows; r++) (inHeld.has(r) ? validation : train).push(r);
  return { train, validation };
}

function shuffle(a: number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** The given rows of a row-major matrix with `cols` columns. */
export function takeRows(data: Float64Array, cols: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => out.set(data.subarray(r * cols, (r + 1) * cols), i * cols));
  return out;
}
