// ONNX out: the model as a float64 ONNX graph (opset 13) that any ONNX runtime runs — a scaler as
// Sub and Div nodes, each Dense layer a Gemm (x · kernel + bias, the kernel in Keras's layout as
// is) followed by its activation's nodes (src/io/activations.ts). Written with the few protobuf
// encoders in src/io/protobuf.ts, so no runtime dependency. Field numbers are onnx.proto's.
import type { Model } from '../model.js';
import { onnxActivation, PREVIOUS } from './activations.js';
import { bytes, float, int, message, string, type Field } from './protobuf.js';

/** The ONNX opset an exported graph declares. */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13 (ONNX 1.8). */
const IR_VERSION = 7;
const DOUBLE = 11; // TensorProto.DataType
const ATTRIBUTE_FLOAT = 1; // AttributeProto.AttributeType

/** The name of an exported graph's input ([N, inputs], float64). */
export const ONNX_INPUT = 'input';
/** The name of an exported graph's output ([N, outputs], float64). */
export const ONNX_OUTPUT = 'output';

/** A float64 tensor of the given dims as a TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian). */
function tensor(name: string, dims: number[], values: number[]): Field[] {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return [...dims.map((d) => int(1, d)), int(2, DOUBLE), string(8, name), bytes(9, raw)];
}

/** ValueInfoProto of a float64 [N, width] tensor, N (the rows) left free. */
function rowsOf(name: string, width: number): Field[] {
  const shape = bytes(2, [bytes(1, [string(2, 'N')]), bytes(1, [int(1, width)])]);
  return [string(1, name), bytes(2, [bytes(1, [int(1, DOUBLE), shape])])];
}

/** NodeProto: input (1), output (2), name (3), op_type (4), attribute (5). */
function node(op: string, inputs: string[], output: string, attributes: Record<string, number> = {}): Field[] {
  return [
    ...inputs.map((i) => string(1, i)), string(2, output), string(3, output), string(4, op),
    ...Object.entries(attributes).map(([name, value]) => bytes(5, [string(1, name), float(2, value), int(20, ATTRIBUTE_FLOAT)])),
  ];
}

/** The model as ONNX bytes: input "input" [N, inputs] → output "output" [N, units], float64 throughout. */
export function exportOnnx(model: Model): Uint8Array {
  const { inputs, layers } = model.network;
  const weights = model.getWeights();
  const nodes: Field[][] = [];
  const initializers: Field[][] = [];
  let x = ONNX_INPUT;
  const scaler = model.scaler;
  if (scaler) {
    // (x − mean) / std, the same two operations as the model's own scaling
    initializers.push(tensor('scaler_mean', [inputs], scaler.mean), tensor('scaler_std', [inputs], scaler.std));
    nodes.push(node('Sub', [x, 'scaler_mean'], 'centered'), node('Div', ['centered', 'scaler_std'], 'scaled'));
    x = 'scaled';
  }
  const constants = new Map<number, string>();
  const constant = (value: number): string => {
    let name = constants.get(value);
    if (name === undefined) {
      name = `constant_${constants.size + 1}`;
      constants.set(value, name);
      initializers.push(tensor(name, [], [value]));
    }
    return name;
  };
  layers.forEach((layer, l) => {
    const name = `dense_${l + 1}`;
    const kernel = weights[2 * l] as number[][], bias = weights[2 * l + 1] as number[];
    initializers.push(tensor(`${name}/kernel`, [kernel.length, layer.units], kernel.flat()), tensor(`${name}/bias`, [layer.units], bias));
    const steps = onnxActivation(`layers[${l}]`, layer.activation);
    const last = l === layers.length - 1;
    nodes.push(node('Gemm', [x, `${name}/kernel`, `${name}/bias`], last && steps.length === 0 ? ONNX_OUTPUT : name));
    // The activation's nodes; its named outputs and the previous node's, by the names in the graph
    const named = new Map([['x', name]]);
    let previous = name;
    steps.forEach((step, k) => {
      const output = last && k === steps.length - 1 ? ONNX_OUTPUT : `${name}/${step.as ?? `${step.op.toLowerCase()}_${k + 1}`}`;
      const inputs = (step.inputs ?? [PREVIOUS]).map((i) => (typeof i === 'number' ? constant(i) : i === PREVIOUS ? previous : named.get(i)!));
      nodes.push(node(step.op, inputs, output, step.attributes));
      if (step.as) named.set(step.as, output);
      previous = output;
    });
    x = previous;
  });
  // GraphProto: node (1), name (2), initializer (5), input (11), output (12)
  const graph = [
    ...nodes.map((n) => bytes(1, n)), string(2, 'backprop'), ...initializers.map((t) => bytes(5, t)),
    bytes(11, rowsOf(ONNX_INPUT, inputs)), bytes(12, rowsOf(ONNX_OUTPUT, layers[layers.length - 1]!.units)),
  ];
  // ModelProto: ir_version (1), producer_name (2), graph (7), opset_import (8: domain 1, version 2)
  return message([int(1, IR_VERSION), string(2, 'backprop-wasm'), bytes(7, graph), bytes(8, [string(1, ''), int(2, ONNX_OPSET)])]);
}
