// The playground page: wires the form to the features — data (web/pageData.ts), Train and Stop
// (web/training.ts), Step and Play (web/walk.ts), timing (web/timing.ts) — through the page's one state
// (web/state.ts), and keeps the settings in the URL so that a setup can be shared.
import { BackpropError } from '../src/browser.js';
import { chooseFile, chooseTask, currentData, describeLoss, loadCsv } from './pageData.js';
import { showDerivation } from './derivation.js';
import { checkForm, clearErrors, fillMenus, hiddenUnits, mark, marked, MAX_UNITS, readRun, showOptional, type Run } from './form.js';
import { begin, end, idle, READY, say } from './state.js';
import { compare, stopTiming } from './timing.js';
import { clearRun, forgetTrained, stop, train } from './training.js';
import { $, diagram, outputMap, showPreview, stage, startViews } from './views.js';
import { forgetWalk, pause, play, step } from './walk.js';
import { fragment } from './fragment.js';

/** Typing in the network fields redraws the diagram once the typing pauses, not on every key. */
const PREVIEW_DELAY_MS = 200;
/** The inputs that hold the data rather than a setting: their messages stay until the data changes. */
const DATA_INPUTS = ['task', 'csv-file', 'target'];
/** Inputs whose change makes a new network (or new rows): the last run's chart and results no longer hold. */
const NETWORK_INPUTS = ['task', 'noise', 'test-share', 'classes', 'hidden', 'hidden-activation', 'output-activation', 'loss', 'init', 'standardize', 'dropout', 'regularizer', 'reg-rate'];
/** The settings the URL keeps (a CSV file cannot travel in a URL; its settings do). */
const URL_INPUTS = ['task', 'noise', 'test-share', 'hidden', 'hidden-activation', 'output-activation', 'loss', 'init', 'optimizer', 'lr', 'momentum', 'epochs', 'batch-size', 'regularizer', 'reg-rate', 'dropout', 'standardize', 'pace'];
/** Changes of the rows themselves (settingsChanged's ids for them). */
const DATA_CHANGES = ['task', 'noise', 'classes', 'test-share'];
/** Hidden layers the +/− buttons go up to. */
const MAX_LAYERS = 6;

/** Draws the untrained network (and its maps) for the current settings; bad settings wait for Train to be reported. */
function preview(): void {
  if (!idle()) return;
  const data = currentData();
  if (!data) {
    diagram.clear('Choose a CSV file to see its network.');
    $('units-panel').hidden = $('plane-panel').hidden = true;
    stage('');
    return;
  }
  let run: Run;
  try {
    run = readRun(data);
  } catch (e) {
    if (e instanceof BackpropError) return;
    throw e;
  }
  // A network the diagram can draw; the library checks the rest when it makes the model (in the worker).
  // Else no drawing of another network stays (nor its maps): the diagram's place says why.
  if (!run.network.layers.every((l) => Number.isInteger(l.units) && l.units > 0 && l.units <= MAX_UNITS)) {
    diagram.clear(`No network to draw: the hidden layers take whole numbers from 1 to ${MAX_UNITS}, separated by commas (got "${$<HTMLInputElement>('hidden').value.trim()}").`);
    $('units-panel').hidden = $('plane-panel').hidden = true;
    stage('');
    $('derivation-note').textContent = '';
    return;
  }
  startViews(run, data, false);
  void showPreview(run);
  stage('Before training: the initial weights.');
  const sizes = [run.network.inputs, ...run.network.layers.map((l) => l.units)].join('-');
  $('derivation-note').textContent = sizes === '2-2-1'
    ? 'Your network is 2-2-1 too: these are its formulas.'
    : `Your network is ${sizes}; the same rule holds for each of its weights, with one more factor per layer the path from the loss crosses (a Step shows them with the numbers).`;
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
function previewSoon(): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, PREVIEW_DELAY_MS);
}

/** Reports a run that was not started: the status counts the marked fields, focus goes to the first. */
function refused(): void {
  const fields = marked();
  say(`Not started: ${fields.length === 1 ? 'fix the setting' : `fix the ${fields.length} settings`} marked in red.`, 'error');
  $(fields[0]!).focus();
}

/** Checks the form as Train does; the run it describes, or undefined after marking what is wrong. */
async function checkedRun(): Promise<Run | undefined> {
  // A preview still waiting for typing to pause would draw the untrained network over this run's.
  clearTimeout(previewTimer);
  // A data message (a CSV file's line and column) stays: it is still true.
  clearErrors(DATA_INPUTS);
  const data = currentData();
  if (!data) {
    if (marked().length === 0) mark('csv-file', 'CSV file: choose a file with a header row and numeric columns first');
    refused();
    return undefined;
  }
  if (!begin('checking')) return undefined;
  say('Checking the settings…', 'running');
  let problems: Awaited<ReturnType<typeof checkForm>>;
  try {
    problems = await checkForm(data);
  } finally {
    end('checking');
  }
  for (const p of problems) mark(p.input, p.message);
  if (problems.length > 0) {
    refused();
    return undefined;
  }
  say(READY, 'idle');
  return readRun(data);
}

async function start(kind: 'train' | 'compare'): Promise<void> {
  if (!idle()) return;
  pause();
  forgetWalk();
  forgetTrained();
  const run = await checkedRun();
  if (!run) return;
  if (kind === 'train') await train(run, currentData()!);
  else await compare(run);
}

/** After a refused run, each change re-asks the library, so a fixed field's message goes as soon as it is fixed. */
let recheckTimer: ReturnType<typeof setTimeout> | undefined;
function recheck(): void {
  clearTimeout(recheckTimer);
  if (!currentData() || marked().filter((id) => !DATA_INPUTS.includes(id)).length === 0) return;
  recheckTimer = setTimeout(async () => {
    const data = currentData();
    if (!data || !idle()) return;
    const problems = await checkForm(data);
    for (const id of marked().filter((i) => !DATA_INPUTS.includes(i))) mark(id, problems.find((p) => p.input === id)?.message);
    if (marked().length > 0) refusedStatus();
    else if (idle()) say(READY, 'idle');
  }, PREVIEW_DELAY_MS);
}
const refusedStatus = () => say(`Not started: fix the ${marked().length === 1 ? 'setting' : `${marked().length} settings`} marked in red.`, 'error');

/**
 * Any change of data or settings: the last Step's walk and Train's weights describe another fit,
 * the status goes back to ready (or to the marked fields still to fix), a new network or new rows
 * take the last run's chart and results away, and the URL takes the new settings.
 */
function settingsChanged(id: string): void {
  if (!idle()) return;
  if (id === 'loss') describeLoss();
  const walked = forgetWalk();
  forgetTrained();
  if (marked().length > 0) refusedStatus();
  else say(READY, 'idle');
  if (NETWORK_INPUTS.includes(id) || walked) {
    clearRun();
    // New rows are drawn at once; typing waits for a pause.
    if (DATA_CHANGES.includes(id)) preview();
    else previewSoon();
  }
  layerButtons();
  writeUrl();
}

/** The settings as the URL's hash: `#task=spiral&noise=20&hidden=8,8…`. */
function writeUrl(): void {
  const params = new URLSearchParams();
  for (const id of URL_INPUTS) {
    const field = $<HTMLInputElement>(id);
    params.set(id, field.type === 'checkbox' ? (field.checked ? '1' : '0') : field.value);
  }
  const crosses = [...$('crosses').querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
  if (crosses.length) params.set('crosses', crosses.join(','));
  history.replaceState(null, '', `#${params}`);
}

/** A shared URL's settings: its task first (with the task's defaults), then each setting it names. */
function readUrl(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const task = params.get('task');
  const select = $<HTMLSelectElement>('task');
  if (task && [...select.options].some((o) => o.value === task)) select.value = task;
  if (params.has('noise')) $<HTMLInputElement>('noise').value = params.get('noise')!;
  chooseTask();
  for (const id of URL_INPUTS.slice(1)) {
    const value = params.get(id);
    if (value === null) continue;
    const field = $<HTMLInputElement>(id);
    if (field.type === 'checkbox') field.checked = value === '1';
    else field.value = value;
  }
  const crosses = (params.get('crosses') ?? '').split(',');
  for (const box of $('crosses').querySelectorAll<HTMLInputElement>('input')) box.checked = crosses.includes(box.value);
  $('test-share-value').textContent = `${$<HTMLInputElement>('test-share').value} %`;
  showOptional(currentData());
}

/** +/− buttons beside the hidden layers' field: a layer more or less, a unit more or less in each. */
function layerButtons(): void {
  const box = $('layer-buttons');
  let units: number[];
  try {
    units = hiddenUnits();
  } catch {
    units = [];
  }
  const valid = units.every((u) => Number.isInteger(u) && u > 0);
  const set = (next: number[]) => {
    const field = $<HTMLInputElement>('hidden');
    field.value = next.join(', ');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const button = (text: string, label: string, disabled: boolean, act: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.disabled = disabled || !valid || !idle();
    b.addEventListener('click', act);
    return b;
  };
  const layers = document.createElement('span');
  layers.className = 'layer-count';
  layers.append(
    button('−', 'one hidden layer fewer', units.length === 0, () => set(units.slice(0, -1))),
    ` ${units.length} hidden layer${units.length === 1 ? '' : 's'} `,
    button('+', 'one hidden layer more', units.length >= MAX_LAYERS, () => set([...units, units[units.length - 1] ?? 4])),
  );
  const each = units.map((u, l) => {
    const span = document.createElement('span');
    span.className = 'layer-units';
    span.append(
      `layer ${l + 1}: `,
      button('−', `one unit fewer in hidden layer ${l + 1}`, !(u > 1), () => set(units.map((v, k) => (k === l ? v - 1 : v)))),
      ` ${valid ? u : '?'} `,
      button('+', `one unit more in hidden layer ${l + 1}`, !(u < MAX_UNITS), () => set(units.map((v, k) => (k === l ? v + 1 : v)))),
    );
    return span;
  });
  // Focus stays on the button pressed, which the redraw replaces.
  const focused = box.contains(document.activeElement) ? document.activeElement?.getAttribute('aria-label') : undefined;
  box.replaceChildren(fragment([layers, ...each]));
  if (focused) box.querySelector<HTMLButtonElement>(`button[aria-label="${focused}"]`)?.focus();
}

/** Reset: the task's starting settings, rows and network, as when the task was first chosen (a CSV file's target and classes box stay). */
function reset(): void {
  if (!idle()) return;
  $<HTMLInputElement>('noise').value = '0';
  if ($<HTMLSelectElement>('task').value === 'csv') loadCsv(true);
  else chooseTask();
  $('test-share-value').textContent = `${$<HTMLInputElement>('test-share').value} %`;
  settingsChanged('task');
}

const form = $('settings');
form.addEventListener('submit', (e) => { e.preventDefault(); void start('train'); });
form.addEventListener('input', recheck);
form.addEventListener('change', recheck);
for (const type of ['input', 'change']) {
  form.addEventListener(type, (e) => {
    const id = (e.target as HTMLElement).id;
    if (id === 'task' || id === 'csv-file' || id === 'target' || id === 'classes' || id === 'noise') return; // handled below, data first
    if (id === 'test-share') $('test-share-value').textContent = `${$<HTMLInputElement>('test-share').value} %`;
    if (id === 'optimizer' || id === 'regularizer') showOptional();
    settingsChanged(id);
  });
}
$('task').addEventListener('change', () => { chooseTask(); $('test-share-value').textContent = `${$<HTMLInputElement>('test-share').value} %`; settingsChanged('task'); });
$('noise').addEventListener('input', () => { chooseTask(true); settingsChanged('noise'); });
$('csv-file').addEventListener('change', () => void chooseFile().then(() => settingsChanged('task')));
$('target').addEventListener('change', () => { loadCsv(); settingsChanged('task'); });
$('classes').addEventListener('change', () => { loadCsv(); settingsChanged('classes'); });
const checked = () => checkedRun();
$('step').addEventListener('click', () => { pause(); void step(checked); });
$('play').addEventListener('click', () => play(checked));
$('reset').addEventListener('click', reset);
$('edge-mode').addEventListener('change', () => diagram.show($<HTMLInputElement>('show-gradients').checked ? 'gradients' : 'weights'));
$('discretize').addEventListener('change', () => { outputMap.discrete = $<HTMLInputElement>('discretize').checked; outputMap.repaint(); });
$('compare').addEventListener('click', () => void start('compare'));
$('stop-timing').addEventListener('click', stopTiming);
$('stop').addEventListener('click', stop);

fillMenus();
showDerivation($('derivation-text'));
// Boxes that scroll sideways take focus, so that a keyboard can scroll them.
for (const pre of [$('code'), ...$('derivation-text').querySelectorAll('pre')]) pre.tabIndex = 0;
readUrl();
writeUrl();
layerButtons();
say(READY, 'idle');
preview();
