// The pure-TypeScript engine: assembly/*.ts line for line, over Float64Array/Int32Array views of
// one ArrayBuffer instead of linear memory. Change both together (test/engines.test.ts pins them).
import type { Engine } from './engine.js';
import {
  LAYERS, LOSS, X, Y, ORDER, PARAMS, GRADS, COUNT, SETTINGS, LEARNING_RATE,
  LAYER0, STRIDE, UNITS, INPUTS, ACT, W, B, A, D,
} from '../layout.js';

const SIGMOID = 1, TANH = 2, RELU = 3; // activations.ts
const BCE = 1; // losses.ts
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

export function openJsEngine(bytes: number): Engine {
  const buffer = new ArrayBuffer(bytes);
  const f = new Float64Array(buffer);
  const m = new Int32Array(buffer);
  const slot = (net: number, s: number) => m[net + s]!;
  const layerSlot = (net: number, l: number, s: number) => m[net + LAYER0 + l * STRIDE + s]!;

  function lossForwardBackward(dz: number, yhat: number, y: number, outputs: number, act: number, loss: number, scale: number): number {
    let total = 0.0;
    for (let o = 0; o < outputs; o++) {
      const p = f[yhat + o]!;
      const t = f[y + o]!;
      let g: number;
      if (loss === BCE) {
        const c = Math.min(Math.max(p, EPS), 1.0 - EPS);
        total -= t * Math.log(c) + (1.0 - t) * Math.log(1.0 - c);
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

  function denseForward(out: number, inp: number, w: number, b: number, inputs: number, units: number, act: number): void {
    for (let u = 0; u < units; u++) {
      const wu = w + u * inputs;
      let z = f[b + u]!;
      for (let i = 0; i < inputs; i++) z += f[wu + i]! * f[inp + i]!;
      f[out + u] = activate(z, act);
    }
  }

  function denseBackward(din: number, inp: number, dz: number, w: number, gw: number, gb: number, inputs: number, units: number, inAct: number): void {
    if (din) f.fill(0, din, din + inputs);
    for (let u = 0; u < units; u++) {
      const d = f[dz + u]!;
      const row = u * inputs;
      f[gb + u] = f[gb + u]! + d;
      for (let i = 0; i < inputs; i++) {
        f[gw + row + i] = f[gw + row + i]! + d * f[inp + i]!;
        if (din) f[din + i] = f[din + i]! + f[w + row + i]! * d;
      }
    }
    if (din) {
      for (let i = 0; i < inputs; i++) f[din + i] = f[din + i]! * derivative(f[inp + i]!, inAct);
    }
  }

  function sgdUpdate(params: number, grads: number, count: number, lr: number): number {
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const v = f[params + i]! - lr * f[grads + i]!;
      f[params + i] = v;
      finite += v - v;
    }
    return finite;
  }

  function forward(net: number, row: number): void {
    const layers = slot(net, LAYERS);
    let inp = slot(net, X) + row * layerSlot(net, 0, INPUTS);
    for (let l = 0; l < layers; l++) {
      const out = layerSlot(net, l, A);
      denseForward(out, inp, layerSlot(net, l, W), layerSlot(net, l, B),
        layerSlot(net, l, INPUTS), layerSlot(net, l, UNITS), layerSlot(net, l, ACT));
      inp = out;
    }
  }

  function rowLoss(net: number, row: number, scale: number): number {
    forward(net, row);
    const last = slot(net, LAYERS) - 1;
    const outputs = layerSlot(net, last, UNITS);
    return lossForwardBackward(layerSlot(net, last, D), layerSlot(net, last, A),
      slot(net, Y) + row * outputs, outputs, layerSlot(net, last, ACT), slot(net, LOSS), scale);
  }

  function backward(net: number, row: number): void {
    const shift = slot(net, GRADS) - slot(net, PARAMS);
    for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
      const w = layerSlot(net, l, W);
      const b = layerSlot(net, l, B);
      const inputs = layerSlot(net, l, INPUTS);
      const first = l === 0;
      denseBackward(
        first ? 0 : layerSlot(net, l - 1, D),
        first ? slot(net, X) + row * inputs : layerSlot(net, l - 1, A),
        layerSlot(net, l, D), w, w + shift, b + shift,
        inputs, layerSlot(net, l, UNITS), first ? 0 : layerSlot(net, l - 1, ACT));
    }
  }

  function step(net: number, pos: number, count: number): number {
    const grads = slot(net, GRADS);
    f.fill(0, grads, grads + slot(net, COUNT));
    const order = slot(net, ORDER);
    const scale = 1.0 / count;
    let loss = 0.0;
    for (let r = 0; r < count; r++) {
      const row = m[order + pos + r]!;
      loss += rowLoss(net, row, scale);
      backward(net, row);
    }
    const lr = f[slot(net, SETTINGS) + LEARNING_RATE]!;
    return loss / count + sgdUpdate(slot(net, PARAMS), grads, slot(net, COUNT), lr);
  }

  return { kind: 'js', f64: f, i32: m, start: 0, forward, rowLoss, step };
}
