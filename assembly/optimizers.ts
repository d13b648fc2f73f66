import {
  PARAMS, GRADS, COUNT, OPTIMIZER, MOMENTUMS, VELOCITIES, SGD, ADAM, RMSPROP,
  LEARNING_RATE, MOMENTUM, NESTEROV, BETA_1, BETA_2, EPSILON, RHO, ITERATIONS,
} from './contract';
import { slot, setting, at } from './net';
import { pow } from './math';

// The updates follow Keras's optimizers formula for formula. Each returns Σ(p − p) over the new
// parameters: 0 while all are finite, NaN as soon as one is not, so the host learns of a
// diverging run without scanning the parameters itself.
// The SIMD build updates two parameters per instruction with a scalar loop for the odd one: lanes run
// over parameters, so each gets the scalar formula's roundings in the same order (f64x2.sqrt and
// f64x2.div round correctly, as their scalar forms do) and the three builds agree to the bit; only
// Σ(p − p) sums in another order, and 0 or NaN is 0 or NaN.

// sgd_update — params, grads, momentums: [count]
//   momentum 0:  p −= lr·g
//   momentum μ:  m = μ·m − lr·g, then p += m, or with Nesterov p += μ·m − lr·g
export function sgdUpdate(params: usize, grads: usize, momentums: usize, count: i32, lr: f64, momentum: f64, nesterov: bool): f64 {
  if (momentum == 0.0) return plainSgdUpdate(params, grads, count, lr);
  const bytes = <usize>count << 3;
  let o: usize = 0;
  let finite = 0.0;
  if (ASC_FEATURE_SIMD) {
    const mu = f64x2.splat(momentum), rate = f64x2.splat(lr);
    let lanes = f64x2.splat(0.0);
    for (; o + 16 <= bytes; o += 16) {
      const g = v128.load(grads + o);
      const m = f64x2.sub(f64x2.mul(mu, v128.load(momentums + o)), f64x2.mul(rate, g));
      v128.store(momentums + o, m);
      const p = f64x2.add(v128.load(params + o), nesterov ? f64x2.sub(f64x2.mul(mu, m), f64x2.mul(rate, g)) : m);
      v128.store(params + o, p);
      lanes = f64x2.add(lanes, f64x2.sub(p, p));
    }
    finite = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
  }
  for (; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const m = momentum * load<f64>(momentums + o) - lr * g;
    store<f64>(momentums + o, m);
    const p = load<f64>(params + o) + (nesterov ? momentum * m - lr * g : m);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// p −= lr·g
function plainSgdUpdate(params: usize, grads: usize, count: i32, lr: f64): f64 {
  const bytes = <usize>count << 3;
  let o: usize = 0;
  let finite = 0.0;
  if (ASC_FEATURE_SIMD) {
    const rate = f64x2.splat(lr);
    let lanes = f64x2.splat(0.0);
    for (; o + 16 <= bytes; o += 16) {
      const p = f64x2.sub(v128.load(params + o), f64x2.mul(rate, v128.load(grads + o)));
      v128.store(params + o, p);
      lanes = f64x2.add(lanes, f64x2.sub(p, p));
    }
    finite = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
  }
  for (; o < bytes; o += 8) {
    const p = load<f64>(params + o) - lr * load<f64>(grads + o);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// adam_update — params, grads, momentums m, velocities v: [count]; t counts updates from 1
//   m += (g − m)·(1 − β₁);  v += (g² − v)·(1 − β₂)
//   p −= m·α / (√v + ε)  with  α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ): the bias corrections folded into
//   the step size, so ε is added to √v itself, not to the bias-corrected √v̂.
export function adamUpdate(params: usize, grads: usize, momentums: usize, velocities: usize, count: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, t: f64): f64 {
  const alpha = lr * Math.sqrt(1.0 - pow(beta2, t)) / (1.0 - pow(beta1, t));
  const bytes = <usize>count << 3;
  let o: usize = 0;
  let finite = 0.0;
  if (ASC_FEATURE_SIMD) {
    const keep1 = f64x2.splat(1.0 - beta1), keep2 = f64x2.splat(1.0 - beta2);
    const stepSize = f64x2.splat(alpha), eps = f64x2.splat(epsilon);
    let lanes = f64x2.splat(0.0);
    for (; o + 16 <= bytes; o += 16) {
      const g = v128.load(grads + o);
      let m = v128.load(momentums + o);
      let v = v128.load(velocities + o);
      m = f64x2.add(m, f64x2.mul(f64x2.sub(g, m), keep1));
      v = f64x2.add(v, f64x2.mul(f64x2.sub(f64x2.mul(g, g), v), keep2));
      v128.store(momentums + o, m);
      v128.store(velocities + o, v);
      const p = f64x2.sub(v128.load(params + o), f64x2.div(f64x2.mul(m, stepSize), f64x2.add(f64x2.sqrt(v), eps)));
      v128.store(params + o, p);
      lanes = f64x2.add(lanes, f64x2.sub(p, p));
    }
    finite = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
  }
  for (; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    let m = load<f64>(momentums + o);
    let v = load<f64>(velocities + o);
    m += (g - m) * (1.0 - beta1);
    v += (g * g - v) * (1.0 - beta2);
    store<f64>(momentums + o, m);
    store<f64>(velocities + o, v);
    const p = load<f64>(params + o) - m * alpha / (Math.sqrt(v) + epsilon);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// rmsprop_update — params, grads, velocities v, momentums m: [count]
//   v = ρ·v + (1 − ρ)·g²;  Δ = lr·g / √(v + ε)
//   momentum 0: p −= Δ;  momentum μ: m = μ·m + Δ, then p −= m
export function rmspropUpdate(params: usize, grads: usize, velocities: usize, momentums: usize, count: i32,
  lr: f64, rho: f64, momentum: f64, epsilon: f64): f64 {
  const bytes = <usize>count << 3;
  let o: usize = 0;
  let finite = 0.0;
  if (ASC_FEATURE_SIMD) {
    const r = f64x2.splat(rho), keep = f64x2.splat(1.0 - rho), rate = f64x2.splat(lr);
    const eps = f64x2.splat(epsilon), mu = f64x2.splat(momentum);
    let lanes = f64x2.splat(0.0);
    for (; o + 16 <= bytes; o += 16) {
      const g = v128.load(grads + o);
      const v = f64x2.add(f64x2.mul(r, v128.load(velocities + o)), f64x2.mul(keep, f64x2.mul(g, g)));
      v128.store(velocities + o, v);
      let step = f64x2.div(f64x2.mul(rate, g), f64x2.sqrt(f64x2.add(v, eps)));
      if (momentum != 0.0) {
        step = f64x2.add(step, f64x2.mul(mu, v128.load(momentums + o)));
        v128.store(momentums + o, step);
      }
      const p = f64x2.sub(v128.load(params + o), step);
      v128.store(params + o, p);
      lanes = f64x2.add(lanes, f64x2.sub(p, p));
    }
    finite = f64x2.extract_lane(lanes, 0) + f64x2.extract_lane(lanes, 1);
  }
  for (; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const v = rho * load<f64>(velocities + o) + (1.0 - rho) * (g * g);
    store<f64>(velocities + o, v);
    let step = lr * g / Math.sqrt(v + epsilon);
    if (momentum != 0.0) {
      step += momentum * load<f64>(momentums + o);
      store<f64>(momentums + o, step);
    }
    const p = load<f64>(params + o) - step;
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// Counts one more update (Keras's `iterations`) and returns the new count t.
@inline
export function countUpdate(net: i32): f64 {
  const t = load<f64>(setting(net, ITERATIONS)) + 1.0;
  store<f64>(setting(net, ITERATIONS), t);
  return t;
}

// Plain SGD — no momentum — whose update dense_backward_update fuses into the backward pass.
@inline
export function plainSgd(net: i32): bool {
  return slot(net, OPTIMIZER) == SGD && load<f64>(setting(net, MOMENTUM)) == 0.0;
}

// update — one step of the optimizer the descriptor names, with the gradients in GRADS
@inline
export function update(net: i32): f64 {
  const t = countUpdate(net);
  const params = at(slot(net, PARAMS));
  const grads = at(slot(net, GRADS));
  const momentums = at(slot(net, MOMENTUMS));
  const velocities = at(slot(net, VELOCITIES));
  const count = slot(net, COUNT);
  const lr = load<f64>(setting(net, LEARNING_RATE));
  const kind = slot(net, OPTIMIZER);
  if (kind == ADAM) {
    return adamUpdate(params, grads, momentums, velocities, count, lr,
      load<f64>(setting(net, BETA_1)), load<f64>(setting(net, BETA_2)), load<f64>(setting(net, EPSILON)), t);
  }
  if (kind == RMSPROP) {
    return rmspropUpdate(params, grads, velocities, momentums, count, lr,
      load<f64>(setting(net, RHO)), load<f64>(setting(net, MOMENTUM)), load<f64>(setting(net, EPSILON)));
  }
  if (kind == SGD) {
    return sgdUpdate(params, grads, momentums, count, lr, load<f64>(setting(net, MOMENTUM)), load<f64>(setting(net, NESTEROV)) != 0.0);
  }
  return unreachable();
}
