// Binary numbers inside a JSON file: a block of float64 values as the base64 text of their
// little-endian bytes. Exact (every bit kept), a third larger than the bytes, and fast both ways,
// where decimal text of 10 million numbers is twice the size and slow to write and parse. Written and
// read in chunks, so that neither side builds a second copy of a large block.
import { fail, show } from '../errors.js';

/** Values per chunk: a multiple of 3, so that each chunk's base64 has no padding and chunks join. */
const CHUNK = 3 * 4096;

type NodeBuffer = { from(data: ArrayBufferLike | string, offset?: number | string, length?: number): Uint8Array & { toString(encoding: string): string } };
const Buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** The base64 text of `count` values, `value(k)` the k-th, in chunks to write one after another. */
export function* blockChunks(count: number, value: (k: number) => number): Generator<string> {
  const bytes = new Uint8Array(8 * Math.min(count, CHUNK));
  const view = new DataView(bytes.buffer);
  for (let start = 0; start < count; start += CHUNK) {
    const n = Math.min(CHUNK, count - start);
    for (let k = 0; k < n; k++) view.setFloat64(8 * k, value(start + k), true);
    yield toBase64(bytes.subarray(0, 8 * n));
  }
}

/** A block's text whole (for small blocks and the string API). */
export function encodeBlock(count: number, value: (k: number) => number): string {
  let text = '';
  for (const chunk of blockChunks(count, value)) text += chunk;
  return text;
}

/**
 * Reads `count` values from a block's base64 text, passing each to `set(k, v)`; a text of another
 * length, or with a character base64 does not have, is an error naming `field`. `finite`: NaN and
 * ±Infinity are refused too, naming the value's index.
 */
export function decodeBlock(field: string, text: unknown, count: number, set: (k: number, v: number) => void, finite = true): void {
  const length = 4 * Math.ceil((8 * count) / 3);
  if (typeof text !== 'string' || text.length !== length) {
    fail(field, `expected the base64 text of ${count} float64 numbers (${length} characters), got ${typeof text === 'string' ? `${text.length} characters` : show(text)}`);
  }
  const bytes = new Uint8Array(8 * Math.min(count, CHUNK));
  const view = new DataView(bytes.buffer);
  const perChunk = (8 * CHUNK / 3) * 4;
  for (let start = 0, at = 0; start < count; start += CHUNK, at += perChunk) {
    const n = Math.min(CHUNK, count - start);
    const part = text.slice(at, at + perChunk);
    if (!BASE64.test(part)) fail(field, `is not base64 text: it holds a character other than A–Z, a–z, 0–9, +, / and a final =`);
    if (fromBase64(part, bytes) !== 8 * n) fail(field, 'is not base64 text of float64 numbers: a "=" stands before its end');
    for (let k = 0; k < n; k++) {
      const v = view.getFloat64(8 * k, true);
      if (finite && !Number.isFinite(v)) fail(`${field}[${start + k}]`, `expected a finite number, got ${v}`);
      set(start + k, v);
    }
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function toBase64(bytes: Uint8Array): string {
  if (Buffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** Decodes `text` into the start of `into`; the bytes it held. */
function fromBase64(text: string, into: Uint8Array): number {
  if (Buffer) {
    const bytes = Buffer.from(text, 'base64');
    into.set(bytes);
    return bytes.length;
  }
  const binary = atob(text);
  for (let i = 0; i < binary.length; i++) into[i] = binary.charCodeAt(i);
  return binary.length;
}
