// Binary numbers inside a JSON file: a block of float64 values as the base64 text of their
// little-endian bytes. Exact (every bit kept), a third larger than the bytes, and fast both ways,
// where decimal text of 10 million numbers is twice the size and slow to write and parse. Written and
// read in chunks, so that neither side builds a second copy of a large block: a file read as bytes
// (src/io/files.ts) has its large blocks lifted out before JSON.parse and decoded from the bytes.
import { fail, show } from '../errors.js';

/** Values per chunk: a multiple of 3, so that each chunk's base64 has no padding and chunks join. */
const CHUNK = 3 * 4096;
/** Characters of base64 per full chunk. */
const CHUNK_CHARS = (8 * CHUNK / 3) * 4;

type NodeBuffer = { from(data: ArrayBufferLike | string, offset?: number | string, length?: number): Uint8Array & { toString(encoding: string): string } };
const Buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
/** Float64Array's bytes are the host's order; a block's are little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Fills values[0 … n) with the block's values start … start + n. */
export type Fill = (start: number, values: Float64Array, n: number) => void;
/** Takes the block's values start … start + n from values[0 … n). */
type Take = (start: number, values: Float64Array, n: number) => void;

/** The base64 text of `count` values, chunk by chunk, to write one after another. */
export function* blockChunks(count: number, fill: Fill): Generator<string> {
  const values = new Float64Array(Math.min(count, CHUNK));
  const bytes = new Uint8Array(values.buffer);
  for (let start = 0; start < count; start += CHUNK) {
    const n = Math.min(CHUNK, count - start);
    fill(start, values, n);
    if (!LITTLE_ENDIAN) swapBytes(bytes, n);
    yield toBase64(bytes.subarray(0, 8 * n));
  }
}

/**
 * Large blocks of a model file read as bytes, taken out before JSON.parse: the file's text with the
 * base64 string of each `"float64": "…"` of at least `minimum` characters replaced by a token, and
 * each token's bytes. Base64 has no quote or backslash, so such a string ends at the next quote.
 */
export function liftBlocks(file: Uint8Array, minimum = 4096): { text: string; lifted: Map<string, Uint8Array> } {
  const lifted = new Map<string, Uint8Array>();
  const token = `@block-${Math.random().toString(36).slice(2)}-`;
  const parts: string[] = [];
  let from = 0;
  for (let key = indexOf(file, KEY, 0); key >= 0; key = indexOf(file, KEY, key + KEY.length)) {
    let i = key + KEY.length;
    while (WHITE[file[i]!]) i++;
    if (file[i++] !== COLON) continue;
    while (WHITE[file[i]!]) i++;
    if (file[i] !== QUOTE || (key > 0 && file[key - 1] === BACKSLASH)) continue;
    // No escapes in base64: the string ends at the next quote (decodeBlock checks what it holds).
    const end = file.indexOf(QUOTE, i + 1);
    if (end < 0 || end - i - 1 < minimum) continue;
    const name = `${token}${lifted.size}`;
    lifted.set(name, file.subarray(i + 1, end));
    parts.push(decodeText(file.subarray(from, i + 1)), name);
    from = end;
  }
  parts.push(decodeText(file.subarray(from)));
  return { text: parts.join(''), lifted };
}

/** Strings of `value` that liftBlocks took out (outside the blocks a reader expects), put back. */
export function unlift(value: unknown, lifted: Map<string, Uint8Array> | undefined): unknown {
  if (!lifted?.size) return value;
  if (typeof value === 'string') return lifted.has(value) ? decodeText(lifted.get(value)!) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => unlift(v, lifted));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unlift(v, lifted)]));
}

/**
 * Reads `count` values from a block's base64 text (or the token liftBlocks left for it), passing them
 * on chunk by chunk; a text of another length, or with a character base64 does not have, is an error
 * naming `field`, and so is NaN or ±Infinity, naming its index.
 */
export function decodeBlock(field: string, text: unknown, count: number, take: Take, lifted?: Map<string, Uint8Array>): void {
  const source = typeof text === 'string' ? lifted?.get(text) ?? text : text;
  const length = 4 * Math.ceil((8 * count) / 3);
  if (!(typeof source === 'string' || source instanceof Uint8Array) || source.length !== length) {
    fail(field, `expected the base64 text of ${count} float64 numbers (${length} characters), got ${typeof source === 'string' || source instanceof Uint8Array ? `${source.length} characters` : show(text)}`);
  }
  const values = new Float64Array(Math.min(count, CHUNK));
  const bytes = new Uint8Array(values.buffer);
  for (let start = 0, at = 0; start < count; start += CHUNK, at += CHUNK_CHARS) {
    const n = Math.min(CHUNK, count - start);
    const part = typeof source === 'string' ? source.slice(at, at + CHUNK_CHARS) : latin1(source.subarray(at, at + CHUNK_CHARS));
    // A character base64 does not have, or a "=" before the end, leaves fewer bytes than the length promised.
    if (fromBase64(part, bytes) !== 8 * n) fail(field, 'is not base64 text of float64 numbers: it holds a character other than A–Z, a–z, 0–9, +, / and a final =');
    if (!LITTLE_ENDIAN) swapBytes(bytes, n);
    for (let k = 0; k < n; k++) if (!Number.isFinite(values[k]!)) fail(`${field}[${start + k}]`, `expected a finite number, got ${values[k]}`);
    take(start, values, n);
  }
}

const QUOTE = 0x22, COLON = 0x3a, BACKSLASH = 0x5c;
const KEY = new TextEncoder().encode('"float64"');
const WHITE = new Uint8Array(256);
for (const c of ' \t\n\r') WHITE[c.charCodeAt(0)] = 1;

/** Where `pattern` first occurs in `bytes` from `from` on, or -1. */
function indexOf(bytes: Uint8Array, pattern: Uint8Array, from: number): number {
  outer: for (let i = bytes.indexOf(pattern[0]!, from); i >= 0 && i + pattern.length <= bytes.length; i = bytes.indexOf(pattern[0]!, i + 1)) {
    for (let k = 1; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

/** UTF-8 bytes as text. */
function decodeText(bytes: Uint8Array): string {
  return Buffer ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : new TextDecoder().decode(bytes);
}

/** ASCII bytes as text, without UTF-8's checks. */
function latin1(bytes: Uint8Array): string {
  if (Buffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

/** Reverses each of the first n 8-byte groups: host order ⇄ little-endian on a big-endian host. */
function swapBytes(bytes: Uint8Array, n: number): void {
  for (let k = 0; k < 8 * n; k += 8) bytes.subarray(k, k + 8).reverse();
}

function toBase64(bytes: Uint8Array): string {
  if (Buffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** Decodes `text` into the start of `into`; the bytes it held. */
function fromBase64(text: string, into: Uint8Array): number {
  if (Buffer) {
    // Node's decoder skips what is not base64 (and reads base64url's - and _ as + and /)
    if (text.includes('_') || text.includes('-')) return -1;
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length > into.length) return -1;
    into.set(bytes);
    return bytes.length;
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return -1;
  }
  if (binary.length > into.length) return -1;
  for (let i = 0; i < binary.length; i++) into[i] = binary.charCodeAt(i);
  return binary.length;
}
