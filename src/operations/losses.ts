// One row per loss: everything the host knows of it. The kernels compute it in assembly/losses.ts
// (lossForwardBackward and the functions it calls), twinned in src/engines/js.ts; its code is its
// index in LOSSES (src/contract.ts). Model checks, fit's target checks, trace, explain, the TF.js
// format and reference, the CLI's help and docs/operations.md read these rows.
import { LOSSES } from '../contract.js';
import { checkBinaryLabels, checkClassIndices, checkProbabilityRows } from '../data.js';
import type { Activation } from './activations.js';
import { rowList, type Counterpart, type RowBase } from './rows.js';

/** A model's loss: one of LOSSES. */
export type Loss = (typeof LOSSES)[number];

/** Everything known about one loss: one row of the operation table (LOSS_LIST). */
export interface LossRow extends RowBase {
  /** The output activation the loss reads its outputs through (taken from the logits, as Keras does), and how it reads them; null: any. */
  output: { activation: Activation; reads: string; minUnits: number } | null;
  /** Target columns per row: one per output, or one class index. */
  targets: 'outputs' | 'classIndex';
  /** What a target row must hold: any numbers (a regression), or the labels the loss reads. */
  labels: 'numbers' | 'binary' | 'probabilities' | 'classIndices';
  /** ∂L/∂z comes straight from the logit (ŷ − y): a trace has no ∂L/∂ŷ for it. */
  fromLogits: boolean;
  /** A row's loss as explain writes it. */
  formula: string;
  /** TensorFlow.js's name (what its compile takes) and the other spellings a model.json may carry. */
  tfjs: Counterpart<{ name: string; aliases: readonly string[] }>;
  /** ONNX's: none for any loss, an ONNX model here being for inference. */
  onnx: Counterpart<never>;
}

const INFERENCE_ONLY = { none: 'an ONNX model holds the forward pass for inference; it carries no loss' };

const ROWS = {
  mse: {
    help: 'mean squared error: the mean over outputs of (y − ŷ)²', kernel: 'lossForwardBackward',
    output: null, targets: 'outputs', labels: 'numbers', fromLogits: false, formula: '(y − ŷ)²',
    tfjs: { name: 'meanSquaredError', aliases: ['mse', 'mean_squared_error'] }, onnx: INFERENCE_ONLY,
  },
  binaryCrossentropy: {
    help: "−y·log ŷ − (1 − y)·log(1 − ŷ), from a sigmoid output's logit", kernel: 'binaryCrossentropy',
    output: { activation: 'sigmoid', reads: 'probabilities', minUnits: 1 }, targets: 'outputs', labels: 'binary', fromLogits: true,
    formula: '−y·log ŷ − (1 − y)·log(1 − ŷ)', tfjs: { name: 'binaryCrossentropy', aliases: ['binary_crossentropy'] }, onnx: INFERENCE_ONLY,
  },
  categoricalCrossentropy: {
    help: "−Σₖ yₖ·log ŷₖ over one-hot (or probability) rows, from a softmax output's logits", kernel: 'softmaxCrossentropy',
    output: { activation: 'softmax', reads: 'class probabilities', minUnits: 2 }, targets: 'outputs', labels: 'probabilities', fromLogits: true,
    formula: '−Σₖ yₖ·log ŷₖ', tfjs: { name: 'categoricalCrossentropy', aliases: ['categorical_crossentropy'] }, onnx: INFERENCE_ONLY,
  },
  sparseCategoricalCrossentropy: {
    help: "−log ŷ of the true class, given as a class index, from a softmax output's logits", kernel: 'softmaxCrossentropy',
    output: { activation: 'softmax', reads: 'class probabilities', minUnits: 2 }, targets: 'classIndex', labels: 'classIndices', fromLogits: true,
    formula: '−log ŷ of class y', tfjs: { name: 'sparseCategoricalCrossentropy', aliases: ['sparse_categorical_crossentropy'] }, onnx: INFERENCE_ONLY,
  },
} satisfies Record<Loss, LossRow>;

/** Every loss's row by name. */
export const LOSS_ROWS: Record<Loss, LossRow> = ROWS;

/** The rows in code order, each with its name and code. */
export const LOSS_LIST = rowList(LOSSES, LOSS_ROWS, 'loss');

/** Refuses targets `y` ([rows][cols]) the loss cannot read, naming `field`. */
export function checkTargets(loss: Loss, field: string, y: Float64Array, cols: number): void {
  const labels = LOSS_ROWS[loss].labels;
  if (labels === 'binary') checkBinaryLabels(field, y, cols);
  if (labels === 'probabilities') checkProbabilityRows(field, y, cols);
  if (labels === 'classIndices') checkClassIndices(field, y, cols);
}
