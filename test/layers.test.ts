// The Keras toolkit the library takes beyond Dense: what a spec may say (and the messages when it
// says it wrong), Dropout's behaviour around fit, and the multiclass metrics.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, Model, multiclassMetrics, type LayerSpec, type ModelOptions } from '../src/node.js';
import { randomRows } from './helpers.js';
import { checkSpec } from '../src/spec.js';
import { Workspace } from '../src/workspace.js';
import { writeRandom } from '../src/layout.js';

beforeAll(async () => { await loadWasm(); });

const build = (layers: LayerSpec[], loss: ModelOptions['loss'] = 'mse') => () => new Model({ inputs: 2, layers, loss });

describe('specs', () => {
  it.each([
    [[{ dropout: 0.2 }, { units: 1 }], 'layers[0]: a Dropout goes after a Dense layer'],
    [[{ units: 3 }, { dropout: 0.2 }], 'layers[1]: a Dropout goes after a Dense layer'],
    [[{ units: 3 }, { dropout: 0.2 }, { dropout: 0.1 }, { units: 1 }], 'layers[2]: a Dropout goes after a Dense layer'],
    [[{ units: 3, activation: 'softmax' }, { dropout: 0.2 }, { units: 1 }], 'layers[1]: a Dropout cannot follow a softmax layer'],
    [[{ units: 3 }, { dropout: -0.1 }, { units: 1 }], 'layers[1].dropout: expected a rate from 0 up to (not including) 1, got -0.1'],
    [[{ units: 3 }, { dropout: 0.2, units: 4 } as never, { units: 1 }], 'layers[1].units: unknown option; expected one of dropout'],
    [[{ units: 1, kernelRegularizer: 'l3' as never }], "layers[0].kernelRegularizer: expected one of 'l1', 'l2', 'l1l2', got \"l3\""],
    [[{ units: 1, biasRegularizer: { l1: NaN } }], 'layers[0].biasRegularizer.l1: expected a finite number ≥ 0, got NaN'],
    [[{ units: 1, biasRegularizer: { l3: 1 } as never }], 'layers[0].biasRegularizer.l3: unknown option; expected one of l1, l2'],
  ] as [LayerSpec[], string][])('%j is refused: %s', (layers, message) => {
    expect(build(layers)).toThrow(message);
  });

  it('the categorical losses need a softmax output of at least 2 units', () => {
    expect(build([{ units: 3, activation: 'sigmoid' }], 'categoricalCrossentropy')).toThrow("layers[0].activation: categoricalCrossentropy reads the outputs as class probabilities, so the last layer needs activation 'softmax', got 'sigmoid'");
    expect(build([{ units: 1, activation: 'softmax' }], 'sparseCategoricalCrossentropy')).toThrow('layers[0].units: sparseCategoricalCrossentropy needs one unit per class, at least 2, got 1');
  });

  it('targets the categorical losses cannot read are refused by row', async () => {
    const m = new Model({ inputs: 1, layers: [{ units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit([[1], [2]], [[0], [3]])).rejects.toThrow('y: row 2 has 3; sparseCategoricalCrossentropy needs a class index, an integer from 0 to 2');
    await expect(m.fit([[1], [2]], [[0], [1.5]])).rejects.toThrow('y: row 2 has 1.5');
    const c = new Model({ inputs: 1, layers: [{ units: 3, activation: 'softmax' }], loss: 'categoricalCrossentropy' });
    await expect(c.fit([[1], [2]], [[0, 1, 0], [1, 1, 0]])).rejects.toThrow('y: row 2 is [1, 1, 0]; categoricalCrossentropy needs one-hot rows');
    await expect(c.fit([[1]], [[0, 1]])).rejects.toThrow('y: row 1 has 2 columns; expected 3');
  });
});

describe('Dropout', () => {
  const spec: ModelOptions<LayerSpec> = { inputs: 3, layers: [{ units: 16, activation: 'relu' }, { dropout: 0.5 }, { units: 1 }], loss: 'mse', seed: 1 };
  const x = randomRows(2, 40, 3);
  const y = x.map(([a, b]) => [a! - b!]);
  const run = async (seed: number, engine: 'wasm' | 'js', s = spec) => {
    const m = new Model(s);
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, learningRate: 0.05, seed, engine });
    return { loss: h.loss, weights: m.getWeights(), m };
  };

  it('a seed reproduces the masks on either engine; another seed draws others', async () => {
    const a = await run(3, 'wasm');
    expect(await run(3, 'js')).toMatchObject({ loss: a.loss, weights: a.weights });
    expect((await run(4, 'wasm')).loss).not.toEqual(a.loss);
  });

  it('is off in predict and evaluate: the same rows give the same outputs every time', async () => {
    const { m } = await run(3, 'wasm');
    expect(m.predict(x)).toEqual(m.predict(x));
    expect(m.evaluate(x, y)).toBe(m.evaluate(x, y));
  });

  it('drops a share of about `rate` of the units and scales the rest by 1 / (1 − rate)', () => {
    const net = checkSpec({ inputs: 1, layers: [{ units: 2000, activation: 'linear' }, { dropout: 0.3 }, { units: 1 }], loss: 'mse' });
    for (const engine of ['wasm', 'js'] as const) {
      const ws = new Workspace(engine, net);
      ws.setTrainingRows(Float64Array.of(1), Float64Array.of(0), 1, 1);
      writeRandom(ws.engine.i32, ws.layout, 9);
      ws.engine.step(ws.layout.net, 0, 1);
      const { mask, units } = ws.layout.layers[0]!;
      const m = Array.from(ws.f64.subarray(mask, mask + units));
      expect(new Set(m)).toEqual(new Set([0, 1 / 0.7]));
      // 2000 draws: the share dropped is within 0.3 ± 0.035 (3.4 standard deviations)
      expect(Math.abs(m.filter((v) => v === 0).length / units - 0.3)).toBeLessThan(0.035);
    }
  });

  it('a rate of 0 is no Dropout at all', async () => {
    const none = await run(3, 'wasm', { ...spec, layers: [spec.layers[0]!, spec.layers[2]!] });
    expect((await run(3, 'wasm', { ...spec, layers: [spec.layers[0]!, { dropout: 0 }, spec.layers[2]!] })).loss).toEqual(none.loss);
  });
});

describe('binary cross-entropy from the logit', () => {
  it('while no output saturates, is the clipped formula −log ŷ or −log(1 − ŷ), to the bit, on both engines', () => {
    const model = new Model({ inputs: 3, layers: [{ units: 5, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 8 });
    const x = randomRows(9, 50, 3, -2, 2);
    const y = x.map(([a]) => (a! > 0 ? 1 : 0));
    for (const engine of ['wasm', 'js'] as const) {
      const p = model.predict(x, { engine }).map(([v]) => v!);
      expect(p.every((v) => v > 1e-7 && v < 1 - 1e-7)).toBe(true);
      const clipped = p.reduce((sum, v, r) => sum + (y[r] === 1 ? -Math.log(v) : -Math.log(1 - v)), 0) / p.length;
      expect(model.evaluate(x, y, { engine })).toBe(clipped);
    }
  });
});

describe('multiclass metrics', () => {
  it('accuracy, per-class precision, recall and F1, and the confusion matrix, worked by hand', () => {
    // targets 0 0 1 2 2 2; predicted (most probable) 0 1 1 2 2 0
    const p = [0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7, 0, 0.4, 0.6, 0.5, 0.2, 0.3];
    const m = multiclassMetrics([0, 0, 1, 2, 2, 2], p, 3);
    expect(m.confusion).toEqual([[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
    expect(m.perClass.map((c) => [c.precision, c.recall, c.support])).toEqual([[0.5, 0.5, 2], [0.5, 1, 1], [1, 2 / 3, 3]]);
    expect(m.perClass[2]!.f1).toBeCloseTo(0.8, 15);
    expect(m.macroF1).toBeCloseTo((0.5 + 2 / 3 + 0.8) / 3, 15);
  });

  it('evaluateMetrics of a softmax model reads one-hot rows and class indices alike', async () => {
    const x = randomRows(3, 12, 2);
    const classes = x.map(([a, b]) => (a! > 0 ? (b! > 0 ? 2 : 1) : 0));
    const sparse = new Model({ inputs: 2, layers: [{ units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 1 });
    const onehot = new Model({ inputs: 2, layers: [{ units: 3, activation: 'softmax' }], loss: 'categoricalCrossentropy', seed: 1 });
    const a = sparse.evaluateMetrics(x, classes.map((c) => [c]));
    expect(a.task).toBe('multiclass');
    expect(onehot.evaluateMetrics(x, classes.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))))).toEqual(a);
    // and the two losses are one number
    expect(onehot.evaluate(x, classes.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))))).toBe(sparse.evaluate(x, classes.map((c) => [c])));
  });
});
