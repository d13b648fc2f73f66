import { exp, tanh } from './host';

// Activation codes shared with the host (src/spec.ts lists the same names in the same order).
export const LINEAR: i32 = 0;
export const SIGMOID: i32 = 1;
export const TANH: i32 = 2;
export const RELU: i32 = 3;

// a = act(z)
@inline
export function activate(z: f64, act: i32): f64 {
  if (act == SIGMOID) return 1.0 / (1.0 + exp(-z));
  if (act == TANH) return tanh(z);
  if (act == RELU) return max(z, 0.0); // max, not a comparison, so a NaN stays a NaN
  return z;
}

// da/dz written in terms of the output a: backward needs only what forward stored.
@inline
export function derivative(a: f64, act: i32): f64 {
  if (act == SIGMOID) return a * (1.0 - a);
  if (act == TANH) return 1.0 - a * a;
  if (act == RELU) return a > 0.0 ? 1.0 : 0.0;
  return 1.0;
}
