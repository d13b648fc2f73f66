// Finite-difference checks: the gradient the kernels accumulate in GRADS during a step equals the
// central difference of the batch loss, for every hidden activation × output activation × loss
// on random networks of depth 1–3, on both engines; then the regularizers' gradients, binary
// cross-entropy on saturated outputs, and Dropout against a forward pass written out with the mask
// the step drew.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, LOSSES, type Activation, type Loss, type ModelOptions, type LayerSpec } from '../src/node.js';
import { checkSpec, parameterCount } from '../src/spec.js';
import { Workspace } from '../src/workspace.js';
import { EVERY_ACTIVATION, randomNetwork, randomRows, randomTargets, tamed } from './helpers.js';

beforeAll(async () => { await loadWasm(); });

const CASES: [Loss, Activation][] = [
  ...EVERY_ACTIVATION.map((a): [Loss, Activation] => ['mse', a]),
  ['binaryCrossentropy', 'sigmoid'],
  ['categoricalCrossentropy', 'softmax'],
  ['sparseCategoricalCrossentropy', 'softmax'],
  ['meanAbsoluteError', 'linear'],
  ['meanAbsolutePercentageError', 'linear'],
  ['meanSquaredLogarithmicError', 'softplus'],
  ['huber', 'linear'],
  ['logcosh', 'linear'],
  ['hinge', 'tanh'],
  ['squaredHinge', 'tanh'],
  ['categoricalHinge', 'softmax'],
  ['kullbackLeiblerDivergence', 'softmax'],
  ['poisson', 'softplus'],
];

/** The engine's gradient of the batch loss (one step on every row), and the loss (with any penalty) as a function of the parameters. */
function probe(engine: 'wasm' | 'js', spec: ModelOptions<LayerSpec>, x: number[][], y: number[][], params?: Float64Array, weights?: Float64Array) {
  const net = checkSpec(spec);
  // Random weights and biases (not zero biases: a ReLU unit fed only zeros would sit exactly on its kink).
  params ??= Float64Array.from(randomRows(spec.seed! + 3, 1, parameterCount(net), -1, 1)[0]!);
  const rows = x.length;
  const xs = Float64Array.from(x.flat()), ys = Float64Array.from(y.flat());
  const ws = new Workspace(engine, net);
  const lossAt = (p: Float64Array) => {
    ws.params().set(p);
    return ws.run(xs, ys, rows, false, weights).loss;
  };
  ws.params().set(params);
  ws.setTrainingRows(xs, ys, rows, rows, weights);
  const { net: at, order, grads, count } = ws.layout;
  ws.engine.i32.set(Array.from({ length: rows }, (_, r) => r), order);
  const stepLoss = ws.engine.step(at, 0, rows);
  return { params, grads: ws.f64.slice(grads, grads + count), lossAt, stepLoss, ws };
}

/** Central differences of `loss` at every parameter, against `grads`, each within 1e-6 relative (absolute below 1). */
function expectFiniteDifferences(params: Float64Array, grads: Float64Array, loss: (p: Float64Array) => number): void {
  for (let i = 0; i < params.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(params[i]!));
    const up = Float64Array.from(params); up[i]! += h;
    const down = Float64Array.from(params); down[i]! -= h;
    const numeric = (loss(up) - loss(down)) / (2 * h);
    expect(Math.abs(grads[i]! - numeric), `parameter ${i}: analytic ${grads[i]} vs numeric ${numeric}`)
      .toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
  }
}

describe.each(['wasm', 'js'] as const)('%s engine: gradients equal finite differences', (engine) => {
  for (const depth of [1, 2, 3]) {
    for (const hidden of depth === 1 ? (['linear'] as Activation[]) : EVERY_ACTIVATION) {
      for (const [loss, output] of CASES) {
        it(`depth ${depth}, hidden ${hidden}, output ${output}, ${loss}`, () => {
          const seed = depth * 100 + EVERY_ACTIVATION.indexOf(hidden) * 10 + EVERY_ACTIVATION.indexOf(output) + LOSSES_SEEN.indexOf(loss) * 5;
          const spec = randomNetwork(seed, depth, hidden, output, loss);
          const outs = spec.layers[spec.layers.length - 1]!.units;
          const { range } = tamed(hidden);
          const x = randomRows(seed + 1, 5, spec.inputs, -2 * range, 2 * range);
          const { params, grads, lossAt } = probe(engine, spec, x, randomTargets(seed + 2, 5, outs, loss));
          expectFiniteDifferences(params, grads, lossAt);
        });
      }
    }
  }

  // Keras's sample_weight: the batch loss Σ w·loss / rows, with its gradient; and the losses' parameters
  it.each(CASES.filter(([loss], i) => CASES.findIndex(([l]) => l === loss) === i))('%s with row weights and its parameter: gradients equal finite differences', (loss, output) => {
    const spec = randomNetwork(7, 2, 'tanh', output, loss);
    const parameter = { huber: { delta: 0.4 }, binaryCrossentropy: { labelSmoothing: 0.2 }, categoricalCrossentropy: { labelSmoothing: 0.3 } }[loss as string];
    const outs = (spec.layers[spec.layers.length - 1] as { units: number }).units;
    const x = randomRows(8, 6, spec.inputs, -2, 2);
    const weights = Float64Array.from([0.5, 2, 0, 1, 3.25, 0.75]);
    const { params, grads, lossAt } = probe(engine, { ...spec, loss: parameter ? { name: loss, ...parameter } : loss }, x, randomTargets(9, 6, outs, loss), undefined, weights);
    expectFiniteDifferences(params, grads, lossAt);
  });

  it('l1 and l2 on kernels and biases: the penalty is in the loss, its gradient in the kernels\'', () => {
    for (const [seed, loss, output] of [[1, 'mse', 'linear'], [2, 'categoricalCrossentropy', 'softmax'], [3, 'binaryCrossentropy', 'sigmoid']] as const) {
      const base = randomNetwork(seed, 3, 'tanh', output, loss);
      const [first, second, last] = base.layers as [LayerSpec, LayerSpec, LayerSpec];
      const spec: ModelOptions<LayerSpec> = { ...base, layers: [{ ...first, kernelRegularizer: { l1: 0.03, l2: 0.02 }, biasRegularizer: 'l1' }, { ...second, kernelRegularizer: 'l2' }, { ...last, biasRegularizer: { l2: 0.5 } }] };
      const outs = (last as { units: number }).units;
      const x = randomRows(seed + 1, 6, base.inputs, -2, 2);
      const y = randomTargets(seed + 2, 6, outs, loss);
      const { params, grads, lossAt, stepLoss } = probe(engine, spec, x, y);
      expectFiniteDifferences(params, grads, lossAt);
      // The step's reported loss is the data loss plus the penalty, from the same parameters.
      const plain = probe(engine, base, x, y, params);
      expect(stepLoss).toBeGreaterThan(plain.stepLoss);
      expect(stepLoss).toBeCloseTo(lossAt(params), 12);
    }
  });

  it('binary cross-entropy on saturated outputs: the loss from the logit, the gradient ŷ − y', () => {
    // Weights of ±8 on inputs of ±3 put the logits near ±50, where σ rounds to 0 or 1 and a clip at
    // 1e-7 would report 16.1 and pass no gradient.
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 7 };
    const params = Float64Array.from([8, -8, -8, 8, 8, 8, 0.5, -0.5, 0.1, 2, 2, 2, 0.3]);
    const x = [[3, -3], [-3, 3], [3, 3], [2, -2]];
    const y = [[0], [0], [1], [1]]; // the first two rows are confidently wrong
    const { grads, lossAt, stepLoss, ws } = probe(engine, spec, x, y, params);
    // Row 1: hidden (48.5, 0, 0.1) (ReLU zeroes unit 1), z = 2·48.5 + 2·0.1 + 0.3 = 97.5, σ(z) = 1 in
    // f64 and the row's loss is −log(1 − σ(z)) = z + log(1 + e^(−z)) = 97.5 to the last digit.
    expect(ws.f64[ws.layout.layers[1]!.z]).toBe(97.5);
    // Row 2: z = 95.5 the same way; rows 3 and 4 are right by e^(−97.5) and e^(−65.5): the mean is
    // (97.5 + 95.5) / 4, where a clip at 1e-7 would report (16.1 + 16.1) / 4 and no gradient.
    expect(stepLoss).toBeCloseTo(48.25, 12);
    expectFiniteDifferences(params, grads, lossAt);
  });

  it('Dropout: the gradient of the forward pass written out with the mask the step drew', () => {
    const spec: ModelOptions<LayerSpec> = { inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { dropout: 0.5 }, { units: 2, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 4 };
    const x = randomRows(5, 3, 3, -2, 2);
    const y = [[0], [1], [1]];
    const { params, grads, stepLoss, ws } = probe(engine, spec, x, y);
    const { mask, units } = ws.layout.layers[0]!;
    const m = Array.from(ws.f64.subarray(mask, mask + 3 * units));
    expect(new Set(m)).toEqual(new Set([0, 2])); // kept units scaled by 1 / (1 − 0.5), some dropped
    // By hand: h = tanh(W₁x + b₁) ⊙ mask, z = W₂h + b₂, loss = mean of −log softmax(z)[y].
    const handLoss = (p: Float64Array) => {
      let total = 0;
      x.forEach((row, r) => {
        const h = [0, 1, 2, 3].map((u) => Math.tanh(p[12 + u]! + row.reduce((s, v, i) => s + p[u * 3 + i]! * v, 0)) * m[r * 4 + u]!);
        const z = [0, 1].map((k) => p[24 + k]! + h.reduce((s, v, u) => s + p[16 + k * 4 + u]! * v, 0));
        const top = Math.max(...z);
        total += Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0)) - (z[y[r]![0]!]! - top);
      });
      return total / x.length;
    };
    expect(stepLoss).toBeCloseTo(handLoss(params), 12);
    expectFiniteDifferences(params, grads, handLoss);
  });
});

const LOSSES_SEEN: readonly Loss[] = LOSSES;
