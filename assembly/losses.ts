import { derivative } from './activations';
import { log } from './host';

// Loss codes shared with the host (src/spec.ts).
export const MSE: i32 = 0;
export const BCE: i32 = 1;

// Keras's epsilon: binary cross-entropy reads ŷ clipped to [EPS, 1 − EPS].
const EPS: f64 = 1e-7;

// loss_forward_backward — one row
//   yhat, y: [outputs]; act: the output layer's activation
//   returns the row's loss (mean over outputs);
//   dz: [outputs] = scale · dL/dz, scale = 1 / batch size so the batch gradient is a mean
@inline
export function lossForwardBackward(dz: usize, yhat: usize, y: usize, outputs: i32, act: i32, loss: i32, scale: f64): f64 {
  const k = <f64>outputs;
  let total = 0.0;
  for (let o = 0; o < outputs; o++) {
    const p = load<f64>(yhat + (<usize>o << 3));
    const t = load<f64>(y + (<usize>o << 3));
    let g: f64;
    if (loss == BCE) {
      const c = min(max(p, EPS), 1.0 - EPS);
      total -= crossEntropy(t, c);
      // With a sigmoid output dL/dz = ŷ − y; the clip passes no gradient where it bites.
      g = c == p ? (p - t) / k : 0.0;
    } else {
      const e = p - t;
      total += e * e;
      g = 2.0 * e / k * derivative(p, act);
    }
    store<f64>(dz + (<usize>o << 3), g * scale);
  }
  return total / k;
}

// −(binary cross-entropy) of one output: t·log c + (1 − t)·log(1 − c). For a 0/1 label one of the
// terms is an exact ±0 added to a nonzero log (EPS ≤ c ≤ 1 − EPS), so the other log alone is the same
// number to the bit, and one host call is saved per output; other labels take the formula.
@inline
function crossEntropy(t: f64, c: f64): f64 {
  if (t == 1.0) return log(c);
  if (t == 0.0) return log(1.0 - c);
  return t * log(c) + (1.0 - t) * log(1.0 - c);
}
