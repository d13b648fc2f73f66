// Property-based tests (fast-check): random networks, optimizers, batch sizes and data through the
// public library API (Model, fit, predict, evaluate, getWeights, setWeights), and random hostile
// input to the library and the CLI. Each property runs a bounded number of cases from a fixed seed,
// so `npm test` stays short and repeatable; FC_SEED=<n> FC_RUNS=<n> explores other cases.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagsOf } from '../src/cli/args.js';
import { lossChart } from '../src/cli/progress.js';
import { train } from '../src/cli/train.js';
import {
  ACTIVATIONS, BackpropError, DivergenceError, loadWasm, lossChartSvg, Model, modelFromFile, modelToText, readCsv,
  type Activation, type EngineKind, type ModelFitOptions, type ModelOptions, type Weights,
} from '../src/node.js';
import { randomRows } from './helpers.js';

const settings = (runs: number) => ({ numRuns: Number(process.env.FC_RUNS ?? runs), seed: Number(process.env.FC_SEED ?? 20261129) });

beforeAll(async () => { await loadWasm(); });

/** A random Dense network: 0–2 hidden layers, an output layer, a loss its output fits. */
function network(activations: readonly Activation[] = ACTIVATIONS) {
  return fc.record({
    inputs: fc.integer({ min: 1, max: 4 }),
    hidden: fc.array(fc.record({ units: fc.integer({ min: 1, max: 5 }), activation: fc.constantFrom(...activations) }), { maxLength: 2 }),
    classify: fc.boolean(),
    outputs: fc.integer({ min: 1, max: 3 }),
    output: fc.constantFrom(...activations),
    seed: fc.integer({ min: 0, max: 10_000 }),
  }).map(({ inputs, hidden, classify, outputs, output, seed }): ModelOptions => ({
    inputs,
    layers: [...hidden, classify ? { units: 1, activation: 'sigmoid' as const } : { units: outputs, activation: output }],
    loss: classify ? 'binaryCrossentropy' : 'mse',
    seed,
  }));
}

/** Rows of x in [-2, 2] and targets that fit the loss, from a seed. */
function data(spec: ModelOptions, rows: number, seed: number): { x: number[][]; y: number[][] } {
  const x = randomRows(seed, rows, spec.inputs, -2, 2);
  const outs = spec.layers[spec.layers.length - 1]!.units;
  const y = spec.loss === 'binaryCrossentropy' ? x.map((r) => [r[0]! > 0 ? 1 : 0]) : randomRows(seed + 1, rows, outs);
  return { x, y };
}

const optimizer = fc.constantFrom<Partial<ModelFitOptions>>(
  { optimizer: 'sgd' }, { optimizer: 'sgd', momentum: 0.9 }, { optimizer: 'sgd', momentum: 0.5, nesterov: true },
  { optimizer: 'adam' }, { optimizer: 'rmsprop' }, { optimizer: 'rmsprop', momentum: 0.3 },
);

const fitOptions = fc.record({
  optimizer,
  learningRate: fc.constantFrom(0.001, 0.01, 0.1),
  batchSize: fc.integer({ min: 1, max: 16 }),
  shuffle: fc.constantFrom('none', 'epoch', 'sample') as fc.Arbitrary<'none' | 'epoch' | 'sample'>,
  epochs: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 1000 }),
}).map(({ optimizer: o, ...rest }): ModelFitOptions => ({ ...o, ...rest }));

type Run = { loss: number[]; weights: number[]; predictions: number[] } | { diverged: [number, number] };

async function run(spec: ModelOptions, x: number[][], y: number[][], options: ModelFitOptions, engine: EngineKind): Promise<Run> {
  const model = new Model(spec);
  try {
    const history = await model.fit(x, y, { ...options, engine });
    return { loss: history.loss, weights: model.getWeights().flat(2) as number[], predictions: model.predict(x, { engine }).flat() };
  } catch (e) {
    if (e instanceof DivergenceError) return { diverged: [e.epoch, e.row] };
    throw e;
  }
}

describe('the library on random networks', () => {
  it('both engines give the same history, weights and predictions, bit for bit, or diverge at the same row', async () => {
    await fc.assert(fc.asyncProperty(network(), fc.integer({ min: 1, max: 24 }), fc.integer(), fitOptions, async (spec, rows, seed, options) => {
      const { x, y } = data(spec, rows, seed);
      const [wasm, js] = [await run(spec, x, y, options, 'wasm'), await run(spec, x, y, options, 'js')];
      expect(js).toEqual(wasm);
    }), settings(60));
  });

  it('a seed reproduces a fit exactly: history and weights', async () => {
    await fc.assert(fc.asyncProperty(network(), fc.integer({ min: 1, max: 24 }), fc.integer(), fitOptions, fc.constantFrom<EngineKind>('wasm', 'js'), async (spec, rows, seed, options, engine) => {
      const { x, y } = data(spec, rows, seed);
      expect(await run(spec, x, y, options, engine)).toEqual(await run(spec, x, y, options, engine));
    }), settings(40));
  });

  it("one full-batch SGD step of learning rate 1 moves each weight by the central difference of evaluate's loss", async () => {
    // Smooth activations only: at a ReLU kink the two one-sided slopes differ and no difference quotient is "the" gradient.
    await fc.assert(fc.asyncProperty(network(['linear', 'sigmoid', 'tanh']), fc.integer({ min: 1, max: 8 }), fc.integer(), fc.constantFrom<EngineKind>('wasm', 'js'),
      async (spec, rows, seed, engine) => {
        const { x, y } = data(spec, rows, seed);
        const model = new Model({ ...spec, layers: spec.layers.map((l) => ({ ...l, biasInitializer: 'glorotUniform' as const })) });
        const start = model.getWeights();
        await model.fit(x, y, { optimizer: 'sgd', learningRate: 1, batchSize: rows, epochs: 1, shuffle: 'none', engine });
        const after = model.getWeights().flat(2) as number[];
        const w = start.flat(2) as number[];
        const probe = new Model({ ...spec, weights: start });
        for (let i = 0; i < w.length; i++) {
          const h = 1e-6 * Math.max(1, Math.abs(w[i]!));
          probe.setWeights(withFlat(start, i, w[i]! + h));
          const up = probe.evaluate(x, y, { engine });
          probe.setWeights(withFlat(start, i, w[i]! - h));
          const down = probe.evaluate(x, y, { engine });
          const numeric = (up - down) / (2 * h), analytic = w[i]! - after[i]!;
          expect(Math.abs(analytic - numeric), `weight ${i}: step ${analytic}, central difference ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
        }
      }), settings(40));
  });
});

/** A copy of Keras-layout weights with the i-th number (in flat order) set to v. */
function withFlat(weights: Weights, i: number, v: number): Weights {
  let k = 0;
  const set = (n: number) => (k++ === i ? v : n);
  return weights.map((w) => (w as (number | number[])[]).map((row) => (Array.isArray(row) ? row.map(set) : set(row)))) as Weights;
}

/** Values of every type and the edge values of numbers: what a caller might pass by mistake. */
const hostile = fc.oneof(
  fc.constantFrom(null, NaN, Infinity, -Infinity, -1, 0, 0.5, 1e-300, -0, 2 ** 53 + 2, '', '3', 'adam', true, false),
  fc.string({ maxLength: 6 }),
  fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('patience', 'x', 'length'), fc.integer({ min: -1, max: 2 }), { maxKeys: 2 }),
);

// Every documented key of fit's options; a hostile value for one of them is refused or trains.
const FIT_KEYS = ['epochs', 'batchSize', 'learningRate', 'optimizer', 'momentum', 'nesterov', 'beta1', 'beta2', 'rho', 'epsilon', 'resetOptimizer', 'shuffle', 'seed',
  'engine', 'stepsPerExecution', 'onEpochEnd', 'validationSplit', 'validationData', 'earlyStopping', 'threshold', 'standardize', 'standardizeTarget'] as const;

describe('hostile input to the library: a BackpropError, never another error, and a refused fit changes nothing', () => {
  const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 1 };
  const x = [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.5], [2, 1]];
  const y = [1, 1, 0, 0, 1, 0];

  it('fit options of wrong types and values', async () => {
    await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom(...FIT_KEYS), hostile, { minKeys: 1, maxKeys: 3 }), async (options) => {
      const model = new Model(spec);
      const before = { weights: model.getWeights(), scaler: model.scaler, targetScaler: model.targetScaler };
      try {
        await model.fit(x, y, options as ModelFitOptions);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(BackpropError);
        // Divergence is training that ran; a refusal must leave the model as it was.
        if (!(e instanceof DivergenceError)) expect({ weights: model.getWeights(), scaler: model.scaler, targetScaler: model.targetScaler }).toEqual(before);
      }
    }), settings(300));
  });

  it("unknown keys in fit's options (fit(x, y, { epoch: 3 })) are refused, naming the key, before anything changes", async () => {
    const known = new Set<string>(FIT_KEYS);
    const unknown = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !known.has(k) && k !== '__proto__');
    await fc.assert(fc.asyncProperty(unknown, hostile, async (key, value) => {
      const model = new Model(spec);
      const before = model.getWeights();
      const e = await model.fit(x, y, { epochs: 1, [key]: value } as ModelFitOptions).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(BackpropError);
      expect((e as BackpropError).field).toBe(key);
      expect((e as Error).message).toContain('unknown option');
      expect(model.getWeights()).toEqual(before);
    }), settings(200));
  });

  it('CSV text of commas, quotes, line breaks, numbers and junk', () => {
    const cell = fc.constantFrom('x', 'y', '1', '-2.5', '1e3', '0x10', ' ', '', '"', '""', ',', '\n', '\r\n', '\uFEFF', 'NaN', 'Infinity', '1e999', ';', '\t');
    fc.assert(fc.property(fc.array(cell, { maxLength: 30 }).map((parts) => parts.join('')), fc.constantFrom('y', 'x', ''), (text, target) => {
      try {
        const d = readCsv(text, { target, source: 'random.csv' });
        expect([...d.x, ...d.y].every(Number.isFinite)).toBe(true);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(BackpropError);
      }
    }), settings(500));
  });

  it('model files with a field removed or retyped', async () => {
    const model = new Model({ inputs: 2, layers: [{ units: 2, activation: 'relu' }, { units: 1 }], loss: 'mse' });
    await model.fit([[1, 2], [3, 4], [5, 6]], [10, 20, 30], { standardize: true, standardizeTarget: true, engine: 'js' });
    const file = JSON.parse(modelToText(model, { features: ['a', 'b'], target: 'c' })) as unknown;
    const paths = leafPaths(file);
    await fc.assert(fc.asyncProperty(fc.constantFrom(...paths), fc.option(hostile, { nil: undefined }), async (path, value) => {
      const edited = structuredClone(file) as Record<string, unknown>;
      setPath(edited, path, value);
      try {
        const loaded = modelFromFile(JSON.stringify(edited), 'edited.json');
        // A file that still loads is a working model.
        expect(loaded.model.predict([[1, 2]], { engine: 'js' }).flat().every(Number.isFinite)).toBe(true);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(BackpropError);
        expect((e as BackpropError).field).toBe('edited.json');
      }
    }), settings(300));
  });

  it('charts of any finite history finish, with every coordinate a number', () => {
    const loss = fc.oneof(fc.double({ min: -1e308, max: 1e308, noNaN: true }), fc.double({ min: 0, max: 1e-300, noNaN: true }), fc.constantFrom(0, 5e-324, 8.059047875742342));
    fc.assert(fc.property(fc.array(loss, { minLength: 1, maxLength: 50 }), fc.boolean(), (values, flatten) => {
      const l = flatten ? values.map((v) => values[0]! + v * Number.EPSILON) : values;
      const history = { epoch: l.map((_, i) => i), loss: l, valLoss: l.map((v) => v / 2) };
      expect(lossChart(history, false)).not.toContain('NaN');
      expect(lossChartSvg(history)).not.toContain('NaN');
    }), settings(300));
  });
});

/** Every path to a leaf (and to every object or array) of a JSON value. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

/** Sets (or, for undefined, deletes) the value at `path`. */
function setPath(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, root);
  const key = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
}

describe('hostile command lines: exit 0, or exit 1 with one message; never a hang, a stack trace or a file written by a refused run', () => {
  const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'backprop-props-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const GOOD = 'x,z,y\n0,1,0\n1,0,1\n2,1,0\n3,0,1\n4,1,1\n5,0,0\n6,1,1\n7,0,1\n';

  const flags = Object.entries(flagsOf(train));
  const values = ['0', '-1', '1', '2', '0.5', '0x10', 'abc', '', '1e400', 'y', 'x', 'x,z', 'z,x,x', 'nodir/f.json', 'good.csv', 'out.json', 'out.svg', 'package', 'placement', 'adam', 'relu', 'none', 'js', 'regression'];
  const arg = fc.tuple(fc.constantFrom(...flags), fc.constantFrom(...values)).map(([[name, flag], value]) => (flag.value === undefined ? [`--${name}`] : [`--${name}`, value]));
  const csvText = fc.array(fc.constantFrom('x', 'y', ',', '\n', '1', '0', '"', '2e0', 'a'), { maxLength: 24 }).map((p) => p.join(''));

  it('train with random flags on a good or a random CSV file, or a dataset', () => {
    fc.assert(fc.property(fc.constantFrom('good.csv', 'random.csv', '--dataset'), csvText, fc.array(arg, { maxLength: 5 }), (input, text, args) => {
      writeFileSync(join(dir, 'good.csv'), GOOD);
      writeFileSync(join(dir, 'random.csv'), text);
      const before = readdirSync(dir).sort();
      const argv = ['train', ...(input === '--dataset' ? ['--dataset', 'placement'] : [input]), '--epochs', '2', ...args.flat()];
      const r = spawnSync(process.execPath, [CLI, ...argv], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, `${argv.join(' ')} did not finish: ${r.error}`).not.toBeNull();
      expect([0, 1], `${argv.join(' ')}\n${r.stderr}`).toContain(r.status);
      expect(r.stderr, argv.join(' ')).not.toMatch(/\n\s+at |TypeError|ReferenceError|RangeError/);
      expect(readFileSync(join(dir, 'good.csv'), 'utf8')).toBe(GOOD);
      expect(readFileSync(join(dir, 'random.csv'), 'utf8')).toBe(text);
      if (r.status === 1) {
        expect(r.stderr, argv.join(' ')).toMatch(/^backprop: \S[^\n]*\n$/);
        expect(readdirSync(dir).sort(), argv.join(' ')).toEqual(before);
      }
      for (const f of readdirSync(dir)) if (!before.includes(f)) rmSync(join(dir, f), { recursive: true, force: true });
    }), settings(20));
  });

  it('predict and evaluate with a model file that has a field removed or retyped', async () => {
    const model = new Model({ inputs: 2, layers: [{ units: 2, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
    const file = JSON.parse(modelToText(model, { features: ['x', 'z'], target: 'y' })) as unknown;
    const paths = leafPaths(file);
    fc.assert(fc.property(fc.constantFrom('predict', 'evaluate'), fc.constantFrom(...paths), fc.option(hostile, { nil: undefined }), (command, path, value) => {
      writeFileSync(join(dir, 'good.csv'), GOOD);
      const edited = structuredClone(file) as Record<string, unknown>;
      setPath(edited, path, value);
      writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
      const r = spawnSync(process.execPath, [CLI, command, 'edited.json', 'good.csv'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      const what = `${command} with ${path.join('.')} = ${JSON.stringify(value)}`;
      expect([0, 1], `${what}\n${r.stderr}`).toContain(r.status);
      if (r.status === 1) expect(r.stderr, what).toMatch(/^backprop: edited\.json: [^\n]+\n$/);
    }), settings(8));
  });
});
