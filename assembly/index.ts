import { denseForward, denseBackward } from './dense';
import { lossForwardBackward } from './losses';
import { update } from './optimizers';
import { LAYERS, LOSS, X, Y, ORDER, PARAMS, GRADS, UNITS, INPUTS, ACT, W, B, A, D, slot, layerSlot, at } from './net';

// Makes room for `bytes` of host-laid-out data after the module's own static data and returns
// its 16-byte-aligned start; 0 if memory cannot grow that far.
export function reserve(bytes: usize): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  const need = base + bytes;
  const have = <usize>memory.size() << 16;
  if (need > have && memory.grow(<i32>((need - have + 0xffff) >>> 16)) < 0) return 0;
  return base;
}

// forward — one row of X through every layer; the output lands in the last layer's A
export function forward(net: i32, row: i32): void {
  const layers = slot(net, LAYERS);
  let inp = at(slot(net, X) + row * layerSlot(net, 0, INPUTS));
  for (let l = 0; l < layers; l++) {
    const out = at(layerSlot(net, l, A));
    denseForward(out, inp, at(layerSlot(net, l, W)), at(layerSlot(net, l, B)),
      layerSlot(net, l, INPUTS), layerSlot(net, l, UNITS), layerSlot(net, l, ACT));
    inp = out;
  }
}

// rowLoss — forward pass and loss of one row of X, and the output layer's dL/dz × scale
export function rowLoss(net: i32, row: i32, scale: f64): f64 {
  forward(net, row);
  const last = slot(net, LAYERS) - 1;
  const outputs = layerSlot(net, last, UNITS);
  return lossForwardBackward(at(layerSlot(net, last, D)), at(layerSlot(net, last, A)),
    at(slot(net, Y) + row * outputs), outputs, layerSlot(net, last, ACT), slot(net, LOSS), scale);
}

// backward — one row: from the output layer's dL/dz down to the first layer, into GRADS
// (written by the batch's first row, added to by the others)
function backward(net: i32, row: i32, firstRow: bool): void {
  const params = slot(net, PARAMS);
  const shift = slot(net, GRADS) - params; // a parameter's gradient sits `shift` slots after it
  for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
    const w = layerSlot(net, l, W);
    const b = layerSlot(net, l, B);
    const inputs = layerSlot(net, l, INPUTS);
    const first = l == 0;
    denseBackward(
      first ? 0 : at(layerSlot(net, l - 1, D)),
      first ? at(slot(net, X) + row * inputs) : at(layerSlot(net, l - 1, A)),
      at(layerSlot(net, l, D)), at(w), at(w + shift), at(b + shift),
      inputs, layerSlot(net, l, UNITS), first ? 0 : layerSlot(net, l - 1, ACT), firstRow);
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
