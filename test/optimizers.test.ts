// The optimizers, mini-batches and the optimizer state between fits. Golden numbers come from
// hand derivations on a 1-input, 1-unit linear network with mse, where ŷ = w·x + b and a row's
// gradient is dL/dw = 2(ŷ − y)·x, dL/db = 2(ŷ − y); from Keras's documentation where it gives one;
// and test/parity.test.ts holds every optimizer to TensorFlow.js.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '@assemblyscript/loader';
import { BackpropError, datasets, loadWasm, Model, type FitOptions } from '../src/node.js';
import { KERNEL_IMPORTS } from '../src/engines/wasm.js';
import { randomNetwork, randomRows, ulps } from './helpers.js';

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

  it("a second fit with another β₁ and β₂ continues with their powers: Keras's βᵗ is the β of the update's", async () => {
    const m = new Model(d.model);
    await m.fit(d.x, d.y, { optimizer: 'adam', epochs: 3, ...inOrder });
    await m.fit(d.x, d.y, { optimizer: 'adam', beta1: 0.8, beta2: 0.99, epochs: 3, ...inOrder });
    const s = m.getTrainingState()!.optimizer!.scalars as Record<string, number>;
    expect(s.iterations).toBe(6 * d.x.length);
    // the kernels' running products, rounded, against the host's Math.pow: within an ulp
    expect(ulps(s.beta1Power! + s.beta1PowerLow!, Math.pow(0.8, s.iterations!))).toBeLessThanOrEqual(1);
    expect(ulps(s.beta2Power! + s.beta2PowerLow!, Math.pow(0.99, s.iterations!))).toBeLessThanOrEqual(1);
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

describe('WASM and JS engines give the same bits with every optimizer', () => {
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
      expect(runs[1]).toEqual(runs[0]);
    }
  });
});

describe('bad optimizer options: a clear error before any training', () => {
  it.each([
    [{ optimizer: 'ftrl' }, 'optimizer', /expected one of 'sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'adamw', got "ftrl"/],
    [{ momentum: -0.5 }, 'momentum', /expected a number from 0 to 1, got -0.5/],
    [{ momentum: 1.5 }, 'momentum', /from 0 to 1, got 1.5/],
    [{ momentum: NaN }, 'momentum', /got NaN/],
    [{ nesterov: true }, 'nesterov', /needs a momentum > 0/],
    [{ nesterov: 'yes' }, 'nesterov', /expected true or false/],
    [{ optimizer: 'adam', momentum: 0.9 }, 'momentum', /adam has no momentum; sgd and rmsprop take it/],
    [{ beta1: 0.8 }, 'beta1', /sgd has no beta1; adam, adamax, nadam and adamw take it/],
    [{ optimizer: 'adam', centered: true }, 'centered', /adam has no centered; rmsprop takes it/],
    [{ optimizer: 'adamw', weightDecay: -1 }, 'weightDecay', /expected a finite number ≥ 0, got -1/],
    [{ optimizer: 'adagrad', initialAccumulatorValue: NaN }, 'initialAccumulatorValue', /got NaN/],
    [{ optimizer: 'adam', amsgrad: 1 }, 'amsgrad', /expected true or false, got 1/],
    [{ clipnorm: 1, clipvalue: 1 }, 'clipvalue', /give one of clipnorm, clipvalue and globalClipnorm/],
    [{ globalClipnorm: 0 }, 'globalClipnorm', /expected a finite number > 0, got 0/],
    [{ clipvalue: Infinity }, 'clipvalue', /expected a finite number > 0, got Infinity/],
    [{ learningRate: { schedule: 'cosine' } }, 'learningRate.schedule', /expected one of 'exponentialDecay', .*, got "cosine"/],
    [{ learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 10 } }, 'learningRate.decayRate', /exponentialDecay needs decayRate/],
    [{ learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, steps: 3 } }, 'learningRate.steps', /unknown option/],
    [{ learningRate: { schedule: 'piecewiseConstantDecay', boundaries: [2, 4], values: [0.1, 0.01] } }, 'learningRate.values', /one value more than boundaries \(3\), got 2/],
    [{ learningRate: { schedule: 'piecewiseConstantDecay', boundaries: [4, 2], values: [0.1, 0.01, 0.001] } }, 'learningRate.boundaries[1]', /increasing/],
    [{ learningRate: { schedule: 'cosineDecay', initialLearningRate: 0.1, decaySteps: 0 } }, 'learningRate.decaySteps', /> 0, got 0/],
    [{ learningRate: { schedule: 'cosineDecay', initialLearningRate: 0.1, decaySteps: 5 }, stepsPerExecution: 'epoch' }, 'stepsPerExecution', /run it with stepsPerExecution 1/],
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
      [['--optimizer', 'nadam', '--clipnorm', '0.5', '--lr-schedule', 'piecewiseConstantDecay,boundaries=20:40,values=0.01:0.005:0.001'],
        { optimizer: 'nadam', clipnorm: 0.5, learningRate: { schedule: 'piecewiseConstantDecay', boundaries: [20, 40], values: [0.01, 0.005, 0.001] } }],
      [['--lr', '0.002', '--lr-schedule', 'cosineDecay,decaySteps=100,alpha=0.1', '--optimizer', 'adamw', '--amsgrad', '--weight-decay', '0.01'],
        { optimizer: 'adamw', amsgrad: true, weightDecay: 0.01, learningRate: { schedule: 'cosineDecay', initialLearningRate: 0.002, decaySteps: 100, alpha: 0.1 } }],
      // No --lr and another optimizer than the dataset's: the schedule decays from that optimizer's Keras rate (rmsprop: 0.001)
      [['--optimizer', 'rmsprop', '--lr-schedule', 'exponentialDecay,decaySteps=10,decayRate=0.9'],
        { optimizer: 'rmsprop', learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.001, decaySteps: 10, decayRate: 0.9 } }],
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
    [['--optimizer', 'ftrl'], /--optimizer: expected one of 'sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'adamw', got "ftrl"/],
    [['--optimizer', 'adagrad', '--weight-decay', '0.1'], /weightDecay: adagrad has no weightDecay; adamw takes it/],
    [['--clipnorm', '1', '--clipvalue', '2'], /clipvalue: give one of clipnorm, clipvalue and globalClipnorm/],
    [['--lr-schedule', 'exponentialDecay,decaySteps=10'], /learningRate.decayRate: exponentialDecay needs decayRate/],
    [['--lr-schedule', 'exponentialDecay,decaySteps=ten,decayRate=0.5'], /--lr-schedule: expected a number, got "ten"/],
    [['--nesterov'], /nesterov: Nesterov momentum needs a momentum > 0/],
    [['--optimizer', 'adam', '--momentum', '0.9'], /momentum: adam has no momentum/],
  ])('%s → exit 1, %s', (flags, message) => {
    const r = backprop('--dataset', 'package', ...flags);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("Keras's published examples (keras/src/optimizers/*_test.py, test_correctness_with_golden), on the kernels themselves", () => {
  // Ten variables at 1; one update with every gradient 0.01, then five with gradients 0.1, 0.2, …, 1.0;
  // before each of those five the variables must match Keras's golden row (its tests: rtol = atol = 5e-4,
  // Keras running in float32). The kernels run in f64, so they stay well inside that. The powers βᵗ the
  // kernels take (update() keeps them as running products) are the host's Math.pow here.
  type Update = (k: Kernels, at: (i: number) => number, t: number) => void;
  type Kernels = { memory: WebAssembly.Memory; reserve(n: number): number } & Record<string, (...a: number[]) => number>;
  // params [10] | grads [10] | three state arrays [10]
  const P = 0, G = 10, A = 20, B = 30, C = 40;
  const golden = (rows: number[][] | number[]) => rows.map((r) => (Array.isArray(r) ? r : Array(10).fill(r)));
  const CASES: [string, Update, number[][], number[]?][] = [
    ['adagrad (lr 0.2, initialAccumulatorValue 0.3, ε 1e-6)', (k, at) => k.adagradUpdate!(at(P), at(G), at(A), 10, 0.2, 1e-6), [
      [0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963, 0.9963],
      [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
      [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
      [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
      [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825],
    ], [0.3]],
    ['adadelta (lr 1, ρ 0.8, ε 1e-6)', (k, at) => k.adadeltaUpdate!(at(P), at(G), at(A), at(B), 10, 1, 0.8, 1e-6), golden([0.9978, 0.9947, 0.9915, 0.9882, 0.9849])],
    ['adamax (lr 0.2, β₁ 0.85, β₂ 0.95, ε 1e-6)', (k, at, t) => k.adamaxUpdate!(at(P), at(G), at(A), at(B), 10, 0.2, 0.85, 0.95, 1e-6, Math.pow(0.85, t)), [
      [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
      [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
      [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
      [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
      [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126],
    ]],
    ['nadam (lr 0.5, β₁ 0.5, β₂ 0.67, ε 1e-5)', (k, at, t) => {
      // Keras's u_product, advanced once per update (as assembly/optimizers.ts's update does)
      uProduct = uProduct * 0.5 * (1 - 0.5 * Math.pow(0.96, t));
      k.nadamUpdate!(at(P), at(G), at(A), at(B), 10, 0.5, 0.5, 0.67, 1e-5, Math.pow(0.67, t), Math.pow(0.96, t), Math.pow(0.96, t + 1), uProduct);
    }, [
      [0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281, 0.4281],
      [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
      [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
      [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
      [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454],
    ]],
    ['adamw (lr 1, weightDecay 0.5, ε 2)', (k, at, t) => {
      k.decayWeights!(at(P), 10, 0.5, 1);
      k.adamUpdate!(at(P), at(G), at(A), at(B), 10, 1, 0.9, 0.999, 2, Math.pow(0.9, t), Math.pow(0.999, t));
    }, [
      [0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998, 0.4998],
      [0.2486, 0.2475, 0.2463, 0.2451, 0.244, 0.2428, 0.2417, 0.2405, 0.2394, 0.2382],
      [0.1223, 0.1198, 0.1174, 0.1149, 0.1124, 0.11, 0.1075, 0.1051, 0.1027, 0.1003],
      [0.0586, 0.0549, 0.0512, 0.0475, 0.0439, 0.0402, 0.0366, 0.033, 0.0294, 0.0258],
      [0.0263, 0.0215, 0.0167, 0.012, 0.0073, 0.0026, -0.0021, -0.0067, -0.0113, -0.0159],
    ]],
    ['adam with amsgrad (defaults)', (k, at, t) => k.adamAmsgradUpdate!(at(P), at(G), at(A), at(B), at(C), 10, 0.001, 0.9, 0.999, 1e-7, Math.pow(0.9, t), Math.pow(0.999, t)),
      golden([0.999, 0.9982, 0.9974, 0.9965, 0.9955])],
    ['rmsprop, centered (defaults)', (k, at) => k.centeredRmspropUpdate!(at(P), at(G), at(A), at(B), at(C), 10, 0.001, 0.9, 0, 1e-7),
      golden([0.9967, 0.9933, 0.9908, 0.9885, 0.9864])],
  ];
  let uProduct = 1;

  it.each(CASES)('%s', async (_name, step, rows, initial) => {
    const k = instantiateSync<Kernels>(await loadWasm(), KERNEL_IMPORTS).exports;
    const base = k.reserve(50 * 8);
    const f = new Float64Array(k.memory.buffer, base, 50);
    const at = (i: number) => base + i * 8;
    f.fill(0);
    f.fill(1, P, P + 10);
    f.fill(initial?.[0] ?? 0, A, A + 10);
    uProduct = 1;
    f.fill(0.01, G, G + 10);
    step(k, at, 1);
    for (let i = 0; i < 5; i++) {
      const x = Array.from(f.subarray(P, P + 10));
      x.forEach((v, j) => expect(Math.abs(v - rows[i]![j]!)).toBeLessThanOrEqual(5e-4 + 5e-4 * Math.abs(rows[i]![j]!)));
      for (let j = 0; j < 10; j++) f[G + j] = 0.1 * (j + 1);
      step(k, at, i + 2);
    }
  });
});

describe('gradient clipping, derived by hand: clip, then the optimizer', () => {
  // One row x = 2, y = 0 through ŷ = w·x + b from w = 1, b = 1: ŷ = 3, dL/dw = 2·3·2 = 12, dL/db = 2·3 = 6.
  const step = async (options: FitOptions) => {
    const m = line(1, 1);
    await m.fit([[2]], [[0]], { learningRate: 0.1, ...inOrder, ...options });
    return wb(m);
  };

  it("Keras's own examples: clipnorm 1 takes [100, 100] to [√2/2, √2/2], clipvalue 1 to [1, 1]", async () => {
    // a layer of two units on one input x = 1, y = 0, from w = 50, b = 0 and mse over 2 outputs: each gradient 2·50/2 = 50 …
    // … so the kernel's gradient is [50, 50] and the bias's [50, 50]: each variable clipped alone to norm 1
    const m = new Model({ inputs: 1, layers: [{ units: 2 }], loss: 'mse', weights: [[[50, 50]], [0, 0]] });
    await m.fit([[1]], [[0, 0]], { clipnorm: 1, learningRate: 1, ...inOrder });
    const [kernel, bias] = m.getWeights() as [number[][], number[]];
    expect(kernel[0]).toEqual([expect.closeTo(50 - Math.SQRT1_2, 14), expect.closeTo(50 - Math.SQRT1_2, 14)]);
    expect(bias).toEqual([expect.closeTo(-Math.SQRT1_2, 14), expect.closeTo(-Math.SQRT1_2, 14)]);
  });

  it('clipnorm 5: each variable alone, the kernel 12 → 5 and the bias 6 → 5', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      const { w, b } = await step({ clipnorm: 5, engine });
      expect(w).toBeCloseTo(1 - 0.1 * 5, 15);
      expect(b).toBeCloseTo(1 - 0.1 * 5, 15);
    }
  });

  it('globalClipnorm 5: both together, by 5/√(12² + 6²)', async () => {
    const s = 5 / Math.sqrt(144 + 36);
    for (const engine of ['wasm', 'js'] as const) {
      const { w, b } = await step({ globalClipnorm: 5, engine });
      expect(w).toBeCloseTo(1 - 0.1 * 12 * s, 15);
      expect(b).toBeCloseTo(1 - 0.1 * 6 * s, 15);
    }
  });

  it('clipvalue 7: 12 → 7, 6 stays; and a norm above both bounds leaves the gradients alone', async () => {
    for (const engine of ['wasm', 'js'] as const) {
      expect(await step({ clipvalue: 7, engine })).toEqual({ w: expect.closeTo(1 - 0.7, 15), b: expect.closeTo(1 - 0.6, 15) });
      expect(await step({ globalClipnorm: 100, engine })).toEqual(await step({ engine }));
    }
  });

  it('before momentum: the velocity takes the clipped gradient', async () => {
    const { w } = await step({ clipvalue: 7, momentum: 0.9, epochs: 2 });
    // step 1: v = −0.7, w = 0.3; step 2: ŷ = 0.3·2 + b (b = 0.4) = 1, dL/dw = 2·1·2 = 4 (under 7): v = 0.9·(−0.7) − 0.4, w = 0.3 + v
    expect(w).toBeCloseTo(0.3 + (0.9 * -0.7 - 0.4), 14);
  });
});
