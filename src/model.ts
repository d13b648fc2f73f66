import type { EngineKind } from './engines/engine.js';
import { wasmLoaded } from './engines/wasm.js';
import { checkBinaryLabels, toMatrix, type Matrix } from './data.js';
import { fail, oneOf, show } from './errors.js';
import { initialize } from './initializers.js';
import { OptimizerState } from './optimizers.js';
import { seeded } from './random.js';
import { checkSpec, outputs, parameterCount, widths, type ModelSpec, type Network } from './spec.js';
import { checkFitOptions, train, type FitOptions, type History } from './trainer.js';
import { openWorkspace } from './workspace.js';
import { applyScaler, checkScaler, fitScaler, invertScaler, type Scaler } from './scaler.js';
import { checkThreshold, metricsFor, type Metrics } from './metrics.js';
import { splitRows, takeRows } from './split.js';
import { checkValidationOptions, ValidationWatch, type ValidationOptions } from './validation.js';

/** Keras's weight list: `[kernel₁ (inputs × units), bias₁ (units), kernel₂, bias₂, …]`. */
export type Weights = (number[][] | number[])[];

export interface ModelOptions extends ModelSpec {
  /** Initial weights in the Keras layout; overrides the layers' initializers. */
  weights?: Weights;
  /** Seeds the random initializers (default 0). */
  seed?: number;
  /** Inputs are z-scored with this before they reach the first layer (see `standardize` in fit). */
  scaler?: Scaler;
  /** Regression (mse): the model learns (y − mean) / std and predicts in y's units (see `standardizeTarget` in fit). */
  targetScaler?: Scaler;
}

export interface ModelFitOptions extends FitOptions, ValidationOptions {
  /** Fits a z-score scaler to the training rows (after any validationSplit); the model applies it from then on, in fit, predict and evaluate. */
  standardize?: boolean;
  /**
   * Regression (mse): fits a z-score scaler to the training targets and trains on the scaled
   * targets, so a target around 100 trains as well as one around 0. Predictions and metrics stay
   * in the target's units; losses (history, evaluate) are those of the scaled targets.
   */
  standardizeTarget?: boolean;
}

interface Rows { data: Float64Array; ys: Float64Array; rows: number }

export interface RunOptions {
  /** Defaults to 'wasm' once the kernels are loaded (after a WASM fit or loadWasm()), else 'js'. */
  engine?: EngineKind;
}

export interface MetricsOptions extends RunOptions {
  /** Probability from which a row counts as predicted 1 (default 0.5). */
  threshold?: number;
}

/** A stack of Dense layers and its parameters, kept flat: per layer the kernel as [units][inputs], then the bias. */
export class Model {
  readonly network: Network;
  /** Set to true from a callback to end `fit` after the current epoch, as in Keras. */
  stopTraining = false;
  private readonly params: Float64Array;
  /** The optimizer's step count, momentums and velocities: a second fit continues them, as in Keras. */
  private readonly optimizer: OptimizerState;
  private inputScaler: Scaler | undefined;
  private outputScaler: Scaler | undefined;

  constructor(options: ModelOptions) {
    this.network = checkSpec(options);
    this.params = new Float64Array(parameterCount(this.network));
    this.optimizer = new OptimizerState(this.params.length);
    if (options.scaler !== undefined) this.inputScaler = checkScaler('scaler', options.scaler, this.network.inputs);
    if (options.targetScaler !== undefined) {
      this.checkRegression('targetScaler');
      this.outputScaler = checkScaler('targetScaler', options.targetScaler, outputs(this.network));
    }
    if (options.weights !== undefined) this.setWeights(options.weights);
    else this.initialize(options.seed ?? 0);
  }

  private initialize(seed: number): void {
    if (!Number.isInteger(seed)) fail('seed', `expected an integer, got ${show(seed)}`);
    const random = seeded(seed);
    this.forEachLayer((l, inputs, kernel, bias) => {
      const layer = this.network.layers[l]!;
      initialize(kernel, layer.kernelInitializer, inputs, layer.units, random);
      // Keras takes both fans of a 1-D weight from its length
      initialize(bias, layer.biasInitializer, layer.units, layer.units, random);
    });
  }

  /** Calls `f` with views of each layer's kernel ([units][inputs]) and bias in the flat parameters. */
  private forEachLayer(f: (layer: number, inputs: number, kernel: Float64Array, bias: Float64Array) => void): void {
    const w = widths(this.network);
    let at = 0;
    this.network.layers.forEach((layer, l) => {
      const inputs = w[l]!;
      const kernel = this.params.subarray(at, at + layer.units * inputs);
      at += kernel.length;
      const bias = this.params.subarray(at, at + layer.units);
      at += bias.length;
      f(l, inputs, kernel, bias);
    });
  }

  /** The z-score scaler applied to inputs, if any (copies). */
  get scaler(): Scaler | undefined {
    return this.inputScaler && { mean: [...this.inputScaler.mean], std: [...this.inputScaler.std] };
  }

  /** The z-score scaler of the targets, if any (copies). */
  get targetScaler(): Scaler | undefined {
    return this.outputScaler && { mean: [...this.outputScaler.mean], std: [...this.outputScaler.std] };
  }

  countParams(): number {
    return this.params.length;
  }

  /** The weights in the Keras layout (copies). */
  getWeights(): Weights {
    const out: Weights = [];
    this.forEachLayer((_, inputs, kernel, bias) => {
      const units = bias.length;
      out.push(Array.from({ length: inputs }, (_, i) => Array.from({ length: units }, (_, u) => kernel[u * inputs + i]!)));
      out.push(Array.from(bias));
    });
    return out;
  }

  /** Sets every weight from the Keras layout; checks every shape and value before changing any. */
  setWeights(weights: Weights): void {
    const layers = this.network.layers.length;
    if (!Array.isArray(weights) || weights.length !== 2 * layers) {
      fail('weights', `expected ${2 * layers} arrays [kernel, bias] × ${layers} layers, got ${show(weights)}`);
    }
    const next = new Float64Array(this.params.length);
    const w = widths(this.network);
    let at = 0;
    for (let l = 0; l < layers; l++) {
      const inputs = w[l]!, units = w[l + 1]!;
      const kernel = weights[2 * l], bias = weights[2 * l + 1];
      const kField = `weights[${2 * l}] (layer ${l} kernel)`, bField = `weights[${2 * l + 1}] (layer ${l} bias)`;
      if (!Array.isArray(kernel) || kernel.length !== inputs) fail(kField, `expected ${inputs} rows (one per input) of ${units} numbers, got ${show(kernel)}`);
      kernel.forEach((row: unknown, i) => {
        if (!Array.isArray(row) || row.length !== units) fail(`${kField}[${i}]`, `expected ${units} numbers (one per unit), got ${show(row)}`);
        row.forEach((v: unknown, u) => { next[at + u * inputs + i] = finite(`${kField}[${i}][${u}]`, v); });
      });
      at += units * inputs;
      if (!Array.isArray(bias) || bias.length !== units) fail(bField, `expected ${units} numbers (one per unit), got ${show(bias)}`);
      bias.forEach((v: unknown, u) => { next[at + u] = finite(`${bField}[${u}]`, v); });
      at += units;
    }
    this.params.set(next);
  }

  /**
   * Trains on x (rows × inputs) and y (rows × outputs); the weights carry over between calls.
   * With validation data, each epoch's logs and the history also hold the held-out rows' loss and metrics.
   */
  async fit(x: Matrix, y: Matrix, options: ModelFitOptions = {}): Promise<History> {
    const settings = checkFitOptions(options);
    const v = checkValidationOptions(options);
    if (options.standardizeTarget !== undefined && typeof options.standardizeTarget !== 'boolean') fail('standardizeTarget', `expected true or false, got ${show(options.standardizeTarget)}`);
    if (options.standardizeTarget) this.checkRegression('standardizeTarget');
    let fitRows = this.data(x, y);
    let held = v.data && this.data(v.data[0], v.data[1], 'validationData[0]', 'validationData[1]');
    if (v.split !== undefined) {
      const labels = this.network.loss === 'binaryCrossentropy' && outputs(this.network) === 1 ? fitRows.ys : undefined;
      const parts = splitRows(fitRows.rows, { fraction: v.split, seed: settings.seed, stratify: labels });
      [fitRows, held] = [this.rowsOf(fitRows, parts.train), this.rowsOf(fitRows, parts.validation)];
    }
    const inputScaler = options.standardize ? fitScaler(fitRows.data, fitRows.rows, this.network.inputs) : this.inputScaler;
    this.outputScaler = options.standardizeTarget ? fitScaler(fitRows.ys, fitRows.rows, outputs(this.network), 'y') : this.outputScaler;
    this.inputScaler = inputScaler;
    const heldScaled = held && { ...held, data: this.scale(held.data) };
    const watch = heldScaled && new ValidationWatch(() => this.measure(settings.engine, heldScaled, v.threshold), this.params, v.patience);
    this.stopTraining = false;
    const history = await train(this.network, this.params, this.optimizer, this.scale(fitRows.data), this.scaleTarget(fitRows.ys), fitRows.rows, settings,
      async (epoch, logs) => { watch?.epochEnd(epoch, logs); await options.onEpochEnd?.(epoch, logs); },
      () => this.stopTraining || watch?.stop === true);
    watch?.finish(history);
    return history;
  }

  /** Outputs for each row of x: rows × outputs. */
  predict(x: Matrix, options: RunOptions = {}): number[][] {
    const { data, rows } = toMatrix('x', x, this.network.inputs);
    const out = this.unscaleTarget(this.pass(this.engineFor(options), this.scale(data), undefined, rows).outputs);
    const n = outputs(this.network);
    return Array.from({ length: rows }, (_, r) => Array.from(out.subarray(r * n, (r + 1) * n)));
  }

  /** Mean loss over the rows of x and y. */
  evaluate(x: Matrix, y: Matrix, options: RunOptions = {}): number {
    const { data, ys, rows } = this.data(x, y);
    return this.pass(this.engineFor(options), this.scale(data), this.scaleTarget(ys), rows).loss;
  }

  /** Metrics of the loss's task over the rows of x and y: MSE, MAE, R² for mse; accuracy, precision, recall, F1, log loss and the confusion matrix for binaryCrossentropy. */
  evaluateMetrics(x: Matrix, y: Matrix, options: MetricsOptions = {}): Metrics {
    const threshold = checkThreshold(options.threshold ?? 0.5);
    const rows = this.data(x, y);
    return this.measure(this.engineFor(options), { ...rows, data: this.scale(rows.data) }, threshold).metrics;
  }

  private measure(kind: EngineKind, { data, ys, rows }: Rows, threshold: number): { loss: number; metrics: Metrics } {
    const { outputs: yhat, loss } = this.pass(kind, data, this.scaleTarget(ys), rows);
    return { loss, metrics: metricsFor(this.network.loss, ys, this.unscaleTarget(yhat), threshold) };
  }

  /** One forward pass over every row (with the loss when y is given): the outputs rows × outputs and the mean loss. */
  private pass(kind: EngineKind, x: Float64Array, y: Float64Array | undefined, rows: number): { outputs: Float64Array; loss: number } {
    const { engine, layout } = openWorkspace(kind, this.network, this.params, x, y, rows);
    const out = layout.layers[layout.layers.length - 1]!;
    const yhat = new Float64Array(rows * out.units);
    let total = 0;
    for (let r = 0; r < rows; r++) {
      if (y) total += engine.rowLoss(layout.net, r, 1);
      else engine.forward(layout.net, r);
      yhat.set(engine.f64.subarray(out.a, out.a + out.units), r * out.units);
    }
    return { outputs: yhat, loss: total / rows };
  }

  private scale(x: Float64Array): Float64Array {
    return this.inputScaler ? applyScaler(this.inputScaler, x, this.network.inputs) : x;
  }

  private scaleTarget(y: Float64Array): Float64Array {
    return this.outputScaler ? applyScaler(this.outputScaler, y, outputs(this.network)) : y;
  }

  private unscaleTarget(y: Float64Array): Float64Array {
    return this.outputScaler ? invertScaler(this.outputScaler, y, outputs(this.network)) : y;
  }

  private checkRegression(field: string): void {
    if (this.network.loss !== 'mse') fail(field, `applies to regression targets (loss 'mse'); this model's loss is '${this.network.loss}'`);
  }

  private rowsOf({ data, ys }: Rows, rows: number[]): Rows {
    return { data: takeRows(data, this.network.inputs, rows), ys: takeRows(ys, outputs(this.network), rows), rows: rows.length };
  }

  private data(x: Matrix, y: Matrix, xField = 'x', yField = 'y'): Rows {
    const { data, rows } = toMatrix(xField, x, this.network.inputs);
    const { data: ys, rows: yRows } = toMatrix(yField, y, outputs(this.network));
    if (yRows !== rows) fail(yField, `has ${yRows} rows but ${xField} has ${rows}; expected one target row per input row`);
    if (this.network.loss === 'binaryCrossentropy') checkBinaryLabels(yField, ys, outputs(this.network));
    return { data, ys, rows };
  }

  private engineFor(options: RunOptions): EngineKind {
    return oneOf('engine', options.engine ?? (wasmLoaded() ? 'wasm' : 'js'), ['wasm', 'js'] as const);
  }
}

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `expected a finite number, got ${show(v)}`);
  return v;
}

/** Builds a model from Dense layer specs, as Keras's `sequential`. */
export function sequential(options: ModelOptions): Model {
  return new Model(options);
}
