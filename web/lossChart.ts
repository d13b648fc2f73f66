// The loss per epoch as a live line chart: the x axis spans the whole run from the start, so the
// lines grow to the right as epochs finish — the training loss, and the held-out rows' (test) loss
// when the run holds some out.
import type uPlot from 'uplot';
import { axis, mountChart } from './uplot.js';
import { fragment } from './fragment.js';

const LOSS_COLOR = '#2563eb';
const TEST_COLOR = '#111827';
/** Runs this short mark each epoch with a dot: a line needs two epochs, and a few are easier read as points. */
const DOTTED_EPOCHS = 50;
/** Epoch ticks step by whole numbers: 1, 2, 5, 10, 20, 50, … */
const EPOCH_STEPS = Array.from({ length: 24 }, (_, k) => [1, 2, 5][k % 3]! * 10 ** Math.floor(k / 3));

/** A log-axis tick: plain where plain is short, else as 1e-4 (uPlot's own format rounds 0.0001 to "0"). */
function logTick(v: number): string {
  return v >= 1e-3 && v < 1e5 ? String(Number(v.toPrecision(6))) : v.toExponential().replace(/\.?0*e\+?/, 'e');
}

export class LossChart {
  private chart: uPlot | undefined;
  private epochs: number[] = [];
  private losses: number[] = [];
  private testLosses: (number | null)[] = [];
  private readonly placeholder: Node[];

  constructor(private readonly container: HTMLElement, private readonly legend: HTMLElement) {
    this.placeholder = [...container.childNodes];
  }

  /** Back to the page's first state: no chart, the placeholder text. */
  clear(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.container.replaceChildren(fragment(this.placeholder));
    this.legend.replaceChildren();
    for (const key of ['points', 'testPoints', 'epochTicks', 'lossTicks']) delete this.container.dataset[key];
  }

  /** Clears the chart for a run of `epochs` epochs; `test`: the run holds rows out, whose loss is drawn too. */
  start(epochs: number, test: boolean): void {
    this.epochs = [];
    this.losses = [];
    this.testLosses = [];
    // One epoch is one point, centred on a one-wide axis.
    const range: [number, number] = epochs === 1 ? [0.5, 1.5] : [1, epochs];
    // A lone point too (a run that diverged or was stopped after its first epoch): it has no line to be seen by.
    const dots = (color: string) => ({ show: (_: uPlot, __: number, first: number, last: number) => epochs <= DOTTED_EPOCHS || first === last, size: 7, fill: color });
    this.chart = mountChart(this.container, 280, {
      scales: { x: { time: false, range: () => range }, y: { distr: 3 } },
      axes: [axis('epoch', { incrs: EPOCH_STEPS, values: this.ticks('epochTicks', String) }), axis('loss (log scale)', { size: 64, values: this.ticks('lossTicks', logTick) })],
      series: [{}, { stroke: LOSS_COLOR, width: 2, points: dots(LOSS_COLOR) }, { stroke: TEST_COLOR, width: 2, dash: [6, 4], points: dots(TEST_COLOR), show: test }],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
    }, [[], [], []]);
    this.container.dataset.points = '0';
    const key = (color: string, text: string, dashed = false) => {
      const item = document.createElement('span');
      item.className = 'key';
      const swatch = document.createElement('span');
      swatch.className = `swatch${dashed ? ' dashed' : ''}`;
      swatch.style.background = color;
      item.append(swatch, ` ${text}`);
      return item;
    };
    this.legend.replaceChildren(fragment([key(LOSS_COLOR, 'training loss'), ...(test ? [key(TEST_COLOR, 'test loss (held-out rows)', true)] : [])]));
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

  /** Adds the epochs that finished since the last call: each one's loss and its test loss, if any. */
  append(losses: number[], testLosses: (number | undefined)[]): void {
    losses.forEach((loss, k) => {
      this.losses.push(loss);
      this.testLosses.push(testLosses[k] ?? null);
      this.epochs.push(this.losses.length);
    });
    this.chart?.setData([this.epochs, this.losses, this.testLosses]);
    this.container.dataset.points = String(this.losses.length);
    const last = this.testLosses[this.testLosses.length - 1];
    if (last !== null && last !== undefined) this.container.dataset.testPoints = String(this.testLosses.length);
  }
}
