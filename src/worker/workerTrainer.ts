// Training off the caller's thread: a WorkerTrainer holds a model in a worker (a module Web Worker
// in browsers, a worker_threads Worker in Node) and runs the library's own fit there, so the
// history and weights are an in-thread fit's to the bit, while the page stays responsive.
import type { Matrix } from '../data.js';
import { BackpropError, DivergenceError } from '../errors.js';
import { Model, type ModelFitOptions, type ModelOptions, type Weights } from '../model.js';
import { layerSpecs, type LayerSpec } from '../spec.js';
import type { EpochLogs, History } from '../trainer.js';
import { modelOf } from './host.js';
import type { ErrorInfo, FitSettings, FromWorker, ModelState, Port, ToWorker } from './protocol.js';

/** The worker's end as the trainer sees it; src/browser.ts and src/node.ts make one from a Worker. */
export interface WorkerEndpoint extends Port<FromWorker, ToWorker> {
  /** Called with any error that kills the worker (e.g. its script could not be loaded). */
  onFailure(handler: (error: Error) => void): void;
  /** Node: whether the worker should keep the process alive (only while a fit runs). */
  busy?(busy: boolean): void;
  terminate(): unknown;
}

/** Starts a worker: from `url`, or from the worker script beside the library's entry. */
export type WorkerFactory = (url?: string | URL) => WorkerEndpoint;

let defaultFactory: WorkerFactory | undefined;

/** Set by each entry (src/browser.ts, src/node.ts): how a WorkerTrainer starts its worker. Returns the one it replaces. */
export function setDefaultWorker(factory: WorkerFactory): WorkerFactory | undefined {
  const previous = defaultFactory;
  defaultFactory = factory;
  return previous;
}

/** A worker of the library's worker script: from `url`, or the one beside the library's entry. */
export function startWorker(url?: string | URL): WorkerEndpoint {
  if (!defaultFactory) throw new Error('WorkerTrainer: import it from the library entry (backprop-wasm), which knows how to start a worker here');
  return defaultFactory(url);
}

/** `new WorkerTrainer(model, options)`'s options. */
export interface WorkerTrainerOptions {
  /**
   * The worker script: by default dist/worker.js (browsers) or dist/worker-node.js (Node) beside
   * the library's entry. An app whose bundler does not copy it along gives its URL here.
   */
  workerUrl?: string | URL;
}

/** Epoch logs in a worker fit; with `progressWeights`, the last epoch of each batch also brings the weights after it. */
export interface WorkerEpochLogs extends EpochLogs {
  weights?: Weights;
}

/** `WorkerTrainer.fit`'s options: `Model.fit`'s, with a callback run in this thread and the worker's own. */
export interface WorkerFitOptions extends Omit<ModelFitOptions, 'onEpochEnd'> {
  /**
   * Called in this thread for every epoch, in order, as the worker's reports arrive (in batches,
   * about every 10 ms; with a big model's progressWeights, spaced so that copying the weights takes
   * at most a third of the time). The worker does not wait for it: to end training, call `stop()`.
   * If it throws (or rejects), as with Model.fit, no further call is made, the worker stops after
   * the epoch it is in, and fit rejects with that error once the worker has stopped; `model` then
   * holds the weights the worker stopped with, and the trainer stays usable (a next fit continues).
   */
  onEpochEnd?: (epoch: number, logs: WorkerEpochLogs) => void | Promise<void>;
  /** Send the weights with each batch of epoch logs (for drawing a model as it learns). */
  progressWeights?: boolean;
  /** Make each epoch last at least this many milliseconds, so that a person can follow the training; each epoch is then reported as it ends (unless its weights are too slow to send that often). */
  pace?: number;
}

/** A fit in flight: how to settle it, the caller's callback, the chain of its calls and the first error one raised. */
interface Job {
  id: number;
  resolve: (h: History) => void;
  reject: (e: unknown) => void;
  onEpochEnd?: WorkerFitOptions['onEpochEnd'];
  calls: Promise<void>;
  thrown?: { error: unknown };
}

/**
 * A model trained in a worker. `fit` takes the options of Model.fit; `model` is this thread's copy
 * of the worker's model as of the last fit (predict, evaluate, getWeights, modelToFile). A second
 * fit continues the first, optimizer state included, exactly as a second Model.fit does.
 */
export class WorkerTrainer {
  private readonly endpoint: WorkerEndpoint;
  private current!: Model;
  private nextId = 0;
  private readonly pending = new Map<number, Job>();
  private failure: Error | undefined;

  /** Starts the worker with `model` (a Model is copied: its weights, scaler and training state, so that a fit with initialEpoch continues it). */
  constructor(model: Model | ModelOptions<LayerSpec>, options: WorkerTrainerOptions = {}) {
    // Bad options are refused before a worker starts
    const start = model instanceof Model ? model : new Model(model);
    this.endpoint = startWorker(options.workerUrl);
    this.endpoint.listen((message) => this.receive(message));
    this.endpoint.onFailure((error) => this.fail(error));
    this.endpoint.busy?.(false);
    this.setModel(start);
  }

  /** This thread's copy of the model, as of the end of the last fit. */
  get model(): Model {
    return this.current;
  }

  /**
   * Starts over from `model` in the same worker, as a new WorkerTrainer would without starting a
   * worker: the next fit begins from its weights and training state (a model that has not trained:
   * a fresh optimizer). Not during a fit.
   */
  setModel(model: Model | ModelOptions<LayerSpec>): void {
    if (this.pending.size) throw new Error('WorkerTrainer: setModel during a fit; await the fit (or stop() it) first');
    this.current = model instanceof Model ? model : new Model(model);
    if (!this.failure) this.endpoint.post({ type: 'init', model: stateOf(this.current) });
  }

  /** Trains the worker's model on x and y; resolves with the history once the fit and every onEpochEnd call have finished. */
  fit(x: Matrix, y: Matrix, options: WorkerFitOptions = {}): Promise<History> {
    if (this.failure) return Promise.reject(this.failure);
    const { onEpochEnd, ...settings } = options;
    if (onEpochEnd !== undefined && typeof onEpochEnd !== 'function') return Promise.reject(new BackpropError('onEpochEnd', 'expected a function'));
    const id = this.nextId++;
    return new Promise<History>((resolve, reject) => {
      this.pending.set(id, { id, resolve, reject, onEpochEnd, calls: Promise.resolve() });
      this.endpoint.busy?.(true);
      this.endpoint.post({ type: 'fit', id, x, y, options: settings as FitSettings, reports: onEpochEnd !== undefined });
    });
  }

  /** Ends the running fit after the epoch the worker is in when the request arrives, as setting Model.stopTraining does. */
  stop(): void {
    if (!this.failure) this.endpoint.post({ type: 'stop' });
  }

  /** Ends the worker; a running fit is rejected. */
  async terminate(): Promise<void> {
    this.fail(new Error('WorkerTrainer: terminated'));
    await this.endpoint.terminate();
  }

  private receive(message: FromWorker): void {
    const job = this.pending.get(message.id);
    if (!job) return;
    if (message.type === 'epochs') {
      const last = message.epochs.length - 1;
      for (const [k, { epoch, logs }] of message.epochs.entries()) {
        const withWeights = k === last && message.weights ? { ...logs, weights: message.weights } : logs;
        if (job.onEpochEnd) job.calls = job.calls.then(() => this.call(job, epoch, withWeights));
      }
      return;
    }
    if (message.type !== 'done' && message.type !== 'error') throw new Error(`WorkerTrainer: its worker answered '${message.type}', a message for a search's worker`);
    this.current = modelOf({ ...stateOf(this.current), weights: message.weights, scaler: message.scaler, state: message.state });
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.endpoint.busy?.(false);
    // A callback's error first: Model.fit would have stopped there, before anything the worker ran into later
    void job.calls.then(() => {
      if (job.thrown) job.reject(job.thrown.error);
      else if (message.type === 'done') job.resolve(message.history);
      else job.reject(rebuild(message.error));
    });
  }

  /**
   * The caller's onEpochEnd for one epoch, unless an earlier call failed. A failure is kept for the
   * fit to reject with once the worker has stopped, never left as a rejected promise nobody awaits
   * (an unhandled rejection, which ends a Node process).
   */
  private call(job: Job, epoch: number, logs: WorkerEpochLogs): Promise<void> {
    if (job.thrown) return Promise.resolve();
    return Promise.resolve()
      .then(() => job.onEpochEnd!(epoch, logs))
      .catch((error: unknown) => {
        job.thrown = { error };
        this.endpoint.post({ type: 'stop', id: job.id });
      });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}

/** The model as its constructor's options (the layers as a model file lists them, Dropout included), which survive structured cloning. */
function stateOf(model: Model): ModelState {
  const { inputs, loss } = model.network;
  const state = model.getTrainingState();
  return { inputs, layers: layerSpecs(model.network), loss, weights: model.getWeights(), ...(model.scaler ? { scaler: model.scaler } : {}), ...(state ? { state } : {}) };
}

/** The worker's error as the class fit would have thrown in this thread. */
export function rebuild(e: ErrorInfo): Error {
  if (e.name === 'BackpropError' && e.field !== undefined) return new BackpropError(e.field, e.message.slice(e.field.length + 2));
  if (e.name === 'DivergenceError') return new DivergenceError(e.epoch!, e.row!, e.reason!, e.advice);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}
