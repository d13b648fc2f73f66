// The tutorial's two tasks against the backprop formulas of the 2-2-1 network written out by hand
// (the same per-weight formulas as the README), independent of the engines' layout and kernels.
import { describe, expect, it } from 'vitest';
import { datasets, Model, type EngineKind } from '../src/node.js';
import { maxRelativeDiff } from './helpers.js';

interface Net { W1: number[][]; b1: number[]; W2: number[]; b2: number } // W1[input][hidden], W2[hidden]

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** One per-row SGD step of the 2-2-1 network; returns the row's loss before the update. */
function handStep(n: Net, x: number[], y: number, lr: number, classify: boolean): number {
  const act = classify ? sigmoid : (z: number) => z;
  const h = [0, 1].map((j) => act(x[0]! * n.W1[0]![j]! + x[1]! * n.W1[1]![j]! + n.b1[j]!));
  const yhat = act(h[0]! * n.W2[0]! + h[1]! * n.W2[1]! + n.b2);
  // dL/dz₂ at the output: regression −2(y − ŷ) (linear output); classification ŷ − y (sigmoid + BCE)
  const d2 = classify ? yhat - y : -2 * (y - yhat);
  const loss = classify ? -y * Math.log(yhat) - (1 - y) * Math.log(1 - yhat) : (y - yhat) ** 2;
  // dL/dz₁ⱼ = d2 · W2[j] · act'(z₁ⱼ), with the forward pass's W2
  const d1 = [0, 1].map((j) => d2 * n.W2[j]! * (classify ? h[j]! * (1 - h[j]!) : 1));
  for (const j of [0, 1]) {
    n.W2[j]! -= lr * d2 * h[j]!;
    n.b1[j]! -= lr * d1[j]!;
    for (const i of [0, 1]) n.W1[i]![j]! -= lr * d1[j]! * x[i]!;
  }
  n.b2 -= lr * d2;
  return loss;
}

function handRun(name: 'package' | 'placement'): { loss: number[]; weights: number[] } {
  const d = datasets[name];
  const n: Net = { W1: [[0.1, 0.1], [0.1, 0.1]], b1: [0, 0], W2: [0.1, 0.1], b2: 0 };
  const loss: number[] = [];
  for (let e = 0; e < d.fit.epochs; e++) {
    let total = 0;
    d.x.forEach((x, r) => { total += handStep(n, x, d.y[r]!, d.fit.learningRate, name === 'placement'); });
    loss.push(total / d.x.length);
  }
  return { loss, weights: [...n.W1.flat(), ...n.b1, ...n.W2, n.b2] };
}

async function engineRun(name: 'package' | 'placement', engine: EngineKind, epochs?: number) {
  const d = datasets[name];
  const model = new Model(d.model);
  const history = await model.fit(d.x, d.y, { ...d.fit, epochs: epochs ?? d.fit.epochs, engine });
  return { loss: history.loss, weights: model.getWeights().flat(2) };
}

describe.each(['wasm', 'js'] as const)('tutorial tasks on the %s engine', (engine) => {
  it('package: the first step matches the numbers worked by hand', async () => {
    // Row (8, 8 → 4), all weights 0.1: h = 0.8 + 0.8 = 1.6, ŷ = 0.1·1.6·2 = 0.32, L = 3.68² = 13.5424,
    // dL/dŷ = −7.36; W2 ← 0.1 + 0.001·7.36·1.6 = 0.111776, b2 ← 0.00736,
    // W1 ← 0.1 + 0.001·7.36·0.1·8 = 0.105888, b1 ← 0.000736.
    const d = datasets.package;
    const model = new Model(d.model);
    const h = await model.fit([d.x[0]!], [d.y[0]!], { ...d.fit, epochs: 1, engine });
    expect(h.loss[0]).toBeCloseTo(13.5424, 12);
    const expected = [0.105888, 0.105888, 0.105888, 0.105888, 0.000736, 0.000736, 0.111776, 0.111776, 0.00736];
    expect(maxRelativeDiff(model.getWeights().flat(2), expected)).toBeLessThan(1e-12);
  });

  it('placement: the first step matches σ worked by hand', async () => {
    // Row (8, 8 → 1): z₁ = 1.6, h = σ(1.6), ŷ = σ(0.2·h), L = −log ŷ, dL/dz₂ = ŷ − 1.
    const h = sigmoid(1.6), yhat = sigmoid(0.2 * h), d2 = yhat - 1, lr = 0.0001;
    const d1 = d2 * 0.1 * h * (1 - h);
    const d = datasets.placement;
    const model = new Model(d.model);
    const hist = await model.fit([d.x[0]!], [d.y[0]!], { ...d.fit, epochs: 1, engine });
    expect(maxRelativeDiff(hist.loss, [-Math.log(yhat)])).toBeLessThan(1e-14);
    const w1 = 0.1 - lr * d1 * 8, b1 = -lr * d1, w2 = 0.1 - lr * d2 * h, b2 = -lr * d2;
    expect(maxRelativeDiff(model.getWeights().flat(2), [w1, w1, w1, w1, b1, b1, w2, w2, b2])).toBeLessThan(1e-13);
  });

  it.each(['package', 'placement'] as const)('%s: every epoch of the tutorial run matches the hand formulas', async (name) => {
    const hand = handRun(name);
    const run = await engineRun(name, engine);
    expect(maxRelativeDiff(run.loss, hand.loss)).toBeLessThan(1e-12);
    expect(maxRelativeDiff(run.weights, hand.weights)).toBeLessThan(1e-12);
  });
});
