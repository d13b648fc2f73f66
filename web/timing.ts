// The timing feature: trains the form's run on each engine in a WorkerTrainer of its own, each fit
// from the run's initial model, and shows the mean time of a whole fit; Stop ends that worker. While
// a timing runs the settings are locked; its progress line goes with it, stopped or done.
import { BackpropError, DivergenceError, WorkerTrainer, type EngineKind } from '../src/browser.js';
import type { Run } from './form.js';
import { timingsView, type EngineTiming } from './results.js';
import { begin, end, phaseNow, say } from './state.js';
import { $ } from './views.js';

/** Each engine trains for at least this long when timed, so that short runs are averaged. */
const TIMING_BUDGET_MS = 300;
/** How often a timing's progress line changes. */
const TIMING_PROGRESS_MS = 100;
const ENGINE_NAMES = { wasm: 'WebAssembly', js: 'pure JavaScript' } as const;

let timer: WorkerTrainer | undefined;

export async function compare(run: Run): Promise<void> {
  if (!begin('timing')) return;
  const trainer = new WorkerTrainer(run.model);
  timer = trainer;
  $('timings').replaceChildren();
  say('Timing both engines…', 'running');
  // No test rows in a timing: it measures training alone.
  const { validationData: _, ...fit } = run.fit;
  const timed = { ...run, fit };
  try {
    const timings: EngineTiming[] = [];
    for (const engine of ['wasm', 'js'] as const) timings.push(await time(timed, trainer, engine));
    $('timings').replaceChildren(timingsView(timings));
    end('timing');
    say('Timed both engines: see “WebAssembly or plain JavaScript?”.', 'done');
  } catch (e) {
    // Stop ends the worker, and with it the fit
    if (timer !== trainer) return;
    if (!(e instanceof BackpropError || e instanceof DivergenceError)) console.error(e);
    $('timings').replaceChildren();
    end('timing');
    say((e as Error).message, 'error');
  } finally {
    if (timer === trainer) timer = undefined;
    void trainer.terminate();
  }
}

/**
 * Times `run` on `engine`: the wall time of each whole fit, seen from this thread. The fit's epoch
 * reports only move the progress line (the worker sends them either way).
 */
async function time(run: Run, trainer: WorkerTrainer, engine: EngineKind): Promise<EngineTiming> {
  let runs = 0, shown = 0;
  const epochs = run.fit.epochs ?? 1;
  const onEpochEnd = (epoch: number) => {
    const now = performance.now();
    if (now - shown < TIMING_PROGRESS_MS || timer !== trainer) return;
    shown = now;
    // Shown in the panel too: on a phone the form's status line is far above it.
    const progress = `Timing ${ENGINE_NAMES[engine]}: fit ${runs + 1}, epoch ${epoch + 1} of ${epochs}…`;
    say(progress, 'running');
    $('timings').replaceChildren(Object.assign(document.createElement('p'), { className: 'progress', textContent: progress }));
  };
  const once = async () => {
    trainer.setModel(run.model);
    const t0 = performance.now();
    const history = await trainer.fit(run.x, run.y, { ...run.fit, engine, onEpochEnd });
    runs++;
    return { ms: performance.now() - t0, loss: history.loss[history.loss.length - 1]! };
  };
  // A one-epoch fit first, untimed: the worker's start and the engine's kernels load in it.
  await trainer.fit(run.x, run.y, { ...run.fit, epochs: 1, engine });
  // The first whole fit also warms the JIT up; it counts only when it alone fills the budget.
  const first = await once();
  if (first.ms >= TIMING_BUDGET_MS) return { engine, ms: first.ms, runs: 1, loss: first.loss };
  let total = 0, count = 0, loss = first.loss;
  while (total < TIMING_BUDGET_MS) {
    const r = await once();
    total += r.ms;
    count++;
    loss = r.loss;
  }
  return { engine, ms: total / count, runs: count, loss };
}

/** Stop: ends the timing's worker; nothing was measured, and its progress line goes. */
export function stopTiming(): void {
  if (phaseNow() !== 'timing' || !timer) return;
  void timer.terminate();
  timer = undefined;
  $('timings').replaceChildren();
  end('timing');
  say('Timing stopped; nothing was measured.', 'stopped');
}
