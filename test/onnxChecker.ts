// The rules of ONNX's own checker (onnx.checker.check_model with its shape and type inference) that an
// exported file must meet, applied by reading the bytes back with a protobuf decoder written from the
// wire format's spec — not with the encoder that wrote them: the IR version and opset, one element type
// throughout (ONNX's type inference refuses a Mul of a double and a float), each node an opset-13
// operator with its number of inputs and attributes it has, the graph in topological order with every
// name defined once, initializers whose raw bytes fit their dims and type, and an input and output of
// shape [N, width] with N left symbolic, so any batch size runs.
import { expect } from 'vitest';

type Fields = Map<number, (number | Uint8Array)[]>;

/** A message's fields by number: varints as numbers, length-delimited fields as bytes (wire types 0, 1, 2, 5). */
function decode(bytes: Uint8Array): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = () => {
    let value = 0, scale = 1, byte: number;
    do {
      byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  };
  while (at < bytes.length) {
    const key = varint(), field = Math.floor(key / 8), wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) { const n = varint(); value = bytes.subarray(at, at + n); at += n; }
    else if (wire === 5) { value = bytes.subarray(at, at + 4); at += 4; }
    else if (wire === 1) { value = bytes.subarray(at, at + 8); at += 8; }
    else throw new Error(`wire type ${wire} at byte ${at}`);
    if (at > bytes.length) throw new Error('a field runs past the end of the message');
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const text = (b: number | Uint8Array | undefined) => new TextDecoder().decode(b as Uint8Array);
const all = (m: Fields, f: number) => (m.get(f) ?? []) as Uint8Array[];
const one = (m: Fields, f: number) => m.get(f)?.[0];

/** Opset 13's operators that an export may use, with their number of inputs. */
const OPERATORS: Record<string, number> = {
  Gemm: 3, Sub: 2, Div: 2, Mul: 2, Add: 2, Min: 2, Max: 2,
  Sigmoid: 1, Tanh: 1, Relu: 1, Softmax: 1, Exp: 1, Log: 1, Abs: 1, Neg: 1, Reciprocal: 1, Erf: 1,
};
const ELEMENT = { double: { code: 11, size: 8 }, float: { code: 1, size: 4 } } as const;

export interface Checked { metadata: Record<string, string>; nodes: string[] }

export function checkOnnx(bytes: Uint8Array, want: { inputs: number; outputs: number; elementType: keyof typeof ELEMENT }): Checked {
  const model = decode(bytes);
  const element = ELEMENT[want.elementType];
  expect(one(model, 1), 'ir_version').toBe(7);
  const opsets = all(model, 8).map(decode);
  expect(opsets.map((o) => [text(one(o, 1) ?? new Uint8Array()), one(o, 2)]), 'opset_import').toEqual([['', 13]]);
  const graph = decode(one(model, 7) as Uint8Array);

  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    expect(defined.has(name), `${what} ${name} is defined twice`).toBe(false);
    defined.add(name);
  };
  const valueInfo = (bytes: Uint8Array, width: number, what: string) => {
    const info = decode(bytes);
    const tensorType = decode(one(decode(one(info, 2) as Uint8Array), 1) as Uint8Array);
    expect(one(tensorType, 1), `${what}'s element type`).toBe(element.code);
    const dims = all(decode(one(tensorType, 2) as Uint8Array), 1).map(decode);
    expect(dims.length, `${what}'s rank`).toBe(2);
    expect(text(one(dims[0]!, 2)), `${what}'s first dimension is symbolic`).toBe('N');
    expect(one(dims[1]!, 1), `${what}'s width`).toBe(width);
    return text(one(info, 1));
  };

  const inputs = all(graph, 11), outputs = all(graph, 12);
  expect(inputs.length).toBe(1);
  expect(outputs.length).toBe(1);
  define(valueInfo(inputs[0]!, want.inputs, 'the input'), 'input');
  for (const t of all(graph, 5).map(decode)) {
    const name = text(one(t, 8));
    define(name, 'initializer');
    expect(one(t, 2), `initializer ${name}'s type`).toBe(element.code);
    const count = ((t.get(1) ?? []) as number[]).reduce((a, b) => a * b, 1);
    expect((one(t, 9) as Uint8Array).length, `initializer ${name}'s raw_data for its dims`).toBe(count * element.size);
  }
  const nodes: string[] = [];
  for (const n of all(graph, 1).map(decode)) {
    const op = text(one(n, 4)), ins = all(n, 1).map(text), outs = all(n, 2).map(text);
    nodes.push(op);
    expect(Object.hasOwn(OPERATORS, op), `${op} is not an opset-13 operator the export may use`).toBe(true);
    expect(ins.length, `${op}'s inputs`).toBe(OPERATORS[op]);
    for (const i of ins) expect(defined.has(i), `${op} reads ${i} before anything defines it`).toBe(true);
    for (const a of all(n, 5).map(decode)) expect(one(a, 20), `${op}'s attribute ${text(one(a, 1))} is a float`).toBe(1);
    expect(outs.length).toBe(1);
    define(outs[0]!, 'node output');
  }
  const output = valueInfo(outputs[0]!, want.outputs, 'the output');
  expect(defined.has(output), 'a node writes the graph\'s output').toBe(true);
  const metadata = Object.fromEntries(all(model, 14).map(decode).map((e) => [text(one(e, 1)), text(one(e, 2))]));
  return { metadata, nodes };
}
