// The Results and engine-timing panels: plain HTML tables.
import { argmax, type EngineKind, type Weights } from '../src/browser.js';
import type { PageData, Run } from './form.js';
import { SHOWN_UNITS, type Network } from './diagram.js';
import { fragment } from './fragment.js';

export interface EngineTiming {
  engine: EngineKind;
  /** Mean wall time of one whole `fit`, in milliseconds. */
  ms: number;
  runs: number;
  loss: number;
}

/** Rows shown in the predictions table (the data's first); a CSV file may have many more. */
export const PREDICTED_ROWS = 12;

/** `digits` significant digits, shortest form; below 1e-3 as 4.408e-5 rather than 0.00004408, to stay narrow. */
const num = (v: number, digits = 4) => (v !== 0 && Math.abs(v) < 1e-3
  ? v.toExponential(digits - 1).replace(/\.?0+e/, 'e')
  : String(Number(v.toPrecision(digits))));

/** A header that may break after an underscore (resume_score) as well as at spaces, so that narrow columns stay narrow. */
function headerCell(text: string): HTMLTableCellElement {
  const th = document.createElement('th');
  text.split('_').forEach((part, i) => th.append(fragment(i > 0 ? ['_', document.createElement('wbr')] : []), part));
  return th;
}

function table(head: string[], rows: (string | number)[][], caption: string): HTMLTableElement {
  const t = document.createElement('table');
  t.createCaption().textContent = caption;
  const h = t.createTHead().insertRow();
  for (const cell of head) h.append(headerCell(cell));
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = typeof cell === 'number' ? num(cell) : cell;
  }
  return t;
}

/** The first rows' inputs, target and prediction (`predictions`: of those rows; for classification also the class it rounds to, ✓ when right). */
export function predictionsTable(data: PageData, predictions: number[][]): HTMLTableElement {
  const k = data.features.length;
  if (data.classes) {
    const classes = data.classes;
    const rows = predictions.slice(0, PREDICTED_ROWS).map((p, r) => {
      const best = argmax(p, 0, p.length);
      return [...data.x.subarray(r * k, (r + 1) * k), classes[data.y[r]!]!, p[best]!, `${classes[best]} ${best === data.y[r] ? '✓' : '✗'}`];
    });
    const shown = data.rows > PREDICTED_ROWS ? ` (first ${PREDICTED_ROWS} of ${data.rows} rows)` : '';
    return table([...data.features, `${data.target} (target)`, 'probability of the class', 'class'], rows, `Predictions beside targets${shown}`);
  }
  const classify = data.task === 'classification';
  const rows = predictions.slice(0, PREDICTED_ROWS).map((p, r) => {
    const cells: (string | number)[] = [...data.x.subarray(r * k, (r + 1) * k), data.y[r]!, p[0]!];
    if (classify) cells.push(`${p[0]! >= 0.5 ? 1 : 0} ${(p[0]! >= 0.5 ? 1 : 0) === data.y[r] ? '✓' : '✗'}`);
    return cells;
  });
  const head = [...data.features, `${data.target} (target)`, classify ? `P(${data.target} = 1)` : 'prediction', ...(classify ? ['class'] : [])];
  const shown = data.rows > PREDICTED_ROWS ? ` (first ${PREDICTED_ROWS} of ${data.rows} rows)` : '';
  return table(head, rows, `Predictions beside targets${shown}`);
}

/**
 * One table per layer of `network`: a row per input with its weight to each unit, then the biases.
 * A wide layer shows its first units, as the diagram does (`weights` need hold only those); getWeights()
 * or the code below has them all.
 */
export function weightsTables(weights: Weights, network: Network, features: string[], classes?: string[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'weights';
  // A wide layer's table scrolls sideways: the box takes focus, so that a keyboard can scroll it.
  box.tabIndex = 0;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', 'the weights, a table per layer');
  const layers = network.layers.length;
  for (let l = 0; l < layers; l++) {
    const kernel = (weights[2 * l] as number[][]).slice(0, SHOWN_UNITS), bias = weights[2 * l + 1] as number[];
    const all = network.layers[l]!.units, inputs = l === 0 ? network.inputs : network.layers[l - 1]!.units;
    const units = Math.min(all, SHOWN_UNITS);
    const from = (i: number) => (l === 0 ? features[i] ?? `x${i + 1}` : `hidden ${l} · unit ${i + 1}`);
    // The output units by what they predict: a class each, or the target.
    const head = bias.slice(0, units).map((_, u) => (l === layers - 1 && classes ? classes[u]! : `unit ${u + 1}`));
    const rows = [...kernel.map((row, i) => [from(i), ...row.slice(0, units)]), ['bias', ...bias.slice(0, units)]];
    const cut = [inputs > SHOWN_UNITS ? `${SHOWN_UNITS} of ${inputs} inputs` : '', all > units ? `${units} of ${all} units` : ''].filter(Boolean);
    const name = l === layers - 1 ? 'Output layer' : `Hidden layer ${l + 1}`;
    box.append(table(['from', ...head], rows, `${name} weights${cut.length ? ` (first ${cut.join(', ')})` : ''}`));
  }
  return box;
}

/** The run as the library calls that produce it, for embedding it elsewhere. */
export function runCode(run: Run): string {
  const { validationData, ...settings } = run.fit;
  const fit = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  const width = run.inputs.length, rows = run.y.length;
  const first = (x: Float64Array, y: Float64Array, n: number) => [
    JSON.stringify(Array.from({ length: Math.min(n, 4) }, (_, r) => Array.from(x.subarray(r * width, (r + 1) * width)))) + (n > 4 ? ' /* … */' : ''),
    JSON.stringify(Array.from(y.subarray(0, 4))) + (n > 4 ? ' /* … */' : ''),
  ];
  const [x, y] = first(run.x, run.y, rows);
  const test = run.test && first(run.test.x, run.test.y, run.test.y.length);
  const options = JSON.stringify(fit, null, 2);
  return [
    `import { Model } from 'backprop-wasm';`,
    ``,
    `// ${width === 2 ? '' : `inputs: ${run.inputs.join(', ')}; `}the training rows${test ? ' (the held-out rows below)' : ''}`,
    `const x = ${x};`,
    `const y = ${y};`,
    ...(test ? [`const xTest = ${test[0]};`, `const yTest = ${test[1]};`] : []),
    `const model = new Model(${JSON.stringify(run.model, null, 2)});`,
    `const history = await model.fit(x, y, ${validationData ? `${options.slice(0, -2)},\n  "validationData": [xTest, yTest]\n}` : options});`,
  ].join('\n');
}

/** The engines' times side by side, and whether they reached the same loss. */
export function timingsView(timings: EngineTiming[]): HTMLElement {
  const names = { wasm: 'WebAssembly', js: 'pure JavaScript' };
  const box = document.createElement('div');
  box.append(table(['engine', 'time per fit', 'runs timed', 'final loss'],
    timings.map((t) => [names[t.engine], `${t.ms < 10 ? t.ms.toFixed(2) : t.ms.toFixed(0)} ms`, String(t.runs), num(t.loss, 12)]), 'Same settings, same data'));
  const [wasm, js] = timings as [EngineTiming, EngineTiming];
  const ratio = js.ms / wasm.ms;
  const diff = Math.abs(wasm.loss - js.loss) / Math.max(Math.abs(wasm.loss), Math.abs(js.loss));
  const p = document.createElement('p');
  p.textContent = `${ratio >= 1 ? `WebAssembly was ${ratio.toFixed(1)}× faster` : `Pure JavaScript was ${(1 / ratio).toFixed(1)}× faster`} on these settings.`
    + ` The final losses ${diff === 0 ? 'are identical' : `differ by ${diff.toExponential(1)} (relative)`}.`;
  box.append(p);
  box.dataset.losses = JSON.stringify(timings.map((t) => t.loss));
  return box;
}
