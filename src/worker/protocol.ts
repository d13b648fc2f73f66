// The messages between a WorkerTrainer (src/worker/workerTrainer.ts), or a search's TrialWorker
// (src/search/trialWorker.ts), and its worker (src/worker/host.ts). Everything here survives
// structured cloning: numbers travel as they are, so weights arrive to the bit.
import type { ModelFitOptions, ModelOptions, TrainingState, Weights } from '../model.js';
import type { Scaler } from '../scaler.js';
import type { TrialFitOptions, TrialResult } from '../trial.js';
import type { LayerSpec, Loss } from '../spec.js';
import type { EpochLogs } from '../fitOptions.js';
import type { History } from '../history.js';

/** What a model is across the boundary: its public constructor's options, the weights set. */
export interface ModelState {
  inputs: number;
  layers: LayerSpec[];
  loss: Loss;
  weights: Weights;
  scaler?: Scaler;
  /** Where training stands (Model.getTrainingState): a fit with initialEpoch continues it, in either thread. */
  state?: TrainingState;
}

export type FitSettings = Omit<ModelFitOptions, 'onEpochEnd'> & { progressWeights?: boolean; pace?: number };

export type ToWorker =
  | { type: 'init'; model: ModelState }
  /** `reports`: whether the caller listens to the epochs (an onEpochEnd); if not, none are sent, only the end. */
  | { type: 'fit'; id: number; x: unknown; y: unknown; options: FitSettings; reports: boolean }
  /** Ends the running fit after its epoch; with `id`, only if that fit is the one running. */
  | { type: 'stop'; id?: number }
  /** A search's fit (src/trial.ts): a model of its own, built, trained and measured in the worker. */
  | { type: 'trial'; id: number; model: ModelOptions<LayerSpec>; x: Float64Array; y: Float64Array; validation: [Float64Array, Float64Array]; fit: TrialFitOptions; fold?: number };

/** An error as it crossed: enough to raise the same class with the same fields on the other side. */
export interface ErrorInfo { name: string; message: string; field?: string; epoch?: number; row?: number; reason?: string; advice?: string }

export type FromWorker =
  /** Epochs finished since the previous message, with the weights after the last of them when asked for. */
  | { type: 'epochs'; id: number; epochs: { epoch: number; logs: EpochLogs }[]; weights?: Weights }
  | { type: 'done'; id: number; history: History; weights: Weights; scaler?: Scaler; state?: TrainingState }
  | { type: 'error'; id: number; error: ErrorInfo; weights: Weights; scaler?: Scaler; state?: TrainingState }
  /** A trial's answer: its measure alone (the model stays in the worker), or why it failed. */
  | { type: 'trial'; id: number; result: TrialResult }
  | { type: 'trialError'; id: number; error: ErrorInfo };

/** One side's view of the other: how to send, how to listen. */
export interface Port<In, Out> {
  post(message: Out): void;
  listen(handler: (message: In) => void): void;
}
