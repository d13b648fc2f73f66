// The pure-TypeScript engine: assembly/*.ts line for line, over Float64Array/Int32Array views of
// one ArrayBuffer instead of linear memory. Change both together (test/engines.test.ts pins them).
import type { Engine } from './engine.js';
import {
  LAYERS, LOSS, X, Y, ORDER, PARAMS, GRADS, COUNT, SETTINGS, OPTIMIZER, MOMENTUMS, VELOCITIES,
  LEARNING_RATE, MOMENTUM, NESTEROV, BETA_1, BETA_2, EPSILON, RHO, ITERATIONS,
  LAYER0, STRIDE, UNITS, INPUTS, ACT, W, B, A, D,
} from '../layout.js';

const SIGMOID = 1, TANH = 2, RELU = 3; // activations.ts
const BCE = 1; // losses.ts
const ADAM = 1, RMSPROP = 2; // optimizers.ts
const EPS = 1e-7;

function activate(z: number, act: number): number {
  if (act === SIGMOID) return 1.0 / (1.0 + Math.exp(-z));
  if (act === TANH) return Math.tanh(z);
  if (act === RELU) return Math.max(z, 0.0);
  return z;
}

function derivative(a: number, act: number): number {
  if (act === SIGMOID) return a * (1.0 - a);
  if (act === TANH) return 1.0 - a * a;
  if (act === RELU) return a > 0.0 ? 1.0 : 0.0;
  return 1.0;
}

function crossEntropy(t: number, c: number): number {
  if (t === 1.0) return Math.log(c);
  if (t === 0.0) return Math.log(1.0 - c);
  return t * Math.log(c) + (1.0 - t) * Math.log(1.0 - c);
}

export function openJsEngine(bytes: number): Engine {
  const buffer = new ArrayBuffer(bytes);
  const f = new Float64Array(buffer);
  const m = new Int32Array(buffer);
  const slot = (net: number, s: number) => m[net + s]!;
  const record = (net: number, l: number) => net + LAYER0 + l * STRIDE;
  const field = (layer: number, s: number) => m[layer + s]!;

  function lossForwardBackward(dz: number, yhat: number, y: number, outputs: number, act: number, loss: number, scale: number): number {
    let total = 0.0;
    for (let o = 0; o < outputs; o++) {
      const p = f[yhat + o]!;
      const t = f[y + o]!;
      let g: number;
      if (loss === BCE) {
        const c = Math.min(Math.max(p, EPS), 1.0 - EPS);
        total -= crossEntropy(t, c);
        g = c === p ? (p - t) / outputs : 0.0;
      } else {
        const e = p - t;
        total += e * e;
        g = 2.0 * e / outputs * derivative(p, act);
      }
      f[dz + o] = g * scale;
    }
    return total / outputs;
  }

  // dot(): the order assembly/dense.ts sums in — four running sums over i mod 4 (two f64x2 lanes each in
  // the SIMD build), a leftover pair into the first two, then (s0 + s2) + (s1 + s3), then the last
  // element when n is odd — so this engine gives the kernels' numbers exactly.
  function dot(a: number, x: number, n: number): number {
    const quads = n & ~3, pairs = n & ~1;
    let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (let i = 0; i < quads; i += 4) {
      s0 += f[a + i]! * f[x + i]!;
      s1 += f[a + i + 1]! * f[x + i + 1]!;
      s2 += f[a + i + 2]! * f[x + i + 2]!;
      s3 += f[a + i + 3]! * f[x + i + 3]!;
    }
    if (pairs > quads) {
      s0 += f[a + quads]! * f[x + quads]!;
      s1 += f[a + quads + 1]! * f[x + quads + 1]!;
    }
    let sum = (s0 + s2) + (s1 + s3);
    if (n & 1) sum += f[a + pairs]! * f[x + pairs]!;
    return sum;
  }

  function axpy(y: number, alpha: number, x: number, n: number, add: boolean): void {
    for (let i = 0; i < n; i++) {
      const ax = alpha * f[x + i]!;
      f[y + i] = add ? f[y + i]! + ax : ax;
    }
  }

  function denseForward(out: number, inp: number, w: number, b: number, inputs: number, units: number, act: number): void {
    for (let u = 0; u < units; u++) {
      f[out + u] = activate(f[b + u]! + dot(w + u * inputs, inp, inputs), act);
    }
  }

  function denseBackward(din: number, inp: number, dz: number, w: number, gw: number, gb: number, inputs: number, units: number, inAct: number, firstRow: boolean): void {
    for (let u = 0; u < units; u++) {
      const d = f[dz + u]!;
      const row = u * inputs;
      f[gb + u] = firstRow ? d : f[gb + u]! + d;
      axpy(gw + row, d, inp, inputs, !firstRow);
      if (din) axpy(din, d, w + row, inputs, u > 0);
    }
    if (din) {
      for (let i = 0; i < inputs; i++) f[din + i] = f[din + i]! * derivative(f[inp + i]!, inAct);
    }
  }

  function sgdUpdate(params: number, grads: number, momentums: number, count: number, lr: number, momentum: number, nesterov: boolean): number {
    if (momentum === 0.0) return plainSgdUpdate(params, grads, count, lr);
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      const mo = momentum * f[momentums + i]! - lr * g;
      f[momentums + i] = mo;
      const p = f[params + i]! + (nesterov ? momentum * mo - lr * g : mo);
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function plainSgdUpdate(params: number, grads: number, count: number, lr: number): number {
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const p = f[params + i]! - lr * f[grads + i]!;
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function adamUpdate(params: number, grads: number, momentums: number, velocities: number, count: number,
    lr: number, beta1: number, beta2: number, epsilon: number, t: number): number {
    const alpha = lr * Math.sqrt(1.0 - Math.pow(beta2, t)) / (1.0 - Math.pow(beta1, t));
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      let mo = f[momentums + i]!;
      let v = f[velocities + i]!;
      mo += (g - mo) * (1.0 - beta1);
      v += (g * g - v) * (1.0 - beta2);
      f[momentums + i] = mo;
      f[velocities + i] = v;
      const p = f[params + i]! - mo * alpha / (Math.sqrt(v) + epsilon);
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function rmspropUpdate(params: number, grads: number, velocities: number, momentums: number, count: number,
    lr: number, rho: number, momentum: number, epsilon: number): number {
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      const v = rho * f[velocities + i]! + (1.0 - rho) * (g * g);
      f[velocities + i] = v;
      let step = lr * g / Math.sqrt(v + epsilon);
      if (momentum !== 0.0) {
        step += momentum * f[momentums + i]!;
        f[momentums + i] = step;
      }
      const p = f[params + i]! - step;
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function update(net: number): number {
    const settings = slot(net, SETTINGS);
    const t = f[settings + ITERATIONS]! + 1.0;
    f[settings + ITERATIONS] = t;
    const params = slot(net, PARAMS);
    const grads = slot(net, GRADS);
    const momentums = slot(net, MOMENTUMS);
    const velocities = slot(net, VELOCITIES);
    const count = slot(net, COUNT);
    const lr = f[settings + LEARNING_RATE]!;
    const kind = slot(net, OPTIMIZER);
    if (kind === ADAM) {
      return adamUpdate(params, grads, momentums, velocities, count, lr,
        f[settings + BETA_1]!, f[settings + BETA_2]!, f[settings + EPSILON]!, t);
    }
    if (kind === RMSPROP) {
      return rmspropUpdate(params, grads, velocities, momentums, count, lr,
        f[settings + RHO]!, f[settings + MOMENTUM]!, f[settings + EPSILON]!);
    }
    return sgdUpdate(params, grads, momentums, count, lr, f[settings + MOMENTUM]!, f[settings + NESTEROV]! !== 0.0);
  }

  function forward(net: number, row: number): void {
    const layers = slot(net, LAYERS);
    let inp = slot(net, X) + row * field(record(net, 0), INPUTS);
    for (let l = 0; l < layers; l++) {
      const layer = record(net, l);
      const out = field(layer, A);
      denseForward(out, inp, field(layer, W), field(layer, B),
        field(layer, INPUTS), field(layer, UNITS), field(layer, ACT));
      inp = out;
    }
  }

  function rowLoss(net: number, row: number, scale: number): number {
    forward(net, row);
    const last = record(net, slot(net, LAYERS) - 1);
    const outputs = field(last, UNITS);
    return lossForwardBackward(field(last, D), field(last, A),
      slot(net, Y) + row * outputs, outputs, field(last, ACT), slot(net, LOSS), scale);
  }

  function backward(net: number, row: number, firstRow: boolean): void {
    const shift = slot(net, GRADS) - slot(net, PARAMS);
    for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
      const layer = record(net, l);
      const below = record(net, l - 1);
      const w = field(layer, W);
      const b = field(layer, B);
      const inputs = field(layer, INPUTS);
      const first = l === 0;
      denseBackward(
        first ? 0 : field(below, D),
        first ? slot(net, X) + row * inputs : field(below, A),
        field(layer, D), w, w + shift, b + shift,
        inputs, field(layer, UNITS), first ? 0 : field(below, ACT), firstRow);
    }
  }

  function step(net: number, pos: number, count: number): number {
    const order = slot(net, ORDER);
    const scale = 1.0 / count;
    let loss = 0.0;
    for (let r = 0; r < count; r++) {
      const row = m[order + pos + r]!;
      loss += rowLoss(net, row, scale);
      backward(net, row, r === 0);
    }
    return loss / count + update(net);
  }

  function epoch(net: number, rows: number, batchSize: number): number {
    let total = 0.0;
    for (let pos = 0; pos < rows; pos += batchSize) {
      const count = Math.min(batchSize, rows - pos);
      const loss = step(net, pos, count);
      if (!Number.isFinite(loss)) return -1.0 - pos;
      total += loss * count;
    }
    return total;
  }

  return { kind: 'js', f64: f, i32: m, start: 0, forward, rowLoss, step, epoch };
}
