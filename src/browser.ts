// The browser entry: the library core, with the kernels fetched from next to this bundle
// (dist/backprop.wasm, dist/backprop-scalar.wasm) on first use. `loadWasm(bytes | url)` loads them from elsewhere.
import { setDefaultWasmSource, type WasmFile } from './engines/wasm.js';
import { setThreadStarter, THREAD_LOOP } from './threads.js';
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

// A fit's threads (src/threads.ts): each a Web Worker running the threads build's `work` over the
// model's shared memory. Shared memory needs a cross-origin-isolated page (its two headers).
const THREAD_WORKER = `onmessage = ({ data: { module, memory, net, thread } }) => {
  const { work } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  postMessage('ready');
  ${THREAD_LOOP}
  close();
};`;
setThreadStarter(globalThis.crossOriginIsolated !== true
  ? { unavailable: 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' }
  : (data) => {
    const worker = new Worker(URL.createObjectURL(new Blob([THREAD_WORKER], { type: 'text/javascript' })));
    const failed = new Promise<Error>((resolve) => { worker.onerror = (e) => resolve(new Error(e.message)); });
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      void failed.then((e) => reject(new Error(`A thread's worker failed to start: ${e.message}`)));
    });
    worker.postMessage(data);
    return { ready, failed, terminate: () => worker.terminate() };
  });

export * from './index.js';
