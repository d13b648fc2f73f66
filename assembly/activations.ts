import { LINEAR, SIGMOID, TANH, RELU } from './contract';
import { exp } from './math';
import { tanh } from './host';

// Each activation is one record of f and f′ (as micrograd keeps an operation and its _backward
// together); the codes come from src/contract.ts. An unknown code traps: never a silent default.
// A switch, not a chain of ifs: the optimizer turns such a chain into computing each earlier
// branch's value before testing its code, which ran exp for every unit of a linear network.

// a = act(z)
@inline
export function activate(z: f64, act: i32): f64 {
  switch (act) {
    case LINEAR: return z;
    case SIGMOID: return 1.0 / (1.0 + exp(-z));
    case TANH: return tanh(z);
    case RELU: return max(z, 0.0); // max, not a comparison, so a NaN stays a NaN
    default: return unreachable();
  }
}

// da/dz written in terms of the output a: backward needs only what forward stored.
@inline
export function derivative(a: f64, act: i32): f64 {
  switch (act) {
    case LINEAR: return 1.0;
    case SIGMOID: return a * (1.0 - a);
    case TANH: return 1.0 - a * a;
    case RELU: return a > 0.0 ? 1.0 : 0.0;
    default: return unreachable();
  }
}

// activation_backward — d: [n] = dL/da becomes dL/dz = dL/da ⊙ act′, in place; a: [n] the activations
// The SIMD build takes two elements per instruction for the activations whose f′ is plain
// arithmetic — the same operations per lane, so the same bits.
@inline
export function activationBackward(d: usize, a: usize, n: i32, act: i32): void {
  if (act == LINEAR) return; // × 1 changes no bit
  const bytes = <usize>n << 3;
  let i: usize = 0;
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
    }
  }
  for (; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * derivative(load<f64>(a + i), act));
}
