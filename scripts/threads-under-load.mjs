// fit({ threads }) while other work takes the cores: 128-128-1 (sigmoid, binary cross-entropy), 2,048
// rows, batches of 64, Adam — 30 epochs on a quiet machine, 100 while `--loops N` busy loops run (other
// processes, one per core at most), then 60 once they have ended. For each of 1 thread, 2 and 'auto'
// (or those given), in that order: the 100 epochs' time and the median epoch of each phase. A thread
// that waits at a barrier for one the system has not scheduled makes two threads slower than one;
// 'auto' measures and keeps the faster (ThreadTuner in src/threads.ts). Run on an otherwise quiet
// machine: `npm run build && node scripts/threads-under-load.mjs --loops 1 [1 2 auto]`.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Model } from '../dist/node.js';

const { values, positionals } = parseArgs({ options: { loops: { type: 'string', default: '1' } }, allowPositionals: true });
const loops = Number(values.loops);
const counts = positionals.length ? positionals.map((t) => (t === 'auto' ? 'auto' : Number(t))) : [1, 2, 'auto'];

const rows = Array.from({ length: 2048 }, (_, r) => Array.from({ length: 128 }, (_, c) => Math.sin(r * 128 + c)));
const targets = rows.map((row) => [row[0] > 0 ? 1 : 0]);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(1);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fit of `epochs` epochs: its time and each epoch's. */
async function timed(model, threads, epochs) {
  const times = [];
  const start = performance.now();
  let last = start;
  await model.fit(rows, targets, {
    epochs, batchSize: 64, optimizer: 'adam', threads,
    onEpochEnd: () => { const now = performance.now(); times.push(now - last); last = now; },
  });
  return { ms: performance.now() - start, times };
}

for (const threads of counts) {
  const model = new Model({ inputs: 128, layers: [{ units: 128, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 1 });
  // enough work for 'auto' to start the threads (AUTO_START_WORK), and warm code
  await model.fit(rows, targets, { epochs: 40, batchSize: 64, optimizer: 'adam', threads });
  const quiet = await timed(model, threads, 30);
  const busy = Array.from({ length: loops }, () => spawn('sh', ['-c', 'while :; do :; done']));
  await pause(300);
  const loaded = await timed(model, threads, 100);
  for (const p of busy) p.kill();
  await pause(300);
  const after = await timed(model, threads, 60);
  console.log(`threads ${threads}: quiet ${median(quiet.times)} ms an epoch; with ${loops} busy loop${loops === 1 ? '' : 's'}: 100 epochs ${loaded.ms.toFixed(0)} ms (${median(loaded.times)} an epoch); after: ${median(after.times)} ms an epoch, the last 20 ${median(after.times.slice(-20))}`);
  model.dispose();
}
