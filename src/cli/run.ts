// The settings of a run, shared by train (tutorial datasets and CSV files) and compare: the flags
// and how they change a base model and fit.
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, Model, MODEL_FORMAT, modelFromFile, type Activation, type DenseSpec, type FitOptions, type History, type Initializer, type LayerSpec, type ModelOptions, type Weights } from '../node.js';
import { BackpropError, DivergenceError, fail, oneOf, show } from '../errors.js';
import { isTfjs, readModelFiles, tfjsOf, type ModelFiles } from '../io/files.js';
import { ACTIVATION_LIST, ACTIVATION_PARAMETERS, ACTIVATION_ROWS, type ActivationParameter } from '../operations/activations.js';
import { LOSS_LIST, LOSS_NAMES } from '../operations/losses.js';
import { HYPERPARAMETER_NAMES, HYPERPARAMETERS, OPTIMIZER_LIST, OPTIMIZER_ROWS, takersOf, type Hyperparameter } from '../operations/optimizers.js';
import { nameList } from '../operations/rows.js';
import { SCHEDULE_ROWS, SCHEDULES, scheduleParamKinds, type LearningRateSchedule, type ScheduleName } from '../operations/schedules.js';
import { OPTIMIZERS, type OptimizerOptions } from '../optimizerSettings.js';
import type { EarlyStoppingOptions, ReduceLROnPlateauOptions } from '../fitOptions.js';
import { INITIALIZERS, lossName, type LossSpec } from '../spec.js';
import { MAX_EPOCHS, MODEL_FIT_OPTIONS } from '../fitOptions.js';
import { list, number, type Flags, type Values } from './args.js';

/** The network's flags. */
export const NETWORK_FLAGS: Flags = {
  layers: { value: '2,1', help: 'units of each Dense layer after the input; the last is the output: one unit per target, or per class' },
  activation: {
    value: 'NAME',
    help: `${ACTIVATION_LIST.map((r) => r.name).join(', ')}: one for the hidden layers (CSV runs: the output's follows the task; the tutorial datasets: every layer), or a list per layer`,
  },
  ...activationParameterFlags(),
  loss: {
    value: 'NAME[,KEY=V]',
    help: `${LOSS_LIST.map((r) => (r.aliases.length ? `${r.name} (${r.aliases.join(', ')})` : r.name)).join(', ')}; with its parameter: huber,delta=X or binaryCrossentropy|categoricalCrossentropy,labelSmoothing=X (CSV runs: the task's by default; the categorical ones but sparseCategoricalCrossentropy train on one-hot rows of the classes)`,
  },
  l2: { value: 'X', help: "L2 penalty X·Σw² on every Dense layer's kernel (Keras's kernelRegularizer; default 0)" },
  l1: { value: 'X', help: "L1 penalty X·Σ|w| on every Dense layer's kernel (default 0)" },
  dropout: { value: 'RATE', help: 'a Dropout layer of this rate (0 to 1) after every hidden Dense layer; fit drops, predict and evaluate do not' },
  init: {
    value: 'NAME|X',
    help: "the kernels' initializer: glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones, or a number for a constant (dataset default: 0.1); biases stay 0",
  },
  weights: { value: 'FILE.json', help: 'initial weights in the Keras layout [kernel (inputs × units), bias, …], or an object with them under "weights" (as --json prints)' },
};

/** The training's flags. */
export const FIT_FLAGS: Flags = {
  epochs: { value: 'N', help: `passes over the data (dataset default: 5 / 50), at most ${MAX_EPOCHS.toLocaleString('en-US')}` },
  optimizer: { value: 'NAME', help: `${nameList(OPTIMIZER_LIST.map((r) => r.name), '')} (default sgd), each as Keras's optimizer of that name` },
  lr: { value: 'X', help: `learning rate (dataset default for sgd: 0.001 / 0.0001; for another optimizer Keras's default: ${OPTIMIZER_LIST.map((r) => `${r.name} ${r.learningRate}`).join(', ')})` },
  ...hyperparameterFlags(),
  'lr-schedule': {
    value: 'NAME,KEY=V…',
    help: `a learning-rate schedule, stepped per update: ${SCHEDULES.join(', ')} with Keras's parameters (docs/operations.md), initialLearningRate from --lr (else the optimizer's default rate) unless given; e.g. exponentialDecay,decaySteps=100,decayRate=0.96 or piecewiseConstantDecay,boundaries=100:200,values=0.1:0.01:0.001`,
  },
  'reduce-lr-on-plateau': {
    value: 'KEY=V,…',
    help: "Keras's ReduceLROnPlateau: monitor=val_loss|loss (val_loss needs --validation-split), factor=0.1, patience=10, minDelta=0.0001, cooldown=0, minLr=0 (Keras's defaults); e.g. factor=0.5,patience=3",
  },
  clipnorm: { value: 'X', help: "before each update, scale each layer's kernel gradient and its bias gradient apart to this norm at most (Keras's clipnorm; one clipping flag at most)" },
  'global-clipnorm': { value: 'X', help: "before each update, scale all the gradients together to this norm at most (Keras's global_clipnorm)" },
  clipvalue: { value: 'X', help: "before each update, clip each gradient to [−X, X] (Keras's clipvalue)" },
  'batch-size': {
    value: 'N',
    help: 'rows per update, the mean gradient of those rows (default 1: per-row SGD, as the tutorial); a number ≥ the row count makes one update per epoch',
  },
  shuffle: { value: 'MODE', help: 'none (rows in order, the default), epoch (a new order each epoch), sample (each step draws a random row, with replacement)' },
  seed: { value: 'N', help: 'seeds the row order and random initializers (default 0)' },
  engine: { value: 'wasm|js', help: 'which kernels run (default wasm)' },
  threads: {
    value: 'N|auto',
    help: 'threads sharing each batch (default 1; engine wasm): the same numbers for any count; auto: one where a batch is too little work to share or a model\'s training so far too short to pay for starting threads, else the cores or one thread, whichever its epochs measure faster; per-row updates (--batch-size 1) run on one',
  },
};

/** One flag per activation parameter (leakyRelu's --alpha), named after its Dense option, for every layer whose activation takes it. */
function activationParameterFlags(): Flags {
  return Object.fromEntries((Object.keys(ACTIVATION_PARAMETERS) as ActivationParameter[]).map((key) => {
    const takers = ACTIVATION_LIST.filter((r) => r.takes[key] !== undefined);
    const help = `${nameList(takers.map((r) => r.name), '', 'and')}: ${ACTIVATION_PARAMETERS[key].help}, on every such layer (default ${takers.map((r) => r.takes[key]).join(', ')})`;
    return [flagName(key), { value: 'X', help }];
  }));
}

/** The activation parameters the flags give (--alpha), checked; each must find a layer whose activation takes it. */
function activationParameters(v: Values, activations: readonly Activation[]): Partial<Record<ActivationParameter, number>> {
  const out: Partial<Record<ActivationParameter, number>> = {};
  for (const key of Object.keys(ACTIVATION_PARAMETERS) as ActivationParameter[]) {
    const flag = flagName(key), value = number(flag, v[flag]);
    if (value === undefined) continue;
    if (!activations.some((a) => ACTIVATION_ROWS[a].takes[key] !== undefined)) {
      const takers = ACTIVATION_LIST.filter((r) => r.takes[key] !== undefined).map((r) => r.name);
      fail(`--${flag}`, `no layer's activation takes ${key} (${activations.join(', ')}); ${nameList(takers, '', 'and')} ${takers.length > 1 ? 'take' : 'takes'} it`);
    }
    out[key] = ACTIVATION_PARAMETERS[key].check(`--${flag}`, value);
  }
  return out;
}

/** `weightDecay` → `weight-decay`: a fit option's flag. */
export function flagName(option: string): string {
  return option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The flags of the library options that are not the option's name in kebab case (a nested field,
 * `learningRate.decaySteps`, by its option and a dot), and of the options of other calls than fit:
 * readCsvFile's weight column, exportStandalone's prefix.
 */
const OPTION_FLAGS: Record<string, string> = {
  learningRate: 'lr', 'learningRate.': 'lr-schedule', reduceLROnPlateau: 'reduce-lr-on-plateau', sampleWeight: 'sample-weight', weight: 'sample-weight', prefix: 'prefix',
};

/** The flag that gives the library option a field names (`batchSize`, `earlyStopping.patience`), if a flag does. */
export function optionFlag(field: string): string | undefined {
  const option = /^[a-zA-Z]\w*/.exec(field)?.[0];
  if (option === undefined) return undefined;
  const nested = field[option.length] === '.' ? OPTION_FLAGS[`${option}.`] : undefined;
  return nested ?? OPTION_FLAGS[option] ?? ((MODEL_FIT_OPTIONS as readonly string[]).includes(option) ? flagName(option) : undefined);
}

/**
 * The library's refusal of an option that a flag gave, said as that flag as given:
 * `--epochs 0: epochs: expected a positive integer, got 0`. Every command's errors pass through
 * it (src/cli/main.ts), so the library's checks stay the only ones and a user still reads the flag.
 */
export function inFlagWords(e: unknown, values: Values): unknown {
  if (!(e instanceof BackpropError) || e instanceof DivergenceError) return e;
  const flag = optionFlag(e.field), value = flag === undefined ? undefined : values[flag];
  if (value === undefined) return e;
  return new BackpropError(`--${flag}${value === true ? '' : ` ${value}`}`, e.message);
}

/** One flag per optimizer hyperparameter, named after its fit option (a boolean one a switch), its help from the table. */
function hyperparameterFlags(): Flags {
  return Object.fromEntries(HYPERPARAMETER_NAMES.map((key) => {
    const h = HYPERPARAMETERS[key], takers = nameList(takersOf(key), '', 'and');
    const help = `${takers}: ${h.help}${typeof h.default === 'boolean' ? '' : ` (default ${defaults(key)})`}`;
    return [flagName(key), typeof h.default === 'boolean' ? { help } : { value: 'X', help }];
  }));
}

/** `0.9`, or `sgd 0, rmsprop 0.9` where the optimizers that take it differ. */
function defaults(key: Hyperparameter): string {
  const values = OPTIMIZER_LIST.flatMap((r) => (r.takes[key] === undefined ? [] : [[r.name, r.takes[key]] as const]));
  return new Set(values.map(([, v]) => v)).size === 1 ? String(values[0]![1]) : values.map(([n, v]) => `${n} ${v}`).join(', ');
}

/** `--dataset`, which train and compare share. */
export const DATASET_FLAG: Flags = { dataset: { value: 'NAME', help: 'package (regression) or placement (classification)' } };

/** The dataset flag of train and explain, which also take the class datasets (run as CSV data). */
export const ALL_DATASETS_FLAG: Flags = {
  dataset: { value: 'NAME', help: 'package (regression), placement (classification), or blobs3 (three classes, 2 features; CSV defaults and flags)' },
};

/**
 * The dataset's model with the flags' changes: `--layers 4,1` keeps the dataset's initializers,
 * `--init` replaces the kernels' initializer, `--weights` gives every initial weight, `--l1`/`--l2`
 * regularize every kernel and `--dropout` follows every hidden layer. With `output` (CSV runs), the
 * last layer keeps that activation unless --activation lists one per layer. `weights`: the --weights
 * file as the command read it (readWeightsFlag), else it is read here.
 */
export function modelOptions(v: Values, base: ModelOptions, output?: Activation, weights?: ModelFiles): ModelOptions<LayerSpec> {
  const units = list('layers', v.layers)?.map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) fail('--layers', `expected positive whole numbers of units per layer like 2,1, got ${show(u)}`);
    return n;
  }) ?? base.layers.map((l) => l.units);
  const acts = list('activation', v.activation)?.map((a) => oneOf('--activation', a, ACTIVATIONS));
  if (acts && acts.length !== 1 && acts.length !== units.length) fail('--activation', `expected one activation for every layer or one per layer (${units.length}), got ${acts.length}`);
  const init = initializer(v.init);
  if (init !== undefined && v.weights !== undefined) fail('--init', 'both --init and --weights set the initial weights; give one');
  const [l1, l2] = [coefficient('l1', v.l1), coefficient('l2', v.l2)];
  const dropout = number('dropout', v.dropout);
  if (dropout !== undefined && !(dropout > 0 && dropout < 1)) fail('--dropout', `expected a rate above 0 and below 1, like 0.2, got ${v.dropout}`);
  if (dropout !== undefined && units.length < 2) fail('--dropout', 'goes after hidden layers; this network has none (--layers lists only the output)');
  const template = base.layers[0]!;
  const last = units.length - 1;
  const activations = units.map((_, i): Activation => (output !== undefined && i === last && (acts?.length ?? 1) === 1 ? output
    : acts ? acts[acts.length === 1 ? 0 : i]! : ((base.layers[i] ?? template).activation ?? 'linear')));
  const parameters = activationParameters(v, activations);
  const spec: ModelOptions<LayerSpec> = {
    inputs: base.inputs,
    layers: units.flatMap((u, i): LayerSpec[] => {
      const activation = activations[i]!;
      const takes = ACTIVATION_ROWS[activation].takes;
      const dense: DenseSpec = {
        ...(base.layers[i] ?? template),
        units: u,
        activation,
        ...Object.fromEntries(Object.entries(parameters).filter(([key]) => takes[key as ActivationParameter] !== undefined)),
        ...(init === undefined ? {} : { kernelInitializer: init }),
        ...(l1 || l2 ? { kernelRegularizer: { l1: l1 ?? 0, l2: l2 ?? 0 } } : {}),
      };
      return dropout !== undefined && i < last ? [dense, { dropout }] : [dense];
    }),
    loss: v.loss === undefined ? base.loss : lossFlag(v.loss),
    seed: number('seed', v.seed) ?? base.seed,
  };
  return typeof v.weights === 'string' ? { ...spec, weights: readWeights(weights ?? readWeightsFlag(v.weights), spec) } : spec;
}

/** `--l2 0.01`: a penalty coefficient, ≥ 0. */
function coefficient(flag: string, text: string | boolean | undefined): number | undefined {
  const c = number(flag, text);
  if (c !== undefined && c < 0) fail(`--${flag}`, `expected a coefficient ≥ 0, like 0.01, got ${text}`);
  return c;
}

/**
 * The output layer must give one value per target (or per class): said here in the flags' words,
 * before the data's shape would say it as a row count.
 */
export function checkOutputWidth(spec: ModelOptions<LayerSpec>, want: number, what: string): void {
  const dense = spec.layers.filter((l): l is DenseSpec => !('dropout' in l));
  const units = dense[dense.length - 1]!.units;
  if (units !== want) {
    const layers = dense.map((l) => l.units);
    fail('--layers', `the output layer has ${units} unit${units === 1 ? '' : 's'} but ${what}; end --layers with ${want} (e.g. ${[...layers.slice(0, -1), want].join(',')})`);
  }
}

/** `--init glorotNormal`, or a number for a constant. */
function initializer(text: string | boolean | undefined): Initializer | undefined {
  if (typeof text !== 'string') return undefined;
  const constant = Number(text);
  if (text.trim() !== '' && Number.isFinite(constant)) return { constant };
  return oneOf('--init', text, INITIALIZERS);
}

/** The --weights file, read once (a TensorFlow.js model.json with its weights files: `files` lists every file read). */
export function readWeightsFlag(file: string): ModelFiles {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    fail('--weights', `cannot read ${file}: ${(e as Error).message}`);
  }
  return readModelFiles(file, bytes);
}

/** Initial weights from a JSON file as read: the Keras weight list, an object holding it as `weights` (what `train --json` prints), a model file or a TensorFlow.js model.json. */
function readWeights(read: ModelFiles, spec: ModelOptions<LayerSpec>): Weights {
  const { path: file, json } = read;
  if (read.invalid !== undefined) fail('--weights', `${file} is not valid JSON: ${read.invalid}`);
  // A TensorFlow.js model.json brings its weights file; its loss does not matter here, the flags' does. A model file's are blocks.
  const weights = isTfjs(json) ? tfjsOf(read, { loss: lossName(spec.loss) }).model.getWeights()
    : (json as { format?: unknown } | null)?.format === MODEL_FORMAT ? modelFromFile(json, `--weights ${file}`, read.lifted).model.getWeights()
    : Array.isArray(json) ? json : (json as { weights?: unknown } | null)?.weights;
  if (!Array.isArray(weights)) fail('--weights', `${file}: expected the Keras weight list [kernel, bias, …], an object with it under "weights", or a TensorFlow.js model.json, got ${show(json)}`);
  // Checked against the network now, so that a wrong shape is reported with the file's name.
  try {
    new Model({ ...spec, weights: weights as Weights });
  } catch (e) {
    if (e instanceof BackpropError && e.field.startsWith('weights')) fail(`--weights ${file}`, e.message);
    throw e;
  }
  return weights as Weights;
}

/**
 * A command's fit. The library's divergence message says what its model keeps, but a command that
 * diverges ends there, its outputs (`unwritten`, e.g. "--save m.json") not written: it says that,
 * and what to try, instead.
 */
export async function commandFit(fit: () => Promise<History>, unwritten: readonly string[], tryInstead: string): Promise<History> {
  try {
    return await fit();
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    throw new DivergenceError(e.epoch, e.row, `${e.reason}${unwritten.length ? `; nothing was written (${unwritten.join(', ')})` : ''}`, tryInstead);
  }
}

export function fitOptions(v: Values, base: FitOptions): FitOptions {
  const optimizer = v.optimizer === undefined ? base.optimizer : oneOf('--optimizer', v.optimizer, OPTIMIZERS);
  // A base learning rate belongs to the base optimizer; another one starts from its Keras default.
  const sameOptimizer = (optimizer ?? 'sgd') === (base.optimizer ?? 'sgd');
  const lr = number('lr', v.lr) ?? (sameOptimizer && typeof base.learningRate === 'number' ? base.learningRate : undefined);
  return {
    ...base,
    epochs: number('epochs', v.epochs) ?? base.epochs,
    optimizer,
    // a schedule without --lr decays from the optimizer's own rate, as a fit without one trains at it
    learningRate: v['lr-schedule'] === undefined ? lr : schedule(v['lr-schedule'], lr ?? OPTIMIZER_ROWS[optimizer ?? 'sgd'].learningRate),
    ...hyperparameters(v, base),
    ...(v['reduce-lr-on-plateau'] === undefined ? {} : { reduceLROnPlateau: keyValues('reduce-lr-on-plateau', v['reduce-lr-on-plateau'], CALLBACK_KINDS) as ReduceLROnPlateauOptions }),
    batchSize: number('batch-size', v['batch-size']) ?? base.batchSize,
    shuffle: v.shuffle === undefined ? base.shuffle : oneOf('--shuffle', v.shuffle, ['none', 'epoch', 'sample'] as const),
    seed: number('seed', v.seed) ?? base.seed,
    engine: v.engine === undefined ? 'wasm' : oneOf('--engine', v.engine, ['wasm', 'js'] as const),
    ...(v.threads === undefined ? {} : { threads: v.threads === 'auto' ? 'auto' : number('threads', v.threads) }),
  };
}

/** The hyperparameter flags given, over the base's: numbers checked as numbers here, as values by fit. */
function hyperparameters(v: Values, base: FitOptions): OptimizerOptions {
  const options = [...HYPERPARAMETER_NAMES, 'clipnorm', 'globalClipnorm', 'clipvalue'] as const;
  return Object.fromEntries(options.map((key) => {
    const flag = flagName(key);
    const given = key !== 'clipnorm' && key !== 'globalClipnorm' && key !== 'clipvalue' && typeof HYPERPARAMETERS[key].default === 'boolean' ? (v[flag] === true ? true : undefined) : number(flag, v[flag]);
    return [key, given ?? base[key]];
  }));
}

/**
 * `KEY=V,KEY=V…` (after an optional leading NAME, given as `first`): a nested option from a flag. Each
 * value is read by its kind: numbers in decimal, `true`/`false`, lists as `a:b:c` (no shell quoting needed), else text.
 */
export function keyValues(flag: string, text: string | boolean | undefined, kinds: Record<string, string>, first?: string): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim() === '') fail(`--${flag}`, `expected ${first ? `${first.toUpperCase()},` : ''}KEY=VALUE,… got ${show(text)}`);
  const parts = text.split(',').map((p) => p.trim());
  const out: Record<string, unknown> = first ? { [first]: parts.shift() } : {};
  // each key's text as given: a repeated key is refused, as a repeated flag is (src/cli/args.ts), not won by the last
  const given = new Map(first ? [[first, String(out[first])]] : []);
  for (const part of parts) {
    const [key, value, ...rest] = part.split('=');
    if (!key || value === undefined || rest.length) fail(`--${flag}`, `expected KEY=VALUE, got ${show(part)}`);
    if (given.has(key)) fail(`--${flag}`, `${key} is given twice (${show(given.get(key))}, then ${show(value)}); give it once`);
    given.set(key, value);
    const kind = kinds[key] ?? 'text';
    out[key] = kind === 'list' ? value.split(':').filter((x) => x !== '').map((x) => number(flag, x)) : kind === 'boolean' ? value === 'true' ? true : value === 'false' ? false : value : kind === 'number' ? number(flag, value) : value;
  }
  return out;
}

/** `--loss NAME` or `--loss NAME,KEY=V` (its parameter): a loss by name or alias, as a model's `loss` takes it. */
export function lossFlag(text: string | boolean): LossSpec {
  const o = keyValues('loss', text, { delta: 'number', labelSmoothing: 'number' }, 'name');
  const name = o.name as string;
  if (!Object.hasOwn(LOSS_NAMES, name)) fail('--loss', `expected one of ${Object.keys(LOSS_NAMES).join(', ')}, got ${show(name)}`);
  return Object.keys(o).length === 1 ? (name as LossSpec) : (o as LossSpec);
}

/** `--lr-schedule NAME,KEY=V…`: the schedule's option, its initialLearningRate `lr` (--lr, the base's rate or the optimizer's) unless given. */
function schedule(text: string | boolean, lr: number): LearningRateSchedule {
  const o = keyValues('lr-schedule', text, scheduleParamKinds(), 'schedule');
  const takesInitial = Object.hasOwn(SCHEDULE_ROWS, o.schedule as string) && 'initialLearningRate' in SCHEDULE_ROWS[o.schedule as ScheduleName].params;
  return { ...(takesInitial ? { initialLearningRate: lr } : {}), ...o } as LearningRateSchedule;
}

/** The kinds of the callbacks' options, for keyValues. */
const CALLBACK_KINDS: Record<string, string> = {
  factor: 'number', patience: 'number', minDelta: 'number', cooldown: 'number', minLr: 'number', startFromEpoch: 'number', baseline: 'number', restoreBestWeights: 'boolean',
};

/** `--early-stopping N` (the patience) or `--early-stopping KEY=V,…` (Keras's EarlyStopping options). */
export function earlyStoppingFlag(v: Values): EarlyStoppingOptions | undefined {
  const text = v['early-stopping'];
  if (text === undefined) return undefined;
  return typeof text === 'string' && !text.includes('=') ? { patience: number('early-stopping', text)! } : keyValues('early-stopping', text, CALLBACK_KINDS) as EarlyStoppingOptions;
}
