// Bytes built from pieces: the protobuf fields of an ONNX file, TensorFlow.js weights files read
// as one, a wasm module. The pieces are copied as bytes (Uint8Array.set), never spread through an
// array of numbers (a model's weights are millions of bytes).

/** The parts one after another, in one new array (the part itself where there is one). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bytes written one piece after another into one buffer that doubles as it fills. */
export class ByteWriter {
  private buffer = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buffer.length, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  byte(b: number): this {
    this.room(1);
    this.buffer[this.length++] = b;
    return this;
  }

  bytes(b: ArrayLike<number>): this {
    this.room(b.length);
    this.buffer.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** An unsigned LEB128 number (< 2⁵³). */
  u(n: number): this {
    do {
      this.byte((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n > 0);
    return this;
  }

  /** A signed LEB128 number (32 bits). */
  s(n: number): this {
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /** Its length as an unsigned LEB128 number, then what `write` writes (a wasm section's or function body's size first). */
  sized(write: (w: ByteWriter) => void): this {
    const inner = new ByteWriter();
    write(inner);
    return this.u(inner.length).bytes(inner.written);
  }

  /** What has been written (a view of the buffer). */
  get written(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
