import type { Task } from '../csv.js';
import { LOSSES } from '../contract.js';
import { BackpropError, fail, knownKeys, oneOf, show } from '../errors.js';
import { checkClasses, isCategorical } from '../classes.js';
import { checkThreshold } from '../metrics.js';
import { checkModel, Model, type TrainingState, type Weights } from '../model.js';
import type { Scaler } from '../scaler.js';
import { checkSpec, layerSpecs, lossSpec, parameterCount, widths, type LayerSpec, type Loss, type LossSpec, type Network } from '../spec.js';
import { LOSS_ROWS } from '../operations/losses.js';
import { forEachLayer } from '../weights.js';
import { blockChunks, decodeBlock, unlift, type Fill } from './blocks.js';

/** Blocks a file read as bytes had lifted out (src/io/blocks.ts liftBlocks), by token. */
type Lifted = Map<string, Uint8Array>;

/** The `format` field of every model file saveModel writes. */
export const MODEL_FORMAT = 'backprop-model';
/**
 * Raised whenever a change would make an older reader misread a file. Version 2 added the target's
 * scaler, `classes` and `targets`; a version 1 file reads as a version 2 file without them. Version 3
 * writes the weights as blocks of binary numbers (src/io/blocks.ts) and adds the training `state`.
 */
export const MODEL_VERSION = 3;
const READS = [1, 2, 3];

/** What a model file holds besides the network: where its inputs come from and how it was trained. */
export interface ModelInfo {
  /** Input column names, one per input, in order. */
  features: string[];
  /** The column the model predicts (with several targets, the first). */
  target: string;
  /**
   * A model with several outputs (not a softmax classifier): the columns they predict, one per output,
   * in order, the first being `target`. Without it such a model's file names only `target`, as before.
   */
  targets?: string[];
  /**
   * A softmax classifier (categoricalCrossentropy, sparseCategoricalCrossentropy): the label of each
   * output, in order (default '0', '1', …: the class indices).
   */
  classes?: string[];
  /** Classification models: the probability from which a prediction is 1 (default 0.5). */
  threshold?: number;
  /** The settings the model was trained with, kept for the record. */
  training?: Record<string, unknown>;
}

/** float64 numbers as the base64 text of their little-endian bytes (src/io/blocks.ts); a tensor also has its shape. */
export interface Block {
  shape?: number[];
  float64: string;
}

/** A saved model: plain JSON. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  task: Task;
  features: string[];
  target: string;
  /** Written for several targets only. */
  targets?: string[];
  /** Written for softmax classifiers only. */
  classes?: string[];
  threshold: number;
  /** Dense layers as `{ units, activation }` with any `kernelRegularizer` / `biasRegularizer` as `{ l1, l2 }`, each Dropout as `{ dropout: rate }`. */
  model: { inputs: number; layers: LayerSpec[]; loss: LossSpec };
  /** Keras layout, one block per tensor: [kernel₁ (inputs × units), bias₁, kernel₂, bias₂, …] (version 1 and 2 files: nested arrays of numbers). */
  weights: Block[];
  scaler: Scaler | null;
  /** Regression trained on a standardized target: predictions are mapped back with this. */
  targetScaler: Scaler | null;
  training: Record<string, unknown>;
  /**
   * Written for a model that has trained: where training stands (Model.getTrainingState), so that a fit
   * continued from this file (initialEpoch: state.epoch) equals one that never stopped. Its arrays are
   * blocks laid out as the kernels hold the parameters (per layer the kernel [units][inputs], then the bias).
   */
  state?: unknown;
}

/** Every key a file of each version may have. */
const KEYS: Record<number, readonly string[]> = {
  1: ['format', 'version', 'task', 'features', 'target', 'threshold', 'model', 'weights', 'scaler', 'training'],
  2: ['format', 'version', 'task', 'features', 'target', 'targets', 'classes', 'threshold', 'model', 'weights', 'scaler', 'targetScaler', 'training'],
  3: ['format', 'version', 'task', 'features', 'target', 'targets', 'classes', 'threshold', 'model', 'weights', 'scaler', 'targetScaler', 'training', 'state'],
};
/** Those a file must have. */
const REQUIRED = ['format', 'version', 'task', 'features', 'target', 'threshold', 'model', 'weights', 'scaler', 'training'];

/** A loss's task as a model file says it: its row's, the two kinds of classifier as one. */
export function taskOf(loss: Loss): Task {
  oneOf('loss', loss, LOSSES);
  return LOSS_ROWS[loss].task === 'regression' ? 'regression' : 'classification';
}

/** The model and its info as a model file (an object; `JSON.stringify` it, or use `modelToText`). */
export function modelToFile(model: Model, info: ModelInfo): ModelFile {
  return JSON.parse(modelToText(model, info)) as ModelFile;
}

/** JSON text of a model file, with each row of numbers on one line. */
export function modelToText(model: Model, info: ModelInfo): string {
  let text = '';
  for (const chunk of modelChunks(model, info)) text += chunk;
  return text;
}

/**
 * The JSON text of a model file in pieces, to write one after another (src/node.ts's saveModel): each
 * block's text comes in chunks, so that no piece is much larger than a few hundred kilobytes.
 */
export function* modelChunks(model: Model, info: ModelInfo): Generator<string> {
  checkModel('model', model);
  const { inputs, loss } = model.network;
  const checked = modelInfo('info', info, model.network);
  const params = model.getParams();
  const state = model.getTrainingState();
  // Each block is a placeholder in the JSON first, replaced by its chunks as the text is written.
  const blocks: (() => Generator<string>)[] = [];
  const token = `block-${Math.random().toString(36).slice(2)}-`;
  const block = (count: number, fill: Fill, shape?: number[]): Block => {
    blocks.push(() => blockChunks(count, fill));
    return { ...(shape ? { shape } : {}), float64: `${token}${blocks.length - 1}` };
  };
  const flat = (values: Float64Array, shape?: number[]) => block(values.length, (start, out, n) => out.set(values.subarray(start, start + n)), shape);
  const weights: Block[] = [];
  forEachLayer(model.network, params, (_, fanIn, kernel, bias) => {
    weights.push(block(kernel.length, transposed(kernel, fanIn, bias.length, 'read'), [fanIn, bias.length]));
    weights.push(flat(bias, [bias.length]));
  });
  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    task: taskOf(loss),
    features: checked.features,
    target: checked.target,
    ...(checked.targets ? { targets: checked.targets } : {}),
    ...(checked.classes ? { classes: checked.classes } : {}),
    threshold: checked.threshold,
    model: { inputs, layers: layerSpecs(model.network), loss: lossSpec(model.network) },
    weights,
    scaler: model.scaler ?? null,
    targetScaler: model.targetScaler ?? null,
    training: checked.training,
    ...(state ? { state: encodeState(state, (values) => flat(values)) } : {}),
  };
  const text = JSON.stringify(file, null, 2).replace(/\[\s+([^\][{}"]*?)\s+\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, ' ')}]`) + '\n';
  const parts = text.split(new RegExp(`${token}(\\d+)`));
  // parts: text, block index, text, block index, …, text
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) yield parts[i]!;
    else yield* blocks[Number(parts[i])]!();
  }
}

/**
 * A training state as JSON: every Float64Array a block, every number that JSON cannot hold
 * (Infinity, NaN) its name as text. Generic, so that a new callback's or optimizer's state is saved
 * as it comes (Model.getTrainingState lists them).
 */
function encodeState(value: unknown, flat: (values: Float64Array) => Block): unknown {
  if (value instanceof Float64Array) return flat(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeState(v, flat)]));
}

/** encodeState undone: blocks of `count` numbers (the only length a state's arrays have) back to Float64Arrays. */
function decodeState(field: string, value: unknown, count: number, lifted: Lifted | undefined): unknown {
  if (value === 'Infinity' || value === '-Infinity' || value === 'NaN') return Number(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) fail(field, `expected a number, an object or a block of ${count} numbers, got ${show(value)}`);
  if ('float64' in value) {
    knownKeys(field, value, ['float64']);
    const values = new Float64Array(count);
    decodeBlock(`${field}.float64`, value.float64, count, (start, v, n) => values.set(v.subarray(0, n), start), lifted);
    return values;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeState(`${field}.${k}`, v, count, lifted)]));
}

/**
 * Copies between a flat kernel ([units][inputs]) and a block's chunks in Keras's order (inputs × units):
 * 'read' fills a chunk from the kernel, 'write' writes a chunk into it.
 */
function transposed(kernel: Float64Array, inputs: number, units: number, way: 'read' | 'write'): Fill {
  return (start, values, n) => {
    let i = Math.floor(start / units), u = start % units;
    for (let k = 0; k < n; k++) {
      if (way === 'read') values[k] = kernel[u * inputs + i]!;
      else kernel[u * inputs + i] = values[k]!;
      if (++u === units) { u = 0; i++; }
    }
  };
}

/**
 * Why `text` did not parse (`e`, JSON.parse's error): text that is no JSON at all, as a CSV file given
 * where a model goes (`predict data.csv model.json`), is named by its first line; broken JSON by the
 * parser's message, on one line, with `broken` (what may have broken it) after it.
 */
export function notJson(source: string, text: string, e: unknown, expected: string, broken: string): never {
  const start = text.trimStart().replace(/^\uFEFF/, '');
  if (start !== '' && !start.startsWith('{') && !start.startsWith('[')) {
    const line = start.split(/\r?\n|\r/, 1)[0]!, shown = line.slice(0, 40);
    // bytes that are no text (a weights.bin, an .onnx file) are named as such, not shown as the mojibake they decode to
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
    if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(shown)) fail(source, `is not JSON: it is binary data, not text; expected ${expected}`);
    const csv = line.includes(',') ? ' (CSV data?)' : '';
    fail(source, `is not JSON: it starts with ${JSON.stringify(line.length > 40 ? `${shown}…` : line)}${csv}; expected ${expected}`);
  }
  fail(source, `is not valid JSON (${(e as Error).message.replace(/\s*\n\s*/g, ' ')})${broken}`);
}

/**
 * Reads a model file (its text or the parsed object), checking every part: a truncated or edited
 * file, another format version, a missing, unknown or mistyped field, or weights that do not fit the
 * architecture are errors naming `source` and the part.
 */
export function modelFromFile(file: unknown, source = 'model file', lifted?: Lifted): { model: Model; info: LoadedInfo; task: Task } {
  let value = file;
  if (typeof file === 'string') {
    try {
      value = JSON.parse(file);
    } catch (e) {
      notJson(source, file, e, "a model file, as 'backprop train --save' and saveModel write", '; the file may be truncated or edited by hand');
    }
  }
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== MODEL_FORMAT) {
    fail(source, `is not a backprop model file: expected a JSON object with "format": "${MODEL_FORMAT}", like those 'backprop train --save' writes`);
  }
  // Strings liftBlocks took out are put back everywhere but where blocks belong.
  const f = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'weights' || k === 'state' ? v : unlift(v, lifted)])) as Partial<Record<keyof ModelFile, unknown>>;
  const version = f.version as number;
  if (!READS.includes(version)) fail(source, `has format version ${show(f.version)}; this backprop reads versions ${READS.slice(0, -1).join(', ')} and ${READS[READS.length - 1]}`);
  try {
    for (const key in f) {
      if (!KEYS[version]!.includes(key)) {
        const later = READS.find((v) => KEYS[v]!.includes(key));
        fail(key, later ? `came with format version ${later}; this file says version ${version}` : `is not a field of a model file; expected only ${KEYS[version]!.join(', ')}`);
      }
    }
    for (const key of [...REQUIRED, ...(version >= 2 ? ['targetScaler'] : [])]) {
      if (!(key in f)) fail(key, `is missing; every model file of version ${version} has ${key}`);
    }
    const spec = f.model as ModelFile['model'];
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail('model', `expected { inputs, layers, loss }, got ${show(spec)}`);
    knownKeys('model', spec, ['inputs', 'layers', 'loss']);
    if (f.training === null || typeof f.training !== 'object' || Array.isArray(f.training)) fail('training', `expected an object, got ${show(f.training)}`);
    for (const key of ['scaler', 'targetScaler'] as const) {
      if (f[key] !== null && f[key] !== undefined && (typeof f[key] !== 'object' || Array.isArray(f[key]))) fail(key, `expected { mean, std } or null, got ${show(f[key])}`);
      if (f[key]) knownKeys(key, f[key] as object, ['mean', 'std']);
    }
    const targetScaler = version === 1 ? null : f.targetScaler;
    const scalers = { scaler: f.scaler === null ? undefined : (f.scaler as Scaler), targetScaler: targetScaler === null ? undefined : (targetScaler as Scaler) };
    let model: Model;
    if (version < 3) model = new Model({ inputs: spec.inputs, layers: spec.layers, loss: spec.loss, weights: f.weights as Weights, ...scalers });
    else {
      const options = { inputs: spec.inputs, layers: spec.layers, loss: spec.loss, ...scalers };
      model = new Model(options, readWeights(checkSpec(options), f.weights, lifted));
      if (f.state !== undefined) model.setTrainingState(decodeState('state', f.state, model.countParams(), lifted) as TrainingState, 'state');
    }
    const info = modelInfo('', { features: f.features, target: f.target, targets: f.targets, classes: f.classes, threshold: f.threshold, training: f.training } as ModelInfo, model.network);
    const task = taskOf(model.network.loss);
    if (f.task !== task) fail('task', `says ${show(f.task)} but the loss ${model.network.loss} is ${task}`);
    return { model, info, task };
  } catch (e) {
    if (e instanceof BackpropError) fail(source, e.message);
    throw e;
  }
}

/** A version 3 file's weights: one block per tensor, in the Keras layout, as the flat parameters. */
function readWeights(network: Network, weights: unknown, lifted: Lifted | undefined): Float64Array {
  const layers = network.layers.length;
  if (!Array.isArray(weights) || weights.length !== 2 * layers) fail('weights', `expected ${2 * layers} blocks [kernel, bias] × ${layers} layers, got ${show(weights)}`);
  const params = new Float64Array(parameterCount(network));
  const w = widths(network);
  let at = 0;
  for (let l = 0; l < layers; l++) {
    const inputs = w[l]!, units = w[l + 1]!;
    const kernel = at;
    const shapes: [string, number[]][] = [[`weights[${2 * l}] (layer ${l} kernel)`, [inputs, units]], [`weights[${2 * l + 1}] (layer ${l} bias)`, [units]]];
    shapes.forEach(([field, shape], i) => {
      const b: unknown = weights[2 * l + i];
      if (typeof b !== 'object' || b === null || Array.isArray(b)) fail(field, `expected { shape: [${shape.join(', ')}], float64: "…" }, got ${show(b)}`);
      knownKeys(field, b, ['shape', 'float64']);
      const got = (b as Block).shape;
      if (!Array.isArray(got) || got.length !== shape.length || got.some((n, k) => n !== shape[k])) fail(`${field}.shape`, `expected [${shape.join(', ')}], got ${Array.isArray(got) ? `[${got.map(show).join(', ')}]` : show(got)}`);
    });
    const bias = at + inputs * units;
    decodeBlock(`${shapes[0]![0]}.float64`, (weights[2 * l] as Block).float64, inputs * units, transposed(params.subarray(kernel, bias), inputs, units, 'write'), lifted);
    decodeBlock(`${shapes[1]![0]}.float64`, (weights[2 * l + 1] as Block).float64, units, (start, v, n) => params.set(v.subarray(0, n), bias + start), lifted);
    at = bias + units;
  }
  return params;
}

/** A model file's info with its defaults: `targets` for several targets only, `classes` for every softmax classifier. */
export interface LoadedInfo extends Required<Omit<ModelInfo, 'targets' | 'classes'>> {
  targets?: string[];
  classes?: string[];
}

/** A model's info but its training record: what a TensorFlow.js or ONNX export keeps (its columns and threshold). */
export type ColumnInfo = Omit<ModelInfo, 'training'>;

/** The shape of a network that its info is checked against. */
type Shape = { inputs: number; loss: string; layers: readonly { units: number }[] };

/**
 * Checks `info` against the model (one feature name per input; for several outputs, a target name
 * or a class label per output; the threshold a probability), each key by name, and fills its
 * defaults. Errors name `prefix`.field. The one check of a model's info: model files, TensorFlow.js
 * and ONNX exports (columnInfo) and their readers all go through it.
 */
export function modelInfo(prefix: string, info: ModelInfo, network: { inputs: number; loss: string; layers: readonly { units: number }[] }): LoadedInfo {
  if (typeof prefix !== 'string') fail('prefix', `expected the info's name for messages (a string), got ${show(prefix)}`);
  const n = network as Partial<Shape> | null;
  if (typeof n !== 'object' || n === null || typeof n.inputs !== 'number' || typeof n.loss !== 'string' || !Array.isArray(n.layers)) fail('network', `expected a network's shape ({ inputs, loss, layers }: a Model's network), got ${show(network)}`);
  return checkInfo(prefix, info, network, true) as LoadedInfo;
}

/** modelInfo for what an export keeps: the same checks, and `training` is not a key (an export does not keep it). */
export function columnInfo(prefix: string, info: ColumnInfo, network: Shape): Omit<LoadedInfo, 'training'> {
  return checkInfo(prefix, info, network, false);
}

const COLUMN_KEYS = ['features', 'target', 'targets', 'classes', 'threshold'];

function checkInfo(prefix: string, info: ModelInfo, network: Shape, withTraining: boolean): Omit<LoadedInfo, 'training'> & { training?: Record<string, unknown> } {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const outputs = network.layers[network.layers.length - 1]!.units;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(prefix, `expected { features, target }, got ${show(info)}`);
  knownKeys(prefix, info, withTraining ? [...COLUMN_KEYS, 'training'] : COLUMN_KEYS);
  const { features, target, targets, classes, threshold, training } = info;
  checkFeatures(field('features'), features, network);
  if (typeof target !== 'string' || target === '') fail(field('target'), `expected a column name, got ${show(target)}`);
  if (training !== undefined && (typeof training !== 'object' || training === null || Array.isArray(training))) fail(field('training'), `expected an object, got ${show(training)}`);
  const base = { features: [...features], target, threshold: checkThreshold(threshold ?? 0.5, field('threshold')), ...(withTraining ? { training: training ?? {} } : {}) };
  const labels = classLabels(field('classes'), classes, network);
  if (labels) {
    if (targets !== undefined && !(Array.isArray(targets) && targets.length === 1 && targets[0] === target)) {
      fail(field('targets'), `a classifier's ${outputs} outputs are the probabilities of its classes in the one column ${JSON.stringify(target)}; expected no targets, got ${show(targets)}`);
    }
    return { ...base, classes: labels };
  }
  if (targets === undefined) return base;
  const names = columnNames(field('targets'), targets, outputs, 'one per output');
  if (names[0] !== target) fail(field('target'), `is ${JSON.stringify(target)} but targets starts with ${JSON.stringify(names[0])}; target is the first of the targets`);
  return names.length > 1 ? { ...base, targets: names } : base;
}

/** One distinct non-empty name per input of the network. */
export function checkFeatures(field: string, features: unknown, network: Shape): string[] {
  return columnNames(field, features, network.inputs, 'one per input');
}

/** A softmax classifier's label per output (default '0', '1', …: the class indices); undefined for every other model, which has none. */
export function classLabels(field: string, classes: unknown, network: Shape): string[] | undefined {
  const { loss } = network, outputs = network.layers[network.layers.length - 1]!.units;
  if (!isCategorical(loss)) {
    if (classes !== undefined) fail(field, `only a softmax classifier (categoricalCrossentropy, sparseCategoricalCrossentropy) has class labels; this model's loss is ${loss}`);
    return undefined;
  }
  const labels = classes === undefined ? Array.from({ length: outputs }, (_, k) => String(k)) : checkClasses(field, classes);
  if (labels.length !== outputs) fail(field, `expected ${outputs} class labels (one per output of the ${loss} model), got ${labels.length}`);
  return labels;
}

/** `count` distinct non-empty column names. */
function columnNames(field: string, names: unknown, count: number, what: string): string[] {
  if (!Array.isArray(names) || names.length !== count) fail(field, `expected ${count} column name${count === 1 ? '' : 's'} (${what}), got ${show(names)}`);
  names.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '') fail(`${field}[${i}]`, `expected a column name, got ${show(name)}`);
    if (names.indexOf(name) !== i) fail(field, `${show(name)} is listed twice`);
  });
  return [...names] as string[];
}
