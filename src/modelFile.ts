import type { Task } from './csv.js';
import { BackpropError, fail, show } from './errors.js';
import { checkThreshold } from './metrics.js';
import { Model, type Weights } from './model.js';
import type { Scaler } from './scaler.js';
import { layerSpecs, type LayerSpec, type Loss } from './spec.js';

export const MODEL_FORMAT = 'backprop-model';
/** Raised whenever a change would make an older reader misread a file (2: the target's scaler). */
export const MODEL_VERSION = 2;
/** Versions this reader reads: a version 1 file has no target scaler. */
const READS = [1, 2];

/** What a model file holds besides the network: where its inputs come from and how it was trained. */
export interface ModelInfo {
  /** Input column names, one per input, in order. */
  features: string[];
  /** The column the model predicts. */
  target: string;
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

export function taskOf(loss: Loss): Task {
  return loss === 'mse' ? 'regression' : 'classification';
}

/** The model and its info as a model file (an object; `JSON.stringify` it, or use `modelToText`). */
export function modelToFile(model: Model, info: ModelInfo): ModelFile {
  const { inputs, loss } = model.network;
  checkInfo('info', info, inputs);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    task: taskOf(loss),
    features: [...info.features],
    target: info.target,
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
export function modelFromFile(file: unknown, source = 'model file'): { model: Model; info: Required<ModelInfo>; task: Task } {
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
    const info = checkInfo('', { features: f.features, target: f.target, threshold: f.threshold, training: f.training } as ModelInfo, model.network.inputs);
    const task = taskOf(model.network.loss);
    if (f.task !== task) fail('task', `says ${show(f.task)} but the loss ${model.network.loss} is ${task}`);
    return { model, info, task };
  } catch (e) {
    if (e instanceof BackpropError) fail(source, e.message);
    throw e;
  }
}

function checkInfo(prefix: string, info: ModelInfo, inputs: number): Required<ModelInfo> {
  const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (typeof info !== 'object' || info === null) fail(prefix, `expected { features, target }, got ${show(info)}`);
  const { features, target, threshold, training } = info;
  if (!Array.isArray(features) || features.length !== inputs) fail(field('features'), `expected ${inputs} column names (one per input), got ${show(features)}`);
  features.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '') fail(field(`features[${i}]`), `expected a column name, got ${show(name)}`);
    if (features.indexOf(name) !== i) fail(field('features'), `${show(name)} is listed twice`);
  });
  if (typeof target !== 'string' || target === '') fail(field('target'), `expected a column name, got ${show(target)}`);
  if (training !== undefined && (typeof training !== 'object' || training === null || Array.isArray(training))) fail(field('training'), `expected an object, got ${show(training)}`);
  return { features: [...features], target, threshold: checkThreshold(threshold ?? 0.5), training: training ?? {} };
}
