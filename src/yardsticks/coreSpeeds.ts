// Each core alone (`backprop bench --threads`, `--search`): one thread's training speed on each of the
// machine's cores in turn, a process pinned to it with taskset. The virtual cores of a shared machine
// are not always equal (docs/speed.md has a day of them), and two threads can go no faster than the two
// cores together: printed beside the threads rows, the sum over the fastest says how far a run's two
// threads could have gone.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { modeFitOptions, type BenchMode, type BenchNetwork } from './benchmark.js';

const run = promisify(execFile);

/** One core's speed: samples/s of a fit on one thread, pinned to it. */
export interface CoreSpeed {
  core: number;
  samplesPerSecond: number;
}

// The child's work: a bench group's network and mode (its model's options and fit's options, as JSON),
// on 512 rows of one 0/1 target (the networks of the threads rows have one sigmoid output), on one
// thread; the fastest of 3 fits of 10 epochs after one of 5.
const FIT = `
const { Model } = await import(process.argv[1]);
const { model: options, fit } = JSON.parse(process.argv[2]);
const x = Array.from({ length: 512 }, (_, r) => Array.from({ length: options.inputs }, (_, c) => Math.sin(r * 7 + c * 3)));
const y = x.map((row) => [row[0] > 0 ? 1 : 0]);
const model = new Model(options);
await model.fit(x, y, { ...fit, epochs: 5 });
let best = 0;
for (let rep = 0; rep < 3; rep++) {
  const start = performance.now();
  await model.fit(x, y, { ...fit, epochs: 10 });
  best = Math.max(best, 5120 / ((performance.now() - start) / 1000));
}
console.log(best);
`;

/**
 * Each of `cores` cores' speed alone, in turn: `group` trained on one thread with the library at
 * `library` (a file URL: the Node entry), in a process pinned to the core; `{ none }` with the reason
 * where taskset cannot pin one (not Linux, or util-linux missing).
 */
export async function coreSpeeds(cores: number, library: URL, group: { network: BenchNetwork; mode: BenchMode }): Promise<CoreSpeed[] | { none: string }> {
  const work = JSON.stringify({ model: group.network.model, fit: { ...modeFitOptions(group.mode), threads: 1 } });
  if (process.platform !== 'linux') return { none: 'taskset is Linux only' };
  const speeds: CoreSpeed[] = [];
  for (let core = 0; core < cores; core++) {
    let stdout: string;
    try {
      ({ stdout } = await run('taskset', ['-c', String(core), process.execPath, '--input-type=module', '-e', FIT, library.href, work], { timeout: 60_000 }));
    } catch (e) {
      return { none: `taskset -c ${core}: ${(e as Error).message.split('\n')[0]}` };
    }
    const samplesPerSecond = Number(stdout.trim());
    if (!(samplesPerSecond > 0)) throw new Error(`coreSpeeds: core ${core}'s fit printed ${JSON.stringify(stdout.slice(0, 200))}, not a speed`);
    speeds.push({ core, samplesPerSecond });
  }
  return speeds;
}
