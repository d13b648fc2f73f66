// The messages between the page (web/main.ts) and the training worker (web/worker.ts).
import type { EngineKind, ModelFitOptions, ModelOptions, Weights } from '../src/browser.js';

/** Where the probability map is sampled: `resolution` × `resolution` cell centres over the two features' ranges. */
export interface PlaneGrid {
  x: [number, number];
  y: [number, number];
  resolution: number;
}

/** One training run: the model, its fit options (no callbacks: they cannot cross to a worker) and the data. */
export interface Run {
  model: ModelOptions;
  fit: Omit<ModelFitOptions, 'onEpochEnd' | 'validationData'>;
  x: Float64Array;
  y: Float64Array;
  /** `'watch'` paces the epochs so the charts can be followed (about 100 epochs a second); `'full'` runs flat out. */
  pace: 'watch' | 'full';
  /** Set for two-feature classification: the worker sends the predicted probability over this grid. */
  plane?: PlaneGrid;
}

export type ToWorker =
  | { type: 'train'; run: Run }
  | { type: 'stop' }
  | { type: 'compare'; run: Run };

/** The model as it stands after an epoch. */
export interface Snapshot {
  /** Epochs finished so far. */
  epochs: number;
  /** The losses of the epochs finished since the previous snapshot. */
  losses: number[];
  weights: Weights;
  /** P(y = 1) at each grid cell, row by row from the lowest second feature (with `plane`). */
  plane?: Float64Array;
}

export interface EngineTiming {
  engine: EngineKind;
  /** Mean wall time of one whole `fit`, in milliseconds. */
  ms: number;
  runs: number;
  loss: number;
}

export type FromWorker =
  | { type: 'progress'; snapshot: Snapshot }
  /** While timing: the engine being timed, its fits so far and the current fit's epoch, about ten times a second. */
  | { type: 'timing'; engine: EngineKind; runs: number; epoch: number; epochs: number }
  | { type: 'done'; snapshot: Snapshot; loss: number[]; predictions: number[][]; stopped: boolean }
  /** `field` is set for a BackpropError (bad settings or data), the field it names. */
  | { type: 'error'; name: string; message: string; field?: string }
  | { type: 'compared'; timings: EngineTiming[] };
