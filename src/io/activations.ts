// How each activation is spelled outside: TensorFlow.js/Keras's Dense `activation` and the ONNX
// nodes that compute it. One table, so that a new activation is one new row here; a name the table
// lacks is an error naming the layer, never a silent default.
import { fail } from '../errors.js';

/** In an OnnxStep's inputs: the previous node's output (the first node's: the Dense layer's Gemm output). */
export const PREVIOUS = 'previous';

/**
 * One ONNX node of an activation. Its inputs are [PREVIOUS] unless given; each is PREVIOUS, 'x'
 * (the Gemm output), the `as` name of an earlier node of the same activation, or a number (a float64
 * scalar constant).
 */
export interface OnnxStep {
  op: string;
  inputs?: (string | number)[];
  /** Float attributes. ONNX keeps them as float32, so a constant that float32 would round goes in as an input instead. */
  attributes?: Record<string, number>;
  /** A name for this node's output, for a later node of the activation to take. */
  as?: string;
}

interface Interchange {
  /** Keras's / TensorFlow.js's name of the activation in a Dense layer's config. */
  tfjs: string;
  /** ONNX nodes (opset 13) computing the activation from the Dense layer's Gemm output; none for linear. */
  onnx: OnnxStep[];
}

// Klambauer et al.'s constants, as Keras and the kernels (assembly/activations.ts) have them
const SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805; // the doubles nearest them

// ONNX Runtime's CPU kernels of Elu, Selu, Softplus, Softsign and Erf take float32 only, and its
// optimizer rewrites x · Sigmoid(x) into a float32-only QuickGelu: those activations are built
// here from elementary nodes that it runs in float64. ONNX has no expm1 or log1p, so
// relu(x) + (exp(min(x, 0)) − 1) stands for elu: x for x > 0, and exp(x) − 1 otherwise, within
// ~1e-16 of expm1(x).
const RELU_AS_POSITIVE: OnnxStep = { op: 'Relu', as: 'positive' };
const EXP_MINUS_1_OF_NEGATIVE: OnnxStep[] = [{ op: 'Min', inputs: ['x', 0] }, { op: 'Exp' }, { op: 'Sub', inputs: [PREVIOUS, 1] }];

const TABLE: Record<string, Interchange> = {
  linear: { tfjs: 'linear', onnx: [] },
  sigmoid: { tfjs: 'sigmoid', onnx: [{ op: 'Sigmoid' }] },
  tanh: { tfjs: 'tanh', onnx: [{ op: 'Tanh' }] },
  relu: { tfjs: 'relu', onnx: [{ op: 'Relu' }] },
  // Softmax-13 normalizes along axis −1 by default: each row over its units
  softmax: { tfjs: 'softmax', onnx: [{ op: 'Softmax' }] },
  elu: { tfjs: 'elu', onnx: [RELU_AS_POSITIVE, ...EXP_MINUS_1_OF_NEGATIVE, { op: 'Add', inputs: [PREVIOUS, 'positive'] }] },
  // scale · (alpha · elu⁻(x) + relu(x)), the constants as float64 inputs (Selu's attributes would be float32)
  selu: {
    tfjs: 'selu',
    onnx: [
      RELU_AS_POSITIVE, ...EXP_MINUS_1_OF_NEGATIVE, { op: 'Mul', inputs: [PREVIOUS, SELU_ALPHA] },
      { op: 'Add', inputs: [PREVIOUS, 'positive'] }, { op: 'Mul', inputs: [PREVIOUS, SELU_SCALE] },
    ],
  },
  // relu(x) + log(1 + exp(−|x|)), as the kernels' max(x, 0) + log1p(exp(−|x|))
  softplus: {
    tfjs: 'softplus',
    onnx: [RELU_AS_POSITIVE, { op: 'Abs', inputs: ['x'] }, { op: 'Neg' }, { op: 'Exp' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Log' }, { op: 'Add', inputs: ['positive', PREVIOUS] }],
  },
  // x / (1 + |x|)
  softsign: { tfjs: 'softsign', onnx: [{ op: 'Abs' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Div', inputs: ['x', PREVIOUS] }] },
  // x · (1 / (1 + exp(−x))), the kernels' x · sigmoid(x)
  swish: { tfjs: 'swish', onnx: [{ op: 'Neg' }, { op: 'Exp' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Reciprocal' }, { op: 'Mul', inputs: ['x', PREVIOUS] }] },
  // (0.5 · x) · (1 + erf(x · √½)), in the kernels' order (ONNX has a Gelu node only from opset 20). Standard
  // ONNX, but ONNX Runtime has no float64 Erf kernel, so it refuses this graph (see the README)
  gelu: {
    tfjs: 'gelu',
    onnx: [
      { op: 'Mul', inputs: ['x', 0.5], as: 'half' }, { op: 'Mul', inputs: ['x', Math.SQRT1_2] }, { op: 'Erf' },
      { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Mul', inputs: ['half', PREVIOUS] },
    ],
  },
};

function entry(layer: string, activation: string): Interchange {
  const found = Object.hasOwn(TABLE, activation) ? TABLE[activation] : undefined;
  return found ?? fail(`${layer}.activation`, `'${activation}' has no TensorFlow.js/ONNX counterpart here; exportable activations: ${Object.keys(TABLE).join(', ')}`);
}

/** The TensorFlow.js activation name of layer `layer`'s activation. */
export function tfjsActivation(layer: string, activation: string): string {
  return entry(layer, activation).tfjs;
}

/** The ONNX nodes of layer `layer`'s activation. */
export function onnxActivation(layer: string, activation: string): OnnxStep[] {
  return entry(layer, activation).onnx;
}

/** This project's activation for a TensorFlow.js/Keras activation name; absent means linear, as TensorFlow.js's Dense has it. */
export function fromTfjsActivation(field: string, name: unknown): string {
  if (name === undefined) return 'linear';
  const ours = Object.keys(TABLE).find((k) => TABLE[k]!.tfjs === name);
  return ours ?? fail(field, `activation ${JSON.stringify(name)} is not supported; supported: ${Object.values(TABLE).map((t) => t.tfjs).join(', ')}`);
}
