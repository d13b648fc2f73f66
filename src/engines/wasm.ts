import { instantiateSync } from '@assemblyscript/loader';
import { contractHash } from '../contract.js';
import type { Engine, Kernels } from './engine.js';
import { fail, show } from '../errors.js';

/** Where the compiled kernels come from: bytes, a URL to fetch, a fetch Response, or a compiled module. */
export type WasmSource = BufferSource | URL | string | Response | PromiseLike<Response> | WebAssembly.Module;

type Exports = { [K in keyof Kernels]: Kernels[K] } & {
  memory: WebAssembly.Memory;
  CONTRACT: WebAssembly.Global;
  reserve(bytes: number): number;
  /** The threads build's: ends the workers' loops (the other builds trap). */
  release(net: number): void;
};

/** The threads build's largest memory, in 64 KiB pages (scripts/build.mjs's --maximumMemory: 4 GiB, wasm32's whole range). */
const MAXIMUM_PAGES = 65536;

/** What the kernels import: nothing. Every function they call is their own (assembly/math.ts), so their bits do not depend on the host's Math. */
export const KERNEL_IMPORTS = {};

let compiled: WebAssembly.Module | undefined;
/** Which build `compiled` is, when it came from the default source. */
let compiledFile: WasmFile | undefined;
/**
 * The kernels' file names in build/ (and next to the browser bundle): the 128-bit SIMD build and the
 * scalar one, and each as the threads build (its memory shared with workers: src/threads.ts).
 */
export type WasmFile = 'backprop.wasm' | 'backprop-scalar.wasm' | 'backprop-threads.wasm' | 'backprop-threads-scalar.wasm';
/** Every WasmFile, for loadWasm's check: the record's type makes the compiler want each one, once. */
const WASM_FILES: readonly string[] = Object.keys({ 'backprop.wasm': 0, 'backprop-scalar.wasm': 0, 'backprop-threads.wasm': 0, 'backprop-threads-scalar.wasm': 0 } satisfies Record<WasmFile, 0>);
/** The threads build of each build. */
const THREADS_FILE = { 'backprop.wasm': 'backprop-threads.wasm', 'backprop-scalar.wasm': 'backprop-threads-scalar.wasm' } as const;
let threadsCompiled: { file: WasmFile; module: WebAssembly.Module } | undefined;

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
  if (typeof source !== 'function') fail('source', `expected a function from a kernels file's name to its source, got ${show(source)}`);
  defaultSource = source;
}

/**
 * Compiles the kernels once; later `fit`s with `engine: 'wasm'` instantiate from this module.
 * Without a source, `file` comes from the entry point's default source (default: kernelFile()).
 */
export async function loadWasm(source?: WasmSource, file?: WasmFile): Promise<WebAssembly.Module> {
  if (file !== undefined && !WASM_FILES.includes(file)) fail('file', `expected one of ${WASM_FILES.join(', ')}, got ${show(file)}`);
  if (source === undefined && compiled && (file === undefined || file === compiledFile)) return compiled;
  const name = file ?? kernelFile();
  const from = source ?? (await defaultSource?.(name));
  if (from === undefined) throw new Error('No WebAssembly source: call loadWasm(bytes | url | module) first.');
  compiled = await compile(from);
  compiledFile = source === undefined ? name : undefined;
  return compiled;
}

/**
 * Compiles the threads build of the kernels loadWasm loaded (SIMD or scalar: the same numbers), from
 * the entry point's default source; undefined when there is none (loadWasm was given its own bytes).
 */
export async function loadThreadsWasm(): Promise<WebAssembly.Module | undefined> {
  const file = THREADS_FILE[(compiledFile ?? kernelFile()) as keyof typeof THREADS_FILE];
  if (threadsCompiled?.file === file) return threadsCompiled.module;
  const from = await defaultSource?.(file);
  if (from === undefined) return undefined;
  threadsCompiled = { file, module: await compile(from) };
  return threadsCompiled.module;
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) {
    // fetch's own TypeError ("Failed to parse URL", "fetch failed") names no argument
    return compile(await fetch(source).catch((e: unknown) => fail('source', `could not fetch the kernels from ${String(source)}: ${(e as Error).message}`)));
  }
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source);
  const response = await source;
  if (typeof response !== 'object' || response === null || typeof response.arrayBuffer !== 'function' || typeof response.ok !== 'boolean') {
    fail('source', `expected the kernels as bytes, a URL, a Response or a WebAssembly.Module, got ${show(response)}`);
  }
  if (!response.ok) throw new Error(`Could not load the WebAssembly kernels from ${response.url}: HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * An instance of the kernels with its own memory, holding `bytes` from `start` on; it grows on
 * demand. Kernels built from another src/contract.ts than this host's are refused. With `threads`
 * (loadThreadsWasm's module), the threads build in a shared memory, which `engine.shared` gives to
 * the workers (src/threads.ts).
 */
export function openWasmEngine(bytes: number, threads?: WebAssembly.Module): Engine {
  if (!compiled) throw new Error('The WebAssembly kernels are not loaded: await loadWasm() first.');
  const memory = threads && new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true });
  // The instance's own exports, not the loader's wrappers of them: a wrapper spreads its arguments
  // into an array on every call, about a fifth of a 2-2-1 network's training step.
  const k = instantiateSync<Exports>(threads ?? compiled, memory ? { env: { memory } } : KERNEL_IMPORTS).instance.exports as unknown as Exports;
  const contract = k.CONTRACT instanceof WebAssembly.Global ? (k.CONTRACT.value as number) >>> 0 : undefined;
  if (contract !== contractHash()) {
    throw new Error(`These WebAssembly kernels were built from another contract (${contract?.toString(16) ?? 'none'}, this host has ${contractHash().toString(16)}): rebuild them from this version's sources (npm run build).`);
  }
  const reserve = (n: number) => {
    const base = k.reserve(n);
    if (base === 0) throw new Error(`WebAssembly memory could not grow to hold ${n} bytes.`);
    return base;
  };
  const start = reserve(bytes) / 8;
  const engine = {
    kind: 'wasm' as const,
    f64: new Float64Array(k.memory.buffer),
    i32: new Int32Array(k.memory.buffer),
    start,
    grow(n: number) {
      reserve(n);
      if (engine.f64.buffer !== k.memory.buffer) {
        engine.f64 = new Float64Array(k.memory.buffer);
        engine.i32 = new Int32Array(k.memory.buffer);
      }
    },
    step: k.step,
    traceStep: k.traceStep,
    epoch: k.epoch,
    predict: k.predict,
    evaluate: k.evaluate,
    regularizerPenalty: k.regularizerPenalty,
    activation: k.activation,
    activationDerivative: k.activationDerivative,
    shared: threads && memory && { module: threads, memory, release: k.release },
  };
  return engine;
}

export function wasmLoaded(): boolean {
  return compiled !== undefined;
}
