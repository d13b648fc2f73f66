// What a fit does around the training loop: checks its options, turns the caller's rows into flat
// arrays, holds out validation rows, fits the input scaler — so Model.fit only wires the parts.
import { toMatrix, type Matrix } from './data.js';
import { argmax } from './classes.js';
import { fail, show } from './errors.js';
import { checkModelFitOptions, type ModelFitOptions, type Settings, type ValidationSettings } from './fitOptions.js';
import { checkTargets, LOSS_ROWS } from './operations/losses.js';
import { fitScaler, type Scaler } from './scaler.js';
import { outputs, targetWidth, type Network } from './spec.js';
import { splitRows, takeRows } from './split.js';
import { checkMonitor } from './validation.js';

export type { ModelFitOptions } from './fitOptions.js';

/** Scaling targets is for a regression whose loss reads standardized targets as it reads the values: refuses it for any other loss, naming `field`. */
export function checkRegression(network: Network, field: string): void {
  const row = LOSS_ROWS[network.loss];
  if (row.labels !== 'numbers') fail(field, `applies to regression targets (loss 'mse'); this model's loss is '${network.loss}'`);
  if (!row.scalesTargets) fail(field, `${network.loss} reads the target values themselves (their scale and sign), so it does not train on standardized targets`);
}

/** The labels a split keeps the shares of: one class per row (a 0/1 target or class indices), else none. */
export function splitLabels(network: Network, ys: Float64Array): Float64Array | undefined {
  const kind = LOSS_ROWS[network.loss].labels;
  return ((kind === 'binary' || kind === 'signs') && outputs(network) === 1) || kind === 'classIndices' ? ys : undefined;
}

/** Rows as the kernels take them: x [rows][inputs], y [rows][targets] (src/spec.ts targetWidth), and each row's weight if any. */
export interface Rows { data: Float64Array; ys: Float64Array; rows: number; weights?: Float64Array | undefined }

/**
 * `rows` with other inputs (scaled ones), as an object of one shape whatever `rows` came from: the
 * validation code that reads it each epoch is then optimized once (a spread's object shape follows
 * its source's, which varies from fit to fit).
 */
export function withInputs(rows: Rows, data: Float64Array): Rows {
  return { data, ys: rows.ys, rows: rows.rows, weights: rows.weights };
}

/** Keras's sample_weight: one finite weight ≥ 0 per row, naming `field`. */
export function checkSampleWeight(field: string, w: unknown, rows: number): Float64Array {
  if (!Array.isArray(w) && !ArrayBuffer.isView(w)) fail(field, `expected one weight per row (an array of ${rows} numbers), got ${show(w)}`);
  const list = w as ArrayLike<unknown>;
  if (list.length !== rows) fail(field, `has ${list.length} weights; expected one per row, ${rows}`);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = list[r];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(field, `row ${r + 1} has ${show(v)}; expected a finite weight ≥ 0`);
    out[r] = v;
  }
  return out;
}

/**
 * Keras's class_weight as row weights: each row weighs its class's weight (1 for a class not named),
 * its class being its 0/1 label, its class index, or the largest column of its one-hot (or probability) row.
 */
function classWeights(network: Network, field: string, classWeight: unknown, ys: Float64Array, rows: number): Float64Array {
  const row = LOSS_ROWS[network.loss];
  const k = row.labels === 'binary' ? 2 : outputs(network);
  if (row.labels !== 'binary' && row.labels !== 'classIndices' && row.labels !== 'probabilities') fail(field, `weighs classes; this model's loss '${network.loss}' has no classes`);
  if (row.labels === 'binary' && outputs(network) !== 1) fail(field, `weighs the classes of one 0/1 output; this model has ${outputs(network)} outputs`);
  if (typeof classWeight !== 'object' || classWeight === null || Array.isArray(classWeight)) fail(field, `expected { [class index]: weight }, got ${show(classWeight)}`);
  const weights = new Float64Array(k).fill(1);
  for (const key of Object.keys(classWeight)) {
    const c = Number(key), v = (classWeight as Record<string, unknown>)[key];
    if (!Number.isInteger(c) || c < 0 || c >= k || String(c) !== key) fail(`${field}.${key}`, `expected a class index from 0 to ${k - 1}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${field}.${key}`, `expected a finite weight ≥ 0, got ${show(v)}`);
    weights[c] = v;
  }
  const width = targetWidth(network), out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = weights[row.labels === 'probabilities' ? argmax(ys, r * width, width) : ys[r]!]!;
  return out;
}

/** Checks x and y against the network: one target row per input row, labels the loss can read. */
export function rowsOf(network: Network, x: Matrix, y: Matrix, xField = 'x', yField = 'y'): Rows {
  const { data, rows } = toMatrix(xField, x, network.inputs);
  const { data: ys, rows: yRows } = toMatrix(yField, y, targetWidth(network));
  if (yRows !== rows) {
    // A flat x is cut into rows by the model's inputs: a wrong `inputs` shows as a row count that differs
    const flat = x instanceof Float64Array || typeof x[0] === 'number' ? ` (${xField} is flat: ${data.length} numbers read as rows of ${network.inputs} inputs, the model's)` : '';
    fail(yField, `has ${yRows} rows but ${xField} has ${rows}${flat}; expected one target row per input row`);
  }
  checkTargets(network.loss, yField, ys, outputs(network));
  return { data, ys, rows };
}

interface PreparedFit {
  settings: Settings;
  validation: ValidationSettings;
  train: Rows;
  /** Held-out rows, unscaled. */
  held: Rows | undefined;
  /** A scaler fitted to the training rows, when asked to standardize. */
  scaler: Scaler | undefined;
  /** A scaler fitted to the training targets, when asked to standardizeTarget. */
  targetScaler: Scaler | undefined;
}

/**
 * A fit's options checked against the network before any row is read: every check of Model.fit that
 * needs no data (a worker's fit is checked by it in the caller's thread). classWeight's classes and
 * weights are checked on no rows; its rows' weights come after the split.
 */
export function checkFit(network: Network, options: ModelFitOptions): { settings: Settings; validation: ValidationSettings } {
  const { settings, validation } = checkModelFitOptions(options);
  const task = LOSS_ROWS[network.loss].task;
  if (validation.earlyStopping) checkMonitor('earlyStopping.monitor', validation.earlyStopping.monitor, task);
  if (settings.reduceLROnPlateau) checkMonitor('reduceLROnPlateau.monitor', settings.reduceLROnPlateau.monitor, task);
  if (options.standardizeTarget) checkRegression(network, 'standardizeTarget');
  if (options.sampleWeight !== undefined && options.classWeight !== undefined) fail('classWeight', 'give sampleWeight or classWeight, not both (as Keras)');
  if (options.classWeight !== undefined) classWeights(network, 'classWeight', options.classWeight, new Float64Array(0), 0);
  return { settings, validation };
}

/** Everything a fit needs before its first epoch, every option checked before anything changes. */
export function prepareFit(network: Network, x: Matrix, y: Matrix, options: ModelFitOptions): PreparedFit {
  const { settings, validation } = checkFit(network, options);
  let train = rowsOf(network, x, y);
  if (options.sampleWeight !== undefined) train.weights = checkSampleWeight('sampleWeight', options.sampleWeight, train.rows);
  let held = validation.data && rowsOf(network, validation.data[0], validation.data[1], 'validationData[0]', 'validationData[1]');
  if (held && validation.data![2] !== undefined) held.weights = checkSampleWeight('validationData[2]', validation.data![2], held.rows);
  if (validation.split !== undefined) {
    const parts = splitRows(train.rows, { fraction: validation.split, seed: settings.seed, stratify: splitLabels(network, train.ys) });
    const weights = train.weights;
    const take = (rows: number[]): Rows => ({
      data: takeRows(train.data, network.inputs, rows), ys: takeRows(train.ys, targetWidth(network), rows), rows: rows.length,
      weights: weights && takeRows(weights, 1, rows),
    });
    [train, held] = [take(parts.train), take(parts.validation)];
  }
  // class weights weigh the training rows only, after the split, as Keras
  if (options.classWeight !== undefined) train.weights = classWeights(network, 'classWeight', options.classWeight, train.ys, train.rows);
  const scaler = options.standardize ? fitScaler(train.data, train.rows, network.inputs) : undefined;
  const targetScaler = options.standardizeTarget ? fitScaler(train.ys, train.rows, outputs(network), 'y') : undefined;
  return { settings, validation, train, held, scaler, targetScaler };
}
