// The parallel search's speed-up: one 24-trial grid of small networks (3 networks × 2 learning rates
// × 2 optimizers × 2 seeds, each fit once on a validation split) run by search() on a pool of 1
// worker and on a pool of 2, alternately, best of `--repeat` runs each; the rows must come back the
// same to the bit. Each pool is timed twice: first started anew (as `backprop search` does, a
// process's first search: every worker boots and waits for V8's optimized code), then kept (a
// program's later searches). Target (issue 21): 2 workers ≥ 1.8× 1 worker on a 2-core machine that
// is otherwise quiet.
// `--folds K` fits each trial K times (k-fold cross-validation) instead: K × 24 fits, each on (K−1)/K of the rows.
// `npm run bench:search` builds first; `node scripts/search-bench.mjs --repeat 5 --epochs 40 --folds 5`.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { search, stopSearchWorkers } from '../dist/node.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' }, epochs: { type: 'string', default: '150' }, rows: { type: 'string', default: '1000' }, folds: { type: 'string' } } });
const [repeat, epochs, rowCount] = [Number(values.repeat), Number(values.epochs), Number(values.rows)];
const folds = values.folds === undefined ? undefined : Number(values.folds);

let state = 1;
const random = () => { // Park–Miller, for repeatable rows
  state = (state * 16807) % 2147483647;
  return state / 2147483647;
};
const x = Array.from({ length: rowCount }, () => Array.from({ length: 8 }, () => 2 * random() - 1));
const y = x.map((r) => [Math.sin(2 * r[0]) + r[1] * r[2] - 0.5 * r[3] + 0.1 * (random() - 0.5)]);

const model = { inputs: 8, layers: [{ units: 1 }], loss: 'mse' };
const grid = {
  layers: [[{ units: 8, activation: 'relu' }, { units: 1 }], [{ units: 16, activation: 'relu' }, { units: 8, activation: 'relu' }, { units: 1 }], [{ units: 32, activation: 'tanh' }, { units: 1 }]],
  learningRate: [0.001, 0.01],
  optimizer: ['adam', 'sgd'],
  seed: [0, 1],
};
const options = { model, fit: { epochs, batchSize: 32, shuffle: 'epoch', standardize: true }, ...(folds === undefined ? { validationSplit: 0.2 } : { folds }) };

// process.cpuUsage counts every thread of the process, the workers' included.
async function timed(threads) {
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  const rows = await search(x, y, grid, { ...options, threads });
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, rows };
}

const runs = ['started', 'kept'].flatMap((pool) => [1, 2].map((threads) => ({ pool, threads, ms: Infinity, cpuMs: 0 })));
let reference;
for (let i = 0; i < repeat; i++) {
  for (const threads of [1, 2]) {
    await stopSearchWorkers();
    for (const run of runs.filter((r) => r.threads === threads)) {
      const { ms, cpuMs, rows } = await timed(threads);
      if (ms < run.ms) [run.ms, run.cpuMs] = [ms, cpuMs];
      const text = JSON.stringify(rows);
      reference ??= text;
      if (text !== reference) throw new Error(`search with ${threads} workers (${run.pool}) gave other rows than the first run`);
    }
  }
}
await stopSearchWorkers();
const fits = 3 * 2 * 2 * 2 * (folds ?? 1);
console.log(`search: ${fits} fits (${rowCount} rows${folds === undefined ? '' : `, ${folds} folds`}, ${epochs} epochs each), ${availableParallelism()} cores available, best of ${repeat}`);
// The CPU time says what the pool costs beyond the fits (a second worker's start): on a busy machine,
// where the wall-clock ratio means little, cpu(1) / cpu(2) × 2 bounds what 2 quiet cores could give.
for (const pool of ['started', 'kept']) {
  const [one, two] = runs.filter((r) => r.pool === pool);
  console.log(pool === 'started' ? '  workers started for the search (a process\'s first search):' : '  workers kept from the search before (a program\'s later searches):');
  console.log(`    1 worker   ${one.ms.toFixed(0).padStart(7)} ms wall  ${one.cpuMs.toFixed(0).padStart(7)} ms cpu`);
  console.log(`    2 workers  ${two.ms.toFixed(0).padStart(7)} ms wall  ${two.cpuMs.toFixed(0).padStart(7)} ms cpu   ${(one.ms / two.ms).toFixed(2)}× (target ≥ 1.8×)`);
}
console.log('  the same rows, to the bit, in every run');
