import { count, fail, show } from './errors.js';

/**
 * Rows of numbers: an array of rows (`number[][]`, or of `Float64Array` rows), or flat and row-major,
 * a `Float64Array` or a `number[]` (so one row given as `[1, 2]` is a row, and a y of one output may
 * be `[0, 1, 1]`, a number per row).
 */
export type Matrix = readonly (readonly number[] | Float64Array)[] | Float64Array | readonly number[];

/** Where toMatrix writes `rows` rows: room for them, at the start (a Workspace is one: its input region). */
interface RowsPlace {
  input(rows: number): Float64Array;
}

/**
 * Checks `value` as `cols` columns of finite numbers and returns it flat, row-major, with its row
 * count. Rows and columns in messages count from 1. A Float64Array is checked where it is and
 * returned as it is, not copied: a large data set is held once (the caller reads it, never writes).
 */
export function toMatrix(field: string, value: unknown, cols: number): { data: Float64Array; rows: number } {
  if (value instanceof Float64Array && value.length > 0 && value.length % cols === 0) {
    for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i])) checkCell(field, value[i], Math.floor(i / cols), i % cols);
    return { data: value, rows: value.length / cols };
  }
  let data: Float64Array | undefined;
  const rows = writeMatrix(field, value, cols, { input: (n) => (data = new Float64Array(n * cols)) });
  return { data: data!, rows };
}

/** toMatrix into `place.input(rows)` (predict: the engine's input region), returning the row count. */
export function writeMatrix(field: string, value: unknown, cols: number, place: RowsPlace): number {
  // Rows (predict's usual call) tested for first; each path small enough for the JIT to inline into
  // predict, with every message built out of line: a one-row predict's fixed cost is mostly this check.
  return Array.isArray(value) && typeof value[0] !== 'number' ? writeRows(field, value, cols, place) : writeFlat(field, value, cols, place);
}

function writeRows(field: string, value: readonly unknown[], cols: number, place: RowsPlace): number {
  if (value.length === 0) fail(field, 'has no rows; expected at least one');
  const data = place.input(value.length);
  for (let r = 0, at = 0; r < value.length; r++, at += cols) {
    const row: unknown = value[r];
    if ((!Array.isArray(row) && !(row instanceof Float64Array)) || row.length !== cols) badRow(field, row, r, cols);
    for (let c = 0; c < cols; c++) {
      const v: unknown = row[c];
      data[at + c] = typeof v === 'number' && Number.isFinite(v) ? v : checkCell(field, v, r, c);
    }
  }
  return value.length;
}

function writeFlat(field: string, value: unknown, cols: number, place: RowsPlace): number {
  if (!(value instanceof Float64Array) && !Array.isArray(value)) fail(field, `expected an array of rows or a Float64Array, got ${show(value)}`);
  const flat = value as ArrayLike<unknown>;
  if (flat.length === 0) fail(field, 'has no rows; expected at least one');
  if (flat.length % cols !== 0) fail(field, `a flat array of ${flat.length} numbers does not split into rows of ${cols} columns`);
  const data = place.input(flat.length / cols);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    // the row and column are worked out only for the message
    data[i] = typeof v === 'number' && Number.isFinite(v) ? v : checkCell(field, v, Math.floor(i / cols), i % cols);
  }
  return flat.length / cols;
}

function badRow(field: string, row: unknown, r: number, cols: number): never {
  // One column (a 1-D y): a number per row is the usual form, an array of one the other
  if (!Array.isArray(row) && !(row instanceof Float64Array)) fail(field, `row ${r + 1}: expected ${cols === 1 ? 'a number (or an array of 1 number)' : `an array of ${cols} numbers`}, got ${show(row)}${textHint(field, row)}`);
  fail(field, `row ${r + 1} has ${count(row.length, 'column')}; expected ${cols}`);
}

/** v as the cell at row r, column c (from 0) of `field`, or a message naming them. */
export function checkCell(field: string, v: unknown, r: number, c: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `row ${r + 1}, column ${c + 1}: expected a finite number, got ${show(v)}${textHint(field, v)}`);
  return v;
}

/**
 * What text where a number goes may mean: a number still in its CSV form; in x, a category (which
 * goes in as 0/1 columns); in y, a class label (which goes in as its class's index).
 */
function textHint(field: string, v: unknown): string {
  if (typeof v !== 'string') return '';
  if (v.trim() !== '' && Number.isFinite(Number(v))) return ` (text; give the number itself: Number(${JSON.stringify(v)}))`;
  if (field === 'x') return ' (text; a feature of categories goes in as numbers, a 0/1 column per category)';
  return ' (text; class labels go in as class indices, 0 to k − 1, or one-hot rows: readCsv reads a CSV column of labels so, and sortedClasses(labels) gives the classes in order)';
}

/** Binary cross-entropy learns probabilities of 1: every label must be 0 or 1. */
export function checkBinaryLabels(field: string, y: Float64Array, cols: number): void {
  const bad: string[] = [];
  y.forEach((v, i) => { if (v !== 0 && v !== 1 && bad.length < 5) bad.push(`row ${Math.floor(i / cols) + 1} has ${v}`); });
  if (bad.length) fail(field, `binaryCrossentropy needs labels 0 or 1; ${bad.join(', ')}`);
}

/** The hinge losses read labels −1 and 1, or 0 and 1 (read as −1 and 1, as Keras): not 0 beside −1, which would mean three labels. */
export function checkSignLabels(field: string, loss: string, y: Float64Array, cols: number): void {
  let zero = -1, minusOne = -1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v !== -1 && v !== 0 && v !== 1) fail(field, `${loss} needs labels −1 and 1 (or 0 and 1); row ${Math.floor(i / cols) + 1} has ${v}`);
    if (v === 0 && zero < 0) zero = i;
    if (v === -1 && minusOne < 0) minusOne = i;
  }
  if (zero >= 0 && minusOne >= 0) fail(field, `${loss} needs labels −1 and 1, or 0 and 1; row ${Math.floor(minusOne / cols) + 1} has −1 and row ${Math.floor(zero / cols) + 1} has 0`);
}

/** The categorical losses compare class probabilities: each row one-hot (or a distribution), ≥ 0 and summing to 1. */
export function checkProbabilityRows(field: string, loss: string, y: Float64Array, cols: number): void {
  for (let r = 0; r < y.length / cols; r++) {
    const row = y.subarray(r * cols, (r + 1) * cols);
    const sum = row.reduce((a, b) => a + b, 0);
    if (row.some((v) => v < 0) || Math.abs(sum - 1) > 1e-9) {
      fail(field, `row ${r + 1} is [${Array.from(row).join(', ')}]; ${loss} needs one-hot rows (one 1 in the column of the class) or class probabilities summing to 1`);
    }
  }
}

/** Sparse categorical cross-entropy reads one class index per row: an integer from 0 to classes − 1. */
export function checkClassIndices(field: string, y: Float64Array, classes: number): void {
  y.forEach((v, r) => {
    if (!Number.isInteger(v) || v < 0 || v >= classes) fail(field, `row ${r + 1} has ${v}; sparseCategoricalCrossentropy needs a class index, an integer from 0 to ${classes - 1}`);
  });
}
