// The trace of one step (src/trace.ts) against what it claims to be: fit's step (a trace applied is
// fit's weights and optimizer state, to the bit), the chain rule (its factors multiply back to the
// kernels' gradients), and finite differences of the loss (independent of the backward pass) —
// on both engines, for several networks (softmax with the categorical losses, regularizers, Dropout,
// every activation), optimizers and batch sizes.
import { beforeAll, describe, expect, it } from 'vitest';
import { datasets, loadWasm, lossName, Model, type FitOptions, type ModelOptions, type ParamChain, type Trace } from '../src/node.js';
import type { LayerSpec } from '../src/spec.js';
import { ACTIVATIONS } from '../src/contract.js';
import { OPTIMIZER_ROWS } from '../src/operations/optimizers.js';
import { openJsEngine } from '../src/engines/js.js';
import { maxRelativeDiff, randomRows, randomTargets } from './helpers.js';

beforeAll(async () => { await loadWasm(); });

const ENGINES = ['wasm', 'js'] as const;
const flat = (w: unknown): number[] => (w as number[][]).flat(2 as 1) as number[];
const product = (factors: { value: number }[]) => factors.reduce((p, f) => p * f.value, 1);

describe.each(ENGINES)('the tutorial first steps on the %s engine', (engine) => {
  it('package: the forward pass, the loss, the nine derivatives and the update worked by hand', async () => {
    // Row (8, 8 → 4), all weights 0.1 (README, "Backpropagation for the 2-2-1 network"): h = 1.6,
    // ŷ = 0.32, L = 3.68² = 13.5424, ∂L/∂ŷ = −2(4 − 0.32) = −7.36; ∂L/∂w²ⱼ = −7.36·1.6,
    // ∂L/∂b² = −7.36, ∂L/∂w¹ᵢⱼ = −7.36·0.1·8, ∂L/∂b¹ⱼ = −7.36·0.1.
    const d = datasets.package;
    const model = new Model(d.model);
    const t = await model.trace(d.x, d.y, { ...d.fit, engine });
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.max(1, Math.abs(b)));
    close(t.layers[0]!.z[0]![0]!, 1.6);
    close(t.layers[1]!.activations[0]![0]!, 0.32);
    close(t.loss, 13.5424);
    close(t.dLdyhat![0]![0]!, -7.36);
    const hand = [-7.36 * 0.1 * 8, -7.36 * 0.1 * 8, -7.36 * 0.1 * 8, -7.36 * 0.1 * 8, -7.36 * 0.1, -7.36 * 0.1, -7.36 * 1.6, -7.36 * 1.6, -7.36];
    expect(maxRelativeDiff(flat(t.gradients), hand)).toBeLessThan(1e-12);
    expect(maxRelativeDiff(flat(t.newWeights), [0.105888, 0.105888, 0.105888, 0.105888, 0.000736, 0.000736, 0.111776, 0.111776, 0.00736])).toBeLessThan(1e-12);
    // w¹₁₂: ∂L/∂ŷ · ŷ′ · w²₂ · h₂′ · x₁, the tutorial's chain
    const w112 = (t.chains[0] as ParamChain[][])[0]![1]!;
    expect(w112.name).toBe('w¹₁₂');
    expect(w112.paths![0]!.map((p) => p.map((f) => `${f.name}=${f.value}`))).toEqual([['∂L/∂ŷ=-7.359999999999999', 'ŷ′=1', 'w²₂=0.1', 'h₂′=1', 'x₁=8']]);
    expect(model.getWeights()).toEqual(new Model(d.model).getWeights()); // not applied
  });

  it('placement: σ and the cross-entropy worked by hand', async () => {
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const h = sigmoid(1.6), yhat = sigmoid(0.2 * h), d2 = yhat - 1;
    const d = datasets.placement;
    const t = await new Model(d.model).trace(d.x, d.y, { ...d.fit, engine });
    expect(maxRelativeDiff([t.loss, t.layers[1]!.dLdz[0]![0]!, t.layers[0]!.dLdz[0]![0]!], [-Math.log(yhat), d2, d2 * 0.1 * h * (1 - h)])).toBeLessThan(1e-14);
    // the cross-entropy is taken from the logit: ∂L/∂z = ŷ − y, with no ∂L/∂ŷ formed, and the chain starts there
    expect(t.dLdyhat).toBeNull();
    expect((t.chains[2] as ParamChain[][])[0]![0]!.paths![0]!.map((p) => p.map((f) => f.name))).toEqual([['∂L/∂z²', 'h₁']]);
  });
});

const NETWORKS: ModelOptions<LayerSpec>[] = ([
  { inputs: 2, layers: [{ units: 2, activation: 'linear' }, { units: 1, activation: 'linear' }], loss: 'mse', seed: 1 },
  { inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'linear' }], loss: 'mse', seed: 2 },
  { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 2, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 3 },
  // five inputs: the SIMD build's blocked kernels
  { inputs: 5, layers: [{ units: 6, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 4 },
  // softmax: ∂L/∂z = ŷ − y, from the logits
  { inputs: 3, layers: [{ units: 4, activation: 'elu' }, { units: 3, activation: 'softmax' }], loss: 'categoricalCrossentropy', seed: 5 },
  // regularizers on kernels and biases: the penalty in the loss, l1·sign(θ) + 2·l2·θ in the gradients
  { inputs: 2, layers: [{ units: 3, activation: 'gelu', kernelRegularizer: 'l1l2', biasRegularizer: { l2: 0.1 } }, { units: 3, activation: 'softmax', kernelRegularizer: { l1: 0.05 } }], loss: 'sparseCategoricalCrossentropy', seed: 6 },
  // Dropout: masks drawn by the kernels, finite differences with the same masks
  { inputs: 3, layers: [{ units: 5, activation: 'swish' }, { dropout: 0.4 }, { units: 4, activation: 'softplus', kernelRegularizer: 'l2' }, { dropout: 0.3 }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 7 },
  { inputs: 2, layers: [{ units: 3, activation: 'selu' }, { dropout: 0.5 }, { units: 2, activation: 'softsign' }], loss: 'mse', seed: 8 },
] as ModelOptions<LayerSpec>[]).map((n) => ({ ...n, layers: n.layers.map((l) => ('units' in l ? { ...l, biasInitializer: 'glorotUniform' as const } : l)) }));

const OPTIMIZERS: FitOptions[] = [
  { optimizer: 'sgd', learningRate: 0.1 },
  { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
  { optimizer: 'adam', learningRate: 0.01 },
  { optimizer: 'rmsprop', learningRate: 0.01, momentum: 0.5 },
];

function data(spec: ModelOptions<LayerSpec>, rows: number): [number[][], number[][]] {
  const x = randomRows(spec.seed! + 10, rows, spec.inputs, -2, 2);
  const outs = (spec.layers[spec.layers.length - 1] as { units: number }).units;
  return [x, spec.loss === 'binaryCrossentropy' ? x.map((_, r) => [r % 2]) : randomTargets(spec.seed! + 20, rows, outs, lossName(spec.loss))];
}

const describeLayers = (spec: ModelOptions<LayerSpec>) => spec.layers.map((l) => ('units' in l ? `${l.units}${l.activation}` : `dropout${l.dropout}`)).join('-');

const js = openJsEngine(8);

describe.each(ENGINES)('traces on the %s engine', (engine) => {
  for (const spec of NETWORKS) {
    for (const opt of OPTIMIZERS) {
      for (const batchSize of [1, 3]) {
        const name = `${spec.inputs}-${describeLayers(spec)} ${spec.loss}, ${opt.optimizer}${opt.momentum ? ' momentum' : ''}, batch ${batchSize}`;
        it(name, async () => {
          const [x, y] = data(spec, 5);
          const fit: FitOptions = { ...opt, batchSize, shuffle: 'epoch', seed: 7, engine, epochs: 2 };
          const perEpoch = Math.ceil(5 / batchSize);

          // A later step, not applied: the model is untouched.
          const model = new Model(spec);
          const t = await model.trace(x, y, { ...fit, step: perEpoch + 2 });
          expect(model.getWeights()).toEqual(new Model(spec).getWeights());
          expect(t.epoch).toBe(2);
          expect(t.rows).toHaveLength(Math.min(batchSize, 5 - batchSize));
          checkChainRule(t);

          // The last step of two epochs, applied: the weights and optimizer state of fit's two epochs.
          const traced = new Model(spec), fitted = new Model(spec);
          const last = await traced.trace(x, y, { ...fit, step: 2 * perEpoch, apply: true });
          await fitted.fit(x, y, fit);
          expect(traced.getWeights()).toEqual(fitted.getWeights());
          expect(last.newWeights).toEqual(fitted.getWeights());
          // one more epoch each: the optimizer state carried over alike
          await traced.fit(x, y, { ...fit, epochs: 1 });
          await fitted.fit(x, y, { ...fit, epochs: 1 });
          expect(traced.getWeights()).toEqual(fitted.getWeights());
        });
      }
    }
  }

  it('a whole-batch step: the loss is the one history reports, on the step fit takes', async () => {
    const spec = NETWORKS[1]!;
    const [x, y] = data(spec, 4);
    const fit: FitOptions = { optimizer: 'adam', batchSize: 4, engine, epochs: 3 };
    const t = await new Model(spec).trace(x, y, { ...fit, step: 3 });
    const history = await new Model(spec).fit(x, y, fit);
    expect(t.loss).toBe(history.loss[2]);
    expect(Math.abs(t.rowLosses.reduce((s, l) => s + l) / 4 - t.loss)).toBeLessThan(1e-15 * t.loss);
    // Adam's update, written out: m, v from the gradient, p −= m·α/(√v + ε)
    const { momentums, velocities, alpha, settings } = t.update;
    const g = flat(t.gradients), m0 = flat(momentums!.before), v0 = flat(velocities!.before);
    const m = g.map((gi, i) => m0[i]! + (gi - m0[i]!) * (1 - settings.beta1));
    const v = g.map((gi, i) => v0[i]! + (gi * gi - v0[i]!) * (1 - settings.beta2));
    expect(flat(momentums!.after)).toEqual(m);
    expect(flat(velocities!.after)).toEqual(v);
    expect(flat(t.newWeights)).toEqual(flat(t.weights).map((p, i) => p - m[i]! * alpha! / (Math.sqrt(v[i]!) + settings.epsilon)));
    expect(t.update.iterations).toBe(3);
  });

  it('given rows: the batch is those rows, from the model as it stands', async () => {
    const spec = NETWORKS[0]!;
    const [x, y] = data(spec, 5);
    const t = await new Model(spec).trace(x, y, { engine, rows: [4, 1], learningRate: 0.1 });
    expect(t.rows).toEqual([4, 1]);
    expect(t.x).toEqual([x[4], x[1]]);
    const direct = new Model(spec);
    await direct.fit([x[4]!, x[1]!], [y[4]!, y[1]!], { engine, batchSize: 2, shuffle: 'none', learningRate: 0.1 });
    expect(t.newWeights).toEqual(direct.getWeights());
  });
});

/** Every identity the trace states, held to the kernels' own numbers. */
function checkChainRule(t: Trace): void {
  const L = t.layers.length, n = t.rows.length;
  t.layers.forEach((layer, l) => {
    const code = ACTIVATIONS.indexOf(layer.activation);
    layer.z.forEach((row, r) => {
      if (layer.activation === 'softmax') {
        // softmax of the row, written out: e^z / Σ e^z
        const e = row.map(Math.exp), s = e.reduce((a, b) => a + b);
        expect(maxRelativeDiff(layer.activations[r]!, e.map((v) => v / s))).toBeLessThan(1e-14);
      } else {
        // z through the activation is the stored activation, bit for bit
        row.forEach((z, j) => expect(js.activation(z, code, layer.alpha ?? 0)).toBe(layer.activations[r]![j]));
      }
      if (l < L - 1) row.forEach((_, j) => {
        const d = layer.dLda![r]![j]!;
        // through the Dropout's mask, then act′ — the kernels' order of operations
        const masked = layer.dropout ? d * layer.dropout.mask[r]![j]! : d;
        expect(masked * layer.derivatives[r]![j]!).toBe(layer.dLdz[r]![j]);
      });
    });
    if (layer.dropout) {
      const { mask, scale, outputs } = layer.dropout;
      expect(scale).toBe(1 / (1 - layer.dropout.rate));
      mask.flat().forEach((m) => expect([0, scale]).toContain(m));
      expect(outputs).toEqual(layer.activations.map((row, r) => row.map((a, j) => a * mask[r]![j]!)));
    }
    if (l > 0) {
      const below = t.layers[l - 1]!;
      expect(layer.inputs).toEqual(below.dropout ? below.dropout.outputs : below.activations);
    }
  });
  const out = t.layers[L - 1]!;
  if (out.dLda && out.activation !== 'softmax') {
    out.dLda.forEach((row, r) => row.forEach((d, k) => {
      const dz = out.dLdz[r]![k]!;
      expect(Math.abs(d * out.derivatives[r]![k]! - dz)).toBeLessThan(1e-12 * Math.max(1e-300, Math.abs(dz)) + 1e-300);
    }));
  } else if (!out.dLda) {
    // from the logit: ∂L/∂z = ŷ − y (a class index c: y is 1 at c), each row's share of the batch mean
    const k = out.units;
    out.dLdz.forEach((row, r) => row.forEach((dz, o) => {
      const y = t.y[r]!.length === k ? t.y[r]![o]! : o === t.y[r]![0] ? 1 : 0;
      const g = out.activations[r]![o]! - y;
      expect(dz).toBe((out.activation === 'sigmoid' && k > 1 ? g / k : g) * (n === 1 ? 1 : 1 / n));
    }));
  }
  // the loss: the rows' mean plus the penalty, as the kernels add them
  expect(t.rowLosses.reduce((s, v) => s + v) / n + t.penalty).toBe(t.loss);
  const gradients = flat(t.gradients), numeric = flat(t.numericGradients);
  gradients.forEach((g, i) => expect(Math.abs(g - numeric[i]!), `parameter ${i}: ${g} vs ${numeric[i]}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric[i]!))));
  const chains = t.chains.flatMap((c) => (c as unknown[]).flat() as ParamChain[]);
  expect(chains.map((c) => c.gradient)).toEqual(gradients);
  for (const c of chains) {
    // the rows' products sum, in row order, to the kernels' gradient exactly; a regularizer's term after them
    const sum = c.values.map((v) => v.reduce((p, f) => p * f, 1)).reduce((s, v) => s + v);
    expect(c.penalty ? sum + c.penalty.value : sum).toBe(c.gradient);
    c.paths?.forEach((paths, r) => {
      const total = paths.map(product).reduce((s, v) => s + v);
      expect(Math.abs(total - c.values[r]!.reduce((p, f) => p * f, 1)), c.name).toBeLessThan(1e-12 * Math.max(1e-300, Math.abs(total)) + 1e-300);
    });
  }
  expect(flat(t.update.deltas)).toEqual(flat(t.newWeights).map((p, i) => p - flat(t.weights)[i]!));
}

describe('trace options', () => {
  const d = datasets.package;
  it('refuses what it cannot trace, naming the option', async () => {
    const model = new Model(d.model);
    await expect(model.trace(d.x, d.y, { ...d.fit, step: 21 })).rejects.toThrow(/step: this fit has 20 steps \(5 epochs × 4 batches\)/);
    await expect(model.trace(d.x, d.y, { rows: [4] })).rejects.toThrow(/rows\[0\]: expected a training row index from 0 to 3, got 4/);
    await expect(model.trace(d.x, d.y, { stepz: 2 } as never)).rejects.toThrow(/stepz: unknown option/);
    await expect(model.trace(d.x, d.y, { step: 0 })).rejects.toThrow(/step: expected a positive integer/);
    expect(model.getWeights()).toEqual(new Model(d.model).getWeights());
  });

  it('with early stopping: the steps fit takes, and none after it stops', async () => {
    // Held-out targets of the opposite sign: the validation loss rises as training fits y = x₁ + x₂.
    const x = randomRows(5, 6, 2), y = x.map(([a, b]) => [a! + b!]), vy = y.map(([t]) => [-t!]);
    const fit = { engine: 'js' as const, learningRate: 0.1, batchSize: 6, epochs: 6, validationData: [x, vy] as [number[][], number[][]], earlyStopping: { patience: 1 } };
    const spec = NETWORKS[0]!;
    const history = await new Model(spec).fit(x, y, fit);
    const ran = history.loss.length;
    expect(ran).toBeLessThan(6);
    const traced = new Model(spec);
    expect((await traced.trace(x, y, { ...fit, step: ran, apply: true })).loss).toBe(history.loss[ran - 1]);
    await expect(new Model(spec).trace(x, y, { ...fit, step: ran + 1 })).rejects.toThrow(`earlyStopping: ends this fit after epoch ${ran}, before step ${ran + 1}`);
  });

  it.each([2, 5, 6, 7])('matches the other engine value for value (network %i)', async (i) => {
    const spec = NETWORKS[i]!;
    const [x, y] = data(spec, 5);
    const [a, b] = await Promise.all(ENGINES.map((engine) => new Model(spec).trace(x, y, { optimizer: 'adam', batchSize: 2, step: 4, epochs: 2, engine })));
    expect({ ...b, engine: 'wasm' }).toEqual(a);
  });
});

describe("every optimizer's state through a trace: what fit leaves, and each state its row names before and after", () => {
  const CONFIGS: FitOptions[] = [
    { optimizer: 'adagrad', learningRate: 0.05 }, { optimizer: 'adadelta', learningRate: 1 }, { optimizer: 'adamax', learningRate: 0.01 },
    { optimizer: 'nadam', learningRate: 0.01 }, { optimizer: 'adamw', learningRate: 0.01, amsgrad: true }, { optimizer: 'rmsprop', centered: true, momentum: 0.5, learningRate: 0.01 },
    { optimizer: 'adam', learningRate: 0.01, clipnorm: 0.1 },
    { optimizer: 'sgd', momentum: 0.5, learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 } },
  ];
  it.each(CONFIGS)('%o', async (opt) => {
    const spec = NETWORKS[1]!;
    const [x, y] = data(spec, 5);
    const fit: FitOptions = { ...opt, batchSize: 2, shuffle: 'epoch', seed: 7, epochs: 2 };
    const traced = new Model(spec), fitted = new Model(spec);
    const t = await traced.trace(x, y, { ...fit, step: 6, apply: true });
    await fitted.fit(x, y, fit);
    expect(traced.getWeights()).toEqual(fitted.getWeights());
    await traced.fit(x, y, { ...fit, epochs: 1 });
    await fitted.fit(x, y, { ...fit, epochs: 1 });
    expect(traced.getWeights()).toEqual(fitted.getWeights());
    const kept = Object.keys(OPTIMIZER_ROWS[opt.optimizer!].state(t.update.settings));
    expect(kept.length).toBeGreaterThan(0);
    for (const name of kept) {
      const s = t.update[name as 'momentums' | 'uProduct']!;
      expect(s.after).not.toEqual(s.before);
    }
    expect(t.update.iterations).toBe(6);
  });
});

it('a trace refuses reduceLROnPlateau, whose changes between epochs it does not replay', async () => {
  const spec = NETWORKS[0]!;
  const [x, y] = data(spec, 5);
  await expect(new Model(spec).trace(x, y, { reduceLROnPlateau: { monitor: 'loss' } })).rejects.toThrow(/reduceLROnPlateau: changes the learning rate between epochs/);
});
