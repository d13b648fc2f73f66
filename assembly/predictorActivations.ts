// Generated from src/contract.ts by scripts/standalone.mjs at every build: edit that file, not this one.
// z: [n] becomes act(z) in place, one function per activation (assembly/predictor.ts).
import { activate2, activateInline, leakyReluForward } from './activations';
import { LINEAR, SIGMOID, TANH, RELU, ELU, SELU, SOFTPLUS, SOFTSIGN, SWISH, GELU, RELU6, HARD_SIGMOID, HARD_SWISH, MISH, EXPONENTIAL } from './contract';

// The SIMD build takes sigmoid and relu two at a time, as activate2 does in dense_forward (the same bits).
@inline
function each(z: usize, n: i32, act: i32): void {
  const end = z + (<usize>n << 3);
  let at = z;
  if (ASC_FEATURE_SIMD && (act == SIGMOID || act == RELU)) for (; at + 16 <= end; at += 16) v128.store(at, activate2(v128.load(at), act));
  for (; at < end; at += 8) store<f64>(at, activateInline(load<f64>(at), act));
}

export function act_linear(z: usize, n: i32): void { each(z, n, LINEAR); }
export function act_sigmoid(z: usize, n: i32): void { each(z, n, SIGMOID); }
export function act_tanh(z: usize, n: i32): void { each(z, n, TANH); }
export function act_relu(z: usize, n: i32): void { each(z, n, RELU); }
export function act_elu(z: usize, n: i32): void { each(z, n, ELU); }
export function act_selu(z: usize, n: i32): void { each(z, n, SELU); }
export function act_softplus(z: usize, n: i32): void { each(z, n, SOFTPLUS); }
export function act_softsign(z: usize, n: i32): void { each(z, n, SOFTSIGN); }
export function act_swish(z: usize, n: i32): void { each(z, n, SWISH); }
export function act_gelu(z: usize, n: i32): void { each(z, n, GELU); }
export function act_relu6(z: usize, n: i32): void { each(z, n, RELU6); }
export function act_hardSigmoid(z: usize, n: i32): void { each(z, n, HARD_SIGMOID); }
export function act_hardSwish(z: usize, n: i32): void { each(z, n, HARD_SWISH); }
export function act_mish(z: usize, n: i32): void { each(z, n, MISH); }
export function act_exponential(z: usize, n: i32): void { each(z, n, EXPONENTIAL); }
export function act_leakyRelu(z: usize, n: i32, alpha: f64): void { leakyReluForward(z, z, n, alpha); }
