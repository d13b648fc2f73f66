import { ACTIVATIONS, LOSSES } from './contract.js';
import { fail, knownKeys, oneOf, positiveInteger, show } from './errors.js';
import { ACTIVATION_PARAMETERS, ACTIVATION_ROWS, type Activation } from './operations/activations.js';
import { LOSS_NAMES, LOSS_ROWS, type Loss, type LossAlias } from './operations/losses.js';

export { ACTIVATIONS, LOSSES, type Activation, type Loss };

/** Keras's initializers of these names (src/initializers.ts); the random ones draw from the model's seed. */
export const INITIALIZERS = ['zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal'] as const;

/** Initial values for a kernel or bias: a name, or a constant as `{ constant: 0.1 }`. */
export type Initializer = (typeof INITIALIZERS)[number] | { constant: number };

/**
 * Keras's kernel or bias regularizer: a penalty l1·Σ|w| + l2·Σw² added to the loss. `'l1'`, `'l2'` and
 * `'l1l2'` take TensorFlow.js's default coefficient of 0.01; `{ l1, l2 }` any (each ≥ 0, default 0).
 */
export type RegularizerSpec = 'l1' | 'l2' | 'l1l2' | { l1?: number; l2?: number };

/** A regularizer's coefficients (both 0: none). */
export interface Regularizer { l1: number; l2: number }

/** One fully connected layer, as Keras's `Dense`. */
export interface DenseSpec {
  /** Outputs of the layer (a whole number ≥ 1). */
  units: number;
  /** One of ACTIVATIONS (default 'linear', as Keras). */
  activation?: Activation;
  /** leakyRelu's slope for z < 0, ≥ 0 (default 0.2, Keras 3's negative_slope); only with activation 'leakyRelu'. */
  alpha?: number;
  /** The kernel's initial values (default 'glorotUniform', as Keras). */
  kernelInitializer?: Initializer;
  /** The bias's initial values (default 'zeros'). */
  biasInitializer?: Initializer;
  /** A penalty on the kernel's weights added to the loss (default none). */
  kernelRegularizer?: RegularizerSpec;
  /** A penalty on the bias added to the loss (default none). */
  biasRegularizer?: RegularizerSpec;
}

/**
 * Keras's `Dropout(rate)` after a Dense layer: in fit, each of that layer's outputs is zeroed with
 * probability `rate` (0 ≤ rate < 1) and the rest scaled by 1 / (1 − rate); predict and evaluate pass all.
 */
export interface DropoutSpec {
  dropout: number;
}

/** One entry of a model's `layers`: a Dense layer, or a Dropout after one. */
export type LayerSpec = DenseSpec | DropoutSpec;

/**
 * A loss by name (or a short alias: 'mae', 'mape', 'msle', 'kld'), or `{ name, ...its parameter }`:
 * `{ name: 'huber', delta: 2 }`, `{ name: 'binaryCrossentropy', labelSmoothing: 0.1 }`.
 */
export type LossSpec = Loss | LossAlias | { name: Loss | LossAlias; delta?: number; labelSmoothing?: number };

/** A model's layers and loss; `Layer` narrows the layers to Dense ones where a caller wants only those. */
export interface ModelSpec<Layer extends LayerSpec = LayerSpec> {
  /** Number of input features. */
  inputs: number;
  /** Dense layers, each optionally followed by a Dropout. */
  layers: Layer[];
  /** One of LOSSES (docs/operations.md), by name or `{ name, ...its parameter }`: 'mse' (regression), 'binaryCrossentropy' (a sigmoid output), the categorical ones (a softmax output)… */
  loss: LossSpec;
}

/** A Dense layer with every default filled in, and the rate of the Dropout after it (0: none). */
export interface DenseLayer {
  units: number;
  activation: Activation;
  /** The activation's parameter where it takes one (leakyRelu's slope), its default filled in. */
  alpha?: number;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
  kernelRegularizer: Regularizer;
  biasRegularizer: Regularizer;
  dropout: number;
}

/** A spec with every default filled in, checked: the Dense layers, each carrying its Dropout. */
export interface Network {
  inputs: number;
  layers: DenseLayer[];
  loss: Loss;
  /** The loss's parameter (its row's `parameter`, Keras's default unless given), or 0 for a loss without one. */
  lossParameter: number;
}

/**
 * The most parameters a network may have: WebAssembly's 4 GiB memory holds them with their
 * gradients and optimizer state (four f64 arrays) and room for the data. Past it, a typed array
 * of the requested length cannot even be made.
 */
const MAX_PARAMETERS = 2 ** 26;

export function checkSpec(spec: ModelSpec): Network {
  if (typeof spec !== 'object' || spec === null) fail('model', `expected an object with inputs, layers and loss, got ${show(spec)}`);
  const inputs = positiveInteger('inputs', spec.inputs);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) fail('layers', `expected a non-empty array of Dense layers, got ${show(spec.layers)}`);
  const layers: DenseLayer[] = [];
  const last = spec.layers.length - 1;
  spec.layers.forEach((layer: unknown, i) => {
    const field = `layers[${i}]`;
    if (typeof layer !== 'object' || layer === null) fail(field, `expected { units, activation } or { dropout: rate }, got ${show(layer)}`);
    if ('dropout' in layer) {
      knownKeys(field, layer, ['dropout']);
      const rate = (layer as DropoutSpec).dropout;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail(`${field}.dropout`, `expected a rate from 0 up to (not including) 1, got ${show(rate)}`);
      const before = layers[layers.length - 1];
      if (!before || before.dropout > 0 || i === last) fail(field, 'a Dropout goes after a Dense layer and before another, one at a time (Dropout on the inputs is not supported)');
      if (ACTIVATION_ROWS[before.activation].rowWise) fail(field, `a Dropout cannot follow a ${before.activation} layer`);
      before.dropout = rate;
      return;
    }
    const dense = layer as DenseSpec;
    // units has no default: its own check names what it expects in place of null
    knownKeys(field, dense, ['units', 'activation', 'alpha', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer'], ['units']);
    const activation = oneOf(`${field}.activation`, dense.activation ?? 'linear', ACTIVATIONS);
    layers.push({
      units: positiveInteger(`${field}.units`, dense.units),
      activation,
      ...activationParameters(field, activation, dense),
      kernelInitializer: checkInitializer(`${field}.kernelInitializer`, dense.kernelInitializer ?? 'glorotUniform'),
      biasInitializer: checkInitializer(`${field}.biasInitializer`, dense.biasInitializer ?? 'zeros'),
      kernelRegularizer: checkRegularizer(`${field}.kernelRegularizer`, dense.kernelRegularizer),
      biasRegularizer: checkRegularizer(`${field}.biasRegularizer`, dense.biasRegularizer),
      dropout: 0,
    });
  });
  const { loss, lossParameter } = checkLoss(spec.loss);
  const output = layers[layers.length - 1]!;
  const outputField = `layers[${last}].activation`;
  const needs = LOSS_ROWS[loss].output;
  if (needs && output.activation !== needs.activation) {
    fail(outputField, `${loss} reads the outputs as ${needs.reads}, so the last layer needs activation '${needs.activation}', got '${output.activation}'`);
  }
  if (needs && output.units < needs.minUnits) fail(`layers[${last}].units`, `${loss} needs one unit per class, at least ${needs.minUnits}, got ${output.units}`);
  const count = parameterCount({ inputs, layers, loss, lossParameter });
  if (count > MAX_PARAMETERS) fail('layers', `this network has ${count.toLocaleString('en-US')} parameters; at most ${MAX_PARAMETERS.toLocaleString('en-US')} fit in the kernels' memory`);
  return { inputs, layers, loss, lossParameter };
}

/** A loss by name or alias, or `{ name, ...its parameter }`, with its parameter checked (Keras's default unless given). */
function checkLoss(spec: unknown): { loss: Loss; lossParameter: number } {
  const named = (field: string, name: unknown): Loss => {
    if (typeof name === 'string' && Object.hasOwn(LOSS_NAMES, name)) return LOSS_NAMES[name]!;
    return fail(field, `expected one of ${Object.keys(LOSS_NAMES).map((n) => `'${n}'`).join(', ')}, got ${show(name)}`);
  };
  if (typeof spec !== 'object' || spec === null) {
    const loss = named('loss', spec);
    return { loss, lossParameter: LOSS_ROWS[loss].parameter?.default ?? 0 };
  }
  const loss = named('loss.name', (spec as { name?: unknown }).name);
  const parameter = LOSS_ROWS[loss].parameter;
  knownKeys('loss', spec, ['name', ...(parameter ? [parameter.name] : [])]);
  const given = parameter && (spec as Record<string, unknown>)[parameter.name];
  return { loss, lossParameter: parameter ? (given === undefined ? parameter.default : parameter.check(`loss.${parameter.name}`, given)) : 0 };
}

/** The loss a spec names, by its own name (an alias resolved). */
export function lossName(spec: LossSpec): Loss {
  return checkLoss(spec).loss;
}

/** The loss as a spec gives it: its name, or `{ name, parameter }` when its parameter is not Keras's default. */
export function lossSpec(net: Network): LossSpec {
  const parameter = LOSS_ROWS[net.loss].parameter;
  return parameter && net.lossParameter !== parameter.default ? { name: net.loss, [parameter.name]: net.lossParameter } : net.loss;
}

/** A Dense layer's activation parameters (ACTIVATION_PARAMETERS), each checked, with the activation's defaults; one it does not take is refused. */
function activationParameters(field: string, activation: Activation, dense: DenseSpec): Pick<DenseLayer, 'alpha'> {
  const takes = ACTIVATION_ROWS[activation].takes;
  const out: Pick<DenseLayer, 'alpha'> = {};
  for (const key of Object.keys(ACTIVATION_PARAMETERS) as (keyof typeof ACTIVATION_PARAMETERS)[]) {
    const given = dense[key], own = takes[key];
    if (own === undefined) {
      if (given !== undefined) fail(`${field}.${key}`, `activation '${activation}' takes no ${key}; ${ACTIVATIONS.filter((a) => ACTIVATION_ROWS[a].takes[key] !== undefined).join(', ')} takes it`);
      continue;
    }
    out[key] = ACTIVATION_PARAMETERS[key].check(`${field}.${key}`, given ?? own);
  }
  return out;
}

/** The spec's layer list for a checked network: each Dense layer, then its Dropout if it has one. */
export function layerSpecs(net: Network): LayerSpec[] {
  return net.layers.flatMap((l): LayerSpec[] => {
    const dense: DenseSpec = { units: l.units, activation: l.activation };
    // a parameter at its default left out, as the spec may leave it
    if (l.alpha !== undefined && l.alpha !== ACTIVATION_ROWS[l.activation].takes.alpha) dense.alpha = l.alpha;
    if (l.kernelRegularizer.l1 || l.kernelRegularizer.l2) dense.kernelRegularizer = { ...l.kernelRegularizer };
    if (l.biasRegularizer.l1 || l.biasRegularizer.l2) dense.biasRegularizer = { ...l.biasRegularizer };
    return l.dropout > 0 ? [dense, { dropout: l.dropout }] : [dense];
  });
}

const REGULARIZERS: Record<'l1' | 'l2' | 'l1l2', Regularizer> = { l1: { l1: 0.01, l2: 0 }, l2: { l1: 0, l2: 0.01 }, l1l2: { l1: 0.01, l2: 0.01 } };

function checkRegularizer(field: string, r: unknown): Regularizer {
  if (r === undefined) return { l1: 0, l2: 0 };
  if (typeof r === 'string') return { ...REGULARIZERS[oneOf(field, r, ['l1', 'l2', 'l1l2'] as const)] };
  if (typeof r !== 'object' || r === null) fail(field, `expected 'l1', 'l2', 'l1l2' or { l1, l2 }, got ${show(r)}`);
  knownKeys(field, r, ['l1', 'l2']);
  const coefficient = (key: 'l1' | 'l2') => {
    const v = (r as Partial<Regularizer>)[key] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${field}.${key}`, `expected a finite number ≥ 0, got ${show(v)}`);
    return v;
  };
  return { l1: coefficient('l1'), l2: coefficient('l2') };
}

function checkInitializer(field: string, init: unknown): Initializer {
  if (typeof init === 'object' && init !== null && 'constant' in init) {
    knownKeys(field, init, ['constant'], true);
    const value = (init as { constant: unknown }).constant;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, `expected { constant: a finite number }, got constant ${show(value)}`);
    return { constant: value };
  }
  return oneOf(field, init, INITIALIZERS);
}

/** Units before each layer and of each layer: [inputs, units₁, …, unitsₙ]. */
export function widths(net: Network): number[] {
  return [net.inputs, ...net.layers.map((l) => l.units)];
}

export function outputs(net: Network): number {
  return net.layers[net.layers.length - 1]!.units;
}

/** Target columns per row: one per output, or one class index for sparseCategoricalCrossentropy. */
export function targetWidth(net: Network): number {
  return LOSS_ROWS[net.loss].targets === 'classIndex' ? 1 : outputs(net);
}

export function parameterCount(net: Network): number {
  const w = widths(net);
  return net.layers.reduce((n, l, i) => n + l.units * (w[i]! + 1), 0);
}
