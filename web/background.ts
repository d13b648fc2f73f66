// The page's end of its worker (web/pageWorker.ts): Train's fit and the maps run there. The page
// sends a network to draw (start), its own weights to map (a preview's, a Step's), or a fit; it gets
// back the epochs with the few weights it draws, the maps to paint, and the fit's end.
// document.body's data-maps says whether the maps show the latest weights ("current") or not yet.
import { BackpropError, type History, type Weights } from '../src/browser.js';
import type { Ended, ErrorInfo, FitRequest, FromPage, MapSetup, ToPage } from './pageProtocol.js';
import { flatten } from './weightsFlat.js';

export type MapNumbers = Extract<FromPage, { type: 'maps' }>;
export type Epochs = Extract<FromPage, { type: 'epochs' }>;
/** A fit's end: its history, every trained weight flat (Keras order), those the diagram draws, the sample rows' predictions. */
export type Fitted = { history: History } & Ended;
/** A fit that diverged: its error, with the weights the model kept (the last finished epoch's). */
export type Diverged = Error & { kept: Ended };
/** A preview's weights: those the diagram draws, and all of them flat. */
export interface Previewed { drawn: Weights; flat: Float64Array }

export class PageWorker {
  private readonly worker = new Worker(new URL('./pageWorker.js', import.meta.url), { type: 'module' });
  private id = 0;
  /** Whether the current network's maps are drawn. */
  private plane = false;
  private fitting: { id: number; onEpochs: (e: Epochs) => void; resolve: (f: Fitted) => void; reject: (e: Error) => void } | undefined;
  private readonly scores: ((accuracy: number[]) => void)[] = [];
  private previewing: ((weights: Previewed | undefined) => void) | undefined;

  constructor(private readonly paint: (maps: MapNumbers) => void, private readonly failed: (message: string) => void) {
    this.worker.onmessage = (e: MessageEvent<FromPage>) => this.receive(e.data);
    this.worker.onerror = () => {
      failed('the page\'s worker failed');
      // Nothing will answer what was asked: it ends, as unknown or failed.
      for (const resolve of this.scores.splice(0)) resolve([]);
      this.fitting?.reject(new Error('the page\'s worker failed'));
      this.fitting = undefined;
    };
    this.state('current');
  }

  private post(message: ToPage, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** New maps: those of `setup`'s network (the weights come with update or fit). Answers still coming for the old ones are dropped. */
  start(setup: MapSetup): void {
    this.id++;
    this.plane = setup.plane;
    this.previewing?.(undefined);
    this.previewing = undefined;
    this.post({ type: 'setup', id: this.id, setup });
    this.state('current');
  }

  /**
   * Maps `weights`, and scores them when asked (sent flat: a typed array crosses at once, where nested
   * arrays are copied number by number); `plane`: the maps are drawn, and wait for these.
   */
  update(weights: Weights, plane: boolean): void {
    const flat = flatten(weights);
    this.post({ type: 'weights', id: this.id, flat }, [flat.buffer]);
    if (plane) this.state('pending');
  }

  /** The untrained network of `model`'s options, made in the worker: its maps, and its weights (undefined if the options make no model, or newer maps were started). */
  preview(model: FitRequest['model']): Promise<Previewed | undefined> {
    if (this.plane) this.state('pending');
    this.previewing?.(undefined);
    this.post({ type: 'preview', id: this.id, model });
    return new Promise((resolve) => { this.previewing = resolve; });
  }

  /** Maps the last fit's trained weights, and scores them when asked: the worker has them, so they need not cross again. */
  mapFitted(plane: boolean): void {
    this.post({ type: 'fitted', id: this.id });
    if (plane) this.state('pending');
  }

  /** Trains in the worker (the maps follow the snapshots); `onEpochs` gets each batch of epochs as it comes. */
  fit(request: FitRequest, onEpochs: (e: Epochs) => void): Promise<Fitted> {
    if (this.plane) this.state('pending');
    return new Promise((resolve, reject) => {
      this.fitting = { id: this.id, onEpochs, resolve, reject };
      this.post({ type: 'fit', id: this.id, request });
    });
  }

  /** Ends the fit after the epoch under way. */
  stop(): void {
    this.post({ type: 'stop' });
  }

  /** The accuracy of the latest weights on each set of rows. */
  score(sets: { x: Float64Array; y: Float64Array }[]): Promise<number[]> {
    this.post({ type: 'score', id: this.id, sets });
    return new Promise((resolve) => this.scores.push(resolve));
  }

  private receive(m: FromPage): void {
    if (m.type === 'score') this.scores.shift()?.(m.accuracy);
    else if (m.type === 'previewed') {
      const resolve = this.previewing;
      this.previewing = undefined;
      resolve?.(m.id === this.id && m.drawn && m.flat ? { drawn: m.drawn, flat: m.flat } : undefined);
      if (m.error !== undefined && m.id === this.id) this.state('current');
    }
    else if (m.type === 'epochs') this.fitting?.onEpochs(m);
    else if (m.type === 'done' || m.type === 'failed') {
      const f = this.fitting;
      this.fitting = undefined;
      if (m.type === 'done') f?.resolve({ history: m.history, flat: m.flat, drawn: m.drawn, predictions: m.predictions });
      else f?.reject(m.kept ? Object.assign(rebuild(m.error), { kept: m.kept }) : rebuild(m.error));
    } else if (m.id === this.id) {
      if (m.type === 'error') this.failed(m.message);
      else {
        this.paint(m);
        if (m.settled) this.state('current');
      }
    }
  }

  private state(s: 'current' | 'pending'): void {
    document.body.dataset.maps = s;
  }
}

/** The worker's error as the class fit would have thrown in this thread. */
function rebuild(e: ErrorInfo): Error {
  if (e.name === 'BackpropError' && e.field !== undefined) return new BackpropError(e.field, e.message.slice(e.field.length + 2));
  if (e.name === 'DivergenceError') return Object.assign(new Error(e.message), { name: 'DivergenceError' });
  return Object.assign(new Error(e.message), { name: e.name });
}
