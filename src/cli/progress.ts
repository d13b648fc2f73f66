import asciichart from 'asciichart';
import cliProgress from 'cli-progress';
import type { EpochLogs, LossHistory } from '../node.js';
import { num } from './report.js';

// Below this expected run time a bar would only flicker.
const SHOW_AFTER_MS = 1000;

/**
 * A progress bar over the epochs of one fit, on stdout when it is a terminal. It appears once the
 * run is expected to take longer than about a second and shows the epoch, the loss, the
 * validation loss and samples per second.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private last: Record<string, string> = {};
  private readonly start = performance.now();
  private readonly interrupt = () => { this.stop(); process.exit(130); };

  /**
   * `epochs`: the fit's to run; `first`: the epochs the run had finished before it (a resumed run's), so
   * that the bar counts the run's epochs (301/330), as the report after it does.
   */
  constructor(private readonly epochs: number, private readonly rowsPerEpoch: number, private readonly enabled = process.stdout.isTTY === true, private readonly first = 0) {}

  /** Called after each epoch (counting from 0); yields to the event loop so the bar and Ctrl-C stay live. */
  async epochEnd(epoch: number, logs: EpochLogs): Promise<void> {
    if (!this.enabled) return;
    const elapsed = performance.now() - this.start;
    const payload = {
      loss: num(logs.loss, 4),
      val: logs.valLoss === undefined ? '' : ` | val_loss ${num(logs.valLoss, 4)}`,
      speed: Math.round(((epoch + 1) * this.rowsPerEpoch) / (elapsed / 1000)).toLocaleString('en-US'),
      remaining: etaText(epoch + 1 < this.epochs ? ` | eta ${Math.ceil(((this.epochs - epoch - 1) * elapsed) / (epoch + 1) / 1000)}s` : ''),
    };
    this.last = payload;
    if (!this.bar && (elapsed / (epoch + 1)) * this.epochs > SHOW_AFTER_MS && epoch + 1 < this.epochs) {
      this.bar = new cliProgress.SingleBar({
        format: 'epoch {value}/{total} {bar} loss {loss}{val} | {speed} samples/s{remaining}',
        barsize: 24,
        hideCursor: true,
        stream: process.stdout,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(this.first + this.epochs, this.first + epoch + 1, payload);
      process.once('SIGINT', this.interrupt);
    } else {
      this.bar?.update(this.first + epoch + 1, payload);
    }
    if (this.bar) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Ends the bar (also after an early stop, short of the last epoch, where no time is left to estimate). */
  stop(): void {
    if (!this.bar) return;
    this.bar.update({ ...this.last, remaining: etaText('') });
    this.bar.stop();
    this.bar = undefined;
    process.off('SIGINT', this.interrupt);
  }
}

/** The bar redraws its line without clearing it: a fixed width wipes a longer earlier estimate. */
function etaText(text: string): string {
  return text.padEnd(14);
}

const CHART_WIDTH = 64;

/**
 * The loss per epoch (and the validation loss) as a small terminal chart, log-scaled when the loss
 * falls by more than 30×; long runs are thinned to about 64 columns.
 */
export function lossChart(history: LossHistory, color = process.stdout.isTTY === true): string {
  const series = [history.loss, ...(history.valLoss?.length ? [history.valLoss] : [])];
  const { lo, hi } = range(series);
  const log = lo > 0 && hi / lo > 30;
  const every = Math.ceil(history.loss.length / CHART_WIDTH);
  const scale = (v: number) => (log ? Math.log10(v) : v);
  // asciichart steps through rows from min·ratio to max·ratio; a loss flat to rounding makes those
  // numbers too large to step through (x + 1 === x), so it charts the distance from the lowest value.
  // A spread below what f64 resolves at this magnitude is charted as the flat line it is; one beyond
  // f64's largest number (from −1e308 to 1e308) is charted at half size.
  const half = Number.isFinite(scale(hi) - scale(lo)) ? 1 : 0.5;
  const base = scale(lo) * half, spread = scale(hi) * half - base;
  const flat = !(spread > 1e-12 * Math.abs(base) && spread > 1e-300);
  const thin = (s: number[]) => s.filter((_, i) => i % every === 0 || i === s.length - 1).map((v) => (flat ? 0 : scale(v) * half - base));
  const chart = asciichart.plot(series.map(thin), {
    height: 10,
    colors: color ? [asciichart.blue, asciichart.yellow] : [],
    format: (v) => num(log ? 10 ** ((v + base) / half) : (v + base) / half, 3).padStart(10),
  });
  const key = series.length > 1 ? `${paint('──', asciichart.blue, color)} training   ${paint('──', asciichart.yellow, color)} validation` : `${paint('──', asciichart.blue, color)} training`;
  // a continued fit's epochs are its own (history.epoch counts from the run's start)
  const first = (history.epoch[0] ?? 0) + 1;
  const axis = `epochs ${first}–${first + history.loss.length - 1}${every > 1 ? ` (one column per ${every} epochs)` : ''}${log ? ', log scale' : ''}`;
  return `${chart}\n${' '.repeat(12)}${axis}   ${key}`;
}

/** The lowest and highest value of the series, without spreading them into arguments (a long history would overflow the stack). */
function range(series: number[][]): { lo: number; hi: number } {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (const v of s) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return { lo, hi };
}

function paint(text: string, c: string, color: boolean): string {
  return color ? `${c}${text}${asciichart.reset}` : text;
}
