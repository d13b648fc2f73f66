import type { EngineKind } from './engines/engine.js';
import { loadWasm, wasmLoaded } from './engines/wasm.js';
import { checkCell, writeMatrix, type Matrix } from './data.js';
import { fail, knownKeys, oneOf, show } from './errors.js';
import { checkRegression, prepareFit, rowsOf, type ModelFitOptions, type Rows } from './fit.js';
import { OptimizerState } from './optimizers.js';
import { applyScaler, checkScaler, invertScaler, type Scaler } from './scaler.js';
import { checkThreshold, metricsFor, type Metrics } from './metrics.js';
import { checkSpec, outputs, parameterCount, type DenseSpec, type LayerSpec, type ModelSpec, type Network } from './spec.js';
import { copyState, checkTraceOptions, traceFit, type Trace, type TraceOptions } from './trace.js';
import { train, type History } from './trainer.js';
import { ValidationWatch } from './validation.js';
import { fromKeras, initialParams, toKeras, type Weights } from './weights.js';
import { Workspace } from './workspace.js';

export type { Weights } from './weights.js';
export type { ModelFitOptions } from './fit.js';
export type { Trace, TraceOptions } from './trace.js';

/** A model's spec and starting point. Without a type argument its layers are Dense only; `ModelOptions<LayerSpec>` (what the constructor takes) admits Dropout too. */
export interface ModelOptions<Layer extends LayerSpec = DenseSpec> extends ModelSpec<Layer> {
  /** Initial weights in the Keras layout; overrides the layers' initializers. */
  weights?: Weights;
  /** Seeds the random initializers (default 0). */
  seed?: number;
  /** Inputs are z-scored with this before they reach the first layer (see `standardize` in fit). */
  scaler?: Scaler;
  /** Regression (mse): the model learns (y − mean) / std and predicts in y's units (see `standardizeTarget` in fit). */
  targetScaler?: Scaler;
}

/** Options of predict and evaluate. */
export interface RunOptions {
  /** Defaults to 'wasm' once the kernels are loaded (after a WASM fit or loadWasm()), else 'js'. */
  engine?: EngineKind;
}

/** Options of `evaluateMetrics`. */
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
  /** Units of the output layer: every predict reads it. */
  private readonly outputs: number;
  /** Set to true from a callback to end `fit` after the current epoch, as in Keras. */
  stopTraining = false;
  /** The parameters; every change outside a workspace bumps `version`. */
  private readonly params: Float64Array;
  private version = 0;
  /** The optimizer's step count, momentums and velocities: a second fit continues them, as in Keras. */
  private readonly optimizer: OptimizerState;
  // both keys from the start: one object shape for every model, whichever engine it runs first
  private readonly workspaces: Record<EngineKind, Workspace | undefined> = { wasm: undefined, js: undefined };
  private inputScaler: Scaler | undefined;
  private outputScaler: Scaler | undefined;
  private fitting = false;

  constructor(options: ModelOptions<LayerSpec>) {
    this.network = checkSpec(options);
    this.outputs = outputs(this.network);
    knownKeys('', options, ['inputs', 'layers', 'loss', 'weights', 'seed', 'scaler', 'targetScaler']);
    if (options.scaler !== undefined) this.inputScaler = checkScaler('scaler', options.scaler, this.network.inputs);
    if (options.targetScaler !== undefined) {
      checkRegression(this.network, 'targetScaler');
      this.outputScaler = checkScaler('targetScaler', options.targetScaler, outputs(this.network));
    }
    this.params = options.weights !== undefined ? fromKeras(this.network, options.weights) : initialParams(this.network, options.seed ?? 0);
    this.optimizer = new OptimizerState(this.params.length);
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
      const { settings, validation, train: rows, held, scaler, targetScaler } = prepareFit(this.network, x, y, options);
      if (settings.engine === 'wasm') await loadWasm();
      if (scaler) this.inputScaler = scaler;
      if (targetScaler) this.outputScaler = targetScaler;
      const ws = this.workspace(settings.engine);
      ws.setTrainingRows(this.scale(rows.data), this.scaleTarget(rows.ys), rows.rows, settings.batchSize);
      const heldScaled = held && { ...held, data: this.scale(held.data) };
      const watch = heldScaled && new ValidationWatch(() => this.measure(ws, heldScaled, validation.threshold, true), this.params, validation.earlyStopping);
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
      } catch (e) {
        // The engine holds the steps past the last finished epoch (a diverged one): not the model's.
        ws.paramsVersion = -1;
        throw e;
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

  /**
   * Everything step `step` (default 1) of `fit(x, y, options)` computes, layer by layer, read from the
   * engine that runs it (see src/trace.ts for the fields). The model keeps its parameters, optimizer
   * state and scaler unless `apply: true`, which leaves them where that fit would after `step` steps.
   */
  async trace(x: Matrix, y: Matrix, options: TraceOptions = {}): Promise<Trace> {
    if (this.fitting) fail('trace', 'this model is training: await the running fit before tracing a step');
    this.fitting = true;
    let ws: Workspace | undefined;
    let kept = false;
    try {
      const { fit, ...t } = checkTraceOptions(options);
      const { settings, validation, train: rows, held, scaler, targetScaler } = prepareFit(this.network, x, y, fit);
      if (settings.engine === 'wasm') await loadWasm();
      ws = this.workspace(settings.engine);
      const inputScaler = scaler ?? this.inputScaler;
      const scale = (d: Float64Array) => (inputScaler ? applyScaler(inputScaler, d, this.network.inputs) : d);
      const state = copyState(this.optimizer);
      // Early stopping as fit watches it: the held-out rows' loss after each epoch (the copy of the best
      // parameters it keeps is not needed here).
      const heldScaled = held && validation.earlyStopping !== undefined && { ...held, data: scale(held.data) };
      const watch = heldScaled && new ValidationWatch(() => this.measure(ws!, heldScaled, validation.threshold), ws.params().slice(), validation.earlyStopping);
      const stops = watch ? (epoch: number) => { watch.epochEnd(epoch, { loss: NaN }); return watch.stop; } : undefined;
      const outputScaler = targetScaler ?? this.outputScaler;
      const ys = outputScaler ? applyScaler(outputScaler, rows.ys, outputs(this.network)) : rows.ys;
      const trace = traceFit(this.network, ws, state, { ...rows, data: scale(rows.data), ys }, settings, t, stops);
      if (t.apply) {
        this.params.set(ws.params());
        ws.paramsVersion = ++this.version;
        copyState(state, this.optimizer);
        if (scaler) this.inputScaler = scaler;
        if (targetScaler) this.outputScaler = targetScaler;
        kept = true;
      }
      return trace;
    } finally {
      // Without apply the engine holds parameters that are not the model's: reload them next time.
      if (ws && !kept) ws.paramsVersion = -1;
      this.fitting = false;
    }
  }

  /** Outputs for each row of x: rows × outputs (a softmax output: the k class probabilities), all rows in one call into the kernels. */
  predict(x: Matrix, options: RunOptions = NO_OPTIONS): number[][] {
    const kind = this.engineFor(options);
    const ws = this.workspace(kind), { inputs } = this.network, n = this.outputs;
    // Each cell is checked as it is written into the engine's input region (which nothing reads
    // before it is written again), not into an array then copied there.
    const rows = writeMatrix('x', x, inputs, ws);
    const out = this.predictWritten(ws, rows);
    // an app's one-row call: a literal is the cheapest array
    return rows === 1 && n === 1 ? [[out[0]!]] : rowArrays(out, rows, n);
  }

  /**
   * predict for apps that call it often, allocating nothing: x holds rows × inputs, flat; the outputs
   * (rows × outputs, flat) are written into `out`, which is returned.
   */
  predictInto(x: Float64Array, out: Float64Array, options: RunOptions = NO_OPTIONS): Float64Array {
    const kind = this.engineFor(options);
    const { inputs } = this.network, rows = flatRows(x, out, inputs, this.outputs);
    // Each number checked as it is written into the engine's input region (nothing reads that region
    // before it is written again, so a bad one leaves nothing to undo).
    const ws = this.workspace(kind), input = ws.input(rows);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      input[i] = Number.isFinite(v) ? v : checkCell('x', v, Math.floor(i / inputs), i % inputs);
    }
    const y = this.predictWritten(ws, rows);
    // No set() or view for a few numbers: either costs as much as copying ~30 one by one.
    if (out.length < 32) for (let i = 0; i < out.length; i++) out[i] = y[i]!;
    else out.set(y.subarray(0, out.length));
    return out;
  }

  /** Runs the rows written into ws's input region: their outputs, in y's units, first in the view returned. */
  private predictWritten(ws: Workspace, rows: number): Float64Array {
    if (this.inputScaler) {
      const written = ws.input(rows).subarray(0, rows * this.network.inputs);
      written.set(this.scale(written));
    }
    const y = ws.predict(rows);
    return this.outputScaler ? this.unscaleTarget(y.subarray(0, rows * this.outputs)) : y;
  }

  /** Mean loss over the rows of x and y, plus the regularizers' penalty (as Keras's evaluate). */
  evaluate(x: Matrix, y: Matrix, options: RunOptions = {}): number {
    const kind = this.engineFor(options);
    const { data, ys, rows } = rowsOf(this.network, x, y);
    return this.workspace(kind).run(this.scale(data), this.scaleTarget(ys), rows).loss;
  }

  /**
   * Metrics of the loss's task over the rows of x and y: MSE, MAE, R² for mse; accuracy, precision,
   * recall, F1, log loss and the confusion matrix for binaryCrossentropy; accuracy, per-class
   * precision, recall and F1 and the k × k confusion matrix for the categorical cross-entropies.
   */
  evaluateMetrics(x: Matrix, y: Matrix, options: MetricsOptions = {}): Metrics {
    const kind = this.engineFor(options, METRICS_OPTIONS);
    const threshold = checkThreshold(options.threshold ?? 0.5);
    const rows = rowsOf(this.network, x, y);
    return this.measure(this.workspace(kind), { ...rows, data: this.scale(rows.data) }, threshold).metrics;
  }

  private measure(ws: Workspace, { data, ys, rows }: Rows, threshold: number, stable = false): { loss: number; metrics: Metrics } {
    const { outputs: yhat, loss } = ws.run(data, this.scaleTarget(ys), rows, stable);
    return { loss, metrics: metricsFor(this.network.loss, ys, this.unscaleTarget(yhat), threshold, outputs(this.network)) };
  }

  /** This model's workspace on `kind`, holding the current parameters. */
  private workspace(kind: EngineKind): Workspace {
    // each key by name: a lookup by a key that has been both is slower (predict with both engines)
    let ws = kind === 'wasm' ? this.workspaces.wasm : this.workspaces.js;
    if (!ws) {
      ws = new Workspace(kind, this.network);
      this.workspaces[kind] = ws;
    }
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

  private scaleTarget(y: Float64Array): Float64Array {
    return this.outputScaler ? applyScaler(this.outputScaler, y, outputs(this.network)) : y;
  }

  private unscaleTarget(y: Float64Array): Float64Array {
    return this.outputScaler ? invertScaler(this.outputScaler, y, outputs(this.network)) : y;
  }

  private engineFor(options: RunOptions, known: readonly string[] = RUN_OPTIONS): EngineKind {
    // No options given: nothing to check or read. A tiny network's predict is mostly these checks.
    if (options === NO_OPTIONS) return wasmLoaded() ? 'wasm' : 'js';
    if (typeof options !== 'object' || options === null) fail('options', 'expected an object such as { engine: "js" }');
    knownKeys('', options, known);
    const { engine } = options;
    if (engine === 'wasm' || engine === 'js') return engine;
    return engine === undefined ? (wasmLoaded() ? 'wasm' : 'js') : oneOf('engine', engine, ENGINE_KINDS);
  }
}

// Module constants rather than literals per call: predictInto's fixed cost is a few of these.
const ENGINE_KINDS = ['wasm', 'js'] as const;
const RUN_OPTIONS = ['engine'], METRICS_OPTIONS = ['engine', 'threshold'];
const NO_OPTIONS: RunOptions = Object.freeze({});

/** predictInto's rows: x holds rows × inputs numbers and out rows × outputs. Messages out of line, so predictInto stays small enough for the JIT to inline. */
function flatRows(x: Float64Array, out: Float64Array, inputs: number, outputs: number): number {
  if (!(x instanceof Float64Array) || x.length === 0 || x.length % inputs !== 0) fail('x', `expected a Float64Array of rows × ${inputs} numbers, got ${show(x)}`);
  const rows = x.length / inputs;
  if (!(out instanceof Float64Array) || out.length !== rows * outputs) fail('out', `expected a Float64Array of ${rows * outputs} numbers (${rows} rows × ${outputs} outputs), got ${show(out)}`);
  return rows;
}

/** The first rows × n numbers of `flat` as rows of n. */
function rowArrays(flat: Float64Array, rows: number, n: number): number[][] {
  const result = new Array<number[]>(rows);
  if (n === 1) for (let r = 0; r < rows; r++) result[r] = [flat[r]!];
  else {
    for (let r = 0; r < rows; r++) {
      const row = new Array<number>(n);
      for (let o = 0; o < n; o++) row[o] = flat[r * n + o]!;
      result[r] = row;
    }
  }
  return result;
}

/** Builds a model from Dense layer specs, as Keras's `sequential`. */
export function sequential(options: ModelOptions<LayerSpec>): Model {
  return new Model(options);
}
