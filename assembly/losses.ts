import { derivativeWith, softmaxBackward, logSumExp, rowMax, softplus } from './activations';
import {
  MSE, BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY, SOFTMAX, MEAN_ABSOLUTE_ERROR,
  MEAN_ABSOLUTE_PERCENTAGE_ERROR, MEAN_SQUARED_LOGARITHMIC_ERROR, HUBER, LOGCOSH, HINGE, SQUARED_HINGE, CATEGORICAL_HINGE,
  KULLBACK_LEIBLER_DIVERGENCE, POISSON,
} from './contract';
import { log, tanh } from './math';

// Keras's epsilon: where binary cross-entropy leaves ŷ for the logit (see binaryCrossentropy), and the
// clip of mape, msle, kld and poisson.
const EPS: f64 = 1e-7;
const LOG_2: f64 = 0.6931471805599453; // the double nearest ln 2, as Keras's ops.log(2.0)

// loss_forward_backward — a batch
//   yhat, z: [rows][outputs], the output layer's activations and pre-activations (z: 0 where it keeps none)
//   act, alpha: the output layer's activation and its parameter (leakyRelu's slope)
//   y: [rows][targets]: the targets, for sparseCategoricalCrossentropy one class index per row
//   w: [rows]: each row's weight (Keras's sample_weight), or 0: every row weighs 1
//   param: huber's delta, or the cross-entropies' label smoothing
//   returns sum + Σ_r w[r]·(loss of row r), added in row order: the row's mean over its outputs, but
//   the sum over classes for the categorical cross-entropies and kld, and one value for categoricalHinge (as Keras)
//   dz: [rows][outputs] = scale · w[r] · dL/dz, scale = 1 / batch size so the batch gradient is Keras's
//   weighted sum over the batch divided by its size
@inline
export function lossForwardBackward(dz: usize, yhat: usize, z: usize, y: usize, w: usize, rows: i32, outputs: i32, targets: i32, act: i32, alpha: f64, loss: i32, param: f64, scale: f64, sum: f64): f64 {
  if (loss == CATEGORICAL_CROSSENTROPY || loss == SPARSE_CATEGORICAL_CROSSENTROPY) {
    return softmaxCrossentropy(dz, yhat, z, y, w, rows, outputs, targets, loss, param, scale, sum);
  }
  if (w != 0 || param != 0.0 || (loss != MSE && loss != BINARY_CROSSENTROPY)) return weightedLoss(dz, yhat, z, y, w, rows, outputs, act, alpha, loss, param, scale, sum);
  // mse and binary cross-entropy, every row weighing 1: the tutorial's losses keep this loop of their
  // own, inlined into the step, where the general one below cost a 2-2-1 network's per-row SGD ~40%.
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
      } else {
        const e = p - t;
        total += e * e;
        g = (single ? 2.0 * e : 2.0 * e / k) * derivativeWith(p, z + o, act, alpha);
      }
      store<f64>(dz + o, g * scale);
    }
    sum += single ? total : total / k;
  }
  if (act == SOFTMAX) softmaxBackward(dz, yhat, rows, outputs); // mse through softmax: each row's Jacobian
  return sum;
}

// Every elementwise loss, each row weighted by w (or 1 where w is 0), with the loss's parameter;
// categoricalHinge's rows. The same bits as the loop above for mse and binary cross-entropy where
// every weight is 1 and no label is smoothed.
function weightedLoss(dz: usize, yhat: usize, z: usize, y: usize, w: usize, rows: i32, outputs: i32, act: i32, alpha: f64, loss: i32, param: f64, scale: f64, sum: f64): f64 {
  if (loss == CATEGORICAL_HINGE) return categoricalHinge(dz, yhat, z, y, w, rows, outputs, act, alpha, scale, sum);
  // kld sums over the outputs instead of averaging
  const single = outputs == 1 || loss == KULLBACK_LEIBLER_DIVERGENCE;
  const k = <f64>outputs;
  const rowBytes = <usize>outputs << 3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    const weight = w != 0 ? load<f64>(w + (<usize>r << 3)) : 1.0;
    const s = w != 0 ? scale * weight : scale;
    let total = 0.0;
    for (let o = row; o < row + rowBytes; o += 8) {
      const p = load<f64>(yhat + o);
      const t = load<f64>(y + o);
      let g: f64;
      if (loss == MSE) {
        const e = p - t;
        total += e * e;
        g = (single ? 2.0 * e : 2.0 * e / k) * derivativeWith(p, z + o, act, alpha);
      } else if (loss == BINARY_CROSSENTROPY) {
        const ts = param != 0.0 ? t * (1.0 - param) + 0.5 * param : t; // Keras's label smoothing
        total += binaryCrossentropy(ts, p, z + o);
        g = single ? p - ts : (p - ts) / k;
      } else {
        total += term(loss, p, t, param);
        g = (single ? slope : slope / k) * derivativeWith(p, z + o, act, alpha);
      }
      store<f64>(dz + o, g * s);
    }
    let value = single ? total : total / k;
    if (loss == MEAN_ABSOLUTE_PERCENTAGE_ERROR) value = 100.0 * value; // Keras: 100 · the mean
    sum += w != 0 ? weight * value : value;
  }
  if (act == SOFTMAX) softmaxBackward(dz, yhat, rows, outputs); // through softmax: each row's Jacobian
  return sum;
}

// dL/dŷ of the last term(): a second result, which a global keeps without a store to memory
let slope: f64 = 0.0;

// One output's term of an elementwise loss past mse and binary cross-entropy, ŷ = p and y = t, as Keras 3
// computes it (keras/src/losses/losses.py); its derivative in `slope`. Where Keras takes a maximum or
// a clip, the derivative is TensorFlow's: the gradient goes to the first argument of maximum(x, y)
// where x ≥ y, and through a clip where the value is inside its bounds, ends included. Out of line, so
// each batch loop of the two classic losses stays small.
function term(loss: i32, p: f64, t: f64, param: f64): f64 {
  switch (loss) {
    case MEAN_ABSOLUTE_ERROR: { // |y − ŷ|
      const e = p - t;
      slope = e > 0.0 ? 1.0 : e < 0.0 ? -1.0 : 0.0;
      return abs(e);
    }
    case MEAN_ABSOLUTE_PERCENTAGE_ERROR: { // |(y − ŷ) / max(|y|, ε)|, the 100 after the mean
      const e = t - p, m = max(abs(t), EPS);
      slope = e < 0.0 ? 100.0 / m : e > 0.0 ? -100.0 / m : 0.0;
      return abs(e / m);
    }
    case MEAN_SQUARED_LOGARITHMIC_ERROR: { // (log(max(ŷ, ε) + 1) − log(max(y, ε) + 1))²
      const pc = max(p, EPS);
      const e = log(pc + 1.0) - log(max(t, EPS) + 1.0);
      slope = p >= EPS ? 2.0 * e / (pc + 1.0) : 0.0;
      return e * e;
    }
    case HUBER: { // ½e² where |e| ≤ δ, else δ·|e| − ½δ², e = ŷ − y
      const e = p - t, a = abs(e);
      if (a <= param) {
        slope = e;
        return 0.5 * (e * e);
      }
      slope = e > 0.0 ? param : -param;
      return param * a - 0.5 * (param * param);
    }
    case LOGCOSH: { // e + softplus(−2e) − log 2, e = ŷ − y: log cosh e without overflow
      const e = p - t;
      slope = tanh(e);
      return e + softplus(e * -2.0) - LOG_2;
    }
    case HINGE: { // max(1 − y·ŷ, 0), labels 0/1 read as −1/1
      const s = t == 0.0 ? -1.0 : t, m = 1.0 - s * p;
      slope = m >= 0.0 ? -s : 0.0;
      return max(m, 0.0);
    }
    case SQUARED_HINGE: { // max(1 − y·ŷ, 0)², labels 0/1 read as −1/1
      const s = t == 0.0 ? -1.0 : t, h = max(1.0 - s * p, 0.0);
      slope = 2.0 * h * -s;
      return h * h;
    }
    case KULLBACK_LEIBLER_DIVERGENCE: { // y·log(y / ŷ), y and ŷ clipped to [ε, 1]
      const tc = min(max(t, EPS), 1.0), pc = min(max(p, EPS), 1.0);
      slope = p >= EPS && p <= 1.0 ? -tc / pc : 0.0;
      return tc * log(tc / pc);
    }
    case POISSON: { // ŷ − y·log(ŷ + ε)
      slope = 1.0 - t / (p + EPS);
      return p - t * log(p + EPS);
    }
    default: return unreachable();
  }
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
// sparseCategoricalCrossentropy y is the class index c (targets = 1): the loss −log ŷ[c]. Label
// smoothing (categoricalCrossentropy) moves each y[k] to y[k]·(1 − s) + s / k, as Keras.
function softmaxCrossentropy(dz: usize, yhat: usize, z: usize, y: usize, w: usize, rows: i32, outputs: i32, targets: i32, loss: i32, smoothing: f64, scale: f64, sum: f64): f64 {
  const rowBytes = <usize>outputs << 3, targetBytes = <usize>targets << 3;
  const spread = smoothing / <f64>outputs;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * rowBytes, ar = yhat + <usize>r * rowBytes, dr = dz + <usize>r * rowBytes, yr = y + <usize>r * targetBytes;
    const weight = w != 0 ? load<f64>(w + (<usize>r << 3)) : 1.0;
    const s = w != 0 ? scale * weight : scale;
    const m = rowMax(zr, outputs);
    const lse = logSumExp(zr, outputs, m);
    let value: f64;
    if (loss == SPARSE_CATEGORICAL_CROSSENTROPY) {
      const c = <i32>load<f64>(yr);
      if (c < 0 || c >= outputs) unreachable(); // the host checks the class indices
      value = lse - (load<f64>(zr + (<usize>c << 3)) - m);
      for (let k = 0; k < outputs; k++) {
        const at = <usize>k << 3;
        store<f64>(dr + at, (load<f64>(ar + at) - (k == c ? 1.0 : 0.0)) * s);
      }
    } else {
      value = 0.0;
      for (let k: usize = 0; k < rowBytes; k += 8) {
        let t = load<f64>(yr + k);
        if (smoothing != 0.0) t = t * (1.0 - smoothing) + spread;
        if (t != 0.0) value += t * (lse - (load<f64>(zr + k) - m));
        store<f64>(dr + k, (load<f64>(ar + k) - t) * s);
      }
    }
    sum += w != 0 ? weight * value : value;
  }
  return sum;
}

// Categorical hinge of a row, as Keras: max(neg − pos + 1, 0) with pos = Σₖ y[k]·ŷ[k] and
// neg = maxₖ (1 − y[k])·ŷ[k]. Its dL/dŷ[k] is −y[k] + (1 − y[k])/n at the n terms tied for the
// maximum (TensorFlow's gradient of a max shares it among ties), 0 elsewhere, and all 0 where the
// hinge is flat (neg − pos + 1 < 0); then through the output's activation.
function categoricalHinge(dz: usize, yhat: usize, z: usize, y: usize, w: usize, rows: i32, outputs: i32, act: i32, alpha: f64, scale: f64, sum: f64): f64 {
  const rowBytes = <usize>outputs << 3;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes, ar = yhat + row, yr = y + row, dr = dz + row;
    const weight = w != 0 ? load<f64>(w + (<usize>r << 3)) : 1.0;
    const s = w != 0 ? scale * weight : scale;
    let pos = 0.0, neg = -Infinity;
    for (let k: usize = 0; k < rowBytes; k += 8) {
      const t = load<f64>(yr + k), p = load<f64>(ar + k);
      pos += t * p;
      neg = max(neg, (1.0 - t) * p);
    }
    const margin = neg - pos + 1.0;
    let ties = 0.0;
    for (let k: usize = 0; k < rowBytes; k += 8) if ((1.0 - load<f64>(yr + k)) * load<f64>(ar + k) == neg) ties += 1.0;
    for (let k: usize = 0; k < rowBytes; k += 8) {
      const t = load<f64>(yr + k), p = load<f64>(ar + k);
      const d = margin >= 0.0 ? -t + ((1.0 - t) * p == neg ? (1.0 - t) / ties : 0.0) : 0.0;
      store<f64>(dr + k, d * derivativeWith(p, z + row + k, act, alpha) * s);
    }
    const value = max(margin, 0.0);
    sum += w != 0 ? weight * value : value;
  }
  if (act == SOFTMAX) softmaxBackward(dz, yhat, rows, outputs);
  return sum;
}
