// A search's worker: the library's worker script (as a WorkerTrainer's), sent whole trials — the
// model's options, the rows of its split, the fit's options — and answering with each trial's
// measure alone. The model is built, trained and measured in the worker, so between two fits
// nothing but a few numbers crosses, and a pool of workers is not kept waiting on the thread that
// hands out the work (each model and its weights crossing twice took a third of a small fit's time).
import type { ModelOptions } from '../model.js';
import type { LayerSpec } from '../spec.js';
import type { FromWorker, ToWorker } from '../worker/protocol.js';
import { rebuild, startWorker, type WorkerEndpoint } from '../worker/workerTrainer.js';
import type { TrialFitOptions, TrialResult } from './trial.js';

/** One fit of a trial, as it is sent: the model's options (with its seed), its rows, its fit's options. */
export interface TrialFit {
  model: ModelOptions<LayerSpec>;
  x: Float64Array;
  y: Float64Array;
  validation: [Float64Array, Float64Array];
  fit: TrialFitOptions;
  fold?: number;
}

export class TrialWorker {
  private readonly endpoint: WorkerEndpoint;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: TrialResult) => void; reject: (e: unknown) => void }>();
  private failure: Error | undefined;

  constructor(workerUrl?: string | URL) {
    this.endpoint = startWorker(workerUrl);
    this.endpoint.listen((message) => this.receive(message));
    this.endpoint.onFailure((error) => this.fail(error));
    this.endpoint.busy?.(false);
  }

  /** Whether the worker has ended (terminate(), or it failed): a trial would reject. */
  get ended(): boolean {
    return this.failure !== undefined;
  }

  /** Runs one fit in the worker; rejects with the error the fit raised there (a divergence is a result). */
  run(trial: TrialFit): Promise<TrialResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<TrialResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.busy?.(true);
      const message: ToWorker = { type: 'trial', id, ...trial };
      this.endpoint.post(message);
    });
  }

  /** Ends the worker; a running trial is rejected. */
  async terminate(): Promise<void> {
    this.fail(new Error('TrialWorker: terminated'));
    await this.endpoint.terminate();
  }

  private receive(message: FromWorker): void {
    if (message.type !== 'trial' && message.type !== 'trialError') throw new Error(`TrialWorker: its worker answered '${message.type}', a message for a WorkerTrainer`);
    const job = this.pending.get(message.id);
    if (!job) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.endpoint.busy?.(false);
    if (message.type === 'trial') job.resolve(message.result);
    else job.reject(rebuild(message.error));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
