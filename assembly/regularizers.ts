import { LAYERS, GRADS, PARAMS, UNITS, INPUTS, W, B, OPTIONS, KERNEL_L1, KERNEL_L2, BIAS_L1, BIAS_L2 } from './contract';
import { slot, record, field, at } from './net';

// Keras's regularizers (l1, l2, l1l2) on each layer's kernel and bias: a penalty l1·Σ|w| + l2·Σw²
// added to the loss, and its gradient l1·sign(w) + 2·l2·w (sign 0 at 0, as TensorFlow's) added to
// the parameter's.

// penalty — Σ over the layers, kernel then bias, of their penalties from the current parameters;
// with `gradients`, each penalty's gradient is also added to GRADS (after backward wrote them)
export function penalty(net: i32, gradients: bool): f64 {
  const shift = slot(net, GRADS) - slot(net, PARAMS);
  let total = 0.0;
  for (let l = 0; l < slot(net, LAYERS); l++) {
    const layer = record(net, l);
    const options = field(layer, OPTIONS), w = field(layer, W), b = field(layer, B), units = field(layer, UNITS);
    const o = at(options);
    total += regularize(at(w), at(w + shift), units * field(layer, INPUTS), load<f64>(o + (<usize>KERNEL_L1 << 3)), load<f64>(o + (<usize>KERNEL_L2 << 3)), gradients);
    total += regularize(at(b), at(b + shift), units, load<f64>(o + (<usize>BIAS_L1 << 3)), load<f64>(o + (<usize>BIAS_L2 << 3)), gradients);
  }
  return total;
}

// l1·Σ|p| + l2·Σp² over p: [n], in order; with `gradients` g: [n] += l1·sign(p) + l2·2p
@inline
function regularize(p: usize, g: usize, n: i32, l1: f64, l2: f64, gradients: bool): f64 {
  if (l1 == 0.0 && l2 == 0.0) return 0.0;
  let absolute = 0.0, squares = 0.0;
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) {
    const w = load<f64>(p + i);
    absolute += abs(w);
    squares += w * w;
    if (gradients) store<f64>(g + i, load<f64>(g + i) + (l1 * (w > 0.0 ? 1.0 : w < 0.0 ? -1.0 : 0.0) + l2 * (2.0 * w)));
  }
  return l1 * absolute + l2 * squares;
}
