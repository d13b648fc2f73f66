// The messages between the page and its worker (web/pageWorker.ts), which trains and draws off the
// page's thread: it holds the run's WorkerTrainer (whose snapshots of a big network's weights are
// too big to receive on the page's thread every frame), computes the maps and the scores, and sends
// the page only what it draws.
import type { DenseSpec, History, LayerSpec, Loss, ModelFitOptions, ModelOptions, Weights } from '../src/browser.js';
import type { PlaneGrid } from './planeGrid.js';
import type { Cross } from './toys.js';

/** What the maps are of: a network (its Dense layers; Dropout passes everything in a prediction), over which plane. */
export interface MapSetup {
  inputs: number;
  layers: DenseSpec[];
  loss: Loss;
  /**
   * A standardizing run's training rows (the network's inputs): the worker fits the scaler the run's fit
   * fits, off the page's thread; 'fit' where they came with the run's fit, sent before (Train: sending
   * them again took 10 ms of the page's thread at 200,000 rows).
   */
  scaleRows?: Float64Array | 'fit';
  /** The plane of the two raw features; the network's inputs are them and `crosses` of them. */
  grid: PlaneGrid;
  crosses: Cross[];
  /** Whether the maps are drawn (two-feature data). */
  plane: boolean;
  /** Cells per side of each hidden unit's map, and how many units of a layer the page draws (in the diagram and as maps). */
  unitResolution: number;
  shownUnits: number;
}

export interface FitRequest {
  model: ModelOptions<LayerSpec>;
  x: Float64Array;
  y: Float64Array;
  fit: Omit<ModelFitOptions, 'onEpochEnd'> & { pace?: number };
  /** The first rows' inputs (as x holds them): the fit's end comes with the trained model's predictions of them. */
  sample: Float64Array;
}

export type ToPage =
  /** New maps, of `setup`'s network (counted by `id`: answers for an older one are dropped). */
  | { type: 'setup'; id: number; setup: MapSetup }
  /** Maps of these weights (the page's own: a preview's or a Step's), flat in the Keras order. */
  | { type: 'weights'; id: number; flat: Float64Array }
  /** The untrained network of these options, made here (a big one's initial weights take longer than a frame to make): its maps, and its drawn weights back. */
  | { type: 'preview'; id: number; model: ModelOptions<LayerSpec> }
  | { type: 'fit'; id: number; request: FitRequest }
  /** Maps of the last fit's trained weights, which the worker holds (the maps may have been started anew since it mapped them). */
  | { type: 'fitted'; id: number }
  | { type: 'stop' }
  /** Accuracy of the last weights on each set of rows (x in the network's inputs). */
  | { type: 'score'; id: number; sets: { x: Float64Array; y: Float64Array }[] };

/** An error as it crossed: enough to raise the same class on this side. */
export interface ErrorInfo { name: string; message: string; field?: string }

/**
 * A fit's weights at its end, flat in the Keras order (transferred: a typed array crosses at once,
 * where a big network's nested arrays would be rebuilt number by number on the page's thread) and as
 * the diagram draws them, and the predictions of the request's sample rows.
 */
export interface Ended { flat: Float64Array; drawn: Weights; predictions: number[][] }

export type FromPage =
  /**
   * The output over the grid (resolution² × outputs, from the lowest second feature up) and each hidden
   * layer's shown units over the unit grid; `settled`: no fit runs and no newer weights wait.
   */
  | { type: 'maps'; id: number; output: Float64Array; units: Float64Array[]; settled: boolean }
  /**
   * Epochs finished since the last message: their losses and test losses, the last one's test
   * accuracy, and the weights after them as the diagram draws them (each kernel's first shownUnits
   * rows and columns, each bias's first shownUnits), when the trainer sent weights.
   */
  | { type: 'epochs'; id: number; epochs: number; losses: number[]; testLosses: (number | undefined)[]; testAccuracy?: number; drawn?: Weights }
  /** A preview's weights as the diagram draws them and all of them flat (Keras order), or why the options make no model. */
  | { type: 'previewed'; id: number; drawn?: Weights; flat?: Float64Array; error?: string }
  /** The fit's end: its history and the trained weights. */
  | { type: 'done'; id: number; history: History } & Ended
  /** The fit's failure; a divergence sends the weights the model kept (the last finished epoch's) as `done` sends the trained ones. */
  | { type: 'failed'; id: number; error: ErrorInfo; kept?: Ended }
  | { type: 'score'; id: number; accuracy: number[] }
  | { type: 'error'; id: number; message: string };
