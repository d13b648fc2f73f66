// ONNX out: the model as an ONNX graph (opset 13) that any ONNX runtime runs — the input scaler as
// Sub and Div nodes, each Dense layer a Gemm (x · kernel + bias, the kernel in Keras's layout as is)
// followed by its activation's nodes (src/io/activationNames.ts), the target scaler as Mul and Add nodes —
// in float64 (the weights exactly) or float32 (what most runtimes and every accelerator want). Written
// with the few protobuf encoders in src/io/protobuf.ts, so no runtime dependency. Field numbers are
// onnx.proto's.
import { checkModel, type Model } from '../model.js';
import { knownOptions, oneOf } from '../errors.js';
import { columnInfo, type ColumnInfo, type ModelInfo } from './modelFile.js';
import { onnxActivation, PREVIOUS } from './activationNames.js';
import { bytes, float, int, message, string, type Field } from './protobuf.js';

/** The ONNX opset an exported graph declares. */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13 (ONNX 1.8). */
const IR_VERSION = 7;
/** TensorProto.DataType of each precision. */
const DATA_TYPE = { float64: 11, float32: 1 } as const;
type OnnxPrecision = keyof typeof DATA_TYPE;
export const ONNX_PRECISIONS = Object.keys(DATA_TYPE) as OnnxPrecision[];
const ATTRIBUTE_FLOAT = 1; // AttributeProto.AttributeType

/** The name of an exported graph's input ([N, inputs], float64). */
export const ONNX_INPUT = 'input';
/** The name of an exported graph's output ([N, outputs], float64). */
export const ONNX_OUTPUT = 'output';

/** A tensor of the given dims as a TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian). */
function tensor(precision: OnnxPrecision, name: string, dims: number[], values: ArrayLike<number>): Field[] {
  const size = precision === 'float64' ? 8 : 4;
  const raw = new Uint8Array(size * values.length);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) {
    if (size === 8) view.setFloat64(8 * i, values[i]!, true);
    else view.setFloat32(4 * i, values[i]!, true);
  }
  return [...dims.map((d) => int(1, d)), int(2, DATA_TYPE[precision]), string(8, name), bytes(9, raw)];
}

/** ValueInfoProto of a [N, width] tensor, N (the rows) left free. */
function rowsOf(precision: OnnxPrecision, name: string, width: number): Field[] {
  const shape = bytes(2, [bytes(1, [string(2, 'N')]), bytes(1, [int(1, width)])]);
  return [string(1, name), bytes(2, [bytes(1, [int(1, DATA_TYPE[precision]), shape])])];
}

/** NodeProto: input (1), output (2), name (3), op_type (4), attribute (5). */
function node(op: string, inputs: string[], output: string, attributes: Record<string, number> = {}): Field[] {
  return [
    ...inputs.map((i) => string(1, i)), string(2, output), string(3, output), string(4, op),
    ...Object.entries(attributes).map(([name, value]) => bytes(5, [string(1, name), float(2, value), int(20, ATTRIBUTE_FLOAT)])),
  ];
}

export interface OnnxOptions {
  /** 'float64' (default: the weights exactly, outputs equal predict's to ~1e-12) or 'float32'. */
  precision?: OnnxPrecision;
  /**
   * Kept in the file's metadata_props as `backprop.*` entries (JSON values): the feature names in
   * input order, the target names or class labels, the threshold — what a model file knows besides
   * the network, checked as a model file's are.
   */
  info?: Omit<ModelInfo, 'training'>;
}

/** What an ONNX export does with the model's scalers, in words (also in the file's metadata as backprop.scalers). */
export function onnxScalerNotes(model: Model): string[] {
  return [
    ...(model.scaler ? ['the input scaler as Sub and Div nodes before the first layer'] : []),
    ...(model.targetScaler ? ['the target scaler as Mul and Add nodes after the last layer, so outputs are in the target\'s units'] : []),
  ];
}

/**
 * The model as ONNX bytes: input "input" [N, inputs] → output "output" [N, units], in one precision
 * throughout. The outputs are predict's: raw inputs in (the input scaler's nodes first), and for a
 * regression trained on a standardized target, outputs in the target's units (its scaler's nodes last).
 */
export function exportOnnx(model: Model, options: OnnxOptions = {}): Uint8Array {
  checkModel('model', model);
  knownOptions(options, ['precision', 'info']);
  const precision = oneOf('precision', options.precision ?? 'float64', ONNX_PRECISIONS);
  const info = options.info === undefined ? undefined : columnInfo('info', options.info, model.network);
  const { inputs, layers, loss } = model.network;
  const weights = model.getWeights();
  const nodes: Field[][] = [];
  const initializers: Field[][] = [];
  const add = (name: string, dims: number[], values: ArrayLike<number>) => initializers.push(tensor(precision, name, dims, values));
  let x = ONNX_INPUT;
  const scaler = model.scaler, targetScaler = model.targetScaler;
  if (scaler) {
    // (x − mean) / std, the same two operations as the model's own scaling
    add('scaler_mean', [inputs], scaler.mean);
    add('scaler_std', [inputs], scaler.std);
    nodes.push(node('Sub', [x, 'scaler_mean'], 'centered'), node('Div', ['centered', 'scaler_std'], 'scaled'));
    x = 'scaled';
  }
  const constants = new Map<number, string>();
  const constant = (value: number): string => {
    let name = constants.get(value);
    if (name === undefined) {
      name = `constant_${constants.size + 1}`;
      constants.set(value, name);
      add(name, [], [value]);
    }
    return name;
  };
  layers.forEach((layer, l) => {
    const name = `dense_${l + 1}`;
    const kernel = weights[2 * l] as number[][], bias = weights[2 * l + 1] as number[];
    add(`${name}/kernel`, [kernel.length, layer.units], kernel.flat());
    add(`${name}/bias`, [layer.units], bias);
    const steps = onnxActivation(`layers[${l}]`, layer.activation);
    // The graph's last node writes "output": the target scaler's Add where there is one
    const last = l === layers.length - 1 && !targetScaler;
    nodes.push(node('Gemm', [x, `${name}/kernel`, `${name}/bias`], last && steps.length === 0 ? ONNX_OUTPUT : name));
    // The activation's nodes; its named outputs and the previous node's, by the names in the graph
    const named = new Map([['x', name]]);
    let previous = name;
    steps.forEach((step, k) => {
      const output = last && k === steps.length - 1 ? ONNX_OUTPUT : `${name}/${step.as ?? `${step.op.toLowerCase()}_${k + 1}`}`;
      const inputs = (step.inputs ?? [PREVIOUS]).map((i) => (typeof i === 'number' ? constant(i) : typeof i === 'object' ? constant(layer[i.parameter]!) : i === PREVIOUS ? previous : named.get(i)!));
      nodes.push(node(step.op, inputs, output, step.attributes));
      if (step.as) named.set(step.as, output);
      previous = output;
    });
    x = previous;
  });
  if (targetScaler) {
    // z · std + mean, the model's own inverse of the target's scaling (src/scaler.ts invertScaler)
    const units = layers[layers.length - 1]!.units;
    add('target_std', [units], targetScaler.std);
    add('target_mean', [units], targetScaler.mean);
    nodes.push(node('Mul', [x, 'target_std'], 'target_scaled'), node('Add', ['target_scaled', 'target_mean'], ONNX_OUTPUT));
  }
  // GraphProto: node (1), name (2), initializer (5), input (11), output (12)
  const graph = [
    ...nodes.map((n) => bytes(1, n)), string(2, 'backprop'), ...initializers.map((t) => bytes(5, t)),
    bytes(11, rowsOf(precision, ONNX_INPUT, inputs)), bytes(12, rowsOf(precision, ONNX_OUTPUT, layers[layers.length - 1]!.units)),
  ];
  const metadata = metadataOf(model, loss, precision, info);
  // ModelProto: ir_version (1), producer_name (2), graph (7), opset_import (8: domain 1, version 2), metadata_props (14: key 1, value 2)
  return message([
    int(1, IR_VERSION), string(2, 'backprop-wasm'), bytes(7, graph), bytes(8, [string(1, ''), int(2, ONNX_OPSET)]),
    ...Object.entries(metadata).map(([key, value]) => bytes(14, [string(1, key), string(2, value)])),
  ]);
}

/** The metadata_props entries: each value JSON, so a reader gets lists and numbers back as they were. */
function metadataOf(model: Model, loss: string, precision: OnnxPrecision, info: ColumnInfo | undefined): Record<string, string> {
  const entries: Record<string, unknown> = { loss, precision, scalers: onnxScalerNotes(model), ...info };
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [`backprop.${k}`, JSON.stringify(v)]));
}
