// One row per loss: everything the host knows of it. The kernels compute it in assembly/losses.ts
// (lossForwardBackward and the functions it calls), twinned in src/engines/js.ts; its code is its
// index in LOSSES (src/contract.ts). Model checks, fit's target checks, trace, explain, the TF.js
// format and reference, the CLI's help and docs/operations.md read these rows.
import { LOSSES } from '../contract.js';
import { checkBinaryLabels, checkClassIndices, checkProbabilityRows, checkSignLabels } from '../data.js';
import { fail, show } from '../errors.js';
import type { Activation } from './activations.js';
import { rowList, type Counterpart, type RowBase } from './rows.js';

/** A model's loss: one of LOSSES. */
export type Loss = (typeof LOSSES)[number];

/** A loss's one hyperparameter (huber's delta, the cross-entropies' labelSmoothing): the kernels read it from the LOSS_PARAMETER setting. */
export interface LossParameter {
  name: 'delta' | 'labelSmoothing';
  /** Keras's default. */
  default: number;
  help: string;
  /** The value, checked, naming `field`. */
  check(field: string, value: unknown): number;
}

/** What the metrics of a model with the loss are (src/metrics.ts metricsFor), and how a split keeps label shares. */
export type LossTask = 'regression' | 'classification' | 'multiclass';

/** Everything known about one loss: one row of the operation table (LOSS_LIST). */
export interface LossRow extends RowBase {
  /** The output activation the loss reads its outputs through (taken from the logits, as Keras does, where fromLogits), and how it reads them; null: any. */
  output: { activation: Activation; reads: string; minUnits: number } | null;
  /** Target columns per row: one per output, or one class index. */
  targets: 'outputs' | 'classIndex';
  /** What a target row must hold: any numbers (a regression), or the labels the loss reads ('signs': −1 and 1, or 0 and 1). */
  labels: 'numbers' | 'binary' | 'signs' | 'probabilities' | 'classIndices';
  /** The metrics its models report. */
  task: LossTask;
  /** Whether `standardizeTarget` may scale its targets: the loss then reads standardized values, which changes only its scale (not for mape, msle and poisson, which read the values themselves). */
  scalesTargets: boolean;
  /** ∂L/∂z comes straight from the logit (ŷ − y): a trace has no ∂L/∂ŷ for it. */
  fromLogits: boolean;
  /** How a row's loss is made of its outputs' terms: their mean, their sum, or one value of the whole row (categoricalHinge, whose ∂L/∂ŷ a trace leaves to ∂L/∂z). */
  overOutputs: 'mean' | 'sum' | 'row';
  /** Its hyperparameter, or null. */
  parameter: LossParameter | null;
  /** The other names a model's `loss` may give it (TensorFlow.js's short aliases). */
  aliases: readonly string[];
  /** A row's loss as explain writes it. */
  formula: string;
  /** ∂L/∂ŷ of one output's term as explain writes it; null where the kernels go from the logits (or a whole row, categoricalHinge) straight to ∂L/∂z. */
  slope: string | null;
  /** TensorFlow.js's name (what its compile takes) and the other spellings a model.json may carry. */
  tfjs: Counterpart<{ name: string; aliases: readonly string[] }>;
  /** ONNX's: none for any loss, an ONNX model here being for inference. */
  onnx: Counterpart<never>;
}

const INFERENCE_ONLY = { none: 'an ONNX model holds the forward pass for inference; it carries no loss' };

const LABEL_SMOOTHING: LossParameter = {
  name: 'labelSmoothing', default: 0,
  help: "moves each target toward the uniform distribution: y·(1 − s) + s / k over k classes (½ for binaryCrossentropy's two), 0 ≤ s ≤ 1",
  check(field, value) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(field, `expected a number from 0 to 1, got ${show(value)}`);
    return value;
  },
};

const DELTA: LossParameter = {
  name: 'delta', default: 1,
  help: 'where the loss turns from quadratic (½e² for |e| ≤ δ) to linear (δ·|e| − ½δ²), δ > 0',
  check(field, value) {
    if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) fail(field, `expected a finite number > 0, got ${show(value)}`);
    return value;
  },
};

const REGRESSION = { output: null, targets: 'outputs', labels: 'numbers', task: 'regression', fromLogits: false, overOutputs: 'mean', parameter: null, aliases: [], onnx: INFERENCE_ONLY } as const;
const PROBABILITIES = { activation: 'softmax', reads: 'class probabilities', minUnits: 2 } as const;

const ROWS = {
  mse: {
    ...REGRESSION, help: 'mean squared error: the mean over outputs of (y − ŷ)²', kernel: 'lossForwardBackward', scalesTargets: true,
    slope: '−2(y − ŷ)', formula: '(y − ŷ)²', tfjs: { name: 'meanSquaredError', aliases: ['mse', 'mean_squared_error'] },
  },
  binaryCrossentropy: {
    help: "−y·log ŷ − (1 − y)·log(1 − ŷ), from a sigmoid output's logit", kernel: 'binaryCrossentropy',
    output: { activation: 'sigmoid', reads: 'probabilities', minUnits: 1 }, targets: 'outputs', labels: 'binary', task: 'classification', scalesTargets: false, overOutputs: 'mean', fromLogits: true,
    parameter: LABEL_SMOOTHING, aliases: [],
    slope: null, formula: '−y·log ŷ − (1 − y)·log(1 − ŷ)', tfjs: { name: 'binaryCrossentropy', aliases: ['binary_crossentropy'] }, onnx: INFERENCE_ONLY,
  },
  categoricalCrossentropy: {
    help: "−Σₖ yₖ·log ŷₖ over one-hot (or probability) rows, from a softmax output's logits", kernel: 'softmaxCrossentropy',
    output: PROBABILITIES, targets: 'outputs', labels: 'probabilities', task: 'multiclass', scalesTargets: false, overOutputs: 'sum', fromLogits: true,
    parameter: LABEL_SMOOTHING, aliases: [],
    slope: null, formula: '−Σₖ yₖ·log ŷₖ', tfjs: { name: 'categoricalCrossentropy', aliases: ['categorical_crossentropy'] }, onnx: INFERENCE_ONLY,
  },
  sparseCategoricalCrossentropy: {
    help: "−log ŷ of the true class, given as a class index, from a softmax output's logits", kernel: 'softmaxCrossentropy',
    output: PROBABILITIES, targets: 'classIndex', labels: 'classIndices', task: 'multiclass', scalesTargets: false, overOutputs: 'sum', fromLogits: true,
    parameter: null, aliases: [],
    slope: null, formula: '−log ŷ of class y', tfjs: { name: 'sparseCategoricalCrossentropy', aliases: ['sparse_categorical_crossentropy'] }, onnx: INFERENCE_ONLY,
  },
  meanAbsoluteError: {
    ...REGRESSION, help: 'the mean over outputs of |y − ŷ|', kernel: 'term', scalesTargets: true, aliases: ['mae'] as const,
    slope: 'sign(ŷ − y)', formula: '|y − ŷ|', tfjs: { name: 'meanAbsoluteError', aliases: ['mae', 'mean_absolute_error'] },
  },
  meanAbsolutePercentageError: {
    ...REGRESSION, help: '100 · the mean over outputs of |y − ŷ| / max(|y|, 1e-7)', kernel: 'term', scalesTargets: false, aliases: ['mape'] as const,
    slope: '100·sign(ŷ − y) / max(|y|, 1e-7)', formula: '100·|y − ŷ| / max(|y|, 1e-7)', tfjs: { name: 'meanAbsolutePercentageError', aliases: ['mape', 'mean_absolute_percentage_error'] },
  },
  meanSquaredLogarithmicError: {
    ...REGRESSION, help: 'the mean over outputs of (log(ŷ + 1) − log(y + 1))², each clipped to ≥ 1e-7 first', kernel: 'term', scalesTargets: false, aliases: ['msle'] as const,
    slope: '2(log(ŷ + 1) − log(y + 1)) / (ŷ + 1)', formula: '(log(max(ŷ, 1e-7) + 1) − log(max(y, 1e-7) + 1))²', tfjs: { name: 'meanSquaredLogarithmicError', aliases: ['msle', 'mean_squared_logarithmic_error'] },
  },
  huber: {
    ...REGRESSION, help: "squared near the target, absolute beyond delta (default 1): robust to outliers", kernel: 'term', scalesTargets: true, parameter: DELTA,
    slope: 'ŷ − y where |y − ŷ| ≤ δ, else δ·sign(ŷ − y)', formula: '½(y − ŷ)² where |y − ŷ| ≤ δ, else δ·|y − ŷ| − ½δ²', tfjs: { none: "TensorFlow.js's layers name no huber loss (tf.losses.huberLoss is a function of its own)" },
  },
  logcosh: {
    ...REGRESSION, help: 'the mean over outputs of log cosh(ŷ − y): squared near the target, absolute far from it', kernel: 'term', scalesTargets: true,
    slope: 'tanh(ŷ − y)', formula: 'log cosh(ŷ − y)', tfjs: { name: 'logcosh', aliases: ['log_cosh'] },
  },
  hinge: {
    ...REGRESSION, help: 'the mean over outputs of max(1 − y·ŷ, 0), labels −1 and 1 (0 and 1 read as −1 and 1): a margin classifier (a tanh or linear output)',
    kernel: 'term', labels: 'signs', scalesTargets: false, slope: '−y where y·ŷ ≤ 1, else 0', formula: 'max(1 − y·ŷ, 0)',
    // TensorFlow.js reads the labels as given: the same loss for −1 and 1
    tfjs: { name: 'hinge', aliases: [] },
  },
  squaredHinge: {
    ...REGRESSION, help: 'the mean over outputs of max(1 − y·ŷ, 0)², labels −1 and 1 (0 and 1 read as −1 and 1)',
    kernel: 'term', labels: 'signs', scalesTargets: false, slope: '−2y·max(1 − y·ŷ, 0)', formula: 'max(1 − y·ŷ, 0)²', tfjs: { name: 'squaredHinge', aliases: ['squared_hinge'] },
  },
  categoricalHinge: {
    help: 'max(maxₖ (1 − yₖ)·ŷₖ − Σₖ yₖ·ŷₖ + 1, 0) over one-hot rows: the best wrong class a margin below the true one', kernel: 'categoricalHinge',
    output: PROBABILITIES, targets: 'outputs', labels: 'probabilities', task: 'multiclass', scalesTargets: false, overOutputs: 'row', fromLogits: false, parameter: null, aliases: [],
    slope: null, formula: 'max(maxₖ (1 − yₖ)·ŷₖ − Σₖ yₖ·ŷₖ + 1, 0)', tfjs: { name: 'categoricalHinge', aliases: ['categorical_hinge'] }, onnx: INFERENCE_ONLY,
  },
  kullbackLeiblerDivergence: {
    help: 'Σₖ yₖ·log(yₖ / ŷₖ), each clipped to [1e-7, 1]: how far the predicted distribution is from the target one', kernel: 'term',
    output: PROBABILITIES, targets: 'outputs', labels: 'probabilities', task: 'multiclass', scalesTargets: false, overOutputs: 'sum', fromLogits: false, parameter: null, aliases: ['kld'] as const,
    // TensorFlow.js multiplies by the unclipped yₖ: the same loss for targets from 1e-7 to 1
    slope: '−y / ŷ', formula: 'Σₖ yₖ·log(yₖ / ŷₖ)', tfjs: { name: 'kullbackLeiblerDivergence', aliases: ['kld', 'kullback_leibler_divergence'] }, onnx: INFERENCE_ONLY,
  },
  poisson: {
    ...REGRESSION, help: 'the mean over outputs of ŷ − y·log(ŷ + 1e-7): counts, from a positive output (softplus or exponential)', kernel: 'term', scalesTargets: false,
    slope: '1 − y / (ŷ + 1e-7)', formula: 'ŷ − y·log(ŷ + 1e-7)', tfjs: { name: 'poisson', aliases: [] },
  },
} satisfies Record<Loss, LossRow>;

/** The short names a model's `loss` may give instead of a loss's own (`'mae'` …), from the rows. */
export type LossAlias = (typeof ROWS)[Loss]['aliases'][number];

/** Every loss's row by name. */
export const LOSS_ROWS: Record<Loss, LossRow> = ROWS;

/** The rows in code order, each with its name and code. */
export const LOSS_LIST = rowList(LOSSES, LOSS_ROWS, 'loss');

/** Every name a model's `loss` may take, with the loss it names: the names and their aliases. */
export const LOSS_NAMES: Readonly<Record<string, Loss>> = Object.fromEntries(LOSS_LIST.flatMap((r) => [r.name, ...r.aliases].map((n) => [n, r.name])));

/** Refuses targets `y` ([rows][cols]) the loss cannot read, naming `field`. */
export function checkTargets(loss: Loss, field: string, y: Float64Array, cols: number): void {
  const labels = LOSS_ROWS[loss].labels;
  if (labels === 'binary') checkBinaryLabels(field, y, cols);
  if (labels === 'signs') checkSignLabels(field, loss, y, cols);
  if (labels === 'probabilities') checkProbabilityRows(field, loss, y, cols);
  if (labels === 'classIndices') checkClassIndices(field, y, cols);
}
