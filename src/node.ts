// The Node entry: the library core, with the kernels read from build/backprop.wasm on first use.
import { readFile } from 'node:fs/promises';
import { setDefaultWasmSource } from './engines/wasm.js';

export const WASM_URL = new URL('../build/backprop.wasm', import.meta.url);
setDefaultWasmSource(() => readFile(WASM_URL));

export * from './index.js';
