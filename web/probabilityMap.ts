// For classification on two features: the model's probability of class 1 at every point of the
// plane the data spans, painted under the training rows. The probabilities come from the worker
// (model.predict over a grid); uPlot draws the axes and the points, a draw hook paints the grid.
import type uPlot from 'uplot';
import type { PlaneGrid } from './protocol.js';
import { axis, mountChart } from './uplot.js';

const CLASS_0 = [37, 99, 235] as const, CLASS_1 = [220, 38, 38] as const;
const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;

/** White at p = 0.5, shading to class 0's colour at p = 0 and class 1's at p = 1. */
function shade(p: number): [number, number, number] {
  const c = p < 0.5 ? CLASS_0 : CLASS_1;
  const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.7;
  return [0, 1, 2].map((k) => Math.round(255 + (c[k]! - 255) * t)) as [number, number, number];
}

/** The colour scale under the map, as a CSS gradient. */
export const PROBABILITY_GRADIENT = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((p) => rgb(shade(p))).join(', ')})`;
export const CLASS_COLORS = [rgb(CLASS_0), rgb(CLASS_1)] as const;

export class ProbabilityMap {
  private readonly image = document.createElement('canvas');
  private chart: uPlot | undefined;

  constructor(private readonly container: HTMLElement) {}

  /** Plots the rows (x: rows × 2, y: 0 or 1) over the grid's ranges, with no probabilities yet. */
  start(grid: PlaneGrid, x: Float64Array, y: Float64Array, features: string[]): void {
    this.image.width = this.image.height = grid.resolution;
    this.image.getContext('2d')!.clearRect(0, 0, grid.resolution, grid.resolution);
    // uPlot wants one ascending x column, with one y series per class (null where the row is the other class).
    const rows = Array.from(y, (_, r) => r).sort((a, b) => x[a * 2]! - x[b * 2]!);
    const series = [0, 1].map((label) => rows.map((r) => (y[r] === label ? x[r * 2 + 1]! : null)));
    this.chart = mountChart(this.container, 300, {
      scales: { x: { time: false, range: () => grid.x }, y: { range: () => grid.y } },
      axes: [axis(features[0]!, { grid: { show: false } }), axis(features[1]!, { grid: { show: false }, size: 56 })],
      series: [{}, ...CLASS_COLORS.map((color) => ({
        stroke: color, paths: () => null, points: { show: true, size: 12, width: 2, stroke: 'white', fill: color },
      }))],
      legend: { show: false },
      cursor: { show: false },
      hooks: { drawClear: [(u) => this.paint(u)] },
    }, [rows.map((r) => x[r * 2]!), ...series]);
  }

  /** Repaints the map from P(class 1) at each grid cell (row by row from the lowest second feature). */
  update(probabilities: Float64Array): void {
    const n = this.image.width;
    const context = this.image.getContext('2d')!;
    const pixels = context.createImageData(n, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const at = ((n - 1 - j) * n + i) * 4; // canvas rows run top-down
        pixels.data.set([...shade(probabilities[j * n + i]!), 255], at);
      }
    }
    context.putImageData(pixels, 0, 0);
    this.chart?.redraw(false, false);
  }

  private paint(u: uPlot): void {
    const { left, top, width, height } = u.bbox;
    u.ctx.imageSmoothingEnabled = true;
    u.ctx.drawImage(this.image, left, top, width, height);
  }
}
