// Class labels as a classifier over k classes sees them: the labels in a fixed order, each row's
// class index into that order, one-hot rows, and the label a row of probabilities predicts.
import { fail, listOf, numberList, positiveInteger, show } from './errors.js';
import { LOSS_ROWS, type Loss } from './operations/losses.js';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether a loss reads the outputs as the probabilities of k classes (a softmax output). */
export function isCategorical(loss: string): boolean {
  return Object.hasOwn(LOSS_ROWS, loss) && LOSS_ROWS[loss as Loss].task === 'multiclass';
}

/** A cell as a label: trimmed, and a number written as JavaScript writes it, so `1`, `1.0` and `+1` are one class. */
export function canonicalLabel(cell: string): string {
  if (typeof cell !== 'string') fail('cell', `expected a label's text (a string), got ${show(cell)}`);
  const t = cell.trim();
  return NUMBER.test(t) && Number.isFinite(Number(t)) ? String(Number(t)) : t;
}

/**
 * The distinct labels of `cells`, sorted: in numeric order when every label is a number, else in
 * code-unit order (JavaScript's default sort; for ASCII labels that is Python's `sorted` and
 * scikit-learn's LabelEncoder order, uppercase before lowercase). Class k of a model is `classes[k]`.
 */
export function sortedClasses(cells: Iterable<string>): string[] {
  if (typeof cells !== 'object' || cells === null || !(Symbol.iterator in cells)) fail('cells', `expected the labels' cells (strings), got ${show(cells)}`);
  // Loops, not spreads: the distinct labels can be as many as the rows
  const seen = new Set<string>();
  for (const cell of cells) seen.add(canonicalLabel(cell));
  const distinct: string[] = [];
  for (const label of seen) distinct.push(label);
  return distinct.every((l) => l !== '' && NUMBER.test(l)) ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
}

/** Checks a list of class labels (from a caller or a model file): at least two, distinct, non-empty strings. */
export function checkClasses(field: string, classes: unknown): string[] {
  if (!Array.isArray(classes) || classes.length < 2) fail(field, `expected at least two class labels, got ${show(classes)}`);
  classes.forEach((label: unknown, k) => {
    if (typeof label !== 'string' || label.trim() === '') fail(`${field}[${k}]`, `expected a class label (a non-empty string), got ${show(label)}`);
    if (classes.indexOf(label) !== k) fail(field, `${show(label)} is listed twice`);
  });
  return [...classes] as string[];
}

/** `rows` class indices (each in 0 … k − 1) as one-hot rows: rows × k, row-major. */
export function oneHot(indices: ArrayLike<number>, k: number): Float64Array {
  positiveInteger('k', k);
  listOf('y', indices, 'class indices (an array of integers)');
  const out = new Float64Array(indices.length * k);
  for (let r = 0; r < indices.length; r++) {
    const c = indices[r]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) fail('y', `row ${r + 1} has class ${show(c)}; expected an integer from 0 to ${k - 1}`);
    out[r * k + c] = 1;
  }
  return out;
}

/** The index of the largest of values[at … at + n), the first on a tie (as numpy's argmax). */
export function argmax(values: ArrayLike<number>, at: number, n: number): number {
  // the page calls it per pixel of a map: a few comparisons, no walk over values
  listOf('values', values, 'an array of numbers');
  if (!(Number.isInteger(at) && at >= 0)) fail('at', `expected where the values start, an integer ≥ 0, got ${show(at)}`);
  if (!(Number.isInteger(n) && n >= 1 && at + n <= values.length)) fail('n', `expected how many values to compare, from 1 to ${values.length - at}, got ${show(n)}`);
  let best = 0;
  for (let k = 1; k < n; k++) if (values[at + k]! > values[at + best]!) best = k;
  return best;
}

/** The label each row of probabilities (rows × k, as `Model.predict` returns for a softmax output) predicts. */
export function predictedLabels(probabilities: readonly (readonly number[])[], classes: readonly string[]): string[] {
  checkClasses('classes', classes);
  if (!Array.isArray(probabilities as unknown)) fail('probabilities', `expected rows of probabilities, one per class (as Model.predict returns them), got ${show(probabilities)}`);
  return probabilities.map((row, r) => {
    numberList(`probabilities[${r}]`, row);
    if (row.length !== classes.length) fail('probabilities', `row ${r + 1} has ${row.length} values; expected one per class (${classes.length})`);
    return classes[argmax(row, 0, row.length)]!;
  });
}

/**
 * What predict adds to each row for a softmax classifier: a `prediction` column (the most probable
 * label), then `probability_<label>` per class, in class order.
 */
export function classPredictions(probabilities: readonly (readonly number[])[], classes: readonly string[]): { columns: string[]; rows: (string | number)[][] } {
  const labels = predictedLabels(probabilities, classes);
  return { columns: ['prediction', ...classes.map((label) => `probability_${label}`)], rows: probabilities.map((p, r) => [labels[r]!, ...p]) };
}
