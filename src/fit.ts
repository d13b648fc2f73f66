// What a fit does around the training loop: checks its options, turns the caller's rows into flat
// arrays, holds out validation rows, fits the input scaler — so Model.fit only wires the parts.
import { toMatrix, type Matrix } from './data.js';
import { fail } from './errors.js';
import { checkModelFitOptions, type ModelFitOptions, type Settings, type ValidationSettings } from './fitOptions.js';
import { checkTargets, LOSS_ROWS } from './operations/losses.js';
import { fitScaler, type Scaler } from './scaler.js';
import { outputs, targetWidth, type Network } from './spec.js';
import { splitRows, takeRows } from './split.js';

export type { ModelFitOptions } from './fitOptions.js';

/** Scaling targets is for regression: refuses it for any other loss, naming `field`. */
export function checkRegression(network: Network, field: string): void {
  if (LOSS_ROWS[network.loss].labels !== 'numbers') fail(field, `applies to regression targets (loss 'mse'); this model's loss is '${network.loss}'`);
}

/** Rows as the kernels take them: x [rows][inputs], y [rows][targets] (src/spec.ts targetWidth). */
export interface Rows { data: Float64Array; ys: Float64Array; rows: number }

/** Checks x and y against the network: one target row per input row, labels the loss can read. */
export function rowsOf(network: Network, x: Matrix, y: Matrix, xField = 'x', yField = 'y'): Rows {
  const { data, rows } = toMatrix(xField, x, network.inputs);
  const { data: ys, rows: yRows } = toMatrix(yField, y, targetWidth(network));
  if (yRows !== rows) fail(yField, `has ${yRows} rows but ${xField} has ${rows}; expected one target row per input row`);
  checkTargets(network.loss, yField, ys, outputs(network));
  return { data, ys, rows };
}

export interface PreparedFit {
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

/** Everything a fit needs before its first epoch, every option checked before anything changes. */
export function prepareFit(network: Network, x: Matrix, y: Matrix, options: ModelFitOptions): PreparedFit {
  const { settings, validation } = checkModelFitOptions(options);
  if (options.standardizeTarget) checkRegression(network, 'standardizeTarget');
  let train = rowsOf(network, x, y);
  let held = validation.data && rowsOf(network, validation.data[0], validation.data[1], 'validationData[0]', 'validationData[1]');
  if (validation.split !== undefined) {
    const kind = LOSS_ROWS[network.loss].labels;
    const labels = (kind === 'binary' && outputs(network) === 1) || kind === 'classIndices' ? train.ys : undefined;
    const parts = splitRows(train.rows, { fraction: validation.split, seed: settings.seed, stratify: labels });
    const take = (rows: number[]): Rows => ({ data: takeRows(train.data, network.inputs, rows), ys: takeRows(train.ys, targetWidth(network), rows), rows: rows.length });
    [train, held] = [take(parts.train), take(parts.validation)];
  }
  const scaler = options.standardize ? fitScaler(train.data, train.rows, network.inputs) : undefined;
  const targetScaler = options.standardizeTarget ? fitScaler(train.ys, train.rows, outputs(network), 'y') : undefined;
  return { settings, validation, train, held, scaler, targetScaler };
}
