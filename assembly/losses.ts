import { derivative } from './activations';
import { MSE, BINARY_CROSSENTROPY } from './contract';
import { log } from './math';

// Keras's epsilon: binary cross-entropy reads ŷ clipped to [EPS, 1 − EPS].
const EPS: f64 = 1e-7;

// loss_forward_backward — a batch
//   yhat, y: [rows][outputs]; act: the output layer's activation
//   returns sum + Σ_r loss of row r (the mean over its outputs), added in row order
//   dz: [rows][outputs] = scale · dL/dz, scale = 1 / batch size so the batch gradient is a mean
@inline
export function lossForwardBackward(dz: usize, yhat: usize, y: usize, rows: i32, outputs: i32, act: i32, loss: i32, scale: f64, sum: f64): f64 {
  // x / 1 is x to the bit: a single output skips the divisions, which are the slowest step of a
  // tiny network's chain of dependent operations.
  const single = outputs == 1;
  const k = <f64>outputs;
  const bytes = <usize>(rows * outputs) << 3, rowBytes = <usize>outputs << 3;
  for (let row: usize = 0; row < bytes; row += rowBytes) {
    let total = 0.0;
    for (let o = row; o < row + rowBytes; o += 8) {
      const p = load<f64>(yhat + o);
      const t = load<f64>(y + o);
      let g: f64;
      if (loss == BINARY_CROSSENTROPY) {
        const c = min(max(p, EPS), 1.0 - EPS);
        total -= crossEntropy(t, c);
        // With a sigmoid output dL/dz = ŷ − y; the clip passes no gradient where it bites.
        g = c == p ? (single ? p - t : (p - t) / k) : 0.0;
      } else if (loss == MSE) {
        const e = p - t;
        total += e * e;
        g = (single ? 2.0 * e : 2.0 * e / k) * derivative(p, act);
      } else {
        return unreachable();
      }
      store<f64>(dz + o, g * scale);
    }
    sum += single ? total : total / k;
  }
  return sum;
}

// −(binary cross-entropy) of one output: t·log c + (1 − t)·log(1 − c). For a 0/1 label one of the
// terms is an exact ±0 added to a nonzero log (EPS ≤ c ≤ 1 − EPS), so the other log alone is the same
// number to the bit, and one log is saved per output; other labels take the formula.
@inline
function crossEntropy(t: f64, c: f64): f64 {
  if (t == 1.0) return log(c);
  if (t == 0.0) return log(1.0 - c);
  return t * log(c) + (1.0 - t) * log(1.0 - c);
}
