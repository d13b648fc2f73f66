// Data-parallel training of one model: `fit({ threads })`. The threads build of the kernels runs in a
// shared WebAssembly memory; each extra thread is a worker (worker_threads in Node, a Web Worker in a
// cross-origin-isolated page) holding its own instance of that build over the same memory, looping
// in its `work`: it takes its share of each step's forward and backward passes (assembly/threads.ts),
// in the one order of summation a single thread uses, so the numbers do not depend on the thread
// count. The workers start once per model and stay, parked at a barrier between steps, like the engine.
import type { Engine, SharedKernels } from './engines/engine.js';
import { fail, positiveInteger, show } from './errors.js';
import { NET } from './layout.js';
import { coreCount } from './cores.js';
import { type Network, parameterCount } from './spec.js';

/** What a worker is given: the threads build, the memory it shares, the descriptor and its thread number (1, 2, …). */
export interface ThreadData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  net: number;
  thread: number;
}

/**
 * A started worker: `ready` once it has its instance and is entering `work`; `failed` with the error
 * its script threw, if it does; `ended` once its loop is over, either way.
 */
export interface ThreadWorker {
  ready: Promise<void>;
  failed: Promise<Error>;
  ended: Promise<void>;
  terminate(): unknown;
}

/** How this platform starts a worker, or why it cannot (then a fit runs on one thread and says so once). */
export type ThreadStarter = StartThread | { unavailable: string };
export type StartThread = (data: ThreadData) => ThreadWorker;

/**
 * A worker's loop over `work` (its script has `work`, `memory`, `net` and `thread`: src/node.ts's,
 * src/browser.ts's). Where `work` throws, the worker marks FAILED with its number (unless another
 * failed first) and wakes the threads asleep at the barrier, which then trap rather than wait for it
 * for good; the caller's fit raises the first one's error.
 */
export const THREAD_LOOP = `try {
  while (work(net, thread));
} catch (e) {
  const i32 = new Int32Array(memory.buffer);
  Atomics.compareExchange(i32, net + ${NET.FAILED}, 0, thread);
  Atomics.notify(i32, net + ${NET.SENSE});
  throw e;
}`;

let starter: ThreadStarter = { unavailable: 'this platform has no workers for threads' };
let noted = false;

/** Set by each entry (src/node.ts, src/browser.ts). */
export function setThreadStarter(s: ThreadStarter): void {
  starter = s;
}

let busy = async () => 0;
let sampleBusy = () => {};

/**
 * Set by the Node entry: other processes' work, in cores, and a look at it taken at each of 'auto''s
 * windows (src/busyCores.ts); elsewhere none is known.
 */
export function setBusyCores(measure: () => Promise<number>, sample: () => void = () => {}): void {
  busy = measure;
  sampleBusy = sample;
}

/** Other processes' work, in cores, where the platform says (Node), else 0: where it keeps the cores busy, 'auto' starts its measure on one thread. */
export function otherProcessesLoad(): Promise<number> {
  return busy();
}

/** The most threads a fit takes. */
const MAX_THREADS = 64;

/**
 * Work per batch (rows × parameters, about the multiply-adds of its forward pass) below which 'auto'
 * keeps one thread: each step's hand-offs (a barrier per layer, the caller
 * computing the loss alone) cost about what 2¹⁷ multiply-adds take, so below it a second thread cannot pay.
 */
const AUTO_WORK = 1 << 17;

/**
 * Work (rows × epochs × parameters, over a model's fits with 'auto' so far) below which 'auto' does not
 * start a model's threads: starting them (the threads build compiled, a worker and its instance per
 * thread, their first steps on unoptimized code) costs what about 2²⁹ of it takes one thread — in a fresh
 * process, 128-128-1 with Adam at 1,000 rows a fit broke even near 30 epochs — so a fit below twice that
 * ends sooner on one. Once started, the threads cost nothing more to use.
 */
export const AUTO_START_WORK = 2 ** 30;

/** `threads` as given: a whole number from 1 to MAX_THREADS, or 'auto'. */
export function checkThreads(value: unknown): number | 'auto' {
  if (value === 'auto') return value;
  if (typeof value !== 'number') fail('threads', `expected a whole number of threads or 'auto', got ${show(value)}`);
  const n = positiveInteger('threads', value);
  if (n > MAX_THREADS) fail('threads', `expected at most ${MAX_THREADS}, got ${show(value)}`);
  return n;
}

/**
 * The threads a fit runs on: one for per-row updates (a row is not shared), for the JS engine
 * (checkFitOptions refuses explicit threads there) and, with 'auto', where a batch is too little work to share
 * or, for a model whose threads have not started, where its `work` with 'auto' so far (this fit's
 * included; see AUTO_START_WORK) would not pay for starting them; else the number given, or with 'auto'
 * the cores this process may use less `busy`, those other processes keep busy (otherProcessesLoad).
 */
export function threadsFor(threads: number | 'auto', engine: 'wasm' | 'js', network: Network, batchSize: number, { busy = 0, work = Infinity }: { busy?: number; work?: number } = {}): number {
  if (engine === 'js' || batchSize < 2) return 1;
  if (threads !== 'auto') return threads;
  if (batchSize * parameterCount(network) < AUTO_WORK || work < AUTO_START_WORK) return 1;
  return Math.max(1, Math.min(Math.round(coreCount() - busy), batchSize >> 1));
}

/** Whether this platform can run threads; when not, says why once (a fit asking for them runs on one thread). */
export function threadsAvailable(): boolean {
  if (typeof starter === 'function') return true;
  if (!noted) {
    noted = true;
    console.warn(`backprop: training on one thread: ${starter.unavailable}.`);
  }
  return false;
}

// FAILED when the caller ends the workers (not a thread number): each traps at its barrier.
const ENDED = -1;
// How long ended workers may take to leave their loops.
const END_MS = 10_000;

/**
 * One model's workers over its engine's shared memory (the threads build's).
 * A worker's instance bounds its accesses by the memory's size as that worker last saw it, and the
 * engine tells a thread that another has grown a shared memory only later, at a moment of its own
 * choosing (V8): a worker that reached rows placed in new memory before then trapped (one first fit
 * in about sixty, in Node; the caller then waited at the next barrier for good). So workers run only
 * over the memory they started with: a fit places its rows before its workers start, and once the
 * memory has grown (more rows, a bigger batch, rows to predict) the workers are started anew.
 */
export class Threads {
  private workers: ThreadWorker[] = [];
  /** The workers last ended, until each has left its loop and the barrier is cleared (abandon). */
  private ending: Promise<void> | undefined;
  /** The memory's size when the workers started. */
  private bytes = 0;

  /** engine: the workspace's (its views change as its memory grows); shared: its threads build. */
  constructor(private readonly engine: Engine, private readonly shared: SharedKernels, private readonly net: number) {}

  /** Whether the memory has grown since the workers started: until started anew, they must not run. */
  get outgrown(): boolean {
    return this.shared.memory.buffer.byteLength !== this.bytes;
  }

  /** Makes the steps run on n threads: keeps the workers if there are n − 1 and the memory has not outgrown them, else starts n − 1 anew. */
  async use(n: number): Promise<void> {
    if (n === 1 || (n === this.workers.length + 1 && !this.outgrown)) {
      this.count(n);
      return;
    }
    this.close();
    // Workers ended before are out of their loops before others take the same barrier
    await this.ending;
    const i32 = this.engine.i32;
    if (typeof starter !== 'function') return;
    this.bytes = this.shared.memory.buffer.byteLength;
    // Set before any worker arrives at the barrier: it counts arrivals against THREADS.
    i32[this.net + NET.THREADS] = n;
    // Every thread may wait (sleep at the barrier) but a page's main thread, which must spin.
    i32[this.net + NET.CALLER_SLEEPS] = typeof (globalThis as { document?: unknown }).document === 'undefined' ? 1 : 0;
    const { module, memory } = this.shared;
    const start = starter;
    this.workers = Array.from({ length: n - 1 }, (_, k) => start({ module, memory, net: this.net, thread: k + 1 }));
    try {
      await Promise.all(this.workers.map((w) => w.ready));
    } catch (e) {
      this.abandon();
      throw e;
    }
  }

  /** Between steps: the next steps run on n threads, 1 or every started one (the others wait, parked at the barrier). */
  count(n: number): void {
    if (n !== 1 && n !== this.workers.length + 1) throw new Error(`Threads.count: ${n} threads, with ${this.workers.length} workers started`);
    const i32 = this.engine.i32, net = this.net;
    if (i32[net + NET.THREADS] === n) return;
    // A worker past a step's last barrier but not yet waiting for the next step would count its arrival
    // against the new number (against 1, as the last to arrive: it would start a step of its own). They
    // are a few instructions from it: wait until every worker waits.
    while (Atomics.load(i32, net + NET.ARRIVED) < this.workers.length) {
      // one that failed (between fits) never arrives
      if (Atomics.load(i32, net + NET.FAILED) !== 0) {
        this.abandon();
        throw new Error('a training thread had failed: its workers were ended; the next fit starts others');
      }
    }
    i32[net + NET.THREADS] = n;
  }

  /** Ends the workers: each leaves its loop (a step of no rows), then is terminated. */
  close(): void {
    if (this.workers.length === 0) return;
    this.count(this.workers.length + 1);
    this.shared.release(this.net);
    this.end(false);
  }

  /** Ends the workers wherever they are: a step cut short by an error leaves them waiting at a barrier (see end). */
  abandon(): void {
    this.end(true);
  }

  /**
   * The steps run on one thread from here, and once every worker has left its loop the barrier is
   * cleared (`ending`), so that the next `use` starts others afresh. They are not terminated first: a
   * worker asleep in its wait could outlive the call (a browser gives a worker it terminates time to
   * end) and, woken by the next workers' barrier, take a step among theirs. Where they may be inside
   * a step (`trap`), FAILED is marked, so that each traps at its barrier (after a step of no rows each
   * leaves by itself, and one still in that step's barrier would trap); the sleepers are woken until
   * every one has left — again and again, as one may fall asleep just after a wake-up.
   */
  private end(trap: boolean): void {
    const workers = this.workers, net = this.net;
    this.workers = [];
    this.engine.i32[net + NET.THREADS] = 1;
    if (workers.length === 0) return;
    if (trap) Atomics.compareExchange(this.engine.i32, net + NET.FAILED, 0, ENDED);
    const left = Promise.all(workers.map((w) => w.ended));
    this.ending = (async () => {
      let gone = false;
      void left.then(() => { gone = true; });
      const deadline = performance.now() + END_MS;
      while (!gone) {
        if (performance.now() > deadline) throw new Error(`fit: the threads of an earlier fit had not ended ${END_MS / 1000} s after they were told to; this model cannot start others (its fits on one thread still run)`);
        Atomics.notify(this.engine.i32, net + NET.SENSE);
        await new Promise<void>((resolve) => { (setTimeout(resolve, 2) as { unref?: () => void }).unref?.(); });
      }
      for (const w of workers) w.terminate();
      for (const slot of [NET.ARRIVED, NET.SLEEPING, NET.SHARED, NET.NONFINITE, NET.NEXT, NET.FAILED]) Atomics.store(this.engine.i32, net + slot, 0);
    })();
    // (awaited by the next `use`; a model never fit again leaves it unheard)
    this.ending.catch(() => {});
  }

  /**
   * After a step that trapped (`e`): ends the workers (the others wait at a barrier) and gives the error
   * to raise — where a worker failed, one naming the first one's error (waiting up to a second for it), else `e`.
   */
  async failure(e: unknown): Promise<unknown> {
    // the first worker to fail (its thread number), whose error reaches this thread as an event: awaited before the workers end
    const first = this.workers[Atomics.load(this.engine.i32, this.net + NET.FAILED) - 1];
    let timer: Parameters<typeof clearTimeout>[0];
    const error = first && await Promise.race([first.failed, new Promise<undefined>((resolve) => { timer = setTimeout(resolve, 1000); })]);
    clearTimeout(timer);
    this.abandon();
    return first ? new Error(`fit: a training thread failed${error ? ` (${error.message})` : ''}; its workers were ended, and the next fit starts others`) : e;
  }
}

let clock = () => performance.now();

/** For tests: the clock ThreadTuner times epochs with. */
export function setTunerClock(now: () => number): void {
  clock = now;
}

/**
 * Windows a count is kept after a probe found the other slower: doubled each time it is confirmed, up
 * to HOLD_MOST, so that a probe costs a few percent at most and a change of load is seen soon.
 */
const HOLD_FIRST = 16;
const HOLD_MOST = 64;
/** A window: epochs until their steps have taken this long (one epoch at least), so that a timer's grain or a collection does not decide. */
const WINDOW_MS = 20;
/** How much faster a probe must run to take over: two counts within it are alike, and the one running stays. */
const MARGIN = 1.05;
/** A probe's windows: the first takes the switch, the second is measured. */
const PROBE_WINDOWS = 2;
/** Windows in a row no faster than the one before, that end the warming: code is optimized in stages, with pauses between. */
const STEADY_WINDOWS = 2;

/**
 * 'auto' once a model's threads run: keeps the faster of its threads and one thread, measured. The
 * steps are timed in windows of whole epochs (WINDOW_MS). Fresh workers run code the engine has not
 * yet optimized (a first window at a sixth of the steady speed, measured), so nothing is compared
 * until two windows in a row run no faster than the one before each; then, and every `hold` windows after, the other
 * count runs for PROBE_WINDOWS windows, the last of them measured (the first takes the switch: workers
 * woken from a long wait, caches filled), and the faster of the two stays. It starts on one thread
 * where other processes' load says so (Node), and keeps its measure for the model's next fits.
 * A machine whose cores other work takes (a thread then waits at each barrier for one the system has
 * not scheduled), or a page that cannot see that, then trains on one thread, and goes back to all of
 * them when they come free. The numbers do not change: every thread count sums in the same order.
 */
export class ThreadTuner {
  /** The count the steps run on when not probing. */
  current: number;
  /** Doubled by the first probe that confirms the count: HOLD_FIRST. */
  private hold = HOLD_FIRST / 2;
  /** Windows to run before the next probe, once warm. */
  private left = 0;
  /** Until STEADY_WINDOWS windows in a row run no faster than the one before each (MARGIN): no probe. */
  private warming = true;
  private steady = 0;
  /** The probe's windows still to run (0: not probing). */
  private probe = 0;
  /** The last held window's rows per ms (while warming, the last window's). */
  private rate = 0;
  private began = 0;
  /** The window so far: its rows and milliseconds. */
  private rows = 0;
  private ms = 0;

  /** most: the count 'auto' chose; start: the first count (most, or 1); batchSize: the fits it measures; set: runs the next steps on that many threads. */
  constructor(readonly most: number, start: number, readonly batchSize: number, private readonly set: (n: number) => void) {
    this.current = start;
  }

  /** At a fit's start: the steps on the current count (a probe the last fit ended in is made again after its next window). */
  resume(): void {
    if (this.probe > 0) {
      this.probe = 0;
      this.left = 1;
    }
    [this.rows, this.ms] = [0, 0];
    this.set(this.current);
  }

  epochStart(): void {
    this.began = clock();
  }

  /** After an epoch's steps of `rows` rows; at a window's end, the count for the next. */
  epochEnd(rows: number): void {
    this.rows += rows;
    this.ms += clock() - this.began;
    if (this.ms < WINDOW_MS) return;
    const rate = this.rows / this.ms;
    [this.rows, this.ms] = [0, 0];
    sampleBusy();
    if (this.probe > 0) {
      if (--this.probe > 0) return;
      const faster = rate > MARGIN * this.rate;
      if (faster) this.current = this.other();
      else this.set(this.current);
      this.hold = faster ? HOLD_FIRST : Math.min(2 * this.hold, HOLD_MOST);
      this.left = this.hold;
      return;
    }
    if (this.warming) {
      this.steady = rate > MARGIN * this.rate ? 0 : this.steady + 1;
      this.rate = rate;
      if (this.steady < STEADY_WINDOWS) return;
      this.warming = false;
    } else {
      if (--this.left > 0) return;
      this.rate = rate;
    }
    this.probe = PROBE_WINDOWS;
    this.set(this.other());
  }

  private other(): number {
    return this.current === 1 ? this.most : 1;
  }
}
