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
};

let compiled: WebAssembly.Module | undefined;
/** The kernels' file names in build/ (and next to the browser bundle). */
export type WasmFile = 'backprop.wasm';
let defaultSource: ((file: WasmFile) => Promise<WasmSource>) | undefined;

/** Set by each entry point (Node: the file in build/; browser: the file next to the bundle). */
export function setDefaultWasmSource(source: (file: WasmFile) => Promise<WasmSource>): void {
  defaultSource = source;
}

/** Compiles the kernels once; later `fit`s with `engine: 'wasm'` instantiate from this module. */
export async function loadWasm(source?: WasmSource): Promise<WebAssembly.Module> {
  if (source === undefined && compiled) return compiled;
  const from = source ?? (await defaultSource?.('backprop.wasm'));
  if (from === undefined) throw new Error('No WebAssembly source: call loadWasm(bytes | url | module) first.');
  compiled = await compile(from);
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
  const k = instantiateSync<Kernels>(compiled, { Math: { exp: Math.exp, log: Math.log, tanh: Math.tanh } }).exports;
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
  };
}

export function wasmLoaded(): boolean {
  return compiled !== undefined;
}
