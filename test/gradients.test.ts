// Finite-difference checks: the gradient the kernels accumulate in GRADS during a step equals the
// central difference of the batch loss, for every hidden activation × output activation × loss
// on random networks of depth 1–3, on both engines.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm, type Activation, type Loss } from '../src/node.js';
import { checkSpec, parameterCount } from '../src/spec.js';
import { Workspace } from '../src/workspace.js';
import { EVERY_ACTIVATION, randomNetwork, randomRows } from './helpers.js';

beforeAll(async () => { await loadWasm(); });

const CASES: [Loss, Activation][] = [
  ...EVERY_ACTIVATION.map((a): [Loss, Activation] => ['mse', a]),
  ['binaryCrossentropy', 'sigmoid'],
];

/** The engine's gradient of the batch loss, and the loss as a function of the parameters. */
function probe(engine: 'wasm' | 'js', spec: ReturnType<typeof randomNetwork>, x: number[][], y: number[][]) {
  const net = checkSpec(spec);
  // Random weights and biases (not zero biases: a ReLU unit fed only zeros would sit exactly on its kink).
  const params = Float64Array.from(randomRows(spec.seed! + 3, 1, parameterCount(net), -1, 1)[0]!);
  const rows = x.length;
  const xs = Float64Array.from(x.flat()), ys = Float64Array.from(y.flat());
  const ws = new Workspace(engine, net);
  const lossAt = (p: Float64Array) => {
    ws.params().set(p);
    return ws.run(xs, ys, rows).loss;
  };
  ws.params().set(params);
  ws.setTrainingRows(xs, ys, rows, rows);
  const { net: at, order, grads, count } = ws.layout;
  ws.engine.i32.set(Array.from({ length: rows }, (_, r) => r), order);
  ws.engine.step(at, 0, rows);
  return { params, grads: ws.f64.slice(grads, grads + count), lossAt };
}

describe.each(['wasm', 'js'] as const)('%s engine: gradients equal finite differences', (engine) => {
  for (const depth of [1, 2, 3]) {
    for (const hidden of depth === 1 ? (['linear'] as Activation[]) : EVERY_ACTIVATION) {
      for (const [loss, output] of CASES) {
        it(`depth ${depth}, hidden ${hidden}, output ${output}, ${loss}`, () => {
          const seed = depth * 100 + EVERY_ACTIVATION.indexOf(hidden) * 10 + EVERY_ACTIVATION.indexOf(output) + (loss === 'mse' ? 0 : 5);
          const spec = randomNetwork(seed, depth, hidden, output, loss);
          const outs = spec.layers[spec.layers.length - 1]!.units;
          const x = randomRows(seed + 1, 5, spec.inputs, -2, 2);
          const y = loss === 'mse' ? randomRows(seed + 2, 5, outs) : x.map((_, r) => [r % 2]);
          const { params, grads, lossAt } = probe(engine, spec, x, y);
          for (let i = 0; i < params.length; i++) {
            const h = 1e-6 * Math.max(1, Math.abs(params[i]!));
            const up = Float64Array.from(params); up[i]! += h;
            const down = Float64Array.from(params); down[i]! -= h;
            const numeric = (lossAt(up) - lossAt(down)) / (2 * h);
            expect(Math.abs(grads[i]! - numeric), `parameter ${i}: analytic ${grads[i]} vs numeric ${numeric}`)
              .toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
          }
        });
      }
    }
  }
});
