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

/** At most this many labels on the loss axis (280 pixels tall). */
const MAX_LOSS_TICKS = 8;
/** Decades between two labels of the loss axis, the fewest that keep to MAX_LOSS_TICKS: 1, 2, 5, 10, 20, 25, 50, 100. */
const DECADE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100];

// The loss is drawn as log10(loss) on a linear scale, labelled with the losses themselves: uPlot's own
// log scale finds no ticks above about 1e17 (its tick steps end there), where a run that diverges
// climbs before its loss overflows.
const toLog = (loss: number | null | undefined): number | null => (loss !== null && loss !== undefined && loss > 0 ? Math.log10(loss) : null);

/** The axis's range in log10 units: whole decades around the losses (one decade for one loss). */
function decades(_: uPlot, min: number | null, max: number | null): [number, number] {
  if (min === null || max === null) return [0, 1];
  const [low, high] = [Math.floor(min), Math.ceil(max)];
  return [low, Math.max(high, low + 1)];
}

/**
 * The loss axis's ticks in log10 units: 1, 2 and 5 in each decade when the axis spans one or two,
 * else whole decades, every k-th (k from DECADE_STEPS) so that at most MAX_LOSS_TICKS fit.
 */
function lossSplits(_: uPlot, __: number, min: number, max: number): number[] {
  const mantissas = max - min <= 2 ? [1, 2, 5] : [1];
  const every = DECADE_STEPS.find((k) => (max - min) / k + 1 <= MAX_LOSS_TICKS) ?? DECADE_STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let e = Math.ceil(min / every) * every; e <= max; e += every) {
    for (const m of mantissas) if (e + Math.log10(m) <= max) ticks.push(e + Math.log10(m));
  }
  return ticks;
}

/** A tick's loss from its log10, plain where plain is short, else as 1e-4 (the 12 digits drop 10 ** x's last-place error). */
function lossTick(log: number): string {
  const v = Number((10 ** log).toPrecision(12));
  return v >= 1e-3 && v < 1e5 ? String(v) : v.toExponential().replace(/\.?0*e\+?/, 'e');
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
      scales: { x: { time: false, range: () => range }, y: { range: decades } },
      axes: [axis('epoch', { incrs: EPOCH_STEPS, values: this.ticks('epochTicks', String) }), axis('loss (log scale)', { size: 64, splits: lossSplits, values: this.ticks('lossTicks', lossTick) })],
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
    this.chart?.setData([this.epochs, this.losses.map(toLog), this.testLosses.map(toLog)]);
    this.container.dataset.points = String(this.losses.length);
    const last = this.testLosses[this.testLosses.length - 1];
    if (last !== null && last !== undefined) this.container.dataset.testPoints = String(this.testLosses.length);
  }
}
