// A search's worker: the library's worker script (as a WorkerTrainer's), sent whole trials — the
// model's options, the rows of its split, the fit's options — and answering with each trial's
// measure alone. The model is built, trained and measured in the worker, so between two fits
// nothing but a few numbers crosses, and a pool of workers is not kept waiting on the thread that
// hands out the work (each model and its weights crossing twice took a third of a small fit's time).
import type { ModelOptions } from '../model.js';
import type { LayerSpec } from '../spec.js';
import { rebuild, WorkerClient } from '../worker/client.js';
import type { TrialFitOptions, TrialResult } from '../trial.js';

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
  private readonly client: WorkerClient<{ resolve: (r: TrialResult) => void; reject: (e: unknown) => void }>;

  constructor(workerUrl?: string | URL) {
    this.client = new WorkerClient(workerUrl, (message, job) => {
      if (message.type !== 'trial' && message.type !== 'trialError') throw new Error(`TrialWorker: its worker answered '${message.type}', a message for a WorkerTrainer`);
      this.client.done(message.id);
      if (message.type === 'trial') job.resolve(message.result);
      else job.reject(rebuild(message.error));
    });
  }

  /** Whether the worker has ended (terminate(), or it failed): a trial would reject. */
  get ended(): boolean {
    return this.client.failed !== undefined;
  }

  /** Runs one fit in the worker; rejects with the error the fit raised there (a divergence is a result). */
  run(trial: TrialFit): Promise<TrialResult> {
    return this.client.request<TrialResult>((id, resolve, reject) => ({ message: { type: 'trial', id, ...trial }, request: { resolve, reject } }));
  }

  /** Ends the worker; a running trial is rejected. */
  terminate(): Promise<void> {
    return this.client.terminate('TrialWorker: terminated');
  }
}
