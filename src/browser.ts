// The browser entry: the library core, with the kernels fetched from next to this bundle
// (dist/backprop.wasm, dist/backprop-scalar.wasm) on first use. `loadWasm(bytes | url)` loads them from elsewhere.
import { setDefaultWasmSource, type WasmFile } from './engines/wasm.js';
import './worker/browserEndpoint.js';

// One literal `new URL('./…', import.meta.url)` per file, so that an app's bundler (Vite, webpack)
// sees each kernel as an asset of this module and copies it along.
const KERNELS: Record<WasmFile, () => URL> = {
  'backprop.wasm': () => new URL('./backprop.wasm', import.meta.url),
  'backprop-scalar.wasm': () => new URL('./backprop-scalar.wasm', import.meta.url),
};

setDefaultWasmSource(async (file) => KERNELS[file]());

export * from './index.js';
