import type { EngineKind } from './engines/engine.js';
import { CLIPPINGS } from './contract.js';
import { loadThreadsWasm, loadWasm, wasmLoaded } from './engines/wasm.js';
import { checkCell, writeMatrix, type Matrix } from './data.js';
import { checkSeed, DivergenceError, fail, finiteParams, knownKeys, oneOf, positiveFinite, show, within } from './errors.js';
import { checkRegression, checkSampleWeight, prepareFit, rowsOf, withInputs, type ModelFitOptions, type Rows } from './fit.js';
import { NET, SETTING, writeOptimizer, writeRandom, writeScheduledRate } from './layout.js';
import { checkOptimizer, checkReset, checkSavedState, OPTIMIZER_OPTIONS, OptimizerState, type OptimizerOptions, type OptimizerSettings } from './optimizerSettings.js';
import { LOSS_ROWS } from './operations/losses.js';
import { STATE_ARRAYS, STATE_SCALAR_NAMES, STATE_SCALARS, type StateScalar } from './operations/optimizers.js';
import { applyScaler, checkScaler, invertScaler, type Scaler } from './scaler.js';
import { checkThreshold, metricsFor, type Metrics } from './metrics.js';
import { checkSpec, outputs, parameterCount, targetWidth, type DenseSpec, type LayerSpec, type ModelSpec, type Network } from './spec.js';
import { checkSchedule, SCHEDULE_ROWS, SCHEDULES, type LearningRateSchedule } from './operations/schedules.js';
import { copyState, checkTraceOptions, traceFit, type Trace, type TraceOptions } from './trace.js';
import { checkPlateauState, train, type PlateauState, type Progress } from './trainer.js';
import type { History } from './history.js';
import { checkEarlyStoppingState, ValidationWatch, type Resumable } from './validation.js';
import { fromKeras, initialParams, toKeras, type Weights } from './weights.js';
import { otherProcessesLoad, Threads, ThreadTuner, threadsAvailable, threadsFor } from './threads.js';
import type { Settings } from './fitOptions.js';
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

/** Options of `evaluate`. */
export interface EvaluateOptions extends RunOptions {
  /** One weight ≥ 0 per row (Keras's sample_weight): the weighted rows' losses, summed, over the rows. */
  sampleWeight?: ArrayLike<number>;
}

/** Options of `evaluateMetrics`. */
export interface MetricsOptions extends RunOptions {
  /** Probability from which a row counts as predicted 1 (default 0.5). */
  threshold?: number;
}

/** trainOnBatch's settings: the optimizer's (as fit takes them), the engine, and the seed of the dropout masks. */
export interface BatchOptions extends OptimizerOptions, RunOptions {
  /** Seeds the dropout masks when the model has no training state yet (default 0), as fit's seed does. */
  seed?: number;
}

/**
 * Everything a fit continued from this point reads besides the weights and scalers: what a checkpoint
 * holds (src/io/modelFile.ts writes it). Arrays are flat, in the parameters' layout (src/weights.ts).
 */
export interface TrainingState {
  /** Epochs finished: a continued fit passes it as initialEpoch. */
  epoch: number;
  /** The generators' states: the row order's (src/random.ts) and the dropout masks' (the kernels'). */
  random: { order: number; dropout: number };
  /** The optimizer's name and settings as last used, every scalar it keeps (its step count, nadam's product, the powers βᵗ) and every array (OptimizerState.scalars, .arrays). */
  optimizer?: { settings: OptimizerSettings; scalars: Record<string, number>; arrays: Record<string, Float64Array> };
  /** Each callback's counters by name (CALLBACK_STATES), e.g. early stopping's best value and weights. */
  callbacks: Record<string, unknown>;
  /** The weights training continues from where they differ from the model's: early stopping put the best epoch's back. */
  weights?: Float64Array;
}

/** Each callback whose state a checkpoint keeps, by name: the check of its saved state (`count` parameters, the state's `epoch`). A new callback adds its row. */
const CALLBACK_STATES: Record<string, (field: string, value: unknown, count: number, epoch: number) => unknown> = {
  earlyStopping: checkEarlyStoppingState,
  reduceLROnPlateau: checkPlateauState,
};

/** `model` as a Model: the functions that save or export one name it when they are given something else. */
export function checkModel(field: string, model: unknown): asserts model is Model {
  if (!(model instanceof Model)) fail(field, `expected a Model, got ${show(model)}`);
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
  /** The optimizer's settings as last used (fit or trainOnBatch), for checkpoints. */
  private optimizerSettings: OptimizerSettings | undefined;
  /** Where training stands (epoch, generators): set by fit, trainOnBatch and setTrainingState. */
  private progress: Progress | undefined;
  /** The callbacks of the last fit (or their states from a checkpoint), by name. */
  private callbacks: Record<string, { state(): unknown }> = {};
  /** The parameters training continues from, where early stopping put others back at the end of the last fit. */
  private continueFrom: Float64Array | undefined;
  /**
   * trainOnBatch's workspace once set up: it holds the optimizer's settings and state, and is the only
   * copy of the newest parameters and state until `pull()` (`dirty` says so).
   */
  private online: {
    ws: Workspace; options: BatchOptions;
    /** The parameters and optimizer state a step changes, as a view of `views` (the engine's f64 when it was taken). */
    span: Float64Array; views: Float64Array; saved: Float64Array;
    scalarSlots: Int32Array; scalars: Float64Array; scheduled: boolean;
  } | undefined;
  private dirty: Workspace | undefined;
  private inputScaler: Scaler | undefined;
  private outputScaler: Scaler | undefined;
  private fitting = false;
  /** Rows × epochs × parameters of this model's fits with threads: 'auto' before its threads started (AUTO_START_WORK). */
  private autoWork = 0;
  /** The workers of a fit with threads (src/threads.ts), over the wasm workspace's shared memory; kept for the next fit. */
  private threads: Threads | undefined;
  /** 'auto''s measure of its threads against one (src/threads.ts), kept while the count and batch size stay. */
  private tuner: ThreadTuner | undefined;

  /**
   * `params`: the parameters, flat (getParams's layout), taken as they are rather than initialized or
   * copied — for a reader of model files, which has checked every one; left out, they come from `weights` or the initializers.
   */
  constructor(options: ModelOptions<LayerSpec>, params?: Float64Array) {
    const checked = checkModelOptions(options);
    this.network = checked.network;
    this.outputs = outputs(this.network);
    this.inputScaler = checked.scaler;
    this.outputScaler = checked.targetScaler;
    if (params !== undefined && (!(params instanceof Float64Array) || params.length !== parameterCount(this.network))) fail('params', `expected a Float64Array of ${parameterCount(this.network)} parameters, got ${show(params)}`);
    this.params = params ?? (options.weights !== undefined ? fromKeras(this.network, options.weights) : initialParams(this.network, options.seed ?? 0));
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
    this.pull();
    return toKeras(this.network, this.params);
  }

  /** The parameters, flat (src/weights.ts's layout), as a copy: what a model file encodes. */
  getParams(): Float64Array {
    this.pull();
    return this.params.slice();
  }

  /** Sets every parameter from the flat layout (getParams's); checks the count and every value first. */
  setParams(params: Float64Array): void {
    if (!(params instanceof Float64Array)) fail('params', `expected a Float64Array of ${this.params.length} parameters, got ${show(params)}`);
    this.changed(finiteParams('params', params, this.params.length));
  }

  /**
   * Where training stands, besides the weights and scalers: what a checkpoint saves so that a fit
   * continued from it (initialEpoch) equals one that never stopped. Undefined before any training.
   * The arrays are the model's own or copies: do not change them.
   */
  getTrainingState(): TrainingState | undefined {
    this.pull();
    const p = this.progress;
    if (!p) return undefined;
    const o = this.optimizer, settings = this.optimizerSettings;
    return {
      epoch: p.epoch,
      random: { order: p.order, dropout: p.dropout },
      ...(o.owner && settings ? { optimizer: { settings: { ...settings }, scalars: { ...o.scalars }, arrays: { ...o.arrays } } } : {}),
      callbacks: { ...Object.fromEntries(Object.entries(this.callbacks).map(([name, c]) => [name, c.state()])), ...(p.plateau ? { reduceLROnPlateau: { ...p.plateau } } : {}) },
      ...(this.continueFrom ? { weights: this.continueFrom } : {}),
    };
  }

  /** Sets where training stands (a checkpoint's getTrainingState); every part is checked first, errors naming `field`.part. */
  setTrainingState(state: TrainingState, field = 'trainingState'): void {
    const checked = checkTrainingState(field, state, this.params.length);
    this.pull();
    this.online = undefined;
    const { optimizer } = checked;
    if (optimizer) {
      this.optimizer.owner = optimizer.settings.optimizer;
      for (const name of STATE_SCALAR_NAMES) this.optimizer.scalars[name] = optimizer.scalars[name] ?? STATE_SCALARS[name].initial;
      // a state saved before the kernels kept the powers βᵗ: computed for its update count, as they would have reached them
      if (!('beta1Power' in optimizer.scalars)) this.optimizer.powersOf(optimizer.settings, true);
      this.optimizer.bases.beta1 = optimizer.settings.beta1;
      this.optimizer.bases.beta2 = optimizer.settings.beta2;
      for (const name of STATE_ARRAYS) this.optimizer.arrays[name].set(optimizer.arrays[name]!);
    } else {
      this.optimizer.owner = undefined;
      for (const name of STATE_SCALAR_NAMES) this.optimizer.scalars[name] = STATE_SCALARS[name].initial;
      for (const name of STATE_ARRAYS) this.optimizer.arrays[name].fill(0);
    }
    this.optimizerSettings = optimizer?.settings;
    const plateau = checked.callbacks.reduceLROnPlateau as PlateauState | undefined;
    this.progress = { epoch: checked.epoch, order: checked.random.order, dropout: checked.random.dropout, ...(plateau ? { plateau } : {}) };
    this.callbacks = Object.fromEntries(Object.entries(checked.callbacks).map(([name, value]) => [name, { state: () => value }]));
    this.continueFrom = checked.weights?.slice();
  }

  /** Sets every weight from the Keras layout; checks every shape and value before changing any. */
  setWeights(weights: Weights): void {
    this.changed(fromKeras(this.network, weights));
  }

  /**
   * One optimizer step on the rows given, as Keras's trainOnBatch: the same bits as a fit of them
   * with `batchSize` their count, `shuffle: 'none'` and one epoch. Returns the rows' mean loss before
   * the step. For apps that learn from events as they arrive: with Float64Array rows (rows × inputs,
   * and rows × targets) and the same options object each call, a call allocates nothing. Each call
   * continues the optimizer's state (and the dropout masks' generator), which a checkpoint saves.
   * `sampleWeight` (one weight ≥ 0 per row, Keras's sample_weight) weighs the rows as fit's does.
   */
  trainOnBatch(x: Matrix, y: Matrix, options: BatchOptions = NO_OPTIONS, sampleWeight?: ArrayLike<number>): number {
    if (this.fitting) fail('trainOnBatch', 'this model is training: await the running fit first');
    let on = this.online, rows: number;
    if (on !== undefined && on.options === options) {
      // the options checked when they were first given; the rows and weights each call, before the step changes anything
      if (on.ws.paramsVersion !== this.version) this.load(on.ws);
      rows = this.writeBatch(on.ws, x, y);
      on.ws.weigh(sampleWeight === undefined ? undefined : checkSampleWeight('sampleWeight', sampleWeight, rows));
    } else {
      rows = this.goOnline(options, x, y, sampleWeight);
      on = this.online!;
    }
    const { ws } = on, { engine } = ws;
    this.dirty = ws;
    // What the step changes, kept so that a step that diverges changes nothing.
    const l = ws.layout;
    // The engine replaces its views when its memory grows. Compared by the view itself, not by its
    // buffer: reading a typed array's .buffer costs ~20 ns in Node 20 (the two, a sixth of a 2-2-1 call).
    if (on.views !== engine.f64) [on.span, on.views] = [stepSpan(ws), engine.f64];
    on.saved.set(on.span);
    const { scalarSlots, scalars } = on;
    for (let k = 0; k < scalarSlots.length; k++) scalars[k] = engine.f64[scalarSlots[k]!]!;
    const random = engine.i32[l.net + NET.RANDOM]!;
    // a schedule's rate at this update, as fit sets it before each batch
    if (on.scheduled) writeScheduledRate(engine.f64, l, this.optimizerSettings!);
    const loss = engine.kind === 'wasm' ? engine.step(l.net, 0, rows) : engine.step(l.net, 0, rows);
    if (Number.isFinite(loss)) return loss;
    on.span.set(on.saved);
    for (let k = 0; k < scalarSlots.length; k++) engine.f64[scalarSlots[k]!] = scalars[k]!;
    engine.i32[l.net + NET.RANDOM] = random;
    throw new DivergenceError(0, 0, `Training diverged on this batch: the loss or a parameter became ${loss} (learningRate ${this.optimizerSettings!.learningRate}). The model keeps its weights from before the batch; try a smaller learning rate or standardized inputs.`);
  }

  /** The rows' mean loss plus the regularizers' penalty, changing nothing (Keras's testOnBatch: evaluate on one batch); `sampleWeight` as evaluate's. */
  testOnBatch(x: Matrix, y: Matrix, options: EvaluateOptions = NO_OPTIONS): number {
    return this.evaluate(x, y, options);
  }

  /**
   * Sets trainOnBatch up with `options`: its engine's workspace holding the optimizer and the generator,
   * and the batch's rows and weights written; returns the rows. The options, rows and weights are
   * checked before the optimizer's state or settings change.
   */
  private goOnline(options: BatchOptions, x: Matrix, y: Matrix, sampleWeight: ArrayLike<number> | undefined): number {
    const kind = this.engineFor(options, BATCH_OPTIONS);
    const settings = checkOptimizer(options);
    const reset = checkReset(options);
    const seed = checkSeed('seed', options.seed ?? 0);
    this.pull();
    const ws = this.workspace(kind);
    // into the workspace's training rows, which only the next trainOnBatch or fit reads
    const rows = this.writeBatch(ws, x, y);
    const weights = sampleWeight === undefined ? undefined : checkSampleWeight('sampleWeight', sampleWeight, rows);
    ws.weigh(weights);
    this.optimizer.begin(settings, reset);
    writeOptimizer(ws.engine.f64, ws.engine.i32, ws.layout, settings);
    this.optimizer.load(ws.engine.f64, ws.layout);
    if (this.progress) ws.engine.i32[ws.layout.net + NET.RANDOM] = this.progress.dropout | 0;
    else writeRandom(ws.engine.i32, ws.layout, seed);
    this.optimizerSettings = settings;
    const span = stepSpan(ws);
    // where the optimizer's scalars sit, found once: a call reads and restores them by index
    const scalarSlots = Int32Array.from(STATE_SCALAR_NAMES, (name) => ws.layout.settings + SETTING[STATE_SCALARS[name].slot]);
    this.online = { ws, options, span, views: ws.engine.f64, saved: new Float64Array(span.length), scalarSlots, scalars: new Float64Array(scalarSlots.length), scheduled: settings.schedule !== null };
    return rows;
  }

  /** Writes trainOnBatch's rows, checked and scaled, as training rows 0… of `ws` in order; returns their count. */
  private writeBatch(ws: Workspace, x: Matrix, y: Matrix): number {
    const { inputs } = this.network, targets = targetWidth(this.network);
    if (!(x instanceof Float64Array && y instanceof Float64Array)) {
      const r = rowsOf(this.network, x, y);
      return this.writeBatch(ws, r.data, r.ys);
    }
    const rows = x.length / inputs;
    if (!Number.isInteger(rows) || rows === 0) fail('x', `expected a Float64Array of rows × ${inputs} numbers, got ${show(x)}`);
    if (y.length !== rows * targets) fail('y', `expected ${rows * targets} numbers (${rows} rows × ${targets} targets), got ${show(y)}`);
    if (!this.labelsFit(y, targets)) rowsOf(this.network, x, y);
    if (rows > ws.layout.rows || rows > ws.layout.capacity) ws.reserve({ rows, capacity: rows });
    const f = ws.engine.f64, l = ws.layout, s = this.inputScaler, t = this.outputScaler;
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < inputs; c++, i++) {
        const v = x[i]!;
        if (!Number.isFinite(v)) checkCell('x', v, r, c);
        // applyScaler's arithmetic, in place: the same bits as fit's scaled rows
        f[l.x + i] = s ? (v - s.mean[c]!) / s.std[c]! : v;
      }
      ws.engine.i32[l.order + r] = r;
    }
    for (let i = 0; i < y.length; i++) f[l.y + i] = t ? (y[i]! - t.mean[i % targets]!) / t.std[i % targets]! : y[i]!;
    return rows;
  }

  /** Whether y holds labels the loss reads (finite; 0/1, −1/1, class indices or probability rows), checked without allocating. */
  private labelsFit(y: Float64Array, targets: number): boolean {
    const { labels } = LOSS_ROWS[this.network.loss];
    let zero = false, minusOne = false;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) return false;
      if (labels === 'binary' && v !== 0 && v !== 1) return false;
      if (labels === 'signs' && v !== 0 && v !== 1 && v !== -1) return false;
      if (labels === 'classIndices' && !(Number.isInteger(v) && v >= 0 && v < this.outputs)) return false;
      zero ||= v === 0;
      minusOne ||= v === -1;
    }
    if (labels === 'signs' && zero && minusOne) return false;
    if (labels === 'probabilities') {
      for (let r = 0; r < y.length; r += targets) {
        let sum = 0;
        for (let k = 0; k < targets; k++) { if (y[r + k]! < 0) return false; sum += y[r + k]!; }
        if (Math.abs(sum - 1) > 1e-9) return false;
      }
    }
    return true;
  }

  /** Brings trainOnBatch's newest parameters, optimizer state and generator out of its workspace. */
  private pull(): void {
    const ws = this.dirty;
    if (!ws) return;
    this.dirty = undefined;
    this.params.set(ws.params());
    ws.paramsVersion = ++this.version;
    this.continueFrom = undefined;
    this.optimizer.save(ws.engine.f64, ws.layout);
    const dropout = ws.engine.i32[ws.layout.net + NET.RANDOM]! >>> 0;
    if (this.progress) this.progress.dropout = dropout;
    else this.progress = { epoch: 0, order: 0, dropout };
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
      // read once: each epoch's code then does not depend on the options object's shape (a spread's)
      const { onEpochEnd } = options;
      const resumed = settings.initialEpoch > 0;
      if (resumed) this.checkResume(settings.initialEpoch);
      if (settings.engine === 'wasm') await loadWasm();
      this.pull();
      this.online = undefined;
      await this.useThreads(settings, rows.rows, held?.rows ?? 0);
      // Every option and row checked (prepareFit, checkResume): from here on the model changes.
      if (resumed && this.continueFrom) this.changed(this.continueFrom);
      if (scaler) this.inputScaler = scaler;
      if (targetScaler) this.outputScaler = targetScaler;
      const ws = this.workspace(settings.engine);
      ws.setTrainingRows(this.scale(rows.data), this.scaleTarget(rows.ys), rows.rows, settings.batchSize, rows.weights);
      const heldScaled = held && withInputs(held, this.scale(held.data));
      const watch = heldScaled && new ValidationWatch(() => this.measure(ws, heldScaled, validation.threshold, true), this.params, validation.earlyStopping);
      // The callbacks a checkpoint keeps; a continued fit takes up their saved states.
      const callbacks: Record<string, Resumable<unknown>> = watch && validation.earlyStopping !== undefined ? { earlyStopping: watch } : {};
      if (resumed) for (const name in callbacks) if (this.callbacks[name]) callbacks[name]!.restore(this.callbacks[name]!.state());
      this.callbacks = callbacks;
      this.progress = resumed ? this.progress! : { epoch: 0, order: 0, dropout: 0 };
      this.optimizerSettings = settings.optimizer;
      this.stopTraining = false;
      let history: History;
      try {
        history = await train(this.network, ws, this.optimizer, rows.rows, settings, this.progress, this.tuner, (epoch, logs) => {
          this.params.set(ws.params());
          ws.paramsVersion = ++this.version;
          watch?.epochEnd(epoch, logs);
        }, async (epoch, logs) => {
          await onEpochEnd?.(epoch, logs);
          // A callback's setWeights changes what training continues from, as in Keras.
          this.load(ws);
        }, () => this.stopTraining || watch?.stop === true);
      } catch (e) {
        // The engine holds the steps past the last finished epoch (a diverged one): not the model's.
        ws.paramsVersion = -1;
        // A step cut short leaves the workers inside it: end them (the next fit starts others); where one failed, its error.
        throw e instanceof WebAssembly.RuntimeError && this.threads ? await this.threads.failure(e) : e;
      } finally {
        // The workers run only inside a fit, over the rows it placed before they started (src/threads.ts):
        // every other step (trainOnBatch, trace) runs on one thread.
        this.threads?.count(1);
      }
      if (watch) {
        // What training continues from, when finish puts the best epoch's parameters back.
        const last = watch.restoresBest ? this.params.slice() : undefined;
        watch.finish(history);
        this.version++;
        this.continueFrom = last;
      }
      return history;
    } finally {
      this.fitting = false;
    }
  }

  /**
   * Ends the workers of a fit with threads (they are otherwise kept for the model's next fit, parked
   * between fits, as TensorFlow.js keeps a model's tensors until `dispose`). The model stays usable.
   */
  dispose(): void {
    this.threads?.close();
    if (this.threads) UNCLOSED.unregister(this.threads);
    this.threads = undefined;
    this.tuner = undefined;
  }

  /**
   * Readies the threads a fit asks for (src/threads.ts): the first fit with more than one moves the
   * model's wasm workspace onto the kernels' threads build (the same numbers) and starts its workers.
   * Where the platform has no threads, the fit runs on one and a note says so once.
   */
  private async useThreads(s: Settings, rows: number, held: number): Promise<void> {
    // 'auto' before the threads have started weighs this model's work with it so far against their start
    const starting = s.threads === 'auto' && !this.threads;
    if (starting) this.autoWork += rows * (s.epochs - s.initialEpoch) * parameterCount(this.network);
    const work = starting ? { work: this.autoWork } : {};
    const n = threadsFor(s.threads, s.engine, this.network, s.batchSize, work);
    if (n > 1 && !this.threads && threadsAvailable()) {
      const module = await loadThreadsWasm();
      const ws = module && new Workspace('wasm', this.network, module);
      if (ws?.engine.shared) {
        this.workspaces.wasm = ws;
        this.threads = new Threads(ws.engine, ws.engine.shared, ws.layout.net);
        UNCLOSED.register(this, this.threads, this.threads);
      }
    }
    const threads = this.threads;
    // The fit's rows have their room before the workers start: they run only over the memory they started with (src/threads.ts)
    if (threads) this.workspaces.wasm!.reserveFit(rows, s.batchSize, held);
    if (s.threads !== 'auto' || n === 1 || !threads) {
      this.tuner = undefined;
      await threads?.use(n);
      return;
    }
    // Other processes' load (a first look waits out 50 ms): on one thread where they keep the cores busy.
    // Where it says otherwise than the last measure, a new measure starts from it.
    const start = threadsFor(s.threads, s.engine, this.network, s.batchSize, { ...work, busy: await otherProcessesLoad() }) === n ? n : 1;
    if (this.tuner?.batchSize !== s.batchSize || this.tuner.most !== n || this.tuner.current !== start) this.tuner = new ThreadTuner(n, start, s.batchSize, (k) => threads.count(k));
    await threads.use(n);
    this.tuner.resume();
  }

  /** A fit from `initialEpoch` continues the model's training state, which must stand at that epoch. */
  private checkResume(initialEpoch: number): void {
    const at = this.progress?.epoch;
    if (at === undefined) fail('initialEpoch', `this model has no training state to continue from epoch ${initialEpoch} (it has not been trained, or was loaded from a file without one); start at 0, or load a checkpoint`);
    if (at !== initialEpoch) fail('initialEpoch', `the model's training stands at epoch ${at}; continue with initialEpoch: ${at}`);
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
      for (const key of ['sampleWeight', 'classWeight'] as const) {
        if (fit[key] !== undefined) fail(key, 'a trace shows a step whose rows weigh the same; trace the fit without row or class weights');
      }
      const { settings, validation, train: rows, held, scaler, targetScaler } = prepareFit(this.network, x, y, fit);
      if (settings.initialEpoch > 0) fail('initialEpoch', 'a trace follows a fit from its first epoch; trace that fit, with step counting from its start');
      if (settings.engine === 'wasm') await loadWasm();
      this.pull();
      this.online = undefined;
      ws = this.workspace(settings.engine);
      const inputScaler = scaler ?? this.inputScaler;
      const scale = (d: Float64Array) => (inputScaler ? applyScaler(inputScaler, d, this.network.inputs) : d);
      const state = copyState(this.optimizer);
      // Early stopping as fit watches it: the held-out rows' loss after each epoch (the copy of the best
      // parameters it keeps is not needed here).
      const heldScaled = held && validation.earlyStopping !== undefined && withInputs(held, scale(held.data));
      const watch = heldScaled && new ValidationWatch(() => this.measure(ws!, heldScaled, validation.threshold), ws.params().slice(), validation.earlyStopping);
      const stops = watch ? (epoch: number) => { watch.epochEnd(epoch, { loss: NaN }); return watch.stop; } : undefined;
      const outputScaler = targetScaler ?? this.outputScaler;
      const ys = outputScaler ? applyScaler(outputScaler, rows.ys, outputs(this.network)) : rows.ys;
      const trace = traceFit(this.network, ws, state, { ...rows, data: scale(rows.data), ys }, settings, t, stops);
      if (t.apply) {
        this.params.set(ws.params());
        ws.paramsVersion = ++this.version;
        copyState(state, this.optimizer);
        // Mid-epoch: no epoch to continue from, nor callbacks' counters of one.
        this.progress = undefined;
        this.callbacks = {};
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

  /**
   * Mean loss over the rows of x and y, plus the regularizers' penalty (as Keras's evaluate); with
   * `sampleWeight` (one weight per row) the weighted rows' losses summed and divided by the rows.
   */
  evaluate(x: Matrix, y: Matrix, options: EvaluateOptions = {}): number {
    const kind = this.engineFor(options, EVALUATE_OPTIONS);
    const { data, ys, rows } = rowsOf(this.network, x, y);
    const weights = options.sampleWeight === undefined ? undefined : checkSampleWeight('sampleWeight', options.sampleWeight, rows);
    return this.workspace(kind).run(this.scale(data), this.scaleTarget(ys), rows, false, weights).loss;
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
    return this.measure(this.workspace(kind), withInputs(rows, this.scale(rows.data)), threshold).metrics;
  }

  private measure(ws: Workspace, { data, ys, rows, weights }: Rows, threshold: number, stable = false): { loss: number; metrics: Metrics } {
    const { outputs: yhat, loss } = ws.run(data, this.scaleTarget(ys), rows, stable, weights);
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
    if (this.dirty !== undefined && this.dirty !== ws) this.pull();
    if (ws.paramsVersion === this.version) return;
    ws.params().set(this.params);
    ws.paramsVersion = this.version;
  }

  private changed(params: Float64Array): void {
    this.pull();
    this.continueFrom = undefined;
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

/** A model collected without `dispose()` ends its workers then. */
const UNCLOSED = new FinalizationRegistry<Threads>((threads) => threads.close());

// Module constants rather than literals per call: predictInto's fixed cost is a few of these.
const ENGINE_KINDS = ['wasm', 'js'] as const;
const RUN_OPTIONS = ['engine'], METRICS_OPTIONS = ['engine', 'threshold'], EVALUATE_OPTIONS = ['engine', 'sampleWeight'];
const BATCH_OPTIONS = [...OPTIMIZER_OPTIONS, 'engine', 'seed'];
const NO_OPTIONS: RunOptions = Object.freeze({});

/** A training state as getTrainingState gives it (or a file holds it), checked against a model of `count` parameters: every part, before any is used. */
function checkTrainingState(field: string, value: unknown, count: number): TrainingState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected { epoch, random, optimizer, callbacks }, got ${show(value)}`);
  // every part's own check names what it expects in place of null
  knownKeys(field, value, STATE_PARTS, true);
  const { epoch, random, optimizer, callbacks, weights } = value as Record<string, unknown>;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) fail(`${field}.epoch`, `expected a whole number ≥ 0, got ${show(epoch)}`);
  if (typeof random !== 'object' || random === null) fail(`${field}.random`, `expected { order, dropout }, got ${show(random)}`);
  knownKeys(`${field}.random`, random, RANDOM_PARTS, true);
  for (const key of RANDOM_PARTS) {
    const v = (random as Record<string, unknown>)[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(`${field}.random.${key}`, `expected a generator state, a whole number from 0 to 4294967295, got ${show(v)}`);
  }
  if (weights !== undefined) finiteParams(`${field}.weights`, weights, count);
  const checkedOptimizer = optimizer === undefined ? undefined : checkOptimizerState(`${field}.optimizer`, optimizer, count);
  if (typeof callbacks !== 'object' || callbacks === null || Array.isArray(callbacks)) fail(`${field}.callbacks`, `expected an object of callback states by name, got ${show(callbacks)}`);
  const names = Object.keys(CALLBACK_STATES);
  knownKeys(`${field}.callbacks`, callbacks, names, true);
  const checked = Object.fromEntries(Object.entries(callbacks).map(([name, v]) => [name, CALLBACK_STATES[name]!(`${field}.callbacks.${name}`, v, count, epoch)]));
  return { ...(value as TrainingState), optimizer: checkedOptimizer, callbacks: checked };
}

const STATE_PARTS = ['epoch', 'random', 'optimizer', 'callbacks', 'weights'], RANDOM_PARTS = ['order', 'dropout'] as const;
const OPTIMIZER_PARTS = ['settings', 'scalars', 'arrays'];

/** The optimizer part of a training state: settings fit would accept (every one present), the scalars within the ranges they can reach, and each array it keeps, each as its settings' updates can make it (checkSavedState). */
function checkOptimizerState(field: string, value: unknown, count: number): NonNullable<TrainingState['optimizer']> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected { settings, scalars, arrays }, got ${show(value)}`);
  knownKeys(field, value, OPTIMIZER_PARTS, true);
  const { settings, scalars, arrays } = value as Record<string, unknown>;
  if (typeof scalars !== 'object' || scalars === null || Array.isArray(scalars)) fail(`${field}.scalars`, `expected { ${STATE_SCALAR_NAMES.join(', ')} }, got ${show(scalars)}`);
  knownKeys(`${field}.scalars`, scalars, STATE_SCALAR_NAMES, true);
  // The powers came later: a state saved before has none of them (setTrainingState computes them).
  const saved = 'beta1Power' in scalars ? STATE_SCALAR_NAMES : STATE_SCALAR_NAMES.filter((name) => !name.includes('Power'));
  const checkedScalars: Record<string, number> = {};
  for (const name of saved) checkedScalars[name] = checkStateScalar(`${field}.scalars.${name}`, name, (scalars as Record<string, unknown>)[name]);
  if (typeof arrays !== 'object' || arrays === null || Array.isArray(arrays)) fail(`${field}.arrays`, `expected the optimizer's arrays by name, got ${show(arrays)}`);
  const names: readonly string[] = STATE_ARRAYS;
  knownKeys(`${field}.arrays`, arrays, names, true);
  for (const name of names) finiteParams(`${field}.arrays.${name}`, (arrays as Record<string, unknown>)[name], count);
  const checked = { settings: checkOptimizerSettings(`${field}.settings`, settings), scalars: checkedScalars, arrays: arrays as Record<string, Float64Array> };
  checkSavedState(field, checked.settings, checked.scalars, checked.arrays);
  return checked;
}

/**
 * A state scalar within what the updates can make of it: `iterations` a count; each power βᵗ (and
 * nadam's 0.96ᵗ⁺¹) and nadam's uProduct, a product of factors in [0, 1) starting from 1, in [0, 1];
 * a power's low part, the rounding error of a number ≤ 1, at most 2⁻⁵² (src/engines/math.ts ddPow).
 */
function checkStateScalar(field: string, name: StateScalar, v: unknown): number {
  const { kind } = STATE_SCALARS[name];
  if (kind === 'count') {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(field, `expected a whole number ≥ 0, got ${show(v)}`);
  } else if (kind === 'low') {
    if (typeof v !== 'number' || !(Math.abs(v) <= Number.EPSILON)) fail(field, `expected the low part of a power ≤ 1, a number from −2⁻⁵² to 2⁻⁵², got ${show(v)}`);
  } else if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(field, `expected a number from 0 to 1 (a product of factors from 0 to 1), got ${show(v)}`);
  return v;
}

/**
 * The optimizer's settings in a training state, as getTrainingState gives them, every one present:
 * checked as fit checks its options — the schedule and the clipping too — and returned as checked.
 */
function checkOptimizerSettings(field: string, value: unknown): OptimizerSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected the optimizer's settings, got ${show(value)}`);
  const s = value as Record<string, unknown>;
  const defaults = within(field, () => checkOptimizer({ optimizer: s.optimizer } as OptimizerOptions)) as unknown as Record<string, unknown>;
  knownKeys(field, s, Object.keys(defaults), ['schedule']);
  // Settings are checked as fit checks them: those at the optimizer's defaults left out, so that one it does not take is refused only when set.
  const options: Record<string, unknown> = { optimizer: s.optimizer };
  for (const key in defaults) {
    if (!(key in s)) fail(`${field}.${key}`, `is missing; expected ${show(defaults[key])} or another ${typeof defaults[key]}`);
    if (key !== 'schedule' && key !== 'clipping' && key !== 'learningRate' && s[key] !== defaults[key]) options[key] = s[key];
  }
  const schedule = s.schedule === null ? null : savedSchedule(`${field}.schedule`, s.schedule);
  options.learningRate = schedule ?? s.learningRate;
  const clipping = s.clipping;
  if (typeof clipping !== 'object' || clipping === null || Array.isArray(clipping)) fail(`${field}.clipping`, `expected { kind, bound }, got ${show(clipping)}`);
  knownKeys(`${field}.clipping`, clipping, ['kind', 'bound'], true);
  const { kind, bound } = clipping as Record<string, unknown>;
  if (oneOf(`${field}.clipping.kind`, kind, CLIPPINGS) === 'none') {
    if (bound !== 0) fail(`${field}.clipping.bound`, `expected 0 (no clipping), got ${show(bound)}`);
  } else options[kind as string] = positiveFinite(`${field}.clipping.bound`, bound);
  const checked = within(field, () => checkOptimizer(options as OptimizerOptions));
  // with a schedule, the rate fit starts from: the schedule's at step 0
  if (schedule && s.learningRate !== checked.learningRate) fail(`${field}.learningRate`, `expected ${checked.learningRate}, the schedule's rate at step 0, got ${show(s.learningRate)}`);
  return checked;
}

/** A schedule as a training state keeps it, `{ schedule, params }` with every parameter (null: one that is off), as fit's learningRate option. */
function savedSchedule(field: string, value: unknown): LearningRateSchedule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `expected null or { schedule, params }, got ${show(value)}`);
  knownKeys(field, value, ['schedule', 'params'], true);
  const { schedule, params } = value as Record<string, unknown>;
  const name = oneOf(`${field}.schedule`, schedule, SCHEDULES);
  if (typeof params !== 'object' || params === null || Array.isArray(params)) fail(`${field}.params`, `expected ${name}'s parameters, got ${show(params)}`);
  const p = params as Record<string, unknown>;
  // a parameter that is off (null) is left out, as fit's option leaves it
  const option: LearningRateSchedule = { schedule: name };
  for (const key in p) if (p[key] !== null) option[key] = p[key];
  const checked = checkSchedule(`${field}.params`, option);
  for (const key in checked.params) {
    if (!(key in p)) fail(`${field}.params.${key}`, `is missing; expected ${show(checked.params[key])} or another value`);
    if (p[key] === null && checked.params[key] !== null) fail(`${field}.params.${key}`, `expected a ${SCHEDULE_ROWS[name].params[key]!.kind}, got null`);
  }
  return option;
}

/** What a step changes, in one view: the parameters (then the gradients) and every optimizer state array after them (src/layout.ts). */
function stepSpan(ws: Workspace): Float64Array {
  const l = ws.layout;
  let end = l.params + l.count;
  for (const name of STATE_ARRAYS) end = Math.max(end, l.state[name] + l.count);
  return ws.engine.f64.subarray(l.params, end);
}

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

/**
 * A model's options checked by name as the constructor takes them, without building the model: the
 * network (checkSpec: its layers, initializers and loss), the seed, and the scalers; the weights are
 * the caller's to read (fromKeras).
 */
function checkModelOptions(options: ModelOptions<LayerSpec>): { network: Network; scaler: Scaler | undefined; targetScaler: Scaler | undefined } {
  const network = checkSpec(options);
  knownKeys('', options, ['inputs', 'layers', 'loss', 'weights', 'seed', 'scaler', 'targetScaler']);
  // checked even where weights or params leave it unread: a bad seed is a mistake either way
  if (options.seed !== undefined) checkSeed('seed', options.seed);
  const scaler = options.scaler === undefined ? undefined : checkScaler('scaler', options.scaler, network.inputs);
  if (options.targetScaler !== undefined) checkRegression(network, 'targetScaler');
  const targetScaler = options.targetScaler === undefined ? undefined : checkScaler('targetScaler', options.targetScaler, outputs(network));
  return { network, scaler, targetScaler };
}

/**
 * A model's network, its options checked as the Model constructor checks them (the weights' shapes and
 * values too) with the same messages, but no parameters initialised and no engine: a search checks each
 * trial with it in the caller's thread, and a worker builds the model.
 */
export function checkedNetwork(options: ModelOptions<LayerSpec>): Network {
  const { network } = checkModelOptions(options);
  // read to check them, every shape and value, and dropped: the worker reads them again into its model
  if (options.weights !== undefined) fromKeras(network, options.weights);
  return network;
}

/** Builds a model from Dense layer specs, as Keras's `sequential`. */
export function sequential(options: ModelOptions<LayerSpec>): Model {
  return new Model(options);
}
