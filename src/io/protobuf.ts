// Just enough of the protocol buffers wire format to write an ONNX model: varints, 32-bit floats
// and length-delimited fields (strings, bytes, nested messages). A message is built as a
// list of fields, each encoded as its tag and value (https://protobuf.dev/programming-guides/encoding/).
import { ByteWriter, concat } from './bytes.js';

/** One encoded field; a message is the concatenation of its fields. */
export type Field = Uint8Array;

/** A non-negative integer (< 2⁵³) as a base-128 varint, low group first (unsigned LEB128, as a wasm module's). */
export function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`protobuf varint: expected a non-negative safe integer, got ${value}`);
  return new ByteWriter().u(value).written;
}

const tag = (field: number, wireType: 0 | 2 | 5) => varint(field * 8 + wireType);

/** An int32/int64/enum field (wire type 0). */
export function int(field: number, value: number): Field {
  return concat([tag(field, 0), varint(value)]);
}

/** A float field (wire type 5: four bytes, little-endian). */
export function float(field: number, value: number): Field {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setFloat32(0, value, true);
  return concat([tag(field, 5), out]);
}

/** A bytes field, or a nested message given as its fields (wire type 2). */
export function bytes(field: number, value: Uint8Array | Field[]): Field {
  const body = value instanceof Uint8Array ? value : concat(value);
  return concat([tag(field, 2), varint(body.length), body]);
}

export function string(field: number, value: string): Field {
  return bytes(field, new TextEncoder().encode(value));
}

/** A message: its fields, in order. */
export function message(fields: Field[]): Uint8Array {
  return concat(fields);
}
