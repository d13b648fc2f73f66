// The cores other processes keep busy (Node): where they do, a fit's threads: 'auto' starts its measure
// on one thread (ThreadTuner, src/threads.ts), for a thread that waits at each barrier for one the
// system has not scheduled makes two threads slower than one.
// os.cpus() counts every process's time on each core, process.cpuUsage this process's (its workers'
// included), so this process's own training does not count against it.
import { cpus } from 'node:os';

// The shortest span measured: the counters move in 10 ms ticks (a 50 ms span reads each core to a
// fifth), and a command that trains at once waits it out: short, beside a fit worth threads.
const SPAN_MS = 50;

/** What the counters read at a moment: every process's busy time on every core, and this process's own (ms). */
export interface Look {
  at: number;
  busy: number;
  own: number;
}

function look(): Look {
  let busy = 0;
  for (const { times: t } of cpus()) busy += t.user + t.nice + t.sys + t.irq;
  const { user, system } = process.cpuUsage();
  return { at: performance.now(), busy, own: (user + system) / 1000 };
}

let read = look;
let last = read();
let load: number | undefined;

/** For tests: where the counters are read from (the system's, without an argument); a first look is taken at once. */
export function setLookSource(source: () => Look = look): void {
  read = source;
  last = read();
  load = undefined;
}

/** The figure over the span from the last look to `now`, which becomes the last look. */
function measure(now: Look): number {
  load = Math.max(0, (now.busy - last.busy - (now.own - last.own)) / (now.at - last.at));
  last = now;
  return load;
}

/**
 * Other processes' work, in cores, since the last look (the first: when the library was loaded; then
 * the last sample of a fit's windows, or the last measure). Within SPAN_MS of the last look, the last
 * figure again; before there is one, it waits out the span (a command that trains right after loading
 * the library).
 */
export async function busyCores(): Promise<number> {
  let now = read();
  const early = last.at + SPAN_MS - now.at;
  if (early > 0) {
    if (load !== undefined) return load;
    await new Promise((resolve) => setTimeout(resolve, early));
    now = read();
  }
  return measure(now);
}

/**
 * A look while a fit trains ('auto' takes one at each of its windows' ends), where SPAN_MS has passed
 * since the last: so the measure at the next fit's start spans the moments before it, not the whole of
 * the fit before — a busy loop that ended during that fit would still count against the next one.
 */
export function sampleBusyCores(): void {
  const now = read();
  if (now.at - last.at >= SPAN_MS) measure(now);
}
