// Initializers as Keras defines them (VarianceScaling): the bounds and moments below follow from
// the definitions, not from the code — glorot: variance 2/(fanIn + fanOut); he: 2/fanIn; uniform on
// ±√(3·variance); normal truncated at ±2σ₀ with σ₀ = √variance / 0.8796…, so that the truncated
// draws have the variance itself, and a share erf(1/√2)/erf(√2) = 0.68269/0.95450 = 0.71523 of
// them fall within ±σ₀ (standard normal tables).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackpropError, datasets, INITIALIZERS, Model, type Initializer } from '../src/node.js';
import { initialize, INITIALIZER_ROWS } from '../src/initializers.js';

const FAN_IN = 400, FAN_OUT = 300; // 120,000 kernel weights: moments to well under 1%

function kernel(kernelInitializer: Initializer, seed = 0, inputs = FAN_IN, units = FAN_OUT): number[] {
  const m = new Model({ inputs, layers: [{ units, kernelInitializer }], loss: 'mse', seed });
  return (m.getWeights()[0] as number[][]).flat();
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const variance = (xs: number[]) => { const m = mean(xs); return xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length; };
const maxAbs = (xs: number[]) => xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('random initializers', () => {
  const glorot = 2 / (FAN_IN + FAN_OUT), he = 2 / FAN_IN;

  it.each([['glorotUniform', glorot], ['heUniform', he]] as const)('%s: uniform on ±√(3·variance), variance %f', (name, v) => {
    const w = kernel(name);
    const limit = Math.sqrt(3 * v);
    expect(maxAbs(w)).toBeLessThanOrEqual(limit);
    expect(maxAbs(w)).toBeGreaterThan(0.999 * limit);
    expect(Math.abs(mean(w))).toBeLessThan(0.01 * limit);
    expect(variance(w) / v).toBeCloseTo(1, 1);
    expect(Math.abs(variance(w) / v - 1)).toBeLessThan(0.015);
  });

  it.each([['glorotNormal', glorot], ['heNormal', he]] as const)('%s: normal truncated at ±2σ₀, variance %f', (name, v) => {
    const w = kernel(name);
    const s0 = Math.sqrt(v) / 0.87962566103423978;
    expect(maxAbs(w)).toBeLessThanOrEqual(2 * s0);
    expect(maxAbs(w)).toBeGreaterThan(1.99 * s0);
    expect(Math.abs(mean(w))).toBeLessThan(0.01 * s0);
    expect(Math.abs(variance(w) / v - 1)).toBeLessThan(0.015);
    expect(w.filter((x) => Math.abs(x) < s0).length / w.length).toBeCloseTo(0.71523, 2);
  });

  it('the same seed gives the same weights; another seed others', () => {
    for (const name of ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal'] as const) {
      expect(kernel(name, 7, 20, 10)).toEqual(kernel(name, 7, 20, 10));
      expect(kernel(name, 7, 20, 10)).not.toEqual(kernel(name, 8, 20, 10));
    }
  });

  it('Dense defaults are Keras’s: glorotUniform kernels, zero biases', () => {
    const m = new Model({ inputs: FAN_IN, layers: [{ units: FAN_OUT }], loss: 'mse', seed: 3 });
    expect((m.getWeights()[0] as number[][]).flat()).toEqual(kernel('glorotUniform', 3));
    expect(m.getWeights()[1]).toEqual(new Array(FAN_OUT).fill(0));
  });

  it('a bias takes both fans from its length, as Keras does for a 1-D weight', () => {
    const m = new Model({ inputs: 2, layers: [{ units: 5000, biasInitializer: 'glorotUniform' }], loss: 'mse' });
    const bias = m.getWeights()[1] as number[];
    expect(maxAbs(bias)).toBeLessThanOrEqual(Math.sqrt(6 / 10000));
    expect(maxAbs(bias)).toBeGreaterThan(0.99 * Math.sqrt(6 / 10000));
  });

  it('training on either engine starts from the same seeded weights', async () => {
    const spec = { inputs: 2, layers: [{ units: 3, activation: 'tanh' as const, kernelInitializer: 'heNormal' as const }, { units: 1 }], loss: 'mse' as const, seed: 11 };
    const runs = await Promise.all((['wasm', 'js'] as const).map(async (engine) => {
      const m = new Model(spec);
      const first = m.getWeights();
      const h = await m.fit([[0.5, -1]], [[2]], { epochs: 1, batchSize: 1, learningRate: 1e-9, engine });
      return { first, loss: h.loss[0]! };
    }));
    expect(runs[0]!.first).toEqual(runs[1]!.first);
    expect(runs[0]!.loss).toBe(runs[1]!.loss);
  });
});

describe('fixed initializers', () => {
  it('zeros, ones, { constant }', () => {
    const m = new Model({ inputs: 3, layers: [{ units: 2, kernelInitializer: { constant: -0.25 }, biasInitializer: 'ones' }, { units: 1, kernelInitializer: 'zeros' }], loss: 'mse' });
    expect(m.getWeights()).toEqual([[[-0.25, -0.25], [-0.25, -0.25], [-0.25, -0.25]], [1, 1], [[0], [0]], [0]]);
  });

  it('every name in INITIALIZERS has a row, and initialize() refuses a name without one (never falls back to another)', () => {
    for (const name of INITIALIZERS) expect(Object.hasOwn(INITIALIZER_ROWS, name), name).toBe(true);
    expect(() => initialize(new Float64Array(4), 'lecunNormal' as never, 2, 2, () => 0.5)).toThrow('initializer: no row in INITIALIZER_ROWS for "lecunNormal"');
    expect(() => initialize(new Float64Array(4), 'toString' as never, 2, 2, () => 0.5)).toThrow('initializer: no row in INITIALIZER_ROWS for "toString"');
  });

  it('an unknown name is a clear error naming the layer', () => {
    const build = () => new Model({ inputs: 1, layers: [{ units: 1, kernelInitializer: 'lecunNormal' as Initializer }], loss: 'mse' });
    expect(build).toThrow(BackpropError);
    expect(build).toThrow(/layers\[0\]\.kernelInitializer: expected one of 'zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', got "lecunNormal"/);
  });
});

describe('backprop train --init and --weights', () => {
  const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const backprop = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'train', '--dataset', 'package', ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const d = datasets.package;
  const library = async (model: ConstructorParameters<typeof Model>[0]) => {
    const m = new Model(model);
    const history = await m.fit(d.x, d.y, { ...d.fit, engine: 'wasm' });
    return { loss: history.loss, weights: m.getWeights() };
  };

  it('--init NAME with --seed, and --init X for a constant, give the library run', async () => {
    const named = JSON.parse(backprop('--init', 'glorotNormal', '--seed', '4', '--json').stdout);
    const want = await library({ ...d.model, layers: d.model.layers.map((l) => ({ ...l, kernelInitializer: 'glorotNormal' })), seed: 4 });
    expect(named.history.loss).toEqual(want.loss);
    expect(named.weights).toEqual(want.weights);
    const constant = JSON.parse(backprop('--init', '0.05', '--json').stdout);
    const wantConstant = await library({ ...d.model, layers: d.model.layers.map((l) => ({ ...l, kernelInitializer: { constant: 0.05 } })) });
    expect(constant.weights).toEqual(wantConstant.weights);
  });

  it("--weights FILE: a Keras weight list, or train --json's output, gives the library run from those weights", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-weights-'));
    try {
      const weights = [[[0.2, -0.1], [0.05, 0.3]], [0.01, -0.02], [[0.4], [-0.2]], [0.1]];
      writeFileSync(join(dir, 'w.json'), JSON.stringify(weights));
      const out = JSON.parse(backprop('--weights', join(dir, 'w.json'), '--json').stdout);
      const want = await library({ ...d.model, weights });
      expect(out.history.loss).toEqual(want.loss);
      expect(out.weights).toEqual(want.weights);
      // continue from a previous run's output
      writeFileSync(join(dir, 'run.json'), JSON.stringify(out));
      const next = JSON.parse(backprop('--weights', join(dir, 'run.json'), '--json').stdout);
      expect(next.weights).toEqual((await library({ ...d.model, weights: out.weights })).weights);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad --init and --weights: a clear message naming the flag (and file), exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-weights-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '[[[0.1, 0.1]');
      writeFileSync(join(dir, 'shape.json'), JSON.stringify([[[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]], [0, 0, 0], [[0.1], [0.1]], [0]]));
      writeFileSync(join(dir, 'text.json'), JSON.stringify({ model: 'none' }));
      writeFileSync(join(dir, 'nan.json'), '[[[0.1, 0.1], [0.1, "x"]], [0, 0], [[0.1], [0.1]], [0]]');
      const cases: [string[], RegExp][] = [
        [['--init', 'lecunNormal'], /--init: expected one of 'zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', got "lecunNormal"/],
        [['--init', 'zeros', '--weights', join(dir, 'shape.json')], /--init: both --init and --weights set the initial weights; give one/],
        [['--weights', join(dir, 'missing.json')], /--weights: cannot read .*missing\.json: ENOENT/],
        [['--weights', join(dir, 'bad.json')], /--weights: .*bad\.json is not valid JSON/],
        [['--weights', join(dir, 'text.json')], /--weights: .*text\.json: expected the Keras weight list/],
        [['--weights', join(dir, 'shape.json')], /--weights .*shape\.json: weights\[0\] \(layer 0 kernel\)\[0\]: expected 2 numbers \(one per unit\), got an array of 3 numbers/],
        [['--weights', join(dir, 'nan.json')], /--weights .*nan\.json: weights\[0\] \(layer 0 kernel\)\[1\]\[1\]: expected a finite number, got "x"/],
      ];
      for (const [flags, message] of cases) {
        const r = backprop(...flags);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
