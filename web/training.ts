// The train feature: Train runs the form's fit in the page's worker (web/background.ts), whose
// WorkerTrainer stays between runs so that a run starts at once, and draws the epochs it reports once
// per frame, however often they come; Stop ends it after the epoch under way. The panels are reset
// by the run's first drawing, so a run the library refuses leaves them as they were.
import { BackpropError, type Weights } from '../src/browser.js';
import type { Diverged, Epochs, Fitted } from './background.js';
import type { Ended } from './pageProtocol.js';
import { plural } from './pageData.js';
import { mark, problemOf, runMessage, type PageData, type Run } from './form.js';
import { predictionsTable, PREDICTED_ROWS, runCode, weightsTables } from './results.js';
import { begin, end, say } from './state.js';
import { withCrosses } from './toys.js';
import { $, accuracy, background, diagram, lossChart, stage, startViews } from './views.js';
import { lazyUnflatten } from './weightsFlat.js';

/** Milliseconds per epoch at least when watching, so that the charts can be followed. */
const WATCH_MS_PER_EPOCH = 10;

/** What the worker reported since the page last drew: the page draws once per frame, however often reports come. */
interface Unseen {
  epochs: number;
  losses: number[];
  testLosses: (number | undefined)[];
  testAccuracy?: number;
  drawn?: Weights;
  frame?: number;
}

interface TrainJob { run: Run; data: PageData; started: boolean; stopping: boolean; unseen: Unseen; since: number }
let job: TrainJob | undefined;

/** The last Train's run and the epochs it finished, while the diagram shows its weights: a Step continues it. */
export let trained: { run: Run; epochs: number } | undefined;
export const forgetTrained = () => { trained = undefined; };

/** Clears what the last run left: its loss chart, results and timings no longer describe the settings. */
export function clearRun(): void {
  lossChart.clear();
  const final = $('final');
  final.textContent = '';
  for (const key of ['loss', 'testLoss', 'accuracy', 'testAccuracy']) delete final.dataset[key];
  for (const id of ['predictions', 'weights', 'code', 'timings']) $(id).replaceChildren();
}

/** Trains `run` on `data` in the page's worker, drawing the epochs as they are reported. */
export async function train(run: Run, data: PageData): Promise<void> {
  if (!begin('training')) return;
  trained = undefined;
  const current: TrainJob = { run, data, started: false, stopping: false, unseen: { epochs: 0, losses: [], testLosses: [] }, since: performance.now() };
  job = current;
  say('Starting…', 'running');
  // The rows cross to the worker in a task of their own: after the form's reading of them, in the
  // click's task, a 200,000-row CSV's copy (25 ms) made it a long task of the page's thread.
  await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    const sample = withCrosses(data.x.slice(0, Math.min(PREDICTED_ROWS, data.rows) * data.features.length), run.crosses);
    const fitting = background.fit(
      { model: run.model, x: run.x, y: run.y, fit: { ...run.fit, ...(run.pace === 'watch' ? { pace: WATCH_MS_PER_EPOCH } : {}) }, sample },
      (epochs) => report(current, epochs),
    );
    // A Stop in the moment before: its message went before the fit's
    if (current.stopping) background.stop();
    const fitted = await fitting;
    if (job !== current) return;
    await finish(current, fitted);
  } catch (e) {
    if (job !== current) return;
    if (current.unseen.frame !== undefined) cancelAnimationFrame(current.unseen.frame);
    // The epochs a diverged fit finished and reported before it failed are drawn, as a finished fit's are;
    // an error while drawing ends the run here too, and nothing draws again after it.
    const diverged = (e as Error).name === 'DivergenceError';
    const fromFit = e instanceof BackpropError || diverged;
    if (fromFit && current.unseen.losses.length > 0) draw(current);
    // The model keeps the weights of the last epoch it finished: the maps and the results show them (the
    // first drawing above, in this same turn, starts the maps anew, after the fit's last weights were sent).
    const kept = (e as Partial<Diverged>).kept;
    if (diverged && current.started && kept) {
      showWeights(current, kept);
      const epochs = current.unseen.epochs;
      stage(`After epoch ${epochs} of ${run.fit.epochs}: the weights the model kept.`);
      $('final').textContent = `Diverged in epoch ${epochs + 1}. Below, the weights of epoch ${epochs}, the last one finished, which the model keeps, and their predictions.`;
    }
    job = undefined;
    end('training');
    if (e instanceof BackpropError && !current.started) {
      const p = problemOf(e);
      mark(p.input, p.message);
      say(`Not started: ${p.message}`, 'error');
      $(p.input).focus();
      return;
    }
    if (!fromFit) console.error(e);
    // A divergence says so itself ("Training diverged at epoch 2, …"); anything else is said to have ended the run.
    say(diverged ? runMessage(e as Error) : `Training ended: ${runMessage(e as Error)}`, 'error');
  }
}

/** Stop: the worker ends the fit after the epoch it is in. */
export function stop(): void {
  if (!job) return;
  job.stopping = true;
  background.stop();
  $<HTMLButtonElement>('stop').disabled = true;
  say('Stopping after this epoch…', 'running');
}

function report(current: TrainJob, m: Epochs): void {
  if (job !== current) return;
  const unseen = current.unseen;
  unseen.epochs = m.epochs;
  for (const loss of m.losses) unseen.losses.push(loss);
  for (const loss of m.testLosses) unseen.testLosses.push(loss);
  if (m.testAccuracy !== undefined) unseen.testAccuracy = m.testAccuracy;
  if (m.drawn) unseen.drawn = m.drawn;
  unseen.frame ??= requestAnimationFrame(() => {
    unseen.frame = undefined;
    try {
      draw(current);
    } catch (e) {
      // A drawing that fails would fail again next frame: end the run, saying what went wrong.
      console.error(e);
      job = undefined;
      background.stop();
      end('training');
      say(`Training stopped: the page could not draw it (${(e as Error).message}).`, 'error');
    }
  });
}

const percent = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Draws what the worker reported since the last drawing: the first one resets the panels for this run. */
function draw(current: TrainJob): void {
  if (job !== current) return;
  const { run, data: d, unseen } = current;
  if (!current.started) {
    current.started = true;
    clearRun();
    lossChart.start(Number(run.fit.epochs), run.test !== undefined);
    startViews(run, d, true, true);
    // On a phone the chart starts below the form: bring it into view, or Train seems to do nothing (Stop keeps the focus).
    const panel = $('loss-panel').getBoundingClientRect();
    if (panel.top < 0 || panel.bottom > innerHeight) $('loss-panel').scrollIntoView({ block: 'start' });
  }
  lossChart.append(unseen.losses, unseen.testLosses);
  unseen.losses = [];
  unseen.testLosses = [];
  if (unseen.drawn) {
    diagram.update(unseen.drawn);
    unseen.drawn = undefined;
  }
  stage(`After epoch ${unseen.epochs} of ${run.fit.epochs}.`);
  const seconds = (performance.now() - current.since) / 1000;
  const rate = seconds > 0.2 ? `; ${Math.round(unseen.epochs / seconds).toLocaleString('en-US')} epochs/s, ${Math.round((unseen.epochs * run.y.length) / seconds).toLocaleString('en-US')} rows/s` : '';
  const test = unseen.testAccuracy !== undefined ? `, test accuracy ${percent(unseen.testAccuracy)}` : '';
  if (!current.stopping) say(`Training: epoch ${unseen.epochs} of ${run.fit.epochs}, loss ${lossChart.last.toPrecision(4)}${test}${rate}`, 'running');
}

/**
 * The fit's end: its last epochs drawn, the trained weights shown and the results. A big network's
 * weights come flat and the predictions come computed, so that little is done on this thread (the
 * nested weights are built only if a pick in the diagram reads them).
 */
async function finish(current: TrainJob, fitted: Fitted): Promise<void> {
  const { history } = fitted;
  if (current.unseen.frame !== undefined) cancelAnimationFrame(current.unseen.frame);
  current.unseen.frame = undefined;
  draw(current);
  const { run, data: d } = current;
  const epochs = history.loss.length, loss = history.loss[epochs - 1]!;
  trained = { run, epochs };
  showWeights(current, fitted);
  const stopped = epochs < (run.fit.epochs ?? 1);
  const summary = `${stopped ? 'Stopped after' : 'Trained for'} ${plural(epochs, 'epoch')}; final loss ${loss.toPrecision(6)}`;
  stage(`After training: the weights of epoch ${epochs}.`);
  const final = $('final');
  const testLoss = history.valLoss?.[epochs - 1];
  final.textContent = `${summary}. Loss went from ${history.loss[0]!.toPrecision(6)} after the first epoch to ${loss.toPrecision(6)}.`
    + (testLoss !== undefined ? ` On the ${plural(run.test!.y.length, 'held-out row')}: ${testLoss.toPrecision(6)}.` : '');
  final.dataset.loss = String(loss);
  if (testLoss !== undefined) final.dataset.testLoss = String(testLoss);
  let scored = '';
  if (d.task === 'classification') {
    const [train, test] = await accuracy(run);
    if (train !== undefined) {
      final.dataset.accuracy = String(train);
      if (test !== undefined) final.dataset.testAccuracy = String(test);
      scored = `; accuracy ${percent(train)} of the training rows${test !== undefined ? `, ${percent(test)} of the held-out rows` : ''}`;
      final.append(` Accuracy: ${percent(train)} of the training rows${test !== undefined ? `, ${percent(test)} of the held-out rows` : ''}.`);
    }
  }
  if (job !== current) return;
  job = undefined;
  end('training');
  say(`${summary}${scored}.`, stopped ? 'stopped' : 'done');
}

/** Weights at a fit's end (trained, or kept when it diverged): in the diagram (its picks read every weight), the maps, and the results' tables and code. */
function showWeights({ run, data: d }: TrainJob, { flat, drawn, predictions }: Ended): void {
  diagram.update(drawn, undefined, lazyUnflatten(flat, run.network));
  background.mapFitted(run.plane !== undefined);
  $('predictions').replaceChildren(predictionsTable(d, predictions));
  $('weights').replaceChildren(weightsTables(drawn, run.network, run.inputs, d.classes));
  $('code').textContent = runCode(run);
}
