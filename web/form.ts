// The settings form: the data (a tutorial task, a toy data set or a CSV file), the network and the
// training, read into a Run for WorkerTrainer. The page does not hold the library's rules: checkForm
// asks the library about each field on its own (so every bad field is reported at once), and
// mark puts each message beside its input, in the form's words.
import {
  ACTIVATION_LIST, BackpropError, classDatasets, datasets, inferTask, LOSS_LIST, Model, OPTIMIZER_LIST, parseCsv, readCsv, splitRows, takeRows,
  type DatasetName, type DenseSpec, type LayerSpec, type Loss, type LossRow, type ModelFitOptions, type ModelOptions, type Task,
} from '../src/browser.js';
import type { Network } from './diagram.js';
import { extent } from '../src/extent.js';
import type { PlaneGrid } from './planeGrid.js';
import { CROSS_NAMES, TOY_TITLES, TOYS, toyData, withCrosses, type Cross, type Toy } from './toys.js';
import { fragment } from './fragment.js';

/** One training run: the model, its fit options and the data. */
export interface Run {
  model: ModelOptions<LayerSpec>;
  /** Its Dense layers, as the diagram and the maps draw them. */
  network: Network;
  fit: Omit<ModelFitOptions, 'onEpochEnd'>;
  /** The training rows (the network's inputs: the features and any crosses of them) and their targets. */
  x: Float64Array;
  y: Float64Array;
  /** The rows held out to test on after each epoch, if the form holds some out. */
  test?: { x: Float64Array; y: Float64Array };
  /** Per data row, 1 if it is held out: the map rings those. */
  testMask: Uint8Array;
  /** The network's inputs' names. */
  inputs: string[];
  crosses: Cross[];
  /** `'watch'` paces the epochs so the charts can be followed (about 100 epochs a second); `'full'` runs flat out. */
  pace: 'watch' | 'full';
  /** Set for two-feature data: the page draws the prediction over this grid. */
  plane?: PlaneGrid;
}

/** The rows to learn, whichever source they came from. */
export interface PageData {
  /** What the data is, for the summary line. */
  title: string;
  features: string[];
  target: string;
  /** rows × features, row-major. */
  x: Float64Array;
  y: Float64Array;
  rows: number;
  task: Task;
  /** Set for class labels: y holds each row's class index into these (a softmax output, one unit per class). */
  classes?: string[];
  shuffle: 'none' | 'epoch';
}

/** The page's data sources: the tutorial's two data sets, the library's 3-class example and the toys. */
export type PageTask = DatasetName | 'blobs3' | Toy;
const TUTORIAL_TITLES: Record<DatasetName | 'blobs3', string> = {
  placement: 'placement: placed? (classification)',
  package: 'package: salary (regression)',
  blobs3: 'blobs3: three classes (classification)',
};
const isToy = (task: string): task is Toy => (TOYS as readonly string[]).includes(task);

/** What the output layer and the loss are for: a value, a 0/1 probability, or one probability per class. */
type Kind = Task | 'classes';
const kindOf = (d: Pick<PageData, 'task' | 'classes'>): Kind => (d.classes ? 'classes' : d.task);

/** What the form's inputs hold, as text. */
interface Values {
  hidden: string;
  hiddenActivation: string;
  outputActivation: string;
  init: 'tutorial' | 'glorotUniform';
  optimizer: string;
  lr: string;
  momentum: string;
  epochs: string;
  batchSize: string;
  standardize: boolean;
  /** Percent of the rows held out to test on. */
  testShare: string;
  regularizer: 'none' | 'l1' | 'l2';
  regRate: string;
  dropout: string;
}
type NetworkValues = Pick<Values, 'hidden' | 'hiddenActivation' | 'outputActivation' | 'init' | 'standardize'>;
type TrainingValues = Omit<Values, keyof NetworkValues>;

/** The tutorial's initial weights (every kernel weight 0.1, every bias 0), as its datasets' layers give them. */
const { kernelInitializer, biasInitializer } = datasets.placement.model.layers[0]! as DenseSpec;
const TUTORIAL_INIT: Pick<DenseSpec, 'kernelInitializer' | 'biasInitializer'> = { kernelInitializer, biasInitializer };
const RANDOM_INIT: Pick<DenseSpec, 'kernelInitializer' | 'biasInitializer'> = { kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' };

const input = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;

const NO_EXTRAS = { testShare: '0', regularizer: 'none', regRate: '0.001', dropout: '' } as const;

// The tutorial's own settings (src/datasets.ts) barely move placement's loss in 50 epochs; these learn visibly.
const PAGE_DEFAULTS: Record<DatasetName, TrainingValues> = {
  package: { optimizer: 'sgd', lr: '0.001', momentum: '', epochs: '200', batchSize: '1', ...NO_EXTRAS },
  placement: { optimizer: 'adam', lr: '0.05', momentum: '', epochs: '300', batchSize: '1', ...NO_EXTRAS },
};

const OUTPUT_ACTIVATIONS: Record<Kind, string> = { regression: 'linear', classification: 'sigmoid', classes: 'softmax' };

const CSV_DEFAULTS = (kind: Kind): Values => ({
  hidden: '8', hiddenActivation: 'relu', outputActivation: OUTPUT_ACTIVATIONS[kind], init: 'glorotUniform',
  optimizer: 'adam', lr: '0.01', momentum: '', epochs: '100', batchSize: '32', standardize: true, ...NO_EXTRAS,
});

/** Playground's kind of start: tanh units, random weights, small batches, half… here 30 % of the rows held out to test on. */
const TOY_VALUES = (toy: Toy): Values => ({
  hidden: { circle: '4, 2', xor: '4, 2', gaussian: '2', spiral: '8, 8', plane: '2' }[toy], hiddenActivation: 'tanh',
  outputActivation: toy === 'plane' ? 'linear' : 'sigmoid', init: 'glorotUniform',
  optimizer: 'adam', lr: '0.03', momentum: '', epochs: toy === 'spiral' ? '300' : '100', batchSize: '10', standardize: false,
  testShare: '30', regularizer: 'none', regRate: '0.001', dropout: '',
});

/** The tutorial's network for a task, as form values: hidden units, activations, constant initial weights. */
function tutorialNetwork(name: DatasetName): NetworkValues {
  const layers = datasets[name].model.layers as DenseSpec[];
  return {
    hidden: layers.slice(0, -1).map((l) => l.units).join(', '),
    hiddenActivation: layers[0]!.activation ?? 'linear',
    outputActivation: layers[layers.length - 1]!.activation ?? 'linear',
    init: 'tutorial',
    standardize: false,
  };
}

/** The tutorial's exact run (src/datasets.ts): per-row SGD with its learning rate and epochs. */
function tutorialValues(name: DatasetName): Values {
  const fit = datasets[name].fit;
  return { ...tutorialNetwork(name), optimizer: 'sgd', lr: String(fit.learningRate), momentum: '', epochs: String(fit.epochs), batchSize: String(fit.batchSize), ...NO_EXTRAS };
}

/** The library's 3-class example, with settings that separate its blobs in a few seconds. */
const BLOBS3_VALUES: Values = {
  hidden: '4', hiddenActivation: 'tanh', outputActivation: 'softmax', init: 'glorotUniform',
  optimizer: 'adam', lr: '0.05', momentum: '', epochs: '100', batchSize: '16', standardize: false, ...NO_EXTRAS,
};

/** The noise slider, 0 to 50 (%), as the toys' noise from 0 to 0.5. */
export const noise = () => Number(input('noise').value) / 100;

export function tutorialData(name: PageTask): PageData {
  if (isToy(name)) {
    const d = toyData(name, noise());
    return {
      title: `the ${name} toy data (noise ${Math.round(noise() * 100)} %)`, features: ['x1', 'x2'], target: name === 'plane' ? 'y' : 'label',
      x: d.x, y: d.y, rows: d.y.length, task: d.task, shuffle: 'epoch',
    };
  }
  if (name === 'blobs3') {
    const d = classDatasets.blobs3;
    return {
      title: 'the library\'s classDatasets.blobs3', features: d.features, target: d.target, x: Float64Array.from(d.x.flat()), y: Float64Array.from(d.y),
      rows: d.x.length, task: 'classification', classes: d.classes, shuffle: 'epoch',
    };
  }
  const d = datasets[name];
  return {
    title: `the tutorial's ${name} data`,
    features: d.features,
    target: d.target,
    x: Float64Array.from(d.x.flat()),
    y: Float64Array.from(d.y),
    rows: d.x.length,
    task: d.model.loss === 'binaryCrossentropy' ? 'classification' : 'regression',
    shuffle: d.fit.shuffle === 'none' ? 'none' : 'epoch',
  };
}

function setValues(v: Values): void {
  input('hidden').value = v.hidden;
  input<HTMLSelectElement>('hidden-activation').value = v.hiddenActivation;
  input<HTMLSelectElement>('output-activation').value = v.outputActivation;
  input<HTMLSelectElement>('init').value = v.init;
  input<HTMLSelectElement>('optimizer').value = v.optimizer;
  input('lr').value = v.lr;
  input('momentum').value = v.momentum;
  input('epochs').value = v.epochs;
  input('batch-size').value = v.batchSize;
  input('standardize').checked = v.standardize;
  input('test-share').value = v.testShare;
  input<HTMLSelectElement>('regularizer').value = v.regularizer;
  input('reg-rate').value = v.regRate;
  input('dropout').value = v.dropout;
  for (const box of crossBoxes()) box.checked = false;
  showOptional();
}

/**
 * The losses the page offers for a kind of data, from the loss table: every loss of numbers for a
 * regression; for classes, the one that reads the page's targets as they are and whose outputs the page
 * reads as probabilities (the maps, accuracy and the results table take them so).
 */
const LOSS_CHOICES: Record<Kind, (row: LossRow) => boolean> = {
  regression: (row) => row.labels === 'numbers',
  classification: (row) => row.labels === 'binary',
  classes: (row) => row.labels === 'classIndices',
};

/** Offers the losses for `data`'s kind, keeping the one chosen while it is still offered. */
export function fillLossMenu(data: PageData | undefined): void {
  const select = input<HTMLSelectElement>('loss');
  const was = select.value;
  const rows = data ? LOSS_LIST.filter(LOSS_CHOICES[kindOf(data)]) : [];
  select.replaceChildren(fragment(rows.map((r) => Object.assign(new Option(r.aliases[0] ?? r.name, r.name), { title: r.help }))));
  if (rows.some((r) => r.name === was)) select.value = was;
}

/** The loss the menu says, or the kind's own while the menu offers nothing yet. */
export function chosenLoss(data: Pick<PageData, 'task' | 'classes'>): Loss {
  const chosen = input<HTMLSelectElement>('loss').value;
  const row = LOSS_LIST.find((r) => r.name === chosen);
  return row && LOSS_CHOICES[kindOf(data)](row) ? row.name : ({ regression: 'mse', classification: 'binaryCrossentropy', classes: 'sparseCategoricalCrossentropy' } as const)[kindOf(data)];
}

/** The menus offer what the library has: its activations and optimizers, from the operation table's rows, each with its help as the option's title. */
export function fillMenus(): void {
  const options = (list: readonly string[], title: (v: string) => string = (v) => v) => list.map((v) => new Option(title(v), v));
  const rows = (list: readonly { name: string; help: string }[]) => list.map((r) => Object.assign(new Option(r.name, r.name), { title: r.help }));
  input<HTMLSelectElement>('hidden-activation').replaceChildren(fragment(rows(ACTIVATION_LIST.filter((r) => !r.rowWise))));
  input<HTMLSelectElement>('output-activation').replaceChildren(fragment(rows(ACTIVATION_LIST)));
  input<HTMLSelectElement>('optimizer').replaceChildren(fragment(rows(OPTIMIZER_LIST)));
  input<HTMLSelectElement>('task').replaceChildren(fragment([
    ...options(Object.keys(TUTORIAL_TITLES), (t) => TUTORIAL_TITLES[t as keyof typeof TUTORIAL_TITLES]),
    ...options(TOYS, (t) => TOY_TITLES[t as Toy]),
    new Option('my own CSV file…', 'csv'),
  ]));
  input('crosses').append(fragment(CROSS_NAMES.map((name, k) => {
    const label = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', id: `cross-${k}`, value: name });
    label.append(box, ` ${name}`);
    return label;
  })));
}

const crossBoxes = () => [...input('crosses').querySelectorAll<HTMLInputElement>('input[type=checkbox]')];

/** The page's starting settings for a task, with a note (and a button) for the tutorial's own. */
export function useTask(name: PageTask): void {
  csvTask = undefined;
  const note = input<HTMLParagraphElement>('tutorial-note');
  input('noise-field').hidden = !isToy(name);
  if (isToy(name)) {
    setValues(TOY_VALUES(name));
    note.textContent = name === 'spiral' ? 'A spiral is hard for a small network: try the crosses sin x1 and sin x2, or more units.' : '';
    return;
  }
  if (name === 'blobs3') {
    setValues(BLOBS3_VALUES);
    note.textContent = 'Three classes: a softmax output with one unit per class, and the loss sparseCategoricalCrossentropy.';
    return;
  }
  setValues({ ...tutorialNetwork(name), ...PAGE_DEFAULTS[name] });
  const t = tutorialValues(name);
  note.textContent = `The tutorial trained with plain sgd at learning rate ${t.lr} for ${t.epochs} epochs, one row per step. `;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.textContent = 'Use those settings';
  button.addEventListener('click', () => {
    setValues(t);
    input('settings').dispatchEvent(new Event('change'));
  });
  note.append(button);
}

/** The kind of target the CSV defaults were last set for; undefined while a built-in task is chosen. */
let csvTask: Kind | undefined;

/**
 * The CSV defaults, the first time CSV data is loaded after a tutorial task (or on Reset: `fresh`). After that a new file
 * or target keeps the user's settings: only the output activation follows a change of task, as
 * classification needs sigmoid.
 */
export function useCsvDefaults(data: PageData, fresh = false): void {
  const kind = kindOf(data);
  input('noise-field').hidden = true;
  if (csvTask === undefined || fresh) {
    setValues(CSV_DEFAULTS(kind));
    input<HTMLParagraphElement>('tutorial-note').textContent = '';
  } else if (kind !== csvTask) input<HTMLSelectElement>('output-activation').value = OUTPUT_ACTIVATIONS[kind];
  csvTask = kind;
}

/** Fields that apply to some settings only: momentum (sgd and rmsprop read it), the regularizer's rate, the crosses (two features). */
export function showOptional(data?: PageData): void {
  input('momentum-field').hidden = input<HTMLSelectElement>('optimizer').value === 'adam';
  input('reg-rate-field').hidden = input<HTMLSelectElement>('regularizer').value === 'none';
  if (data) input('crosses').hidden = data.features.length !== 2;
}

/** A CSV file's columns, for the target list; throws a BackpropError naming the file for text that is not CSV. */
export function csvColumns(text: string, file: string): string[] {
  return parseCsv(firstRows(text), file).columns;
}

/**
 * The text up to the end of its header and first row (line ends outside quotes, after lines that are
 * not blank, as the reader skips blank lines): the columns are all the target menu needs, and csvData
 * then reads and checks every row; parsing a big file twice doubled its wait.
 */
function firstRows(text: string): string {
  let quoted = false, blank = true, rows = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '\n' || c === '\r')) {
      if (!blank && ++rows === 2) return text.slice(0, i);
      blank = true;
    } else if (c.trim() !== '' && c !== '\uFEFF') blank = false;
  }
  return text;
}

/** The CSV's rows for `target`; `classes`: read the target's values as class labels, whatever they look like. */
export function csvData(text: string, file: string, target: string, classes: boolean): PageData {
  const d = readCsv(text, { target, source: file, ...(classes ? { task: 'classification' as const } : {}) });
  const labels = d.classes ? { classes: d.classes } : {};
  return { title: file, features: d.features, target: d.target, x: d.x, y: d.y, rows: d.rows, task: d.classes ? 'classification' : classes ? 'classification' : inferTask(d.y), ...labels, shuffle: 'epoch' };
}

/**
 * The text as a number when it reads as one, else the text itself: the library then refuses it
 * with a message that names the field and quotes what was typed.
 */
function entry(text: string): number {
  const t = text.trim();
  const n = Number(t);
  return (t !== '' && Number.isFinite(n) ? n : t) as unknown as number;
}

/** The crosses ticked, for two-feature data (none otherwise). */
function crossesOf(data: PageData): Cross[] {
  return data.features.length === 2 ? crossBoxes().filter((b) => b.checked).map((b) => b.value as Cross) : [];
}

/** The run the form describes for this data. */
export function readRun(data: PageData): Run {
  const optimizer = input<HTMLSelectElement>('optimizer').value as NonNullable<Run['fit']['optimizer']>;
  const momentum = input('momentum').value.trim();
  const init = input<HTMLSelectElement>('init').value === 'tutorial' ? TUTORIAL_INIT : RANDOM_INIT;
  const crosses = crossesOf(data);
  const regularizer = input<HTMLSelectElement>('regularizer').value;
  const penalty = regularizer === 'none' ? {} : { kernelRegularizer: { [regularizer]: entry(input('reg-rate').value) } };
  const dropout = input('dropout').value.trim();
  const dense: DenseSpec[] = [
    ...hiddenUnits().map((units) => ({ units, activation: input<HTMLSelectElement>('hidden-activation').value as DenseSpec['activation'], ...init, ...penalty })),
    { units: data.classes?.length ?? 1, activation: input<HTMLSelectElement>('output-activation').value as DenseSpec['activation'], ...init, ...penalty },
  ];
  const inputs = [...data.features, ...crosses];
  const model: ModelOptions<LayerSpec> = {
    inputs: inputs.length,
    layers: dense.flatMap((layer, l) => (dropout !== '' && l < dense.length - 1 ? [layer, { dropout: entry(dropout) }] : [layer])),
    loss: chosenLoss(data),
    seed: 0,
  };
  const x = withCrosses(data.x, crosses);
  const share = Number(input('test-share').value) / 100;
  const testMask = new Uint8Array(data.rows);
  let rows = { x, y: data.y }, test: Run['test'];
  if (share > 0 && data.rows >= 2) {
    // Seeded, and stratified by class for classification: the same rows are held out every time.
    const split = splitRows(data.rows, { fraction: share, seed: 0, ...(data.task === 'classification' ? { stratify: data.y } : {}) });
    for (const r of split.validation) testMask[r] = 1;
    rows = { x: takeRows(x, inputs.length, split.train), y: takeRows(data.y, 1, split.train) };
    test = { x: takeRows(x, inputs.length, split.validation), y: takeRows(data.y, 1, split.validation) };
  }
  return {
    model,
    network: { inputs: inputs.length, layers: dense },
    fit: {
      optimizer,
      learningRate: entry(input('lr').value),
      ...(optimizer !== 'adam' && momentum !== '' ? { momentum: entry(momentum) } : {}),
      epochs: entry(input('epochs').value),
      batchSize: entry(input('batch-size').value),
      shuffle: data.shuffle,
      standardize: input('standardize').checked,
      ...(test ? { validationData: [test.x, test.y] as [Float64Array, Float64Array] } : {}),
    },
    x: rows.x,
    y: rows.y,
    ...(test ? { test } : {}),
    testMask,
    inputs,
    crosses,
    pace: input<HTMLSelectElement>('pace').value === 'full' ? 'full' : 'watch',
    ...(data.features.length === 2 ? { plane: planeGrid(data) } : {}),
  };
}

export function hiddenUnits(): number[] {
  const text = input('hidden').value.trim();
  return text === '' ? [] : text.split(',').map(entry);
}

/** The two features' ranges, widened by a tenth of each span so that no point sits on the edge. */
export function planeGrid(data: PageData): PlaneGrid {
  const range = (c: number): [number, number] => {
    const [lo, hi] = extent(data.x, 2, c), pad = (hi - lo || 1) * 0.1;
    return [lo - pad, hi + pad];
  };
  return { x: range(0), y: range(1), resolution: 64 };
}

/**
 * Units per hidden layer the page takes. The library has no limit, but beyond this the page's
 * diagram, weight tables and thirty snapshots a second of every weight would stall the tab.
 */
export const MAX_UNITS = 256;

/** A bad setting: the input it belongs to (its id) and what is wrong, in the form's words. */
export interface Problem {
  input: string;
  message: string;
}

/** The form's name for an input: its label's own text, without the parenthesised hint. */
function labelOf(id: string): string {
  const label = document.querySelector(`[data-input="${id}"]`)!;
  return label.firstChild!.textContent!.replace(/\(.*$/s, '').trim();
}

/** A library message for input `id`: the form's name for the input in place of the library's field path. */
function reworded(id: string, e: BackpropError, where = ''): Problem {
  return { input: id, message: `${labelOf(id)}${where}: ${e.message.slice(e.field.length + 2)}` };
}

/** What the library says of one piece of the settings, or nothing when it takes it. */
async function refusal(id: string, check: () => unknown, where = ''): Promise<Problem | undefined> {
  try {
    await check();
    return undefined;
  } catch (e) {
    if (e instanceof BackpropError) return reworded(id, e, where);
    throw e;
  }
}

/** A one-epoch fit of one row, which the library refuses with `options`' first bad setting. */
async function probeFit(options: ModelFitOptions): Promise<void> {
  const probe = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
  await probe.fit([[0]], [0], { engine: 'js', shuffle: 'none', ...options, onEpochEnd: () => { probe.stopTraining = true; } });
}

/**
 * Every bad setting in the form at once, each asked of the library on its own: a one-unit model
 * for each layer's settings, a one-epoch fit of one row for each training setting.
 */
export async function checkForm(data: PageData): Promise<Problem[]> {
  const { model, network, fit } = readRun(data);
  const hidden = network.layers.slice(0, -1);
  const output = network.layers[network.layers.length - 1]!;
  const dropout = model.layers.find((l) => 'dropout' in l);
  const checks = [
    ...hidden.map(({ units }, i) => refusal('hidden', () => {
      new Model({ inputs: 1, layers: [{ units }], loss: 'mse' });
      if (units > MAX_UNITS) throw new BackpropError('units', `at most ${MAX_UNITS} units per layer on this page, got ${units}`);
    }, hidden.length > 1 ? `, layer ${i + 1}` : '')),
    refusal('output-activation', () => {
      new Model({ inputs: 1, layers: [{ units: output.units, activation: output.activation }], loss: model.loss });
      // The library takes it (mse of a constant 1 is a loss), but it can learn nothing.
      if (output.units === 1 && output.activation === 'softmax') {
        throw new BackpropError('activation', 'softmax over one output unit is always 1, so it learns nothing: use sigmoid for a 0/1 target, linear for a number; for class labels, tick "Its values are classes" (one unit per class)');
      }
    }),
    ...(output.kernelRegularizer ? [refusal('reg-rate', () => new Model({ inputs: 1, layers: [{ units: 1, kernelRegularizer: output.kernelRegularizer! }], loss: 'mse' }))] : []),
    ...(dropout ? [refusal('dropout', () => new Model({ inputs: 1, layers: [{ units: 1 }, dropout, { units: 1 }], loss: 'mse' }))] : []),
    refusal('lr', () => probeFit({ optimizer: fit.optimizer, learningRate: fit.learningRate })),
    refusal('epochs', () => probeFit({ epochs: fit.epochs })),
    refusal('batch-size', () => probeFit({ batchSize: fit.batchSize })),
    ...(fit.momentum === undefined ? [] : [refusal('momentum', () => probeFit({ optimizer: fit.optimizer, momentum: fit.momentum }))]),
  ];
  const problems = (await Promise.all(checks)).filter((p) => p !== undefined);
  // One message per input: a layer list's first bad size.
  return problems.filter((p, i) => problems.findIndex((q) => q.input === p.input) === i);
}

/** The input a library field names: `learningRate` → the learning rate box, `layers[2].activation` → the output activation, … */
function inputOf(field: string): string {
  const layer = /^layers\[(\d+)\]\.(\w+)/.exec(field);
  if (layer) {
    if (layer[2] === 'dropout') return 'dropout';
    if (layer[2] === 'kernelRegularizer') return 'reg-rate';
    if (layer[2] !== 'activation') return 'hidden';
    // With Dropout, each hidden Dense layer is followed by one.
    const output = hiddenUnits().length * (input('dropout').value.trim() === '' ? 1 : 2);
    return Number(layer[1]) < output ? 'hidden-activation' : 'output-activation';
  }
  const named: Record<string, string> = { learningRate: 'lr', epochs: 'epochs', batchSize: 'batch-size', momentum: 'momentum', optimizer: 'optimizer' };
  return named[field] ?? (input<HTMLSelectElement>('task').value === 'csv' ? 'csv-file' : 'task');
}

/** A run's refusal as the page says it: the library names `fit` as its field, which is none of the form's. */
export function runMessage(e: Error): string {
  return e.message.replace(/^fit: /, '');
}

/**
 * A refusal of the whole run (by the training worker, or of the data), beside the input its field names:
 * settings in the form's words, data messages (which name the file, line and column) as they are.
 */
export function problemOf(e: BackpropError): Problem {
  const id = inputOf(e.field);
  return id === 'csv-file' || id === 'task' || id === 'target' ? { input: id, message: e.message } : reworded(id, e);
}

/** Puts `message` beside input `id` and marks the input invalid; without a message, clears both. */
export function mark(id: string, message?: string): void {
  const label = document.querySelector<HTMLElement>(`[data-input="${id}"]`)!;
  const error = label.querySelector<HTMLElement>('.error')!;
  error.id = `${id}-error`;
  error.textContent = message ?? '';
  label.classList.toggle('invalid', message !== undefined);
  const field = input(id);
  if (message === undefined) {
    field.removeAttribute('aria-invalid');
    field.removeAttribute('aria-describedby');
  } else {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', error.id);
  }
}

/** The ids of the inputs marked invalid, in the form's order. */
export function marked(): string[] {
  return [...document.querySelectorAll<HTMLElement>('.field.invalid')].map((label) => label.dataset.input!);
}

export function clearErrors(keep: readonly string[] = []): void {
  for (const id of marked()) if (!keep.includes(id)) mark(id);
}
