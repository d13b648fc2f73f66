// The demo page: the form starts a run in the worker (web/worker.ts), and each snapshot it sends
// back redraws the loss chart, the network diagram and the probability map.
import { BackpropError, Model, type DatasetName } from '../src/browser.js';
import { clearErrors, csvColumns, csvData, listActivations, readRun, showError, showMomentum, tutorialData, useCsvDefaults, useTask, type PageData } from './form.js';
import { NetworkDiagram } from './diagram.js';
import { gridPoints, probabilities } from './grid.js';
import { LossChart } from './lossChart.js';
import { CLASS_COLORS, PROBABILITY_GRADIENT, ProbabilityMap } from './probabilityMap.js';
import type { FromWorker, Run, Snapshot, ToWorker } from './protocol.js';
import { predictionsTable, runCode, timingsView, weightsTables } from './results.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

const lossChart = new LossChart($('loss-chart'));
const diagram = new NetworkDiagram($('network') as unknown as SVGSVGElement);
const map = new ProbabilityMap($('plane-chart'));

let data: PageData | undefined;
let csv: { text: string; file: string } | undefined;
/** The run in the worker, if any; its panels are reset by its first snapshot, so a refused run leaves them alone. */
let job: { run: Run; data: PageData; started: boolean; stopping: boolean } | undefined;

function setStatus(text: string, state: 'idle' | 'running' | 'done' | 'stopped' | 'error'): void {
  const status = $('status');
  status.textContent = text;
  status.dataset.state = state;
}

function setBusy(busy: boolean, stoppable = false): void {
  $<HTMLButtonElement>('train').disabled = busy;
  $<HTMLButtonElement>('compare').disabled = busy;
  $<HTMLButtonElement>('stop').disabled = !stoppable;
  // The settings stay as the run has them until it ends.
  for (const fieldset of $('settings').querySelectorAll('fieldset')) fieldset.disabled = busy;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function describeData(): void {
  $('data-summary').textContent = data
    ? `${plural(data.rows, 'row')} from ${data.title}: ${data.features.join(', ')} → ${data.target}${data.task === 'classification' ? ' (0 or 1)' : ''}.`
    : 'Choose a CSV file with a header row.';
  $('loss-summary').textContent = !data ? '' : data.task === 'classification'
    ? 'One output unit, its probability of 1; the loss is binary cross-entropy, as the targets are 0 or 1.'
    : 'One output unit, the predicted value; the loss is the squared error (mse).';
  // The map exists for two-feature classification only; elsewhere Results takes its place.
  const d = data?.task === 'classification' && data.features.length === 2 ? data : undefined;
  $('plane-panel').hidden = d === undefined;
  if (!d) return;
  $('plane-explain').textContent = `The colour is the network's probability that ${d.target} = 1 at each point (${d.features.join(', ')}): `
    + 'red towards 1, blue towards 0, white at 0.5, where its answer flips. The dots are the training rows, coloured by their target.';
  $('plane-legend').replaceChildren(...mapLegend(d.target));
}

/** The map's key: each class's dot colour, then the probability scale. */
function mapLegend(target: string): HTMLElement[] {
  const span = (className: string, text = '', background?: string) => {
    const s = document.createElement('span');
    s.className = className;
    s.textContent = text;
    if (background) s.style.background = background;
    return s;
  };
  const classes = CLASS_COLORS.map((color, label) => {
    const item = span('key', ` ${target} = ${label}`);
    item.prepend(span('dot', '', color));
    return item;
  });
  const scale = span('scale');
  scale.append(span('', '0'), span('bar', '', PROBABILITY_GRADIENT), span('', '1'));
  return [...classes, scale];
}

/** Draws the untrained network (and its probability map) for the current settings; bad settings wait for Train to be reported. */
function preview(): void {
  if (!data || job) return;
  let run: Run, model: Model;
  try {
    run = readRun(data);
    model = new Model(run.model);
  } catch (e) {
    if (e instanceof BackpropError) return;
    throw e;
  }
  showModel(run, data, model);
  $('network-stage').textContent = $('plane-stage').textContent = 'Before training: the initial weights.';
}

function showModel(run: Run, d: PageData, model: Model): void {
  diagram.start(run.model, d.features, d.target);
  diagram.update(model.getWeights());
  if (run.plane) {
    map.start(run.plane, d.x, d.y, d.features);
    map.update(probabilities(model, gridPoints(run.plane)));
  }
}

/** Clears what the last run left, when the data it ran on is no longer chosen. */
function clearRun(): void {
  lossChart.clear();
  const final = $('final');
  final.textContent = '';
  delete final.dataset.loss;
  for (const id of ['predictions', 'weights', 'code', 'timings']) $(id).replaceChildren();
}

function chooseTask(): void {
  const task = $<HTMLSelectElement>('task').value;
  $('csv-fields').hidden = task !== 'csv';
  clearErrors();
  clearRun();
  if (task === 'csv') {
    data = undefined;
    if (csv) loadCsv();
  } else {
    data = tutorialData(task as DatasetName);
    useTask(task as DatasetName);
  }
  describeData();
  preview();
}

async function chooseFile(): Promise<void> {
  const file = $<HTMLInputElement>('csv-file').files?.[0];
  if (!file) return;
  clearErrors();
  const text = await file.text();
  const target = $<HTMLSelectElement>('target');
  try {
    const columns = csvColumns(text, file.name);
    target.replaceChildren(...columns.map((c) => new Option(c, c)));
    target.value = columns[columns.length - 1]!;
    csv = { text, file: file.name };
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    csv = undefined;
    target.replaceChildren();
    showError(e.field, e.message);
  }
  data = undefined;
  if (csv) loadCsv();
  clearRun();
  describeData();
  preview();
}

function loadCsv(): void {
  try {
    data = csvData(csv!.text, csv!.file, $<HTMLSelectElement>('target').value);
    useCsvDefaults(data.task);
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    data = undefined;
    showError(e.field, e.message);
  }
}

function start(kind: 'train' | 'compare'): void {
  if (job) return;
  clearErrors();
  if (!data) {
    showError('csv-file', 'choose a CSV file with a header row and numeric columns first');
    return;
  }
  const run = readRun(data);
  job = { run, data, started: false, stopping: false };
  setBusy(true, kind === 'train');
  setStatus(kind === 'train' ? 'Starting…' : 'Timing both engines…', 'running');
  send({ type: kind, run });
}

function show(s: Snapshot): void {
  const { run, data: d } = job!;
  if (!job!.started) {
    job!.started = true;
    lossChart.start(Number(run.fit.epochs));
    diagram.start(run.model, d.features, d.target);
    if (run.plane) map.start(run.plane, d.x, d.y, d.features);
  }
  lossChart.append(s.losses);
  diagram.update(s.weights);
  if (s.plane) map.update(s.plane);
  $('network-stage').textContent = $('plane-stage').textContent = `After epoch ${s.epochs} of ${run.fit.epochs}.`;
  if (!job!.stopping) setStatus(`Training: epoch ${s.epochs} of ${run.fit.epochs}, loss ${lossChart.last.toPrecision(4)}`, 'running');
}

function finish(m: Extract<FromWorker, { type: 'done' }>): void {
  show(m.snapshot);
  const { run, data: d } = job!;
  job = undefined;
  const epochs = m.loss.length, loss = m.loss[epochs - 1]!;
  const summary = `${m.stopped ? 'Stopped after' : 'Trained for'} ${plural(epochs, 'epoch')}; final loss ${loss.toPrecision(6)}.`;
  setStatus(summary, m.stopped ? 'stopped' : 'done');
  $('network-stage').textContent = $('plane-stage').textContent = `After training: the weights of epoch ${epochs}.`;
  const final = $('final');
  final.textContent = `${summary} Loss went from ${m.loss[0]!.toPrecision(6)} after the first epoch to ${loss.toPrecision(6)}.`;
  final.dataset.loss = String(loss);
  $('predictions').replaceChildren(predictionsTable(d, m.predictions));
  $('weights').replaceChildren(weightsTables(m.snapshot.weights, d.features));
  $('code').textContent = runCode(run, d);
  setBusy(false);
}

worker.onmessage = ({ data: m }: MessageEvent<FromWorker>) => {
  if (m.type === 'progress') show(m.snapshot);
  else if (m.type === 'done') finish(m);
  else if (m.type === 'compared') {
    job = undefined;
    $('timings').replaceChildren(timingsView(m.timings));
    setStatus('Timed both engines: see “WebAssembly or plain JavaScript?”.', 'done');
    setBusy(false);
  } else {
    const refused = m.field !== undefined && !job?.started;
    job = undefined;
    if (refused) {
      showError(m.field!, m.message);
      setStatus('Not started: fix the setting marked in red.', 'error');
    } else setStatus(m.message, 'error');
    setBusy(false);
  }
};

worker.onerror = (e) => {
  console.error(`The training worker failed: ${e.message}`);
  job = undefined;
  setStatus(`The training worker failed: ${e.message}`, 'error');
  setBusy(false);
};

$('settings').addEventListener('submit', (e) => { e.preventDefault(); start('train'); });
$('compare').addEventListener('click', () => start('compare'));
$('stop').addEventListener('click', () => {
  if (job) job.stopping = true;
  send({ type: 'stop' });
  $<HTMLButtonElement>('stop').disabled = true;
  setStatus('Stopping after this epoch…', 'running');
});
$('task').addEventListener('change', chooseTask);
$('csv-file').addEventListener('change', () => void chooseFile());
$('target').addEventListener('change', () => { clearErrors(); clearRun(); loadCsv(); describeData(); preview(); });
$('optimizer').addEventListener('change', showMomentum);
for (const id of ['hidden', 'hidden-activation', 'output-activation', 'init']) $(id).addEventListener('input', preview);

listActivations();
chooseTask();
