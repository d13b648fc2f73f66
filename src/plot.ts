// SVG charts as strings (no DOM, no files): the loss per epoch, a classifier's probability over
// the plane of two features with the data on top, and a confusion matrix.
import { checkClasses, isCategorical } from './classes.js';
import { toMatrix, type Matrix } from './data.js';
import { count, fail, knownOptions, positiveInteger, show } from './errors.js';
import { extent } from './extent.js';
import type { Model } from './model.js';
import type { LossHistory } from './history.js';

const W = 720, H = 440;
const M = { left: 72, right: 24, top: 44, bottom: 56 };
const BLUE = '#2563eb', ORANGE = '#ea580c', INK = '#1f2937', GRID = '#e5e7eb', MUTED = '#6b7280';
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

/** A line chart of the training loss per epoch and, when the history has it, the validation loss. */
export function lossChartSvg(history: LossHistory, title = 'Loss per epoch'): string {
  if (typeof history !== 'object' || history === null || !Array.isArray(history.loss)) fail('history', `expected a fit's history (with loss per epoch), got ${show(history)}`);
  checkTitle(title);
  const n = history.loss.length;
  if (n === 0) fail('history', 'has no epochs to plot');
  const series = [{ name: 'training loss', values: history.loss, color: BLUE, dash: '' }];
  if (history.valLoss?.length) series.push({ name: 'validation loss', values: history.valLoss, color: ORANGE, dash: ' stroke-dasharray="6 4"' });
  const [lo, hi] = extent(series.flatMap((s) => s.values));
  // Losses often fall by orders of magnitude: a log scale keeps the late epochs readable.
  const log = lo > 0 && hi / lo > 30;
  // A continued fit's epochs are its own: history.epoch counts from the run's start.
  const first = Number.isSafeInteger(history.epoch?.[0]) ? history.epoch[0]! + 1 : 1, last = first + n - 1;
  const x = linear(first, Math.max(last, first + 1), M.left, W - M.right, ticks(first, Math.max(last, first + 1), 8).filter(Number.isInteger));
  const y = log ? logarithmic(lo, hi, H - M.bottom, M.top) : linear(Math.min(lo, 0), hi, H - M.bottom, M.top, ticks(Math.min(lo, 0), hi, 6));
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash} points="${s.values.map((v, e) => `${f(x.at(e + first))},${f(y.at(v))}`).join(' ')}"/>`);
  // a best epoch before a continued fit's first is off the chart
  const best = history.bestEpoch === undefined || history.bestEpoch + 1 < first ? [] : bestMarker(x.at(history.bestEpoch + 1), history.bestEpoch + 1 > (first + last) / 2, history.bestEpoch + 1);
  const legend = series.map((s, i) => {
    const lx = W - M.right - 150, ly = M.top + 14 + i * 18;
    return `<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash}/><text x="${lx + 30}" y="${ly}" font-size="12" fill="${INK}">${s.name}</text>`;
  });
  return svg([
    ...frame(x, y, 'epoch', log ? 'loss (log scale)' : 'loss', title),
    ...lines, ...best,
    `<rect x="${W - M.right - 158}" y="${M.top + 2}" width="150" height="${series.length * 18 + 6}" fill="white" fill-opacity="0.85" stroke="${GRID}"/>`,
    ...legend,
  ]);
}

/** `decisionBoundarySvg`'s options. */
export interface BoundaryOptions {
  /** Names of the two features, for the axes. */
  features?: [string, string];
  target?: string;
  /** Binary classifiers: where the colours turn from class 0 to class 1 (default 0.5). */
  threshold?: number;
  /** Softmax classifiers: the label of each output, for the legend (default '0', '1', …). */
  classes?: readonly string[];
  /** Cells across each axis, 1 to 1000 (default 80). */
  resolution?: number;
  /** At most this many points are drawn, evenly spread over the rows (default 3000). */
  maxPoints?: number;
}

/** `confusionMatrixSvg`'s options. */
export interface ConfusionOptions {
  title?: string;
}

/**
 * A k × k confusion matrix (rows the true class, columns the predicted, as scikit-learn's
 * confusion_matrix and MulticlassMetrics.confusion): each cell's count, and its share of the true
 * class's rows as the cell's colour and as a percentage, so a class's recall reads along its diagonal.
 */
export function confusionMatrixSvg(confusion: readonly (readonly number[])[], classes: readonly string[], options: ConfusionOptions = {}): string {
  knownOptions(options, ['title']);
  if (options.title !== undefined) checkTitle(options.title);
  if (!Array.isArray(confusion as unknown)) fail('confusion', `expected rows of counts (MulticlassMetrics.confusion), got ${show(confusion)}`);
  checkClasses('classes', classes);
  const k = classes.length;
  if (confusion.length !== k) fail('confusion', `expected ${k} rows (one per class), got ${confusion.length}`);
  confusion.forEach((row, t) => {
    if (!Array.isArray(row as unknown) || row.length !== k) fail(`confusion[${t}]`, `expected ${k} counts (one per class), got ${show(row)}`);
    row.forEach((n, p) => { if (!Number.isInteger(n) || n < 0) fail(`confusion[${t}][${p}]`, `expected a count (an integer ≥ 0), got ${n}`); });
  });
  const longest = extent(classes.map((l) => l.length))[1];
  const cell = Math.max(36, Math.min(88, Math.floor(440 / k)));
  // Column labels turn 45° when they would not fit across their cell.
  const slant = longest * 7 > cell - 4;
  const left = 40 + Math.min(180, longest * 7 + 12), top = 56;
  const bottom = 44 + (slant ? Math.min(130, longest * 5 + 10) : 20);
  const title = options.title ?? 'Confusion matrix';
  // Text widths are estimated (about 8.5 px a character at 15 px, 6 at 11 px): no DOM to measure with.
  const width = Math.ceil(Math.max(left + k * cell + 96, left + title.length * 8.5 + 16, left + 420)), height = top + k * cell + bottom;
  const out: string[] = [`<text x="${left}" y="28" font-size="15" font-weight="600" fill="${INK}">${esc(title)}</text>`];
  const fontSize = cell >= 60 ? 15 : cell >= 44 ? 13 : 11;
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((n, p) => {
      const share = total > 0 ? n / total : 0;
      const x = left + p * cell, y = top + t * cell;
      const ink = share > 0.55 ? 'white' : INK;
      out.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${tint(p === t ? '#2563eb' : '#dc2626', share * (p === t ? 0.95 : 0.85))}" stroke="white"/>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + (cell >= 44 ? 0 : 4)}" font-size="${fontSize}" text-anchor="middle" fill="${ink}">${n}</text>`,
      );
      if (cell >= 44) out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 15}" font-size="10" text-anchor="middle" fill="${ink}">${total > 0 ? `${Math.round(share * 100)}%` : '–'}</text>`);
    });
    out.push(
      `<text x="${left - 8}" y="${top + t * cell + cell / 2 + 4}" font-size="12" text-anchor="end" fill="${INK}">${esc(classes[t]!)}</text>`,
      `<text x="${left + k * cell + 8}" y="${top + t * cell + cell / 2 + 4}" font-size="11" fill="${MUTED}">${total} row${total === 1 ? '' : 's'}</text>`,
    );
  });
  classes.forEach((label, p) => {
    const x = left + p * cell + cell / 2, y = top + k * cell + 16;
    out.push(slant
      ? `<text transform="translate(${x + 4} ${y - 4}) rotate(-45)" font-size="12" text-anchor="end" fill="${INK}">${esc(label)}</text>`
      : `<text x="${x}" y="${y}" font-size="12" text-anchor="middle" fill="${INK}">${esc(label)}</text>`);
  });
  out.push(
    `<rect x="${left}" y="${top}" width="${k * cell}" height="${k * cell}" fill="none" stroke="${INK}"/>`,
    `<text x="${left + (k * cell) / 2}" y="${height - 12}" font-size="13" text-anchor="middle" fill="${INK}">predicted class</text>`,
    `<text transform="translate(18 ${top + (k * cell) / 2}) rotate(-90)" font-size="13" text-anchor="middle" fill="${INK}">true class</text>`,
    `<text x="${left}" y="46" font-size="11" fill="${MUTED}">shade: share of the true class's rows; the diagonal is each class's recall</text>`,
  );
  return svg(out, width, height);
}

/** Tableau 10, the colours of classes 0 … 9 (classes past 10 reuse them). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/**
 * A classifier on two features over the plane the rows span, the rows drawn on top in their class's
 * colour. A binary classifier (one sigmoid output, y 0 or 1) shows its probability of 1 (blue → white
 * at the threshold → red); a softmax classifier (k outputs, y class indices) shows the winning class's
 * colour, paler as its probability falls towards 1/k, with a legend of the labels.
 */
export function decisionBoundarySvg(model: Pick<Model, 'network' | 'predict'>, x: Matrix, y: ArrayLike<number>, options: BoundaryOptions = {}): string {
  if (typeof model !== 'object' || model === null || typeof model.predict !== 'function' || typeof model.network !== 'object') fail('model', `expected a Model, got ${show(model)}`);
  const { inputs, loss, layers } = model.network;
  const k = layers[layers.length - 1]!.units;
  if (inputs !== 2) fail('plot', `a decision boundary needs a model on exactly 2 features; this one has ${inputs}`);
  const softmax = isCategorical(loss);
  if (!softmax && (loss !== 'binaryCrossentropy' || k !== 1)) fail('plot', `a decision boundary needs a classifier: binaryCrossentropy with one output, or a softmax output with categoricalCrossentropy or sparseCategoricalCrossentropy; this model has ${loss} with ${k} output${k === 1 ? '' : 's'}`);
  const { data, rows } = toMatrix('x', x, 2);
  if (y.length !== rows) fail('y', `has ${count(y.length, 'value')} but x has ${count(rows, 'row')}`);
  const { features = ['x₁', 'x₂'], target = 'y', threshold = 0.5, resolution = 80, maxPoints = 3000 } = checkBoundaryOptions(options);
  const classes = softmax ? options.classes ?? Array.from({ length: k }, (_, c) => String(c)) : ['0', '1'];
  if (classes.length !== (softmax ? k : 2)) fail('classes', `expected ${k} labels (one per output), got ${classes.length}`);
  for (let r = 0; r < rows; r++) {
    if (!Number.isInteger(y[r]) || y[r]! < 0 || y[r]! >= classes.length) fail('y', `row ${r + 1} is ${y[r]}; expected a class from 0 to ${classes.length - 1}`);
  }
  const column = (c: number) => Array.from({ length: rows }, (_, r) => data[r * 2 + c]!);
  const [xs, ys] = [column(0), column(1)];
  const pad = (v: number[]) => { const [lo, hi] = extent(v), p = (hi - lo || 1) * 0.05; return [lo - p, hi + p] as const; };
  const [x0, x1] = pad(xs), [y0, y1] = pad(ys);
  const legendWidth = softmax ? Math.max(120, Math.min(180, 40 + 7 * extent(classes.map((l) => l.length))[1])) : 70;
  const sx = linear(x0, x1, M.left, W - M.right - legendWidth, ticks(x0, x1, 8));
  const sy = linear(y0, y1, H - M.bottom, M.top, ticks(y0, y1, 6));
  const grid: number[][] = [];
  for (let j = 0; j < resolution; j++) for (let i = 0; i < resolution; i++) {
    grid.push([x0 + ((i + 0.5) / resolution) * (x1 - x0), y0 + ((j + 0.5) / resolution) * (y1 - y0)]);
  }
  const colors = model.predict(grid).map((p) => (softmax ? classColor(p) : probabilityColor(p[0]!, threshold)));
  const cw = (sx.at(x1) - sx.at(x0)) / resolution, ch = (sy.at(y0) - sy.at(y1)) / resolution;
  const cells: string[] = [];
  // One rect per run of equal colour along a row keeps the file small.
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution;) {
      const color = colors[j * resolution + i]!;
      let n = i + 1;
      while (n < resolution && colors[j * resolution + n] === color) n++;
      cells.push(`<rect x="${f(sx.at(x0) + i * cw)}" y="${f(sy.at(y0) - (j + 1) * ch)}" width="${f((n - i) * cw + 0.5)}" height="${f(ch + 0.5)}" fill="${color}"/>`);
      i = n;
    }
  }
  const pointColor = (c: number) => (softmax ? shade(PALETTE[c % PALETTE.length]!, 0.7) : c === 1 ? '#b91c1c' : '#1d4ed8');
  const every = Math.max(1, Math.ceil(rows / maxPoints));
  const points: string[] = [];
  for (let r = 0; r < rows; r += every) {
    points.push(`<circle cx="${f(sx.at(xs[r]!))}" cy="${f(sy.at(ys[r]!))}" r="2.6" fill="${pointColor(y[r]!)}" stroke="white" stroke-width="0.7"/>`);
  }
  const shown = every > 1 ? [`<text x="${M.left}" y="${H - 12}" font-size="11" fill="${MUTED}">${points.length} of ${rows} rows shown</text>`] : [];
  const legendX = softmax ? W - M.right - legendWidth + 16 : W - M.right - 40;
  return svg([
    `<g>${cells.join('')}</g>`,
    ...frame(sx, sy, features[0], features[1], softmax ? `${target}: the most probable class by the model` : `P(${target} = 1) by the model`, false),
    `<g>${points.join('')}</g>`,
    ...(softmax ? classLegend(legendX, classes, pointColor) : probabilityBar(legendX, threshold)),
    ...(softmax ? [] : [`<text x="${f(sx.at(x1))}" y="26" font-size="12" text-anchor="end" fill="${INK}">${[0, 1].map((c) => `<tspan fill="${pointColor(c)}">●</tspan> ${esc(target)} = ${c}`).join('   ')}</text>`]),
    ...shown,
  ]);
}

function checkTitle(title: unknown): void {
  if (typeof title !== 'string') fail('title', `expected a string, got ${show(title)}`);
}

/** Each option by name, type and range (the grid's cells are predicted at once: 1000 × 1000 at most). */
function checkBoundaryOptions(options: BoundaryOptions): BoundaryOptions {
  knownOptions(options, ['features', 'target', 'threshold', 'classes', 'resolution', 'maxPoints']);
  const { features, target, threshold, classes, resolution, maxPoints } = options;
  if (features !== undefined && (!Array.isArray(features) || features.length !== 2 || features.some((name) => typeof name !== 'string'))) fail('features', `expected the names of the two features, got ${show(features)}`);
  if (target !== undefined && typeof target !== 'string') fail('target', `expected the target's name, got ${show(target)}`);
  if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1))) fail('threshold', `expected a probability between 0 and 1 (exclusive), got ${show(threshold)}`);
  if (classes !== undefined) checkClasses('classes', classes);
  if (resolution !== undefined && positiveInteger('resolution', resolution) > 1000) fail('resolution', `expected at most 1000 cells across, got ${resolution}`);
  if (maxPoints !== undefined) positiveInteger('maxPoints', maxPoints);
  return options;
}

/** The binary plot's colour bar: probability 0 at the bottom, the threshold, 1 at the top. */
function probabilityBar(x: number, threshold: number): string[] {
  const barH = H - M.top - M.bottom;
  return [
    ...Array.from({ length: 20 }, (_, k) => `<rect x="${x}" y="${f(M.top + barH * (1 - (k + 1) / 20))}" width="14" height="${f(barH / 20 + 0.5)}" fill="${probabilityColor((k + 0.5) / 20, threshold)}"/>`),
    `<rect x="${x}" y="${M.top}" width="14" height="${barH}" fill="none" stroke="${MUTED}"/>`,
    ...[0, threshold, 1].map((v) => `<text x="${x + 18}" y="${f(M.top + barH * (1 - v) + 4)}" font-size="11" fill="${INK}">${v}</text>`),
  ];
}

/** The k-class plot's legend: each label with its colour, then how pale means unsure. */
function classLegend(x: number, classes: readonly string[], color: (c: number) => string): string[] {
  const k = classes.length;
  const rows = classes.map((label, c) => {
    const y = M.top + 8 + c * 18;
    return `<circle cx="${x + 6}" cy="${y}" r="5" fill="${color(c)}" stroke="white"/><text x="${x + 16}" y="${y + 4}" font-size="12" fill="${INK}">${esc(label)}</text>`;
  });
  const y = M.top + 8 + k * 18 + 22;
  const steps = 6;
  const ramp = Array.from({ length: steps }, (_, s) => {
    const p = 1 / k + ((s + 0.5) / steps) * (1 - 1 / k);
    return `<rect x="${f(x + s * 14)}" y="${y}" width="14.5" height="10" fill="${classColor([p, ...new Array<number>(k - 1).fill((1 - p) / (k - 1))])}"/>`;
  });
  return [
    ...rows,
    `<text x="${x}" y="${y - 5}" font-size="10" fill="${MUTED}">shade: its probability</text>`,
    ...ramp,
    `<text x="${x}" y="${y + 22}" font-size="10" fill="${MUTED}">${label(Number((1 / k).toPrecision(2)))}</text>`,
    `<text x="${x + steps * 14}" y="${y + 22}" font-size="10" text-anchor="end" fill="${MUTED}">1</text>`,
  ];
}

/** The winning class's colour over white, stronger as its probability rises from 1/k (a tie of all) to 1, in 8 steps. */
function classColor(p: readonly number[]): string {
  const k = p.length;
  let best = 0;
  for (let c = 1; c < k; c++) if (p[c]! > p[best]!) best = c;
  const sure = Math.max(0, Math.min(1, (p[best]! - 1 / k) / (1 - 1 / k)));
  return tint(PALETTE[best % PALETTE.length]!, 0.12 + (Math.ceil(sure * 8) / 8) * 0.5);
}

/** `hex` mixed over white: t = 0 white, 1 the colour itself. */
function tint(hex: string, t: number): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${c.map((v) => Math.round(255 + (v - 255) * t)).join(',')})`;
}

/** `hex` darkened: each channel times `factor`. */
function shade(hex: string, factor: number): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${c.map((v) => Math.round(v * factor)).join(',')})`;
}

/** Blue (p = 0) through white (p = threshold) to red (p = 1), in 10 steps each side. */
function probabilityColor(p: number, threshold: number): string {
  const side = p < threshold ? -Math.ceil(((threshold - p) / threshold) * 10) / 10 : Math.ceil(((p - threshold) / (1 - threshold)) * 10) / 10;
  const [r, g, b] = side < 0 ? [59, 130, 246] : [239, 68, 68];
  const t = Math.abs(side) * 0.75;
  const mix = (c: number) => Math.round(255 + (c - 255) * t);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** Data → pixels over the pixel range [from, to]. */
interface Scale { at(v: number): number; ticks: number[]; from: number; to: number }

function linear(d0: number, d1: number, r0: number, r1: number, tickValues: number[]): Scale {
  // In halves (exact, short of subnormals): a range from −1e308 to 1e308 is wider than f64 holds whole.
  const span = d1 / 2 - d0 / 2 || 1;
  return { at: (v) => r0 + ((v / 2 - d0 / 2) / span) * (r1 - r0), ticks: tickValues, from: r0, to: r1 };
}

function logarithmic(lo: number, hi: number, r0: number, r1: number): Scale {
  const l0 = Math.floor(Math.log10(lo) * 4) / 4, l1 = Math.ceil(Math.log10(hi) * 4) / 4;
  const tickValues: number[] = [];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) {
    for (const m of [1, 2, 5]) { const v = m * 10 ** e; if (Math.log10(v) >= l0 && Math.log10(v) <= l1) tickValues.push(v); }
  }
  return { at: (v) => r0 + ((Math.log10(v) - l0) / (l1 - l0 || 1)) * (r1 - r0), ticks: tickValues, from: r0, to: r1 };
}

/** About `count` round tick values (1, 2 or 5 × 10ᵏ apart) covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  // A range too narrow for f64 to step through at its magnitude (or too wide to measure) gets its ends.
  if (!(raw > 1e-300 && raw > 1e-12 * Math.max(Math.abs(lo), Math.abs(hi)) && Number.isFinite(raw))) return hi > lo ? [lo, hi] : [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Grid lines, tick labels, axis titles and the chart title. */
function frame(x: Scale, y: Scale, xLabel: string, yLabel: string, title: string, grid = true): string[] {
  const [left, right, top, bottom] = [x.from, x.to, y.to, y.from];
  const out: string[] = [];
  for (const t of x.ticks) {
    const px = f(x.at(t));
    if (grid) out.push(`<line x1="${px}" x2="${px}" y1="${top}" y2="${bottom}" stroke="${GRID}"/>`);
    out.push(`<line x1="${px}" x2="${px}" y1="${bottom}" y2="${bottom + 5}" stroke="${INK}"/>`, `<text x="${px}" y="${bottom + 19}" font-size="11" text-anchor="middle" fill="${INK}">${label(t)}</text>`);
  }
  for (const t of y.ticks) {
    const py = f(y.at(t));
    if (grid) out.push(`<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="${GRID}"/>`);
    out.push(`<line x1="${left - 5}" x2="${left}" y1="${py}" y2="${py}" stroke="${INK}"/>`, `<text x="${left - 8}" y="${f(y.at(t) + 4)}" font-size="11" text-anchor="end" fill="${INK}">${label(t)}</text>`);
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${f(right - left)}" height="${f(bottom - top)}" fill="none" stroke="${INK}"/>`,
    `<text x="${f((left + right) / 2)}" y="${H - 14}" font-size="13" text-anchor="middle" fill="${INK}">${esc(xLabel)}</text>`,
    `<text transform="translate(18 ${f((top + bottom) / 2)}) rotate(-90)" font-size="13" text-anchor="middle" fill="${INK}">${esc(yLabel)}</text>`,
    `<text x="${left}" y="26" font-size="15" font-weight="600" fill="${INK}">${esc(title)}</text>`,
  );
  return out;
}

function svg(parts: string[], width = W, height = H): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n<rect width="${width}" height="${height}" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

function label(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(6)));
}

function f(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The best epoch's dashed line; its label sits left of the line in the chart's right half, so it stays inside. */
function bestMarker(at: number, labelLeft: boolean, epoch: number): string[] {
  return [
    `<line x1="${f(at)}" x2="${f(at)}" y1="${M.top}" y2="${H - M.bottom}" stroke="${MUTED}" stroke-dasharray="2 3"/>`,
    `<text x="${f(labelLeft ? at - 4 : at + 4)}" y="${H - M.bottom - 6}" font-size="11" fill="${MUTED}"${labelLeft ? ' text-anchor="end"' : ''}>best epoch ${epoch}</text>`,
  ];
}
