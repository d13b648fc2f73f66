import { fail, knownKeys, show } from './errors.js';

/** Per-feature z-score: a model with a scaler sees (x − mean) / std instead of x. */
export interface Scaler {
  mean: number[];
  std: number[];
}

/**
 * Mean and population standard deviation of each column of `x` (rows × cols), as scikit-learn's
 * StandardScaler. A constant column gets std 1, so it becomes 0 rather than 0/0. A column whose
 * spread overflows f64 (values near 1e300) is refused, naming it by `names` or its index, since
 * the scaler it would give could not be saved or applied.
 */
export function fitScaler(x: Float64Array, rows: number, cols: number, field = 'x', names?: readonly string[]): Scaler {
  if (typeof field !== 'string') fail('field', `expected the rows' name for messages (a string), got ${show(field)}`);
  checkRows(field, x, cols, rows);
  // Float64Arrays, not arrays filled with 0: those change kind as doubles land in them, which costs
  // each optimized caller a deoptimization (a search's worker fits a scaler per trial)
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]! / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c]! += (x[r * cols + c]! - mean[c]!) ** 2 / rows;
  for (let c = 0; c < cols; c++) {
    if (Number.isFinite(mean[c]) && Number.isFinite(std[c])) continue;
    let largest = 0;
    for (let r = 0; r < rows; r++) largest = Math.max(largest, Math.abs(x[r * cols + c]!));
    fail(field, `${names ? `column ${JSON.stringify(names[c])}` : `column ${c}`} cannot be standardized: its values (up to ${largest.toExponential(3)}) spread too far for f64 to hold their variance; divide it by a power of ten first`);
  }
  return { mean: Array.from(mean), std: Array.from(std, (v, c) => (Math.sqrt(v) > 1e-12 * Math.max(1, Math.abs(mean[c]!)) ? Math.sqrt(v) : 1)) };
}

/**
 * Checks x as rows of `cols` values (`rows` of them when given). fitScaler and applyScaler are the
 * library's too, where a wrong count would give NaN means or scale one column by another's.
 */
function checkRows(field: string, x: unknown, cols: number, rows?: number): void {
  if (typeof cols !== 'number' || !Number.isInteger(cols) || cols < 1) fail('cols', `expected the values per row, an integer ≥ 1, got ${show(cols)}`);
  if (rows !== undefined && (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0)) fail('rows', `expected the number of rows, an integer ≥ 0, got ${show(rows)}`);
  if (!(x instanceof Float64Array)) fail(field, `expected a Float64Array of rows × ${cols} values, got ${show(x)}`);
  if (rows === undefined ? x.length % cols !== 0 : x.length !== rows * cols) fail(field, `expected ${rows === undefined ? `whole rows of ${cols} values` : `${rows} rows × ${cols} = ${rows * cols} values`}, got ${x.length}`);
}

/** The scaled values back in the column's units: x · std + mean, as a new array (rows × cols). */
export function invertScaler(scaler: Scaler, x: Float64Array, cols: number): Float64Array {
  return x.map((v, i) => v * scaler.std[i % cols]! + scaler.mean[i % cols]!);
}

/** x scaled, as a new array (rows × cols). */
export function applyScaler(scaler: Scaler, x: Float64Array, cols: number): Float64Array {
  checkRows('x', x, cols);
  scalerAsGiven('scaler', scaler, cols);
  return x.map((v, i) => (v - scaler.mean[i % cols]!) / scaler.std[i % cols]!);
}

/** Checks a scaler given by a caller or read from a file: `cols` finite means and positive stds. Returns a copy of it. */
export function checkScaler(field: string, value: unknown, cols: number): Scaler {
  const { mean, std } = scalerAsGiven(field, value, cols);
  return { mean: [...mean], std: [...std] };
}

/** checkScaler's checks, copying nothing: a model applies its scaler at every predict. */
function scalerAsGiven(field: string, value: unknown, cols: number): Scaler {
  if (typeof value !== 'object' || value === null) fail(field, `expected { mean: [...], std: [...] } with ${cols} numbers each, got ${show(value)}`);
  knownKeys(field, value, ['mean', 'std'], true);
  const { mean, std } = value as { mean: unknown; std: unknown };
  const numbers = (name: string, v: unknown, ok: (n: number) => boolean, want: string): void => {
    if (!Array.isArray(v) || v.length !== cols) fail(`${field}.${name}`, `expected ${cols} numbers (one per feature), got ${show(v)}`);
    for (let i = 0; i < cols; i++) if (typeof v[i] !== 'number' || !ok(v[i])) fail(`${field}.${name}[${i}]`, `expected ${want}, got ${show(v[i])}`);
  };
  numbers('mean', mean, Number.isFinite, 'a finite number');
  numbers('std', std, (n) => Number.isFinite(n) && n > 0, 'a finite number > 0');
  return value as Scaler;
}
