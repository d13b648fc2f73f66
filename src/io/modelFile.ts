import type { Task } from '../csv.js';
import { BackpropError, fail, show } from '../errors.js';
import { checkClasses, isCategorical } from '../classes.js';
import { checkThreshold } from '../metrics.js';
import { Model, type Weights } from '../model.js';
import type { Scaler } from '../scaler.js';
import { layerSpecs, type LayerSpec, type Loss } from '../spec.js';

/** The `format` field of every model file saveModel writes. */
export const MODEL_FORMAT = 'backprop-model';
/**
 * Raised whenever a change would make an older reader misread a file. Version 2 added the target's
 * scaler, `classes` and `targets`; a version 1 file reads as a version 2 file without them.
 */
export const MODEL_VERSION = 2;
const READS = [1, 2];

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
  model: { inputs: number; layers: LayerSpec[]; loss: Loss };
  /** Keras layout: [kernel₁ (inputs × units), bias₁, kernel₂, bias₂, …]. */
  weights: Weights;
  scaler: Scaler | null;
  /** Regression trained on a standardized target: predictions are mapped back with this. */
  targetScaler: Scaler | null;
  training: Record<string, unknown>;
}

/** Every loss but mse classifies: binaryCrossentropy over 0/1, the categorical ones over k classes. */
export function taskOf(loss: Loss): Task {
  return loss === 'mse' ? 'regression' : 'classification';
}

/** The model and its info as a model file (an object; `JSON.stringify` it, or use `modelToText`). */
export function modelToFile(model: Model, info: ModelInfo): ModelFile {
  const { inputs, loss } = model.network;
  const checked = modelInfo('info', info, model.network);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    task: taskOf(loss),
    features: [...info.features],
    target: info.target,
    ...(checked.targets ? { targets: checked.targets } : {}),
    ...(checked.classes ? { classes: checked.classes } : {}),
    threshold: checkThreshold(info.threshold ?? 0.5),
    model: { inputs, layers: layerSpecs(model.network), loss },
    weights: model.getWeights(),
    scaler: model.scaler ?? null,
    targetScaler: model.targetScaler ?? null,
    training: info.training ?? {},
  };
}

/** JSON text of a model file, with each row of numbers on one line. */
export function modelToText(model: Model, info: ModelInfo): string {
  return JSON.stringify(modelToFile(model, info), null, 2).replace(/\[\s+([^\][{}"]*?)\s+\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, ' ')}]`) + '\n';
}

/**
 * Reads a model file (its text or the parsed object), checking every part: a truncated or edited
 * file, another format version or weights that do not fit the architecture are errors naming
 * `source` and the part.
 */
export function modelFromFile(file: unknown, source = 'model file'): { model: Model; info: LoadedInfo; task: Task } {
  let value = file;
  if (typeof file === 'string') {
    try {
      value = JSON.parse(file);
    } catch (e) {
      fail(source, `is not valid JSON (${(e as Error).message}); the file may be truncated or edited by hand`);
    }
  }
  if (typeof value !== 'object' || value === null || (value as { format?: unknown }).format !== MODEL_FORMAT) {
    fail(source, `is not a backprop model file: expected a JSON object with "format": "${MODEL_FORMAT}", like those 'backprop train --save' writes`);
  }
  const f = value as Partial<Record<keyof ModelFile, unknown>>;
  if (!READS.includes(f.version as number)) fail(source, `has format version ${show(f.version)}; this backprop reads versions ${READS.join(' and ')}`);
  try {
    const spec = f.model as ModelFile['model'];
    if (typeof spec !== 'object' || spec === null) fail('model', `expected { inputs, layers, loss }, got ${show(spec)}`);
    const targetScaler = f.version === 1 ? null : f.targetScaler;
    const model = new Model({
      inputs: spec.inputs, layers: spec.layers, loss: spec.loss, weights: f.weights as Weights,
      scaler: f.scaler === null ? undefined : (f.scaler as Scaler), targetScaler: targetScaler === null ? undefined : (targetScaler as Scaler),
    });
    if (f.scaler === undefined) fail('scaler', 'is missing; expected { mean, std } or null');
    if (targetScaler === undefined) fail('targetScaler', 'is missing; expected { mean, std } or null');
    if (f.version === 1 && (f.targets !== undefined || f.classes !== undefined)) fail(f.targets !== undefined ? 'targets' : 'classes', 'came with format version 2; this file says version 1');
    const info = modelInfo('', { features: f.features, target: f.target, targets: f.targets, classes: f.classes, threshold: f.threshold, training: f.training } as ModelInfo, model.network);
    const task = taskOf(model.network.loss);
    if (f.task !== task) fail('task', `says ${show(f.task)} but the loss ${model.network.loss} is ${task}`);
    return { model, info, task };
  } catch (e) {
    if (e instanceof BackpropError) fail(source, e.message);
    throw e;
  }
}

/** A model file's info with its defaults: `targets` for several targets only, `classes` for every softmax classifier. */
export interface LoadedInfo extends Required<Omit<ModelInfo, 'targets' | 'classes'>> {
  targets?: string[];
  classes?: string[];
}

/**
 * Checks `info` against the model (one feature name per input; for several outputs, a target name
 * or a class label per output) and fills its defaults. Errors name `prefix`.field.
 */
export function modelInfo(prefix: string, info: ModelInfo, network: { inputs: number; loss: string; layers: readonly { units: number }[] }): LoadedInfo {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const { inputs, loss } = network;
  const outputs = network.layers[network.layers.length - 1]!.units;
  if (typeof info !== 'object' || info === null) fail(prefix, `expected { features, target }, got ${show(info)}`);
  const { features, target, targets, classes, threshold, training } = info;
  columnNames(field('features'), features, inputs, 'one per input');
  if (typeof target !== 'string' || target === '') fail(field('target'), `expected a column name, got ${show(target)}`);
  if (training !== undefined && (typeof training !== 'object' || training === null || Array.isArray(training))) fail(field('training'), `expected an object, got ${show(training)}`);
  const base = { features: [...features], target, threshold: checkThreshold(threshold ?? 0.5), training: training ?? {} };
  if (isCategorical(loss)) {
    if (targets !== undefined && !(Array.isArray(targets) && targets.length === 1 && targets[0] === target)) {
      fail(field('targets'), `a classifier's ${outputs} outputs are the probabilities of its classes in the one column ${JSON.stringify(target)}; expected no targets, got ${show(targets)}`);
    }
    const labels = classes === undefined ? Array.from({ length: outputs }, (_, k) => String(k)) : checkClasses(field('classes'), classes);
    if (labels.length !== outputs) fail(field('classes'), `expected ${outputs} class labels (one per output of the ${loss} model), got ${labels.length}`);
    return { ...base, classes: labels };
  }
  if (classes !== undefined) fail(field('classes'), `only a softmax classifier (categoricalCrossentropy, sparseCategoricalCrossentropy) has class labels; this model's loss is ${loss}`);
  if (targets === undefined) return base;
  const names = columnNames(field('targets'), targets, outputs, 'one per output');
  if (names[0] !== target) fail(field('target'), `is ${JSON.stringify(target)} but targets starts with ${JSON.stringify(names[0])}; target is the first of the targets`);
  return names.length > 1 ? { ...base, targets: names } : base;
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
