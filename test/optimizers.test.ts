// The optimizers, mini-batches and the optimizer state between fits. Golden numbers come from
// hand derivations on a 1-input, 1-unit linear network with mse, where ŷ = w·x + b and a row's
// gradient is dL/dw = 2(ŷ − y)·x, dL/db = 2(ŷ − y); from Keras's documentation where it gives one;
// and test/parity.test.ts holds every optimizer to TensorFlow.js.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackpropError, datasets, Model, type FitOptions } from '../src/node.js';
import { maxRelativeDiff, randomNetwork, randomRows } from './helpers.js';

/** ŷ = w·x + b, one input, one unit, mse. */
const line = (w: number, b: number) => new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', weights: [[[w]], [b]] });
const wb = (m: Model) => { const [kernel, bias] = m.getWeights() as [number[][], number[]]; return { w: kernel[0]![0]!, b: bias[0]! }; };
const inOrder = { shuffle: 'none' as const, batchSize: 1 };

describe('optimizer updates, derived by hand', () => {
  // One row x = 0, y = 0: only b has a gradient, g = 2b; w must stay where it is.
  it('sgd: b −= lr·g', async () => {
    const m = line(0.7, 1);
    const h = await m.fit([[0]], [[0]], { learningRate: 0.1, epochs: 2, ...inOrder });
    // b: 1 → 1 − 0.1·2 = 0.8 → 0.8 − 0.1·1.6 = 0.64; losses b² before each update
    expect(wb(m).b).toBeCloseTo(0.64, 15);
    expect(wb(m).w).toBe(0.7);
    expect(h.loss[0]).toBe(1);
    expect(h.loss[1]).toBeCloseTo(0.64, 15);
  });

  it('sgd with momentum 0.9 (Keras: v = μ·v − lr·g, p += v)', async () => {
    const m = line(0.7, 1);
    await m.fit([[0]], [[0]], { learningRate: 0.1, momentum: 0.9, epochs: 2, ...inOrder });
    // v = −0.2, b = 0.8; g = 1.6, v = 0.9·(−0.2) − 0.16 = −0.34, b = 0.46
    expect(wb(m).b).toBeCloseTo(0.46, 15);
    expect(wb(m).w).toBe(0.7);
  });

  it('sgd with Nesterov momentum 0.9 (Keras: v = μ·v − lr·g, p += μ·v − lr·g)', async () => {
    const m = line(0.7, 1);
    await m.fit([[0]], [[0]], { learningRate: 0.1, momentum: 0.9, nesterov: true, epochs: 2, ...inOrder });
    // v = −0.2, b = 1 + 0.9·(−0.2) − 0.2 = 0.62; g = 1.24, v = −0.18 − 0.124 = −0.304,
    // b = 0.62 + 0.9·(−0.304) − 0.124 = 0.2224
    expect(wb(m).b).toBeCloseTo(0.2224, 15);
  });

  it("rmsprop: Keras's documented example, 10 → 9.683772", async () => {
    // Keras's RMSprop docstring: var 10, loss var²/2 (gradient 10), learning rate 0.1, one step → 9.683772.
    // Here b = 10 and y = 5 give the same gradient 2(b − y) = 10.
    const m = line(0.7, 10);
    await m.fit([[0]], [[5]], { optimizer: 'rmsprop', learningRate: 0.1, epochs: 1, ...inOrder });
    expect(wb(m).b).toBeCloseTo(9.683772, 6);
    expect(wb(m).w).toBe(0.7);
  });

  it('adam, first step: lr·g / (|g| + ε/√(1 − β₂)) — about lr whatever the gradient', async () => {
    // m = (1 − β₁)g, v = (1 − β₂)g², α = lr·√(1 − β₂)/(1 − β₁): α·m/(√v + ε) = lr·g/(|g| + ε/√(1 − β₂))
    for (const b of [1, 1e-4, -300]) {
      const m = line(0.7, b);
      await m.fit([[0]], [[0]], { optimizer: 'adam', learningRate: 0.1, epochs: 1, ...inOrder });
      const g = 2 * b;
      expect(wb(m).b).toBeCloseTo(b - 0.1 * g / (Math.abs(g) + 1e-7 / Math.sqrt(1 - 0.999)), 14);
      expect(wb(m).w).toBe(0.7); // g = 0: m and v stay 0, so the step is 0/(0 + ε) = 0
    }
  });

  it('adam, second step: the bias corrections of t = 2', async () => {
    const m = line(0.7, 1);
    await m.fit([[0]], [[0]], { optimizer: 'adam', learningRate: 0.1, epochs: 2, ...inOrder });
    const g1 = 2, m1 = 0.1 * g1, v1 = 0.001 * g1 * g1;
    const b1 = 1 - (0.1 * Math.sqrt(1 - 0.999) / (1 - 0.9)) * m1 / (Math.sqrt(v1) + 1e-7);
    const g2 = 2 * b1, m2 = 0.9 * m1 + 0.1 * g2, v2 = 0.999 * v1 + 0.001 * g2 * g2;
    const b2 = b1 - (0.1 * Math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)) * m2 / (Math.sqrt(v2) + 1e-7);
    expect(wb(m).b).toBeCloseTo(b2, 14);
  });
});

describe('mini-batches', () => {
  // Rows x = 1, 2, 3 with y = 0 from w = 1, b = 0: row r has ŷ = x, loss x², dL/dw = 2x², dL/db = 2x.
  const x = [[1], [2], [3]], y = [[0], [0], [0]];

  it('the whole set in one batch: one step along the mean gradient; the loss is the mean row loss', async () => {
    const m = line(1, 0);
    const h = await m.fit(x, y, { learningRate: 0.01, batchSize: 3, epochs: 1, shuffle: 'none' });
    expect(wb(m).w).toBeCloseTo(1 - 0.01 * (2 + 8 + 18) / 3, 15);
    expect(wb(m).b).toBeCloseTo(-0.01 * (2 + 4 + 6) / 3, 15);
    expect(h.loss[0]).toBeCloseTo((1 + 4 + 9) / 3, 14);
    // a batch size above the row count is the same whole-set batch
    const big = line(1, 0);
    expect((await big.fit(x, y, { learningRate: 0.01, batchSize: 1000, epochs: 1, shuffle: 'none' })).loss).toEqual(h.loss);
    expect(big.getWeights()).toEqual(m.getWeights());
  });

  it('batch size 2 of 3 rows: a batch of 2, then the last row alone; the epoch loss weights batches by size', async () => {
    const m = line(1, 0);
    const h = await m.fit(x, y, { learningRate: 0.01, batchSize: 2, epochs: 1, shuffle: 'none' });
    const w1 = 1 - 0.01 * (2 + 8) / 2, b1 = -0.01 * (2 + 4) / 2;
    const e = w1 * 3 + b1; // the last row, from the parameters the first batch left
    expect(wb(m).w).toBeCloseTo(w1 - 0.01 * 2 * e * 3, 15);
    expect(wb(m).b).toBeCloseTo(b1 - 0.01 * 2 * e, 15);
    // Keras's epoch loss: Σ batch mean × batch size / rows = (1 + 4 + e²) / 3
    expect(h.loss[0]).toBeCloseTo((1 + 4 + e * e) / 3, 14);
  });
});

describe('optimizer state between fits', () => {
  const d = datasets.placement;
  const settings: FitOptions[] = [
    { optimizer: 'adam', learningRate: 0.01 },
    { optimizer: 'rmsprop', momentum: 0.5 },
    { momentum: 0.9, nesterov: true, learningRate: 0.01 },
  ];

  it.each(settings)('a second fit continues: 2 × 3 epochs = 6 epochs (%o)', async (o) => {
    const once = new Model(d.model);
    const h = await once.fit(d.x, d.y, { ...o, epochs: 6, ...inOrder });
    const twice = new Model(d.model);
    const h1 = await twice.fit(d.x, d.y, { ...o, epochs: 3, ...inOrder });
    const h2 = await twice.fit(d.x, d.y, { ...o, epochs: 3, ...inOrder });
    expect([...h1.loss, ...h2.loss]).toEqual(h.loss);
    expect(twice.getWeights()).toEqual(once.getWeights());
  });

  it.each(settings)('resetOptimizer: the second fit starts as a fresh optimizer from the weights it finds (%o)', async (o) => {
    const reset = new Model(d.model);
    await reset.fit(d.x, d.y, { ...o, epochs: 3, ...inOrder });
    const fresh = new Model({ ...d.model, weights: reset.getWeights() });
    await reset.fit(d.x, d.y, { ...o, epochs: 3, resetOptimizer: true, ...inOrder });
    await fresh.fit(d.x, d.y, { ...o, epochs: 3, ...inOrder });
    expect(reset.getWeights()).toEqual(fresh.getWeights());
    const continued = new Model(d.model);
    await continued.fit(d.x, d.y, { ...o, epochs: 6, ...inOrder });
    expect(continued.getWeights()).not.toEqual(reset.getWeights());
  });

  it('another optimizer starts afresh: adam then sgd with momentum is sgd from the weights adam left', async () => {
    const switched = new Model(d.model);
    await switched.fit(d.x, d.y, { optimizer: 'adam', epochs: 3, ...inOrder });
    const fresh = new Model({ ...d.model, weights: switched.getWeights() });
    const sgd: FitOptions = { momentum: 0.9, learningRate: 0.01, epochs: 3, ...inOrder };
    await switched.fit(d.x, d.y, sgd);
    await fresh.fit(d.x, d.y, sgd);
    expect(switched.getWeights()).toEqual(fresh.getWeights());
  });

  it('default learning rates are Keras’s: sgd 0.01, adam and rmsprop 0.001', async () => {
    for (const [optimizer, learningRate] of [['sgd', 0.01], ['adam', 0.001], ['rmsprop', 0.001]] as const) {
      const a = new Model(d.model), b = new Model(d.model);
      await a.fit(d.x, d.y, { optimizer, epochs: 2, ...inOrder });
      await b.fit(d.x, d.y, { optimizer, learningRate, epochs: 2, ...inOrder });
      expect(a.getWeights()).toEqual(b.getWeights());
    }
  });
});

describe('WASM and JS engines agree to 1e-12 with every optimizer', () => {
  const optimizers: FitOptions[] = [
    { momentum: 0.9, learningRate: 0.02 },
    { momentum: 0.8, nesterov: true, learningRate: 0.02 },
    { optimizer: 'adam', learningRate: 0.01 },
    { optimizer: 'adam', learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-4 },
    { optimizer: 'rmsprop', learningRate: 0.005 },
    { optimizer: 'rmsprop', learningRate: 0.005, momentum: 0.5, rho: 0.8 },
  ];
  it.each(optimizers)('%o', async (o) => {
    for (const [seed, batchSize] of [[1, 1], [2, 4], [3, 64]] as const) {
      const spec = randomNetwork(seed, 3, 'tanh', 'sigmoid', 'binaryCrossentropy');
      const x = randomRows(seed + 10, 30, spec.inputs, -2, 2);
      const y = x.map((row) => [row[0]! > 0 ? 1 : 0]);
      const runs = await Promise.all((['wasm', 'js'] as const).map(async (engine) => {
        const m = new Model(spec);
        const h = await m.fit(x, y, { ...o, epochs: 5, batchSize, shuffle: 'epoch', seed, engine });
        return { loss: h.loss, weights: m.getWeights().flat(2) };
      }));
      expect(maxRelativeDiff(runs[0]!.loss, runs[1]!.loss)).toBeLessThan(1e-12);
      expect(maxRelativeDiff(runs[0]!.weights, runs[1]!.weights)).toBeLessThan(1e-12);
    }
  });
});

describe('bad optimizer options: a clear error before any training', () => {
  it.each([
    [{ optimizer: 'adagrad' }, 'optimizer', /expected one of 'sgd', 'adam', 'rmsprop', got "adagrad"/],
    [{ momentum: -0.5 }, 'momentum', /expected a number from 0 to 1, got -0.5/],
    [{ momentum: 1.5 }, 'momentum', /from 0 to 1, got 1.5/],
    [{ momentum: NaN }, 'momentum', /got NaN/],
    [{ nesterov: true }, 'nesterov', /needs a momentum > 0/],
    [{ nesterov: 'yes' }, 'nesterov', /expected true or false/],
    [{ optimizer: 'adam', momentum: 0.9 }, 'momentum', /adam has no momentum; sgd and rmsprop take it/],
    [{ beta1: 0.8 }, 'beta1', /sgd has no beta1; adam takes it/],
    [{ optimizer: 'rmsprop', nesterov: true }, 'nesterov', /rmsprop has no nesterov; sgd takes it/],
    [{ optimizer: 'adam', beta1: 1 }, 'beta1', /from 0 up to \(not including\) 1, got 1/],
    [{ optimizer: 'adam', beta2: -0.1 }, 'beta2', /got -0.1/],
    [{ optimizer: 'rmsprop', rho: 1 }, 'rho', /up to \(not including\) 1/],
    [{ optimizer: 'adam', epsilon: 0 }, 'epsilon', /expected a finite number > 0, got 0/],
    [{ optimizer: 'adam', learningRate: 0 }, 'learningRate', /> 0, got 0/],
    [{ batchSize: 0 }, 'batchSize', /expected a positive integer, got 0/],
    [{ batchSize: 2.5 }, 'batchSize', /expected a positive integer, got 2.5/],
    [{ resetOptimizer: 1 }, 'resetOptimizer', /expected true or false, got 1/],
  ])('%o → %s', async (options, field, message) => {
    const m = line(0.7, 1);
    const before = m.getWeights();
    const error = await m.fit([[1]], [[0]], options as FitOptions).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BackpropError);
    expect((error as BackpropError).field).toBe(field);
    expect((error as BackpropError).message).toMatch(message);
    expect(m.getWeights()).toEqual(before);
  });
});

describe('backprop train: --optimizer, --momentum, --nesterov, --batch-size', () => {
  const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const backprop = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'train', ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const d = datasets.placement;

  it('the flags give the library run; another optimizer starts from its Keras learning rate, not the dataset’s', async () => {
    const cases: [string[], FitOptions][] = [
      [['--optimizer', 'adam', '--epochs', '75'], { optimizer: 'adam', learningRate: 0.001, epochs: 75 }],
      [['--momentum', '0.9', '--nesterov', '--lr', '0.01', '--batch-size', '2'], { momentum: 0.9, nesterov: true, learningRate: 0.01, batchSize: 2 }],
      [['--optimizer', 'rmsprop', '--momentum', '0.5', '--batch-size', '3'], { optimizer: 'rmsprop', momentum: 0.5, batchSize: 3 }],
    ];
    for (const [flags, fit] of cases) {
      const r = backprop('--dataset', 'placement', '--json', ...flags);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      const model = new Model(d.model);
      const history = await model.fit(d.x, d.y, { ...d.fit, learningRate: undefined, ...fit, engine: 'wasm' });
      expect(out.history.loss).toEqual(history.loss);
      expect(out.weights).toEqual(model.getWeights());
    }
  });

  it.each([
    [['--momentum', '-0.5'], /momentum: expected a number from 0 to 1, got -0.5/],
    [['--momentum', 'lots'], /--momentum: expected a number, got "lots"/],
    [['--batch-size', '0'], /batchSize: expected a positive integer, got 0/],
    [['--optimizer', 'adagrad'], /--optimizer: expected one of 'sgd', 'adam', 'rmsprop', got "adagrad"/],
    [['--nesterov'], /nesterov: Nesterov momentum needs a momentum > 0/],
    [['--optimizer', 'adam', '--momentum', '0.9'], /momentum: adam has no momentum/],
  ])('%s → exit 1, %s', (flags, message) => {
    const r = backprop('--dataset', 'package', ...flags);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
