// The data feature: which rows the page learns — a tutorial task, a toy data set (regenerated when
// its noise changes) or a CSV file and the column to predict — and the lines that describe them.
import { BackpropError, LOSS_ROWS } from '../src/browser.js';
import { chosenLoss, clearErrors, csvColumns, csvData, fillLossMenu, mark, problemOf, showOptional, tutorialData, useCsvDefaults, useTask, type PageData, type PageTask } from './form.js';
import { extent } from '../src/extent.js';
import { classColor, SCALE_GRADIENT } from './outputMap.js';
import { $ } from './views.js';
import { fragment } from './fragment.js';

let data: PageData | undefined;
let csv: { text: string; file: string } | undefined;

/** The rows the form's settings are for, if any. */
export const currentData = (): PageData | undefined => data;

const plural = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
export { plural };

/** The task's rows and its starting settings (`keepSettings`: only the rows, as when the noise moves). */
export function chooseTask(keepSettings = false): void {
  const task = $<HTMLSelectElement>('task').value;
  $('csv-fields').hidden = task !== 'csv';
  clearErrors();
  if (task === 'csv') {
    data = undefined;
    $('noise-field').hidden = true;
    if (csv) loadCsv();
  } else {
    data = tutorialData(task as PageTask);
    if (!keepSettings) useTask(task as PageTask);
  }
  $('noise-value').textContent = `${$<HTMLInputElement>('noise').value} %`;
  describeData();
}

/** Reads the chosen file's columns into the target list, then its rows for the last column. */
export async function chooseFile(): Promise<void> {
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
  describeData();
}

/** The CSV's rows for the chosen target (and the classes box); a bad file is marked, and no data is left. `fresh`: with the CSV defaults again. */
export function loadCsv(fresh = false): void {
  if (!csv) return;
  clearErrors();
  try {
    data = csvData(csv.text, csv.file, $<HTMLSelectElement>('target').value, $<HTMLInputElement>('classes').checked);
    useCsvDefaults(data, fresh);
  } catch (e) {
    if (!(e instanceof BackpropError)) throw e;
    data = undefined;
    const p = problemOf(e);
    mark(p.input, p.message);
  }
  describeData();
}

/** What the output units and the chosen loss are, under the network's fields. */
export function describeLoss(): void {
  const classes = data?.classes;
  const loss = data && LOSS_ROWS[chosenLoss(data)];
  $('loss-summary').textContent = !data || !loss ? '' : classes
    ? `${classes.length} output units, one per class, through softmax: each class's probability; the loss is sparse categorical cross-entropy.`
    : data.task === 'classification'
    ? 'One output unit, its probability of 1; the loss is binary cross-entropy, as the targets are 0 or 1.'
    : `One output unit, the predicted value; the loss: ${loss.help}.`;
}

function describeData(): void {
  const classes = data?.classes;
  showOptional(data);
  $('data-summary').textContent = data
    ? `${plural(data.rows, 'row')} from ${data.title}: ${data.features.join(', ')} → ${data.target}${classes ? ` (${classes.length} classes: ${classes.join(', ')})` : data.task === 'classification' ? ' (0 or 1)' : ' (a number)'}.`
    : 'Choose a CSV file with a header row.';
  fillLossMenu(data);
  describeLoss();
  if (data?.features.length !== 2) return;
  const d = data;
  $('plane-explain').textContent = d.classes
    ? `The colour at each point (${d.features.join(', ')}) is the class the network finds most probable there, deeper the surer it is: `
      + `white where the ${d.classes.length} classes tie. The dots are the rows, coloured by their class; the ringed ones are held out to test on.`
    : d.task === 'classification'
    ? `The colour is the network's probability that ${d.target} = 1 at each point (${d.features.join(', ')}): `
      + 'blue towards 1, orange towards 0, white at 0.5, where its answer flips. The dots are the rows, coloured by their target; the ringed ones are held out to test on.'
    : `The colour is the network's prediction of ${d.target} at each point (${d.features.join(', ')}): blue high, orange low, white at the middle of the targets' range. `
      + 'The dots are the rows, coloured by their target on the same scale; the ringed ones are held out to test on.';
  $('plane-legend').replaceChildren(fragment(mapLegend(d)));
}

/** The map's key: each class's dot colour, then (for a 0/1 target or a value) the scale. */
function mapLegend(d: PageData): HTMLElement[] {
  const span = (className: string, text = '', background?: string) => {
    const s = document.createElement('span');
    s.className = className;
    s.textContent = text;
    if (background) s.style.background = background;
    return s;
  };
  const scale = (lo: string, hi: string, name: string) => {
    const s = span('scale');
    s.dataset.name = name;
    s.append(span('', lo), span('bar', '', SCALE_GRADIENT), span('', hi));
    return s;
  };
  if (d.task === 'regression') {
    const [lo, hi] = extent(d.y);
    return [scale(String(Number(lo.toPrecision(3))), String(Number(hi.toPrecision(3))), `${d.target}:`)];
  }
  const classes = (d.classes ?? ['0', '1']).map((label, k) => {
    const item = span('key', ` ${d.target} = ${label}`);
    item.prepend(span('dot', '', classColor(k)));
    return item;
  });
  return d.classes ? classes : [...classes, scale('0', '1', 'P(1):')];
}
