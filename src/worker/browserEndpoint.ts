// How a WorkerTrainer starts its worker in browsers: a module Web Worker running dist/worker.js.
import { setDefaultWorker } from './client.js';
import { workerErrorMessage } from './workerError.js';

setDefaultWorker((url) => {
  // The literal `new Worker(new URL('./worker.js', import.meta.url), …)` is what Vite and webpack
  // recognize to bundle the worker script along with the app.
  const worker = url ? new Worker(url, { type: 'module' }) : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return {
    post: (message) => worker.postMessage(message),
    listen: (handler) => { worker.onmessage = (e) => handler(e.data); },
    // Handled here (the fit rejects with it), not left to reach the page as an uncaught error
    onFailure: (handler) => {
      worker.onerror = (e) => {
        e.preventDefault();
        handler(new Error(`WorkerTrainer: the training worker failed${e.message ? `: ${workerErrorMessage(e)}` : ' to load (check workerUrl)'}`));
      };
    },
    terminate: () => worker.terminate(),
  };
});
