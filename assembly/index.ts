import { denseForward, denseBackward, denseBackwardUpdate } from './dense';
import { activate, derivative, activationBackward } from './activations';
import { lossForwardBackward } from './losses';
import { update, countUpdate, plainSgd } from './optimizers';
import {
  LAYERS, LOSS, X, Y, ORDER, PARAMS, GRADS, CAPACITY, IN, TARGET, LEARNING_RATE,
  UNITS, INPUTS, ACT, W, B, A, D,
} from './contract';
import { slot, record, field, at, setting } from './net';
import { exp, exp2 } from './math';

// The host checks this against its own src/contract.ts when it loads the module.
export { CONTRACT } from './contract';
// The operations and kernels on their own, for the tests that hold them to known values, to their
// reference loops and to V8's Math.
export { denseForward, denseForwardReference, denseBackward, denseBackwardReference } from './dense';
export { exp, log } from './math';

// e^x in place over xs [n], two at a time in the SIMD build (as the kernels take it), for the test
// that holds the two-lane exp to exp().
export function expAll(xs: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) v128.store(xs + (<usize>i << 3), exp2(v128.load(xs + (<usize>i << 3))));
  }
  for (; i < n; i++) store<f64>(xs + (<usize>i << 3), exp(load<f64>(xs + (<usize>i << 3))));
}

// Makes room for `bytes` of host-laid-out data after the module's own static data and returns
// its 16-byte-aligned start; 0 if memory cannot grow that far. Called again with more bytes, it
// grows memory and returns the same start, everything below kept.
export function reserve(bytes: usize): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  const need = base + bytes;
  const have = <usize>memory.size() << 16;
  if (need > have && memory.grow(<i32>((need - have + 0xffff) >>> 16)) < 0) return 0;
  return base;
}

export function activation(z: f64, act: i32): f64 {
  return activate(z, act);
}

export function activationDerivative(a: f64, act: i32): f64 {
  return derivative(a, act);
}

// forward — inp: [rows][inputs] through every layer, each writing its activations [rows][units]
// into its A; the last layer writes into `out` instead (its A, or where predict wants the outputs).
@inline
function forward(net: i32, inp: usize, rows: i32, out: usize): void {
  const last = slot(net, LAYERS) - 1;
  for (let l = 0; l <= last; l++) {
    const layer = record(net, l);
    const dst = l == last ? out : at(field(layer, A));
    denseForward(dst, inp, at(field(layer, W)), at(field(layer, B)), rows, field(layer, INPUTS), field(layer, UNITS), field(layer, ACT));
    inp = dst;
  }
}

// backward — from the last layer's D (dL/dz, [rows][units]) down to the first layer: each layer's
// gradients into GRADS and dL/dz of the layer below into its D. inp: the rows forward took.
@inline
function backward(net: i32, inp: usize, rows: i32): void {
  const shift = slot(net, GRADS) - slot(net, PARAMS); // a parameter's gradient sits `shift` slots after it
  for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
    const layer = record(net, l);
    const w = field(layer, W), b = field(layer, B), inputs = field(layer, INPUTS);
    if (l == 0) {
      denseBackward(0, at(w + shift), at(b + shift), at(field(layer, D)), inp, at(w), rows, inputs, field(layer, UNITS));
    } else {
      const below = record(net, l - 1);
      const din = at(field(below, D)), a = at(field(below, A));
      denseBackward(din, at(w + shift), at(b + shift), at(field(layer, D)), a, at(w), rows, inputs, field(layer, UNITS));
      activationBackward(din, a, rows * inputs, field(below, ACT));
    }
  }
}

// backward_update — backward and plain SGD's update fused, for one row (see dense_backward_update).
// Returns Σ(p − p) over the new parameters: 0, or NaN once one is not finite.
@inline
function backwardUpdate(net: i32, inp: usize): f64 {
  countUpdate(net);
  const lr = load<f64>(setting(net, LEARNING_RATE));
  let finite = 0.0;
  for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
    const layer = record(net, l);
    const w = at(field(layer, W)), b = at(field(layer, B)), inputs = field(layer, INPUTS), units = field(layer, UNITS);
    if (l == 0) {
      finite += denseBackwardUpdate(0, at(field(layer, D)), inp, w, b, inputs, units, lr);
    } else {
      const below = record(net, l - 1);
      const din = at(field(below, D)), a = at(field(below, A));
      finite += denseBackwardUpdate(din, at(field(layer, D)), a, w, b, inputs, units, lr);
      activationBackward(din, a, inputs, field(below, ACT));
    }
  }
  return finite;
}

// Copies rows ORDER[pos .. pos + count) of src [rows][n] into dst [count][n].
@inline
function gather(dst: usize, src: usize, n: i32, order: usize, count: i32): void {
  const bytes = <usize>n << 3;
  for (let r = 0; r < count; r++) {
    memory.copy(dst + <usize>r * bytes, src + <usize>load<i32>(order + (<usize>r << 2)) * bytes, bytes);
  }
}

// Whether a one-row plain-SGD step fuses backward and update; traceStep turns it off for one call.
// A flag rather than a parameter keeps step the only caller of the optimizers, which stay inlined.
let fuse = true;

// trace_step — step with backward and update kept apart even for one row under plain SGD, so GRADS
// holds the step's gradients for a trace to read (src/trace.ts); the fused path makes the same bits.
export function traceStep(net: i32, pos: i32, count: i32): f64 {
  fuse = false;
  const loss = step(net, pos, count);
  fuse = true;
  return loss;
}

// step — one optimizer step on the batch ORDER[pos .. pos + count): forward, loss and backward over
// the whole batch with the same parameters, then one update with the batch-mean gradient.
// Returns the batch's mean loss, measured before the update; NaN if a parameter became non-finite.
export function step(net: i32, pos: i32, count: i32): f64 {
  const layers = slot(net, LAYERS);
  const last = record(net, layers - 1);
  const inputs = field(record(net, 0), INPUTS), outputs = field(last, UNITS);
  const order = (<usize>(slot(net, ORDER) + pos)) << 2;
  let inp: usize, target: usize;
  if (count == 1) { // one row: read it where it is
    const row = load<i32>(order);
    inp = at(slot(net, X) + row * inputs);
    target = at(slot(net, Y) + row * outputs);
  } else {
    inp = at(slot(net, IN));
    target = at(slot(net, TARGET));
    gather(inp, at(slot(net, X)), inputs, order, count);
    gather(target, at(slot(net, Y)), outputs, order, count);
  }
  const yhat = at(field(last, A));
  forward(net, inp, count, yhat);
  // 1 / 1 and x / 1 are exact: one row skips the divisions, the slowest links in a tiny network's chain
  const one = count == 1;
  const loss = lossForwardBackward(at(field(last, D)), yhat, target, count, outputs, field(last, ACT), slot(net, LOSS), one ? 1.0 : 1.0 / <f64>count, 0.0);
  if (fuse && one && plainSgd(net)) return loss + backwardUpdate(net, inp);
  backward(net, inp, count);
  return (one ? loss : loss / <f64>count) + update(net);
}

// epoch — every batch of an epoch in one call: step over ORDER[0 .. rows) in batches of batchSize.
// Returns Σ batch mean loss × batch rows (the host divides by rows), or, when a step goes non-finite,
// −(1 + pos) for the batch at ORDER[pos] and stops there: losses are ≥ 0, so the sign tells them apart.
export function epoch(net: i32, rows: i32, batchSize: i32): f64 {
  let total = 0.0;
  for (let pos = 0; pos < rows; pos += batchSize) {
    const count = min(batchSize, rows - pos);
    const loss = step(net, pos, count);
    if (!isFinite(loss)) return -1.0 - <f64>pos;
    total += loss * <f64>count;
  }
  return total;
}

// predict — x: [rows][inputs] through the network, CAPACITY rows at a time; out: [rows][outputs]
export function predict(net: i32, x: i32, rows: i32, out: i32): void {
  evaluate(net, x, -1, rows, out);
}

// evaluate — predict, and with targets y: [rows][outputs] (y ≥ 0) the sum of the rows' losses,
// added in row order (the host divides by rows); the output layer's D is left holding scratch.
export function evaluate(net: i32, x: i32, y: i32, rows: i32, out: i32): f64 {
  const capacity = slot(net, CAPACITY);
  const last = record(net, slot(net, LAYERS) - 1);
  const inputs = field(record(net, 0), INPUTS), outputs = field(last, UNITS);
  let total = 0.0;
  for (let start = 0; start < rows; start += capacity) {
    const count = min(capacity, rows - start);
    const yhat = at(out + start * outputs);
    forward(net, at(x + start * inputs), count, yhat);
    if (y >= 0) {
      total = lossForwardBackward(at(field(last, D)), yhat, at(y + start * outputs), count, outputs, field(last, ACT), slot(net, LOSS), 1.0, total);
    }
  }
  return total;
}
