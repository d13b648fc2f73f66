// The worker's side: one Model, kept for the worker's life so that a second fit continues the first
// one's optimizer state exactly as a second in-thread fit does. Epoch logs go out in batches, at
// most every YIELD_MS (none when the caller has no onEpochEnd), and between batches the worker
// lets its message queue run, so that a stop from the page gets in. A big model's weights are slow
// to copy and to clone, on both sides: batches that carry them are spaced so that sending them
// takes at most a third of the time.
import { BackpropError, DivergenceError } from '../errors.js';
import { Model } from '../model.js';
import type { Matrix } from '../data.js';
import { fitTrial } from '../trial.js';
import type { EpochLogs } from '../fitOptions.js';
import type { ErrorInfo, FitSettings, FromWorker, ModelState, Port, ToWorker } from './protocol.js';

const YIELD_MS = 10;

/** Serves a WorkerTrainer (or a search's TrialWorker) over `port`; `yieldToEvents` resolves after the worker's pending messages have run. */
export function serve(port: Port<ToWorker, FromWorker>, yieldToEvents: () => Promise<void>): void {
  let model: Model | undefined;
  let stopRequested = false, running: number | undefined;
  let queue = Promise.resolve();
  port.listen((message) => {
    if (message.type === 'init') model = modelOf(message.model);
    else if (message.type === 'stop') stopRequested ||= message.id === undefined || message.id === running;
    // One fit at a time, in the order asked
    else if (message.type === 'fit') queue = queue.then(() => fit(model!, message.id, message.x as Matrix, message.y as Matrix, message.options, message.reports));
    else queue = queue.then(() => trial(message));
  });

  async function trial({ id, model, x, y, validation, fit, fold }: Extract<ToWorker, { type: 'trial' }>): Promise<void> {
    try {
      port.post({ type: 'trial', id, result: await fitTrial(new Model(model), x, y, validation, fit, fold) });
    } catch (e) {
      port.post({ type: 'trialError', id, error: errorInfo(e) });
    }
  }

  async function fit(model: Model, id: number, x: Matrix, y: Matrix, options: FitSettings, reports: boolean): Promise<void> {
    stopRequested = false;
    running = id;
    const { progressWeights, pace, ...fitOptions } = options;
    let batch: { epoch: number; logs: EpochLogs }[] = [];
    // The first batch warms the copying up and is not counted; then the cheapest batch so far is,
    // so that one slow batch (a garbage collection) does not hold the rest back.
    let spacing = pace ? 0 : YIELD_MS, cheapest = Infinity, batches = 0;
    const flush = () => {
      if (!batch.length) return;
      const sent = performance.now();
      port.post({ type: 'epochs', id, epochs: batch, ...(progressWeights ? { weights: model.getWeights() } : {}) });
      batch = [];
      if (batches++ > 0) cheapest = Math.min(cheapest, performance.now() - sent);
      if (cheapest < Infinity) spacing = Math.max(pace ? 0 : YIELD_MS, 2 * cheapest);
    };
    const start = performance.now();
    let lastYield = start;
    try {
      const history = await model.fit(x, y, {
        ...fitOptions,
        onEpochEnd: async (epoch, logs) => {
          // Nobody listening: the worker still yields as often, so that a stop gets in
          if (reports) batch.push({ epoch, logs });
          if (pace) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (epoch + 1) * pace - performance.now())));
          if (performance.now() - lastYield >= spacing) {
            flush();
            await yieldToEvents();
            lastYield = performance.now();
          }
          if (stopRequested) model.stopTraining = true;
        },
      });
      flush();
      port.post({ type: 'done', id, history, weights: model.getWeights(), scaler: model.scaler, state: model.getTrainingState() });
    } catch (e) {
      flush();
      port.post({ type: 'error', id, error: errorInfo(e), weights: model.getWeights(), scaler: model.scaler, state: model.getTrainingState() });
    }
  }
}

/** A model from its state across the boundary, training state included. */
export function modelOf({ state, ...options }: ModelState): Model {
  const model = new Model(options);
  if (state) model.setTrainingState(state);
  return model;
}

function errorInfo(e: unknown): ErrorInfo {
  const error = e instanceof Error ? e : new Error(String(e));
  return {
    name: error.name,
    message: error.message,
    ...(e instanceof BackpropError ? { field: e.field } : {}),
    ...(e instanceof DivergenceError ? { epoch: e.epoch, row: e.row, reason: e.reason, ...(e.advice === undefined ? {} : { advice: e.advice }) } : {}),
  };
}
