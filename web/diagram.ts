// The network as an SVG diagram: units in columns, one line per weight coloured by its sign and as
// thick as its size, each unit's bias under it. `update` restyles the same elements as training goes.
// The SVG is drawn in CSS pixels (its viewBox follows its width), so its text is as large as the
// page's. A click or tap on a line or a unit shows its numbers in the details box below; after a
// Step, the trace of that step (model.trace) gives each line its gradient and each pick its chain rule.
// From the keyboard: Tab reaches each drawn unit, and after a wide layer's drawn units its "+N more"
// control, which asks for any unit of the layer by number; a unit's details list its weights in and
// out as buttons, so every weight (drawn or not) and its chain rule is a few keys away.
import type { DenseSpec, ParamChain, Trace, Weights } from '../src/browser.js';
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
/** Column spacing below which a wide layer's "+N more" shortens to "+N". */
const MORE_WIDTH = 64;
/** Lines are thin; a tap anywhere this wide along one picks it. */
const HIT_WIDTH = 14;

/** The network drawn: its inputs and its Dense layers (a Dropout changes no weight, so it is not drawn). */
export interface Network {
  inputs: number;
  layers: DenseSpec[];
}

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
  private shape: { model: Network; features: string[]; target: string; classes: string[] | undefined } | undefined;
  private weights: Weights | undefined;
  /** Every weight, for the details (a big network's nested arrays are built when first read); while a run trains, the drawn ones only. */
  private all: (() => Weights) | undefined;
  private selected: Part | undefined;
  /** The last Step's trace, while its weights are the ones drawn. */
  private trace: Trace | undefined;
  /** What the lines' colour and thickness show: the weights, or the last Step's gradients. */
  private mode: 'weights' | 'gradients' = 'weights';
  private width = 0;
  /** Told of every pick, so that other panels can show the same part (the hidden units' maps outline the unit's). */
  onSelect: ((part: Part) => void) | undefined;
  /** Told whether the weights drawn come with a Step's gradients, so that the lines' toggle offers gradients only then. */
  onTrace: ((traced: boolean) => void) | undefined;

  constructor(private readonly svg: SVGSVGElement, private readonly details: HTMLElement) {
    svg.setAttribute('height', String(H));
    new ResizeObserver(() => {
      if (this.shape && svg.clientWidth !== this.width) this.draw();
    }).observe(svg);
  }

  /** No network to draw: `message` in its place. */
  clear(message: string): void {
    this.shape = this.weights = this.all = this.selected = this.trace = undefined;
    // SVG text does not wrap: lines of as many words as fit the width, at about 7 px a character.
    const room = Math.max(20, Math.floor(this.svg.clientWidth / 7) - 2), lines: string[] = [];
    for (const word of message.split(' ')) {
      if (lines.length > 0 && `${lines[lines.length - 1]} ${word}`.length <= room) lines[lines.length - 1] += ` ${word}`;
      else lines.push(word);
    }
    const text = el('text', { y: H / 2 - ((lines.length - 1) * 17) / 2, 'text-anchor': 'middle', 'font-size': 13, fill: '#6b7280' });
    for (const [i, line] of lines.entries()) text.append(el('tspan', { x: '50%', dy: i === 0 ? 0 : 17 }, i < lines.length - 1 ? `${line} ` : line));
    this.svg.replaceChildren(text);
    this.details.replaceChildren();
    this.details.hidden = true;
  }

  /**
   * Draws the network of `model`, its inputs named by `features` and its output by `target` (a softmax
   * output's units by `classes`). The same network as the one drawn (a run of the network previewed)
   * keeps its drawing, whose lines the run's weights restyle: a big one's takes milliseconds to lay out.
   */
  start(model: Network, features: string[], target: string, classes?: string[]): void {
    const shape = { model, features, target, classes };
    const same = this.shape !== undefined && JSON.stringify(shape) === JSON.stringify(this.shape) && this.svg.clientWidth === this.width;
    this.shape = shape;
    this.weights = this.all = this.selected = this.trace = undefined;
    this.details.replaceChildren();
    this.details.hidden = false;
    if (same) this.mark();
    else this.draw();
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

  /** Column `column`'s name: the inputs, a hidden layer, the output layer. */
  private columnName(column: number): string {
    return column === 0 ? 'the inputs' : column === this.shape!.model.layers.length ? 'the output layer' : `hidden layer ${column}`;
  }

  private draw(): void {
    const { model, features, target, classes } = this.shape!;
    this.width = Math.max(240, this.svg.clientWidth);
    const W = this.width;
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    const widths = [model.inputs, ...model.layers.map((l) => l.units)];
    const shown = widths.map((n) => Math.min(n, SHOWN_UNITS));
    const r = Math.max(4, Math.min(15, (H - TOP - BOTTOM) / shown.reduce((a, b) => Math.max(a, b), 1) / 2.6));
    // Room for the input names on the left and the target's on the right, at about 7 px a character.
    const text = (s: string) => s.length * 7;
    const left = Math.min(W * 0.3, r + 12 + (model.inputs <= LABELLED_UNITS ? features.reduce((a, f) => Math.max(a, text(f)), 0) : 0));
    // The output's name: the target's, or each class's where there is room.
    const outputs = widths[widths.length - 1]!;
    const named = outputs === 1 ? [`→ ${target}`] : classes && outputs <= LABELLED_UNITS ? classes.map((c) => `→ ${c}`) : [];
    const right = Math.min(W * 0.25, r + 14 + named.reduce((a, n) => Math.max(a, text(n)), 0));
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
      // From the keyboard, focus follows the pick into its details, where its weights are the next Tab stops.
      circle.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.select({ kind: 'unit', column: c, unit: u }, true); } });
      units.append(circle);
    };
    // A wide layer's units past the drawn ones: a control that asks for one by number (its details then reach its weights).
    const more = (c: number) => {
      if (widths[c]! <= shown[c]!) return;
      const hidden = widths[c]! - shown[c]!;
      const control = el('text', { x: x(c), y: H - 6, 'text-anchor': 'middle', 'font-size': FONT, class: 'more', tabindex: 0, role: 'button', 'data-column': c,
        'aria-label': `${hidden} more units in ${this.columnName(c)}: pick one by its number` }, x(1) - x(0) >= MORE_WIDTH ? `+${hidden} more` : `+${hidden}`);
      control.addEventListener('click', () => this.askUnit(c));
      control.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.askUnit(c); } });
      units.append(control);
    };
    labels.append(el('text', { x: x(0), y: 16, 'text-anchor': 'middle', 'font-weight': 600 }, x(1) - x(0) >= TITLE_WIDTH ? 'inputs' : 'in'));
    for (let i = 0; i < shown[0]!; i++) {
      unit(0, i, '#e5e7eb');
      if (model.inputs <= LABELLED_UNITS) labels.append(el('text', { x: x(0) - r - 6, y: y(0, i) + 4, 'text-anchor': 'end' }, features[i] ?? `x${i + 1}`));
    }
    more(0);
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
        // On a white halo (web/style.css): the lines into the next units cross it.
        const label = el('text', { x: x(l + 1), y: y(l + 1, u) + r + 14, 'text-anchor': 'middle', fill: '#4b5563', class: 'bias' });
        labels.append(label);
        return label;
      }));
      more(l + 1);
    });
    const out = widths.length - 1;
    named.forEach((name, u) => labels.append(el('text', { x: x(out) + r + 6, y: y(out, u) + 4 }, name)));
    this.svg.replaceChildren(lines, units, labels);
    if (this.weights) this.update(this.weights, this.trace, this.all);
    this.mark();
  }

  /**
   * Restyles every drawn edge and bias label from the weights (Keras layout: kernel [input][unit],
   * then bias, per layer: at least the drawn ones); `trace` is the Step that led to them, whose
   * gradients the lines can show; `all` gives every weight, where `weights` holds the drawn ones only.
   */
  update(weights: Weights, trace?: Trace, all?: () => Weights): void {
    this.weights = weights;
    this.trace = trace;
    this.all = all;
    const shown = this.mode === 'gradients' && trace ? trace.gradients : weights;
    // Thickness is relative to the largest line drawn (at least 1 for weights): a wide layer's undrawn weights do not count.
    let largest = this.mode === 'gradients' && trace ? 1e-300 : 1;
    this.edges.forEach((layer, l) => layer.forEach((row, i) => row.forEach((_, u) => { largest = Math.max(largest, Math.abs((shown[2 * l] as number[][])[i]![u]!)); })));
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
    this.onTrace?.(trace !== undefined);
    if (this.selected) this.describe(this.selected);
  }

  /** Lines sized and coloured by the weights or by the last Step's gradients (weights until a Step has run). */
  show(mode: 'weights' | 'gradients'): void {
    this.mode = mode;
    if (this.weights) this.update(this.weights, this.trace, this.all);
  }

  /** Picks `part`; `focus`: the pick came from the keyboard, and focus moves to its details (which replace a weight's button that picked it). */
  private select(part: Part, focus = false): void {
    this.selected = part;
    this.mark();
    this.describe(part);
    this.onSelect?.(part);
    if (focus) this.details.focus();
  }

  /**
   * The details ask for a unit of column `column` by its number (any of them, drawn or not); Enter
   * shows it as a pick of its circle would, and focus moves to its details.
   */
  private askUnit(column: number): void {
    const count = column === 0 ? this.shape!.model.inputs : this.shape!.model.layers[column - 1]!.units;
    const form = document.createElement('form');
    form.className = 'unit-pick';
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'number', min: '1', max: String(count), step: '1', required: true, value: String(SHOWN_UNITS + 1) });
    input.id = 'unit-number';
    label.append(`Unit of ${this.columnName(column)} (1 to ${count}) `, input);
    const show = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Show' });
    form.append(label, ' ', show);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const n = Number(input.value);
      if (Number.isInteger(n) && n >= 1 && n <= count) this.select({ kind: 'unit', column, unit: n - 1 }, true);
      else {
        input.setCustomValidity(`a whole number from 1 to ${count}`);
        input.reportValidity();
      }
    });
    input.addEventListener('input', () => input.setCustomValidity(''));
    this.details.replaceChildren(line(`${count} units in ${this.columnName(column)}; the diagram draws the first ${SHOWN_UNITS}. Pick any of them by its number:`), form);
    input.focus();
    input.select();
  }

  /** A button in the details that picks weight `getWeights()[2l][i][u]`, named by its ends and value. */
  private weightButton(l: number, i: number, u: number, text: string): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'weight-pick';
    b.textContent = text;
    b.setAttribute('aria-label', `weight from ${this.name(l, i)} to ${this.name(l + 1, u)}: ${text.replace(/^.*? /, '')}`);
    b.addEventListener('click', () => this.select({ kind: 'weight', layer: l, from: i, unit: u }, true));
    return b;
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
    const w = this.all?.() ?? this.weights;
    const { model } = this.shape!;
    if (!w) {
      this.details.replaceChildren(line('The weights appear once the network is built.'));
      return;
    }
    // While a run trains, only the drawn units' weights come to the page: the others' come with its end.
    const held = part.kind === 'weight' ? (w[2 * part.layer] as number[][])[part.from]?.[part.unit] !== undefined
      : part.column === 0 ? (w[0] as number[][])[part.unit] !== undefined : (w[2 * part.column - 1] as number[])[part.unit] !== undefined;
    if (!held) {
      this.details.replaceChildren(line(`${part.kind === 'unit' ? this.name(part.column, part.unit) : 'This weight'}: the numbers of the units the diagram does not draw show when the run ends.`));
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
        fragment(t ? chainView(t, (t.chains[2 * l] as ParamChain[][])[i]![u]!, (w) => (w[2 * l] as number[][])[i]![u]!) : []));
      return;
    }
    const { column: c, unit: u } = part;
    const into = c === 0 ? [] : kernel(c - 1).map((row, i) => this.weightButton(c - 1, i, u, `${this.name(c - 1, i)} ${full(row[u]!)}`));
    const out = c === model.layers.length ? [] : kernel(c)[u]!.map((v, k) => this.weightButton(c, u, k, `${this.name(c + 1, k)} ${full(v)}`));
    const list = (title: string, buttons: HTMLButtonElement[]) => {
      const p = line(`${title}: `, 'weights-list');
      p.append(fragment(buttons));
      return p;
    };
    this.details.replaceChildren(
      line(c === 0 ? `Input ${this.name(0, u)}` : `${this.name(c, u)} (${model.layers[c - 1]!.activation ?? 'linear'}): bias ${full(bias(c - 1)[u]!)}`),
      fragment([
        ...(into.length ? [list('Weights in (pick one for its gradient)', into)] : []),
        ...(out.length ? [list('Weights out', out)] : []),
        ...(t ? unitView(t, c, u) : []),
      ]));
  }
}

/**
 * Rows of the batch the details box lists, in a box of its own that scrolls: every row of a usual
 * batch, so that the sum can be checked by hand; a batch larger than this (a whole big file) shows its first.
 */
const LISTED_ROWS = 1000;

const line = (text: string, className?: string) => Object.assign(document.createElement('p'), { textContent: text, ...(className ? { className } : {}) });

/** A box of lines that scrolls when long: focusable, so that a keyboard can scroll it too. */
function rowsBox(label: string, lines: HTMLElement[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'rows';
  box.tabIndex = 0;
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', label);
  box.append(fragment(lines));
  return box;
}

/** `v` for a product: negative numbers in brackets. */
const factor = (v: number) => (v < 0 ? `(${full(v)})` : full(v));

/** Row `r` of the batch as the step saw it: its index among the training rows. */
const rowName = (t: Trace, r: number) => `row ${t.rows[r]! + 1}`;

/** The parameter at Keras-layout position `at` ([kernel, input, unit] or [bias, unit]) of `w`. */
type At = (w: Weights) => number;

/**
 * A parameter's gradient in the step: each row's product of its local factors, their sum (the
 * gradient fit used), the full chain from the loss where it is short, and the update it led to.
 */
function chainView(t: Trace, chain: ParamChain, at: At): HTMLElement[] {
  const rows = chain.values.length;
  const terms = chain.values.slice(0, LISTED_ROWS).map((values, r) => {
    const p = line(`${rowName(t, r)}: ${values.map(factor).join(' × ')} = ${full(values.reduce((a, b) => a * b, 1))}`, 'term');
    p.dataset.values = JSON.stringify(values);
    const paths = chain.paths?.[r];
    if (paths) p.append(fragment(paths.map((path) => line(`${path.map((f) => f.name).join(' · ')} = ${path.map((f) => factor(f.value)).join(' × ')}`, 'path'))));
    return p;
  });
  const penalty = chain.penalty ? ` + regularizer ${full(chain.penalty.value)}` : '';
  const sum = line(`${rows > 1 ? `Sum over the batch's ${rows} rows${rows > LISTED_ROWS ? ` (the first ${LISTED_ROWS} listed)` : ''}` : 'So'}${penalty}: ∂L/∂${chain.name} = ${full(chain.gradient)}`
    + (chain.numeric === null ? '' : ` (central difference ${full(chain.numeric)})`), 'chain-sum');
  sum.dataset.gradient = String(chain.gradient);
  return [
    line(`In step ${t.step} (epoch ${t.epoch}), ∂L/∂${chain.name} = Σ over the batch's rows of ${chain.factors.join(' × ')}:`, 'chain'),
    rowsBox(`the batch's ${rows} rows, each row's product`, terms),
    sum,
    ...updateView(t, chain.name, chain.gradient, at),
  ];
}

/**
 * The optimizer's update of one parameter, as the factors it multiplies (the kernels' formulas,
 * assembly/optimizers.ts), with the step's numbers: θ ← θ − η·g for plain SGD, and for the others
 * the state they keep and the step it makes.
 */
function updateView(t: Trace, name: string, g: number, at: At): HTMLElement[] {
  const u = t.update, s = u.settings;
  const before = at(t.weights), delta = at(u.deltas), after = before + delta;
  const m0 = u.momentums ? at(u.momentums.before) : 0, m1 = u.momentums ? at(u.momentums.after) : 0;
  const v0 = u.velocities ? at(u.velocities.before) : 0, v1 = u.velocities ? at(u.velocities.after) : 0;
  const lr = s.learningRate;
  let lines: string[], step: number;
  if (s.optimizer === 'adam') {
    const alpha = u.alpha!;
    step = -(m1 * alpha) / (Math.sqrt(v1) + s.epsilon);
    lines = [
      `Adam (step t = ${u.iterations}) keeps two running means per parameter: m ← m + (g − m)·(1 − β₁) = ${full(m0)} + (${full(g)} − ${factor(m0)}) × ${full(1 - s.beta1)} = ${full(m1)},`
        + ` v ← v + (g² − v)·(1 − β₂) = ${full(v1)}.`,
      `Its step is −α·m / (√v + ε) with α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) = ${full(alpha)}: −${full(alpha)} × ${factor(m1)} / (${full(Math.sqrt(v1))} + ${s.epsilon}) = ${full(step)}.`,
    ];
  } else if (s.optimizer === 'rmsprop') {
    const plain = (lr * g) / Math.sqrt(v1 + s.epsilon);
    step = -(s.momentum !== 0 ? m1 : plain);
    lines = [
      `RMSprop keeps a running mean of g²: v ← ρ·v + (1 − ρ)·g² = ${full(s.rho)} × ${factor(v0)} + ${full(1 - s.rho)} × ${factor(g)}² = ${full(v1)}.`,
      `Its step is −η·g / √(v + ε) = −${full(lr)} × ${factor(g)} / ${full(Math.sqrt(v1 + s.epsilon))} = ${full(-plain)}`
        + (s.momentum !== 0 ? `, plus momentum ${full(s.momentum)} × the last step (${full(-m0)}): ${full(step)}.` : '.'),
    ];
  } else if (s.momentum !== 0) {
    step = s.nesterov ? s.momentum * m1 - lr * g : m1;
    lines = [`SGD with momentum keeps a velocity: m ← μ·m − η·g = ${full(s.momentum)} × ${factor(m0)} − ${full(lr)} × ${factor(g)} = ${full(m1)}; the step is ${s.nesterov ? 'μ·m − η·g (Nesterov)' : 'm'} = ${full(step)}.`];
  } else {
    step = -lr * g;
    lines = [`Plain SGD steps against the gradient: θ ← θ − η·∂L/∂θ, a step of −${full(lr)} × ${factor(g)} = ${full(step)}.`];
  }
  const moved = line(`So ${name} moved from ${full(before)} to ${full(after)}.`, 'update');
  moved.dataset.step = String(step);
  moved.dataset.delta = String(delta);
  return [...lines.map((l) => line(l, 'update')), moved];
}

/** A unit's numbers in the step, row by row: what it summed, its activation, and the derivatives backpropagation sent it. */
function unitView(t: Trace, column: number, unit: number): HTMLElement[] {
  const rows = Math.min(LISTED_ROWS, t.rows.length);
  const label = `the batch's ${t.rows.length} rows at this unit`;
  if (column === 0) return [rowsBox(label, Array.from({ length: rows }, (_, r) => line(`${rowName(t, r)}: ${full(t.x[r]![unit]!)} (as the network saw it)`)))];
  const layer = t.layers[column - 1]!;
  const biasChain = (t.chains[2 * column - 1] as ParamChain[])[unit]!;
  return [
    line(`In step ${t.step}:`, 'chain'),
    rowsBox(label, Array.from({ length: rows }, (_, r) => line(`${rowName(t, r)}: z = ${full(layer.z[r]![unit]!)}, activation ${full(layer.activations[r]![unit]!)}, `
      + `its derivative ${full(layer.derivatives[r]![unit]!)}${layer.dLda ? `, ∂L/∂a = ${full(layer.dLda[r]![unit]!)}` : ''}, ∂L/∂z = ${full(layer.dLdz[r]![unit]!)}`))),
    line(`The bias's gradient is the sum of ∂L/∂z over the batch: ∂L/∂${biasChain.name} = ${full(biasChain.gradient)}.`),
    ...updateView(t, biasChain.name, biasChain.gradient, (w) => (w[2 * column - 1] as number[])[unit]!),
  ];
}
