// The demo page: the form starts a run in the library's WorkerTrainer, and the epochs it reports
// redraw the loss chart, the network diagram and the maps, once per frame. Step and Play walk the
// same fit one batch at a time through model.trace, in this thread, so that each step's gradients
// can be shown.
import { BackpropError, DivergenceError, fitScaler, Model, WorkerTrainer, type EngineKind, type History, type Weights, type WorkerEpochLogs } from '../src/browser.js';
import { checkForm, clearErrors, csvColumns, csvData, listActivations, mark, marked, MAX_UNITS, planeGrid, problemOf, readRun, showMomentum, tutorialData, useCsvDefaults, useTask, type PageData, type PageTask, type Run } from './form.js';
import { showDerivation } from './derivation.js';
import { NetworkDiagram } from './diagram.js';
import { LossChart } from './lossChart.js';
import { classColor, PROBABILITY_GRADIENT, ProbabilityMap } from './probabilityMap.js';
import { predictionsTable, runCode, timingsView, weightsTables, type EngineTiming } from './results.js';
import { UnitMaps } from './unitMaps.js';
import { fragment } from './fragment.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Milliseconds per epoch at least when watching, so that the charts can be followed. */
const WATCH_MS_PER_EPOCH = 10;
/** Each engine trains for at least this long when timed, so that short runs are averaged. */
const TIMING_BUDGET_MS = 300;
/** How often a timing's progress line changes. */
const TIMING_PROGRESS_MS = 100;

/**
 * Weights and biases up to which Step runs: it traces in the page's thread, with a central
 * difference beside each gradient (two forward passes of the batch per parameter), and re-runs the
 * steps before it from the initial weights; beyond this it would hold the page up, and Step says so.
 */
const MAX_STEP_PARAMS = 1000;
/** Milliseconds between Play's steps: slow enough to read the numbers change. */
const PLAY_MS = 600;

/** Typing in the network fields redraws the diagram once the typing pauses, not on every key. */
const PREVIEW_DELAY_MS = 200;
/** The inputs that hold the data rather than a setting: their messages stay until the data changes. */
const DATA_INPUTS = ['task', 'csv-file', 'target'];
const ENGINE_NAMES = { wasm: 'WebAssembly', js: 'pure JavaScript' } as const;

const lossChart = new LossChart($('loss-chart'));
const diagram = new NetworkDiagram($('network') as unknown as SVGSVGElement, $('network-details'));
const map = new ProbabilityMap($('plane-chart'));
const unitMaps = new UnitMaps($('unit-maps'));
diagram.onSelect = (part) => (part.kind === 'unit' ? unitMaps.highlight(part.column, part.unit) : unitMaps.highlight(-1, -1));

let data: PageData | undefined;
let csv: { text: string; file: string } | undefined;
/** What the worker reported since the page last drew: the page draws once per frame, however often reports come. */
interface Unseen {
  epochs: number;
  losses: number[];
  weights?: Weights;
  frame?: number;
}

/**
 * The run under way, if any. Training runs in the page's trainer, whose worker stays between runs so
 * that a run starts at once; its panels are reset by its first drawing, so a run the library
 * refuses leaves them alone. A timing runs in a WorkerTrainer of its own, which Stop ends.
 */
type TrainJob = { kind: 'train'; trainer: WorkerTrainer; run: Run; data: PageData; started: boolean; stopping: boolean; unseen: Unseen };
let job: TrainJob | { kind: 'compare'; trainer: WorkerTrainer } | undefined;
/** The page's trainer for training runs, started by the first one (and again after its worker fails). */
let runner: WorkerTrainer | undefined;
/** True while the library checks the form for a Train or a timing. */
let checking = false;

/**
 * Step and Play's walk through the fit the form describes: after `steps` steps, the weights that
 * fit has after as many. Each Step traces step `steps + 1` of fit(x, y, options) with `apply: true`
 * on a model with the run's initial weights, so the numbers shown are fit's own; past the form's
 * epochs it is the same fit run longer (the epochs do not change a step). After a Train the walk
 * goes on from the trained weights, the steps of the epochs trained. Any change to the settings
 * starts the walk over.
 */
interface Walk { run: Run; steps: number }
let walk: Walk | undefined;
/** The last Train's run and the epochs it finished, while the diagram shows its weights: a Step continues it. */
let trained: { run: Run; epochs: number } | undefined;

/**
 * Row-steps × parameters up to which a Step re-runs the steps before it (about a tenth of a second);
 * past it, a Step after a long Train starts from step 1 instead.
 */
const MAX_STEP_WORK = 2e7;

const parameters = (run: Run) => run.model.layers.reduce((n, l, i) => n + l.units * ((i === 0 ? run.model.inputs : run.model.layers[i - 1]!.units) + 1), 0);
// The page's targets are one number per row.
const stepsPerEpoch = (run: Run) => Math.ceil(run.y.length / Number(run.fit.batchSize));
/** True while a Step traces. */
let stepping = false;
/** Set while Play runs: the timer of its next Step. */
let playing: Playing | undefined;
interface Playing { timer?: ReturnType<typeof setTimeout> }

function setStatus(text: string, state: 'idle' | 'running' | 'done' | 'stopped' | 'error'): void {
  const status = $('status');
  status.textContent = text;
  status.dataset.state = state;
}

/** Locks the settings for a run (they stay as the run has them until it ends) and moves focus to the button that stops it, and back. */
function setBusy(kind: 'train' | 'compare' | undefined): void {
  const buttons = { train: $<HTMLButtonElement>('train'), compare: $<HTMLButtonElement>('compare') };
  const stops = { train: $<HTMLButtonElement>('stop'), compare: $<HTMLButtonElement>('stop-timing') };
  const focused = document.activeElement;
  buttons.train.disabled = buttons.compare.disabled = $<HTMLButtonElement>('step').disabled = $<HTMLButtonElement>('play').disabled = kind !== undefined;
  stops.train.disabled = kind !== 'train';
  stops.compare.disabled = kind !== 'compare';
  for (const fieldset of $('settings').querySelectorAll('fieldset')) fieldset.disabled = kind !== undefined;
  if (kind) stops[kind].focus();
  else if (focused === stops.train || focused === stops.compare || focused === document.body || focused === null) {
    (focused === stops.compare ? buttons.compare : buttons.train).focus();
  }
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function describeData(): void {
  const classes = data?.classes;
  $('data-summary').textContent = data
    ? `${plural(data.rows, 'row')} from ${data.title}: ${data.features.join(', ')} → ${data.target}${classes ? ` (${classes.length} classes: ${classes.join(', ')})` : data.task === 'classification' ? ' (0 or 1)' : ''}.`
    : 'Choose a CSV file with a header row.';
  $('loss-summary').textContent = !data ? '' : classes
    ? `${classes.length} output units, one per class, through softmax: each class's probability; the loss is sparse categorical cross-entropy.`
    : data.task === 'classification'
    ? 'One output unit, its probability of 1; the loss is binary cross-entropy, as the targets are 0 or 1.'
    : 'One output unit, the predicted value; the loss is the squared error (mse).';
  // The map exists for two-feature classification only; elsewhere Results takes its place.
  const d = data?.task === 'classification' && data.features.length === 2 ? data : undefined;
  $('plane-panel').hidden = d === undefined;
  if (!d) return;
  $('plane-explain').textContent = d.classes
    ? `The colour at each point (${d.features.join(', ')}) is the class the network finds most probable there, deeper the surer it is: `
      + `white where the ${d.classes.length} classes tie. The dots are the training rows, coloured by their class.`
    : `The colour is the network's probability that ${d.target} = 1 at each point (${d.features.join(', ')}): `
      + 'red towards 1, blue towards 0, white at 0.5, where its answer flips. The dots are the training rows, coloured by their target.';
  $('plane-legend').replaceChildren(fragment(mapLegend(d.target, d.classes)));
}

/** The map's key: each class's dot colour, then (for a 0/1 target) the probability scale. */
function mapLegend(target: string, labels?: string[]): HTMLElement[] {
  const span = (className: string, text = '', background?: string) => {
    const s = document.createElement('span');
    s.className = className;
    s.textContent = text;
    if (background) s.style.background = background;
    return s;
  };
  const classes = (labels ?? ['0', '1']).map((label, k) => {
    const item = span('key', ` ${target} = ${label}`);
    item.prepend(span('dot', '', classColor(k)));
    return item;
  });
  if (labels) return classes;
  const scale = span('scale');
  scale.append(span('', '0'), span('bar', '', PROBABILITY_GRADIENT), span('', '1'));
  return [...classes, scale];
}

const stage = (text: string) => { $('network-stage').textContent = $('plane-stage').textContent = $('units-stage').textContent = text; };

/**
 * Lays out the hidden units' maps for a run on two features (`trained`: with the scaler the run
 * will fit, as its snapshots' weights expect scaled inputs); elsewhere the panel is hidden.
 */
function startUnitMaps(run: Run, d: PageData, trained: boolean): void {
  const shown = d.features.length === 2 && run.model.layers.length > 1;
  $('units-panel').hidden = !shown;
  if (!shown) {
    unitMaps.clear();
    return;
  }
  unitMaps.start(run.model, planeGrid(d), d.x, trained && run.fit.standardize ? fitScaler(d.x, d.rows, 2) : undefined);
}

/** Lays out the probability map for a run on two-feature classification, as startUnitMaps does the units' maps. */
function startMap(run: Run, d: PageData, trained: boolean): void {
  if (run.plane) map.start(run.plane, d.x, d.y, d.features, run.model, trained && run.fit.standardize ? fitScaler(d.x, d.rows, 2) : undefined);
}

/** Draws the untrained network (and its probability map) for the current settings; bad settings wait for Train to be reported. */
function preview(): void {
  if (job) return;
  if (!data) {
    diagram.clear('Choose a CSV file to see its network.');
    $('units-panel').hidden = true;
    stage('');
    return;
  }
  let run: Run, model: Model;
  try {
    run = readRun(data);
    if (run.model.layers.some((l) => l.units > MAX_UNITS)) return;
    model = new Model(run.model);
  } catch (e) {
    if (e instanceof BackpropError) return;
    throw e;
  }
  showModel(run, data, model);
  stage('Before training: the initial weights.');
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
function previewSoon(): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, PREVIEW_DELAY_MS);
}

function showModel(run: Run, d: PageData, model: Model): void {
  const weights = model.getWeights();
  diagram.start(run.model, d.features, d.target, d.classes);
  diagram.update(weights);
  startUnitMaps(run, d, false);
  unitMaps.update(weights, true);
  startMap(run, d, false);
  if (run.plane) map.update(weights, true);
}

/** Clears what the last run left: its loss chart, results and timings no longer describe the settings. */
function clearRun(): void {
  lossChart.clear();
  if (['done', 'stopped'].includes($('status').dataset.state!)) setStatus('Press Train to start.', 'idle');
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
    data = tutorialData(task as PageTask);
    useTask(task as PageTask);
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
    target.replaceChildren(fragment(columns.map((c) => new Option(c, c))));
    target.value = columns[columns.length - 1]!;
    csv = { text, file: file.name };
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    csv = undefined;
    target.replaceChildren();
    mark('csv-file', e.message);
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
    useCsvDefaults(data);
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    data = undefined;
    const p = problemOf(e);
    mark(p.input, p.message);
  }
}

/** Reports a run that was not started: the status counts the marked fields, focus goes to the first. */
function refused(): void {
  const fields = marked();
  setStatus(`Not started: ${fields.length === 1 ? 'fix the setting' : `fix the ${fields.length} settings`} marked in red.`, 'error');
  $(fields[0]!).focus();
}

async function start(kind: 'train' | 'compare'): Promise<void> {
  if (job || checking || stepping) return;
  pause();
  walk = trained = undefined;
  const run = await checkedRun();
  if (!run || job) return;
  setBusy(kind);
  if (kind === 'train') {
    if (runner) runner.setModel(run.model);
    else runner = new WorkerTrainer(run.model);
    await train({ kind, trainer: runner, run, data: data!, started: false, stopping: false, unseen: { epochs: 0, losses: [] } });
  } else {
    const trainer = new WorkerTrainer(run.model);
    await compare(run, trainer);
    void trainer.terminate();
  }
}

/** Checks the form as Train does; the run it describes, or undefined after marking what is wrong. */
async function checkedRun(): Promise<Run | undefined> {
  // A preview still waiting for typing to pause would draw the untrained network over this run's.
  clearTimeout(previewTimer);
  // A data message (a CSV file's line and column) stays: it is still true.
  clearErrors(DATA_INPUTS);
  if (!data) {
    if (marked().length === 0) mark('csv-file', 'CSV file: choose a file with a header row and numeric columns first');
    refused();
    return undefined;
  }
  checking = true;
  const problems = await checkForm(data).finally(() => { checking = false; });
  for (const p of problems) mark(p.input, p.message);
  if (problems.length > 0) {
    refused();
    return undefined;
  }
  return readRun(data);
}

/** Runs the walk's next step (starting a walk from the form if there is none); false when it could not. */
async function step(): Promise<boolean> {
  if (job || checking || stepping) return false;
  let note = '';
  if (!walk) {
    const run = trained?.run ?? await checkedRun();
    if (!run || job || walk) return false;
    const params = parameters(run);
    if (params > MAX_STEP_PARAMS) {
      setStatus(`Step runs in the page's own thread, for networks of at most ${MAX_STEP_PARAMS} weights and biases; this one has ${params}. Train runs it in the background.`, 'error');
      return false;
    }
    const steps = trained ? trained.epochs * stepsPerEpoch(run) : 0;
    const rows = Math.min(Number(run.fit.batchSize), run.y.length);
    if (trained && (steps + 1) * rows * params <= MAX_STEP_WORK) walk = { run, steps };
    else {
      if (trained) note = ` (From step 1: continuing the trained fit would re-run its ${steps} steps in this thread.)`;
      walk = { run, steps: 0 };
      clearRun();
      diagram.start(run.model, data!.features, data!.target, data!.classes);
      startUnitMaps(run, data!, true);
      startMap(run, data!, true);
    }
    trained = undefined;
  }
  const current = walk;
  stepping = true;
  try {
    // apply: the model ends where fit leaves it after this step, and so do the weights drawn.
    const model = new Model(current.run.model);
    const step = current.steps + 1;
    const epochs = Math.max(Number(current.run.fit.epochs), Math.ceil(step / stepsPerEpoch(current.run)));
    const trace = await model.trace(current.run.x, current.run.y, { ...current.run.fit, epochs, step, apply: true });
    if (walk !== current) return false;
    current.steps = trace.step;
    diagram.update(trace.newWeights, trace);
    unitMaps.update(trace.newWeights, true);
    if (current.run.plane) map.update(trace.newWeights, true);
    stage(`After step ${trace.step} (epoch ${trace.epoch}): one batch of ${plural(trace.rows.length, 'row')}.`);
    $('network-stage').dataset.step = String(trace.step);
    setStatus(`Step ${trace.step}, epoch ${trace.epoch}: the batch's loss was ${trace.loss.toPrecision(4)}. Pick a line or a unit to see its gradient.${note}`, 'idle');
    return true;
  } catch (e) {
    // A step past the fit's last ("raise epochs") is refused by the library with what to do.
    if (!(e instanceof BackpropError)) throw e;
    if (walk === current) setStatus(e.message, 'error');
    return false;
  } finally {
    stepping = false;
  }
}

/** Play: a Step every PLAY_MS until Pause, or until a step cannot run. */
function play(): void {
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
    if (!(await step())) pause();
    else if (playing === current) current.timer = setTimeout(next, PLAY_MS);
  };
  void next();
}

function pause(): void {
  if (!playing) return;
  clearTimeout(playing.timer);
  playing = undefined;
  const button = $<HTMLButtonElement>('play');
  button.textContent = 'Play';
  button.setAttribute('aria-pressed', 'false');
}

/** Trains `run` in its worker, drawing the epochs as they are reported. */
async function train(current: TrainJob): Promise<void> {
  job = current;
  setStatus('Starting…', 'running');
  const { run, trainer } = current;
  try {
    const history = await trainer.fit(run.x, run.y, {
      ...run.fit,
      progressWeights: true,
      ...(run.pace === 'watch' ? { pace: WATCH_MS_PER_EPOCH } : {}),
      onEpochEnd: (epoch, logs) => report(current, epoch, logs),
    });
    finish(current, history);
  } catch (e) {
    if (job !== current) return;
    // The epochs before a divergence stay on show
    if (current.unseen.epochs > 0) draw(current);
    job = undefined;
    setBusy(undefined);
    if (e instanceof BackpropError && !current.started) {
      const p = problemOf(e);
      mark(p.input, p.message);
      refused();
    } else {
      if (!(e instanceof BackpropError || e instanceof DivergenceError)) {
        console.error(e);
        void trainer.terminate();
        runner = undefined;
      }
      setStatus((e as Error).message, 'error');
    }
  }
}

function report(current: TrainJob, epoch: number, logs: WorkerEpochLogs): void {
  const unseen = current.unseen;
  unseen.epochs = epoch + 1;
  unseen.losses.push(logs.loss);
  if (logs.weights) unseen.weights = logs.weights;
  unseen.frame ??= requestAnimationFrame(() => {
    unseen.frame = undefined;
    draw(current);
  });
}

/**
 * Trains `run` on each engine in `trainer`'s worker, each fit from the run's initial model, and
 * shows the mean time of a whole fit. While a timing runs, the settings are locked; after it, only
 * a change to them recreates one.
 */
async function compare(run: Run, trainer: WorkerTrainer): Promise<void> {
  const current = { kind: 'compare', trainer } as const;
  job = current;
  $('timings').replaceChildren();
  setStatus('Timing both engines…', 'running');
  try {
    const timings: EngineTiming[] = [];
    for (const engine of ['wasm', 'js'] as const) timings.push(await time(run, trainer, engine));
    $('timings').replaceChildren(timingsView(timings));
    setStatus('Timed both engines: see “WebAssembly or plain JavaScript?”.', 'done');
  } catch (e) {
    // Stop ends the worker, and with it the fit
    if (job !== current) return;
    if (!(e instanceof BackpropError || e instanceof DivergenceError)) console.error(e);
    setStatus((e as Error).message, 'error');
  }
  job = undefined;
  setBusy(undefined);
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
    if (now - shown < TIMING_PROGRESS_MS) return;
    shown = now;
    // Shown in the panel too: on a phone the form's status line is far above it.
    const progress = `Timing ${ENGINE_NAMES[engine]}: fit ${runs + 1}, epoch ${epoch + 1} of ${epochs}…`;
    setStatus(progress, 'running');
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
  let total = 0, timed = 0, loss = first.loss;
  while (total < TIMING_BUDGET_MS) {
    const r = await once();
    total += r.ms;
    timed++;
    loss = r.loss;
  }
  return { engine, ms: total / timed, runs: timed, loss };
}

function stopTiming(): void {
  if (job?.kind !== 'compare') return;
  void job.trainer.terminate();
  job = undefined;
  setStatus('Timing stopped; nothing was measured.', 'stopped');
  setBusy(undefined);
}

/** Draws what the worker reported since the last drawing: the first one resets the panels for this run. */
function draw(current: TrainJob): void {
  if (job !== current) return;
  const { run, data: d, unseen } = current;
  if (!current.started) {
    current.started = true;
    clearRun();
    lossChart.start(Number(run.fit.epochs));
    diagram.start(run.model, d.features, d.target, d.classes);
    startUnitMaps(run, d, true);
    startMap(run, d, true);
  }
  lossChart.append(unseen.losses);
  unseen.losses = [];
  if (unseen.weights) {
    diagram.update(unseen.weights);
    unitMaps.update(unseen.weights);
    if (run.plane) map.update(unseen.weights);
    unseen.weights = undefined;
  }
  stage(`After epoch ${unseen.epochs} of ${run.fit.epochs}.`);
  if (!current.stopping) setStatus(`Training: epoch ${unseen.epochs} of ${run.fit.epochs}, loss ${lossChart.last.toPrecision(4)}`, 'running');
}

function finish(current: TrainJob, history: History): void {
  if (current.unseen.frame !== undefined) cancelAnimationFrame(current.unseen.frame);
  draw(current);
  if (job !== current) return;
  const { run, data: d, trainer } = current;
  job = undefined;
  const weights = trainer.model.getWeights();
  trained = { run, epochs: history.loss.length };
  diagram.update(weights);
  unitMaps.update(weights, true);
  if (run.plane) map.update(weights, true);
  const epochs = history.loss.length, loss = history.loss[epochs - 1]!;
  const stopped = epochs < (run.fit.epochs ?? 1);
  const summary = `${stopped ? 'Stopped after' : 'Trained for'} ${plural(epochs, 'epoch')}; final loss ${loss.toPrecision(6)}.`;
  setStatus(summary, stopped ? 'stopped' : 'done');
  stage(`After training: the weights of epoch ${epochs}.`);
  const final = $('final');
  final.textContent = `${summary} Loss went from ${history.loss[0]!.toPrecision(6)} after the first epoch to ${loss.toPrecision(6)}.`;
  final.dataset.loss = String(loss);
  $('predictions').replaceChildren(predictionsTable(d, trainer.model.predict(run.x)));
  $('weights').replaceChildren(weightsTables(weights, d.features));
  $('code').textContent = runCode(run, d);
  setBusy(undefined);
}

/** After a refused run, each change re-asks the library, so a fixed field's message goes as soon as it is fixed. */
let recheckTimer: ReturnType<typeof setTimeout> | undefined;
function recheck(): void {
  clearTimeout(recheckTimer);
  const settings = marked().filter((id) => !DATA_INPUTS.includes(id));
  if (!data || settings.length === 0) return;
  recheckTimer = setTimeout(async () => {
    if (!data || job) return;
    const problems = await checkForm(data);
    for (const id of marked().filter((i) => !DATA_INPUTS.includes(i))) mark(id, problems.find((p) => p.input === id)?.message);
    if (marked().length === 0 && $('status').dataset.state === 'error') setStatus('Press Train to start.', 'idle');
  }, PREVIEW_DELAY_MS);
}

/** A change to the network makes the last run's chart and results stale: they go, and the new network is drawn. */
function networkChanged(): void {
  if (job) return;
  clearRun();
  previewSoon();
}

$('settings').addEventListener('submit', (e) => { e.preventDefault(); void start('train'); });
$('settings').addEventListener('input', recheck);
$('settings').addEventListener('change', recheck);
// Any change to the settings describes another fit: the next Step starts it from step 1.
for (const type of ['input', 'change']) {
  $('settings').addEventListener(type, () => {
    pause();
    trained = undefined;
    if (!walk) return;
    // The stepped weights belong to the old settings: the new network is drawn as it starts.
    walk = undefined;
    delete $('network-stage').dataset.step;
    previewSoon();
  });
}
$('step').addEventListener('click', () => { pause(); void step(); });
$('play').addEventListener('click', play);
$('edge-mode').addEventListener('change', () => diagram.show($<HTMLInputElement>('show-gradients').checked ? 'gradients' : 'weights'));
$('compare').addEventListener('click', () => void start('compare'));
$('stop-timing').addEventListener('click', stopTiming);
$('stop').addEventListener('click', () => {
  if (job?.kind !== 'train') return;
  job.stopping = true;
  job.trainer.stop();
  $<HTMLButtonElement>('stop').disabled = true;
  setStatus('Stopping after this epoch…', 'running');
});
$('task').addEventListener('change', chooseTask);
$('csv-file').addEventListener('change', () => void chooseFile());
$('target').addEventListener('change', () => { clearErrors(); clearRun(); loadCsv(); describeData(); preview(); });
$('optimizer').addEventListener('change', showMomentum);
for (const id of ['hidden', 'hidden-activation', 'output-activation', 'init', 'standardize']) $(id).addEventListener('input', networkChanged);

listActivations();
showDerivation($('derivation-text'));
chooseTask();
