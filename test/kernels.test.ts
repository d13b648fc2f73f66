// The kernels as kernels: an unknown code fails loudly, a host refuses kernels from another contract,
// and each blocked or fused kernel gives its plain reference loop's numbers to the bit. Each
// operation's known values are test/operations.test.ts's, which iterates the operation rows.
import { readFile } from 'node:fs/promises';
import asc from 'assemblyscript/asc';
import { instantiateSync } from '@assemblyscript/loader';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, contractHash } from '../src/contract.js';
import { ACTIVATION_LIST } from '../src/operations/activations.js';
import { LAYER, NET } from '../src/layout.js';
import { BackpropError, loadWasm, Model } from '../src/node.js';
import { checkSpec } from '../src/spec.js';
import { Workspace } from '../src/workspace.js';
import { KERNEL_IMPORTS } from '../src/engines/wasm.js';
import { seeded } from '../src/random.js';
import { ddPow, exp, expTable, expm1, log, log1p, powerStep, tanh } from '../src/engines/math.js';
import { ulps } from './helpers.js';

let wasmModule: WebAssembly.Module;
beforeAll(async () => { wasmModule = await loadWasm(); });

// Each activation, loss and optimizer against known values: test/operations.test.ts, driven by the rows.

describe('an unknown code fails loudly', () => {
  const spec = { inputs: 2, layers: [{ units: 2 }, { units: 1 }], loss: 'mse' as const };
  /** A workspace whose descriptor says `value` in the given slot, with two rows ready to run. */
  const corrupt = (engine: 'wasm' | 'js', write: (i32: Int32Array, ws: Workspace) => void) => {
    const ws = new Workspace(engine, checkSpec(spec));
    ws.setTrainingRows(new Float64Array([1, 2, 3, 4]), new Float64Array([1, 2]), 2, 1);
    ws.engine.i32.set([0, 1], ws.layout.order);
    write(ws.engine.i32, ws);
    return ws;
  };
  const activation = (i32: Int32Array, ws: Workspace) => { i32[ws.layout.net + NET_SLOTS_LENGTH + LAYER.ACT] = 99; };
  const loss = (i32: Int32Array, ws: Workspace) => { i32[ws.layout.net + NET.LOSS] = 99; };
  const optimizer = (i32: Int32Array, ws: Workspace) => { i32[ws.layout.net + NET.OPTIMIZER] = 99; };
  const clipping = (i32: Int32Array, ws: Workspace) => { i32[ws.layout.net + NET.CLIPPING] = 99; };
  const NET_SLOTS_LENGTH = Object.keys(NET).length;

  it('the WASM kernels trap on an unknown activation, loss, optimizer or clipping code', () => {
    const run = (write: typeof loss, batch: number) => () => { const ws = corrupt('wasm', write); ws.engine.step(ws.layout.net, 0, batch); };
    expect(run(activation, 1)).toThrow(/unreachable/);
    expect(run(loss, 1)).toThrow(/unreachable/);
    expect(run(optimizer, 2)).toThrow(/unreachable/);
    expect(run(clipping, 2)).toThrow(/unreachable/);
  });

  it('the JS engine throws, naming what is unknown', () => {
    const run = (write: typeof loss, batch: number) => () => { const ws = corrupt('js', write); ws.engine.step(ws.layout.net, 0, batch); };
    expect(run(activation, 1)).toThrow('Unknown activation code 99');
    expect(run(loss, 1)).toThrow('Unknown loss code 99');
    expect(run(optimizer, 2)).toThrow('Unknown optimizer code 99');
    expect(run(clipping, 2)).toThrow('Unknown clipping code 99');
  });

  it('a name the contract lacks never reaches the kernels', () => {
    expect(() => new Model({ inputs: 1, layers: [{ units: 1, activation: 'swishy' as never }], loss: 'mse' })).toThrow(BackpropError);
  });

  it('kernels built from another contract are refused when they load', async () => {
    const { binary, stderr } = await asc.compileString(
      'export const CONTRACT: u32 = 0x12345678;\nexport function reserve(bytes: usize): usize { return 16; }',
      { optimizeLevel: 0, runtime: 'stub' },
    );
    expect(stderr.toString()).toBe('');
    try {
      await loadWasm(binary!);
      expect(() => new Workspace('wasm', checkSpec(spec))).toThrow(`built from another contract (12345678, this host has ${contractHash().toString(16)})`);
    } finally {
      await loadWasm(wasmModule);
    }
  });
});

describe('blocked kernels equal their reference loops, to the bit', () => {
  type Exports = { memory: WebAssembly.Memory; reserve(n: number): number } & Record<string, (...a: number[]) => void>;
  let k: Exports;
  let f: Float64Array;
  beforeAll(() => {
    k = instantiateSync<Exports>(wasmModule, KERNEL_IMPORTS).exports;
    const base = k.reserve(1 << 20) / 8;
    f = new Float64Array(k.memory.buffer, base * 8);
  });
  /** Random rows, inputs and units, covering every remainder of the blocking (2 rows, 2 units, 4 inputs). */
  const shapes = Array.from({ length: 40 }, (_, i) => {
    const r = seeded(100 + i);
    return { rows: 1 + Math.floor(r() * 7), inputs: 1 + Math.floor(r() * 13), units: 1 + Math.floor(r() * 9), seed: i };
  }).concat(
    // batches past dense_gradient's blocks of 16 rows (its sums carried over between them), whole and not
    [{ rows: 16, inputs: 8, units: 3, seed: 40 }, { rows: 17, inputs: 13, units: 4, seed: 41 }, { rows: 33, inputs: 4, units: 5, seed: 42 }, { rows: 45, inputs: 11, units: 2, seed: 43 }],
  );
  const fill = (seed: number, n: number) => { const r = seeded(seed); for (let i = 0; i < n; i++) f[i] = 4 * r() - 2; };
  const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.slice().buffer));
  const at = (i: number) => (f.byteOffset / 8 + i) * 8;

  it.each(shapes)('dense_forward, $rows rows × $inputs inputs → $units units', ({ rows, inputs, units, seed }) => {
    // inp [rows][inputs] | w [units][inputs] | b [units] | out ×2
    const inp = 0, w = rows * inputs, b = w + units * inputs, out1 = b + units, out2 = out1 + rows * units;
    // every activation activate computes (softmax, a pass over whole rows, and leakyRelu, with its layer's slope, follow a linear dense_forward)
    for (const act of ACTIVATIONS.keys()) {
      if (ACTIVATION_LIST[act]!.kernel !== 'activate') continue;
      fill(seed, out1);
      k.denseForward!(at(out1), at(inp), at(w), at(b), rows, inputs, units, act);
      k.denseForwardReference!(at(out2), at(inp), at(w), at(b), rows, inputs, units, act);
      expect(bits(f.subarray(out1, out2))).toEqual(bits(f.subarray(out2, out2 + rows * units)));
    }
  });

  // z's edge cases, through every path of the forward (under 4 inputs and over, one row and two):
  // zeros of both signs, NaN, infinities, subnormals, and exp's range edges, where the two-lane exp
  // hands its lanes to exp() one by one. z = b + w·x with w = −0, x = 1: the dot product is a zero.
  // (15 of them: an odd unit too, which the forward under four inputs takes two rows at a time)
  const SPECIAL = [-0, 0, NaN, Infinity, -Infinity, 5e-324, -1e-310, 708, -708.5, 709.9, -745.5, 800, 1e300, -1e300, -0.5];
  it.each([[1, 1], [2, 2], [3, 3], [2, 5], [1, 8]])('dense_forward, %d rows × %d inputs, z at the edges of every activation', (rows, inputs) => {
    const units = SPECIAL.length;
    const inp = 0, w = rows * inputs, b = w + units * inputs, out1 = b + units, out2 = out1 + rows * units;
    f.fill(1, inp, w);
    f.fill(-0, w, b);
    f.set(SPECIAL, b);
    for (const act of ACTIVATIONS.keys()) {
      if (ACTIVATION_LIST[act]!.kernel !== 'activate') continue;
      k.denseForward!(at(out1), at(inp), at(w), at(b), rows, inputs, units, act);
      k.denseForwardReference!(at(out2), at(inp), at(w), at(b), rows, inputs, units, act);
      // any NaN as one: WebAssembly leaves a NaN result's sign and payload open (x86's max gives
      // another than V8's scalar max), and a number in JS cannot tell them apart
      const same = (a: Float64Array) => bits(a.map((v) => (Number.isNaN(v) ? NaN : v)));
      expect(same(f.subarray(out1, out2)), ACTIVATIONS[act]).toEqual(same(f.subarray(out2, out2 + rows * units)));
    }
  });

  it.each(shapes)('dense_backward, $rows rows × $inputs inputs → $units units', ({ rows, inputs, units, seed }) => {
    // dout [rows][units] | inp [rows][inputs] | w [units][inputs] | then twice: gw, gb, din
    const dout = 0, inp = rows * units, w = inp + rows * inputs, first = w + units * inputs;
    const size = units * inputs + units + rows * inputs;
    fill(seed + 1000, first);
    const run = (kernel: string, o: number) => k[kernel]!(at(o + units * inputs + units), at(o), at(o + units * inputs), at(dout), at(inp), at(w), rows, inputs, units);
    run('denseBackward', first);
    run('denseBackwardReference', first + size);
    expect(bits(f.subarray(first, first + size))).toEqual(bits(f.subarray(first + size, first + 2 * size)));
  });
});

describe('the fused backward and SGD update equals its reference loop, to the bit', () => {
  type Exports = { memory: WebAssembly.Memory; reserve(n: number): number } & Record<string, (...a: number[]) => number>;
  const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.slice().buffer));
  // narrow and wide layers (the wide path, ≥ 32 inputs, skips the check of tame units), with and
  // without din (the first layer has none), and inputs that are not finite, which must say NaN
  it.each([[1, 1, 0], [3, 5, 1], [7, 4, 2], [31, 3, 3], [32, 2, 4], [45, 5, 5], [64, 1, 6]])('%d inputs → %d units (seed %d)', async (inputs, units, seed) => {
    const scalar = await WebAssembly.compile(await readFile(new URL('../build/backprop-scalar.wasm', import.meta.url)));
    for (const module of [wasmModule, scalar]) {
      const k = instantiateSync<Exports>(module, KERNEL_IMPORTS).exports;
      // dout [units] | inp [inputs] | then twice: din [inputs], w [units][inputs], b [units]
      const size = inputs + units * inputs + units, first = units + inputs;
      const base = k.reserve((first + 2 * size) * 8);
      const f = new Float64Array(k.memory.buffer, base, first + 2 * size);
      const at = (i: number) => base + i * 8;
      for (const poison of [undefined, NaN, Infinity]) {
        for (const withDin of [true, false]) {
          const r = seeded(seed);
          for (let i = 0; i < first + size; i++) f[i] = 4 * r() - 2;
          if (poison !== undefined) f[units + Math.floor(inputs / 2)] = poison;
          f.copyWithin(first + size, first, first + size);
          const run = (name: string, o: number) => k[name]!(withDin ? at(o) : 0, at(0), at(units), at(o + inputs), at(o + inputs + units * inputs), inputs, units, 0.3);
          const fast = run('denseBackwardUpdate', first), plain = run('denseBackwardUpdateReference', first + size);
          expect(Number.isNaN(fast)).toBe(Number.isNaN(plain));
          expect(Number.isNaN(plain)).toBe(poison !== undefined);
          expect(bits(f.subarray(first, first + size))).toEqual(bits(f.subarray(first + size, first + 2 * size)));
        }
      }
    }
  });
});

describe("the SIMD kernels of the activations and optimizers: the scalar build's bits, and their plain reference loops' bits in both builds", () => {
  // The SIMD build takes two elements per instruction for some activations (forward: every one activate
  // computes; backward: sigmoid, tanh, relu, swish and softsign) and for sgd, adam and rmsprop's
  // updates, handing the odd element to the kernel's plain reference loop (*Reference). d, a and z at
  // their edges: zeros of both signs, NaN, infinities, a subnormal, and beyond exp's fast range.
  type Exports = {
    memory: WebAssembly.Memory; reserve(n: number): number;
    activationForward(a: number, z: number, rows: number, units: number, act: number, alpha: number): void;
    activationBackward(d: number, a: number, z: number, rows: number, units: number, act: number, alpha: number): void;
    activationForwardReference(a: number, z: number, n: number, act: number): void;
    activationBackwardReference(d: number, a: number, z: number, n: number, act: number): void;
  } & Record<string, (...a: number[]) => number>;
  const builds: Record<string, Exports> = {};
  beforeAll(async () => {
    const scalar = await WebAssembly.compile(await readFile(new URL('../build/backprop-scalar.wasm', import.meta.url)));
    builds.simd = instantiateSync<Exports>(wasmModule, KERNEL_IMPORTS).exports;
    builds.scalar = instantiateSync<Exports>(scalar, KERNEL_IMPORTS).exports;
  });
  const edges = [-0, 0, NaN, Infinity, -Infinity, 5e-324, -1, 1, 0.5, 2, 710, -746];
  const r = seeded(21);
  // every (d, a) pair of edges, then random ones; z = a (only the derivatives that need z read it)
  const d = [...edges.flatMap((e) => edges.map(() => e)), ...Array.from({ length: 60 }, () => 4 * r() - 2)];
  const a = [...edges.flatMap(() => edges), ...Array.from({ length: 60 }, () => 4 * r() - 2)];
  const n = d.length;
  // any NaN as one (see the forward's edge test above)
  const same = (f: Float64Array) => Array.from(new BigUint64Array(f.map((v) => (Number.isNaN(v) ? NaN : v)).buffer));
  const elementwise = [...ACTIVATIONS.keys()].filter((act) => ACTIVATION_LIST[act]!.kernel === 'activate');

  it('every elementwise activation, d, a and z at their edges and at random: the SIMD build gives the scalar build\'s bits', () => {
    const run = (k: Exports, act: number) => {
      const base = k.reserve(4 * n * 8);
      const f = new Float64Array(k.memory.buffer, base, 4 * n);
      f.set(d, 0); f.set(a, n); f.set(a, 2 * n);
      k.activationBackward(base, base + n * 8, base + 2 * n * 8, 1, n, act, 0.3);
      k.activationForward(base + 3 * n * 8, base + 2 * n * 8, 1, n, act, 0.3);
      return { backward: same(f.slice(0, n)), forward: same(f.slice(3 * n)) };
    };
    for (const act of ACTIVATIONS.keys()) {
      if (ACTIVATION_LIST[act]!.rowWise) continue;
      expect(run(builds.simd!, act), ACTIVATIONS[act]).toEqual(run(builds.scalar!, act));
    }
  });

  // lengths with and without an odd element, starting on a 16-byte boundary and 8 bytes past one
  const cuts = [1, 2, 3, 7, n - 1, n].flatMap((length) => [0, 1].map((offset) => ({ length, offset })));

  // The SIMD build's: the scalar build's kernels run the reference loops whole (nothing to compare)
  it('SIMD build: activation_forward and activation_backward equal their reference loops, every elementwise activation', () => {
    const k = builds.simd!;
    // d, a, z, then each kernel's output twice (fast, reference), each n + 2 doubles apart: the same alignment
    const stride = n + 2, base = k.reserve(7 * stride * 8);
    for (const { length, offset } of cuts) {
      const f = new Float64Array(k.memory.buffer, base, 7 * stride);
      const at = (region: number) => base + (region * stride + offset) * 8;
      const view = (region: number) => f.subarray(region * stride + offset, region * stride + offset + length);
      const from = (n - length) >> 1; // a window mixing the edges and the random values
      for (const act of elementwise) {
        view(0).set(d.slice(from, from + length)); view(1).set(a.slice(from, from + length)); view(2).set(a.slice(from, from + length));
        view(3).set(view(0)); view(4).set(view(0));
        k.activationBackward(at(3), at(1), at(2), 1, length, act, 0.3);
        k.activationBackwardReference(at(4), at(1), at(2), length, act);
        k.activationForward(at(5), at(2), 1, length, act, 0.3);
        k.activationForwardReference(at(6), at(2), length, act);
        const what = `${ACTIVATIONS[act]}, ${length} elements from +${offset}`;
        expect(same(view(3)), `backward, ${what}`).toEqual(same(view(4)));
        expect(same(view(5)), `forward, ${what}`).toEqual(same(view(6)));
      }
    }
  });

  // Each update's variants: its arrays (params, grads, then its state) and hyperparameters, as the kernel takes them.
  const UPDATES = [
    { kernel: 'sgdUpdate', variant: 'momentum 0', arrays: 3, hyper: [0.1, 0, 0] },
    { kernel: 'sgdUpdate', variant: 'momentum 0.9', arrays: 3, hyper: [0.1, 0.9, 0] },
    { kernel: 'sgdUpdate', variant: 'momentum 0.9, Nesterov', arrays: 3, hyper: [0.1, 0.9, 1] },
    // lr, β₁, β₂, ε, β₁ᵗ, β₂ᵗ
    { kernel: 'adamUpdate', variant: 't = 1', arrays: 4, hyper: [0.01, 0.9, 0.999, 1e-7, 0.9, 0.999] },
    { kernel: 'adamUpdate', variant: 't = 7, ε 0.5', arrays: 4, hyper: [0.3, 0.8, 0.99, 0.5, 0.8 ** 7, 0.99 ** 7] },
    // lr, ρ, momentum, ε
    { kernel: 'rmspropUpdate', variant: 'momentum 0', arrays: 4, hyper: [0.01, 0.9, 0, 1e-7] },
    { kernel: 'rmspropUpdate', variant: 'momentum 0.5', arrays: 4, hyper: [0.01, 0.8, 0.5, 1e-3] },
  ];
  const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 5e-324, 1e300, -1e-310];

  it.each(UPDATES)('SIMD build: $kernel, $variant, equals its reference loop (the scalar build runs the loop itself)', ({ kernel, arrays, hyper }) => {
    const k = builds.simd!;
    const stride = 34, base = k.reserve(2 * arrays * stride * 8);
    for (const { length, offset } of [1, 2, 3, 8, 13, 33].flatMap((length) => [0, 1].map((offset) => ({ length, offset })))) {
      for (const special of [false, true]) {
        const f = new Float64Array(k.memory.buffer, base, 2 * arrays * stride);
        const at = (copy: number, array: number) => base + ((copy * arrays + array) * stride + offset) * 8;
        const copy = (c: number) => f.slice(c * arrays * stride, (c + 1) * arrays * stride);
        const random = seeded(length * 2 + offset);
        f.fill(0);
        for (let j = 0; j < arrays; j++) {
          for (let i = 0; i < length; i++) {
            // the state after the grads (momentums, velocities) ≥ 0 where a square root reads it
            const value = j >= 2 ? 2 * random() : 4 * random() - 2;
            f[j * stride + offset + i] = special && j <= 1 && i % 3 === j ? SPECIAL[(i + j) % SPECIAL.length]! : value;
          }
        }
        f.copyWithin(arrays * stride, 0, arrays * stride);
        const args = (c: number) => [...Array.from({ length: arrays }, (_, j) => at(c, j)), length, ...hyper];
        const fast = k[kernel]!(...args(0)), plain = k[`${kernel}Reference`]!(...args(1));
        const what = `${length} parameters from +${offset}${special ? ', specials among them' : ''}`;
        expect(same(copy(0)), what).toEqual(same(copy(1)));
        expect(Number.isNaN(fast) ? NaN : fast, what).toBe(Number.isNaN(plain) ? NaN : plain);
        if (!special) expect(fast, what).toBe(0);
      }
    }
  });
});

describe("the bias corrections' powers βᵗ: the kernels' running products, the JS engine's to the bit, round as the power by squaring", () => {
  // A running product of a million factors, kept in double-double, against ddPow (squaring in
  // double-double, within an ulp of the exact power) and Math.pow (each host's own, independent):
  // for Adam's β (0.9, 0.999), Nadam's 0.96, Keras's test values (0.85, 0.95, 0.67) and a spread of others.
  it('every t up to 1,000,000', () => {
    const k = instantiateSync<{ memory: WebAssembly.Memory; reserve(n: number): number; powerStep(at: number, x: number): number }>(wasmModule, KERNEL_IMPORTS).exports;
    const base = k.reserve(16);
    const problems: string[] = [];
    for (const beta of [0.9, 0.999, 0.96, 0.85, 0.95, 0.67, 0.5, 0.99, 0.3, 0.123456789, 1, 0]) {
      const kernels = new Float64Array(k.memory.buffer, base, 2), twin = new Float64Array(2);
      kernels.set([1, 0]);
      twin.set([1, 0]);
      for (let t = 1; t <= 1_000_000; t++) {
        const ours = k.powerStep(base, beta), theirs = powerStep(twin, 0, beta);
        if (!Object.is(ours, theirs) || !Object.is(kernels[1], twin[1])) problems.push(`${beta}^${t}: kernels ${ours} (low ${kernels[1]}), JS engine ${theirs} (low ${twin[1]})`);
        if (t > 2000 && t % 97 !== 0) continue;
        const [hi, lo] = ddPow(beta, t), squared = hi + lo;
        // Under 2⁻¹⁰⁰⁰ the split products underflow and the two may part; there 1 − βᵗ is 1 either way.
        const same = ours >= 2 ** -1000 || squared >= 2 ** -1000 ? Object.is(ours, squared) && ulps(ours, Math.pow(beta, t)) <= 1 : 1 - ours === 1 && 1 - squared === 1;
        if (!same) problems.push(`${beta}^${t}: running product ${ours}, squaring ${squared}, Math.pow ${Math.pow(beta, t)}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });
});

describe("exp and log: the kernels' and the JS engine's agree to the bit, within an ulp of Math's", () => {
  // Math.exp (fdlibm's rational approximation) is an independent exp: both are within an ulp of e^x.
  // log is fdlibm's, bit for bit Node 20's Math.log; a host whose Math.log is another library's
  // (newer V8s take LLVM's) may differ by an ulp.
  it('over a million arguments across their ranges, the range edges among them', () => {
    const k = instantiateSync<{ exp(x: number): number; log(x: number): number }>(wasmModule, KERNEL_IMPORTS).exports;
    const r = seeded(7);
    const special = [0, -0, 1, -1, 0.5, 708, -708, 708.0000001, -708.0000001, 709.78, 709.79, 709.8, -745.1, -745.2, -746,
      1e-300, 5e-324, Infinity, -Infinity, NaN, 1e308, 2, 1 + 1e-12];
    const problems: string[] = [];
    let worst = 0;
    const check = (x: number) => {
      const e = k.exp(x);
      if (!Object.is(e, exp(x))) problems.push(`exp(${x}): kernels ${e}, JS engine ${exp(x)}`);
      worst = Math.max(worst, ulps(e, Math.exp(x)));
      const y = Math.abs(x);
      if (!Object.is(k.log(y), log(y))) problems.push(`log(${y}): kernels ${k.log(y)}, JS engine ${log(y)}`);
      worst = Math.max(worst, ulps(log(y), Math.log(y)));
    };
    special.forEach(check);
    for (let i = 0; i < 1_000_000; i++) {
      const u = r();
      check([1500 * u - 750, 8 * u - 4, 1e-6 * (u - 0.5), Math.exp(1400 * u - 700)][i % 4]!);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("its table holds 2^(i/128): (head + tail)^128 is 2^i to 2^-96, in exact integer arithmetic", () => {
    const table = expTable();
    // head + tail = m / 2^120 exactly (the tails are above 2^-120 and have 53 bits)
    const scaled = (x: number) => {
      const [hi, lo] = new Uint32Array(new Float64Array([x]).buffer).reverse() as unknown as [number, number];
      const exponent = ((hi >>> 20) & 0x7ff) - 1075, mantissa = (BigInt((hi & 0xfffff) | 0x100000) << 32n) | BigInt(lo);
      const v = exponent + 120 >= 0 ? mantissa << BigInt(exponent + 120) : mantissa >> BigInt(-(exponent + 120));
      return x < 0 ? -v : v;
    };
    for (let i = 0; i < 128; i++) {
      const m = scaled(table[2 * i]!) + (table[2 * i + 1] === 0 ? 0n : scaled(table[2 * i + 1]!));
      const power = m ** 128n, exact = 1n << BigInt(i + 120 * 128);
      const error = Number(((power - exact) << 100n) / exact) / 2 ** 100;
      expect(Math.abs(error), `2^(${i}/128)`).toBeLessThan(2 ** -96);
      expect(ulps(table[2 * i]!, 2 ** (i / 128)), `2^(${i}/128)'s head`).toBeLessThanOrEqual(1);
    }
  });
});

describe("expm1, tanh and log1p: the kernels' and the JS engine's agree to the bit, within an ulp of Math's", () => {
  // All three are fdlibm's, ported line for line. Math's are the independent reference: on Node 20
  // they are fdlibm's too and the bits match exactly; a host whose Math.tanh or Math.log1p is another
  // library's may differ by an ulp, hence the bound of one ulp.
  it.each([['expm1', expm1, Math.expm1], ['tanh', tanh, Math.tanh], ['log1p', log1p, Math.log1p]] as const)('%s over a million arguments, its branches\' edges among them', (name, port, reference) => {
    const k = instantiateSync<Record<string, (x: number) => number>>(wasmModule, KERNEL_IMPORTS).exports;
    const kernel = k[name]!;
    // |x| = 2^-54, 2^-29 and 2^-28 (x or nearly), ln2/2 and 3·ln2/2 (expm1's reductions), 1 and 22
    // (tanh's formulas), 56·ln2 (expm1 is −1), 709.78 (overflow), √2/2 − 1 and √2 − 1 (log1p's
    // f = x), 2^53 (log1p drops its correction), and the specials
    // expm1's method bounds (doubles whose low words are 0) and their halves (tanh's y = ±2|x|)
    const word = (hi: number) => new Float64Array(new BigUint64Array([BigInt(hi) << 32n]).buffer)[0]!;
    const bounds = [0x3fd62e43, 0x3ff0a2b2, 0x4043687a, 0x40862e42].map(word);
    const edges = [0, 5e-324, 1e-300, 2 ** -54, 2 ** -29, 2 ** -28, Math.LN2 / 2, 1.5 * Math.LN2, 1, 22, 56 * Math.LN2, 709.78, 709.79, 800,
      Math.SQRT1_2 - 1, Math.SQRT2 - 1, 2 ** 53, 1e300, Infinity, NaN, ...bounds, ...bounds.map((b) => b / 2)];
    const args = edges.flatMap((e) => [e, -e, e * (1 + 1e-15), -e * (1 - 1e-15)]);
    const r = seeded(13);
    for (let i = 0; i < 1_000_000; i++) {
      const u = r();
      args.push([1420 * u - 710, 8 * u - 4, 2 * u - 1, 1e-7 * (u - 0.5), 60 * u - 30][i % 5]!);
    }
    const problems: string[] = [];
    let worst = 0;
    for (const x of args) {
      const a = kernel(x), b = port(x);
      if (!Object.is(a, b)) problems.push(`${name}(${x}): kernels ${a}, JS engine ${b}`);
      worst = Math.max(worst, ulps(b, reference(x)));
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('the two-lane exp and tanh of the SIMD build give exp()\'s and tanh()\'s bits in each lane', () => {
  // each argument in both lanes of the pairs it lands in: the lanes' operations are shared, and a pair
  // whose lanes take different branches of the one-lane function must give each lane its own
  const lanes = (which: 0 | 1, args: Float64Array): Float64Array => {
    const k = instantiateSync<{ memory: WebAssembly.Memory; reserve(n: number): number; twoLanes(at: number, n: number, which: number): void }>(
      wasmModule, KERNEL_IMPORTS).exports;
    const at = k.reserve(args.length * 8);
    const xs = new Float64Array(k.memory.buffer, at, args.length);
    xs.set(args);
    k.twoLanes(at, args.length, which);
    return xs.slice();
  };
  const differences = (name: string, f: (x: number) => number, args: Float64Array, got: Float64Array) => {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) if (!Object.is(got[i], f(args[i]!))) out.push(`${name}(${args[i]}): ${got[i]} vs ${f(args[i]!)}`);
    return out.slice(0, 5);
  };

  it('exp, over a million arguments, the range edges of each of its branches among them', () => {
    const n = 1_000_000;
    const r = seeded(11);
    const edges = [Math.LN2 / 256, Math.LN2 / 128, 1, 707.99, 708, 709.78, 745.2, 0, 1e-300, NaN, Infinity];
    const args = Float64Array.from({ length: n }, (_, i) => {
      if (i < 4 * edges.length) { const e = edges[i >> 2]!; return [e, -e, e * (1 + 1e-15), -e * (1 - 1e-15)][i & 3]!; }
      const u = r();
      return [1420 * u - 710, 8 * u - 4, 2 * u - 1, 1e-7 * (u - 0.5)][i % 4]!;
    });
    expect(differences('exp', exp, args, lanes(0, args))).toEqual([]);
  });

  it('tanh, over a million arguments: each range where its expm1 ends otherwise, their edges, the specials, and lanes from different ranges side by side', () => {
    // |x| where tanh's expm1 changes its reduction or its ending (2|x| at ln2/2, 3·ln2/2, 20·ln2, 56·ln2),
    // where tanh itself does (2^-28, 1, 22), and where its own argument is ±0, ±∞ or NaN
    const edges = [Math.LN2 / 4, 3 * Math.LN2 / 4, 10 * Math.LN2, 28 * Math.LN2, 2 ** -28, 1, 22, 0, Infinity, NaN, 1e-300, 1e300];
    const r = seeded(12);
    const n = 1_000_000;
    const args = Float64Array.from({ length: n }, (_, i) => {
      if (i < 8 * edges.length) { const e = edges[i >> 3]!, s = i & 4 ? -1 : 1; return s * [e, e * (1 + 2e-16), e * (1 - 2e-16), e * (1 + 1e-12)][i & 3]!; }
      const u = r(), s = r() < 0.5 ? -1 : 1;
      // a range per argument in turn, so that neighbouring lanes mostly come from different ones
      return s * [0.17 * u, 0.17 + 0.35 * u, 0.52 + 0.48 * u, 1 + 6 * u, 7 + 12.5 * u, 19.5 + 3 * u, 1e-9 * u, 30 * u][i % 8]!;
    });
    expect(differences('tanh', tanh, args, lanes(1, args))).toEqual([]);
    // and each range in both lanes of a pair
    const paired = Float64Array.from(args, (_, i) => args[i & ~1]!);
    expect(differences('tanh', tanh, paired, lanes(1, paired))).toEqual([]);
  });
});
