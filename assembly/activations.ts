import { LINEAR, SIGMOID, TANH, RELU } from './contract';
import { exp } from './math';
import { tanh } from './host';

// Each activation is one record of f and f′ (as micrograd keeps an operation and its _backward
// together); the codes come from src/contract.ts. An unknown code traps: never a silent default.

// a = act(z)
@inline
export function activate(z: f64, act: i32): f64 {
  if (act == SIGMOID) return 1.0 / (1.0 + exp(-z));
  if (act == RELU) return max(z, 0.0); // max, not a comparison, so a NaN stays a NaN
  if (act == LINEAR) return z;
  if (act == TANH) return tanh(z);
  return unreachable();
}

// da/dz written in terms of the output a: backward needs only what forward stored.
@inline
export function derivative(a: f64, act: i32): f64 {
  if (act == SIGMOID) return a * (1.0 - a);
  if (act == RELU) return a > 0.0 ? 1.0 : 0.0;
  if (act == LINEAR) return 1.0;
  if (act == TANH) return 1.0 - a * a;
  return unreachable();
}

// activation_backward — d: [n] = dL/da becomes dL/dz = dL/da ⊙ act′, in place; a: [n] the activations
@inline
export function activationBackward(d: usize, a: usize, n: i32, act: i32): void {
  if (act == LINEAR) return; // × 1 changes no bit
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * derivative(load<f64>(a + i), act));
}
