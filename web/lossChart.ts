// The loss per epoch as a live line chart: the x axis spans the whole run from the start, so the
// line grows to the right as epochs finish.
import type uPlot from 'uplot';
import { axis, mountChart } from './uplot.js';
import { fragment } from './fragment.js';

export const LOSS_COLOR = '#2563eb';
/** Runs this short mark each epoch with a dot: a line needs two epochs, and a few are easier read as points. */
const DOTTED_EPOCHS = 50;
/** Epoch ticks step by whole numbers: 1, 2, 5, 10, 20, 50, … */
const EPOCH_STEPS = Array.from({ length: 24 }, (_, k) => [1, 2, 5][k % 3]! * 10 ** Math.floor(k / 3));

/** A log-axis tick: plain where plain is short, else as 1e-4 (uPlot's own format rounds 0.0001 to "0"). */
export function logTick(v: number): string {
  return v >= 1e-3 && v < 1e5 ? String(Number(v.toPrecision(6))) : v.toExponential().replace(/\.?0*e\+?/, 'e');
}

export class LossChart {
  private chart: uPlot | undefined;
  private epochs: number[] = [];
  private losses: number[] = [];

  private readonly placeholder: Node[];

  constructor(private readonly container: HTMLElement) {
    this.placeholder = [...container.childNodes];
  }

  /** Back to the page's first state: no chart, the placeholder text. */
  clear(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.container.replaceChildren(fragment(this.placeholder));
    for (const key of ['points', 'epochTicks', 'lossTicks']) delete this.container.dataset[key];
  }

  /** Clears the chart for a run of `epochs` epochs. */
  start(epochs: number): void {
    this.epochs = [];
    this.losses = [];
    // One epoch is one point, centred on a one-wide axis.
    const range: [number, number] = epochs === 1 ? [0.5, 1.5] : [1, epochs];
    this.chart = mountChart(this.container, 280, {
      scales: { x: { time: false, range: () => range }, y: { distr: 3 } },
      axes: [axis('epoch', { incrs: EPOCH_STEPS, values: this.ticks('epochTicks', String) }), axis('loss (log scale)', { size: 64, values: this.ticks('lossTicks', logTick) })],
      series: [{}, { stroke: LOSS_COLOR, width: 2, points: { show: epochs <= DOTTED_EPOCHS, size: 7, fill: LOSS_COLOR } }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    }, [[], []]);
    this.container.dataset.points = '0';
  }

  /**
   * An axis's labels (uPlot passes null for the ticks it leaves unlabelled). The canvas holds them as
   * pixels, so they are also kept in the container's data-epoch-ticks and data-loss-ticks.
   */
  private ticks(key: 'epochTicks' | 'lossTicks', format: (v: number) => string): uPlot.Axis.DynamicValues {
    return (_, ticks) => {
      const labels = ticks.map((v) => (v === null ? '' : format(v)));
      this.container.dataset[key] = JSON.stringify(labels.filter(Boolean));
      return labels;
    };
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
