// Each core's speed (`backprop bench --threads`, `--search`): one thread's training speed on each of the
// machine's cores, in a process pinned to it with taskset — each alone, in turn, and then all at once.
// The virtual cores of a shared machine are not always equal, nor always two whole cores: at times two
// fits at once each run at half the speed either runs alone (docs/speed.md has the days). Two threads
// can go no faster than their cores at once: printed beside the threads rows, the speeds at once summed
// over the fastest alone say how far a run's threads could have gone.
import { spawn } from 'node:child_process';
import { modeFitOptions, type BenchMode, type BenchNetwork } from './benchmark.js';

/** One core's speed: samples/s of a fit on one thread, pinned to it. */
export interface CoreSpeed {
  core: number;
  samplesPerSecond: number;
}

/** Each core's speed alone (one after another) and at once (every core's process fitting in the same second). */
export interface CoreSpeeds {
  alone: CoreSpeed[];
  together: CoreSpeed[];
}

// How long each core's fits are timed for, alone and at once: the fastest of a second's fits.
const WINDOW_MS = 1000;

// The child's work: a bench group's network and mode (its model's options and fit's options, as JSON),
// on 512 rows of one 0/1 target (the networks of the threads rows have one sigmoid output), on one
// thread. After a fit of 5 epochs it says it is ready and waits for a line on its input (the start, which
// every core's process gets at once when they fit at once), then times fits of 10 epochs, 3 at least
// and on until `window` ms have passed, and prints the fastest.
const FIT = `
const { Model } = await import(process.argv[1]);
const { model: options, fit } = JSON.parse(process.argv[2]);
const window = Number(process.argv[3]);
const x = Array.from({ length: 512 }, (_, r) => Array.from({ length: options.inputs }, (_, c) => Math.sin(r * 7 + c * 3)));
const y = x.map((row) => [row[0] > 0 ? 1 : 0]);
const model = new Model(options);
await model.fit(x, y, { ...fit, epochs: 5 });
console.log('ready');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
const start = performance.now();
let best = 0;
for (let fits = 0; fits < 3 || performance.now() < start + window; fits++) {
  const begun = performance.now();
  await model.fit(x, y, { ...fit, epochs: 10 });
  best = Math.max(best, 5120 / ((performance.now() - begun) / 1000));
}
console.log(best);
`;

/**
 * Each of `cores` cores' speed alone, in turn, then all at once: `group` trained on one thread with
 * the library at `library` (a file URL: the Node entry), in a process pinned to each core; `{ none }`
 * with the reason where taskset cannot pin one (not Linux, or util-linux missing).
 */
export async function coreSpeeds(cores: number, library: URL, group: { network: BenchNetwork; mode: BenchMode }): Promise<CoreSpeeds | { none: string }> {
  if (process.platform !== 'linux') return { none: 'taskset is Linux only' };
  const work = JSON.stringify({ model: group.network.model, fit: { ...modeFitOptions(group.mode), threads: 1 } });
  const all = Array.from({ length: cores }, (_, core) => core);
  try {
    const alone: CoreSpeed[] = [];
    for (const core of all) {
      const fit = pinnedFit(core, library, work);
      fit.go();
      alone.push(await fit.speed);
    }
    const fits = all.map((core) => pinnedFit(core, library, work));
    // every process warmed up before any starts timing
    await Promise.all(fits.map((f) => f.ready));
    for (const f of fits) f.go();
    return { alone, together: await Promise.all(fits.map((f) => f.speed)) };
  } catch (e) {
    if (e instanceof PinError) return { none: e.message };
    throw e;
  }
}

/** Why a pinned fit could not be timed: a reason to print, not a fault of the bench. */
class PinError extends Error {}

/** A fit in a process pinned to `core`: `ready` once it has warmed up; timed from `go()` for WINDOW_MS; `speed` at its end. */
function pinnedFit(core: number, library: URL, work: string): { ready: Promise<void>; go: () => void; speed: Promise<CoreSpeed> } {
  const child = spawn('taskset', ['-c', String(core), process.execPath, '--input-type=module', '-e', FIT, library.href, work, String(WINDOW_MS)], { timeout: 60_000 });
  let stdout = '', stderr = '', onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const speed = new Promise<CoreSpeed>((resolve, reject) => {
    child.on('error', (e) => reject(new PinError(`taskset -c ${core}: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new PinError(`taskset -c ${core}: ${(stderr.trim().split('\n')[0] || `exit code ${code}`)}`));
        return;
      }
      const samplesPerSecond = Number(stdout.replace(/^ready\n/, '').trim());
      if (samplesPerSecond > 0) resolve({ core, samplesPerSecond });
      else reject(new Error(`coreSpeeds: core ${core}'s fit printed ${JSON.stringify(stdout.slice(0, 200))}, not a speed`));
    });
  });
  // (a process that ended early has closed its input: its speed says why)
  child.stdin.on('error', () => {});
  // ready, or ended before it (its speed then rejects, with why)
  return { ready: Promise.race([ready, speed]).then(() => {}, () => {}), go: () => child.stdin.end('go\n'), speed };
}
