// How a WorkerTrainer starts its worker in Node: a worker_threads Worker running dist/worker-node.js.
// It keeps the process alive only while a fit runs, so a script that forgets terminate() still ends.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { setDefaultWorker } from './client.js';

setDefaultWorker((url) => {
  // The script is imported by a line of evaluated code, not started from its file: a worker takes its
  // process's flags, and one started from a file refuses `--input-type` ("can only be used with string
  // input"), which `node --input-type=module -e …` gives; evaluated code takes it either way.
  const worker = new Worker(`import(${JSON.stringify(scriptHref(url))})`, { eval: true });
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

/** The worker script as a URL to import: the one beside this entry, a URL, or a file path (from the working folder). */
function scriptHref(url: string | URL | undefined): string {
  if (url === undefined) return new URL('./worker-node.js', import.meta.url).href;
  if (url instanceof URL) return url.href;
  // a URL's scheme has two letters at least; `C:` is a Windows drive
  return /^[a-z][a-z\d+.-]+:/i.test(url) ? url : pathToFileURL(resolve(url)).href;
}
