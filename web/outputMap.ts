// For data with two features: what the network predicts at every point of the plane the data spans,
// painted under the rows — for a 0/1 target its probability of 1, for k classes the most probable
// class's colour (deeper where that class's probability is higher), for a number its value. The
// numbers come from the map worker (web/maps.ts); uPlot draws the axes, a draw hook the map and the dots.
//
// One colour meaning on the whole page: blue is "positive, 1, high", orange "negative, 0, low" — for
// the weights, the hidden units' maps, this map and its dots alike.
import type uPlot from 'uplot';
import { argmax } from '../src/browser.js';
import type { PlaneGrid } from './planeGrid.js';
import { axis, mountChart } from './uplot.js';

const LOW = [234, 88, 12] as const, HIGH = [37, 99, 235] as const;
/** Class k's colour, for the dots and the map: orange (0) and blue (1) first, as a 0/1 map has them. */
const PALETTE: readonly (readonly number[])[] = [LOW, HIGH, [22, 163, 74], [147, 51, 234], [219, 39, 119], [8, 145, 178]];
const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
export const classColor = (k: number) => rgb(PALETTE[k % PALETTE.length]!);
/** The darkest a map cell gets, as a share of the way from white to its colour: the dots stay visible on it. */
const DEEPEST = 0.7;
/** At most this many rows are drawn as dots (an even sample of them): more would hide the map and slow each repaint. */
const MAX_DOTS = 1000;

/** White at 0, towards `c` at 1. */
const towards = (c: readonly number[], t: number, depth = DEEPEST): [number, number, number] => [0, 1, 2].map((i) => Math.round(255 + (c[i]! - 255) * Math.min(1, Math.max(0, t)) * depth)) as [number, number, number];

/** −1 … 1: orange at −1, white at 0, blue at 1. */
const signed = (t: number, depth = DEEPEST) => (t < 0 ? towards(LOW, -t, depth) : towards(HIGH, t, depth));

/** The colour scale under the map, as a CSS gradient from −1 to 1. */
export const SCALE_GRADIENT = `linear-gradient(to right, ${[-1, -0.5, 0, 0.5, 1].map((t) => rgb(signed(t))).join(', ')})`;

/** What the output is: a 0/1 probability, k class probabilities, or a value whose target spans `range`. */
export type OutputKind = { kind: 'probability' } | { kind: 'classes'; classes: number } | { kind: 'value'; range: [number, number] };

export class OutputMap {
  private readonly image = document.createElement('canvas');
  private chart: uPlot | undefined;
  private output: OutputKind = { kind: 'probability' };
  /** The dots: x, y, colour, and whether the row is held out for testing (drawn with a dark ring). */
  private dots: { x: number; y: number; color: string; test: boolean }[] = [];
  private last: Float64Array | undefined;
  /** Colour only by which side of the middle (or which class): Playground's "discretize output". */
  discrete = false;

  constructor(private readonly container: HTMLElement) {}

  /**
   * Plots the rows (x: rows × 2 raw features; y: 0 or 1, a class index, or a value) over the grid's
   * ranges, with no map yet; `test` marks the rows held out.
   */
  start(grid: PlaneGrid, x: Float64Array, y: Float64Array, test: Uint8Array, features: string[], output: OutputKind): void {
    this.output = output;
    this.last = undefined;
    this.image.width = this.image.height = grid.resolution;
    this.image.getContext('2d')!.clearRect(0, 0, grid.resolution, grid.resolution);
    const rows = y.length, every = Math.max(1, Math.ceil(rows / MAX_DOTS));
    this.dots = [];
    for (let r = 0; r < rows; r += every) this.dots.push({ x: x[2 * r]!, y: x[2 * r + 1]!, color: this.dotColor(y[r]!), test: test[r] === 1 });
    this.container.dataset.dots = String(this.dots.length);
    this.chart = mountChart(this.container, 300, {
      scales: { x: { time: false, range: () => grid.x }, y: { range: () => grid.y } },
      axes: [axis(features[0]!, { grid: { show: false } }), axis(features[1]!, { grid: { show: false }, size: 56 })],
      series: [{}, { show: false }],
      legend: { show: false },
      cursor: { show: false },
      hooks: { drawClear: [(u) => this.drawMap(u)], draw: [(u) => this.drawDots(u)] },
    }, [grid.x, [null, null]]);
  }

  private dotColor(y: number): string {
    const o = this.output;
    if (o.kind === 'value') return rgb(signed(((y - o.range[0]) / (o.range[1] - o.range[0] || 1)) * 2 - 1, 1));
    return classColor(o.kind === 'classes' ? y : y >= 0.5 ? 1 : 0);
  }

  /** Paints the network's outputs over the grid (resolution² × outputs, from the lowest second feature up). */
  paint(values: Float64Array): void {
    this.last = values;
    const n = this.image.width;
    const context = this.image.getContext('2d')!;
    const pixels = context.createImageData(n, n);
    const o = this.output, k = o.kind === 'classes' ? o.classes : 1;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const cell = (j * n + i) * k;
        let colour: [number, number, number];
        if (o.kind === 'classes') {
          const best = argmax(values, cell, k);
          const sure = this.discrete ? 1 : (values[cell + best]! - 1 / k) / (1 - 1 / k);
          colour = towards(PALETTE[best % PALETTE.length]!, sure);
        } else {
          // −1 … 1 about the middle: p = 0.5 for a probability, the target range's middle for a value.
          const t = o.kind === 'probability' ? 2 * values[cell]! - 1 : ((values[cell]! - o.range[0]) / (o.range[1] - o.range[0] || 1)) * 2 - 1;
          colour = signed(this.discrete ? Math.sign(t) : t);
        }
        const at = ((n - 1 - j) * n + i) * 4; // canvas rows run top-down
        pixels.data[at] = colour[0];
        pixels.data[at + 1] = colour[1];
        pixels.data[at + 2] = colour[2];
        pixels.data[at + 3] = 255;
      }
    }
    context.putImageData(pixels, 0, 0);
    this.chart?.redraw(false, false);
  }

  /** Repaints the last outputs after the discretize switch changes. */
  repaint(): void {
    if (this.last) this.paint(this.last);
  }

  private drawMap(u: uPlot): void {
    const { left, top, width, height } = u.bbox;
    u.ctx.imageSmoothingEnabled = true;
    u.ctx.drawImage(this.image, left, top, width, height);
  }

  private drawDots(u: uPlot): void {
    const ctx = u.ctx, r = 5 * devicePixelRatio;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    for (const d of this.dots) {
      ctx.beginPath();
      ctx.arc(u.valToPos(d.x, 'x', true), u.valToPos(d.y, 'y', true), r, 0, 2 * Math.PI);
      ctx.fillStyle = d.color;
      ctx.fill();
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.strokeStyle = d.test ? '#111827' : 'white';
      ctx.stroke();
    }
    ctx.restore();
  }
}
