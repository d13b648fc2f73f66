// The browser entry: the library core, with the kernels fetched from next to this bundle
// (dist/backprop.wasm, dist/backprop-scalar.wasm) on first use. `loadWasm(bytes | url)` loads them from elsewhere.
import { setDefaultWasmSource, type WasmFile } from './engines/wasm.js';
import { setThreadStarter } from './threads.js';
import { browserThreads } from './worker/browserThreads.js';
import './worker/browserEndpoint.js';

// One literal `new URL('./…', import.meta.url)` per file, so that an app's bundler (Vite, webpack)
// sees each kernel as an asset of this module and copies it along.
const KERNELS: Record<WasmFile, () => URL> = {
  'backprop.wasm': () => new URL('./backprop.wasm', import.meta.url),
  'backprop-scalar.wasm': () => new URL('./backprop-scalar.wasm', import.meta.url),
  'backprop-threads.wasm': () => new URL('./backprop-threads.wasm', import.meta.url),
  'backprop-threads-scalar.wasm': () => new URL('./backprop-threads-scalar.wasm', import.meta.url),
};

setDefaultWasmSource(async (file) => KERNELS[file]());

// A fit's threads: Web Workers, where the page is cross-origin isolated (src/worker/browserThreads.ts).
setThreadStarter(browserThreads());

export * from './index.js';
