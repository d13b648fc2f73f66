// The Node entry: the library core, with the kernels read from build/backprop.wasm on first use.
import { readFile } from 'node:fs/promises';
import { setDefaultWasmSource } from './engines/wasm.js';

setDefaultWasmSource((file) => readFile(new URL(`../build/${file}`, import.meta.url)));

export * from './index.js';
