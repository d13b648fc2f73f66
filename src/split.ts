import { checkSeed, count, fail, knownOptions, show } from './errors.js';
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
export function splitRows(rows: number, options: SplitOptions): RowSplit {
  knownOptions(options, SPLIT_OPTIONS);
  const { fraction, seed = 0, stratify } = options;
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) fail('validationSplit', `expected a fraction between 0 and 1 (exclusive), like 0.2, got ${show(fraction)}`);
  checkSeed('seed', seed);
  if (rows < 3) fail('validationSplit', `needs at least 3 rows (2 to train on, 1 to hold out), got ${rows}`);
  checkLabels(stratify, rows);
  const held: number[] = [];
  for (const members of shuffledGroups(rows, seed, stratify)) {
    const n = Math.round(fraction * members.length);
    for (let i = 0; i < n; i++) held.push(members[i]!);
  }
  // Rounding per group can leave a part empty on tiny data; move one row so neither is.
  const total = Math.max(held.length, 1);
  if (rows - total < 2) fail('validationSplit', `${fraction} of ${rows} rows holds out ${total} and leaves ${count(rows - total, 'row')} to train on; expected at least 2: hold out a smaller share`);
  const inHeld = new Set(held.slice(0, total));
  for (let r = 0; inHeld.size < total; r++) inHeld.add(r);
  const train: number[] = [], validation: number[] = [];
  for (let r = 0; r < rows; r++) (inHeld.has(r) ? validation : train).push(r);
  return { train, validation };
}

/** Which fold of k-fold cross-validation foldRows gives, and how the rows are dealt to the folds. */
export interface FoldOptions {
  /** How many parts the rows are cut into (at least 2, at most the row count). */
  folds: number;
  /** Which part (0 to folds − 1) is held out for validation. */
  fold: number;
  seed?: number;
  /** Labels (one per row) whose shares every fold keeps, within a row. */
  stratify?: ArrayLike<number>;
}

/**
 * One fold of k-fold cross-validation: the rows are shuffled (seeded; per label when stratified, as
 * splitRows shuffles them), then dealt to the folds in turn, label after label, so every fold holds
 * ⌊rows/k⌋ or ⌈rows/k⌉ rows and each label's share within a row. Fold `fold` is the validation part.
 */
export function foldRows(rows: number, options: FoldOptions): RowSplit {
  knownOptions(options, FOLD_OPTIONS);
  const { folds, fold, seed = 0, stratify } = options;
  if (!Number.isSafeInteger(folds) || folds < 2) fail('folds', `expected a whole number of folds ≥ 2, got ${show(folds)}`);
  if (folds > rows) fail('folds', `${folds} folds need at least ${folds} rows, got ${rows}`);
  if (!Number.isSafeInteger(fold) || fold < 0 || fold >= folds) fail('fold', `expected a fold from 0 to ${folds - 1}, got ${show(fold)}`);
  checkSeed('seed', seed);
  checkLabels(stratify, rows);
  const inFold = new Uint8Array(rows);
  let dealt = 0;
  for (const members of shuffledGroups(rows, seed, stratify)) for (const r of members) inFold[r] = dealt++ % folds === fold ? 1 : 0;
  const train: number[] = [], validation: number[] = [];
  for (let r = 0; r < rows; r++) (inFold[r] ? validation : train).push(r);
  return { train, validation };
}

const SPLIT_OPTIONS = ['fraction', 'seed', 'stratify'], FOLD_OPTIONS = ['folds', 'fold', 'seed', 'stratify'];

/** `stratify`, when given: one finite number per row (a short list would group the rows past its end as `undefined`, a NaN as a class of its own). */
function checkLabels(stratify: unknown, rows: number): void {
  if (stratify === undefined) return;
  const list = stratify as ArrayLike<unknown>;
  if (typeof stratify !== 'object' || stratify === null || typeof list.length !== 'number') fail('stratify', `expected one label per row (an array of numbers), got ${show(stratify)}`);
  if (list.length !== rows) fail('stratify', `expected one label per row (${count(rows, 'label')}), got ${show(stratify)}`);
  for (let r = 0; r < rows; r++) {
    const label = list[r];
    if (typeof label !== 'number' || !Number.isFinite(label)) fail(`stratify[${r}]`, `expected a label (a finite number), got ${show(label)}`);
  }
}

/** The rows grouped by label (one group without labels), in order of first appearance, each group shuffled by one seeded generator. */
function shuffledGroups(rows: number, seed: number, stratify: ArrayLike<number> | undefined): number[][] {
  const random = seeded(seed);
  const groups = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const key = stratify ? stratify[r]! : 0;
    const members = groups.get(key);
    if (members) members.push(r);
    else groups.set(key, [r]);
  }
  for (const members of groups.values()) shuffle(members, random);
  return [...groups.values()];
}

function shuffle(a: number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** The given rows of a row-major matrix with `cols` columns. */
export function takeRows(data: Float64Array, cols: number, rows: readonly number[]): Float64Array {
  if (!(data instanceof Float64Array)) fail('data', `expected a Float64Array of rows × cols values, got ${show(data)}`);
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1 || data.length % cols !== 0) fail('cols', `expected the values per row of data (${count(data.length, 'value')}), got ${show(cols)}`);
  if (!Array.isArray(rows as unknown)) fail('rows', `expected row indices (an array of integers), got ${show(rows)}`);
  const n = data.length / cols;
  // element by element: a view per row made a search's main thread collect ~1,000 of them per trial
  const out = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= n) fail(`rows[${i}]`, `expected a row of data, an integer from 0 to ${n - 1}, got ${show(r)}`);
    const from = r * cols, to = i * cols;
    for (let c = 0; c < cols; c++) out[to + c] = data[from + c]!;
  }
  return out;
}
