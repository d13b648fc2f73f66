import type { EngineKind } from './engines/engine.js';
import { loadWasm, wasmLoaded } from './engines/wasm.js';
import { toMatrix, type Matrix } from './data.js';
import { fail, knownKeys, oneOf } from './errors.js';
import { prepareFit, rowsOf, type ModelFitOptions, type Rows } from './fit.js';
import { OptimizerState } from './optimizers.js';
import { applyScaler, checkScaler, type Scaler } from './scaler.js';
import { checkThreshold, metricsFor, type Metrics } from './metrics.js';
import { checkSpec, outputs, parameterCount, type DenseSpec, type LayerSpec, type ModelSpec, type Network } from './spec.js';
import { train, type History } from './trainer.js';
import { ValidationWatch } from './validation.js';
import { fromKeras, initialParams, toKeras, type Weights } from './weights.js';
import { Workspace } from './workspace.js';

export type { Weights } from './weights.js';
export type { ModelFitOptions } from './fit.js';

/** A model's spec and starting point. Without a type argument its layers are Dense only; `ModelOptions<LayerSpec>` (what the constructor takes) admits Dropout too. */
export interface ModelOptions<Layer extends LayerSpec = DenseSpec> extends ModelSpec<Layer> {
  /** Initial weights in the Keras layout; overrides the layers' initializers. */
  weights?: Weights;
  /** Seeds the random initializers (default 0). */
  seed?: number;
  /** Inputs are z-scored with this before they reach the first layer (see `standardize` in fit). */
  scaler?: Scaler;
}

export interface RunOptions {
  /** Defaults to 'wasm' once the kernels are loaded (after a WASM fit or loadWasm()), else 'js'. */
  engine?: EngineKind;
}

export interface MetricsOptions extends RunOptions {
  /** Probability from which a row counts as predicted 1 (default 0.5). */
  threshold?: number;
}

/**
 * A stack of Dense layers and its parameters. The parameters live flat (src/weights.ts); each engine
 * the model runs on keeps one workspace for the model's life (src/workspace.ts), which fit, predict,
 * evaluate and validation share, and which copies the parameters in only when they changed elsewhere.
 */
export class Model {
  readonly network: Network;
  /** Set to true from a callback to end `fit` after the current epoch, as in Keras. */
  stopTraining = false;
  /** The parameters; every change outside a workspace bumps `version`. */
  private readonly params: Float64Array;
  private version = 0;
  /** The optimizer's step count, momentums and velocities: a second fit continues them, as in Keras. */
  private readonly optimizer: OptimizerState;
  private readonly workspaces: Partial<Record<EngineKind, Workspace>> = {};
  private inputScaler: Scaler | undefined;
  private fitting = false;

  constructor(options: ModelOptions<LayerSpec>) {
    this.network = checkSpec(options);
    knownKeys('', options, ['inputs', 'layers', 'loss', 'weights', 'seed', 'scaler']);
    if (options.scaler !== undefined) this.inputScaler = checkScaler('scaler', options.scaler, this.network.inputs);
    this.params = options.weights !== undefined ? fromKeras(this.network, options.weights) : initialParams(this.network, options.seed ?? 0);
    this.optimizer = new OptimizerState(this.params.length);
  }

  /** The z-score scaler applied to inputs, if any (copies). */
  get scaler(): Scaler | undefined {
    return this.inputScaler && { mean: [...this.inputScaler.mean], std: [...this.inputScaler.std] };
  }

  countParams(): number {
    return parameterCount(this.network);
  }

  /** The weights in the Keras layout (copies). */
  getWeights(): Weights {
    return toKeras(this.network, this.params);
  }

  /** Sets every weight from the Keras layout; checks every shape and value before changing any. */
  setWeights(weights: Weights): void {
    this.changed(fromKeras(this.network, weights));
  }

  /**
   * Trains on x (rows × inputs) and y (rows × outputs); the weights carry over between calls.
   * With validation data, each epoch's logs and the history also hold the held-out rows' loss and
   * metrics. One fit at a time: a second call before the first has finished is refused.
   */
  async fit(x: Matrix, y: Matrix, options: ModelFitOptions = {}): Promise<History> {
    if (this.fitting) fail('fit', 'this model is already training: await the running fit before starting another');
    this.fitting = true;
    try {
      const { settings, validation, train: rows, held, scaler } = prepareFit(this.network, x, y, options);
      if (settings.engine === 'wasm') await loadWasm();
      if (scaler) this.inputScaler = scaler;
      const ws = this.workspace(settings.engine);
      ws.setTrainingRows(this.scale(rows.data), rows.ys, rows.rows, settings.batchSize);
      const heldScaled = held && { ...held, data: this.scale(held.data) };
      const watch = heldScaled && new ValidationWatch(() => this.measure(ws, heldScaled, validation.threshold), this.params, validation.patience);
      this.stopTraining = false;
      let history: History;
      try {
        history = await train(this.network, ws, this.optimizer, rows.rows, settings, async (epoch, logs) => {
          this.params.set(ws.params());
          ws.paramsVersion = ++this.version;
          watch?.epochEnd(epoch, logs);
          await options.onEpochEnd?.(epoch, logs);
          // A callback's setWeights changes what training continues from, as in Keras.
          this.load(ws);
        }, () => this.stopTraining || watch?.stop === true);
      } finally {
        // The engine may hold a step past the last finished epoch (a diverged one): not the model's.
        if (ws.paramsVersion !== this.version) ws.paramsVersion = -1;
      }
      if (watch) {
        watch.finish(history);
        this.version++;
      }
      return history;
    } finally {
      this.fitting = false;
    }
  }

  /** Outputs for each row of x: rows × outputs (a softmax output: the k class probabilities), all rows in one call into the kernels. */
  predict(x: Matrix, options: RunOptions = {}): number[][] {
    const kind = this.engineFor(options);
    const { data, rows } = toMatrix('x', x, this.network.inputs);
    const { outputs: out } = this.workspace(kind).run(this.scale(data), undefined, rows);
    const n = outputs(this.network);
    return Array.from({ length: rows }, (_, r) => Array.from(out.subarray(r * n, (r + 1) * n)));
  }

  /** Mean loss over the rows of x and y, plus the regularizers' penalty (as Keras's evaluate). */
  evaluate(x: Matrix, y: Matrix, options: RunOptions = {}): number {
    const kind = this.engineFor(options);
    const { data, ys, rows } = rowsOf(this.network, x, y);
    return this.workspace(kind).run(this.scale(data), ys, rows).loss;
  }

  /**
   * Metrics of the loss's task over the rows of x and y: MSE, MAE, R² for mse; accuracy, precision,
   * recall, F1, log loss and the confusion matrix for binaryCrossentropy; accuracy, per-class
   * precision, recall and F1 and the k × k confusion matrix for the categorical cross-entropies.
   */
  evaluateMetrics(x: Matrix, y: Matrix, options: MetricsOptions = {}): Metrics {
    const kind = this.engineFor(options, ['threshold']);
    const threshold = checkThreshold(options.threshold ?? 0.5);
    const rows = rowsOf(this.network, x, y);
    return this.measure(this.workspace(kind), { ...rows, data: this.scale(rows.data) }, threshold).metrics;
  }

  private measure(ws: Workspace, { data, ys, rows }: Rows, threshold: number): { loss: number; metrics: Metrics } {
    const { outputs: yhat, loss } = ws.run(data, ys, rows);
    return { loss, metrics: metricsFor(this.network.loss, ys, yhat, threshold, outputs(this.network)) };
  }

  /** This model's workspace on `kind`, holding the current parameters. */
  private workspace(kind: EngineKind): Workspace {
    const ws = (this.workspaces[kind] ??= new Workspace(kind, this.network));
    this.load(ws);
    return ws;
  }

  private load(ws: Workspace): void {
    if (ws.paramsVersion === this.version) return;
    ws.params().set(this.params);
    ws.paramsVersion = this.version;
  }

  private changed(params: Float64Array): void {
    this.params.set(params);
    this.version++;
  }

  private scale(x: Float64Array): Float64Array {
    return this.inputScaler ? applyScaler(this.inputScaler, x, this.network.inputs) : x;
  }

  private engineFor(options: RunOptions, also: string[] = []): EngineKind {
    if (typeof options !== 'object' || options === null) fail('options', 'expected an object such as { engine: "js" }');
    knownKeys('', options, ['engine', ...also]);
    return oneOf('engine', options.engine ?? (wasmLoaded() ? 'wasm' : 'js'), ['wasm', 'js'] as const);
  }
}

/** Builds a model from Dense layer specs, as Keras's `sequential`. */
export function sequential(options: ModelOptions<LayerSpec>): Model {
  return new Model(options);
}
