// Between the cores (`backprop bench --threads`, `--search`): how long a flag takes to go from one
// thread to another and back, two threads spinning on one word of a SharedArrayBuffer. A step on 2
// threads pays such a trip at each of its barriers and for the rows one core wrote and the other reads;
// on a shared machine it changes from run to run, and two threads' speed-up with it (docs/speed.md has
// a day of it): printed beside the threads rows, it says which kind of run a figure comes from.
import { Worker } from 'node:worker_threads';
import { positiveInteger } from '../errors.js';

/** Round trips in one timed batch. */
const TRIPS = 20_000;
/** Spins of one wait past which the other thread is taken to have stopped (a few seconds). */
const SPINS = 2 ** 30;

// The other end: answers every 1 with a 0, `trips` times, after saying it is there.
const ECHO = `
const { parentPort, workerData: { flag, trips } } = require('node:worker_threads');
const f = new Int32Array(flag);
parentPort.postMessage('ready');
for (let i = 0; i < trips; i++) { while (Atomics.load(f, 0) !== 1); Atomics.store(f, 0, 0); }
`;

/**
 * The fastest of `batches` batches of 20,000 round trips between this thread and a worker, in
 * nanoseconds a trip; a batch before them warms the code up and is not counted.
 */
export async function coreRoundTrip(batches = 5): Promise<number> {
  positiveInteger('batches', batches);
  const flag = new SharedArrayBuffer(4), f = new Int32Array(flag);
  const worker = new Worker(ECHO, { eval: true, workerData: { flag, trips: (batches + 1) * TRIPS } });
  try {
    // Spinning before the worker runs would wait for it with this thread's event loop held
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    let best = Infinity;
    for (let b = 0; b <= batches; b++) {
      const start = performance.now();
      for (let i = 0; i < TRIPS; i++) {
        Atomics.store(f, 0, 1);
        for (let s = 0; Atomics.load(f, 0) !== 0; ) if (++s > SPINS) throw new Error('coreRoundTrip: the other thread stopped answering');
      }
      if (b > 0) best = Math.min(best, ((performance.now() - start) * 1e6) / TRIPS);
    }
    return best;
  } finally {
    await worker.terminate();
  }
}
