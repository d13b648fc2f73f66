// A fit's threads in Node (src/threads.ts): each a worker_threads Worker running the threads build's
// `work` over the model's shared memory; unref'd, so that workers parked between fits keep no process
// alive.
import { Worker } from 'node:worker_threads';
import { THREAD_LOOP, type StartThread } from '../threads.js';

/**
 * A thread's script: its instance of the threads build over the shared memory, then one step's share
 * a call until the last (THREAD_LOOP). `prelude` runs before it says it is ready, with `work` in
 * scope to wrap (test/threads.test.ts: a thread that fails).
 */
export function threadScript(prelude = ''): string {
  return `
const { parentPort, workerData: { module, memory, net, thread } } = require('node:worker_threads');
let { work } = new WebAssembly.Instance(module, { env: { memory } }).exports;
${prelude}
parentPort.postMessage('ready');
${THREAD_LOOP}
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
    return { ready, failed, terminate: () => worker.terminate() };
  };
}
