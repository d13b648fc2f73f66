import { instantiateSync } from '@assemblyscript/loader';
import type { Engine } from './engine.js';

/** Where the compiled kernels come from: bytes, a URL to fetch, a fetch Response, or a compiled module. */
export type WasmSource = BufferSource | URL | string | Response | PromiseLike<Response> | WebAssembly.Module;

type Kernels = {
  memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  forward(net: number, row: number): void;
  rowLoss(net: number, row: number, scale: number): number;
  step(net: number, pos: number, count: number): number;
  epoch(net: number, rows: number, batchSize: number): number;
};

let compiled: WebAssembly.Module | undefined;
/** Which build `compiled` is, when it came from the default source. */
let compiledFile: WasmFile | undefined;
/** The kernels' file names in build/ (and next to the browser bundle): the 128-bit SIMD build and the scalar one. */
export type WasmFile = 'backprop.wasm' | 'backprop-scalar.wasm';

// The smallest module using SIMD, (func (result v128) (v128.const i64x2 0 0)): it validates only
// where the host runs 128-bit SIMD.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () → v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b, // body: v128.const 0
]);

/** Whether this host runs WebAssembly 128-bit SIMD. */
export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

/** The build for this host: SIMD where it runs, else the scalar fallback (same numbers, to the bit). */
export function kernelFile(): WasmFile {
  return simdSupported() ? 'backprop.wasm' : 'backprop-scalar.wasm';
}
let defaultSource: ((file: WasmFile) => Promise<WasmSource>) | undefined;

/** Set by each entry point (Node: the file in build/; browser: the file next to the bundle). */
export function setDefaultWasmSource(source: (file: WasmFile) => Promise<WasmSource>): void {
  defaultSource = source;
}

/**
 * Compiles the kernels once; later `fit`s with `engine: 'wasm'` instantiate from this module.
 * Without a source, `file` comes from the entry point's default source (default: kernelFile()).
 */
export async function loadWasm(source?: WasmSource, file?: WasmFile): Promise<WebAssembly.Module> {
  if (source === undefined && compiled && (file === undefined || file === compiledFile)) return compiled;
  const name = file ?? kernelFile();
  const from = source ?? (await defaultSource?.(name));
  if (from === undefined) throw new Error('No WebAssembly source: call loadWasm(bytes | url | module) first.');
  compiled = await compile(from);
  compiledFile = source === undefined ? name : undefined;
  return compiled;
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) return compile(fetch(source));
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source);
  const response = await source;
  if (!response.ok) throw new Error(`Could not load the WebAssembly kernels from ${response.url}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** A fresh instance of the kernels with `bytes` of room for one layout. */
export function openWasmEngine(bytes: number): Engine {
  if (!compiled) throw new Error('The WebAssembly kernels are not loaded: await loadWasm() first.');
  const k = instantiateSync<Kernels>(compiled, { Math: { exp: Math.exp, log: Math.log, tanh: Math.tanh, pow: Math.pow } }).exports;
  const base = k.reserve(bytes);
  if (base === 0) throw new Error(`WebAssembly memory could not grow to hold ${bytes} bytes.`);
  const buffer = k.memory.buffer;
  return {
    kind: 'wasm',
    f64: new Float64Array(buffer),
    i32: new Int32Array(buffer),
    start: base / 8,
    forward: k.forward,
    rowLoss: k.rowLoss,
    step: k.step,
    epoch: k.epoch,
  };
}

export function wasmLoaded(): boolean {
  return compiled !== undefined;
}
