// The settings form: the data (a tutorial task or a CSV file), the network and the training, read
// into a Run for the worker. The page does not check the settings itself: the library refuses bad
// ones with a BackpropError naming the field, and showError puts that message beside the input.
import { ACTIVATIONS, datasets, inferTask, parseCsv, readCsv, type DatasetName, type DenseSpec, type ModelOptions, type Task } from '../src/browser.js';
import type { PlaneGrid, Run } from './protocol.js';

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
  shuffle: 'none' | 'epoch';
}

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
}
type NetworkValues = Pick<Values, 'hidden' | 'hiddenActivation' | 'outputActivation' | 'init' | 'standardize'>;
type TrainingValues = Omit<Values, keyof NetworkValues>;

/** The tutorial's initial weights (every kernel weight 0.1, every bias 0), as its datasets' layers give them. */
const { kernelInitializer, biasInitializer } = datasets.placement.model.layers[0]!;
const TUTORIAL_INIT: Pick<DenseSpec, 'kernelInitializer' | 'biasInitializer'> = { kernelInitializer, biasInitializer };
const RANDOM_INIT: Pick<DenseSpec, 'kernelInitializer' | 'biasInitializer'> = { kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' };

const input = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;

// The tutorial's own settings (src/datasets.ts) barely move placement's loss in 50 epochs; these learn visibly.
const PAGE_DEFAULTS: Record<DatasetName, TrainingValues> = {
  package: { optimizer: 'sgd', lr: '0.001', momentum: '', epochs: '200', batchSize: '1' },
  placement: { optimizer: 'adam', lr: '0.05', momentum: '', epochs: '300', batchSize: '1' },
};

const CSV_DEFAULTS = (task: Task): Values => ({
  hidden: '8', hiddenActivation: 'relu', outputActivation: task === 'classification' ? 'sigmoid' : 'linear', init: 'glorotUniform',
  optimizer: 'adam', lr: '0.01', momentum: '', epochs: '100', batchSize: '32', standardize: true,
});

/** The tutorial's network for a task, as form values: hidden units, activations, constant initial weights. */
function tutorialNetwork(name: DatasetName): NetworkValues {
  const layers = datasets[name].model.layers;
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
  return { ...tutorialNetwork(name), optimizer: 'sgd', lr: String(fit.learningRate), momentum: '', epochs: String(fit.epochs), batchSize: String(fit.batchSize) };
}

export function tutorialData(name: DatasetName): PageData {
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
  showMomentum();
}

/** Offers every activation the library has, in both activation lists. */
export function listActivations(): void {
  for (const id of ['hidden-activation', 'output-activation']) input<HTMLSelectElement>(id).replaceChildren(...ACTIVATIONS.map((a) => new Option(a, a)));
}

/** The page's starting settings for a tutorial task, with a note (and a button) for the tutorial's own. */
export function useTask(name: DatasetName): void {
  setValues({ ...tutorialNetwork(name), ...PAGE_DEFAULTS[name] });
  const t = tutorialValues(name);
  const note = input<HTMLParagraphElement>('tutorial-note');
  note.textContent = `The tutorial trained with plain sgd at learning rate ${t.lr} for ${t.epochs} epochs, one row per step. `;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.textContent = 'Use those settings';
  button.addEventListener('click', () => setValues(t));
  note.append(button);
}

export function useCsvDefaults(task: Task): void {
  setValues(CSV_DEFAULTS(task));
  input<HTMLParagraphElement>('tutorial-note').textContent = '';
}

/** Momentum is read by sgd and rmsprop only; adam's field is hidden rather than refused. */
export function showMomentum(): void {
  input('momentum-field').hidden = input<HTMLSelectElement>('optimizer').value === 'adam';
}

/** A CSV file's columns, for the target list; throws a BackpropError naming the file for text that is not CSV. */
export function csvColumns(text: string, file: string): string[] {
  return parseCsv(text, file).columns;
}

export function csvData(text: string, file: string, target: string): PageData {
  const d = readCsv(text, { target, source: file });
  return { title: file, features: d.features, target: d.target, x: d.x, y: d.y, rows: d.rows, task: inferTask(d.y), shuffle: 'epoch' };
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

/** The run the form describes for this data. */
export function readRun(data: PageData): Run {
  const optimizer = input<HTMLSelectElement>('optimizer').value as Run['fit']['optimizer'];
  const momentum = input('momentum').value.trim();
  const init = input<HTMLSelectElement>('init').value === 'tutorial' ? TUTORIAL_INIT : RANDOM_INIT;
  const model: ModelOptions = {
    inputs: data.features.length,
    layers: [
      ...hiddenUnits().map((units) => ({ units, activation: input<HTMLSelectElement>('hidden-activation').value as DenseSpec['activation'], ...init })),
      { units: 1, activation: input<HTMLSelectElement>('output-activation').value as DenseSpec['activation'], ...init },
    ],
    loss: data.task === 'classification' ? 'binaryCrossentropy' : 'mse',
    seed: 0,
  };
  return {
    model,
    fit: {
      optimizer,
      learningRate: entry(input('lr').value),
      ...(optimizer !== 'adam' && momentum !== '' ? { momentum: entry(momentum) } : {}),
      epochs: entry(input('epochs').value),
      batchSize: entry(input('batch-size').value),
      shuffle: data.shuffle,
      standardize: input('standardize').checked,
    },
    x: data.x,
    y: data.y,
    pace: input<HTMLSelectElement>('pace').value === 'full' ? 'full' : 'watch',
    ...(data.task === 'classification' && data.features.length === 2 ? { plane: planeGrid(data) } : {}),
  };
}

function hiddenUnits(): number[] {
  const text = input('hidden').value.trim();
  return text === '' ? [] : text.split(',').map(entry);
}

/** The two features' ranges, widened by a tenth of each span so that no point sits on the edge. */
function planeGrid(data: PageData): PlaneGrid {
  const range = (c: number): [number, number] => {
    const v = Array.from({ length: data.rows }, (_, r) => data.x[r * 2 + c]!);
    const lo = Math.min(...v), hi = Math.max(...v), pad = (hi - lo || 1) * 0.1;
    return [lo - pad, hi + pad];
  };
  return { x: range(0), y: range(1), resolution: 64 };
}

/** The input a library field names: `learningRate` → the learning rate box, `layers[2].activation` → the output activation, … */
function inputOf(field: string): string {
  const layer = /^layers\[(\d+)\]\.(\w+)/.exec(field);
  if (layer) {
    if (layer[2] !== 'activation') return 'hidden';
    return Number(layer[1]) < hiddenUnits().length ? 'hidden-activation' : 'output-activation';
  }
  const named: Record<string, string> = { learningRate: 'lr', epochs: 'epochs', batchSize: 'batch-size', momentum: 'momentum', optimizer: 'optimizer' };
  return named[field] ?? (input<HTMLSelectElement>('task').value === 'csv' ? 'csv-file' : 'task');
}

/** Shows a library message beside the input its field names, and focuses that input. */
export function showError(field: string, message: string): void {
  const id = inputOf(field);
  const label = document.querySelector<HTMLElement>(`[data-input="${id}"]`)!;
  label.classList.add('invalid');
  label.querySelector('.error')!.textContent = message;
  input(id).focus();
}

export function clearErrors(): void {
  for (const label of document.querySelectorAll('.field.invalid')) {
    label.classList.remove('invalid');
    label.querySelector('.error')!.textContent = '';
  }
}
