// The worker script of WorkerTrainer in Node (dist/worker-node.js): the library's Node entry,
// which reads the kernels from build/, serving over worker_threads' parent port.
import { parentPort } from 'node:worker_threads';
import '../node.js';
import { serve } from './host.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort!;
// setImmediate runs after the event loop has polled for messages, so a stop gets in.
serve({ post: (m: FromWorker) => port.postMessage(m), listen: (handler: (m: ToWorker) => void) => { port.on('message', handler); } },
  () => new Promise<void>((resolve) => setImmediate(resolve)));
