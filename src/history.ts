// What a fit reports: Keras's History, each epoch's losses and the settings it ran with.
import type { Settings } from './fitOptions.js';
import type { Metrics } from './metrics.js';

/** What a chart of a run reads: its epochs and losses (History without the settings). */
export type LossHistory = Pick<History, 'epoch' | 'loss' | 'valLoss' | 'bestEpoch'>;

/** What `fit` resolves to: the loss of every epoch (and validation's), as Keras's History. */
export interface History {
  epoch: number[];
  /** Mean of the epoch's row (or batch) losses, each measured before its update — what Keras reports. */
  loss: number[];
  /** With validation data: the held-out rows' loss and metrics after each epoch (Keras's val_loss). */
  valLoss?: number[];
  valMetrics?: Metrics[];
  /** With early stopping: the epoch whose weights the model kept. */
  bestEpoch?: number;
  /** The learning rate at the end of each epoch: a schedule's at the updates made so far, or the rate ReduceLROnPlateau left (Keras's logged learning_rate). */
  lr: number[];
  /** The settings the fit ran with, every default filled in (Keras's `history.params`). */
  params: Settings;
}
