// For classification on two features: the model's probability of class 1 at every point of the
// plane the data spans (for k classes: the most probable class's colour, deeper where that class's
// probability is higher), painted under the training rows. The probabilities come from the library
// (model.predict over a grid, given the run's weights); uPlot draws the axes and the points, a draw
// hook paints the grid.
import type uPlot from 'uplot';
import { argmax, Model, type ModelOptions, type Scaler, type Weights } from '../src/browser.js';
import type { PlaneGrid } from './form.js';
import { gridPoints } from './grid.js';
import { axis, mountChart } from './uplot.js';

/** The map is repainted at most this often while training; the last weights always are. */
const REPAINT_MS = 33;
/** While training, the forward pass over the grid runs in slices of about this many ms, so that a click between them is not kept waiting. */
const SLICE_MS = 8;

const CLASS_0 = [37, 99, 235] as const, CLASS_1 = [220, 38, 38] as const;
/** Class k's colour, for the dots and the map: blue and red first, as a 0/1 map has them. */
const PALETTE: readonly (readonly number[])[] = [CLASS_0, CLASS_1, [22, 163, 74], [147, 51, 234], [217, 119, 6], [8, 145, 178]];
const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
export const classColor = (k: number) => rgb(PALETTE[k % PALETTE.length]!);

/** For k classes: the winning class's colour, white where its probability is 1/k (a tie) and deepest at 1. */
function classShade(k: number, p: number, classes: number): [number, number, number] {
  const c = PALETTE[k % PALETTE.length]!;
  const t = Math.min(1, Math.max(0, (p - 1 / classes) / (1 - 1 / classes))) * 0.7;
  return [0, 1, 2].map((i) => Math.round(255 + (c[i]! - 255) * t)) as [number, number, number];
}

/** White at p = 0.5, shading to class 0's colour at p = 0 and class 1's at p = 1. */
function shade(p: number): [number, number, number] {
  const c = p < 0.5 ? CLASS_0 : CLASS_1;
  const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.7;
  return [0, 1, 2].map((k) => Math.round(255 + (c[k]! - 255) * t)) as [number, number, number];
}

/** The colour scale under the map, as a CSS gradient. */
export const PROBABILITY_GRADIENT = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((p) => rgb(shade(p))).join(', ')})`;

export class ProbabilityMap {
  private readonly image = document.createElement('canvas');
  private chart: uPlot | undefined;
  private model: Model | undefined;
  private points: Float64Array = new Float64Array();
  /** Output units: 1 for a 0/1 target, else one per class. */
  private outputs = 1;
  private painted = 0;
  private spacing = REPAINT_MS;
  /** Grid rows per slice of the forward pass, adjusted to take SLICE_MS. */
  private sliceRows = 1;
  /** The latest repaint: an older one still in slices gives up. */
  private repaint = 0;
  /** Whether a repaint is in slices. */
  private painting = false;

  constructor(private readonly container: HTMLElement) {}

  /**
   * Plots the rows (x: rows × 2, y: 0 or 1, or a class index) over the grid's ranges, with no
   * probabilities yet, for `model`; `scaler` is the run's, if it standardizes.
   */
  start(grid: PlaneGrid, x: Float64Array, y: Float64Array, features: string[], model: ModelOptions, scaler?: Scaler): void {
    this.model = new Model({ ...model, ...(scaler ? { scaler } : {}) });
    this.outputs = model.layers[model.layers.length - 1]!.units;
    this.points = gridPoints(grid);
    this.painted = 0;
    this.spacing = REPAINT_MS;
    this.repaint++;
    this.painting = false;
    this.image.width = this.image.height = grid.resolution;
    this.image.getContext('2d')!.clearRect(0, 0, grid.resolution, grid.resolution);
    // uPlot wants one ascending x column, with one y series per class (null where the row is the other class).
    const rows = Array.from(y, (_, r) => r).sort((a, b) => x[a * 2]! - x[b * 2]!);
    const labels = Array.from({ length: Math.max(2, this.outputs) }, (_, k) => k);
    const series = labels.map((label) => rows.map((r) => (y[r] === label ? x[r * 2 + 1]! : null)));
    this.chart = mountChart(this.container, 300, {
      scales: { x: { time: false, range: () => grid.x }, y: { range: () => grid.y } },
      axes: [axis(features[0]!, { grid: { show: false } }), axis(features[1]!, { grid: { show: false }, size: 56 })],
      series: [{}, ...labels.map(classColor).map((color) => ({
        stroke: color, paths: () => null, points: { show: true, size: 12, width: 2, stroke: 'white', fill: color },
      }))],
      legend: { show: false },
      cursor: { show: false },
      hooks: { drawClear: [(u) => this.draw(u)] },
    }, [rows.map((r) => x[r * 2]!), ...series]);
  }

  /**
   * Repaints the map from the run's weights (Keras layout). A big network's forward pass over the
   * grid is slow, on the page's thread: while training it runs in slices between other tasks,
   * and repaints are spaced so that they take at most a third of the time (never closer than
   * REPAINT_MS); `now` repaints at once, in one go.
   */
  update(weights: Weights, now = false): void {
    const model = this.model;
    if (!model || (!now && (this.painting || performance.now() - this.painted < this.spacing))) return;
    const repaint = ++this.repaint;
    const n = this.image.width;
    // P(class 1) (or each class's) at each grid cell, row by row from the lowest second feature
    const k = this.outputs;
    const probabilities = new Float64Array(n * n * k);
    let busy = 0, row = 0;
    const slice = () => {
      if (repaint !== this.repaint) return;
      const start = performance.now();
      if (row === 0) model.setWeights(weights);
      const rows = now ? n : Math.min(this.sliceRows, n - row);
      model.predictInto(this.points.subarray(row * n * 2, (row + rows) * n * 2), probabilities.subarray(row * n * k, (row + rows) * n * k));
      row += rows;
      const took = performance.now() - start;
      busy += took;
      if (!now) this.sliceRows = Math.max(1, Math.min(n, Math.round(rows * SLICE_MS / Math.max(took, 0.1))));
      if (row < n) setTimeout(slice);
      else {
        this.paint(probabilities);
        this.painted = performance.now();
        this.spacing = Math.max(REPAINT_MS, 2 * busy);
        this.painting = false;
      }
    };
    this.painting = !now;
    slice();
  }

  private paint(probabilities: Float64Array): void {
    const n = this.image.width;
    const context = this.image.getContext('2d')!;
    const pixels = context.createImageData(n, n);
    const k = this.outputs;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const at = ((n - 1 - j) * n + i) * 4; // canvas rows run top-down
        const cell = (j * n + i) * k;
        const best = k === 1 ? 0 : argmax(probabilities, cell, k);
        pixels.data.set([...(k === 1 ? shade(probabilities[cell]!) : classShade(best, probabilities[cell + best]!, k)), 255], at);
      }
    }
    context.putImageData(pixels, 0, 0);
    this.chart?.redraw(false, false);
  }

  private draw(u: uPlot): void {
    const { left, top, width, height } = u.bbox;
    u.ctx.imageSmoothingEnabled = true;
    u.ctx.drawImage(this.image, left, top, width, height);
  }
}
