// One row per activation: everything the host knows of it. The kernels compute it in the switches of
// assembly/activations.ts (activate, derivative), twinned in src/engines/js.ts; its code is its index
// in ACTIVATIONS (src/contract.ts). Export (src/io/), the TF.js reference, the CLI's help, the page's
// menus and docs/operations.md read these rows.
import { ACTIVATIONS, type LAYER_OPTIONS } from '../contract.js';
import { fail, show } from '../errors.js';
import { rowList, type Counterpart, type RowBase } from './rows.js';

/** A Dense layer's activation: one of ACTIVATIONS. */
export type Activation = (typeof ACTIVATIONS)[number];

/** In an OnnxStep's inputs: the previous node's output (the first node's: the Dense layer's Gemm output). */
export const PREVIOUS = 'previous';

/**
 * An activation's parameters: each an option of the Dense layer of the same name (`{ units, activation:
 * 'leakyRelu', alpha: 0.1 }`), checked here, a layer option the kernels read (LAYER_OPTIONS), and a
 * CLI flag of the same name. Which activation takes one, and its default, its row's `takes` says.
 */
export const ACTIVATION_PARAMETERS = {
  alpha: {
    help: 'the slope for z < 0, ≥ 0', slot: 'ALPHA',
    check: (field: string, v: unknown): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(field, `expected a finite number ≥ 0, got ${show(v)}`);
      return v;
    },
  },
} satisfies Record<string, { help: string; slot: (typeof LAYER_OPTIONS)[number]; check(field: string, v: unknown): number }>;
export type ActivationParameter = keyof typeof ACTIVATION_PARAMETERS;

/**
 * One ONNX node of an activation. Its inputs are [PREVIOUS] unless given; each is PREVIOUS, 'x'
 * (the Gemm output), the `as` name of an earlier node of the same activation, a number (a float64
 * scalar constant) or `{ parameter }`, the layer's value of one of the activation's parameters (a float64 constant too).
 */
export interface OnnxStep {
  op: string;
  inputs?: (string | number | { parameter: ActivationParameter })[];
  /** Float attributes. ONNX keeps them as float32, so a constant that float32 would round goes in as an input instead. */
  attributes?: Record<string, number>;
  /** A name for this node's output, for a later node of the activation to take. */
  as?: string;
}

/** Everything known about one activation: one row of the operation table (ACTIVATION_LIST). */
export interface ActivationRow extends RowBase {
  /**
   * A layer with it keeps its pre-activations (src/layout.ts): its derivative reads z, not only
   * a = act(z), or it has a parameter (the kernels apply it over the layer, from z, with the layer's value).
   */
  needsZ: boolean;
  /** The parameters it takes (ACTIVATION_PARAMETERS), each with Keras 3's default. */
  takes: { [K in ActivationParameter]?: number };
  /** It maps a whole row of units at once (softmax), not each unit alone: the kernels' elementwise paths skip it, and it belongs in an output layer. */
  rowWise: boolean;
  /** Keras's / TensorFlow.js's name in a Dense layer's `activation`. */
  tfjs: Counterpart<string>;
  /** ONNX nodes (opset 13) computing it from the Dense layer's Gemm output; none for linear. */
  onnx: Counterpart<OnnxStep[]>;
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

const ROWS = {
  linear: { help: 'z itself: no activation', kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'linear', onnx: [] },
  sigmoid: { help: '1 / (1 + e^−z)', kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'sigmoid', onnx: [{ op: 'Sigmoid' }] },
  tanh: { help: 'tanh z', kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'tanh', onnx: [{ op: 'Tanh' }] },
  relu: { help: 'max(z, 0)', kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'relu', onnx: [{ op: 'Relu' }] },
  // Softmax-13 normalizes along axis −1 by default: each row over its units
  softmax: {
    help: "e^zₖ / Σⱼ e^zⱼ over the layer's units: class probabilities, an output layer's",
    kernel: 'softmaxForward', needsZ: true, rowWise: true, takes: {}, tfjs: 'softmax', onnx: [{ op: 'Softmax' }],
  },
  elu: {
    help: 'z for z > 0, else e^z − 1', kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'elu',
    onnx: [RELU_AS_POSITIVE, ...EXP_MINUS_1_OF_NEGATIVE, { op: 'Add', inputs: [PREVIOUS, 'positive'] }],
  },
  // scale · (alpha · elu⁻(x) + relu(x)), the constants as float64 inputs (Selu's attributes would be float32)
  selu: {
    help: "λ·z for z > 0, else λ·α·(e^z − 1), with Klambauer et al.'s λ and α", kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'selu',
    onnx: [
      RELU_AS_POSITIVE, ...EXP_MINUS_1_OF_NEGATIVE, { op: 'Mul', inputs: [PREVIOUS, SELU_ALPHA] },
      { op: 'Add', inputs: [PREVIOUS, 'positive'] }, { op: 'Mul', inputs: [PREVIOUS, SELU_SCALE] },
    ],
  },
  // relu(x) + log(1 + exp(−|x|)), as the kernels' max(x, 0) + log1p(exp(−|x|))
  softplus: {
    help: 'log(1 + e^z)', kernel: 'activate', needsZ: true, rowWise: false, takes: {}, tfjs: 'softplus',
    onnx: [RELU_AS_POSITIVE, { op: 'Abs', inputs: ['x'] }, { op: 'Neg' }, { op: 'Exp' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Log' }, { op: 'Add', inputs: ['positive', PREVIOUS] }],
  },
  // x / (1 + |x|)
  softsign: {
    help: 'z / (1 + |z|)', kernel: 'activate', needsZ: true, rowWise: false, takes: {}, tfjs: 'softsign',
    onnx: [{ op: 'Abs' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Div', inputs: ['x', PREVIOUS] }],
  },
  // x · (1 / (1 + exp(−x))), the kernels' x · sigmoid(x)
  swish: {
    help: 'z · sigmoid(z)', kernel: 'activate', needsZ: true, rowWise: false, takes: {}, tfjs: 'swish',
    onnx: [{ op: 'Neg' }, { op: 'Exp' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Reciprocal' }, { op: 'Mul', inputs: ['x', PREVIOUS] }],
  },
  // (0.5 · x) · (1 + erf(x · √½)), in the kernels' order (ONNX has a Gelu node only from opset 20). Standard
  // ONNX, but ONNX Runtime has no float64 Erf kernel, so it refuses this graph (see the README)
  gelu: {
    help: "z · Φ(z), Φ the standard normal's distribution function (Keras's exact form)", kernel: 'activate', needsZ: true, rowWise: false, takes: {}, tfjs: 'gelu',
    onnx: [
      { op: 'Mul', inputs: ['x', 0.5], as: 'half' }, { op: 'Mul', inputs: ['x', Math.SQRT1_2] }, { op: 'Erf' },
      { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Mul', inputs: ['half', PREVIOUS] },
    ],
  },
  relu6: {
    help: 'min(max(z, 0), 6)', kernel: 'activate', needsZ: false, rowWise: false, takes: {}, tfjs: 'relu6',
    onnx: [{ op: 'Relu' }, { op: 'Min', inputs: [PREVIOUS, 6] }],
  },
  // z for z > 0, else α·z: relu(z) + α·min(z, 0), each part exact, α a float64 constant (ONNX's LeakyRelu
  // holds its alpha as float32, and ONNX Runtime's kernel of it is float32 only)
  leakyRelu: {
    help: "z for z > 0, else alpha·z (alpha: the layer's, default 0.2, Keras 3's negative_slope)", kernel: 'leakyReluForward', needsZ: true, rowWise: false, takes: { alpha: 0.2 },
    tfjs: { none: "TensorFlow.js's Dense takes no leaky ReLU activation (it has a LeakyReLU layer of its own, whose default slope is 0.3, and its 'leakyRelu' activation has a fixed one)" },
    onnx: [RELU_AS_POSITIVE, { op: 'Min', inputs: ['x', 0] }, { op: 'Mul', inputs: [PREVIOUS, { parameter: 'alpha' }] }, { op: 'Add', inputs: [PREVIOUS, 'positive'] }],
  },
  hardSigmoid: {
    help: "relu6(z + 3) / 6 (Keras 3's form)", kernel: 'activate', needsZ: false, rowWise: false, takes: {},
    tfjs: { none: "TensorFlow.js's hardSigmoid is 0.2·z + 0.5 clipped to [0, 1] (Keras 2's form), not Keras 3's relu6(z + 3) / 6: exported as it, the model would predict otherwise" },
    onnx: [{ op: 'Add', inputs: ['x', 3] }, { op: 'Relu' }, { op: 'Min', inputs: [PREVIOUS, 6] }, { op: 'Div', inputs: [PREVIOUS, 6] }],
  },
  hardSwish: {
    help: "z · relu6(z + 3) / 6 (Keras 3's hard_silu)", kernel: 'activate', needsZ: true, rowWise: false, takes: {},
    tfjs: { none: 'TensorFlow.js has no hard swish activation' },
    onnx: [{ op: 'Add', inputs: ['x', 3] }, { op: 'Relu' }, { op: 'Min', inputs: [PREVIOUS, 6] }, { op: 'Div', inputs: [PREVIOUS, 6] }, { op: 'Mul', inputs: ['x', PREVIOUS] }],
  },
  // x · tanh(softplus(x)), softplus as the kernels compute it
  mish: {
    help: 'z · tanh(log(1 + e^z))', kernel: 'activate', needsZ: true, rowWise: false, takes: {}, tfjs: 'mish',
    onnx: [
      RELU_AS_POSITIVE, { op: 'Abs', inputs: ['x'] }, { op: 'Neg' }, { op: 'Exp' }, { op: 'Add', inputs: [1, PREVIOUS] }, { op: 'Log' },
      { op: 'Add', inputs: ['positive', PREVIOUS] }, { op: 'Tanh' }, { op: 'Mul', inputs: ['x', PREVIOUS] },
    ],
  },
  exponential: {
    help: 'e^z', kernel: 'activate', needsZ: false, rowWise: false, takes: {},
    tfjs: { none: 'TensorFlow.js has no exponential activation' }, onnx: [{ op: 'Exp' }],
  },
} satisfies Record<Activation, ActivationRow>;

/** Every activation's row by name. */
export const ACTIVATION_ROWS: Record<Activation, ActivationRow> = ROWS;

/** The rows in code order, each with its name and code. */
export const ACTIVATION_LIST = rowList(ACTIVATIONS, ACTIVATION_ROWS, 'activation');

/** The elementwise activations: what a hidden layer takes (the page's hidden-layer menu, bench's --activation). */
export const HIDDEN_ACTIVATIONS: readonly Activation[] = ACTIVATION_LIST.filter((r) => !r.rowWise).map((r) => r.name);
