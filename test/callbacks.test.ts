// Keras's ReduceLROnPlateau and EarlyStopping as fit options, against runs worked by hand from
// keras/src/callbacks/reduce_lr_on_plateau.py and early_stopping.py. The network is ŷ = w·x + b
// (mse) on the rows x = 1, y = 1 and x = −1, y = −1 in one batch from w = b = 0: dL/db = 0, so b stays
// 0, and dL/dw = 2(w − 1), so w ← w − lr·2(w − 1) and the epoch's loss is (w − 1)² before its update.
// The validation row x = 0, y = 1 sees ŷ = b = 0: its loss is 1 every epoch, a plateau.
import { describe, expect, it } from 'vitest';
import { BackpropError, Model, type ModelFitOptions } from '../src/node.js';
import { extent } from '../src/extent.js';

const X = [[1], [-1]], Y = [[1], [-1]];
const plateau: ModelFitOptions = { batchSize: 2, shuffle: 'none', validationData: [[[0]], [[1]]] };
const line = () => new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', weights: [[[0]], [0]] });
const w = (m: Model) => (m.getWeights()[0] as number[][])[0]![0]!;
/** w after SGD at each epoch's rate, from 0. */
const walk = (rates: number[]) => rates.reduce((v, lr) => v - lr * 2 * (v - 1), 0);

describe('reduceLROnPlateau', () => {
  it('halves the rate once val_loss has not improved for `patience` epochs, and the kernels take it', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      const m = line();
      const h = await m.fit(X, Y, { ...plateau, engine, learningRate: 0.1, epochs: 4, reduceLROnPlateau: { factor: 0.5, patience: 1 } });
      // epoch 0 sets the best; each later epoch waits 1 ≥ patience 1: the rate halves at its end
      expect(h.lr).toEqual([0.1, 0.1, 0.05, 0.025]);
      expect(w(m)).toBeCloseTo(walk([0.1, 0.1, 0.05, 0.025]), 15);
    }
  });

  it('cooldown: after a reduction, waits out `cooldown` epochs before counting again', async () => {
    const h = await line().fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 7, reduceLROnPlateau: { factor: 0.5, patience: 2, cooldown: 2 } });
    // reduced at the end of epoch 2; epochs 3 and 4 cool down (4 counts again: wait 1), 5 waits 2: reduced
    expect(h.lr).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
  });

  it('minLr: never below it', async () => {
    const h = await line().fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 5, reduceLROnPlateau: { factor: 0.5, patience: 1, minLr: 0.07 } });
    // 0.1 → max(0.05, 0.07) = 0.07, and there it stays
    expect(h.lr).toEqual([0.1, 0.1, 0.07, 0.07, 0.07]);
  });

  it("monitor 'loss' with minDelta: an improvement must beat the best by more than minDelta", async () => {
    // losses (w − 1)², w ← 0.8w + 0.2: 1, 0.64, 0.4096, 0.262, 0.168, 0.107 — improvements of 0.36, 0.23, 0.147, 0.094, 0.06
    const h = await line().fit(X, Y, { batchSize: 2, shuffle: 'none', learningRate: 0.1, epochs: 6, reduceLROnPlateau: { monitor: 'loss', factor: 0.5, patience: 1, minDelta: 0.1 } });
    // epoch 4 improves by 0.094 < 0.1: not an improvement, wait 1: halved; epoch 5 (0.0634 under the best 0.262): again not, halved
    expect(h.lr).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.05]);
  });

  it('is refused with a schedule, without validation for val_loss, and for a factor ≥ 1, naming the field', async () => {
    const refuse = async (o: ModelFitOptions, field: string) => {
      const e = await line().fit(X, Y, o).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(BackpropError);
      expect((e as BackpropError).field).toBe(field);
    };
    await refuse({ reduceLROnPlateau: {} }, 'reduceLROnPlateau');
    await refuse({ ...plateau, reduceLROnPlateau: { factor: 1 } }, 'reduceLROnPlateau.factor');
    await refuse({ ...plateau, reduceLROnPlateau: { patients: 3 } as never }, 'reduceLROnPlateau.patients');
    await refuse({ ...plateau, reduceLROnPlateau: {}, learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 } }, 'reduceLROnPlateau');
  });
});

describe('earlyStopping', () => {
  it('patience: stops after `patience` epochs without improvement and restores the best epoch (0)', async () => {
    const m = line();
    const h = await m.fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 10, earlyStopping: { patience: 2 } });
    expect(h.loss).toHaveLength(3);
    expect(h.bestEpoch).toBe(0);
    expect(w(m)).toBeCloseTo(walk([0.1]), 15);
  });

  it('restoreBestWeights false: keeps the last epoch', async () => {
    const m = line();
    const h = await m.fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 10, earlyStopping: { patience: 2, restoreBestWeights: false } });
    expect(h.loss).toHaveLength(3);
    expect(h.bestEpoch).toBeUndefined();
    expect(w(m)).toBeCloseTo(walk([0.1, 0.1, 0.1]), 15);
  });

  it('startFromEpoch: the epochs before it are not counted', async () => {
    const h = await line().fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 10, earlyStopping: { patience: 2, startFromEpoch: 2 } });
    expect(h.loss).toHaveLength(5);
    expect(h.bestEpoch).toBe(2);
  });

  it('baseline: until the monitored value beats it, the wait is not reset', async () => {
    // val_loss 1 never beats 0.5: epoch 0 counts 1, epoch 1 counts 2 ≥ patience 2
    const h = await line().fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 10, earlyStopping: { patience: 2, baseline: 0.5 } });
    expect(h.loss).toHaveLength(2);
  });

  it("monitor 'loss' with minDelta", async () => {
    // improvements 0.36, 0.23, 0.147, 0.094, 0.06, 0.039: with minDelta 0.05 epoch 6 is the first without one
    const h = await line().fit(X, Y, { ...plateau, learningRate: 0.1, epochs: 20, earlyStopping: { patience: 1, monitor: 'loss', minDelta: 0.05 } });
    expect(h.loss).toHaveLength(7);
    expect(h.bestEpoch).toBe(5);
  });

  it('checks every key by name and value', async () => {
    for (const [earlyStopping, field] of [
      [{ patience: 2, restoreBest: true }, 'earlyStopping.restoreBest'], [{ monitor: 'val_acc' }, 'earlyStopping.monitor'],
      [{ minDelta: -1 }, 'earlyStopping.minDelta'], [{ startFromEpoch: 1.5 }, 'earlyStopping.startFromEpoch'], [{ baseline: NaN }, 'earlyStopping.baseline'],
    ] as const) {
      const e = await line().fit(X, Y, { ...plateau, earlyStopping: earlyStopping as never }).then(() => undefined, (x: unknown) => x);
      expect((e as BackpropError).field).toBe(field);
    }
  });
});

describe('a validation metric as the monitor', () => {
  // The validation row x = 0, y = 1 through ŷ = w·x + b: b moves, so does its error. With b = 0.5 at the
  // start and rows that pull b down by lr·2(b − t) per epoch, val_mae = |1 − b| grows every epoch:
  // lower is better for mae, so epoch 0 stays the best.
  it('val_mae: lower is better; val_r2 is refused on a classifier and val_accuracy on a regression', async () => {
    const m = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', weights: [[[0]], [0.5]] });
    const h = await m.fit([[1], [-1]], [[0], [0]], { batchSize: 2, shuffle: 'none', learningRate: 0.1, epochs: 6, validationData: [[[0]], [[1]]], earlyStopping: { monitor: 'val_mae', patience: 2 } });
    // b after each epoch: 0.4, 0.32, 0.256, … so val_mae 0.6, 0.68, 0.744: the best stays epoch 0, and the wait of 2 stops it after epoch 2
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.bestEpoch).toBe(0);
    const classifier = new Model({ inputs: 1, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
    await expect(classifier.fit([[1], [0]], [[1], [0]], { validationData: [[[1]], [[1]]], earlyStopping: { monitor: 'val_r2' } })).rejects.toThrow(/earlyStopping\.monitor: val_r2 is not a metric of this model \(a classification\); it can watch loss, val_loss, val_accuracy/);
    await expect(m.fit([[1]], [[1]], { validationData: [[[1]], [[1]]], reduceLROnPlateau: { monitor: 'val_accuracy' } })).rejects.toThrow(/reduceLROnPlateau\.monitor: val_accuracy is not a metric of this model \(a regression\)/);
    await expect(m.fit([[1]], [[1]], { reduceLROnPlateau: { monitor: 'val_mae' } })).rejects.toThrow(/reduceLROnPlateau: watches val_mae: give validationSplit or validationData too/);
  });

  it('val_accuracy: higher is better, so the best epoch is the first with the highest accuracy', async () => {
    const x = [[-2], [-1], [1], [2], [0.5], [-0.5]], y = [[0], [0], [1], [1], [0], [1]];
    const m = new Model({ inputs: 1, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', weights: [[[-1]], [0]] });
    const h = await m.fit(x, y, { learningRate: 0.5, epochs: 8, batchSize: 6, shuffle: 'none', validationData: [x, y], earlyStopping: { monitor: 'val_accuracy', patience: 8 } });
    const accuracy = h.valMetrics!.map((v) => (v as { accuracy: number }).accuracy);
    expect(new Set(accuracy).size).toBeGreaterThan(1); // the accuracy moved: the test can tell the directions apart
    expect(h.bestEpoch).toBe(accuracy.indexOf(extent(accuracy)[1]));
  });
});
