// A pool of training workers for independent jobs: TrialWorkers (./trialWorker.ts), each started once
// and sent one job after another, take the next job as they finish the last. Results come back in the
// jobs' order whatever the number of workers, so the answer does not depend on it. The workers are
// kept for the next run (as a model keeps its threads): a new worker spends its first fits booting,
// loading the library and waiting for V8's optimized code, and on a machine whose every core is
// training that start is not hidden by an idle one.
import { coreCount } from '../cores.js';
import { fail, positiveInteger, show } from '../errors.js';
import { TrialWorker } from './trialWorker.js';

/** `threads` as a worker count: a positive integer, or 'auto' (the machine's cores); never more than the jobs. */
export function threadCount(field: string, threads: unknown, jobs: number): number {
  const n = threads === 'auto' ? coreCount() : typeof threads === 'number' ? positiveInteger(field, threads) : fail(field, `expected a positive integer or 'auto', got ${show(threads)}`);
  return Math.max(1, Math.min(n, jobs));
}

/** Idle workers from earlier runs, by worker script; at most coreCount() of each are kept. */
const kept = new Map<string, TrialWorker[]>();

/** Ends the workers that searches keep between runs (their memory back; the next search starts new ones). */
export async function stopSearchWorkers(): Promise<void> {
  const idle = [...kept.values()].flat();
  kept.clear();
  await Promise.all(idle.map((t) => t.terminate()));
}

/**
 * Runs every job on `threads` workers; `run` gets a worker and a job. The jobs start in order of
 * their `cost`, dearest first, so that no worker is left with a long job at the end while the others
 * wait (results stay in the jobs' order). Idle workers kept from an earlier run are taken first. The
 * first failure ends every worker of the run and is thrown; otherwise the workers are kept for the
 * next run.
 */
export async function runPool<J, R>(
  jobs: readonly J[], cost: (job: J) => number, threads: number, workerUrl: string | URL | undefined, run: (worker: TrialWorker, job: J) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(jobs.length);
  const costs = jobs.map(cost);
  // Array.prototype.sort is stable: equal costs keep the jobs' order.
  const order = jobs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]!);
  // The workers of this run (kept ones taken up, new ones started)
  const running: TrialWorker[] = [];
  const script = String(workerUrl);
  // A kept worker that has ended since (it failed while idle) is left out
  const all = kept.get(script) ?? [];
  const idle = all.filter((t) => !t.ended);
  kept.delete(script);
  await Promise.all(all.filter((t) => t.ended).map((t) => t.terminate()));
  let next = 0, failed = false;
  const lane = async () => {
    const worker = idle.pop() ?? new TrialWorker(workerUrl);
    running.push(worker);
    while (!failed && next < order.length) {
      const i = order[next++]!;
      results[i] = await run(worker, jobs[i]!);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, async () => {
      try {
        await lane();
      } catch (e) {
        failed = true;
        throw e;
      }
    }));
  } catch (e) {
    await Promise.all([...running, ...idle].map((t) => t.terminate()));
    throw e;
  }
  // Another run may have kept workers of this script meanwhile
  const keep = [...(kept.get(script) ?? []), ...running, ...idle];
  kept.set(script, keep.slice(0, coreCount()));
  await Promise.all(keep.slice(coreCount()).map((t) => t.terminate()));
  return results;
}
