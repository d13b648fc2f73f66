// The SIMD build, the scalar build and the pure-JS engine add in the same order (assembly/dense.ts,
// dot()), compute exp, log, log1p, erf, expm1, tanh and pow with the same lines, and draw Dropout's
// masks from the same generator, so they give the same numbers to the bit: every activation, loss, regularizer and Dropout.
// The whole-epoch call (stepsPerExecution 'epoch') runs the same steps as the host's batch loop.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACTIVATIONS, DivergenceError, LOSSES, Model, loadWasm, lossName, setDefaultWasmSource, type Activation, type FitOptions, type LayerSpec, type Loss, type ModelOptions, type WasmFile } from '../src/node.js';
import { kernelFile, simdSupported } from '../src/engines/wasm.js';
import { LOSS_ROWS } from '../src/operations/losses.js';
import { seeded } from '../src/random.js';
import { randomRows, randomTargets, tamed } from './helpers.js';

const BUILDS: WasmFile[] = ['backprop.wasm', 'backprop-scalar.wasm'];

const HIDDEN = ACTIVATIONS.filter((a) => a !== 'softmax');
type Task = 'regression' | 'binary' | 'categorical' | 'sparse';
const OUTPUT: Record<Task, { activation: Activation; loss: Loss }> = {
  regression: { activation: 'linear', loss: 'mse' },
  binary: { activation: 'sigmoid', loss: 'binaryCrossentropy' },
  categorical: { activation: 'softmax', loss: 'categoricalCrossentropy' },
  sparse: { activation: 'softmax', loss: 'sparseCategoricalCrossentropy' },
};

/**
 * Widths that leave every remainder of the dot product's four sums: n mod 4 = 0, 1, 2, 3, and n < 4;
 * every hidden activation in turn; with `extras`, regularizers on the first layer and a Dropout after it.
 */
function network(seed: number, task: Task, extras = false): ModelOptions<LayerSpec> {
  const r = seeded(seed);
  const width = () => 1 + Math.floor(r() * 11);
  const hidden = HIDDEN[seed % HIDDEN.length]!;
  const outputs = task === 'binary' ? 1 : task === 'regression' ? 1 + (seed % 3) : 2 + (seed % 3);
  return {
    inputs: width(),
    layers: [
      { units: width(), activation: hidden, ...(extras ? { kernelRegularizer: { l1: 0.01, l2: 0.02 }, biasRegularizer: 'l2' as const } : {}) },
      ...(extras ? [{ dropout: 0.3 }] : []),
      { units: width(), activation: hidden },
      { units: outputs, activation: OUTPUT[task].activation },
    ],
    loss: OUTPUT[task].loss,
    seed,
  };
}

async function train(spec: ModelOptions<LayerSpec>, fit: FitOptions, build?: WasmFile) {
  if (build) await loadWasm(undefined, build);
  const outputs = (spec.layers[spec.layers.length - 1] as { units: number }).units;
  const { range, rate } = tamed((spec.layers[0] as { activation: string }).activation);
  const x = randomRows(spec.seed! + 1, 29, spec.inputs, -2 * range, 2 * range);
  const y = spec.loss === 'binaryCrossentropy' ? x.map((row) => [row[0]! > 0 ? 1 : 0]) : randomTargets(spec.seed! + 2, 29, outputs, lossName(spec.loss));
  const model = new Model(spec);
  const engine = build ? 'wasm' : 'js';
  const history = await model.fit(x, y, { epochs: 4, learningRate: 0.05 * rate, seed: 3, ...fit, engine });
  return { loss: history.loss, weights: model.getWeights().flat(2), predictions: model.predict(x, { engine }).flat(), evaluation: model.evaluate(x, y, { engine }) };
}

// Every optimizer and option the loop below does not reach, each with a clipping, on the same builds.
const MORE: FitOptions[] = [
  { optimizer: 'adagrad', clipnorm: 0.3 }, { optimizer: 'adadelta', learningRate: 1, globalClipnorm: 0.3 }, { optimizer: 'adamax', clipvalue: 0.05 },
  { optimizer: 'nadam' }, { optimizer: 'adamw', amsgrad: true }, { optimizer: 'rmsprop', centered: true, momentum: 0.5 }, { optimizer: 'sgd', clipnorm: 0.2 },
];

describe('SIMD build, scalar build and JS engine give the same numbers: every optimizer, every clipping', () => {
  MORE.forEach((fit, i) => {
    const spec = network(40 + i, (['regression', 'binary', 'categorical', 'sparse'] as const)[i % 4]!, i % 2 === 1);
    it(JSON.stringify(fit), async () => {
      const [simd, scalar] = [await train(spec, { batchSize: 4, shuffle: 'epoch', ...fit }, BUILDS[0]), await train(spec, { batchSize: 4, shuffle: 'epoch', ...fit }, BUILDS[1])];
      expect(scalar).toEqual(simd);
      expect(await train(spec, { batchSize: 4, shuffle: 'epoch', ...fit })).toEqual(simd);
    });
  });
});

describe('SIMD build, scalar build and JS engine give the same numbers', () => {
  for (let seed = 1; seed <= 24; seed++) {
    const task = (['regression', 'binary', 'categorical', 'sparse'] as const)[seed % 4]!;
    const extras = seed > 12;
    const optimizer = (['rmsprop', 'sgd', 'adam', 'sgd'] as const)[Math.floor(seed / 4) % 4]!;
    const fit: FitOptions = { batchSize: [1, 4, 32][seed % 3]!, optimizer, ...(optimizer === 'sgd' ? { momentum: seed % 5 === 1 ? 0.9 : 0 } : {}), shuffle: 'epoch' };
    const spec = network(seed, task, extras);
    it(`seed ${seed}: ${task}, hidden ${(spec.layers[0] as { activation: string }).activation}${extras ? ', l1l2 and Dropout' : ''}, batch size ${fit.batchSize}, ${fit.optimizer}, momentum ${fit.momentum}`, async () => {
      const [simd, scalar] = [await train(spec, fit, BUILDS[0]), await train(spec, fit, BUILDS[1])];
      const js = await train(spec, fit);
      expect(scalar).toEqual(simd);
      expect(js).toEqual(simd);
    });
  }
});

describe("stepsPerExecution 'epoch': one call per epoch, the same steps", () => {
  it.each([...BUILDS, 'js'] as const)('%s: same history and weights as the host batch loop', async (build) => {
    for (const batchSize of [1, 5, 64]) {
      const spec = network(20 + batchSize, batchSize === 5 ? 'binary' : 'sparse', batchSize === 64);
      const file = build === 'js' ? undefined : build;
      const perBatch = await train(spec, { batchSize, optimizer: 'adam', shuffle: 'sample' }, file);
      const perEpoch = await train(spec, { batchSize, optimizer: 'adam', shuffle: 'sample', stepsPerExecution: 'epoch' }, file);
      expect(perEpoch).toEqual(perBatch);
    }
  });

  // batch size 1 takes the fused backward-and-update path of plain SGD, 3 the separate passes
  it.each([['wasm', 3], ['js', 3], ['wasm', 1], ['js', 1]] as const)('%s, batch size %d: a diverging run stops at the same epoch and row', async (engine, batchSize) => {
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 5 };
    const x = randomRows(6, 40, 2, -50, 50);
    const y = x.map((r) => [r[0]! * r[1]!]);
    const stop = async (stepsPerExecution: 1 | 'epoch') => {
      const model = new Model(spec);
      const e = await model.fit(x, y, { epochs: 30, learningRate: 0.5, batchSize, shuffle: 'none', engine, stepsPerExecution }).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(DivergenceError);
      return { error: e as DivergenceError, weights: model.getWeights() };
    };
    const [host, inEngine] = [await stop(1), await stop('epoch')];
    expect([inEngine.error.epoch, inEngine.error.row]).toEqual([host.error.epoch, host.error.row]);
    expect(inEngine.weights).toEqual(host.weights);
  });

  // Layers of 32 inputs or more take the per-row update that skips the per-weight finiteness check
  // for units whose |d|·max(1, lr)·max|x| bounds every change far below overflow (assembly/dense.ts,
  // TAME). Checked from outside: a diverging run stops at the first step that leaves a weight
  // non-finite, found by fitting the same rows in pieces through the public API (a real divergence
  // blows through the bound long before it; the case at the bound's edge is the test after this).
  const wide: ModelOptions = { inputs: 40, layers: [{ units: 36, activation: 'relu' }, { units: 33 }, { units: 1 }], loss: 'mse', seed: 9 };
  it.each([...BUILDS, 'js'] as const)('%s: wide layers, batch size 1: stops at the first step that leaves a weight non-finite', async (build) => {
    if (build !== 'js') await loadWasm(undefined, build);
    const engine = build === 'js' ? 'js' : 'wasm';
    const x = randomRows(21, 30, 40, -50, 50), y = x.map((r) => [r[0]! * r[1]!]);
    const fit = { learningRate: 1e-6, batchSize: 1, shuffle: 'none', engine } as const;
    const e = await new Model(wide).fit(x, y, { ...fit, epochs: 30 }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DivergenceError);
    const { epoch, row, message } = e as DivergenceError;
    expect(message).toMatch(/parameter layers\[\d\]\.kernel\S* became/); // a weight, not the loss
    expect(epoch).toBeGreaterThan(2); // after many tame steps
    const pieces = new Model(wide);
    if (epoch > 0) await pieces.fit(x, y, { ...fit, epochs: epoch });
    if (row > 0) await pieces.fit(x.slice(0, row), y.slice(0, row), { ...fit, epochs: 1 });
    expect(pieces.getWeights().flat(2).every(Number.isFinite)).toBe(true);
    await expect(pieces.fit([x[row]!], [y[row]!], { ...fit, epochs: 1 })).rejects.toBeInstanceOf(DivergenceError);
  });

  // At the bound's edge, worked out by hand: a finite loss and a finite change to each weight, but one
  // weight pushed past the largest double. 32 inputs: x = (0, 1, 1, 0, …), kernel (0, −1.5e308,
  // 1.5e308, 0, …): z = 0; y = −1e154: loss 1e308, d = 2e154; lr = 4e153: the change lr·d·1 = 8e307.
  it.each([...BUILDS, 'js'] as const)('%s: wide layer, one step whose changes are finite but leave a weight infinite: refused', async (build) => {
    if (build !== 'js') await loadWasm(undefined, build);
    expect(-1.5e308 - 4e153 * (2e154 * 1)).toBe(-Infinity);
    const kernel = Array.from({ length: 32 }, (_, i) => [i === 1 ? -1.5e308 : i === 2 ? 1.5e308 : 0]);
    const model = new Model({ inputs: 32, layers: [{ units: 1 }], loss: 'mse', weights: [kernel, [0]] });
    const x = [Array.from({ length: 32 }, (_, i) => (i === 1 || i === 2 ? 1 : 0))];
    expect(model.predict(x, { engine: build === 'js' ? 'js' : 'wasm' })).toEqual([[0]]);
    const e = await model.fit(x, [[-1e154]], { learningRate: 4e153, batchSize: 1, epochs: 1, engine: build === 'js' ? 'js' : 'wasm' }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DivergenceError);
    expect((e as DivergenceError).message).toMatch(/parameter layers\[0\]\.kernel\[1\]\[0\] became -Infinity/);
  });

  it('wide layers, batch size 1: the SIMD build, the scalar build and the JS engine agree to the bit', async () => {
    const spec: ModelOptions = { ...wide, layers: [{ units: 36, activation: 'tanh' }, { units: 33, activation: 'relu' }, { units: 1 }] };
    const fit: FitOptions = { batchSize: 1, shuffle: 'epoch', epochs: 3 };
    const [simd, scalar, js] = [await train(spec, fit, BUILDS[0]), await train(spec, fit, BUILDS[1]), await train(spec, fit)];
    expect(scalar).toEqual(simd);
    expect(js).toEqual(simd);
  });

  it('rejects anything but 1 or "epoch", naming the option', async () => {
    const model = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    await expect(model.fit([[1]], [[1]], { stepsPerExecution: 2 as never })).rejects.toThrow(/^stepsPerExecution: expected 1 .* or 'epoch' .*got 2$/);
  });
});

describe('the build is chosen at load time', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('this Node runs SIMD, so the SIMD build is the default', () => {
    expect(simdSupported()).toBe(true);
    expect(kernelFile()).toBe('backprop.wasm');
  });

  it('a host without SIMD gets the scalar build from the default source', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const asked: WasmFile[] = [];
    setDefaultWasmSource((file) => { asked.push(file); return readFile(new URL(`../build/${file}`, import.meta.url)); });
    await loadWasm(undefined, 'backprop.wasm'); // something else loaded first, as after an earlier fit
    await loadWasm(undefined, kernelFile());
    expect(asked).toEqual(['backprop.wasm', 'backprop-scalar.wasm']);
  });

  it('only the SIMD build holds SIMD instructions', async () => {
    const text = (file: string) => readFile(new URL(`../build/${file}`, import.meta.url), 'utf8');
    expect(await text('backprop.wat')).toMatch(/f64x2\.mul/);
    expect(await text('backprop-scalar.wat')).not.toMatch(/v128|f64x2/);
  });
});

describe('SIMD build, scalar build and JS engine give the same numbers: every loss, with row weights and its parameter', () => {
  it.each([...LOSSES])('%s', async (loss) => {
    const row = LOSS_ROWS[loss];
    // a positive output for the losses that read values themselves (poisson's log ŷ), tanh for the hinges' ±1
    const activation = row.output?.activation ?? (row.labels === 'signs' ? 'tanh' : row.scalesTargets ? 'linear' : 'softplus');
    const units = row.output ? 3 : row.labels === 'binary' ? 1 : 2;
    const parameter = row.parameter && { name: loss, [row.parameter.name]: row.parameter.name === 'delta' ? 0.3 : 0.1 };
    const spec: ModelOptions<LayerSpec> = { inputs: 5, layers: [{ units: 6, activation: 'tanh' }, { dropout: 0.2 }, { units, activation }], loss: parameter ?? loss, seed: 50 };
    const fit = { batchSize: 4, optimizer: 'adam', shuffle: 'epoch', sampleWeight: Array.from({ length: 29 }, (_, r) => (r % 4) * 0.5) } as FitOptions;
    const [simd, scalar] = [await train(spec, fit, BUILDS[0]), await train(spec, fit, BUILDS[1])];
    expect(scalar).toEqual(simd);
    expect(await train(spec, fit)).toEqual(simd);
  });
});
