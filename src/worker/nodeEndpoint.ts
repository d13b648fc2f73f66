// How a WorkerTrainer starts its worker in Node: a worker_threads Worker running dist/worker-node.js.
// It keeps the process alive only while a fit runs, so a script that forgets terminate() still ends.
import { Worker } from 'node:worker_threads';
import { setDefaultWorker } from './client.js';

setDefaultWorker((url) => {
  const worker = new Worker(url ?? new URL('./worker-node.js', import.meta.url));
  let ended = false;
  return {
    post: (message) => worker.postMessage(message),
    listen: (handler) => { worker.on('message', handler); },
    onFailure: (handler) => {
      worker.on('error', (e) => handler(new Error(`WorkerTrainer: the training worker failed: ${e.message}`)));
      worker.on('exit', (code) => { if (!ended) handler(new Error(`WorkerTrainer: the training worker exited (code ${code})`)); });
    },
    busy: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => { ended = true; return worker.terminate(); },
  };
});
