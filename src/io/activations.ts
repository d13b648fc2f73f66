// How each activation is spelled outside: TensorFlow.js/Keras's Dense `activation` and the ONNX
// nodes that compute it. One table, so that a new activation is one new row here; a name the table
// lacks is an error naming the layer, never a silent default.
import { fail } from '../errors.js';

/** One ONNX node applied to the previous node's output: its op type and number attributes. */
export interface OnnxStep {
  op: string;
  attributes?: Record<string, number>;
}

interface Interchange {
  /** Keras's / TensorFlow.js's name of the activation in a Dense layer's config. */
  tfjs: string;
  /** ONNX nodes (opset 13) applied one after another to the Dense layer's Gemm output; none for linear. */
  onnx: OnnxStep[];
}

const TABLE: Record<string, Interchange> = {
  linear: { tfjs: 'linear', onnx: [] },
  sigmoid: { tfjs: 'sigmoid', onnx: [{ op: 'Sigmoid' }] },
  tanh: { tfjs: 'tanh', onnx: [{ op: 'Tanh' }] },
  relu: { tfjs: 'relu', onnx: [{ op: 'Relu' }] },
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
