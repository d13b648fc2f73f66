// The training thread: runs the library's fit off the page's thread and sends the page a snapshot
// of the model up to 30 times a second (fewer when a big network's snapshot is slow). A stop
// message is let in while fit awaits the epoch callback, which then sets model.stopTraining, as a
// Keras callback would. The page also starts one of these per engine timing, and ends it to stop it.
import { BackpropError, loadWasm, Model, type EngineKind } from '../src/browser.js';
import type { EngineTiming, FromWorker, Run, Snapshot, ToWorker } from './protocol.js';
import { gridPoints, probabilities } from './grid.js';

// The DOM's `self` is typed as a window; this is the part of a worker's scope used here.
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

const FRAME_MS = 33;
const TIMING_PROGRESS_MS = 100;
const WATCH_MS_PER_EPOCH = 10;
/** Each engine trains for at least this long when timed, so that short runs are averaged. */
const TIMING_BUDGET_MS = 300;

let stopRequested = false;
let queue = Promise.resolve();

scope.onmessage = ({ data: message }) => {
  if (message.type === 'stop') stopRequested = true;
  // One job at a time: a message that arrives during a run waits for it.
  else queue = queue.then(() => (message.type === 'train' ? train(message.run) : compare(message.run)).catch(report));
};

function report(e: unknown): void {
  const error = e instanceof Error ? e : new Error(String(e));
  scope.postMessage({ type: 'error', name: error.name, message: error.message, ...(e instanceof BackpropError ? { field: e.field } : {}) });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function train(run: Run): Promise<void> {
  stopRequested = false;
  const model = new Model(run.model);
  const grid = run.plane && gridPoints(run.plane);
  let losses: number[] = [];
  let epochs = 0;
  const snapshot = (): Snapshot => {
    const s: Snapshot = { epochs, losses, weights: model.getWeights(), ...(grid ? { plane: probabilities(model, grid) } : {}) };
    losses = [];
    return s;
  };
  const start = performance.now();
  let lastFrame = start, frameMs = FRAME_MS;
  const history = await model.fit(run.x, run.y, {
    ...run.fit,
    onEpochEnd: async (epoch, logs) => {
      epochs = epoch + 1;
      losses.push(logs.loss);
      const now = performance.now();
      const frame = epoch === 0 || now - lastFrame >= frameMs;
      if (frame) {
        const s = snapshot();
        scope.postMessage({ type: 'progress', snapshot: s }, s.plane ? [s.plane.buffer] : []);
        // A big network's snapshot (its weights, the map's grid) is slow: frames are spaced so that
        // they take at most a third of the time, and training the rest.
        lastFrame = performance.now();
        frameMs = Math.max(FRAME_MS, 2 * (lastFrame - now));
      }
      if (run.pace === 'watch') await pause(Math.max(0, start + epochs * WATCH_MS_PER_EPOCH - performance.now()));
      else if (frame) await pause(0);
      if (stopRequested) model.stopTraining = true;
    },
  });
  const s = snapshot();
  const predictions = model.predict(run.x);
  scope.postMessage({ type: 'done', snapshot: s, loss: history.loss, predictions, stopped: history.loss.length < (run.fit.epochs ?? 1) }, s.plane ? [s.plane.buffer] : []);
}

/** Trains the run on each engine with no callbacks and reports the mean time of a whole fit. */
async function compare(run: Run): Promise<void> {
  await loadWasm();
  const timings: EngineTiming[] = [];
  for (const engine of ['wasm', 'js'] as const) timings.push(await time(run, engine));
  scope.postMessage({ type: 'compared', timings });
}

/**
 * Times `run` on `engine`. The epoch callback only posts progress (fit calls it either way, so the
 * timing pays one clock read per epoch); it never yields, so the page stops a timing by ending
 * this worker rather than by a message.
 */
async function time(run: Run, engine: EngineKind): Promise<EngineTiming> {
  let runs = 0, posted = 0;
  const epochs = run.fit.epochs ?? 1;
  const onEpochEnd = (epoch: number) => {
    const now = performance.now();
    if (now - posted < TIMING_PROGRESS_MS) return;
    posted = now;
    scope.postMessage({ type: 'timing', engine, runs, epoch: epoch + 1, epochs });
  };
  const once = async () => {
    const t0 = performance.now();
    const history = await new Model(run.model).fit(run.x, run.y, { ...run.fit, engine, onEpochEnd });
    runs++;
    return { ms: performance.now() - t0, loss: history.loss[history.loss.length - 1]! };
  };
  // The first run also warms the JIT up; it counts only when it alone fills the budget.
  const first = await once();
  if (first.ms >= TIMING_BUDGET_MS) return { engine, ms: first.ms, runs: 1, loss: first.loss };
  let total = 0, timed = 0, loss = first.loss;
  while (total < TIMING_BUDGET_MS) {
    const r = await once();
    total += r.ms;
    timed++;
    loss = r.loss;
  }
  return { engine, ms: total / timed, runs: timed, loss };
}
