// What every standalone format embeds: the Dense layers (Dropout is inference's identity and
// leaves no trace), each kernel as the engines hold it ([units][inputs], a unit's weights
// contiguous, so dot() sums in the engines' order), the scalers, and the names of inputs and classes.
import { checkFeatures, classLabels } from '../modelFile.js';
import { fail, knownOptions, oneOf, show } from '../../errors.js';
import { checkThreshold } from '../../metrics.js';
import { checkModel, type Model } from '../../model.js';
import { LOSS_ROWS } from '../../operations/losses.js';
import type { Scaler } from '../../scaler.js';
import type { Activation } from '../../spec.js';

/** The standalone predictors exportStandalone writes: a JavaScript module, WebAssembly with its loader, a C header. */
export const STANDALONE_FORMATS = ['js', 'wasm', 'c'] as const;
/** One of STANDALONE_FORMATS. */
export type StandaloneFormat = (typeof STANDALONE_FORMATS)[number];

/** exportStandalone's options: the format, and the names the predictor carries. */
export interface StandaloneOptions {
  /** 'js', 'wasm' or 'c'. */
  format: StandaloneFormat;
  /** The inputs' names, exported as `featureNames` (default x0, x1, …). */
  featureNames?: string[];
  /** A softmax classifier's class labels, in output order, exported as `classes` (default 0, 1, …). */
  classes?: string[];
  /** A 0/1 classifier's threshold (default 0.5): the probability from which `backprop predict` predicts 1, exported as `threshold`. */
  threshold?: number;
  /** js: a CommonJS module (`module.exports`) instead of an ES module. */
  commonjs?: boolean;
  /** c: a prefix for the file's model-specific names (`${prefix}predict`), so several models share one program. */
  prefix?: string;
}

interface PlanLayer {
  inputs: number;
  units: number;
  activation: Activation;
  /** [units][inputs] */
  kernel: Float64Array;
  bias: Float64Array;
  /** leakyRelu's negative slope, the layer's own (each predictor carries it, every bit); undefined for the other activations. */
  alpha?: number;
}

export interface Plan {
  inputs: number;
  outputs: number;
  layers: PlanLayer[];
  scaler?: Scaler;
  targetScaler?: Scaler;
  featureNames: string[];
  /** A softmax classifier's labels; undefined for every other model. */
  classes?: string[];
  /** A 0/1 classifier's threshold; undefined for every other model. */
  threshold?: number;
}

const OPTIONS = ['format', 'featureNames', 'classes', 'threshold', 'commonjs', 'prefix'] as const;

/** Checks the options and reads what the export needs from the model. */
export function planOf(model: Model, options: StandaloneOptions): Plan {
  checkModel('model', model);
  knownOptions(options, OPTIONS);
  oneOf('format', options.format, STANDALONE_FORMATS);
  const { network } = model;
  const weights = model.getWeights();
  let inputs = network.inputs;
  const layers = network.layers.map((layer, l): PlanLayer => {
    const keras = weights[2 * l] as number[][], bias = weights[2 * l + 1] as number[];
    const kernel = new Float64Array(layer.units * inputs);
    for (let i = 0; i < inputs; i++) for (let u = 0; u < layer.units; u++) kernel[u * inputs + i] = keras[i]![u]!;
    const planned: PlanLayer = { inputs, units: layer.units, activation: layer.activation, kernel, bias: Float64Array.from(bias) };
    if (layer.alpha !== undefined) planned.alpha = layer.alpha;
    inputs = layer.units;
    return planned;
  });
  // checked as a model file's columns are
  const featureNames = options.featureNames === undefined ? Array.from({ length: network.inputs }, (_, i) => `x${i}`) : checkFeatures('featureNames', options.featureNames, network);
  const classes = classLabels('classes', options.classes, network);
  // a 0/1 classifier as `backprop predict` tells one (its loss's task): a probability, predicted 1 from the threshold
  const binary = LOSS_ROWS[network.loss].task === 'classification';
  if (!binary && options.threshold !== undefined) fail('threshold', `only a 0/1 classifier (binaryCrossentropy) has a threshold; this model's loss is ${network.loss}`);
  const threshold = binary ? checkThreshold(options.threshold ?? 0.5) : undefined;
  if (options.commonjs !== undefined && typeof options.commonjs !== 'boolean') fail('commonjs', `expected true or false, got ${show(options.commonjs)}`);
  if (options.prefix !== undefined && (typeof options.prefix !== 'string' || !/^([A-Za-z_]\w*)?$/.test(options.prefix))) fail('prefix', `expected a C identifier (letters, digits, _), got ${show(options.prefix)}`);
  return {
    inputs: network.inputs, outputs: inputs, layers, featureNames: [...featureNames],
    ...(model.scaler ? { scaler: model.scaler } : {}),
    ...(model.targetScaler ? { targetScaler: model.targetScaler } : {}),
    ...(classes ? { classes } : {}),
    ...(threshold === undefined ? {} : { threshold }),
  };
}

/** The plan's numbers in one list: per layer kernel then bias, then the scalers (mean, std; inputs then targets). */
export function numbersOf(plan: Plan): { values: Float64Array; offsets: { kernel: number; bias: number }[]; scaler?: number; targetScaler?: number } {
  const parts: ArrayLike<number>[] = [];
  let at = 0;
  const put = (a: ArrayLike<number>) => {
    parts.push(a);
    const start = at;
    at += a.length;
    return start;
  };
  const offsets = plan.layers.map((l) => ({ kernel: put(l.kernel), bias: put(l.bias) }));
  const scaler = plan.scaler && put([...plan.scaler.mean, ...plan.scaler.std]);
  const targetScaler = plan.targetScaler && put([...plan.targetScaler.mean, ...plan.targetScaler.std]);
  const values = new Float64Array(at);
  let i = 0;
  for (const p of parts) for (let k = 0; k < p.length; k++) values[i++] = p[k]!;
  return { values, offsets, ...(scaler === undefined ? {} : { scaler }), ...(targetScaler === undefined ? {} : { targetScaler }) };
}

/** The little-endian bytes of `values`, whatever the platform's order. */
export function littleEndian(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 8), view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i]!, true);
  return bytes;
}
