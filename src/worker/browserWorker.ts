// The worker script of WorkerTrainer in browsers (dist/worker.js): the library's browser entry,
// which fetches the kernels from beside this file, serving over the worker's message port.
import '../browser.js';
import { serve } from './host.js';
import type { FromWorker, ToWorker } from './protocol.js';

const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };

// A message on our own channel is a task like the page's messages, queued behind those already there;
// unlike setTimeout(0) it is not clamped to 4 ms when nested.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

serve({ post: (m) => scope.postMessage(m), listen: (handler) => { scope.onmessage = (e) => handler(e.data); } },
  () => new Promise<void>((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); }));
