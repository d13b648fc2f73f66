// Every option fit takes, in one place: the interfaces, the names (so a misspelt one is refused
// rather than ignored) and the checks that turn them into settings with every default filled in.
// The optimizer's own options are its row's (src/operations/optimizers.ts, checked in src/optimizerSettings.ts).
import type { Matrix } from './data.js';
import type { EngineKind } from './engines/engine.js';
import { checkSeed, fail, knownKeys, oneOf, positiveInteger, show } from './errors.js';
import { checkThreads } from './threads.js';
import { checkThreshold, type Metrics } from './metrics.js';
import { nonNegative } from './operations/rows.js';
import { checkOptimizer, checkReset, OPTIMIZER_OPTIONS, type OptimizerOptions, type OptimizerSettings } from './optimizerSettings.js';
import { SEARCH_METRICS, type SearchMetric } from './validationMetrics.js';

/** `'none'`: rows in order; `'epoch'` (or `true`): a new permutation each epoch; `'sample'`: each step draws a row at random, with replacement. */
export type Shuffle = 'none' | 'epoch' | 'sample';

/** What `onEpochEnd` receives after each epoch. */
export interface EpochLogs {
  loss: number;
  /** With validation data (src/validation.ts): the held-out rows' loss and metrics after this epoch. */
  valLoss?: number;
  valMetrics?: Metrics;
}

/** How to train: epochs, batches, row order, engine and the optimizer with its settings. */
export interface FitOptions extends OptimizerOptions {
  /** Passes over the data (default 1, as Keras): the fit ends after epoch `epochs` − 1, counting from 0. */
  epochs?: number;
  /**
   * The epoch to start at (default 0), as Keras's initialEpoch: a fit with `initialEpoch: 5, epochs: 10`
   * runs epochs 5 to 9. Above 0 it continues the model's training state exactly — row order, dropout,
   * early stopping, optimizer — which must stand at that epoch (after a fit of 5 epochs, or loaded
   * from a checkpoint saved then).
   */
  initialEpoch?: number;
  /**
   * Rows per update (default 32, as Keras): 1 for per-row updates, the row count (or more) for one
   * update per epoch. Each update follows the mean gradient of its rows; the last batch of an epoch
   * holds the rows left over, as in Keras.
   */
  batchSize?: number;
  /** Row order (default `true` = `'epoch'`, as Keras). */
  shuffle?: boolean | Shuffle;
  /** Seeds the row order (default 0): a seed reproduces a run exactly, on either engine. */
  seed?: number;
  /** `'wasm'` (default) or `'js'`: the same numbers either way. */
  engine?: EngineKind;
  /**
   * Batches per call into the engine, as Keras's steps_per_execution: 1 (default) — the host runs the
   * batch loop, calling `step` once per batch; 'epoch' — one `epoch` call runs every batch of an epoch
   * inside the engine. Same numbers either way; 'epoch' saves a JS↔WASM crossing per batch.
   */
  stepsPerExecution?: 1 | 'epoch';
  /**
   * Threads each batch's forward and backward passes are shared among (default 1; engine 'wasm'):
   * workers over the model's own memory (worker_threads in Node; Web Workers in a cross-origin-isolated
   * page, else one thread with a note), started once per model. The same numbers, to the bit, for any
   * count. 'auto': one thread where a batch is too little work to share, or while the model's fits
   * with 'auto' (this one's epochs included) are too little work to pay for starting its threads
   * (under 2³⁰ rows × epochs × parameters), else the cores — and then, measured as it trains, the
   * faster of the cores and one thread (a thread waiting for one the system has not scheduled makes two
   * threads slower than one: other work on the machine), starting on one in Node where other processes
   * keep the cores busy. Per-row updates (batchSize 1) run on one thread, as do `trainOnBatch` and
   * `trace`. A worker that fails ends the fit with its error (`fit: a training thread failed (…)`).
   */
  threads?: number | 'auto';
  /** Called after each epoch (counting from 0, as Keras); may return a promise, which is awaited. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /**
   * Keras's ReduceLROnPlateau callback: when `monitor` ('val_loss', the default, or 'loss') has not
   * improved by more than `minDelta` (1e-4) for `patience` (10) epochs, the learning rate is multiplied
   * by `factor` (0.1), not below `minLr` (0), then left alone for `cooldown` (0) epochs.
   */
  reduceLROnPlateau?: ReduceLROnPlateauOptions;
}

/**
 * The quantities a callback may watch, by Keras's names: the validation loss, the training loss, or a
 * validation metric of the model's task (`val_accuracy`, `val_mae`, … as evaluateMetrics names them).
 */
export type Monitor = 'val_loss' | 'loss' | `val_${Exclude<SearchMetric, 'loss'>}`;
const MONITORS: readonly Monitor[] = ['val_loss', 'loss', ...(Object.keys(SEARCH_METRICS) as SearchMetric[]).filter((m) => m !== 'loss').map((m) => `val_${m}` as Monitor)];

export interface ReduceLROnPlateauOptions {
  monitor?: Monitor;
  factor?: number;
  patience?: number;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
}

export type ReduceLROnPlateauSettings = Required<ReduceLROnPlateauOptions>;

function count(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(field, `expected a whole number ≥ 0, got ${show(v)}`);
  return v;
}

function object(field: string, v: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, `expected an object of ${known.join(', ')}, got ${show(v)}`);
  knownKeys(field, v, known);
  return v as Record<string, unknown>;
}

function checkPlateau(v: unknown): ReduceLROnPlateauSettings {
  const f = 'reduceLROnPlateau';
  const o = object(f, v, ['monitor', 'factor', 'patience', 'minDelta', 'cooldown', 'minLr']);
  const factor = o.factor ?? 0.1;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) fail(`${f}.factor`, `expected a number above 0 and below 1 (Keras refuses a factor ≥ 1), got ${show(factor)}`);
  return {
    monitor: oneOf(`${f}.monitor`, o.monitor ?? 'val_loss', MONITORS), factor, patience: count(`${f}.patience`, o.patience ?? 10),
    minDelta: nonNegative(`${f}.minDelta`, o.minDelta ?? 1e-4), cooldown: count(`${f}.cooldown`, o.cooldown ?? 0), minLr: nonNegative(`${f}.minLr`, o.minLr ?? 0),
  };
}

/** The settings a fit ran with, every default filled in (`history.params`). */
export interface Settings {
  epochs: number;
  initialEpoch: number;
  optimizer: OptimizerSettings;
  resetOptimizer: boolean;
  batchSize: number;
  shuffle: Shuffle;
  seed: number;
  engine: EngineKind;
  stepsPerExecution: 1 | 'epoch';
  threads: number | 'auto';
  reduceLROnPlateau: ReduceLROnPlateauSettings | null;
}

/** Every key FitOptions has, so a misspelt one is refused rather than ignored. */
const FIT_OPTIONS = [
  'epochs', 'batchSize', 'shuffle', 'seed', 'engine', 'stepsPerExecution', 'threads', 'onEpochEnd', 'reduceLROnPlateau', 'initialEpoch', ...OPTIMIZER_OPTIONS,
] as const satisfies readonly (keyof FitOptions)[];

export function checkFitOptions(o: FitOptions): Settings {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('options', `expected an object, got ${show(o)}`);
  const shuffle = o.shuffle === undefined || o.shuffle === true ? 'epoch' : o.shuffle === false ? 'none' : oneOf('shuffle', o.shuffle, ['none', 'epoch', 'sample'] as const);
  const seed = checkSeed('seed', o.seed ?? 0);
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') fail('onEpochEnd', `expected a function, got ${show(o.onEpochEnd)}`);
  const resetOptimizer = checkReset(o);
  const optimizer = checkOptimizer(o);
  const stepsPerExecution = checkStepsPerExecution(o.stepsPerExecution ?? 1);
  if (optimizer.schedule && stepsPerExecution === 'epoch') fail('stepsPerExecution', "a learning-rate schedule sets each update's rate from the host: run it with stepsPerExecution 1");
  const reduceLROnPlateau = o.reduceLROnPlateau === undefined ? null : checkPlateau(o.reduceLROnPlateau);
  if (reduceLROnPlateau && optimizer.schedule) fail('reduceLROnPlateau', 'sets the learning rate, which a schedule already sets (Keras refuses it too): give one');
  const initialEpoch = o.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isSafeInteger(initialEpoch) || initialEpoch < 0) fail('initialEpoch', `expected a whole number ≥ 0, got ${show(initialEpoch)}`);
  const engine = oneOf('engine', o.engine ?? 'wasm', ['wasm', 'js'] as const);
  const threads = checkThreads(o.threads ?? 1);
  // refused here, with the other options, before a fit changes anything
  if (engine === 'js' && threads !== 'auto' && threads > 1) fail('threads', "the JS engine runs on one thread: use engine 'wasm' (the same numbers) for threads");
  return {
    epochs: epochCount(o.epochs ?? 1),
    initialEpoch,
    optimizer,
    resetOptimizer,
    batchSize: positiveInteger('batchSize', o.batchSize ?? 32),
    shuffle,
    seed,
    engine,
    stepsPerExecution,
    threads,
    reduceLROnPlateau,
  };
}

/**
 * The most epochs one fit runs. The history keeps every epoch's loss (and, with validation data, its
 * loss and metrics): a million epochs is some 16 MB of it, and up to a few hundred MB with
 * validation metrics; 10¹² would grow without bound, silently. A longer run is several fits, each
 * carrying on from the last.
 */
export const MAX_EPOCHS = 1_000_000;

function epochCount(v: unknown): number {
  const epochs = positiveInteger('epochs', v);
  if (epochs > MAX_EPOCHS) fail('epochs', `expected at most ${MAX_EPOCHS} (the history keeps every epoch's loss and metrics; for more, fit again: each fit carries on from the last), got ${show(v)}`);
  return epochs;
}

function checkStepsPerExecution(v: unknown): 1 | 'epoch' {
  if (v !== 1 && v !== 'epoch') fail('stepsPerExecution', `expected 1 (one call per batch) or 'epoch' (one call per epoch), got ${show(v)}`);
  return v;
}

/** Validation during fit: held-out rows measured after each epoch, and early stopping. */
export interface ValidationOptions {
  /** Share of the rows (seeded by `seed`, stratified by label for binaryCrossentropy) held out to validate on after each epoch, as Keras's validationSplit. */
  validationSplit?: number;
  /** Rows to validate on after each epoch instead: `[x, y]`, or `[x, y, sampleWeight]` to weigh their losses. */
  validationData?: [Matrix, Matrix] | [Matrix, Matrix, ArrayLike<number>];
  /**
   * Keras's EarlyStopping callback, on the validation: stops once `monitor` ('val_loss', the default,
   * or 'loss') has not improved by more than `minDelta` (0) for `patience` (0) epochs counted from
   * `startFromEpoch` (0), and while it has not beaten `baseline` (none); with `restoreBestWeights`
   * (true here, where Keras's default is false) the model keeps the best epoch's weights.
   */
  earlyStopping?: EarlyStoppingOptions;
  /** Probability from which a row counts as predicted 1 in classification metrics (default 0.5). */
  threshold?: number;
}

export interface EarlyStoppingOptions {
  patience?: number;
  monitor?: Monitor;
  minDelta?: number;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  baseline?: number;
}

export type EarlyStoppingSettings = Required<Omit<EarlyStoppingOptions, 'baseline'>> & { baseline: number | null };

const VALIDATION_OPTIONS = ['validationSplit', 'validationData', 'earlyStopping', 'threshold'] as const satisfies readonly (keyof ValidationOptions)[];

export interface ValidationSettings {
  split?: number;
  data?: [Matrix, Matrix] | [Matrix, Matrix, ArrayLike<number>];
  earlyStopping?: EarlyStoppingSettings;
  threshold: number;
}

function checkValidationOptions(o: ValidationOptions): ValidationSettings {
  if (o.validationSplit !== undefined && o.validationData !== undefined) fail('validationSplit', 'give validationSplit or validationData, not both');
  if (o.validationData !== undefined && (!Array.isArray(o.validationData) || o.validationData.length < 2 || o.validationData.length > 3)) {
    fail('validationData', `expected [x, y] or [x, y, sampleWeight], got ${show(o.validationData)}`);
  }
  let earlyStopping: EarlyStoppingSettings | undefined;
  if (o.earlyStopping !== undefined) {
    const f = 'earlyStopping';
    const e = object(f, o.earlyStopping, ['patience', 'monitor', 'minDelta', 'restoreBestWeights', 'startFromEpoch', 'baseline']);
    const restoreBestWeights = e.restoreBestWeights ?? true;
    if (typeof restoreBestWeights !== 'boolean') fail(`${f}.restoreBestWeights`, `expected true or false, got ${show(restoreBestWeights)}`);
    const baseline = e.baseline ?? null;
    if (baseline !== null && (typeof baseline !== 'number' || !Number.isFinite(baseline))) fail(`${f}.baseline`, `expected a finite number, got ${show(baseline)}`);
    earlyStopping = {
      patience: count(`${f}.patience`, e.patience ?? 0), monitor: oneOf(`${f}.monitor`, e.monitor ?? 'val_loss', MONITORS), minDelta: nonNegative(`${f}.minDelta`, e.minDelta ?? 0),
      restoreBestWeights, startFromEpoch: count(`${f}.startFromEpoch`, e.startFromEpoch ?? 0), baseline: baseline as number | null,
    };
    if (o.validationSplit === undefined && o.validationData === undefined) fail('earlyStopping', 'watches the validation: give validationSplit or validationData too');
  }
  return { split: o.validationSplit, data: o.validationData, earlyStopping, threshold: checkThreshold(o.threshold ?? 0.5) };
}

/** `Model.fit`'s options: training (FitOptions, with the optimizer's), validation, and scaling. */
export interface ModelFitOptions extends FitOptions, ValidationOptions {
  /** Fits a z-score scaler to the training rows (after any validationSplit); the model applies it from then on, in fit, predict and evaluate. */
  standardize?: boolean;
  /**
   * Regression (mse): fits a z-score scaler to the training targets and trains on the scaled
   * targets, so a target around 100 trains as well as one around 0. Predictions and metrics stay
   * in the target's units; losses (history, evaluate) are those of the scaled targets.
   */
  standardizeTarget?: boolean;
  /** Keras's sample_weight: one weight ≥ 0 per row of x; each row's loss (and so its gradient) counts that many times, the batch's sum still divided by its rows. */
  sampleWeight?: ArrayLike<number>;
  /** Keras's class_weight: `{ [class index]: weight }` (0/1 for a binaryCrossentropy output), each training row weighing its class's (1 if not named). Not with sampleWeight. */
  classWeight?: Record<number, number>;
}

/** Every key Model.fit takes. */
export const MODEL_FIT_OPTIONS = [...FIT_OPTIONS, ...VALIDATION_OPTIONS, 'standardize', 'standardizeTarget', 'sampleWeight', 'classWeight'] as const satisfies readonly (keyof ModelFitOptions)[];

/** Model.fit's options checked, every key by name: the fit's settings, the validation's, and the two scaling switches. */
export function checkModelFitOptions(options: ModelFitOptions): { settings: Settings; validation: ValidationSettings } {
  if (typeof options !== 'object' || options === null) fail('options', `expected an object of fit options, got ${show(options)}`);
  knownKeys('', options, MODEL_FIT_OPTIONS);
  const settings = checkFitOptions(options);
  const validation = checkValidationOptions(options);
  if (settings.reduceLROnPlateau?.monitor.startsWith('val_') && validation.split === undefined && validation.data === undefined) {
    fail('reduceLROnPlateau', `watches ${settings.reduceLROnPlateau.monitor}: give validationSplit or validationData too, or monitor 'loss'`);
  }
  for (const key of ['standardize', 'standardizeTarget'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') fail(key, `expected true or false, got ${show(options[key])}`);
  }
  return { settings, validation };
}
