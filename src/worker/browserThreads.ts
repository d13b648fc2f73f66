// A fit's threads in a browser (src/threads.ts): each a Web Worker running the threads build's `work`
// over the model's shared memory. Shared memory needs a cross-origin-isolated page (its two headers);
// elsewhere a fit trains on one thread and says why once.
import { THREAD_LOOP, type ThreadStarter } from '../threads.js';
import { workerErrorMessage } from './workerError.js';

/**
 * A thread's script: its instance of the threads build over the shared memory, then one step's share
 * a call until the last (THREAD_LOOP). `prelude` runs before it says it is ready, with `work` in
 * scope to wrap (test/threads.test.ts: a thread that fails).
 */
export function threadScript(prelude = ''): string {
  return `onmessage = ({ data: { module, memory, net, thread } }) => {
  let { work } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  ${prelude}
  postMessage('ready');
  ${THREAD_LOOP}
  postMessage('ended');
  close();
};`;
}

/** Starts each thread as a Web Worker running `script`, where the page is cross-origin isolated. */
export function browserThreads(script = threadScript()): ThreadStarter {
  if (globalThis.crossOriginIsolated !== true) {
    return { unavailable: 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' };
  }
  let url: string | undefined;
  return (data) => {
    url ??= URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
    const worker = new Worker(url);
    // Handled here (the fit raises it), not left to reach the page as an uncaught error
    const failed = new Promise<Error>((resolve) => {
      worker.onerror = (e) => {
        e.preventDefault();
        resolve(new Error(workerErrorMessage(e)));
      };
    });
    let loopEnded: () => void = () => {};
    const ended = Promise.race([failed.then(() => {}), new Promise<void>((resolve) => { loopEnded = resolve; })]);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = ({ data: said }) => (said === 'ready' ? resolve() : loopEnded());
      void failed.then((e) => reject(new Error(`A thread's worker failed to start: ${e.message}`)));
    });
    worker.postMessage(data);
    return { ready, failed, ended, terminate: () => worker.terminate() };
  };
}
