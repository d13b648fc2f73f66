import { derivativeWith, softmaxBackward, logSumExp, rowMax } from './activations';
import { MSE, BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY, SOFTMAX } from './contract';
import { log } from './math';

// Keras's epsilon, where binary cross-entropy leaves ŷ for the logit (see binaryCrossentropy).
const EPS: f64 = 1e-7;

// loss_forward_backward — a batch
//   yhat, z: [rows][outputs], the output layer's activations and pre-activations (z: 0 where it keeps none)
//   act, alpha: the output layer's activation and its parameter (leakyRelu's slope)
//   y: [rows][targets]: the targets, for sparseCategoricalCrossentropy one class index per row
//   returns sum + Σ_r loss of row r, added in row order: mse and binary cross-entropy the mean over
//   the row's outputs, the categorical cross-entropies the sum over its classes (as Keras)
//   dz: [rows][outputs] = scale · dL/dz, scale = 1 / batch size so the batch gradient is a mean
@inline
export function lossForwardBackward(dz: usize, yhat: usize, z: usize, y: usize, rows: i32, outputs: i32, targets: i32, act: i32, alpha: f64, loss: i32, scale: f64, sum: f64): f64 {
  if (loss == CATEGORICAL_CROSSENTROPY || loss == SPARSE_CATEGORICAL_CROSSENTROPY) {
    return softmaxCrossentropy(dz, yhat, z, y, rows, outputs, targets, loss, scale, sum);
  }
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
        total += binaryCrossentropy(t, p, z + o);
        g = single ? p - t : (p - t) / k; // a sigmoid output's dL/dz: never zero while ŷ ≠ y
      } else if (loss == MSE) {
        const e = p - t;
        total += e * e;
        g = (single ? 2.0 * e : 2.0 * e / k) * derivativeWith(p, z + o, act, alpha);
      } else {
        return unreachable();
      }
      store<f64>(dz + o, g * scale);
    }
    sum += single ? total : total / k;
  }
  if (act == SOFTMAX) softmaxBackward(dz, yhat, rows, outputs); // mse through softmax: each row's Jacobian
  return sum;
}

// Binary cross-entropy of one sigmoid output ŷ = σ(z), from the logit z as Keras computes it.
// While 1e-7 ≤ ŷ ≤ 1 − 1e-7 it is −log ŷ (t = 1) or −log(1 − ŷ) (t = 0): the clipped formula, to the
// bit. Beyond, log ŷ − log(1 − ŷ) = z gives −log ŷ = −z − log(1 − ŷ) and −log(1 − ŷ) = z − log ŷ:
// two positive terms, accurate however far ŷ has saturated (even to 0 or 1), so the loss does not
// stop at −log 1e-7 = 16.1 and the gradient ŷ − t does not vanish. Soft labels t weigh the two.
@inline
function binaryCrossentropy(t: f64, p: f64, zp: usize): f64 {
  if (t == 1.0) return negLogSigmoid(p, zp);
  if (t == 0.0) return negLogOneMinusSigmoid(p, zp);
  return t * negLogSigmoid(p, zp) + (1.0 - t) * negLogOneMinusSigmoid(p, zp);
}

// −log σ(z), given p = σ(z)
@inline
function negLogSigmoid(p: f64, zp: usize): f64 {
  return p >= EPS ? -log(p) : -load<f64>(zp) - log(1.0 - p);
}

// −log(1 − σ(z)), given p = σ(z)
@inline
function negLogOneMinusSigmoid(p: f64, zp: usize): f64 {
  return p <= 1.0 - EPS ? -log(1.0 - p) : load<f64>(zp) - log(p);
}

// Categorical cross-entropy of softmax outputs, from the logits: a row's loss is Σₖ y[k]·(−log ŷ[k])
// with −log ŷ[k] = log Σⱼ e^(z[j] − m) − (z[k] − m) (see logSumExp), and dL/dz = ŷ − y. With
// sparseCategoricalCrossentropy y is the class index c (targets = 1): the loss −log ŷ[c].
function softmaxCrossentropy(dz: usize, yhat: usize, z: usize, y: usize, rows: i32, outputs: i32, targets: i32, loss: i32, scale: f64, sum: f64): f64 {
  const rowBytes = <usize>outputs << 3, targetBytes = <usize>targets << 3;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * rowBytes, ar = yhat + <usize>r * rowBytes, dr = dz + <usize>r * rowBytes, yr = y + <usize>r * targetBytes;
    const m = rowMax(zr, outputs);
    const lse = logSumExp(zr, outputs, m);
    if (loss == SPARSE_CATEGORICAL_CROSSENTROPY) {
      const c = <i32>load<f64>(yr);
      if (c < 0 || c >= outputs) unreachable(); // the host checks the class indices
      sum += lse - (load<f64>(zr + (<usize>c << 3)) - m);
      for (let k = 0; k < outputs; k++) {
        const at = <usize>k << 3;
        store<f64>(dr + at, (load<f64>(ar + at) - (k == c ? 1.0 : 0.0)) * scale);
      }
    } else {
      let total = 0.0;
      for (let k: usize = 0; k < rowBytes; k += 8) {
        const t = load<f64>(yr + k);
        if (t != 0.0) total += t * (lse - (load<f64>(zr + k) - m));
        store<f64>(dr + k, (load<f64>(ar + k) - t) * scale);
      }
      sum += total;
    }
  }
  return sum;
}
