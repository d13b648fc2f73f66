// Each core alone (`backprop bench --threads`): one thread's training speed on each of the machine's
// cores in turn, a process pinned to it with taskset. The virtual cores of a shared machine are not
// always equal — on this one, for stretches, the second ran 0.69× the first even alone, where a
// C program pinned to each read the same — and two threads can go no faster than the two cores
// together: printed beside the threads rows, the sum over the fastest says how far a run's 2 threads
// could have gone.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One core's speed: samples/s of a fit on one thread, pinned to it. */
export interface CoreSpeed {
  core: number;
  samplesPerSecond: number;
}

// The child's work: 128-128-1 as the threads rows train it (sigmoid, binary cross-entropy, Adam,
// batches of 64, 512 rows in order), the fastest of 3 fits of 10 epochs after one of 5.
const FIT = `
const { Model } = await import(process.argv[1]);
const x = Array.from({ length: 512 }, (_, r) => Array.from({ length: 128 }, (_, c) => Math.sin(r * 7 + c * 3)));
const y = x.map((row) => [row[0] > 0 ? 1 : 0]);
const model = new Model({ inputs: 128, layers: [{ units: 128, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 1 });
const options = { batchSize: 64, optimizer: 'adam', learningRate: 0.001, shuffle: 'none', threads: 1 };
await model.fit(x, y, { ...options, epochs: 5 });
let best = 0;
for (let rep = 0; rep < 3; rep++) {
  const start = performance.now();
  await model.fit(x, y, { ...options, epochs: 10 });
  best = Math.max(best, 5120 / ((performance.now() - start) / 1000));
}
console.log(best);
`;

/**
 * Each of `cores` cores' speed alone, in turn, the library at `library` (a file URL: the Node entry)
 * trained in a process pinned to it; undefined, with the reason, where taskset cannot pin one (not
 * Linux, or util-linux missing).
 */
export async function coreSpeeds(cores: number, library: URL): Promise<CoreSpeed[] | { none: string }> {
  if (process.platform !== 'linux') return { none: 'taskset is Linux only' };
  const speeds: CoreSpeed[] = [];
  for (let core = 0; core < cores; core++) {
    let stdout: string;
    try {
      ({ stdout } = await run('taskset', ['-c', String(core), process.execPath, '--input-type=module', '-e', FIT, library.href], { timeout: 60_000 }));
    } catch (e) {
      return { none: `taskset -c ${core}: ${(e as Error).message.split('\n')[0]}` };
    }
    const samplesPerSecond = Number(stdout.trim());
    if (!(samplesPerSecond > 0)) throw new Error(`coreSpeeds: core ${core}'s fit printed ${JSON.stringify(stdout.slice(0, 200))}, not a speed`);
    speeds.push({ core, samplesPerSecond });
  }
  return speeds;
}
