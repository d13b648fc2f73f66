import { denseForward, denseBackward } from './dense';
import { lossForwardBackward } from './losses';
import { update } from './optimizers';
import { LAYERS, LOSS, X, Y, ORDER, PARAMS, GRADS, UNITS, INPUTS, ACT, W, B, A, D, slot, record, field, at } from './net';

// Makes room for `bytes` of host-laid-out data after the module's own static data and returns
// its 16-byte-aligned start; 0 if memory cannot grow that far.
export function reserve(bytes: usize): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  const need = base + bytes;
  const have = <usize>memory.size() << 16;
  if (need > have && memory.grow(<i32>((need - have + 0xffff) >>> 16)) < 0) return 0;
  return base;
}

// The passes below, and the kernels they run, are @inline: on the tutorial's 2-2-1 networks a whole
// step takes tens of nanoseconds, of which a call per pass and per layer was a fifth. The exported
// ones keep a copy of their own for the host to call.

// forward — one row of X through every layer; the output lands in the last layer's A
@inline
export function forward(net: i32, row: i32): void {
  const layers = slot(net, LAYERS);
  let inp = at(slot(net, X) + row * field(record(net, 0), INPUTS));
  for (let l = 0; l < layers; l++) {
    const layer = record(net, l);
    const out = at(field(layer, A));
    denseForward(out, inp, at(field(layer, W)), at(field(layer, B)),
      field(layer, INPUTS), field(layer, UNITS), field(layer, ACT));
    inp = out;
  }
}

// rowLoss — forward pass and loss of one row of X, and the output layer's dL/dz × scale
@inline
export function rowLoss(net: i32, row: i32, scale: f64): f64 {
  forward(net, row);
  const last = record(net, slot(net, LAYERS) - 1);
  const outputs = field(last, UNITS);
  return lossForwardBackward(at(field(last, D)), at(field(last, A)),
    at(slot(net, Y) + row * outputs), outputs, field(last, ACT), slot(net, LOSS), scale);
}

// backward — one row: from the output layer's dL/dz down to the first layer, into GRADS
// (written by the batch's first row, added to by the others)
@inline
function backward(net: i32, row: i32, firstRow: bool): void {
  const params = slot(net, PARAMS);
  const shift = slot(net, GRADS) - params; // a parameter's gradient sits `shift` slots after it
  for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
    const layer = record(net, l);
    const below = record(net, l - 1);
    const w = field(layer, W);
    const b = field(layer, B);
    const inputs = field(layer, INPUTS);
    const first = l == 0;
    denseBackward(
      first ? 0 : at(field(below, D)),
      first ? at(slot(net, X) + row * inputs) : at(field(below, A)),
      at(field(layer, D)), at(w), at(w + shift), at(b + shift),
      inputs, field(layer, UNITS), first ? 0 : field(below, ACT), firstRow);
  }
}

// step — one optimizer step on the batch ORDER[pos .. pos + count): forward, loss and backward for
// each row, all with the same parameters, then one update with the batch-mean gradient.
// Returns the batch's mean loss, measured before the update; NaN if a parameter became non-finite.
export function step(net: i32, pos: i32, count: i32): f64 {
  const order = <usize>slot(net, ORDER) << 2;
  const scale = 1.0 / <f64>count;
  let loss = 0.0;
  for (let r = 0; r < count; r++) {
    const row = load<i32>(order + (<usize>(pos + r) << 2));
    loss += rowLoss(net, row, scale);
    backward(net, row, r == 0);
  }
  return loss / <f64>count + update(net);
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
