// A fit's threads in Node (src/threads.ts): each a worker_threads Worker running the threads build's
// `work` over the model's shared memory; unref'd, so that workers parked between fits keep no process
// alive.
import { Worker } from 'node:worker_threads';
import { THREAD_LOOP, type StartThread } from '../threads.js';

/**
 * A thread's script: its instance of the threads build over the shared memory, then one step's share
 * a call until the last (THREAD_LOOP). `prelude` runs before it says it is ready, with `work` in
 * scope to wrap (test/threads.test.ts: a thread that fails). It reads worker_threads with import(),
 * which an evaluated script has whether the process's flags make it a CommonJS script or a module
 * (`node --input-type=module`, whose workers inherit it, has no require).
 */
export function threadScript(prelude = ''): string {
  return `
import('node:worker_threads').then(({ parentPort, workerData: { module, memory, net, thread } }) => {
let { work } = new WebAssembly.Instance(module, { env: { memory } }).exports;
${prelude}
parentPort.postMessage('ready');
${THREAD_LOOP}
});
`;
}

/** Starts each thread as a Worker running `script`. */
export function nodeThreads(script = threadScript()): StartThread {
  return (data) => {
    const worker = new Worker(script, { eval: true, workerData: data });
    worker.unref();
    const failed = new Promise<Error>((resolve) => worker.on('error', resolve));
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      void failed.then(reject);
    });
    const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    return { ready, failed, ended, terminate: () => worker.terminate() };
  };
}
