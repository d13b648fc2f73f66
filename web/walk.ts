// The step feature: Step and Play walk the fit the form describes one batch at a time, through
// model.trace in this thread, so that each step's gradients and chain-rule factors can be shown.
// After `steps` steps the weights are those fit has after as many: each Step traces step `steps + 1`
// of fit(x, y, options) with `apply: true` on a model with the run's initial weights, so the numbers
// shown are fit's own; past the form's epochs it is the same fit run longer. After a Train the walk
// goes on from the trained weights, the steps of the epochs trained. Any change to the settings
// starts the walk over.
import { BackpropError, Model } from '../src/browser.js';
import { currentData, plural } from './pageData.js';
import { runMessage, type Run } from './form.js';
import { begin, end, idle, say } from './state.js';
import { clearRun, forgetTrained, trained } from './training.js';
import { $, showWeights, stage, startViews } from './views.js';

/**
 * Weights and biases up to which Step runs: it traces in the page's thread, with a central
 * difference beside each gradient (two forward passes of the batch per parameter), and re-runs the
 * steps before it from the initial weights; beyond this it would hold the page up, and Step says so.
 */
const MAX_STEP_PARAMS = 1000;
/** Milliseconds between Play's steps: slow enough to read the numbers change. */
const PLAY_MS = 600;
/**
 * Row-steps × parameters up to which a Step re-runs the steps before it (about a tenth of a second);
 * past it, a Step after a long Train starts from step 1 instead.
 */
const MAX_STEP_WORK = 2e7;

interface Walk { run: Run; steps: number }
let walk: Walk | undefined;
interface Playing { timer?: ReturnType<typeof setTimeout> }
/** Set while Play runs: the timer of its next Step. */
let playing: Playing | undefined;

const parameters = (run: Run) => run.network.layers.reduce((n, l, i) => n + l.units * ((i === 0 ? run.network.inputs : run.network.layers[i - 1]!.units) + 1), 0);
// The page's targets are one number per row.
const stepsPerEpoch = (run: Run) => Math.ceil(run.y.length / Number(run.fit.batchSize));

/** The settings changed: the next Step starts their fit from step 1. */
export function forgetWalk(): boolean {
  pause();
  const had = walk !== undefined;
  walk = undefined;
  delete $('network-stage').dataset.step;
  return had;
}

/** Runs the walk's next step (starting a walk from `checked`'s run if there is none); false when it could not. */
export async function step(checked: () => Promise<Run | undefined>): Promise<boolean> {
  if (!idle()) return false;
  let note = '';
  if (!walk) {
    const run = trained?.run ?? await checked();
    if (!run || walk) return false;
    const params = parameters(run);
    if (params > MAX_STEP_PARAMS) {
      say(`Step runs in the page's own thread, for networks of at most ${MAX_STEP_PARAMS} weights and biases; this one has ${params}. Train runs it in the background.`, 'error');
      return false;
    }
    const steps = trained ? trained.epochs * stepsPerEpoch(run) : 0;
    const rows = Math.min(Number(run.fit.batchSize), run.y.length);
    if (trained && (steps + 1) * rows * params <= MAX_STEP_WORK) walk = { run, steps };
    else {
      if (trained) note = ` (From step 1: continuing the trained fit would re-run its ${steps} steps in this thread.)`;
      walk = { run, steps: 0 };
      clearRun();
      startViews(run, currentData()!, true);
    }
    forgetTrained();
  }
  if (!begin('stepping')) return false;
  const current = walk;
  try {
    // apply: the model ends where fit leaves it after this step, and so do the weights drawn.
    const model = new Model(current.run.model);
    const next = current.steps + 1;
    const epochs = Math.max(Number(current.run.fit.epochs), Math.ceil(next / stepsPerEpoch(current.run)));
    const { validationData: _, ...fit } = current.run.fit;
    const trace = await model.trace(current.run.x, current.run.y, { ...fit, epochs, step: next, apply: true });
    if (walk !== current) return false;
    current.steps = trace.step;
    showWeights(current.run, trace.newWeights, trace);
    stage(`After step ${trace.step} (epoch ${trace.epoch}): one batch of ${plural(trace.rows.length, 'row')}.`);
    $('network-stage').dataset.step = String(trace.step);
    say(`Step ${trace.step}, epoch ${trace.epoch}: the batch's loss was ${trace.loss.toPrecision(4)}. Pick a line or a unit to see its gradient.${note}`, 'idle');
    return true;
  } catch (e) {
    // A step past the fit's last ("raise epochs") is refused by the library with what to do.
    if (!(e instanceof BackpropError)) throw e;
    if (walk === current) say(runMessage(e), 'error');
    return false;
  } finally {
    end('stepping');
  }
}

/** Play: a Step every PLAY_MS until Pause, or until a step cannot run. */
export function play(checked: () => Promise<Run | undefined>): void {
  if (playing) {
    pause();
    return;
  }
  const current: Playing = {};
  playing = current;
  const button = $<HTMLButtonElement>('play');
  button.textContent = 'Pause';
  button.setAttribute('aria-pressed', 'true');
  const next = async () => {
    if (playing !== current) return;
    if (!(await step(checked))) pause();
    else if (playing === current) current.timer = setTimeout(next, PLAY_MS);
  };
  void next();
}

export function pause(): void {
  if (!playing) return;
  clearTimeout(playing.timer);
  playing = undefined;
  const button = $<HTMLButtonElement>('play');
  button.textContent = 'Play';
  button.setAttribute('aria-pressed', 'false');
}
