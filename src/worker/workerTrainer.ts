// Training off the caller's thread: a WorkerTrainer holds a model in a worker (a module Web Worker
// in browsers, a worker_threads Worker in Node) and runs the library's own fit there, so the
// history and weights are an in-thread fit's to the bit, while the page stays responsive.
import type { Matrix } from '../data.js';
import { fail, knownKeys, knownOptions, show } from '../errors.js';
import { checkFit } from '../fit.js';
import { MODEL_FIT_OPTIONS } from '../fitOptions.js';
import { Model, type ModelFitOptions, type ModelOptions, type Weights } from '../model.js';
import { nonNegative } from '../operations/rows.js';
import { layerSpecs, type LayerSpec, type Network } from '../spec.js';
import type { EpochLogs } from '../fitOptions.js';
import type { History } from '../history.js';
import { checkWorkerUrl, rebuild, WorkerClient } from './client.js';
import { modelOf } from './host.js';
import type { FitSettings, FromWorker, ModelState } from './protocol.js';

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

/**
 * `WorkerTrainer.fit`'s options: `Model.fit`'s, with a callback run in this thread and the worker's own.
 * All are checked in this thread before the worker gets them, Model.fit's by Model.fit's own checks (a
 * refusal is the BackpropError an in-thread fit raises); the rows are checked in the worker, with the same errors.
 */
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
  /** Send the weights with each batch of epoch logs (for drawing a model as it learns); true or false (default false). */
  progressWeights?: boolean;
  /** Make each epoch last at least this many milliseconds (a finite number ≥ 0; default 0, no pacing), so that a person can follow the training; each epoch is then reported as it ends (unless its weights are too slow to send that often). */
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
  private readonly client: WorkerClient<Job>;
  private current!: Model;

  /** Starts the worker with `model` (a Model is copied: its weights, scaler and training state, so that a fit with initialEpoch continues it). */
  constructor(model: Model | ModelOptions<LayerSpec>, options: WorkerTrainerOptions = {}) {
    // Bad options are refused before a worker starts
    const start = model instanceof Model ? model : new Model(model);
    knownOptions(options, ['workerUrl']);
    this.client = new WorkerClient(checkWorkerUrl('workerUrl', options.workerUrl), (message, job) => this.receive(message, job));
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
    if (this.client.busy) throw new Error('WorkerTrainer: setModel during a fit; await the fit (or stop() it) first');
    this.current = model instanceof Model ? model : new Model(model);
    this.client.post({ type: 'init', model: stateOf(this.current) });
  }

  /**
   * Trains the worker's model on x and y; resolves with the history once the fit and every onEpochEnd
   * call have finished. The options are checked here, as Model.fit checks them, before the worker gets them.
   */
  fit(x: Matrix, y: Matrix, options: WorkerFitOptions = {}): Promise<History> {
    let settings: FitSettings;
    try {
      settings = checkWorkerFit(this.current.network, options);
    } catch (e) {
      return Promise.reject(e);
    }
    const { onEpochEnd } = options;
    return this.client.request<History>((id, resolve, reject) => ({
      message: { type: 'fit', id, x, y, options: settings, reports: onEpochEnd !== undefined },
      request: { id, resolve, reject, onEpochEnd, calls: Promise.resolve() },
    }));
  }

  /** Ends the running fit after the epoch the worker is in when the request arrives, as setting Model.stopTraining does. */
  stop(): void {
    this.client.post({ type: 'stop' });
  }

  /** Ends the worker; a running fit is rejected. */
  terminate(): Promise<void> {
    return this.client.terminate('WorkerTrainer: terminated');
  }

  private receive(message: FromWorker, job: Job): void {
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
    this.client.done(message.id);
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
        this.client.post({ type: 'stop', id: job.id });
      });
  }
}

/** The model as its constructor's options (the layers as a model file lists them, Dropout included), which survive structured cloning. */
function stateOf(model: Model): ModelState {
  const { inputs, loss } = model.network;
  const state = model.getTrainingState();
  return { inputs, layers: layerSpecs(model.network), loss, weights: model.getWeights(), ...(model.scaler ? { scaler: model.scaler } : {}), ...(state ? { state } : {}) };
}

/** Every key WorkerTrainer.fit takes: Model.fit's and the worker's own two. */
const WORKER_FIT_OPTIONS = [...MODEL_FIT_OPTIONS, 'progressWeights', 'pace'];

/** WorkerTrainer.fit's options checked: Model.fit's by Model.fit's own checks (the same refusals), then the worker's two; what the worker gets. */
function checkWorkerFit(network: Network, options: WorkerFitOptions): FitSettings {
  // Not an object: refused by Model.fit's check, in its words
  if (typeof options !== 'object' || options === null) checkFit(network, options);
  knownKeys('', options, WORKER_FIT_OPTIONS);
  const { onEpochEnd, progressWeights, pace, ...fit } = options;
  checkFit(network, { ...fit, onEpochEnd });
  if (progressWeights !== undefined && typeof progressWeights !== 'boolean') fail('progressWeights', `expected true or false, got ${show(progressWeights)}`);
  if (pace !== undefined) nonNegative('pace', pace);
  return { ...fit, ...(progressWeights === undefined ? {} : { progressWeights }), ...(pace === undefined ? {} : { pace }) };
}
