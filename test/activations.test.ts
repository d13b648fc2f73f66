// Each activation against known values (from Python's math module, independent of this code), its
// derivative against central differences, and the two engines against each other, bit for bit, over
// a million arguments — including erf, which neither Math nor WebAssembly has, so assembly/math.ts
// and src/engines/math.ts carry the same lines.
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, loadWasm, Model, type Activation } from '../src/node.js';
import { ACTIVATION_ROWS } from '../src/operations/activations.js';
import { openJsEngine } from '../src/engines/js.js';
import { openWasmEngine } from '../src/engines/wasm.js';
import { erf } from '../src/engines/math.js';
import { ulps } from './helpers.js';
import type { Engine } from '../src/engines/engine.js';
import { seeded } from '../src/random.js';

let wasm: Engine, js: Engine;
beforeAll(async () => {
  await loadWasm();
  wasm = openWasmEngine(64);
  js = openJsEngine(64);
});
const code = (name: string) => ACTIVATIONS.indexOf(name as never);
/** The activation's parameter at its default (leakyRelu's slope; the others take none, and ignore it). */
const alphaOf = (name: string) => ACTIVATION_ROWS[name as Activation].takes.alpha ?? 0;

// [activation, z, act(z), its parameter (default: the activation's own)] — python3: math.expm1, math.log1p, math.erf; Keras's formulas
const KNOWN: [string, number, number, number?][] = [
  ['linear', -2.5, -2.5],
  ['sigmoid', 1, 0.7310585786300049],
  ['tanh', 0.5, 0.46211715726000974],
  ['relu', -3, 0],
  ['relu', 3, 3],
  ['elu', -1, -0.6321205588285577],     // e⁻¹ − 1
  ['elu', 2, 2],
  ['selu', -1, -1.1113307378125625],    // λ·α·(e⁻¹ − 1)
  ['selu', 2, 2.101401974710961],       // λ·2
  ['softplus', 1, 1.3132616875182228],  // log(1 + e)
  ['softplus', -40, 4.248354255291589e-18], // log1p(e⁻⁴⁰): no cancellation to 0
  ['softplus', 800, 800],               // no overflow
  ['softsign', 3, 0.75],
  ['swish', 1, 0.7310585786300049],     // 1·σ(1)
  ['gelu', 1, 0.8413447460685429],      // 1·Φ(1)
  ['gelu', -1, -0.15865525393145707],
  ['gelu', 2, 1.9544997361036416],
  ['gelu', -3, -0.00404969409489031],
  ['relu6', 7.5, 6],
  ['relu6', 2.5, 2.5],
  ['leakyRelu', -2, -0.4],              // 0.2·(−2)
  ['leakyRelu', 1.5, 1.5],
  ['leakyRelu', -2, -0.2, 0.1],         // alpha 0.1: 0.1·(−2)
  ['leakyRelu', -3, -0, 0],             // alpha 0: relu's value, −0 as 0·(−3)
  ['hardSigmoid', 1, 0.6666666666666666], // relu6(4) / 6
  ['hardSigmoid', -4, 0],
  ['hardSwish', -1, -0.3333333333333333], // −1 · relu6(2) / 6
  ['hardSwish', 4, 4],
  ['mish', 1, 0.8650983882673103],       // tanh(log1p(e))
  ['mish', -2, -0.2525014826957089],     // −2 · tanh(log1p(e⁻²))
  ['exponential', 1, Math.E],
  ['exponential', -2, 0.1353352832366127],
];

describe('activations', () => {
  it('every activation in the contract has a known value here (softmax: a row of them, below)', () => {
    const known = new Set(KNOWN.map(([name]) => name));
    expect(ACTIVATIONS.filter((a) => a !== 'softmax' && !known.has(a))).toEqual([]);
  });

  it('softmax of a row: e^z / Σ e^z, on both engines', () => {
    // one layer, identity weights: the logits are the inputs
    const z = [1, 2, -0.5];
    const want = z.map((v) => Math.exp(v) / z.reduce((s, u) => s + Math.exp(u), 0));
    for (const engine of ['wasm', 'js'] as const) {
      const m = new Model({ inputs: 3, layers: [{ units: 3, activation: 'softmax' }], loss: 'categoricalCrossentropy', weights: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0]] });
      m.predict([z], { engine })[0]!.forEach((p, k) => expect(p).toBeCloseTo(want[k]!, 15));
    }
  });

  it.each(KNOWN)('%s(%d) on both engines (alpha %s)', (name, z, value, alpha) => {
    // 14 digits: gelu(−3) takes 1 + erf(−2.12…) = 0.0027…, Keras's formula, whose cancellation costs two
    for (const e of [wasm, js]) expect(e.activation(z, code(name), alpha ?? alphaOf(name))).toBeCloseTo(value, 14);
  });

  it.each(ACTIVATIONS.filter((a) => a !== 'softmax'))("%s′ equals the central difference of %s", (name) => {
    const act = code(name);
    // leakyRelu at its default slope and at others
    for (const alpha of name === 'leakyRelu' ? [alphaOf(name), 0, 0.01, 1.5] : [alphaOf(name)]) {
      for (const z of [-4.3, -1.7, -0.2, 0.3, 0.9, 2.6, 5.1]) {
        const h = 1e-6;
        const numeric = (js.activation(z + h, act, alpha) - js.activation(z - h, act, alpha)) / (2 * h);
        // relative past 1: e^5.1's quotient carries rounding of ~1e-16 · 164 / 1e-6
        for (const e of [wasm, js]) expect(Math.abs(e.activationDerivative(z, act, alpha) - numeric)).toBeLessThan(1e-8 * Math.max(1, Math.abs(numeric)));
      }
    }
  });

  it('softmax is a whole row\'s operation: one unit alone traps (wasm) or throws (js)', () => {
    expect(() => wasm.activation(1, code('softmax'), 0)).toThrow(WebAssembly.RuntimeError);
    expect(() => js.activation(1, code('softmax'), 0)).toThrow(/Unknown activation code/);
  });

  it('an unknown code traps (wasm) or throws (js)', () => {
    expect(() => wasm.activation(1, ACTIVATIONS.length, 0)).toThrow(WebAssembly.RuntimeError);
    expect(() => js.activation(1, ACTIVATIONS.length, 0)).toThrow(/Unknown activation code/);
    expect(() => wasm.activationDerivative(1, ACTIVATIONS.length, 0)).toThrow(WebAssembly.RuntimeError);
    expect(() => js.activationDerivative(1, ACTIVATIONS.length, 0)).toThrow(/Unknown activation code/);
  });

  it('both engines give the same bits for every activation and derivative over 10⁶ arguments', () => {
    const random = seeded(11);
    const names = ACTIVATIONS.filter((a) => a !== 'softmax');
    let differ = 0;
    for (let i = 0; i < 1_000_000; i++) {
      // mostly where the activations bend, some far out, some tiny
      const u = random();
      const z = i % 10 === 0 ? (u - 0.5) * 1400 : i % 10 === 1 ? (u - 0.5) * 1e-12 : (u - 0.5) * 16;
      const act = code(names[i % names.length]!), alpha = u * 2; // leakyRelu's slope from 0 to 2; the rest ignore it
      if (!Object.is(wasm.activation(z, act, alpha), js.activation(z, act, alpha))) differ++;
      if (!Object.is(wasm.activationDerivative(z, act, alpha), js.activationDerivative(z, act, alpha))) differ++;
    }
    expect(differ).toBe(0);
  });
});

describe('erf', () => {
  // python3 -c "import math; print(math.erf(z))": within an ulp, in each of the port's intervals and at
  // their edges (0.84375, 1.25, 1/0.35, 6), under 2^-28 and among the subnormals
  it.each([[0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3, 0.9999779095030014],
    [4.5, 0.9999999998033839], [-0.3, -0.3286267594591274], [1e-20, 1.1283791670955125e-20], [7, 1],
    [0.84375, 0.7672256612323416], [1.25, 0.9229001282564582], [2.857142857142857, 0.9999466876886117], [5.99, 1],
    [1e-310, 1.1283791670955e-310], [3.725290298461914e-9, 4.203539964167448e-9], [-1.1, -0.8802050695740817],
    [0.2, 0.22270258921047847], [2.5, 0.999593047982555]])('erf(%d)', (z, value) => {
    expect(ulps(erf(z), value)).toBeLessThanOrEqual(1);
  });

  it('is odd, monotone and within [−1, 1]; NaN and ±0 are their own', () => {
    let last = -1;
    for (let z = -7; z <= 7; z += 1 / 64) {
      const v = erf(z);
      expect(v).toBeGreaterThanOrEqual(last);
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
      expect(erf(-z)).toBe(-v);
      last = v;
    }
    expect(erf(NaN)).toBeNaN();
    expect(Object.is(erf(-0), -0)).toBe(true);
  });
});
