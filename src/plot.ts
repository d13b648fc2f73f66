// SVG charts as strings (no DOM, no files): the loss per epoch, and a classifier's probability over
// the plane of two features with the data on top.
import { toMatrix, type Matrix } from './data.js';
import { fail } from './errors.js';
import type { Model } from './model.js';
import type { LossHistory } from './trainer.js';

const W = 720, H = 440;
const M = { left: 72, right: 24, top: 44, bottom: 56 };
const BLUE = '#2563eb', ORANGE = '#ea580c', INK = '#1f2937', GRID = '#e5e7eb', MUTED = '#6b7280';
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

/** A line chart of the training loss per epoch and, when the history has it, the validation loss. */
export function lossChartSvg(history: LossHistory, title = 'Loss per epoch'): string {
  const n = history.loss.length;
  if (n === 0) fail('history', 'has no epochs to plot');
  const series = [{ name: 'training loss', values: history.loss, color: BLUE, dash: '' }];
  if (history.valLoss?.length) series.push({ name: 'validation loss', values: history.valLoss, color: ORANGE, dash: ' stroke-dasharray="6 4"' });
  // Not Math.min(...values): a long history would overflow the stack.
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const v of s.values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  // Losses often fall by orders of magnitude: a log scale keeps the late epochs readable.
  const log = lo > 0 && hi / lo > 30;
  const x = linear(1, Math.max(n, 2), M.left, W - M.right, ticks(1, Math.max(n, 2), 8).filter(Number.isInteger));
  const y = log ? logarithmic(lo, hi, H - M.bottom, M.top) : linear(Math.min(lo, 0), hi, H - M.bottom, M.top, ticks(Math.min(lo, 0), hi, 6));
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash} points="${s.values.map((v, e) => `${f(x.at(e + 1))},${f(y.at(v))}`).join(' ')}"/>`);
  const best = history.bestEpoch === undefined ? [] : bestMarker(x.at(history.bestEpoch + 1), history.bestEpoch + 1 > n / 2, history.bestEpoch + 1);
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

export interface BoundaryOptions {
  /** Names of the two features, for the axes. */
  features?: [string, string];
  target?: string;
  /** Where the colours turn from class 0 to class 1 (default 0.5). */
  threshold?: number;
  /** Cells across each axis (default 80). */
  resolution?: number;
  /** At most this many points are drawn, evenly spread over the rows (default 3000). */
  maxPoints?: number;
}

/**
 * A binary classifier on two features: its probability of 1 across the plane the rows span
 * (blue → white at the threshold → red), the rows drawn on top in their class's colour.
 */
export function decisionBoundarySvg(model: Model, x: Matrix, y: ArrayLike<number>, options: BoundaryOptions = {}): string {
  if (model.network.inputs !== 2) fail('plot', `a decision boundary needs a model on exactly 2 features; this one has ${model.network.inputs}`);
  if (model.network.loss !== 'binaryCrossentropy') fail('plot', 'a decision boundary needs a classification model (binaryCrossentropy)');
  const { data, rows } = toMatrix('x', x, 2);
  if (y.length !== rows) fail('y', `has ${y.length} values but x has ${rows} rows`);
  const { features = ['x₁', 'x₂'], target = 'y', threshold = 0.5, resolution = 80, maxPoints = 3000 } = options;
  const column = (c: number) => Array.from({ length: rows }, (_, r) => data[r * 2 + c]!);
  const [xs, ys] = [column(0), column(1)];
  const pad = (v: number[]) => { const lo = Math.min(...v), hi = Math.max(...v), p = (hi - lo || 1) * 0.05; return [lo - p, hi + p] as const; };
  const [x0, x1] = pad(xs), [y0, y1] = pad(ys);
  const sx = linear(x0, x1, M.left, W - M.right - 70, ticks(x0, x1, 8));
  const sy = linear(y0, y1, H - M.bottom, M.top, ticks(y0, y1, 6));
  const grid: number[][] = [];
  for (let j = 0; j < resolution; j++) for (let i = 0; i < resolution; i++) {
    grid.push([x0 + ((i + 0.5) / resolution) * (x1 - x0), y0 + ((j + 0.5) / resolution) * (y1 - y0)]);
  }
  const p = model.predict(grid).map((o) => o[0]!);
  const cw = (sx.at(x1) - sx.at(x0)) / resolution, ch = (sy.at(y0) - sy.at(y1)) / resolution;
  const cells: string[] = [];
  // One rect per run of equal colour along a row keeps the file small.
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution;) {
      const color = probabilityColor(p[j * resolution + i]!, threshold);
      let k = i + 1;
      while (k < resolution && probabilityColor(p[j * resolution + k]!, threshold) === color) k++;
      cells.push(`<rect x="${f(sx.at(x0) + i * cw)}" y="${f(sy.at(y0) - (j + 1) * ch)}" width="${f((k - i) * cw + 0.5)}" height="${f(ch + 0.5)}" fill="${color}"/>`);
      i = k;
    }
  }
  const every = Math.max(1, Math.ceil(rows / maxPoints));
  const points: string[] = [];
  for (let r = 0; r < rows; r += every) {
    points.push(`<circle cx="${f(sx.at(xs[r]!))}" cy="${f(sy.at(ys[r]!))}" r="2.6" fill="${y[r] === 1 ? '#b91c1c' : '#1d4ed8'}" stroke="white" stroke-width="0.7"/>`);
  }
  const shown = every > 1 ? [`<text x="${M.left}" y="${H - 12}" font-size="11" fill="${MUTED}">${points.length} of ${rows} rows shown</text>`] : [];
  const key = [0, 1].map((label) => `<tspan fill="${label ? '#b91c1c' : '#1d4ed8'}">●</tspan> ${esc(target)} = ${label}`).join('   ');
  const barX = W - M.right - 40, barH = H - M.top - M.bottom;
  const bar = Array.from({ length: 20 }, (_, k) => {
    const v = (k + 0.5) / 20;
    return `<rect x="${barX}" y="${f(M.top + barH * (1 - (k + 1) / 20))}" width="14" height="${f(barH / 20 + 0.5)}" fill="${probabilityColor(v, threshold)}"/>`;
  });
  return svg([
    `<g>${cells.join('')}</g>`,
    ...frame(sx, sy, features[0], features[1], `P(${target} = 1) by the model`, false),
    `<g>${points.join('')}</g>`,
    ...bar,
    `<rect x="${barX}" y="${M.top}" width="14" height="${barH}" fill="none" stroke="${MUTED}"/>`,
    ...[0, threshold, 1].map((v) => `<text x="${barX + 18}" y="${f(M.top + barH * (1 - v) + 4)}" font-size="11" fill="${INK}">${v}</text>`),
    `<text x="${f(sx.at(x1))}" y="26" font-size="12" text-anchor="end" fill="${INK}">${key}</text>`,
    ...shown,
  ]);
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

function svg(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT}>\n<rect width="${W}" height="${H}" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
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
