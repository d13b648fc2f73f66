// The network as an SVG diagram: units in columns, one line per weight coloured by its sign and as
// thick as its size, each unit's bias under it. `update` restyles the same elements as training goes.
import type { ModelOptions, Weights } from '../src/browser.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 640, H = 320, TOP = 44, BOTTOM = 24;
export const POSITIVE = '#2563eb', NEGATIVE = '#ea580c';
/** Columns taller than this get no per-unit labels: they would overlap. */
const LABELLED_UNITS = 5;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const round = (v: number) => String(Number(v.toPrecision(3)));

export class NetworkDiagram {
  /** Per layer: its edges as [input][unit], and its units' bias labels. */
  private edges: SVGLineElement[][][] = [];
  private biases: (SVGTextElement | undefined)[][] = [];

  constructor(private readonly svg: SVGSVGElement) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  }

  /** Draws the network of `model`, its inputs named by `features` and its output by `target`. */
  start(model: ModelOptions, features: string[], target: string): void {
    const widths = [model.inputs, ...model.layers.map((l) => l.units)];
    const tallest = Math.max(...widths);
    const r = Math.max(3, Math.min(16, (H - TOP - BOTTOM) / tallest / 2.6));
    const x = (l: number) => 130 + (l / (widths.length - 1)) * (W - 230);
    const y = (l: number, i: number) => TOP + ((i + 0.5) / widths[l]!) * (H - TOP - BOTTOM);
    const lines = el('g', {}), units = el('g', {}), labels = el('g', { 'font-size': 12, fill: '#1f2937' });
    this.edges = [];
    this.biases = [];
    model.layers.forEach((layer, l) => {
      this.edges.push(Array.from({ length: widths[l]! }, (_, i) => Array.from({ length: layer.units }, (_, u) => {
        const line = el('line', { x1: x(l), y1: y(l, i), x2: x(l + 1), y2: y(l + 1, u), 'stroke-linecap': 'round' });
        line.append(el('title', {}));
        lines.append(line);
        return line;
      })));
      const hidden = l < model.layers.length - 1;
      labels.append(el('text', { x: x(l + 1), y: 18, 'text-anchor': 'middle', 'font-weight': 600 }, hidden ? `hidden ${l + 1}` : 'output'));
      labels.append(el('text', { x: x(l + 1), y: 32, 'text-anchor': 'middle', fill: '#6b7280' }, layer.activation ?? 'linear'));
      this.biases.push(Array.from({ length: layer.units }, (_, u) => {
        units.append(el('circle', { cx: x(l + 1), cy: y(l + 1, u), r, fill: 'white', stroke: '#1f2937', 'stroke-width': 1.5 }));
        if (layer.units > LABELLED_UNITS) return undefined;
        const text = el('text', { x: x(l + 1), y: y(l + 1, u) + r + 13, 'text-anchor': 'middle', 'font-size': 11, fill: '#4b5563' });
        labels.append(text);
        return text;
      }));
    });
    labels.append(el('text', { x: x(0), y: 18, 'text-anchor': 'middle', 'font-weight': 600 }, 'inputs'));
    for (let i = 0; i < model.inputs; i++) {
      units.append(el('circle', { cx: x(0), cy: y(0, i), r, fill: '#e5e7eb', stroke: '#1f2937', 'stroke-width': 1.5 }));
      if (model.inputs <= LABELLED_UNITS) labels.append(el('text', { x: x(0) - r - 6, y: y(0, i) + 4, 'text-anchor': 'end' }, features[i] ?? `x${i + 1}`));
    }
    const out = widths.length - 1;
    if (widths[out] === 1) labels.append(el('text', { x: x(out) + r + 6, y: y(out, 0) + 4 }, `→ ${target}`));
    this.svg.replaceChildren(lines, units, labels);
  }

  /** Restyles every edge and bias label from the weights (Keras layout: kernel [input][unit], then bias, per layer). */
  update(weights: Weights): void {
    const largest = Math.max(1, ...weights.flat(2).map(Math.abs));
    this.edges.forEach((layer, l) => {
      const kernel = weights[2 * l] as number[][], bias = weights[2 * l + 1] as number[];
      layer.forEach((row, i) => row.forEach((line, u) => {
        const w = kernel[i]![u]!;
        line.setAttribute('stroke', w >= 0 ? POSITIVE : NEGATIVE);
        line.setAttribute('stroke-width', (0.6 + (7 * Math.abs(w)) / largest).toFixed(2));
        line.setAttribute('stroke-opacity', '0.8');
        line.dataset.weight = String(w);
        line.firstElementChild!.textContent = `weight ${round(w)}`;
      }));
      this.biases[l]!.forEach((text, u) => { if (text) text.textContent = `bias ${round(bias[u]!)}`; });
    });
  }
}
