// The pure-TypeScript engine: assembly/*.ts line for line, over Float64Array/Int32Array views of
// one ArrayBuffer instead of linear memory. Change both together (test/engines.test.ts and
// test/simd.test.ts pin them to each other, test/kernels.test.ts each operation to known values).
// exp, log and the rest are ./math.ts's, the same lines as the kernels' (assembly/math.ts).
import { ACTIVATIONS, CLIPPINGS, LAYER_FIELDS, LOSSES, NET_SLOTS, OPTIMIZERS } from '../contract.js';
import { LAYER, NET, OPTION, SETTING } from '../layout.js';
import type { Engine } from './engine.js';
import { erf, exp, expm1, log, log1p, powerNext, powerStep, tanh } from './math.js';

const { LAYERS, LOSS, X, Y, SAMPLE_WEIGHTS, WEIGHT, ORDER, PARAMS, GRADS, COUNT, SETTINGS, OPTIMIZER, MOMENTUMS, VELOCITIES, ACCUMULATORS, CLIPPING, CAPACITY, IN, TARGET, TARGETS, REGULARIZED, RANDOM } = NET;
const { UNITS, INPUTS, ACT, W, B, A, D, Z, MASK, OPTIONS } = LAYER;
const { KERNEL_L1, KERNEL_L2, BIAS_L1, BIAS_L2, RATE, ALPHA } = OPTION;
const { LEARNING_RATE, MOMENTUM, NESTEROV, BETA_1, BETA_2, EPSILON, RHO, AMSGRAD, CENTERED, WEIGHT_DECAY, CLIP, LOSS_PARAMETER, ITERATIONS, U_PRODUCT, BETA_1_POWER, BETA_2_POWER, DECAY_POWER } = SETTING;
const LAYER0 = NET_SLOTS.length, STRIDE = LAYER_FIELDS.length;
const LINEAR = ACTIVATIONS.indexOf('linear'), SIGMOID = ACTIVATIONS.indexOf('sigmoid'), TANH = ACTIVATIONS.indexOf('tanh'), RELU = ACTIVATIONS.indexOf('relu');
const SOFTMAX = ACTIVATIONS.indexOf('softmax'), ELU = ACTIVATIONS.indexOf('elu'), SELU = ACTIVATIONS.indexOf('selu'), SOFTPLUS = ACTIVATIONS.indexOf('softplus');
const SOFTSIGN = ACTIVATIONS.indexOf('softsign'), SWISH = ACTIVATIONS.indexOf('swish'), GELU = ACTIVATIONS.indexOf('gelu');
const RELU6 = ACTIVATIONS.indexOf('relu6'), LEAKY_RELU = ACTIVATIONS.indexOf('leakyRelu'), HARD_SIGMOID = ACTIVATIONS.indexOf('hardSigmoid');
const HARD_SWISH = ACTIVATIONS.indexOf('hardSwish'), MISH = ACTIVATIONS.indexOf('mish'), EXPONENTIAL = ACTIVATIONS.indexOf('exponential');
const MSE = LOSSES.indexOf('mse'), BCE = LOSSES.indexOf('binaryCrossentropy');
const CCE = LOSSES.indexOf('categoricalCrossentropy'), SPARSE = LOSSES.indexOf('sparseCategoricalCrossentropy');
const MAE = LOSSES.indexOf('meanAbsoluteError'), MAPE = LOSSES.indexOf('meanAbsolutePercentageError'), MSLE = LOSSES.indexOf('meanSquaredLogarithmicError');
const HUBER = LOSSES.indexOf('huber'), LOGCOSH = LOSSES.indexOf('logcosh'), HINGE = LOSSES.indexOf('hinge'), SQUARED_HINGE = LOSSES.indexOf('squaredHinge');
const CATEGORICAL_HINGE = LOSSES.indexOf('categoricalHinge'), KLD = LOSSES.indexOf('kullbackLeiblerDivergence'), POISSON = LOSSES.indexOf('poisson');
const SGD = OPTIMIZERS.indexOf('sgd'), ADAM = OPTIMIZERS.indexOf('adam'), RMSPROP = OPTIMIZERS.indexOf('rmsprop'), ADAGRAD = OPTIMIZERS.indexOf('adagrad');
const ADADELTA = OPTIMIZERS.indexOf('adadelta'), ADAMAX = OPTIMIZERS.indexOf('adamax'), NADAM = OPTIMIZERS.indexOf('nadam'), ADAMW = OPTIMIZERS.indexOf('adamw');
const CLIP_NONE = CLIPPINGS.indexOf('none'), CLIP_CLIPNORM = CLIPPINGS.indexOf('clipnorm'), CLIP_GLOBAL_CLIPNORM = CLIPPINGS.indexOf('globalClipnorm'), CLIP_CLIPVALUE = CLIPPINGS.indexOf('clipvalue');
const EPS = 1e-7;
/** What each draw adds to the dropout generator's state (assembly/dropout.ts). */
const STEP = 0x6d2b79f5;
const LOG_2 = Math.LN2; // the double nearest ln 2, as assembly/losses.ts writes it
// See assembly/dense.ts: under it, a fused SGD update cannot make a finite weight non-finite.
const TAME = 1e288;
// the doubles nearest Keras's λ and α, and 1/√2, 1/√(2π), as assembly/activations.ts writes them
const SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805;
const SQRT1_2 = Math.SQRT1_2, INV_SQRT_2PI = 0.3989422804014327;
const ONE_SIXTH = 1.0 / 6.0;

function unknown(what: string, code: number): never {
  throw new Error(`Unknown ${what} code ${code} in the network descriptor.`);
}

// dL/dŷ of the last term(), as assembly/losses.ts keeps it
let slope = 0.0;

/** One output's term of an elementwise loss past mse and binary cross-entropy (assembly/losses.ts term); its dL/dŷ after it in termSlope(). */
export function term(loss: number, p: number, t: number, param: number): number {
  switch (loss) {
    case MAE: {
      const e = p - t;
      slope = e > 0.0 ? 1.0 : e < 0.0 ? -1.0 : 0.0;
      return Math.abs(e);
    }
    case MAPE: {
      const e = t - p, m = Math.max(Math.abs(t), EPS);
      slope = e < 0.0 ? 100.0 / m : e > 0.0 ? -100.0 / m : 0.0;
      return Math.abs(e / m);
    }
    case MSLE: {
      const pc = Math.max(p, EPS);
      const e = log(pc + 1.0) - log(Math.max(t, EPS) + 1.0);
      slope = p >= EPS ? 2.0 * e / (pc + 1.0) : 0.0;
      return e * e;
    }
    case HUBER: {
      const e = p - t, a = Math.abs(e);
      if (a <= param) {
        slope = e;
        return 0.5 * (e * e);
      }
      slope = e > 0.0 ? param : -param;
      return param * a - 0.5 * (param * param);
    }
    case LOGCOSH: {
      const e = p - t;
      slope = tanh(e);
      return e + softplus(e * -2.0) - LOG_2;
    }
    case HINGE: {
      const s = t === 0.0 ? -1.0 : t, m = 1.0 - s * p;
      slope = m >= 0.0 ? -s : 0.0;
      return Math.max(m, 0.0);
    }
    case SQUARED_HINGE: {
      const s = t === 0.0 ? -1.0 : t, h = Math.max(1.0 - s * p, 0.0);
      slope = 2.0 * h * -s;
      return h * h;
    }
    case KLD: {
      const tc = Math.min(Math.max(t, EPS), 1.0), pc = Math.min(Math.max(p, EPS), 1.0);
      slope = p >= EPS && p <= 1.0 ? -tc / pc : 0.0;
      return tc * log(tc / pc);
    }
    case POISSON: {
      slope = 1.0 - t / (p + EPS);
      return p - t * log(p + EPS);
    }
    default: return unknown('loss', loss);
  }
}

/** dL/dŷ of the last term(). */
export function termSlope(): number {
  return slope;
}


function sigmoid(z: number): number {
  return 1.0 / (1.0 + exp(-z));
}

function softplus(z: number): number {
  return Math.max(z, 0.0) + log1p(exp(-Math.abs(z)));
}

function hardSigmoid(z: number): number {
  return Math.min(Math.max(z + 3.0, 0.0), 6.0) / 6.0;
}

function activate(z: number, act: number): number {
  switch (act) {
    case LINEAR: return z;
    case SIGMOID: return sigmoid(z);
    case TANH: return tanh(z);
    case RELU: return Math.max(z, 0.0);
    default: return activateMore(z, act);
  }
}

function activateMore(z: number, act: number): number {
  switch (act) {
    case ELU: return z > 0.0 ? z : expm1(z);
    case SELU: return z > 0.0 ? SELU_SCALE * z : SELU_SCALE * (SELU_ALPHA * expm1(z));
    case SOFTPLUS: return softplus(z);
    case SOFTSIGN: return z / (1.0 + Math.abs(z));
    case SWISH: return z * sigmoid(z);
    case GELU: return 0.5 * z * (1.0 + erf(z * SQRT1_2));
    case RELU6: return Math.min(Math.max(z, 0.0), 6.0);
    case HARD_SIGMOID: return hardSigmoid(z);
    case HARD_SWISH: return z * hardSigmoid(z);
    case MISH: return z * tanh(softplus(z));
    case EXPONENTIAL: return exp(z);
    default: return unknown('activation', act);
  }
}

// f: the engine's memory, where z sits at index zp
function derivative(f: Float64Array, a: number, zp: number, act: number): number {
  switch (act) {
    case LINEAR: return 1.0;
    case SIGMOID: return a * (1.0 - a);
    case TANH: return 1.0 - a * a;
    case RELU: return a > 0.0 ? 1.0 : 0.0;
    default: return derivativeMore(f, a, zp, act);
  }
}

function derivativeMore(f: Float64Array, a: number, zp: number, act: number): number {
  switch (act) {
    case SOFTMAX: return 1.0;
    case ELU: return a > 0.0 ? 1.0 : a + 1.0;
    case SELU: return a > 0.0 ? SELU_SCALE : a + SELU_SCALE * SELU_ALPHA;
    case SOFTPLUS: return sigmoid(f[zp]!);
    case SOFTSIGN: {
      const d = 1.0 + Math.abs(f[zp]!);
      return 1.0 / (d * d);
    }
    case SWISH: {
      const z = f[zp]!, s = sigmoid(z);
      return s + z * s * (1.0 - s);
    }
    case GELU: {
      const z = f[zp]!;
      return 0.5 * (1.0 + erf(z * SQRT1_2)) + z * exp(-0.5 * z * z) * INV_SQRT_2PI;
    }
    case RELU6: return a > 0.0 && a < 6.0 ? 1.0 : 0.0;
    case HARD_SIGMOID: return a > 0.0 && a < 1.0 ? ONE_SIXTH : 0.0;
    case HARD_SWISH: {
      const z = f[zp]!, t = z + 3.0;
      return hardSigmoid(z) + z * (t > 0.0 && t < 6.0 ? ONE_SIXTH : 0.0);
    }
    case MISH: {
      const z = f[zp]!, t = tanh(softplus(z));
      return t + z * (1.0 - t * t) * sigmoid(z);
    }
    case EXPONENTIAL: return a;
    default: return unknown('activation', act);
  }
}

// leaky_relu with its layer's negative slope α (its ALPHA option): applied over its layer, which keeps z
function leakyRelu(z: number, alpha: number): number {
  return z > 0.0 ? z : alpha * z;
}

function leakyReluDerivative(a: number, alpha: number): number {
  return a > 0.0 ? 1.0 : alpha;
}

function activateWith(z: number, act: number, alpha: number): number {
  return act === LEAKY_RELU ? leakyRelu(z, alpha) : activate(z, act);
}

function derivativeWith(f: Float64Array, a: number, zp: number, act: number, alpha: number): number {
  return act === LEAKY_RELU ? leakyReluDerivative(a, alpha) : derivative(f, a, zp, act);
}

export function openJsEngine(bytes: number): Engine {
  let f = new Float64Array(bytes / 8 + 1);
  let m = new Int32Array(f.buffer);
  const slot = (net: number, s: number) => m[net + s]!;
  const record = (net: number, l: number) => net + LAYER0 + l * STRIDE;
  const field = (layer: number, s: number) => m[layer + s]!;

  function activationForward(a: number, z: number, rows: number, units: number, act: number, alpha: number): void {
    if (act === SOFTMAX) {
      softmaxForward(a, z, rows, units);
      return;
    }
    if (act === LEAKY_RELU) {
      leakyReluForward(a, z, rows * units, alpha);
      return;
    }
    for (let i = 0; i < rows * units; i++) f[a + i] = activate(f[z + i]!, act);
  }

  function leakyReluForward(a: number, z: number, n: number, alpha: number): void {
    for (let i = 0; i < n; i++) f[a + i] = leakyRelu(f[z + i]!, alpha);
  }

  function leakyReluBackward(d: number, a: number, n: number, alpha: number): void {
    for (let i = 0; i < n; i++) f[d + i] = f[d + i]! * leakyReluDerivative(f[a + i]!, alpha);
  }

  function activationBackward(d: number, a: number, z: number, rows: number, units: number, act: number, alpha: number): void {
    if (act === LINEAR) return;
    if (act === SOFTMAX) {
      softmaxBackward(d, a, rows, units);
      return;
    }
    if (act === LEAKY_RELU) {
      leakyReluBackward(d, a, rows * units, alpha);
      return;
    }
    for (let i = 0; i < rows * units; i++) f[d + i] = f[d + i]! * derivative(f, f[a + i]!, z + i, act);
  }

  function activationBackwardFromZ(d: number, z: number, n: number, act: number, alpha: number): void {
    if (act === LINEAR) return;
    if (act === LEAKY_RELU) {
      for (let i = 0; i < n; i++) f[d + i] = f[d + i]! * leakyReluDerivative(leakyRelu(f[z + i]!, alpha), alpha);
      return;
    }
    for (let i = 0; i < n; i++) f[d + i] = f[d + i]! * derivative(f, activate(f[z + i]!, act), z + i, act);
  }

  function softmaxForward(a: number, z: number, rows: number, n: number): void {
    for (let r = 0; r < rows; r++) {
      const zr = z + r * n, ar = a + r * n;
      const mx = rowMax(zr, n);
      let s = 0.0;
      for (let k = 0; k < n; k++) {
        const e = exp(f[zr + k]! - mx);
        f[ar + k] = e;
        s += e;
      }
      for (let k = 0; k < n; k++) f[ar + k] = f[ar + k]! / s;
    }
  }

  function softmaxBackward(d: number, a: number, rows: number, n: number): void {
    for (let r = 0; r < rows; r++) {
      const dr = d + r * n, ar = a + r * n;
      let dot = 0.0;
      for (let k = 0; k < n; k++) dot += f[dr + k]! * f[ar + k]!;
      for (let k = 0; k < n; k++) f[dr + k] = f[ar + k]! * (f[dr + k]! - dot);
    }
  }

  function logSumExp(z: number, n: number, mx: number): number {
    let s = 0.0;
    for (let k = 0; k < n; k++) s += exp(f[z + k]! - mx);
    return log(s);
  }

  function rowMax(z: number, n: number): number {
    let mx = f[z]!;
    for (let k = 1; k < n; k++) mx = Math.max(mx, f[z + k]!);
    return mx;
  }

  function dropoutForward(a: number, mask: number, n: number, rate: number, s: number): number {
    const scale = 1.0 / (1.0 - rate);
    for (let i = 0; i < n; i++) {
      s = (s + STEP) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296.0;
      const mk = u >= rate ? scale : 0.0;
      f[mask + i] = mk;
      f[a + i] = f[a + i]! * mk;
    }
    return s;
  }

  function dropoutBackward(d: number, mask: number, n: number): void {
    for (let i = 0; i < n; i++) f[d + i] = f[d + i]! * f[mask + i]!;
  }

  function penalty(net: number, gradients: boolean): number {
    const shift = slot(net, GRADS) - slot(net, PARAMS);
    let total = 0.0;
    for (let l = 0; l < slot(net, LAYERS); l++) {
      const layer = record(net, l);
      const o = field(layer, OPTIONS), w = field(layer, W), b = field(layer, B), units = field(layer, UNITS);
      total += regularize(w, w + shift, units * field(layer, INPUTS), f[o + KERNEL_L1]!, f[o + KERNEL_L2]!, gradients);
      total += regularize(b, b + shift, units, f[o + BIAS_L1]!, f[o + BIAS_L2]!, gradients);
    }
    return total;
  }

  function regularize(p: number, g: number, n: number, l1: number, l2: number, gradients: boolean): number {
    if (l1 === 0.0 && l2 === 0.0) return 0.0;
    let absolute = 0.0, squares = 0.0;
    for (let i = 0; i < n; i++) {
      const w = f[p + i]!;
      absolute += Math.abs(w);
      squares += w * w;
      if (gradients) f[g + i] = f[g + i]! + (l1 * (w > 0.0 ? 1.0 : w < 0.0 ? -1.0 : 0.0) + l2 * (2.0 * w));
    }
    return l1 * absolute + l2 * squares;
  }

  function lossForwardBackward(dz: number, yhat: number, z: number, y: number, w: number, rows: number, outputs: number, targets: number, act: number, alpha: number, loss: number, param: number, scale: number, sum: number): number {
    if (loss === CCE || loss === SPARSE) return softmaxCrossentropy(dz, yhat, z, y, w, rows, outputs, targets, loss, param, scale, sum);
    if (w !== 0 || param !== 0.0 || (loss !== MSE && loss !== BCE)) return weightedLoss(dz, yhat, z, y, w, rows, outputs, act, alpha, loss, param, scale, sum);
    const single = outputs === 1;
    for (let row = 0; row < rows * outputs; row += outputs) {
      let total = 0.0;
      for (let o = row; o < row + outputs; o++) {
        const p = f[yhat + o]!;
        const t = f[y + o]!;
        let g: number;
        if (loss === BCE) {
          total += binaryCrossentropy(t, p, z + o);
          g = single ? p - t : (p - t) / outputs;
        } else {
          const e = p - t;
          total += e * e;
          g = (single ? 2.0 * e : 2.0 * e / outputs) * derivativeWith(f, p, z + o, act, alpha);
        }
        f[dz + o] = g * scale;
      }
      sum += single ? total : total / outputs;
    }
    if (act === SOFTMAX) softmaxBackward(dz, yhat, rows, outputs);
    return sum;
  }

  function weightedLoss(dz: number, yhat: number, z: number, y: number, w: number, rows: number, outputs: number, act: number, alpha: number, loss: number, param: number, scale: number, sum: number): number {
    if (loss === CATEGORICAL_HINGE) return categoricalHinge(dz, yhat, z, y, w, rows, outputs, act, alpha, scale, sum);
    const single = outputs === 1 || loss === KLD;
    const k = outputs;
    for (let r = 0; r < rows; r++) {
      const row = r * outputs;
      const weight = w !== 0 ? f[w + r]! : 1.0;
      const s = w !== 0 ? scale * weight : scale;
      let total = 0.0;
      for (let o = row; o < row + outputs; o++) {
        const p = f[yhat + o]!;
        const t = f[y + o]!;
        let g: number;
        if (loss === MSE) {
          const e = p - t;
          total += e * e;
          g = (single ? 2.0 * e : 2.0 * e / k) * derivativeWith(f, p, z + o, act, alpha);
        } else if (loss === BCE) {
          const ts = param !== 0.0 ? t * (1.0 - param) + 0.5 * param : t;
          total += binaryCrossentropy(ts, p, z + o);
          g = single ? p - ts : (p - ts) / k;
        } else {
          total += term(loss, p, t, param);
          g = (single ? slope : slope / k) * derivativeWith(f, p, z + o, act, alpha);
        }
        f[dz + o] = g * s;
      }
      let value = single ? total : total / k;
      if (loss === MAPE) value = 100.0 * value;
      sum += w !== 0 ? weight * value : value;
    }
    if (act === SOFTMAX) softmaxBackward(dz, yhat, rows, outputs);
    return sum;
  }

  function binaryCrossentropy(t: number, p: number, zp: number): number {
    if (t === 1.0) return negLogSigmoid(p, zp);
    if (t === 0.0) return negLogOneMinusSigmoid(p, zp);
    return t * negLogSigmoid(p, zp) + (1.0 - t) * negLogOneMinusSigmoid(p, zp);
  }

  function negLogSigmoid(p: number, zp: number): number {
    return p >= EPS ? -log(p) : -f[zp]! - log(1.0 - p);
  }

  function negLogOneMinusSigmoid(p: number, zp: number): number {
    return p <= 1.0 - EPS ? -log(1.0 - p) : f[zp]! - log(p);
  }

  function softmaxCrossentropy(dz: number, yhat: number, z: number, y: number, w: number, rows: number, outputs: number, targets: number, loss: number, smoothing: number, scale: number, sum: number): number {
    const spread = smoothing / outputs;
    for (let r = 0; r < rows; r++) {
      const zr = z + r * outputs, ar = yhat + r * outputs, dr = dz + r * outputs, yr = y + r * targets;
      const weight = w !== 0 ? f[w + r]! : 1.0;
      const s = w !== 0 ? scale * weight : scale;
      const mx = rowMax(zr, outputs);
      const lse = logSumExp(zr, outputs, mx);
      let value: number;
      if (loss === SPARSE) {
        const c = Math.trunc(f[yr]!);
        if (!(c >= 0 && c < outputs)) throw new Error(`Class index ${f[yr]} is not one of the ${outputs} classes.`);
        value = lse - (f[zr + c]! - mx);
        for (let k = 0; k < outputs; k++) f[dr + k] = (f[ar + k]! - (k === c ? 1.0 : 0.0)) * s;
      } else {
        value = 0.0;
        for (let k = 0; k < outputs; k++) {
          let t = f[yr + k]!;
          if (smoothing !== 0.0) t = t * (1.0 - smoothing) + spread;
          if (t !== 0.0) value += t * (lse - (f[zr + k]! - mx));
          f[dr + k] = (f[ar + k]! - t) * s;
        }
      }
      sum += w !== 0 ? weight * value : value;
    }
    return sum;
  }

  function categoricalHinge(dz: number, yhat: number, z: number, y: number, w: number, rows: number, outputs: number, act: number, alpha: number, scale: number, sum: number): number {
    for (let r = 0; r < rows; r++) {
      const row = r * outputs, ar = yhat + row, yr = y + row, dr = dz + row;
      const weight = w !== 0 ? f[w + r]! : 1.0;
      const s = w !== 0 ? scale * weight : scale;
      let pos = 0.0, neg = -Infinity;
      for (let k = 0; k < outputs; k++) {
        const t = f[yr + k]!, p = f[ar + k]!;
        pos += t * p;
        neg = Math.max(neg, (1.0 - t) * p);
      }
      const margin = neg - pos + 1.0;
      let ties = 0.0;
      for (let k = 0; k < outputs; k++) if ((1.0 - f[yr + k]!) * f[ar + k]! === neg) ties += 1.0;
      for (let k = 0; k < outputs; k++) {
        const t = f[yr + k]!, p = f[ar + k]!;
        const d = margin >= 0.0 ? -t + ((1.0 - t) * p === neg ? (1.0 - t) / ties : 0.0) : 0.0;
        f[dr + k] = d * derivativeWith(f, p, z + row + k, act, alpha) * s;
      }
      const value = Math.max(margin, 0.0);
      sum += w !== 0 ? weight * value : value;
    }
    if (act === SOFTMAX) softmaxBackward(dz, yhat, rows, outputs);
    return sum;
  }

  // dot(): the order assembly/dense.ts sums in — four running sums over i mod 4 (two f64x2 lanes each in
  // the SIMD build), a leftover pair into the first two, then (s0 + s2) + (s1 + s3), then the last
  // element when n is odd; under four terms, left to right — so this engine gives the kernels' numbers exactly.
  function dot(a: number, x: number, n: number): number {
    if (n < 4) {
      let sum = f[a]! * f[x]!;
      if (n > 1) sum += f[a + 1]! * f[x + 1]!;
      if (n > 2) sum += f[a + 2]! * f[x + 2]!;
      return sum;
    }
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

  function denseForward(out: number, inp: number, w: number, b: number, rows: number, inputs: number, units: number, act: number): void {
    for (let r = 0; r < rows; r++) {
      for (let u = 0; u < units; u++) f[out + r * units + u] = activate(f[b + u]! + dot(w + u * inputs, inp + r * inputs, inputs), act);
    }
  }

  function denseBackward(din: number, gw: number, gb: number, dout: number, inp: number, w: number, rows: number, inputs: number, units: number): void {
    for (let u = 0; u < units; u++) {
      let s = f[dout + u]!;
      for (let r = 1; r < rows; r++) s += f[dout + r * units + u]!;
      f[gb + u] = s;
    }
    for (let u = 0; u < units; u++) {
      for (let i = 0; i < inputs; i++) {
        let s = f[dout + u]! * f[inp + i]!;
        for (let r = 1; r < rows; r++) s += f[dout + r * units + u]! * f[inp + r * inputs + i]!;
        f[gw + u * inputs + i] = s;
      }
    }
    if (!din) return;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < inputs; i++) {
        let s = f[dout + r * units]! * f[w + i]!;
        for (let k = 1; k < units; k++) s += f[dout + r * units + k]! * f[w + k * inputs + i]!;
        f[din + r * inputs + i] = s;
      }
    }
  }

  function denseBackwardUpdate(din: number, dout: number, inp: number, w: number, b: number, inputs: number, units: number, lr: number): number {
    if (inputs >= 32) return updateUnits(din, dout, inp, w, b, inputs, units, lr, true, Math.max(1.0, lr) * maxAbs(inp, inputs));
    return updateUnits(din, dout, inp, w, b, inputs, units, lr, false, 0.0);
  }

  function updateUnits(din: number, dout: number, inp: number, w: number, b: number, inputs: number, units: number, lr: number, tame: boolean, scale: number): number {
    let finite = 0.0;
    for (let u = 0; u < units; u++) {
      const d = f[dout + u]!;
      const p = f[b + u]! - lr * d;
      f[b + u] = p;
      finite += p - p;
      const wu = w + u * inputs;
      if (tame && Math.abs(d) * scale < TAME) unitUpdate(din, u, d, inp, wu, inputs, lr, false);
      else finite += unitUpdate(din, u, d, inp, wu, inputs, lr, true);
    }
    return finite;
  }

  function unitUpdate(din: number, u: number, d: number, inp: number, wu: number, inputs: number, lr: number, check: boolean): number {
    let finite = 0.0;
    for (let i = 0; i < inputs; i++) {
      const wi = f[wu + i]!;
      if (din) f[din + i] = u > 0 ? f[din + i]! + d * wi : d * wi;
      const q = wi - lr * (d * f[inp + i]!);
      f[wu + i] = q;
      if (check) finite += q - q;
    }
    return finite;
  }

  function maxAbs(x: number, n: number): number {
    let m = 0.0;
    for (let i = 0; i < n; i++) {
      const v = f[x + i]!;
      if (v - v !== 0) return NaN;
      const a = Math.abs(v);
      if (a > m) m = a;
    }
    return m;
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
    lr: number, beta1: number, beta2: number, epsilon: number, beta1Power: number, beta2Power: number): number {
    const alpha = lr * Math.sqrt(1.0 - beta2Power) / (1.0 - beta1Power);
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
      finite += rmspropStep(params + i, momentums + i, lr * g / Math.sqrt(v + epsilon), momentum);
    }
    return finite;
  }

  function rmspropStep(p: number, m: number, increment: number, momentum: number): number {
    let step = increment;
    if (momentum !== 0.0) {
      step += momentum * f[m]!;
      f[m] = step;
    }
    const q = f[p]! - step;
    f[p] = q;
    return q - q;
  }

  function moments(g: number, m: number, v: number, beta1: number, beta2: number): void {
    const mo = f[m]!;
    f[m] = mo + (g - mo) * (1.0 - beta1);
    const ve = f[v]!;
    f[v] = ve + (g * g - ve) * (1.0 - beta2);
  }

  function adamAmsgradUpdate(params: number, grads: number, momentums: number, velocities: number, hats: number, count: number,
    lr: number, beta1: number, beta2: number, epsilon: number, beta1Power: number, beta2Power: number): number {
    const alpha = lr * Math.sqrt(1.0 - beta2Power) / (1.0 - beta1Power);
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      moments(g, momentums + i, velocities + i, beta1, beta2);
      const mo = f[momentums + i]!;
      const hat = Math.max(f[hats + i]!, f[velocities + i]!);
      f[hats + i] = hat;
      const p = f[params + i]! - mo * alpha / (Math.sqrt(hat) + epsilon);
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function centeredRmspropUpdate(params: number, grads: number, velocities: number, averages: number, momentums: number, count: number,
    lr: number, rho: number, momentum: number, epsilon: number): number {
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      const v = rho * f[velocities + i]! + (1.0 - rho) * (g * g);
      f[velocities + i] = v;
      const a = rho * f[averages + i]! + (1.0 - rho) * g;
      f[averages + i] = a;
      finite += rmspropStep(params + i, momentums + i, lr * g / Math.sqrt(v - a * a + epsilon), momentum);
    }
    return finite;
  }

  function adagradUpdate(params: number, grads: number, accumulators: number, count: number, lr: number, epsilon: number): number {
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      const a = f[accumulators + i]! + g * g;
      f[accumulators + i] = a;
      const p = f[params + i]! - lr * g / Math.sqrt(a + epsilon);
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function adadeltaUpdate(params: number, grads: number, velocities: number, accumulators: number, count: number, lr: number, rho: number, epsilon: number): number {
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      const eg = rho * f[velocities + i]! + (1.0 - rho) * (g * g);
      f[velocities + i] = eg;
      const delta = -(Math.sqrt(f[accumulators + i]! + epsilon) * g / Math.sqrt(eg + epsilon));
      f[accumulators + i] = rho * f[accumulators + i]! + (1.0 - rho) * (delta * delta);
      const p = f[params + i]! + lr * delta;
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function adamaxUpdate(params: number, grads: number, momentums: number, velocities: number, count: number,
    lr: number, beta1: number, beta2: number, epsilon: number, beta1Power: number): number {
    const correction = 1.0 - beta1Power;
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      let mo = f[momentums + i]!;
      mo += (g - mo) * (1.0 - beta1);
      f[momentums + i] = mo;
      const u = Math.max(beta2 * f[velocities + i]!, Math.abs(g));
      f[velocities + i] = u;
      const p = f[params + i]! - lr * mo / (correction * (u + epsilon));
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function nadamUpdate(params: number, grads: number, momentums: number, velocities: number, count: number,
    lr: number, beta1: number, beta2: number, epsilon: number, beta2Power: number, decayPower: number, nextDecayPower: number, uProduct: number): number {
    const u = beta1 * (1.0 - 0.5 * decayPower), next = beta1 * (1.0 - 0.5 * nextDecayPower);
    const nextProduct = uProduct * next;
    let finite = 0.0;
    for (let i = 0; i < count; i++) {
      const g = f[grads + i]!;
      moments(g, momentums + i, velocities + i, beta1, beta2);
      const mHat = next * f[momentums + i]! / (1.0 - nextProduct) + (1.0 - u) * g / (1.0 - uProduct);
      const vHat = f[velocities + i]! / (1.0 - beta2Power);
      const p = f[params + i]! - mHat * lr / (Math.sqrt(vHat) + epsilon);
      f[params + i] = p;
      finite += p - p;
    }
    return finite;
  }

  function decayWeights(params: number, count: number, decay: number, lr: number): void {
    for (let i = 0; i < count; i++) {
      const p = f[params + i]!;
      f[params + i] = p - p * decay * lr;
    }
  }

  function clipByNorm(g: number, n: number, c: number): void {
    const sum = squares(g, n);
    const norm = sum > 0.0 ? Math.sqrt(sum) : sum;
    const divisor = Math.max(norm, c);
    for (let i = 0; i < n; i++) f[g + i] = f[g + i]! * c / divisor;
  }

  function squares(g: number, n: number): number {
    let sum = 0.0;
    for (let i = 0; i < n; i++) { const v = f[g + i]!; sum += v * v; }
    return sum;
  }

  function clipGradients(net: number, kind: number): void {
    const c = f[slot(net, SETTINGS) + CLIP]!;
    const grads = slot(net, GRADS), shift = grads - slot(net, PARAMS), count = slot(net, COUNT);
    if (kind === CLIP_CLIPVALUE) {
      for (let i = 0; i < count; i++) f[grads + i] = Math.min(Math.max(f[grads + i]!, -c), c);
      return;
    }
    if (kind !== CLIP_CLIPNORM && kind !== CLIP_GLOBAL_CLIPNORM) unknown('clipping', kind);
    let total = 0.0;
    for (let l = 0; l < slot(net, LAYERS); l++) {
      const layer = record(net, l), units = field(layer, UNITS);
      const w = field(layer, W) + shift, b = field(layer, B) + shift;
      if (kind === CLIP_CLIPNORM) {
        clipByNorm(w, units * field(layer, INPUTS), c);
        clipByNorm(b, units, c);
      } else {
        total += squares(w, units * field(layer, INPUTS));
        total += squares(b, units);
      }
    }
    if (kind === CLIP_CLIPNORM) return;
    const norm = Math.sqrt(total);
    const scale = c * Math.min(1.0 / norm, 1.0 / c) + (norm - norm);
    for (let i = 0; i < count; i++) f[grads + i] = f[grads + i]! * scale;
  }

  function countUpdate(net: number): void {
    const settings = slot(net, SETTINGS);
    f[settings + ITERATIONS] = f[settings + ITERATIONS]! + 1.0;
  }

  function plainSgd(net: number): boolean {
    return slot(net, OPTIMIZER) === SGD && f[slot(net, SETTINGS) + MOMENTUM]! === 0.0 && slot(net, CLIPPING) === CLIP_NONE;
  }

  function update(net: number): number {
    const clipping = slot(net, CLIPPING);
    if (clipping !== CLIP_NONE) clipGradients(net, clipping);
    advance(net);
    const finite = updateRange(net, 0, slot(net, COUNT));
    finish(net);
    return finite;
  }

  function advance(net: number): void {
    countUpdate(net);
    const settings = slot(net, SETTINGS), kind = slot(net, OPTIMIZER);
    if (kind === ADAM || kind === ADAMW || kind === ADAMAX) powerStep(f, settings + BETA_1_POWER, f[settings + BETA_1]!);
    if (kind === ADAM || kind === ADAMW || kind === NADAM) powerStep(f, settings + BETA_2_POWER, f[settings + BETA_2]!);
    if (kind === NADAM) f[settings + U_PRODUCT] = f[settings + U_PRODUCT]! * f[settings + BETA_1]! * (1.0 - 0.5 * power(settings + DECAY_POWER));
  }

  function finish(net: number): void {
    if (slot(net, OPTIMIZER) === NADAM) powerStep(f, slot(net, SETTINGS) + DECAY_POWER, 0.96);
  }

  function power(at: number): number {
    return f[at]! + f[at + 1]!;
  }

  function updateRange(net: number, first: number, count: number): number {
    const settings = slot(net, SETTINGS);
    const params = slot(net, PARAMS) + first;
    const grads = slot(net, GRADS) + first;
    const momentums = slot(net, MOMENTUMS) + first;
    const velocities = slot(net, VELOCITIES) + first;
    const accumulators = slot(net, ACCUMULATORS) + first;
    const lr = f[settings + LEARNING_RATE]!;
    const kind = slot(net, OPTIMIZER);
    if (kind === ADAM) {
      return adam(net, params, grads, momentums, velocities, accumulators, count, lr);
    }
    if (kind === RMSPROP) {
      if (f[settings + CENTERED]! !== 0.0) {
        return centeredRmspropUpdate(params, grads, velocities, accumulators, momentums, count, lr,
          f[settings + RHO]!, f[settings + MOMENTUM]!, f[settings + EPSILON]!);
      }
      return rmspropUpdate(params, grads, velocities, momentums, count, lr,
        f[settings + RHO]!, f[settings + MOMENTUM]!, f[settings + EPSILON]!);
    }
    if (kind === SGD) return sgdUpdate(params, grads, momentums, count, lr, f[settings + MOMENTUM]!, f[settings + NESTEROV]! !== 0.0);
    return updateMore(net, kind, params, grads, momentums, velocities, accumulators, count, lr);
  }

  function adam(net: number, params: number, grads: number, momentums: number, velocities: number, accumulators: number, count: number, lr: number): number {
    const settings = slot(net, SETTINGS);
    const beta1 = f[settings + BETA_1]!, beta2 = f[settings + BETA_2]!, epsilon = f[settings + EPSILON]!;
    const beta1Power = power(settings + BETA_1_POWER), beta2Power = power(settings + BETA_2_POWER);
    if (f[settings + AMSGRAD]! !== 0.0) {
      return adamAmsgradUpdate(params, grads, momentums, velocities, accumulators, count, lr, beta1, beta2, epsilon, beta1Power, beta2Power);
    }
    return adamUpdate(params, grads, momentums, velocities, count, lr, beta1, beta2, epsilon, beta1Power, beta2Power);
  }

  function updateMore(net: number, kind: number, params: number, grads: number, momentums: number, velocities: number, accumulators: number, count: number, lr: number): number {
    const settings = slot(net, SETTINGS);
    const epsilon = f[settings + EPSILON]!;
    if (kind === ADAGRAD) return adagradUpdate(params, grads, accumulators, count, lr, epsilon);
    if (kind === ADADELTA) return adadeltaUpdate(params, grads, velocities, accumulators, count, lr, f[settings + RHO]!, epsilon);
    const beta1 = f[settings + BETA_1]!, beta2 = f[settings + BETA_2]!;
    if (kind === ADAMAX) return adamaxUpdate(params, grads, momentums, velocities, count, lr, beta1, beta2, epsilon, power(settings + BETA_1_POWER));
    if (kind === NADAM) {
      return nadamUpdate(params, grads, momentums, velocities, count, lr, beta1, beta2, epsilon,
        power(settings + BETA_2_POWER), power(settings + DECAY_POWER), powerNext(f, settings + DECAY_POWER, 0.96), f[settings + U_PRODUCT]!);
    }
    if (kind === ADAMW) {
      decayWeights(params, count, f[settings + WEIGHT_DECAY]!, lr);
      return adam(net, params, grads, momentums, velocities, accumulators, count, lr);
    }
    return unknown('optimizer', kind);
  }

  function forward(net: number, inp: number, rows: number, out: number, train: boolean, keepZ: boolean): number {
    const last = slot(net, LAYERS) - 1;
    let random = m[net + RANDOM]! >>> 0;
    for (let l = 0; l <= last; l++) {
      const layer = record(net, l);
      const dst = l === last ? out : field(layer, A);
      const w = field(layer, W), b = field(layer, B), inputs = field(layer, INPUTS), units = field(layer, UNITS), act = field(layer, ACT);
      const z = field(layer, Z);
      if (z === 0 || (!keepZ && (act === LINEAR || act === SIGMOID || act === TANH || act === RELU))) {
        denseForward(dst, inp, w, b, rows, inputs, units, act);
      } else {
        denseForward(z, inp, w, b, rows, inputs, units, LINEAR);
        activationForward(dst, z, rows, units, act, f[field(layer, OPTIONS) + ALPHA]!);
        const mask = field(layer, MASK);
        if (train && mask !== 0) random = dropoutForward(dst, mask, rows * units, f[field(layer, OPTIONS) + RATE]!, random);
      }
      inp = dst;
    }
    return random;
  }

  function layerBackward(d: number, layer: number, rows: number): void {
    const act = field(layer, ACT), mask = field(layer, MASK);
    if (mask === 0) {
      if (act !== LINEAR) activationBackward(d, field(layer, A), field(layer, Z), rows, field(layer, UNITS), act, f[field(layer, OPTIONS) + ALPHA]!);
    } else {
      const n = rows * field(layer, UNITS);
      dropoutBackward(d, mask, n);
      activationBackwardFromZ(d, field(layer, Z), n, act, f[field(layer, OPTIONS) + ALPHA]!);
    }
  }

  function backward(net: number, inp: number, rows: number): void {
    const shift = slot(net, GRADS) - slot(net, PARAMS);
    for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
      const layer = record(net, l);
      const w = field(layer, W), b = field(layer, B), inputs = field(layer, INPUTS);
      if (l === 0) {
        denseBackward(0, w + shift, b + shift, field(layer, D), inp, w, rows, inputs, field(layer, UNITS));
      } else {
        const below = record(net, l - 1);
        const din = field(below, D), a = field(below, A);
        denseBackward(din, w + shift, b + shift, field(layer, D), a, w, rows, inputs, field(layer, UNITS));
        layerBackward(din, below, rows);
      }
    }
  }

  function backwardUpdate(net: number, inp: number): number {
    countUpdate(net);
    const lr = f[slot(net, SETTINGS) + LEARNING_RATE]!;
    let finite = 0.0;
    for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
      const layer = record(net, l);
      const w = field(layer, W), b = field(layer, B), inputs = field(layer, INPUTS), units = field(layer, UNITS);
      if (l === 0) {
        finite += denseBackwardUpdate(0, field(layer, D), inp, w, b, inputs, units, lr);
      } else {
        const below = record(net, l - 1);
        const din = field(below, D), a = field(below, A);
        finite += denseBackwardUpdate(din, field(layer, D), a, w, b, inputs, units, lr);
        layerBackward(din, below, 1);
      }
    }
    return finite;
  }

  function gather(dst: number, src: number, n: number, order: number, count: number): void {
    for (let r = 0; r < count; r++) f.copyWithin(dst + r * n, src + m[order + r]! * n, src + (m[order + r]! + 1) * n);
  }

  let fuse = true;

  function traceStep(net: number, pos: number, count: number): number {
    fuse = false;
    try {
      return step(net, pos, count);
    } finally {
      fuse = true;
    }
  }

  function step(net: number, pos: number, count: number): number {
    const last = record(net, slot(net, LAYERS) - 1);
    const inputs = field(record(net, 0), INPUTS), outputs = field(last, UNITS), targets = slot(net, TARGETS);
    const order = slot(net, ORDER) + pos;
    const weights = slot(net, SAMPLE_WEIGHTS);
    let inp: number, target: number, weight = 0;
    if (count === 1) {
      const row = m[order]!;
      inp = slot(net, X) + row * inputs;
      target = slot(net, Y) + row * targets;
      if (weights !== 0) weight = weights + row;
    } else {
      inp = slot(net, IN);
      target = slot(net, TARGET);
      gather(inp, slot(net, X), inputs, order, count);
      gather(target, slot(net, Y), targets, order, count);
      if (weights !== 0) {
        weight = slot(net, WEIGHT);
        gather(weight, weights, 1, order, count);
      }
    }
    const yhat = field(last, A);
    m[net + RANDOM] = forward(net, inp, count, yhat, true, true);
    const one = count === 1;
    const loss = slot(net, LOSS), act = field(last, ACT);
    const param = loss === MSE ? 0.0 : f[slot(net, SETTINGS) + LOSS_PARAMETER]!;
    const alpha = act === LEAKY_RELU ? f[field(last, OPTIONS) + ALPHA]! : 0.0;
    const value = lossForwardBackward(field(last, D), yhat, field(last, Z), target, weight, count, outputs, targets, act, alpha, loss, param, one ? 1.0 : 1.0 / count, 0.0);
    if (fuse && one && plainSgd(net) && slot(net, REGULARIZED) === 0) return value + backwardUpdate(net, inp);
    backward(net, inp, count);
    let mean = one ? value : value / count;
    if (slot(net, REGULARIZED) !== 0) mean += penalty(net, true);
    return mean + update(net);
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

  function evaluate(net: number, x: number, y: number, w: number, rows: number, out: number): number {
    const capacity = slot(net, CAPACITY);
    const last = record(net, slot(net, LAYERS) - 1);
    const inputs = field(record(net, 0), INPUTS), outputs = field(last, UNITS), targets = slot(net, TARGETS);
    const param = f[slot(net, SETTINGS) + LOSS_PARAMETER]!;
    let total = 0.0;
    for (let start = 0; start < rows; start += capacity) {
      const count = Math.min(capacity, rows - start);
      const yhat = out + start * outputs;
      forward(net, x + start * inputs, count, yhat, false, y >= 0);
      const weight = w >= 0 ? w + start : 0;
      if (y >= 0) total = lossForwardBackward(field(last, D), yhat, field(last, Z), y + start * targets, weight, count, outputs, targets, field(last, ACT), f[field(last, OPTIONS) + ALPHA]!, slot(net, LOSS), param, 1.0, total);
    }
    let mean = total / rows;
    if (y >= 0 && slot(net, REGULARIZED) !== 0) mean += penalty(net, false);
    return mean;
  }

  const engine = {
    // The WASM engine's properties in the same order, all plain values: the host's calls into either
    // engine then meet one object shape (src/engines/wasm.ts).
    kind: 'js' as const,
    f64: f,
    i32: m,
    start: 1,
    grow(n: number) {
      if (n + 8 <= f.byteLength) return;
      const next = new Float64Array(n / 8 + 1);
      next.set(f);
      f = next;
      m = new Int32Array(f.buffer);
      engine.f64 = f;
      engine.i32 = m;
    },
    step,
    traceStep,
    epoch,
    predict: (net, x, rows, out) => { evaluate(net, x, -1, -1, rows, out); },
    evaluate,
    regularizerPenalty: (net) => penalty(net, false),
    activation: activateWith,
    activationDerivative: (z, act, alpha) => {
      f[0] = z; // f[0] is scratch: the layout starts at 1
      return derivativeWith(f, activateWith(z, act, alpha), 0, act, alpha);
    },
    shared: undefined,
  } satisfies Engine;
  return engine;
}
