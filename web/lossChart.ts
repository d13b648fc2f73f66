// The loss per epoch as a live line chart: the x axis spans the whole run from the start, so the
// line grows to the right as epochs finish.
import type uPlot from 'uplot';
import { axis, mountChart } from './uplot.js';

export const LOSS_COLOR = '#2563eb';

export class LossChart {
  private chart: uPlot | undefined;
  private epochs: number[] = [];
  private losses: number[] = [];
  private total = 1;

  private readonly placeholder: Node[];

  constructor(private readonly container: HTMLElement) {
    this.placeholder = [...container.childNodes];
  }

  /** Back to the page's first state: no chart, the placeholder text. */
  clear(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.container.replaceChildren(...this.placeholder);
    delete this.container.dataset.points;
  }

  /** Clears the chart for a run of `epochs` epochs. */
  start(epochs: number): void {
    this.epochs = [];
    this.losses = [];
    this.total = Math.max(2, epochs);
    this.chart = mountChart(this.container, 280, {
      scales: { x: { time: false, range: () => [1, this.total] }, y: { distr: 3 } },
      axes: [axis('epoch'), axis('loss (log scale)', { size: 64 })],
      series: [{}, { stroke: LOSS_COLOR, width: 2, points: { show: false } }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    }, [[], []]);
    this.container.dataset.points = '0';
  }

  /** The loss of the latest epoch drawn. */
  get last(): number {
    return this.losses[this.losses.length - 1] ?? NaN;
  }

  /** Adds the losses of the epochs that finished since the last call. */
  append(losses: number[]): void {
    for (const loss of losses) {
      this.losses.push(loss);
      this.epochs.push(this.losses.length);
    }
    this.chart?.setData([this.epochs, this.losses]);
    this.container.dataset.points = String(this.losses.length);
  }
}
