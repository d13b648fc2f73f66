import { LINEAR, SIGMOID, TANH, RELU, SOFTMAX, ELU, SELU, SOFTPLUS, SOFTSIGN, SWISH, GELU, RELU6, LEAKY_RELU, HARD_SIGMOID, HARD_SWISH, MISH, EXPONENTIAL } from './contract';
import { exp, exp2, lane, log, log1p, erf, expm1, tanh, tanh2 } from './math';
import { EXP_LANE_ONE } from './expTable';

// Each activation is one record of f and f′ (as micrograd keeps an operation and its _backward
// together), with Keras's formulas; the codes come from src/contract.ts. An unknown code traps:
// never a silent default. A switch, not a chain of ifs: the optimizer turns such a chain into
// computing each earlier branch's value before testing its code, which ran exp for every unit of a
// linear network. Softmax is a whole row's operation: softmaxForward / softmaxBackward.

const SELU_ALPHA: f64 = 1.6732632423543772848170429916717; // Klambauer et al., as Keras
const SELU_SCALE: f64 = 1.0507009873554804934193349852946;
const SQRT1_2: f64 = 0.7071067811865476;      // 1/√2
const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)
const ONE_SIXTH: f64 = 1.0 / 6.0;   // hardSigmoid's slope between its kinks

@inline
export function sigmoid(z: f64): f64 {
  return 1.0 / (1.0 + exp(-z));
}

// log(1 + eᶻ) without overflow or cancellation
@inline
export function softplus(z: f64): f64 {
  return max(z, 0.0) + log1p(exp(-abs(z)));
}

// Keras 3's hard_sigmoid: relu6(z + 3) / 6
@inline
function hardSigmoid(z: f64): f64 {
  return min(max(z + 3.0, 0.0), 6.0) / 6.0;
}

// a = act(z)
@inline
export function activate(z: f64, act: i32): f64 {
  switch (act) {
    case LINEAR: return z;
    case SIGMOID: return sigmoid(z);
    case TANH: return tanh(z);
    case RELU: return max(z, 0.0); // max, not a comparison, so a NaN stays a NaN
    default: return activateMore(z, act);
  }
}

// The activations past the classic four, out of line: activate is inlined into every loop of the
// dense kernels, and these cases inlined there too doubled the step function and halved a linear
// 2-2-1 network's speed.
function activateMore(z: f64, act: i32): f64 {
  return activateMoreCases(z, act);
}

// activate with activateMore's cases inlined as well: where act is a constant (assembly/predictor.ts
// has one function per activation) the code of that activation alone remains.
@inline
export function activateInline(z: f64, act: i32): f64 {
  return act == LINEAR || act == SIGMOID || act == TANH || act == RELU ? activate(z, act) : activateMoreCases(z, act);
}

@inline
function activateMoreCases(z: f64, act: i32): f64 {
  switch (act) {
    case ELU: return z > 0.0 ? z : expm1(z);
    case SELU: return z > 0.0 ? SELU_SCALE * z : SELU_SCALE * (SELU_ALPHA * expm1(z));
    case SOFTPLUS: return softplus(z);
    case SOFTSIGN: return z / (1.0 + abs(z));
    case SWISH: return z * sigmoid(z);
    case GELU: return 0.5 * z * (1.0 + erf(z * SQRT1_2)); // Keras's exact form (approximate=False)
    case RELU6: return min(max(z, 0.0), 6.0);
    case HARD_SIGMOID: return hardSigmoid(z);
    case HARD_SWISH: return z * hardSigmoid(z);
    case MISH: return z * tanh(softplus(z));
    case EXPONENTIAL: return exp(z);
    default: return unreachable(); // softmax included: it needs the whole row; leakyRelu its layer's slope
  }
}

// leaky_relu with its layer's negative slope α (the layer's ALPHA option), Keras 3's leaky_relu: a
// parameter of the layer, which activate does not know, so its layer keeps z and it is applied over the
// layer (activation_forward, activation_backward), with α ≥ 0: a > 0 exactly where z > 0.
@inline
function leakyRelu(z: f64, alpha: f64): f64 {
  return z > 0.0 ? z : alpha * z;
}

@inline
function leakyReluDerivative(a: f64, alpha: f64): f64 {
  return a > 0.0 ? 1.0 : alpha;
}

// leaky_relu_forward — z: [n] → a: [n] (a may be z: in place)
export function leakyReluForward(a: usize, z: usize, n: i32, alpha: f64): void {
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(a + i, leakyRelu(load<f64>(z + i), alpha));
}

// leaky_relu_backward — d: [n] = dL/da becomes dL/dz in place, from a: [n]
function leakyReluBackward(d: usize, a: usize, n: i32, alpha: f64): void {
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * leakyReluDerivative(load<f64>(a + i), alpha));
}

// An element through its layer's activation, and the derivative there: activate's and derivative's,
// with the layer's parameter for the activations that take one (an output layer's loss, a trace, the tests).
export function activateWith(z: f64, act: i32, alpha: f64): f64 {
  return act == LEAKY_RELU ? leakyRelu(z, alpha) : activate(z, act);
}

@inline
export function derivativeWith(a: f64, zp: usize, act: i32, alpha: f64): f64 {
  return act == LEAKY_RELU ? leakyReluDerivative(a, alpha) : derivative(a, zp, act);
}

// da/dz from the output a, or — for the activations whose a does not give it — from the
// pre-activation z at address zp (src/layout.ts keeps Z for their layers).
@inline
export function derivative(a: f64, zp: usize, act: i32): f64 {
  switch (act) {
    case LINEAR: return 1.0;
    case SIGMOID: return a * (1.0 - a);
    case TANH: return 1.0 - a * a;
    case RELU: return a > 0.0 ? 1.0 : 0.0;
    default: return derivativeMore(a, zp, act);
  }
}

// Softmax's elementwise part is 1: softmaxBackward applies its row's Jacobian.
function derivativeMore(a: f64, zp: usize, act: i32): f64 {
  switch (act) {
    case SOFTMAX: return 1.0;
    case ELU: return a > 0.0 ? 1.0 : a + 1.0;                          // z ≤ 0: eᶻ = a + 1
    case SELU: return a > 0.0 ? SELU_SCALE : a + SELU_SCALE * SELU_ALPHA; // z ≤ 0: λαeᶻ = a + λα
    case SOFTPLUS: return sigmoid(load<f64>(zp));
    case SOFTSIGN: {
      const d = 1.0 + abs(load<f64>(zp));
      return 1.0 / (d * d);
    }
    case SWISH: {
      const z = load<f64>(zp), s = sigmoid(z);
      return s + z * s * (1.0 - s);
    }
    case GELU: { // Φ(z) + z·φ(z)
      const z = load<f64>(zp);
      return 0.5 * (1.0 + erf(z * SQRT1_2)) + z * exp(-0.5 * z * z) * INV_SQRT_2PI;
    }
    case RELU6: return a > 0.0 && a < 6.0 ? 1.0 : 0.0;           // flat past either kink, as TensorFlow's Relu6Grad
    case HARD_SIGMOID: return a > 0.0 && a < 1.0 ? ONE_SIXTH : 0.0; // a in (0, 1) exactly where z + 3 is in (0, 6)
    case HARD_SWISH: { // h(z) + z·h′(z), h = hardSigmoid
      const z = load<f64>(zp), t = z + 3.0;
      return hardSigmoid(z) + z * (t > 0.0 && t < 6.0 ? ONE_SIXTH : 0.0);
    }
    case MISH: { // tanh(sp) + z·(1 − tanh²(sp))·σ(z), sp = softplus(z), whose derivative is σ
      const z = load<f64>(zp), t = tanh(softplus(z));
      return t + z * (1.0 - t * t) * sigmoid(z);
    }
    case EXPONENTIAL: return a;
    default: return unreachable();
  }
}

// sigmoid of both lanes (SIMD build): each lane through sigmoid()'s operations, so its bits
@inline
function sigmoid2(z: v128): v128 {
  const one = lane(EXP_LANE_ONE); // a load: V8 would build the splat from an immediate in each call
  return f64x2.div(one, f64x2.add(one, exp2(f64x2.neg(z))));
}

// Two lanes of z through the activation (SIMD build), for the dense kernels and activation_forward:
// sigmoid takes both lanes' exp at once, tanh both lanes' (tanh2), relu both lanes' max (f64x2.max is
// f64.max in each lane: a NaN stays a NaN, max(−0, 0) = +0), linear is z itself; the rest go lane by
// lane. Each lane gets activate()'s bits.
@inline
export function activate2(z: v128, act: i32): v128 {
  if (act == SIGMOID) return sigmoid2(z);
  if (act == TANH) return tanh2(z);
  if (act == LINEAR) return z;
  if (act == RELU) return f64x2.max(z, f64x2.splat(0.0));
  return f64x2.replace_lane(f64x2.splat(activate(f64x2.extract_lane(z, 0), act)), 1, activate(f64x2.extract_lane(z, 1), act));
}

// activation_forward — z: [rows][units] → a: [rows][units], for the layers that keep z (the output
// layer of a classifier, whose loss reads its logits; swish, softsign, softplus, gelu; leakyRelu, with
// the layer's α; Dropout's). The SIMD build takes two elements per instruction where f is arithmetic
// and exp — the same operations per lane, so the same bits — and hands the odd one to
// activation_forward_reference, the plain loop test/kernels.test.ts holds the pairs to, bit for bit.
export function activationForward(a: usize, z: usize, rows: i32, units: i32, act: i32, alpha: f64): void {
  if (act == SOFTMAX) {
    softmaxForward(a, z, rows, units);
    return;
  }
  if (act == LEAKY_RELU) {
    leakyReluForward(a, z, rows * units, alpha);
    return;
  }
  const bytes = <usize>(rows * units) << 3;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    if (act == SWISH) {
      for (; i + 16 <= bytes; i += 16) {
        const zi = v128.load(z + i);
        v128.store(a + i, f64x2.mul(zi, sigmoid2(zi)));
      }
    } else if (act == SOFTSIGN) {
      const one = f64x2.splat(1.0);
      for (; i + 16 <= bytes; i += 16) {
        const zi = v128.load(z + i);
        v128.store(a + i, f64x2.div(zi, f64x2.add(one, f64x2.abs(zi))));
      }
    } else { // activate2: sigmoid, tanh and relu two at a time (a one-unit output layer: two rows' σ)
      for (; i + 16 <= bytes; i += 16) v128.store(a + i, activate2(v128.load(z + i), act));
    }
  }
  activationForwardReference(a + i, z + i, <i32>((bytes - i) >> 3), act);
}

// activation_forward_reference — z: [n] → a: [n], a = act(z) one element at a time, for the activations
// activate computes (not softmax, not leakyRelu: their kernels are plain loops already)
@inline
export function activationForwardReference(a: usize, z: usize, n: i32, act: i32): void {
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(a + i, activate(load<f64>(z + i), act));
}

// activation_backward — d: [rows][units] = dL/da becomes dL/dz = dL/da ⊙ act′, in place;
//   a: the activations; z: the pre-activations where the layer keeps them (else 0); α: leakyRelu's
// The SIMD build's pairs hand the odd element (and the activations they do not take, every element) to
// activation_backward_reference, the plain loop test/kernels.test.ts holds them to, bit for bit.
@inline
export function activationBackward(d: usize, a: usize, z: usize, rows: i32, units: i32, act: i32, alpha: f64): void {
  if (act == LINEAR) return; // × 1 changes no bit
  if (act == SOFTMAX) {
    softmaxBackward(d, a, rows, units);
    return;
  }
  if (act == LEAKY_RELU) {
    leakyReluBackward(d, a, rows * units, alpha);
    return;
  }
  const bytes = <usize>(rows * units) << 3;
  let i: usize = 0;
  // The SIMD build takes two elements per instruction where f′ is arithmetic on a or z and exp — the
  // same operations per lane, so the same bits.
  if (ASC_FEATURE_SIMD) {
    const one = f64x2.splat(1.0);
    if (act == SIGMOID) {
      for (; i + 16 <= bytes; i += 16) {
        const ai = v128.load(a + i);
        v128.store(d + i, f64x2.mul(v128.load(d + i), f64x2.mul(ai, f64x2.sub(one, ai))));
      }
    } else if (act == TANH) {
      for (; i + 16 <= bytes; i += 16) {
        const ai = v128.load(a + i);
        v128.store(d + i, f64x2.mul(v128.load(d + i), f64x2.sub(one, f64x2.mul(ai, ai))));
      }
    } else if (act == RELU) {
      // a > 0 ? 1 : 0 as a mask on 1.0, then the product, as the scalar loop: d·0 is ±0, or NaN for an infinite d
      const zero = f64x2.splat(0.0);
      for (; i + 16 <= bytes; i += 16) {
        v128.store(d + i, f64x2.mul(v128.load(d + i), v128.and(one, f64x2.gt(v128.load(a + i), zero))));
      }
    } else if (act == SWISH || act == SOFTSIGN) {
      i = backwardFromZ2(d, z, bytes, act);
    }
  }
  activationBackwardReference(d + i, a + i, z + i, <i32>((bytes - i) >> 3), act);
}

// activation_backward_reference — d: [n] = dL/da becomes dL/dz = dL/da ⊙ act′(a or z), one element at
// a time, from a: [n] and, where the layer keeps it, z: [n] (else 0); for the activations derivative
// computes (softmax's and leakyRelu's kernels are plain loops already). Linear too: × 1 changes no bit.
@inline
export function activationBackwardReference(d: usize, a: usize, z: usize, n: i32, act: i32): void {
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * derivative(load<f64>(a + i), z + i, act));
}

// backward_from_z2 — activation_backward's pairs for swish and softsign (SIMD build), from z:
//   d: [bytes / 8] = dL/da becomes dL/dz = dL/da ⊙ act′(z), in place, two elements at a time;
//   z: [bytes / 8] the pre-activations. Returns the bytes done (the odd element is the caller's).
// Out of line: inlined into the training step with the rest, exp's code beside the classic
// activations' loops made a sigmoid network's step 1–3% slower.
function backwardFromZ2(d: usize, z: usize, bytes: usize, act: i32): usize {
  const one = f64x2.splat(1.0);
  let i: usize = 0;
  if (act == SWISH) { // s + z·s·(1 − s), s = σ(z)
    for (; i + 16 <= bytes; i += 16) {
      const zi = v128.load(z + i), s = sigmoid2(zi);
      v128.store(d + i, f64x2.mul(v128.load(d + i), f64x2.add(s, f64x2.mul(f64x2.mul(zi, s), f64x2.sub(one, s)))));
    }
  } else { // softsign: 1 / (1 + |z|)²
    for (; i + 16 <= bytes; i += 16) {
      const t = f64x2.add(one, f64x2.abs(v128.load(z + i)));
      v128.store(d + i, f64x2.mul(v128.load(d + i), f64x2.div(one, f64x2.mul(t, t))));
    }
  }
  return i;
}

// softmax_forward — z: [rows][n] logits → a: [rows][n], a[k] = e^(z[k] − m) / Σⱼ e^(z[j] − m),
// m the row's largest logit: no exponent exceeds 0, so nothing overflows and the sum is ≥ 1.
export function softmaxForward(a: usize, z: usize, rows: i32, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * rowBytes, ar = a + <usize>r * rowBytes;
    const m = rowMax(zr, n);
    let s = 0.0;
    for (let k: usize = 0; k < rowBytes; k += 8) {
      const e = exp(load<f64>(zr + k) - m);
      store<f64>(ar + k, e);
      s += e;
    }
    for (let k: usize = 0; k < rowBytes; k += 8) store<f64>(ar + k, load<f64>(ar + k) / s);
  }
}

// softmax_backward — d: [rows][n] = dL/da becomes dL/dz, in place: dz[k] = a[k]·(da[k] − Σⱼ da[j]·a[j])
export function softmaxBackward(d: usize, a: usize, rows: i32, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const dr = d + <usize>r * rowBytes, ar = a + <usize>r * rowBytes;
    let dot = 0.0;
    for (let k: usize = 0; k < rowBytes; k += 8) dot += load<f64>(dr + k) * load<f64>(ar + k);
    for (let k: usize = 0; k < rowBytes; k += 8) store<f64>(dr + k, load<f64>(ar + k) * (load<f64>(dr + k) - dot));
  }
}

// log Σⱼ e^(z[j] − m) for the row z: [n] with largest logit m, its exponentials summed as softmaxForward
// sums them: −log softmax(z)[k] is this − (z[k] − m), finite however small the probability is
@inline
export function logSumExp(z: usize, n: i32, m: f64): f64 {
  const rowBytes = <usize>n << 3;
  let s = 0.0;
  for (let k: usize = 0; k < rowBytes; k += 8) s += exp(load<f64>(z + k) - m);
  return log(s);
}

// the largest of z: [n]
@inline
export function rowMax(z: usize, n: i32): f64 {
  let m = load<f64>(z);
  for (let k: usize = 8; k < (<usize>n << 3); k += 8) m = max(m, load<f64>(z + k));
  return m;
}

// activation_backward for a layer whose A holds something else than act(z) (Dropout's a ⊙ mask):
// d: [n] = dL/da becomes dL/dz, each a recomputed from z: [n] — the same bits forward computed
export function activationBackwardFromZ(d: usize, z: usize, n: i32, act: i32, alpha: f64): void {
  if (act == LINEAR) return;
  const bytes = <usize>n << 3;
  if (act == LEAKY_RELU) {
    for (let i: usize = 0; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * leakyReluDerivative(leakyRelu(load<f64>(z + i), alpha), alpha));
    return;
  }
  for (let i: usize = 0; i < bytes; i += 8) {
    const zp = z + i;
    store<f64>(d + i, load<f64>(d + i) * derivative(activate(load<f64>(zp), act), zp, act));
  }
}
