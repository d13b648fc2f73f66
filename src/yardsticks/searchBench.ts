// The parallel search's speed-up (`backprop bench --search`, and after the threads rows of
// `bench --threads`): one 24-fit grid of small networks — 3 networks × 2 learning rates × 2
// optimizers × 2 seeds, each fit once on a validation split, or k times with `folds` — run by search()
// on a pool of 1 worker and on a pool of 2, taking turns, each pool timed twice: started for the search
// (a process's first search, as `backprop search` runs: every worker boots and waits for the engine's
// optimized code) and kept from the search before (a program's later searches). The rows must come back
// the same to the bit in every run. A worker's start is timed on its own too: what a started pool adds.
// A started search runs in a process of its own: V8 keeps one compiled copy of the kernels per process,
// shared by every thread that loads the same bytes, its optimized code included, so in the bench's own
// process — which has trained with them (the threads rows) — a new worker would find that code ready,
// as no process's first search does.
import { spawn } from 'node:child_process';
import { search } from '../search/runSearch.js';
import { stopSearchWorkers } from '../search/pool.js';
import type { LayerSpec } from '../spec.js';

type SearchPool = 'started' | 'kept';

export interface SearchBenchRow {
  pool: SearchPool;
  /** Workers. */
  threads: 1 | 2;
  /** The fastest run's wall-clock time, and the CPU time of every thread of the process in that run. */
  ms: number;
  cpuMs: number;
}

export interface SearchBench {
  /** Fits in one search: 24, or 24 × folds. */
  fits: number;
  rows: SearchBenchRow[];
  /**
   * A worker's start: a new pool of one worker until it has answered a fit of one epoch on a few rows
   * (the worker's boot, its load of the library and the kernels, a fit in code not yet optimized), the
   * fastest of the runs. Every started pool pays it once per worker, in parallel: the same wall time
   * added to a search on 1 worker and to one on 2, which takes half as long.
   */
  startMs: number;
}

const dense = (units: number, activation?: 'relu' | 'tanh'): LayerSpec => (activation ? { units, activation } : { units });
const GRID = {
  layers: [[dense(8, 'relu'), dense(1)], [dense(16, 'relu'), dense(8, 'relu'), dense(1)], [dense(32, 'tanh'), dense(1)]],
  learningRate: [0.001, 0.01],
  optimizer: ['adam' as const, 'sgd' as const],
  seed: [0, 1],
};

/** The grid as the bench's header tells it: its settings (every combination of its lists), rows and epochs. */
export const SEARCH_BENCH = {
  settings: GRID.layers.length * GRID.learningRate.length * GRID.optimizer.length * GRID.seed.length,
  grid: `${GRID.layers.length} networks × ${GRID.learningRate.length} learning rates × ${GRID.optimizer.length} optimizers × ${GRID.seed.length} seeds`,
  rows: 1000,
  epochs: 150,
};

/** The grid's data: 8 inputs in [−1, 1), a smooth target with noise; Park–Miller, so that every run reads the same rows. */
function benchData(): { x: number[][]; y: number[][] } {
  let state = 1;
  const random = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  const x: number[][] = [], y: number[][] = [];
  for (let r = 0; r < SEARCH_BENCH.rows; r++) {
    const row = Array.from({ length: 8 }, () => 2 * random() - 1);
    x.push(row);
    y.push([Math.sin(2 * row[0]!) + row[1]! * row[2]! - 0.5 * row[3]! + 0.1 * (random() - 0.5)]);
  }
  return { x, y };
}

/** A timed search: its wall-clock time, the CPU time of its process's threads (ms), and its rows. */
interface Timed {
  ms: number;
  cpuMs: number;
  rows: unknown;
}

/** What a search is given: its rows, grid and options (JSON, as it crosses to a process of its own). */
interface SearchCall {
  x: number[][];
  y: number[][];
  grid: Parameters<typeof search>[2];
  options: Parameters<typeof search>[3];
}

/**
 * Times the grid `reps` times on each pool, started and kept (the fastest run of each counts), with
 * the library's Node entry at `library` for the started searches' processes; `onRun` hears of each run
 * as it ends. Throws if any run's rows differ from the first run's.
 */
export async function runSearchBench(options: { reps: number; folds?: number; library: URL; onRun?: (row: SearchBenchRow) => void }): Promise<SearchBench> {
  const { reps, folds, library, onRun } = options;
  const { x, y } = benchData();
  const model = { inputs: 8, layers: [dense(1)], loss: 'mse' as const };
  const settings = {
    model,
    fit: { epochs: SEARCH_BENCH.epochs, batchSize: 32, shuffle: 'epoch' as const, standardize: true },
    ...(folds === undefined ? { validationSplit: 0.2 } : { folds }),
  };
  const best: SearchBenchRow[] = (['started', 'kept'] as const).flatMap((pool) => ([1, 2] as const).map((threads) => ({ pool, threads, ms: Infinity, cpuMs: 0 })));
  let reference: string | undefined;
  let startMs = Infinity;
  const call = (threads: 1 | 2): SearchCall => ({ x, y, grid: GRID, options: { ...settings, threads } });
  try {
    // the kept pools' workers: started, and their code optimized, by a search before any is timed
    await stopSearchWorkers();
    await inThisProcess(call(2));
    for (let rep = 0; rep < reps; rep++) {
      startMs = Math.min(startMs, (await inNewProcess(library, { x: x.slice(0, 20), y: y.slice(0, 20), grid: { seed: [0] }, options: { model, fit: { epochs: 1 }, validationSplit: 0.2, threads: 1 } })).ms);
      for (const threads of [1, 2] as const) {
        for (const row of best.filter((r) => r.threads === threads)) {
          const timed = await (row.pool === 'started' ? inNewProcess(library, call(threads)) : inThisProcess(call(threads)));
          const run = { ...row, ms: timed.ms, cpuMs: timed.cpuMs };
          if (run.ms < row.ms) [row.ms, row.cpuMs] = [run.ms, run.cpuMs];
          onRun?.(run);
          const text = JSON.stringify(timed.rows);
          reference ??= text;
          if (text !== reference) throw new Error(`search on ${threads} worker${threads === 1 ? '' : 's'} (${row.pool}) gave other rows than the first run`);
        }
      }
    }
  } finally {
    await stopSearchWorkers();
  }
  return { fits: SEARCH_BENCH.settings * (folds ?? 1), rows: best, startMs };
}

/** One search in this process: its time, the CPU time of every thread of the process (process.cpuUsage: the workers' included), its rows. */
async function inThisProcess({ x, y, grid, options }: SearchCall): Promise<Timed> {
  const [start, cpu] = [performance.now(), process.cpuUsage()];
  const rows = await search(x, y, grid, options);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, rows };
}

// A started search's process: the library loaded (not timed), the search read from its input, then
// timed from its call to its rows, with the CPU time of every thread of the process.
const STARTED = `
const { search, stopSearchWorkers } = await import(process.argv[1]);
let text = '';
for await (const chunk of process.stdin) text += chunk;
const { x, y, grid, options } = JSON.parse(text);
const [start, cpu] = [performance.now(), process.cpuUsage()];
const rows = await search(x, y, grid, options);
const used = process.cpuUsage(cpu);
const ms = performance.now() - start;
await stopSearchWorkers();
console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, rows }));
`;

/** One search in a new Node process with the library at `library`: its time, its CPU time and its rows (as JSON gives them back). */
function inNewProcess(library: URL, searchCall: SearchCall): Promise<Timed> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', STARTED, library.href], { timeout: 120_000 });
  let stdout = '', stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdin.end(JSON.stringify(searchCall));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Timed);
      else {
        // Node prints the failing line of code before the error itself
        const lines = stderr.trim().split('\n');
        reject(new Error(`a started search's process ended with code ${code}: ${lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1) ?? ''}`));
      }
    });
  });
}
