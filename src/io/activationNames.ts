// How each activation is spelled outside, read from its row (src/operations/activations.ts):
// TensorFlow.js/Keras's Dense `activation` and the ONNX nodes that compute it. A name without a
// counterpart is an error naming the layer and the row's reason, never a silent default.
import { fail } from '../errors.js';
import { ACTIVATION_LIST, ACTIVATION_ROWS, type Activation, type ActivationRow, type OnnxStep } from '../operations/activations.js';
import { hasNone, type NoEquivalent } from '../operations/rows.js';

export { PREVIOUS, type OnnxStep } from '../operations/activations.js';

/** Layer `layer`'s activation in `format`, from its row; a name without a row or a row without one is refused, saying why. */
function counterpart<K extends 'tfjs' | 'onnx'>(format: K, layer: string, activation: string): Exclude<ActivationRow[K], NoEquivalent> {
  const field = `${layer}.activation`;
  if (!Object.hasOwn(ACTIVATION_ROWS, activation)) {
    const exportable = ACTIVATION_LIST.filter((r) => !hasNone(r[format])).map((r) => r.name);
    fail(field, `'${activation}' has no TensorFlow.js/ONNX counterpart here; exportable activations: ${exportable.join(', ')}`);
  }
  const c = ACTIVATION_ROWS[activation as Activation][format];
  return hasNone(c) ? fail(field, `'${activation}' has no ${format === 'tfjs' ? 'TensorFlow.js' : 'ONNX'} counterpart: ${c.none}`) : c as Exclude<ActivationRow[K], NoEquivalent>;
}

/** The TensorFlow.js activation name of layer `layer`'s activation. */
export function tfjsActivation(layer: string, activation: string): string {
  return counterpart('tfjs', layer, activation);
}

/** The ONNX nodes of layer `layer`'s activation. */
export function onnxActivation(layer: string, activation: string): OnnxStep[] {
  return counterpart('onnx', layer, activation);
}

/** This project's activation for a TensorFlow.js/Keras activation name; absent means linear, as TensorFlow.js's Dense has it. */
export function fromTfjsActivation(field: string, name: unknown): string {
  if (name === undefined) return 'linear';
  const ours = ACTIVATION_LIST.find((r) => r.tfjs === name);
  const supported = ACTIVATION_LIST.flatMap((r) => (hasNone(r.tfjs) ? [] : [r.tfjs]));
  return ours?.name ?? fail(field, `activation ${JSON.stringify(name)} is not supported; supported: ${supported.join(', ')}`);
}
