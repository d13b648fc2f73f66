// The operation tables (src/operations/*.ts), row by row. Every name in the contract's lists must
// have, here: a known value (from a hand derivation or Python's math module, independent of this
// code), a finite-difference check, a case in the TensorFlow.js parity table (test/parityCases.ts)
// unless its row says why TensorFlow.js has none, and an export mapping or the row's reason for
// none. A name added to a list without all of them fails this file; so does a row whose kernel or
// its JS twin is missing, and docs/operations.md when the rows changed and it did not.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, codeOf, LOSSES, OPTIMIZERS } from '../src/contract.js';
import { openJsEngine } from '../src/engines/js.js';
import { openWasmEngine } from '../src/engines/wasm.js';
import type { Engine } from '../src/engines/engine.js';
import { exportOnnx, exportTfjs, loadWasm, Model, modelFromFile, modelFromTfjs, modelToFile, type Activation, type FitOptions, type LayerSpec, type Loss, type ModelOptions } from '../src/node.js';
import { ACTIVATION_LIST, ACTIVATION_PARAMETERS, ACTIVATION_ROWS, type ActivationParameter } from '../src/operations/activations.js';
import { operationsDoc } from '../src/operations/doc.js';
import { LOSS_LIST, LOSS_ROWS } from '../src/operations/losses.js';
import { OPTIMIZER_LIST, OPTIMIZER_ROWS, STATE_ARRAYS, STATE_SCALAR_NAMES, type OptimizerName } from '../src/operations/optimizers.js';
import { hasNone } from '../src/operations/rows.js';
import { checkSchedule, scheduledRate, SCHEDULES } from '../src/operations/schedules.js';
import { checkOptimizer } from '../src/optimizerSettings.js';
import { randomTargets } from './helpers.js';
import { PARITY_CASES } from './parityCases.js';

const ENGINES = ['wasm', 'js'] as const;
let wasm: Engine, js: Engine;
beforeAll(async () => {
  await loadWasm();
  wasm = openWasmEngine(64);
  js = openJsEngine(64);
});

const source = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
/** binaryCrossentropy → BINARY_CROSSENTROPY, the kernels' constant (scripts/contract.mjs) */
const constant = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

// [z, act(z)] — python3: math.exp, math.tanh, math.expm1, math.log1p, math.erf; the formulas of Keras.
// softmax maps a row: its known value is a row of logits and their probabilities.
const KNOWN_ACTIVATIONS: Record<string, [number, number] | { z: number[]; a: number[] }> = {
  linear: [-2.5, -2.5],
  sigmoid: [0.5, 0.6224593312018546],
  tanh: [-0.7, -0.6043677771171636],
  relu: [-3, 0],
  softmax: { z: [1, 2, -0.5], a: [1, 2, -0.5].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2) + Math.exp(-0.5))) },
  elu: [-1, -0.6321205588285577], // e⁻¹ − 1
  selu: [-1, -1.1113307378125625], // λ·α·(e⁻¹ − 1)
  softplus: [1, 1.3132616875182228], // log(1 + e)
  softsign: [3, 0.75],
  swish: [1, 0.7310585786300049], // 1·σ(1)
  gelu: [1, 0.8413447460685429], // 1·Φ(1)
  relu6: [7.5, 6],
  leakyRelu: [-2, -0.4], // 0.2·(−2)
  hardSigmoid: [1, 0.6666666666666666], // relu6(4) / 6
  hardSwish: [-1, -0.3333333333333333], // −1 · relu6(2) / 6
  mish: [1, 0.8650983882673103], // tanh(log1p(e))
  exponential: [1, Math.E],
};

/** One row x = 2, y given, through ŷ = act(w·x + b) with w = 0.3, b = −0.1 (z = 0.5): the loss by hand. */
const softmaxLoss = (k: number) => { const z = [0.5, -0.3]; return -(z[k]! - Math.log(Math.exp(z[0]!) + Math.exp(z[1]!))); };
const KNOWN_LOSSES: Record<string, { activation: Activation; units: number; y: number[]; loss: number }> = {
  mse: { activation: 'linear', units: 1, y: [2], loss: (0.5 - 2) ** 2 },
  binaryCrossentropy: { activation: 'sigmoid', units: 1, y: [1], loss: -Math.log(1 / (1 + Math.exp(-0.5))) },
  // two classes from a softmax over z = (0.5, −0.3): −log of the true class's probability
  categoricalCrossentropy: { activation: 'softmax', units: 2, y: [0, 1], loss: softmaxLoss(1) },
  sparseCategoricalCrossentropy: { activation: 'softmax', units: 2, y: [1], loss: softmaxLoss(1) },
  // ŷ = 0.5 against y = 2, by Keras 3's formulas (keras/src/losses/losses.py)
  meanAbsoluteError: { activation: 'linear', units: 1, y: [2], loss: 1.5 },
  meanAbsolutePercentageError: { activation: 'linear', units: 1, y: [2], loss: 100 * 1.5 / 2 },
  meanSquaredLogarithmicError: { activation: 'linear', units: 1, y: [2], loss: (Math.log(1.5) - Math.log(3)) ** 2 },
  huber: { activation: 'linear', units: 1, y: [2], loss: 1 * 1.5 - 0.5 * 1 }, // |e| = 1.5 > δ = 1: δ·|e| − ½δ²
  logcosh: { activation: 'linear', units: 1, y: [2], loss: Math.log(Math.cosh(1.5)) },
  poisson: { activation: 'linear', units: 1, y: [2], loss: 0.5 - 2 * Math.log(0.5 + 1e-7) },
  hinge: { activation: 'tanh', units: 1, y: [-1], loss: 1 + Math.tanh(0.5) },
  squaredHinge: { activation: 'tanh', units: 1, y: [1], loss: (1 - Math.tanh(0.5)) ** 2 },
  // softmax over z = (0.5, −0.3): p₀ − p₁ + 1 with the true class 1
  categoricalHinge: { activation: 'softmax', units: 2, y: [0, 1], loss: (() => { const p0 = 1 / (1 + Math.exp(-0.8)); return p0 - (1 - p0) + 1; })() },
  kullbackLeiblerDivergence: { activation: 'softmax', units: 2, y: [0.25, 0.75], loss: (() => { const p0 = 1 / (1 + Math.exp(-0.8)); return 0.25 * Math.log(0.25 / p0) + 0.75 * Math.log(0.75 / (1 - p0)); })() },
};

/**
 * One step on ŷ = w·x + b, mse, from w = 0.7, b = 1 and the row x = 0, y = 0: only b moves, with
 * gradient g = 2b = 2 (test/optimizers.test.ts derives more steps, and Keras's documented examples).
 */
const nadamB = (() => {
  // t = 1, β₁ 0.9, β₂ 0.999: μ₁ = 0.9·(1 − 0.5·0.96), μ₂ = 0.9·(1 − 0.5·0.96²), Πμ = μ₁; m = 0.1·2, v = 0.001·4
  const mu1 = 0.9 * (1 - 0.5 * 0.96), mu2 = 0.9 * (1 - 0.5 * 0.96 * 0.96);
  const mHat = mu2 * 0.2 / (1 - mu1 * mu2) + (1 - mu1) * 2 / (1 - mu1), vHat = 0.004 / 0.001;
  return 1 - mHat * 0.1 / (Math.sqrt(vHat) + 1e-7);
})();
const KNOWN_OPTIMIZERS: Record<string, { options: FitOptions; b: number; w?: number }> = {
  sgd: { options: { learningRate: 0.1 }, b: 1 - 0.1 * 2 },
  // m = (1 − β₁)·g, v = (1 − β₂)·g², α = lr·√(1 − β₂)/(1 − β₁): b − α·m/(√v + ε)
  adam: { options: { optimizer: 'adam', learningRate: 0.1 }, b: 1 - (0.1 * Math.sqrt(0.001) / 0.1) * (0.1 * 2) / (Math.sqrt(0.001 * 4) + 1e-7) },
  // v = (1 − ρ)·g², b − lr·g/√(v + ε)
  rmsprop: { options: { optimizer: 'rmsprop', learningRate: 0.1 }, b: 1 - 0.1 * 2 / Math.sqrt(0.1 * 4 + 1e-7) },
  // a = 0.1 + g², b − lr·g/√(a + ε)
  adagrad: { options: { optimizer: 'adagrad', learningRate: 0.1 }, b: 1 - 0.1 * 2 / Math.sqrt(0.1 + 4 + 1e-7) },
  // E[g²] = (1 − ρ)·g², Δ = −√(0 + ε)·g/√(E[g²] + ε), b + lr·Δ
  adadelta: { options: { optimizer: 'adadelta', learningRate: 0.1 }, b: 1 + 0.1 * -(Math.sqrt(1e-7) * 2 / Math.sqrt(0.05 * 4 + 1e-7)) },
  // m = (1 − β₁)·g, u = |g|, b − lr·m/((1 − β₁)·(u + ε))
  adamax: { options: { optimizer: 'adamax', learningRate: 0.1 }, b: 1 - 0.1 * 0.2 / ((1 - 0.9) * (2 + 1e-7)) },
  nadam: { options: { optimizer: 'nadam', learningRate: 0.1 }, b: nadamB },
  // first θ·(1 − wd·lr) on every parameter, then adam's step (w's gradient is 0: adam leaves it)
  adamw: {
    options: { optimizer: 'adamw', learningRate: 0.1 }, w: 0.7 - 0.7 * 0.004 * 0.1,
    b: 1 - 1 * 0.004 * 0.1 - (0.1 * Math.sqrt(0.001) / 0.1) * (0.1 * 2) / (Math.sqrt(0.001 * 4) + 1e-7),
  },
};

/** The largest difference of the trace's gradients from their central differences, relative to the largest gradient. */
async function gradientCheck(spec: ModelOptions, x: number[][], y: number[][], fit: FitOptions): Promise<number> {
  const t = await new Model(spec).trace(x, y, { ...fit, shuffle: 'none' });
  const g = t.gradients.flat(2) as number[], n = t.numericGradients!.flat(2) as number[];
  const scale = Math.max(1e-3, ...g.map(Math.abs));
  return Math.max(...g.map((v, i) => Math.abs(v - n[i]!))) / scale;
}

const X = [[0.3, -0.8], [1.1, 0.4], [-0.6, 0.9]];

describe('every activation', () => {
  it.each([...ACTIVATIONS])('%s: a row, a known value on both engines, its derivative against central differences', async (name) => {
    const row = ACTIVATION_ROWS[name];
    expect(row, `no row for activation '${name}' in src/operations/activations.ts`).toBeDefined();
    const known = KNOWN_ACTIVATIONS[name]!;
    expect(known, `no known value for activation '${name}': add one to KNOWN_ACTIVATIONS`).toBeDefined();
    const code = codeOf(ACTIVATIONS, name, 'activation');
    if (Array.isArray(known)) {
      for (const e of [wasm, js]) expect(e.activation(known[0], code, row.takes.alpha ?? 0)).toBeCloseTo(known[1], 14);
    } else {
      const n = known.z.length;
      const identity = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
      for (const engine of ENGINES) {
        const m = new Model({ inputs: n, layers: [{ units: n, activation: name }], loss: 'categoricalCrossentropy', weights: [identity, Array(n).fill(0)] });
        m.predict([known.z], { engine })[0]!.forEach((p, k) => expect(p).toBeCloseTo(known.a[k]!, 15));
      }
    }
    // the finite-difference check: the hidden layer's (softmax's Jacobian included) through a network's gradients
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: name }, { units: 1 }], loss: 'mse', seed: 3 };
    expect(await gradientCheck(spec, X, [[0.5], [-1], [0.2]], { batchSize: 3 })).toBeLessThan(1e-6);
  });

  it.each([...ACTIVATIONS])("%s: its kernel and the JS engine's twin", (name) => {
    const row = ACTIVATION_ROWS[name];
    for (const file of ['assembly/activations.ts', 'src/engines/js.ts']) {
      expect(source(file), `${file} has no function ${row.kernel}`).toMatch(new RegExp(`function ${row.kernel}\\(`));
      // activate's switch computes each activation without a parameter; one with a parameter has its own kernel, over its layer
      if (row.kernel === 'activate') expect(source(file), `${file} computes no ${name}`).toMatch(new RegExp(`case ${constant(name)}:`));
    }
  });

  it.each([...ACTIVATIONS])('%s: a TensorFlow.js parity case or the reason for none', (name) => {
    const tfjs = ACTIVATION_ROWS[name].tfjs;
    if (hasNone(tfjs)) return expect(tfjs.none).not.toBe('');
    const used = PARITY_CASES.some((c) => c.model.layers.some((l) => 'units' in l && (l.activation ?? 'linear') === name));
    expect(used, `no case in test/parityCases.ts trains a layer of activation '${name}'`).toBe(true);
  });

  it.each([...ACTIVATIONS])('%s: exported to TensorFlow.js and read back, and to ONNX, or refused with the reason', (name) => {
    const row = ACTIVATION_ROWS[name];
    const loss: Loss = row.rowWise ? 'categoricalCrossentropy' : 'mse';
    const model = new Model({ inputs: 2, layers: [{ units: 2, activation: name }], loss, seed: 1 });
    if (hasNone(row.tfjs)) {
      expect(() => exportTfjs(model)).toThrow(row.tfjs.none);
    } else {
      const { modelJson, weightData } = exportTfjs(model);
      expect(modelFromTfjs(modelJson, weightData).model.network.layers[0]!.activation).toBe(name);
    }
    if (hasNone(row.onnx)) expect(() => exportOnnx(model)).toThrow(row.onnx.none);
    else expect(exportOnnx(model).length).toBeGreaterThan(0);
  });
});

// An activation's parameter at a value other than its default: [z, act(z)] by hand, on a layer of that value.
const KNOWN_PARAMETERS: Record<string, { parameters: Partial<Record<ActivationParameter, number>>; z: number; a: number }> = {
  leakyRelu: { parameters: { alpha: 0.05 }, z: -3, a: -0.15 }, // 0.05·(−3)
};

describe('every activation parameter', () => {
  const takers = ACTIVATION_LIST.filter((r) => Object.keys(r.takes).length > 0).map((r) => r.name);
  it('each is taken by an activation, with a default its own check passes', () => {
    for (const key of Object.keys(ACTIVATION_PARAMETERS) as ActivationParameter[]) {
      const rows = ACTIVATION_LIST.filter((r) => r.takes[key] !== undefined);
      expect(rows.length, `no activation takes ${key}`).toBeGreaterThan(0);
      for (const r of rows) expect(ACTIVATION_PARAMETERS[key].check(key, r.takes[key])).toBe(r.takes[key]);
    }
  });

  it.each(takers)('%s: a known value at another value, through a layer on both engines, and the gradients against central differences there', async (name) => {
    const known = KNOWN_PARAMETERS[name]!;
    expect(known, `no known value for ${name}'s parameters: add one to KNOWN_PARAMETERS`).toBeDefined();
    for (const [key, value] of Object.entries(known.parameters)) expect(value).not.toBe(ACTIVATION_ROWS[name].takes[key as ActivationParameter]);
    for (const engine of ENGINES) {
      const m = new Model({ inputs: 1, layers: [{ units: 1, activation: name, ...known.parameters }], loss: 'mse', weights: [[[1]], [0]] });
      expect(m.predict([[known.z]], { engine })[0]![0]).toBeCloseTo(known.a, 15);
    }
    // the value reaches every pass: a hidden layer's forward and backward, a Dropout's (from z), the output layer's loss
    const hidden = { units: 3, activation: name, ...known.parameters }, output = { units: 2, activation: name, ...known.parameters };
    const spec: ModelOptions = { inputs: 2, layers: [hidden, output], loss: 'mse', seed: 3 };
    const y = [[0.5, 1], [-1, 0], [0.2, -2]];
    expect(await gradientCheck(spec, X, y, { batchSize: 3 })).toBeLessThan(1e-6);
    // the other losses' loop (here huber's, with its delta) reads it too
    expect(await gradientCheck({ ...spec, loss: { name: 'huber', delta: 0.5 } }, X, y, { batchSize: 3 })).toBeLessThan(1e-6);
    const dropped: ModelOptions<LayerSpec> = { ...spec, layers: [hidden, { dropout: 0.3 }, output] };
    const fits = await Promise.all(ENGINES.map(async (engine) => {
      const m = new Model(dropped);
      const h = await m.fit(X, y, { engine, epochs: 3, batchSize: 2, seed: 5, optimizer: 'adam', learningRate: 0.1 });
      return { loss: h.loss, weights: m.getWeights() };
    }));
    expect(fits[1]).toEqual(fits[0]);
    // …and differs from the default's: the parameter is read, not the default
    const plain = new Model({ ...dropped, layers: dropped.layers.map((l) => ('units' in l ? { units: l.units, activation: name } : l)) });
    await plain.fit(X, y, { engine: 'wasm', epochs: 3, batchSize: 2, seed: 5, optimizer: 'adam', learningRate: 0.1 });
    expect(plain.getWeights()).not.toEqual(fits[0]!.weights);
  });

  it.each(takers)('%s: kept by the model file, the layer spec and ONNX (its value a float64 constant), or refused with the reason', (name) => {
    const known = KNOWN_PARAMETERS[name]!;
    const model = new Model({ inputs: 2, layers: [{ units: 2, activation: name, ...known.parameters }], loss: 'mse', seed: 1 });
    expect(model.network.layers[0]).toMatchObject(known.parameters);
    const { model: back } = modelFromFile(JSON.stringify(modelToFile(model, { features: ['a', 'b'], target: 'y' })));
    expect(back.network.layers[0]).toMatchObject(known.parameters);
    const row = ACTIVATION_ROWS[name];
    if (hasNone(row.tfjs)) expect(() => exportTfjs(model)).toThrow(row.tfjs.none);
    if (!hasNone(row.onnx)) {
      const bytes = exportOnnx(model), f64 = (v: number) => Buffer.from(Float64Array.of(v).buffer);
      for (const value of Object.values(known.parameters)) expect(Buffer.from(bytes).includes(f64(value)), `${value} as a float64 constant`).toBe(true);
    }
  });

  it('one an activation does not take is refused, naming the layer and who takes it; a bad value is refused', () => {
    expect(() => new Model({ inputs: 1, layers: [{ units: 1, activation: 'relu', alpha: 0.1 }], loss: 'mse' })).toThrow("layers[0].alpha: activation 'relu' takes no alpha; leakyRelu takes it");
    expect(() => new Model({ inputs: 1, layers: [{ units: 1, alpha: 0.1 }], loss: 'mse' })).toThrow("layers[0].alpha: activation 'linear' takes no alpha");
    for (const bad of [-0.1, Number.NaN, Infinity, '0.1'] as unknown[]) {
      expect(() => new Model({ inputs: 1, layers: [{ units: 1, activation: 'leakyRelu', alpha: bad as number }], loss: 'mse' })).toThrow(/layers\[0\]\.alpha: expected a finite number ≥ 0, got/);
    }
  });
});

describe('every loss', () => {
  it.each([...LOSSES])('%s: a row, a known value on both engines, its gradient against central differences', async (name) => {
    expect(LOSS_ROWS[name], `no row for loss '${name}' in src/operations/losses.ts`).toBeDefined();
    const c = KNOWN_LOSSES[name];
    expect(c, `no known value for loss '${name}': add one to KNOWN_LOSSES`).toBeDefined();
    const weights = [[Array(c!.units).fill(0.3).map((w, k) => (k === 1 ? -0.1 : w))], Array(c!.units).fill(-0.1)];
    for (const engine of ENGINES) {
      const m = new Model({ inputs: 1, layers: [{ units: c!.units, activation: c!.activation }], loss: name, weights });
      expect(m.evaluate([[2]], [c!.y], { engine })).toBeCloseTo(c!.loss, 15);
    }
    const out = LOSS_ROWS[name].output;
    const units = out?.minUnits ?? 1, k = Math.max(units, 2);
    const y = LOSS_ROWS[name].labels === 'numbers' && LOSS_ROWS[name].scalesTargets
      ? X.map((_, r) => Array.from({ length: units }, (_, j) => r - j))
      : randomTargets(6, X.length, Math.max(units, LOSS_ROWS[name].targets === 'classIndex' ? k : 1), name);
    // a positive output for the losses that read values themselves (poisson's log ŷ), tanh for the hinges' ±1
    const row = LOSS_ROWS[name];
    const activation = out?.activation ?? (row.labels === 'signs' ? 'tanh' : row.scalesTargets ? 'linear' : 'softplus');
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units, activation }], loss: name, seed: 4 };
    expect(await gradientCheck(spec, X, y, { batchSize: 3 })).toBeLessThan(1e-6);
  });

  it.each([...LOSSES])("%s: its kernel and the JS engine's twin", (name) => {
    for (const file of ['assembly/losses.ts', 'src/engines/js.ts']) expect(source(file)).toMatch(new RegExp(`function ${LOSS_ROWS[name].kernel}\\(`));
  });

  it.each([...LOSSES])('%s: a TensorFlow.js parity case and name, or the reason for none; none in ONNX', (name) => {
    const row = LOSS_ROWS[name];
    expect(hasNone(row.onnx)).toBe(true);
    if (hasNone(row.tfjs)) return expect(row.tfjs.none).not.toBe('');
    expect(PARITY_CASES.some((c) => c.model.loss === name), `no case in test/parityCases.ts trains with loss '${name}'`).toBe(true);
    // a model.json whose training config names the loss as TensorFlow.js (or Keras's Python) spells it
    const out = row.output;
    const model = new Model({ inputs: 1, layers: [{ units: out?.minUnits ?? 1, activation: out?.activation ?? 'linear' }], loss: name });
    const { modelJson, weightData } = exportTfjs(model);
    for (const spelling of [row.tfjs.name, ...row.tfjs.aliases]) {
      const json = { ...modelJson, userDefinedMetadata: undefined, trainingConfig: { loss: spelling } };
      expect(modelFromTfjs(json, weightData).model.network.loss).toBe(name);
    }
  });
});

describe('every optimizer', () => {
  it.each([...OPTIMIZERS])("%s: a row, Keras's defaults, a known step on both engines", async (name) => {
    const row = OPTIMIZER_ROWS[name];
    expect(row, `no row for optimizer '${name}' in src/operations/optimizers.ts`).toBeDefined();
    const c = KNOWN_OPTIMIZERS[name];
    expect(c, `no known step for optimizer '${name}': add one to KNOWN_OPTIMIZERS`).toBeDefined();
    for (const engine of ENGINES) {
      const m = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', weights: [[[0.7]], [1]] });
      await m.fit([[0]], [[0]], { ...c!.options, batchSize: 1, shuffle: 'none', engine });
      expect(m.getWeights()).toEqual([[[expect.closeTo(c!.w ?? 0.7, 15)]], [expect.closeTo(c!.b, 14)]]);
    }
    const s = checkOptimizer({ optimizer: name });
    expect(s.learningRate).toBe(row.learningRate);
    for (const [key, value] of Object.entries(row.takes)) expect(s[key as keyof typeof s]).toBe(value);
    for (const held of Object.keys(row.state(s))) expect([...STATE_ARRAYS, ...STATE_SCALAR_NAMES]).toContain(held);
  });

  it.each([...OPTIMIZERS])('%s: the gradients its third update reads against central differences', async (name) => {
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 5 };
    expect(await gradientCheck(spec, X, [[0.5], [-1], [0.2]], { optimizer: name, batchSize: 1, step: 3 } as FitOptions)).toBeLessThan(1e-6);
  });

  it.each([...OPTIMIZERS])("%s: its kernel and the JS engine's twin", (name) => {
    const kernel = OPTIMIZER_ROWS[name].kernel;
    expect(source('assembly/optimizers.ts')).toMatch(new RegExp(`export function ${kernel}\\(`));
    expect(source('src/engines/js.ts')).toMatch(new RegExp(`function ${kernel}\\(`));
  });

  it.each([...OPTIMIZERS])('%s: a TensorFlow.js parity case or the reason for none; none in ONNX', (name: OptimizerName) => {
    const row = OPTIMIZER_ROWS[name];
    expect(row.onnx.none).not.toBe('');
    if (hasNone(row.tfjs)) return expect(row.tfjs.none).not.toBe('');
    expect(PARITY_CASES.some((c) => (c.fit.optimizer ?? 'sgd') === name), `no case in test/parityCases.ts trains with optimizer '${name}'`).toBe(true);
  });
});

// [step, rate] by hand from Keras's formulas (keras/src/optimizers/schedules/learning_rate_schedule.py's docstrings)
const KNOWN_SCHEDULES: Record<string, { params: Record<string, unknown>; rates: [number, number][] }> = {
  exponentialDecay: { params: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }, rates: [[0, 0.1], [5, 0.1 * Math.SQRT1_2], [20, 0.025]] },
  inverseTimeDecay: { params: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }, rates: [[0, 0.1], [9, 0.1], [25, 0.1 / (1 + 0.5 * 2)]] },
  piecewiseConstantDecay: { params: { boundaries: [3, 6], values: [0.3, 0.2, 0.1] }, rates: [[0, 0.3], [3, 0.3], [4, 0.2], [6, 0.2], [7, 0.1], [100, 0.1]] },
  // (0.1 − 0.0001)·(1 − s/10)² + 0.0001, held after 10 steps
  polynomialDecay: { params: { initialLearningRate: 0.1, decaySteps: 10, power: 2 }, rates: [[0, 0.1], [5, 0.0999 * 0.25 + 0.0001], [10, 0.0001], [30, 0.0001]] },
  // warm up 0.01 → 0.1 over 4 steps, then half a cosine to 0.1·alpha over 10
  cosineDecay: { params: { initialLearningRate: 0.01, decaySteps: 10, alpha: 0.1, warmupTarget: 0.1, warmupSteps: 4 }, rates: [[0, 0.01], [2, 0.055], [4, 0.1], [9, 0.1 * (0.9 * 0.5 + 0.1)], [14, 0.01], [50, 0.01]] },
};

describe('every learning-rate schedule', () => {
  it.each(SCHEDULES)('%s: known rates, and the fit steps it per update', async (name) => {
    const c = KNOWN_SCHEDULES[name];
    expect(c, `no known rates for schedule '${name}': add them to KNOWN_SCHEDULES`).toBeDefined();
    const s = checkSchedule('learningRate', { schedule: name, ...c!.params });
    for (const [step, rate] of c!.rates) expect(scheduledRate(s, step), `step ${step}`).toBeCloseTo(rate, 15);
    // SGD on ŷ = b, one row y = 0, batch size 1: each update b −= rate(t)·2b at the updates t made before it
    const m = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse', weights: [[[0]], [1]] });
    const h = await m.fit([[0], [0], [0]], [[0], [0], [0]], { learningRate: { schedule: name, ...c!.params } as never, epochs: 2, batchSize: 1, shuffle: 'none' });
    let b = 1;
    for (let t = 0; t < 6; t++) b -= scheduledRate(s, t) * 2 * b;
    expect((m.getWeights()[1] as number[])[0]).toBeCloseTo(b, 15);
    expect(h.lr).toEqual([scheduledRate(s, 3), scheduledRate(s, 6)]);
  });
});

describe('the tables', () => {
  it('list every name of the contract once, in its code order', () => {
    expect(ACTIVATION_LIST.map((r) => r.name)).toEqual([...ACTIVATIONS]);
    expect(LOSS_LIST.map((r) => r.name)).toEqual([...LOSSES]);
    expect(OPTIMIZER_LIST.map((r) => r.name)).toEqual([...OPTIMIZERS]);
    expect(OPTIMIZER_LIST.map((r) => r.code)).toEqual(OPTIMIZERS.map((_, i) => i));
  });

  it('docs/operations.md is what the rows say (node scripts/build.mjs writes it)', () => {
    expect(source('docs/operations.md')).toBe(operationsDoc());
  });
});
