// The TensorFlow.js layers format, out and in: model.json (a Sequential of Dense and Dropout layers
// and a weights manifest) beside one binary file of little-endian float32 weights in Keras's layout.
// tf.loadLayersModel reads it, and tensorflowjs_converter turns it into a Keras model.
import { BackpropError, fail, knownKeys, knownOptions, show } from '../errors.js';
import type { Activation, DenseLayer, Initializer, LayerSpec, Loss, LossSpec, Regularizer, RegularizerSpec } from '../spec.js';
import { LOSS_LIST } from '../operations/losses.js';
import { hasNone } from '../operations/rows.js';
import { LOSSES, lossSpec } from '../spec.js';
import { checkModel, Model, type Weights } from '../model.js';
import { columnInfo, notJson, type ColumnInfo, type ModelInfo } from './modelFile.js';
import { concat } from './bytes.js';
import { fromTfjsActivation, tfjsActivation } from './activationNames.js';

/** The name of the weights file beside an exported model.json. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

interface WeightSpec { name: string; shape: number[]; dtype: 'float32' }
/** A weight as read: float32 values; an optimizer's int32 counter (TensorFlow.js saves `iter` with includeOptimizer) is only skipped over. */
interface ReadWeight { shape: number[]; dtype: 'float32' | 'int32'; data: Float32Array }

/** model.json of the TensorFlow.js layers format, as this project writes it. */
export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: { class_name: 'Sequential'; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] }; keras_version: string; backend: string };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  /** What TensorFlow.js keeps for the application; here the loss and the model file's columns and threshold, read back by modelFromTfjs. */
  userDefinedMetadata?: { backprop: TfjsMetadata };
}

/** What this project keeps in an exported model.json's userDefinedMetadata (its columns and threshold: src/io/modelFile.ts columnInfo). */
export interface TfjsMetadata {
  /** The loss, with its parameter where it is not Keras's default (`{ name: 'huber', delta: 2 }`). */
  loss: LossSpec;
  features?: string[];
  target?: string;
  /** Several targets (one per output), as a model file's. */
  targets?: string[];
  /** A softmax classifier's labels, as a model file's. */
  classes?: string[];
  threshold?: number;
  /** What the export folded into the layers (the scalers), in words. */
  folded?: string[];
}

/** What `exportTfjs` returns: model.json's object and the weights' bytes. */
export interface TfjsExport {
  modelJson: TfjsModelJson;
  /** The weights file's bytes (its name is in modelJson.weightsManifest[0].paths[0]). */
  weightData: Uint8Array;
  /** TensorFlow.js computes in float32: the largest change rounding a weight to float32 made, and that weight. */
  rounding: { largest: number; weight: string };
  /** What was folded into the layers (the scalers), in words; empty when nothing was. */
  folded: string[];
}

const KERAS_INITIALIZERS: Record<string, string> = {
  zeros: 'Zeros', ones: 'Ones', glorotUniform: 'GlorotUniform', glorotNormal: 'GlorotNormal', heUniform: 'HeUniform', heNormal: 'HeNormal',
};

function kerasInitializer(init: Initializer): { class_name: string; config: Record<string, unknown> } {
  if (typeof init === 'object') return { class_name: 'Constant', config: { value: init.constant } };
  return { class_name: KERAS_INITIALIZERS[init]!, config: init === 'zeros' || init === 'ones' ? {} : { seed: null } };
}

/** Keras's L1L2 regularizer (what tf.regularizers.l1l2 writes), or null for none. */
function kerasRegularizer(r: Regularizer): { class_name: 'L1L2'; config: Regularizer } | null {
  return r.l1 || r.l2 ? { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } } : null;
}

/**
 * The model as TensorFlow.js computes it: raw inputs in, outputs in the target's units out. The input
 * scaler is folded into the first layer; the target scaler into a linear output layer, else it becomes
 * a Dense layer of its own after the output (a diagonal kernel of the stds, the means as bias). Still in
 * float64; `notes` say what was folded, in words.
 */
export function tfjsLayers(model: Model): { layers: DenseLayer[]; weights: Weights; notes: string[] } {
  const layers = [...model.network.layers];
  const weights = model.getWeights();
  const notes: string[] = [];
  const scaler = model.scaler, targetScaler = model.targetScaler;
  if (scaler) {
    // (x − mean) / std · W + b  =  x · (W / std) + (b − Σᵢ meanᵢ / stdᵢ · Wᵢ)
    const kernel = weights[0] as number[][], bias = weights[1] as number[];
    weights[0] = kernel.map((row, i) => row.map((w) => w / scaler.std[i]!));
    weights[1] = bias.map((b, u) => kernel.reduce((sum, row, i) => sum - (scaler.mean[i]! / scaler.std[i]!) * row[u]!, b));
    notes.push('the input scaler folded into the first layer');
  }
  if (targetScaler) {
    const { std, mean } = targetScaler, last = layers.length - 1, output = layers[last]!;
    if (output.activation === 'linear') {
      // (x · W + b) · std + mean  =  x · (W · std) + (b · std + mean), column by column
      const k = 2 * last;
      weights[k] = (weights[k] as number[][]).map((row) => row.map((w, u) => w * std[u]!));
      weights[k + 1] = (weights[k + 1] as number[]).map((b, u) => b * std[u]! + mean[u]!);
      notes.push('the target scaler folded into the linear output layer');
    } else {
      layers.push({ ...output, activation: 'linear', dropout: 0, kernelRegularizer: { l1: 0, l2: 0 }, biasRegularizer: { l1: 0, l2: 0 } });
      weights.push(std.map((s, i) => std.map((_, j) => (i === j ? s : 0))), [...mean]);
      notes.push(`the target scaler as a linear Dense layer after the ${output.activation} output layer`);
    }
  }
  return { layers, weights, notes };
}

/**
 * The model in the TensorFlow.js layers format: a Sequential of Dense layers named dense_1, dense_2, …
 * (with their L1L2 regularizers), each followed by its Dropout layer if it has one, whose weights are
 * dense_N/kernel ([inputs, units]) and dense_N/bias ([units]), rounded to float32.
 * The scalers are folded in (tfjsLayers), so TensorFlow.js's outputs are predict's. `info` (a model
 * file's columns and threshold) is kept in userDefinedMetadata, with the loss and what was folded, for
 * modelFromTfjs.
 */
export function exportTfjs(model: Model, options: { weightsPath?: string; info?: Omit<ModelInfo, 'training'> } = {}): TfjsExport {
  checkModel('model', model);
  knownOptions(options, ['weightsPath', 'info']);
  const weightsPath = options.weightsPath ?? TFJS_WEIGHTS_FILE;
  if (typeof weightsPath !== 'string' || weightsPath === '') fail('weightsPath', `expected the weights file's name, got ${show(weightsPath)}`);
  const info = options.info === undefined ? undefined : columnInfo('info', options.info, model.network);
  const { inputs } = model.network;
  const { layers, weights, notes } = tfjsLayers(model);
  const names = layers.map((_, l) => `dense_${l + 1}`);
  const topology = layers.flatMap((layer, l) => [{
    class_name: 'Dense',
    config: {
      units: layer.units,
      activation: tfjsActivation(`layers[${l}]`, layer.activation),
      use_bias: true,
      kernel_initializer: kerasInitializer(layer.kernelInitializer),
      bias_initializer: kerasInitializer(layer.biasInitializer),
      kernel_regularizer: kerasRegularizer(layer.kernelRegularizer), bias_regularizer: kerasRegularizer(layer.biasRegularizer),
      activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      name: names[l]!,
      trainable: true,
      ...(l === 0 ? { batch_input_shape: [null, inputs] } : {}),
      dtype: 'float32',
    } as Record<string, unknown>,
  }, ...(layer.dropout > 0 ? [{
    class_name: 'Dropout',
    config: { rate: layer.dropout, noise_shape: null, seed: null, name: `dropout_${l + 1}`, trainable: true, dtype: 'float32' } as Record<string, unknown>,
  }] : [])]);
  const specs: WeightSpec[] = weights.map((w, k) => ({
    name: `${names[k >> 1]}/${k % 2 === 0 ? 'kernel' : 'bias'}`,
    shape: k % 2 === 0 ? [(w as number[][]).length, (w as number[][])[0]!.length] : [w.length],
    dtype: 'float32',
  }));
  const flat = weights.flat(2) as number[];
  const data = new Float32Array(flat.length);
  const bytes = new DataView(data.buffer);
  let largest = 0, at = 0;
  flat.forEach((v, i) => {
    bytes.setFloat32(4 * i, v, true);
    const change = Math.abs(Math.fround(v) - v);
    if (change > largest) { largest = change; at = i; }
  });
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'backprop-wasm',
      convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: topology }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
      userDefinedMetadata: { backprop: { loss: lossSpec(model.network), folded: notes, ...info } },
    },
    weightData: new Uint8Array(data.buffer),
    rounding: { largest, weight: weightName(specs, at) },
    folded: notes,
  };
}

/** `dense_2/kernel[0][1]` for a flat index into the weights in manifest order. */
function weightName(specs: WeightSpec[], index: number): string {
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (index < size) return spec.shape.length === 2 ? `${spec.name}[${Math.floor(index / spec.shape[1]!)}][${index % spec.shape[1]!}]` : `${spec.name}[${index}]`;
    index -= size;
  }
  return `#${index}`;
}

/** The weights files' bytes: all of them in manifest order (as one buffer), or each by its path in the manifest. */
export type TfjsWeightData = ArrayBuffer | ArrayBufferView | Record<string, ArrayBuffer | ArrayBufferView>;

/** What `modelFromTfjs` and `loadTfjs` return. */
export interface TfjsImport {
  model: Model;
  /** The userDefinedMetadata this project writes (loss, columns, threshold), when the file has it. */
  metadata?: TfjsMetadata;
}

/** Where this project's metadata sits in a model.json. */
const METADATA = 'userDefinedMetadata.backprop';

/** Every spelling of a loss a model.json's training config may carry, from the loss rows. */
const KERAS_LOSSES: Record<string, Loss> = Object.fromEntries(LOSS_LIST.flatMap((r) => (hasNone(r.tfjs) ? [] : [r.tfjs.name, ...r.tfjs.aliases, r.name].map((k) => [k, r.name]))));

/**
 * A model from the TensorFlow.js layers format: `modelJson` (model.json's text or parsed object)
 * and the weights it lists. Reads Sequential models of Dense layers (an InputLayer may come first)
 * with this project's activations, their L1/L2 regularizers and Dropout layers between them; anything
 * else is an error naming `source` and the layer. The loss comes from `options.loss`, else the file's
 * metadata or training config.
 */
export function modelFromTfjs(modelJson: unknown, weightData: TfjsWeightData, options: { loss?: Loss; source?: string } = {}): TfjsImport {
  knownOptions(options, ['loss', 'source']);
  const source = options.source ?? 'model.json';
  if (typeof source !== 'string' || source === '') fail('source', `expected a name for messages (the file's), got ${show(source)}`);
  try {
    return parseTfjs(parseJson(source, modelJson), weightData, options.loss);
  } catch (e) {
    if (e instanceof BackpropError && !e.field.startsWith(source)) fail(`${source}: ${e.field}`, e.message.slice(e.field.length + 2));
    throw e;
  }
}

function parseJson(source: string, value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (e) {
      notJson(source, value as string, e, 'a TensorFlow.js model.json', '; the file may be truncated');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(source, `expected a TensorFlow.js model.json object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseTfjs(json: Record<string, unknown>, weightData: TfjsWeightData, lossOption: Loss | undefined): TfjsImport {
  if (json.format !== undefined && json.format !== 'layers-model') fail('format', `is ${show(json.format)}; only the layers format ('layers-model') holds Dense layers — a graph model cannot be read back`);
  const topology = json.modelTopology;
  if (!isObject(topology)) fail('modelTopology', `expected the Keras model topology, got ${show(topology)}`);
  // tensorflowjs_converter from a Keras file nests it under model_config
  const top = isObject(topology.model_config) ? topology.model_config : topology;
  if (top.class_name !== 'Sequential') fail('modelTopology.class_name', `is ${show(top.class_name)}; only Sequential models (a stack of Dense layers) can be read`);
  const config = top.config;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list) || list.length === 0) fail('modelTopology.config.layers', `expected a non-empty list of layers, got ${show(list)}`);

  let inputs: number | undefined;
  const dense: { name: string; where: string; units: number }[] = [];
  // The model's layers as this project's spec, and where in the file each came from
  const specs: { spec: LayerSpec; where: string }[] = [];
  list.forEach((layer: unknown, i) => {
    const c = isObject(layer) && isObject(layer.config) ? layer.config : undefined;
    const where = `layers[${i}]${c && typeof c.name === 'string' ? ` (${c.name})` : ''}`;
    if (!isObject(layer) || !c) fail(where, `expected { class_name, config }, got ${show(layer)}`);
    const shape = c.batch_input_shape ?? c.batch_shape;
    if (Array.isArray(shape) && dense.length === 0) {
      if (shape.length !== 2 || !Number.isInteger(shape[1])) fail(`${where}.batch_input_shape`, `expected [null, inputs], got ${JSON.stringify(shape)}`);
      inputs = shape[1] as number;
    }
    if (layer.class_name === 'InputLayer' && i === 0) return;
    if (layer.class_name === 'Dropout') {
      if (c.noise_shape !== undefined && c.noise_shape !== null) fail(`${where}.noise_shape`, 'is set; only a Dropout of every unit on its own can be read');
      if (typeof c.rate !== 'number') fail(`${where}.rate`, `expected a number, got ${show(c.rate)}`);
      specs.push({ spec: { dropout: c.rate }, where });
      return;
    }
    if (layer.class_name !== 'Dense') fail(where, `is a ${show(layer.class_name)} layer; only Dense and Dropout layers (after an optional InputLayer) can be read`);
    if (c.use_bias === false) fail(`${where}.use_bias`, 'is false; only Dense layers with a bias can be read');
    for (const key of ['activity_regularizer', 'kernel_constraint', 'bias_constraint']) {
      if (c[key] !== undefined && c[key] !== null) fail(`${where}.${key}`, 'is set; activity regularizers and constraints are not supported, so training here would differ');
    }
    if (typeof c.name !== 'string') fail(`${where}.name`, `expected the layer's name, got ${show(c.name)}`);
    if (typeof c.units !== 'number') fail(`${where}.units`, `expected a number, got ${show(c.units)}`);
    dense.push({ name: c.name, where, units: c.units });
    const kernelRegularizer = fromKerasRegularizer(`${where}.kernel_regularizer`, c.kernel_regularizer);
    const biasRegularizer = fromKerasRegularizer(`${where}.bias_regularizer`, c.bias_regularizer);
    specs.push({
      spec: {
        units: c.units, activation: fromTfjsActivation(`${where}.activation`, c.activation) as Activation,
        ...(kernelRegularizer ? { kernelRegularizer } : {}), ...(biasRegularizer ? { biasRegularizer } : {}),
      },
      where,
    });
  });
  if (inputs === undefined) fail('layers[0].batch_input_shape', 'is missing; the first layer must give the input shape [null, inputs]');

  const meta = isObject(json.userDefinedMetadata) && isObject(json.userDefinedMetadata.backprop) ? json.userDefinedMetadata.backprop as unknown as TfjsMetadata : undefined;
  if (meta) {
    knownKeys(METADATA, meta, ['loss', 'folded', 'features', 'target', 'targets', 'classes', 'threshold']);
    if (meta.folded !== undefined && !(Array.isArray(meta.folded) && meta.folded.every((n) => typeof n === 'string'))) fail(`${METADATA}.folded`, `expected a list of notes (text), got ${show(meta.folded)}`);
  }
  // TensorFlow.js keeps the compile settings in trainingConfig, the converter from Keras in modelTopology.training_config
  const training = isObject(json.trainingConfig) ? json.trainingConfig : isObject(topology.training_config) ? topology.training_config : undefined;
  const trainingLoss = training?.loss;
  const loss = lossOption ?? meta?.loss ?? (typeof trainingLoss === 'string' && Object.hasOwn(KERAS_LOSSES, trainingLoss) ? KERAS_LOSSES[trainingLoss] : undefined);
  if (loss === undefined) fail('loss', `the file names no loss this project knows (${trainingLoss === undefined ? 'it has no training config' : `its training config says ${show(trainingLoss)}`}); pass { loss: ${LOSSES.map((l) => `'${l}'`).join(' | ')} }`);

  const values = readWeights(json.weightsManifest, weightData);
  let fanIn = inputs;
  const weights: Weights = dense.flatMap((layer) => {
    const kernel = take(values, `${layer.name}/kernel`, [fanIn, layer.units], layer.where);
    const bias = take(values, `${layer.name}/bias`, [layer.units], layer.where);
    fanIn = layer.units;
    return [Array.from({ length: kernel.length / layer.units }, (_, i) => Array.from(kernel.subarray(i * layer.units, (i + 1) * layer.units))), Array.from(bias)];
  });
  let model: Model;
  try {
    model = new Model({ inputs, layers: specs.map((l) => l.spec), loss, weights });
  } catch (e) {
    // The spec's checks name layers[k] of the spec: name the file's layer instead
    const at = e instanceof BackpropError ? /^layers\[(\d+)\]/.exec(e.field) : null;
    if (!at) throw e;
    const { field, message } = e as BackpropError;
    fail(specs[Number(at[1])]!.where + field.slice(at[0].length), message.slice(field.length + 2));
  }
  if (!meta) return { model };
  // Its columns, as an export writes them all or none, through the one check of a model's info
  const { loss: _, folded, ...columns } = meta;
  const named = Object.keys(columns).length > 0 ? columnInfo(METADATA, columns as ColumnInfo, model.network) : {};
  return { model, metadata: { loss, ...(folded ? { folded } : {}), ...named } };
}

/** A Keras L1L2, L1 or L2 regularizer as this project's { l1, l2 }; undefined for none. */
function fromKerasRegularizer(field: string, r: unknown): RegularizerSpec | undefined {
  if (r === undefined || r === null) return undefined;
  const keys: Record<string, ('l1' | 'l2')[]> = { L1L2: ['l1', 'l2'], L1: ['l1'], L2: ['l2'] };
  const known = isObject(r) && typeof r.class_name === 'string' && Object.hasOwn(keys, r.class_name) ? keys[r.class_name]! : undefined;
  if (!isObject(r) || !known || !isObject(r.config)) fail(field, `expected a Keras L1L2, L1 or L2 regularizer { class_name, config }, got ${show(r)}`);
  const config = r.config;
  return Object.fromEntries(known.map((k) => [k, config[k] ?? 0]));
}

/** A weight by name, checked against the shape its layer needs. */
function take(values: Map<string, ReadWeight>, name: string, shape: number[], layer: string): Float32Array {
  const found = values.get(name);
  if (!found) fail(layer, `has no weight ${show(name)} in the weights manifest (it lists ${[...values.keys()].map((k) => show(k)).join(', ')})`);
  if (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i])) {
    fail(layer, `weight ${name} has shape [${found.shape.join(', ')}] in the weights manifest, but the layer needs [${shape.join(', ')}]`);
  }
  if (found.dtype !== 'float32') fail(layer, `weight ${name} has dtype ${show(found.dtype)}; only float32 weights can be read`);
  return found.data;
}

/** Every weight of the manifest, read little-endian from its group's files. */
function readWeights(manifest: unknown, weightData: TfjsWeightData): Map<string, ReadWeight> {
  if (!Array.isArray(manifest) || manifest.length === 0) fail('weightsManifest', `expected a list of { paths, weights } groups, got ${show(manifest)}`);
  const whole = ArrayBuffer.isView(weightData) || weightData instanceof ArrayBuffer ? bytesOf(weightData) : undefined;
  let offset = 0; // into `whole`
  const out = new Map<string, ReadWeight>();
  manifest.forEach((group: unknown, g) => {
    const field = `weightsManifest[${g}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) fail(field, `expected { paths, weights }, got ${show(group)}`);
    const specs = group.weights as unknown[];
    const need = specs.reduce<number>((n, s, k) => n + 4 * checkSpec(`${field}.weights[${k}]`, s).shape.reduce((a, b) => a * b, 1), 0);
    let bytes: Uint8Array;
    if (whole) {
      bytes = whole.subarray(offset, offset + need);
      offset += need;
      if (bytes.length < need) fail('weight data', `holds ${whole.length} bytes, but the weights manifest lists ${offset} bytes of float32 weights`);
    } else {
      const parts = (group.paths as unknown[]).map((p) => {
        const part = typeof p === 'string' && Object.hasOwn(weightData, p) ? (weightData as Record<string, ArrayBuffer | ArrayBufferView>)[p] : undefined;
        return part ? bytesOf(part) : fail(`${field}.paths`, `lists ${show(p)}, which was not given`);
      });
      bytes = concat(parts);
      if (bytes.length !== need) fail(String(group.paths.join(', ')), `hold${group.paths.length === 1 ? 's' : ''} ${bytes.length} bytes, but ${field} lists ${need} bytes of float32 weights (${specs.length} weights); the file may be truncated or belong to another model`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    for (const s of specs) {
      const spec = s as unknown as ReadWeight & { name: string };
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(spec.dtype === 'float32' ? size : 0);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(at + 4 * i, true);
      at += 4 * size;
      if (out.has(spec.name)) fail(field, `lists the weight ${show(spec.name)} twice`);
      out.set(spec.name, { shape: spec.shape, dtype: spec.dtype, data });
    }
  });
  if (whole && offset !== whole.length) fail('weight data', `holds ${whole.length} bytes, but the weights manifest lists ${offset}; the data may belong to another model`);
  return out;
}

function checkSpec(field: string, spec: unknown): ReadWeight {
  if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(field, `expected { name, shape, dtype }, got ${show(spec)}`);
  }
  if (spec.quantization !== undefined) fail(`${field} (${spec.name})`, 'is quantized; only float32 weights can be read');
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') fail(`${field} (${spec.name})`, `has dtype ${show(spec.dtype)}; only float32 weights (and an optimizer's int32 counters) can be read`);
  return spec as unknown as ReadWeight;
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
