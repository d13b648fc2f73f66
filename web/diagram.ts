// The network as an SVG diagram: units in columns, one line per weight coloured by its sign and as
// thick as its size, each unit's bias under it. `update` restyles the same elements as training goes.
// The SVG is drawn in CSS pixels (its viewBox follows its width), so its text is as large as the
// page's. A click or tap on a line or a unit shows its numbers in the details box below; after a
// Step, the trace of that step (model.trace) gives each line its gradient and each pick its chain rule.
import type { ModelOptions, ParamChain, Trace, Weights } from '../src/browser.js';
import { extent } from '../src/extent.js';
import { fragment } from './fragment.js';

const SVG = 'http://www.w3.org/2000/svg';
const H = 300, TOP = 46, BOTTOM = 30, FONT = 12;
export const POSITIVE = '#2563eb', NEGATIVE = '#ea580c';
/** Columns taller than this get no input names: they would overlap. */
const LABELLED_UNITS = 5;
/** Column spacing below which the column titles shorten to in, h1, h2, …, out. */
const TITLE_WIDTH = 72;
/** Room a bias label needs: its width between columns, its height between units. */
const BIAS_LABEL_WIDTH = 84, BIAS_LABEL_HEIGHT = 18;
/** Units drawn per column; a wider layer shows its first ones and says how many more it has. */
export const SHOWN_UNITS = 12;
/** Lines are thin; a tap anywhere this wide along one picks it. */
const HIT_WIDTH = 14;

/** A part of the network a click picks: a weight (`layer` counts Dense layers from 0) or a unit (`column` 0 is the inputs). */
export type Part = { kind: 'weight'; layer: number; from: number; unit: number } | { kind: 'unit'; column: number; unit: number };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const round = (v: number) => String(Number(v.toPrecision(3)));
const full = (v: number) => String(Number(v.toPrecision(8)));

export class NetworkDiagram {
  /** Per layer: its drawn edges as [input][unit], and its drawn units' bias labels. */
  private edges: SVGLineElement[][][] = [];
  private biases: (SVGTextElement | undefined)[][] = [];
  private shape: { model: ModelOptions; features: string[]; target: string; classes: string[] | undefined } | undefined;
  private weights: Weights | undefined;
  private selected: Part | undefined;
  /** The last Step's trace, while its weights are the ones drawn. */
  private trace: Trace | undefined;
  /** What the lines' colour and thickness show: the weights, or the last Step's gradients. */
  private mode: 'weights' | 'gradients' = 'weights';
  private width = 0;
  /** Told of every pick, so that other panels can show the same part (the hidden units' maps outline the unit's). */
  onSelect: ((part: Part) => void) | undefined;

  constructor(private readonly svg: SVGSVGElement, private readonly details: HTMLElement) {
    svg.setAttribute('height', String(H));
    new ResizeObserver(() => {
      if (this.shape && svg.clientWidth !== this.width) this.draw();
    }).observe(svg);
  }

  /** No network to draw: `message` in its place. */
  clear(message: string): void {
    this.shape = this.weights = this.selected = this.trace = undefined;
    this.svg.replaceChildren(el('text', { x: '50%', y: H / 2, 'text-anchor': 'middle', 'font-size': 13, fill: '#6b7280' }, message));
    this.details.replaceChildren();
    this.details.hidden = true;
  }

  /** Draws the network of `model`, its inputs named by `features` and its output by `target` (a softmax output's units by `classes`). */
  start(model: ModelOptions, features: string[], target: string, classes?: string[]): void {
    this.shape = { model, features, target, classes };
    this.weights = this.selected = this.trace = undefined;
    this.details.replaceChildren();
    this.details.hidden = false;
    this.draw();
  }

  private name(column: number, unit: number): string {
    const { model, features, target, classes } = this.shape!;
    if (column === 0) return features[unit] ?? `x${unit + 1}`;
    if (column === model.layers.length) {
      if (model.layers[column - 1]!.units === 1) return `the output (${target})`;
      return classes?.[unit] !== undefined ? `the output for ${target} = ${classes[unit]}` : `output ${unit + 1}`;
    }
    return `hidden ${column} · unit ${unit + 1}`;
  }

  private draw(): void {
    const { model, features, target, classes } = this.shape!;
    this.width = Math.max(240, this.svg.clientWidth);
    const W = this.width;
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    const widths = [model.inputs, ...model.layers.map((l) => l.units)];
    const shown = widths.map((n) => Math.min(n, SHOWN_UNITS));
    const r = Math.max(4, Math.min(15, (H - TOP - BOTTOM) / extent(shown)[1] / 2.6));
    // Room for the input names on the left and the target's on the right, at about 7 px a character.
    const text = (s: string) => s.length * 7;
    const left = Math.min(W * 0.3, r + 12 + (model.inputs <= LABELLED_UNITS ? extent(features.map(text))[1] : 0));
    // The output's name: the target's, or each class's where there is room.
    const outputs = widths[widths.length - 1]!;
    const named = outputs === 1 ? [`→ ${target}`] : classes && outputs <= LABELLED_UNITS ? classes.map((c) => `→ ${c}`) : [];
    const right = Math.min(W * 0.25, r + 14 + Math.max(0, extent(named.map(text))[1]));
    const x = (c: number) => left + (c / (widths.length - 1)) * (W - left - right);
    const y = (c: number, i: number) => TOP + ((i + 0.5) / shown[c]!) * (H - TOP - BOTTOM);
    // Bias labels where they fit; elsewhere a click on the unit shows its bias.
    const labelled = (c: number) => x(1) - x(0) >= BIAS_LABEL_WIDTH && (H - TOP - BOTTOM) / shown[c]! >= 2 * r + BIAS_LABEL_HEIGHT;
    const lines = el('g', {}), units = el('g', {}), labels = el('g', { 'font-size': FONT, fill: '#1f2937' });
    this.edges = [];
    this.biases = [];
    const unit = (c: number, u: number, fill: string) => {
      const circle = el('circle', { cx: x(c), cy: y(c, u), r, fill, stroke: '#1f2937', 'stroke-width': 1.5, tabindex: 0, role: 'button', 'aria-label': this.name(c, u), 'data-column': c, 'data-unit': u });
      circle.addEventListener('click', () => this.select({ kind: 'unit', column: c, unit: u }));
      circle.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.select({ kind: 'unit', column: c, unit: u }); } });
      units.append(circle);
    };
    const more = (c: number) => {
      if (widths[c]! > shown[c]!) labels.append(el('text', { x: x(c), y: H - 6, 'text-anchor': 'middle', fill: '#6b7280' }, `+${widths[c]! - shown[c]!} more`));
    };
    model.layers.forEach((layer, l) => {
      this.edges.push(Array.from({ length: shown[l]! }, (_, i) => Array.from({ length: shown[l + 1]! }, (_, u) => {
        const at = { x1: x(l), y1: y(l, i), x2: x(l + 1), y2: y(l + 1, u) };
        const line = el('line', { ...at, 'stroke-linecap': 'round', stroke: '#9ca3af', 'stroke-width': 1, 'data-layer': l, 'data-from': i, 'data-unit': u });
        // The hover tip is for mice; a click or a tap shows the same number in the details box.
        const hit = el('line', { ...at, class: 'hit', stroke: 'transparent', 'stroke-width': HIT_WIDTH });
        hit.append(el('title', {}));
        hit.addEventListener('click', () => this.select({ kind: 'weight', layer: l, from: i, unit: u }));
        lines.append(line, hit);
        return line;
      })));
      const hidden = l < model.layers.length - 1;
      const title = x(1) - x(0) >= TITLE_WIDTH ? (hidden ? `hidden ${l + 1}` : 'output') : (hidden ? `h${l + 1}` : 'out');
      labels.append(el('text', { x: x(l + 1), y: 16, 'text-anchor': 'middle', 'font-weight': 600 }, title));
      labels.append(el('text', { x: x(l + 1), y: 32, 'text-anchor': 'middle', fill: '#6b7280' }, layer.activation ?? 'linear'));
      this.biases.push(Array.from({ length: shown[l + 1]! }, (_, u) => {
        unit(l + 1, u, 'white');
        if (!labelled(l + 1)) return undefined;
        const label = el('text', { x: x(l + 1), y: y(l + 1, u) + r + 14, 'text-anchor': 'middle', fill: '#4b5563' });
        labels.append(label);
        return label;
      }));
      more(l + 1);
    });
    labels.append(el('text', { x: x(0), y: 16, 'text-anchor': 'middle', 'font-weight': 600 }, x(1) - x(0) >= TITLE_WIDTH ? 'inputs' : 'in'));
    for (let i = 0; i < shown[0]!; i++) {
      unit(0, i, '#e5e7eb');
      if (model.inputs <= LABELLED_UNITS) labels.append(el('text', { x: x(0) - r - 6, y: y(0, i) + 4, 'text-anchor': 'end' }, features[i] ?? `x${i + 1}`));
    }
    more(0);
    const out = widths.length - 1;
    named.forEach((name, u) => labels.append(el('text', { x: x(out) + r + 6, y: y(out, u) + 4 }, name)));
    this.svg.replaceChildren(lines, units, labels);
    if (this.weights) this.update(this.weights, this.trace);
    this.mark();
  }

  /**
   * Restyles every drawn edge and bias label from the weights (Keras layout: kernel [input][unit],
   * then bias, per layer); `trace` is the Step that led to them, whose gradients the lines can show.
   */
  update(weights: Weights, trace?: Trace): void {
    this.weights = weights;
    this.trace = trace;
    const shown = this.mode === 'gradients' && trace ? trace.gradients : weights;
    const largest = Math.max(this.mode === 'gradients' && trace ? 1e-300 : 1, extent(shown.flat(2).map(Math.abs))[1]);
    this.edges.forEach((layer, l) => {
      const kernel = weights[2 * l] as number[][], bias = weights[2 * l + 1] as number[];
      const sizes = shown[2 * l] as number[][];
      const gradients = trace?.gradients[2 * l] as number[][] | undefined;
      layer.forEach((row, i) => row.forEach((line, u) => {
        const w = kernel[i]![u]!, v = sizes[i]![u]!;
        line.setAttribute('stroke', v >= 0 ? POSITIVE : NEGATIVE);
        line.setAttribute('stroke-width', (0.6 + (7 * Math.abs(v)) / largest).toFixed(2));
        line.setAttribute('stroke-opacity', '0.8');
        line.dataset.weight = String(w);
        if (gradients) line.dataset.gradient = String(gradients[i]![u]!);
        else delete line.dataset.gradient;
        line.nextElementSibling!.firstElementChild!.textContent = `weight ${round(w)}${gradients ? `, gradient ${round(gradients[i]![u]!)}` : ''}`;
      }));
      this.biases[l]!.forEach((text, u) => { if (text) text.textContent = `bias ${round(bias[u]!)}`; });
    });
    this.svg.dataset.showing = this.mode === 'gradients' && trace ? 'gradients' : 'weights';
    if (this.selected) this.describe(this.selected);
  }

  /** Lines sized and coloured by the weights or by the last Step's gradients (weights until a Step has run). */
  show(mode: 'weights' | 'gradients'): void {
    this.mode = mode;
    if (this.weights) this.update(this.weights, this.trace);
  }

  private select(part: Part): void {
    this.selected = part;
    this.mark();
    this.describe(part);
    this.onSelect?.(part);
  }

  /** Outlines the picked part, again after a redraw. */
  private mark(): void {
    for (const e of this.svg.querySelectorAll('.selected')) e.classList.remove('selected');
    const part = this.selected;
    if (!part) return;
    const drawn = part.kind === 'weight'
      ? this.edges[part.layer]?.[part.from]?.[part.unit]
      : this.svg.querySelector(`circle[data-column="${part.column}"][data-unit="${part.unit}"]`);
    drawn?.classList.add('selected');
  }

  /** The picked part's numbers, in words and with where getWeights() holds them; after a Step, its gradient as the chain rule builds it. */
  private describe(part: Part): void {
    const w = this.weights;
    const { model } = this.shape!;
    if (!w) {
      this.details.replaceChildren(line('The weights appear once the network is built.'));
      return;
    }
    const kernel = (l: number) => w[2 * l] as number[][];
    const bias = (l: number) => w[2 * l + 1] as number[];
    const t = this.trace;
    if (part.kind === 'weight') {
      const { layer: l, from: i, unit: u } = part;
      this.details.replaceChildren(
        line(`Weight from ${this.name(l, i)} to ${this.name(l + 1, u)}: ${full(kernel(l)[i]![u]!)}`),
        line(`getWeights()[${2 * l}][${i}][${u}], layer ${l + 1}'s kernel (row: input, column: unit).`),
        fragment(t ? chainView(t, (t.chains[2 * l] as ParamChain[][])[i]![u]!, (t.weights[2 * l] as number[][])[i]![u]!, (t.update.deltas[2 * l] as number[][])[i]![u]!) : []));
      return;
    }
    const { column: c, unit: u } = part;
    const into = c === 0 ? [] : kernel(c - 1).map((row, i) => `${this.name(c - 1, i)} ${full(row[u]!)}`);
    const out = c === model.layers.length ? [] : kernel(c)[u]!.map((v, k) => `${this.name(c + 1, k)} ${full(v)}`);
    this.details.replaceChildren(
      line(c === 0 ? `Input ${this.name(0, u)}` : `${this.name(c, u)} (${model.layers[c - 1]!.activation ?? 'linear'}): bias ${full(bias(c - 1)[u]!)}`),
      fragment(into.length ? [line(`Weights in: ${into.join(', ')}`)] : []),
      fragment(out.length ? [line(`Weights out: ${out.join(', ')}`)] : []),
      fragment(t ? unitView(t, c, u) : []));
  }
}

/** Rows of the batch the details box lists; the sums are over every row. */
const SHOWN_ROWS = 4;

const line = (text: string, className?: string) => Object.assign(document.createElement('p'), { textContent: text, ...(className ? { className } : {}) });

/** `v` for a product: negative numbers in brackets. */
const factor = (v: number) => (v < 0 ? `(${full(v)})` : full(v));

/** Row `r` of the batch as the step saw it: its index among the training rows. */
const rowName = (t: Trace, r: number) => `row ${t.rows[r]! + 1}`;

/**
 * A parameter's gradient in the step: each row's product of its local factors, their sum (the
 * gradient fit used), the full chain from the loss where it is short, and the update it led to.
 */
function chainView(t: Trace, chain: ParamChain, before: number, delta: number): HTMLElement[] {
  const rows = chain.values.length;
  const terms = chain.values.slice(0, SHOWN_ROWS).map((values, r) => {
    const p = line(`${rowName(t, r)}: ${values.map(factor).join(' × ')} = ${full(values.reduce((a, b) => a * b, 1))}`, 'term');
    p.dataset.values = JSON.stringify(values);
    const paths = chain.paths?.[r];
    if (paths) p.append(fragment(paths.map((path) => line(`${path.map((f) => f.name).join(' · ')} = ${path.map((f) => factor(f.value)).join(' × ')}`, 'path'))));
    return p;
  });
  const penalty = chain.penalty ? ` + regularizer ${full(chain.penalty.value)}` : '';
  const sum = line(`${rows > 1 ? `Sum over the batch's ${rows} rows${rows > SHOWN_ROWS ? ` (first ${SHOWN_ROWS} shown)` : ''}` : 'So'}${penalty}: ∂L/∂${chain.name} = ${full(chain.gradient)}`
    + (chain.numeric === null ? '' : ` (central difference ${full(chain.numeric)})`), 'chain-sum');
  sum.dataset.gradient = String(chain.gradient);
  return [
    line(`In step ${t.step} (epoch ${t.epoch}), ∂L/∂${chain.name} = Σ over the batch's rows of ${chain.factors.join(' × ')}:`, 'chain'),
    ...terms,
    sum,
    line(`The ${t.update.settings.optimizer} update moved ${chain.name} from ${full(before)} to ${full(before + delta)}.`),
  ];
}

/** A unit's numbers in the step, row by row: what it summed, its activation, and the derivatives backpropagation sent it. */
function unitView(t: Trace, column: number, unit: number): HTMLElement[] {
  const rows = Math.min(SHOWN_ROWS, t.rows.length);
  if (column === 0) return Array.from({ length: rows }, (_, r) => line(`${rowName(t, r)}: ${full(t.x[r]![unit]!)} (as the network saw it)`));
  const layer = t.layers[column - 1]!;
  const biasChain = (t.chains[2 * column - 1] as ParamChain[])[unit]!;
  const before = (t.weights[2 * column - 1] as number[])[unit]!, delta = (t.update.deltas[2 * column - 1] as number[])[unit]!;
  return [
    line(`In step ${t.step}:`, 'chain'),
    ...Array.from({ length: rows }, (_, r) => line(`${rowName(t, r)}: z = ${full(layer.z[r]![unit]!)}, activation ${full(layer.activations[r]![unit]!)}, `
      + `its derivative ${full(layer.derivatives[r]![unit]!)}${layer.dLda ? `, ∂L/∂a = ${full(layer.dLda[r]![unit]!)}` : ''}, ∂L/∂z = ${full(layer.dLdz[r]![unit]!)}`)),
    line(`The bias's gradient is the sum of ∂L/∂z over the batch: ∂L/∂${biasChain.name} = ${full(biasChain.gradient)}; the update moved it from ${full(before)} to ${full(before + delta)}.`),
  ];
}
