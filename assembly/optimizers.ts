import {
  PARAMS, GRADS, COUNT, OPTIMIZER, MOMENTUMS, VELOCITIES, ACCUMULATORS, CLIPPING, LAYERS, W, B, UNITS, INPUTS,
  SGD, ADAM, RMSPROP, ADAGRAD, ADADELTA, ADAMAX, NADAM, ADAMW, CLIP_NONE, CLIP_CLIPNORM, CLIP_GLOBAL_CLIPNORM, CLIP_CLIPVALUE,
  LEARNING_RATE, MOMENTUM, NESTEROV, BETA_1, BETA_2, EPSILON, RHO, AMSGRAD, CENTERED, WEIGHT_DECAY, CLIP, ITERATIONS, U_PRODUCT,
  BETA_1_POWER, BETA_2_POWER, DECAY_POWER,
} from './contract';
import { slot, setting, at, record, field } from './net';
import { powerStep, powerNext } from './math';

// The updates follow Keras's optimizers formula for formula. Each returns Σ(p − p) over the new
// parameters: 0 while all are finite, NaN as soon as one is not, so the host learns of a
// diverging run without scanning the parameters itself.
// The SIMD build updates two parameters per instruction, then hands the odd one to the kernel's plain
// reference loop (*Reference, one parameter at a time: the scalar build's whole update, and what
// test/kernels.test.ts holds the fast loop to, bit for bit). Lanes run over parameters, so each gets
// the reference's roundings in the same order (f64x2.sqrt and f64x2.div round correctly, as their
// scalar forms do) and the three builds agree to the bit; only Σ(p − p) sums in another order, and 0
// or NaN is 0 or NaN.

// sgd_update — params, grads, momentums: [count]
//   momentum 0:  p −= lr·g  (plain_sgd_update; momentums untouched)
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
  return finite + momentumSgdUpdateReference(params + o, grads + o, momentums + o, <i32>((bytes - o) >> 3), lr, momentum, nesterov);
}

export function sgdUpdateReference(params: usize, grads: usize, momentums: usize, count: i32, lr: f64, momentum: f64, nesterov: bool): f64 {
  if (momentum == 0.0) return plainSgdUpdateReference(params, grads, count, lr);
  return momentumSgdUpdateReference(params, grads, momentums, count, lr, momentum, nesterov);
}

@inline
function momentumSgdUpdateReference(params: usize, grads: usize, momentums: usize, count: i32, lr: f64, momentum: f64, nesterov: bool): f64 {
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const m = momentum * load<f64>(momentums + o) - lr * g;
    store<f64>(momentums + o, m);
    const p = load<f64>(params + o) + (nesterov ? momentum * m - lr * g : m);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// plain_sgd_update — params, grads: [count]
//   p −= lr·g
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
  return finite + plainSgdUpdateReference(params + o, grads + o, <i32>((bytes - o) >> 3), lr);
}

@inline
function plainSgdUpdateReference(params: usize, grads: usize, count: i32, lr: f64): f64 {
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const p = load<f64>(params + o) - lr * load<f64>(grads + o);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// adam_update — params, grads, momentums m, velocities v: [count]; β₁ᵗ and β₂ᵗ at this update's t (from 1)
//   m += (g − m)·(1 − β₁);  v += (g² − v)·(1 − β₂)
//   p −= m·α / (√v + ε)  with  α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ): the bias corrections folded into
//   the step size, so ε is added to √v itself, not to the bias-corrected √v̂.
export function adamUpdate(params: usize, grads: usize, momentums: usize, velocities: usize, count: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, beta1Power: f64, beta2Power: f64): f64 {
  const bytes = <usize>count << 3;
  let o: usize = 0;
  let finite = 0.0;
  if (ASC_FEATURE_SIMD) {
    const alpha = lr * Math.sqrt(1.0 - beta2Power) / (1.0 - beta1Power);
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
  return finite + adamUpdateReference(params + o, grads + o, momentums + o, velocities + o, <i32>((bytes - o) >> 3),
    lr, beta1, beta2, epsilon, beta1Power, beta2Power);
}

@inline
export function adamUpdateReference(params: usize, grads: usize, momentums: usize, velocities: usize, count: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, beta1Power: f64, beta2Power: f64): f64 {
  const alpha = lr * Math.sqrt(1.0 - beta2Power) / (1.0 - beta1Power);
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
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
// Inlined: exported for the tests, it would otherwise become a call from the training step.
@inline
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
  return finite + rmspropUpdateReference(params + o, grads + o, velocities + o, momentums + o, <i32>((bytes - o) >> 3), lr, rho, momentum, epsilon);
}

@inline
export function rmspropUpdateReference(params: usize, grads: usize, velocities: usize, momentums: usize, count: i32,
  lr: f64, rho: f64, momentum: f64, epsilon: f64): f64 {
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const v = rho * load<f64>(velocities + o) + (1.0 - rho) * (g * g);
    store<f64>(velocities + o, v);
    finite += rmspropStep(params + o, momentums + o, lr * g / Math.sqrt(v + epsilon), momentum);
  }
  return finite;
}

// RMSprop's last move for one parameter, given its increment lr·g/√…: momentum 0, p −= increment;
// momentum μ, m = μ·m + increment, then p −= m. Returns p − p (0, or NaN once p is not finite).
@inline
function rmspropStep(p: usize, m: usize, increment: f64, momentum: f64): f64 {
  let step = increment;
  if (momentum != 0.0) {
    step += momentum * load<f64>(m);
    store<f64>(m, step);
  }
  const q = load<f64>(p) - step;
  store<f64>(p, q);
  return q - q;
}

// The updates below run one parameter at a time in both builds (lanes would give the same bits, as
// above; these are not yet anyone's hot path).

// Adam's running moments of one parameter's gradient g, in place (adam_amsgrad_update and nadam_update share them):
//   m += (g − m)·(1 − β₁);  v += (g² − v)·(1 − β₂)
@inline
function moments(g: f64, m: usize, v: usize, beta1: f64, beta2: f64): void {
  const mo = load<f64>(m);
  store<f64>(m, mo + (g - mo) * (1.0 - beta1));
  const ve = load<f64>(v);
  store<f64>(v, ve + (g * g - ve) * (1.0 - beta2));
}

// adam_amsgrad_update — Adam with `amsgrad`: as adam_update, dividing by the largest v so far
//   m += (g − m)·(1 − β₁);  v += (g² − v)·(1 − β₂);  v̂ = max(v̂, v);  p −= m·α / (√v̂ + ε)
export function adamAmsgradUpdate(params: usize, grads: usize, momentums: usize, velocities: usize, hats: usize, count: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, beta1Power: f64, beta2Power: f64): f64 {
  const alpha = lr * Math.sqrt(1.0 - beta2Power) / (1.0 - beta1Power);
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    moments(g, momentums + o, velocities + o, beta1, beta2);
    const m = load<f64>(momentums + o);
    const hat = max(load<f64>(hats + o), load<f64>(velocities + o));
    store<f64>(hats + o, hat);
    const p = load<f64>(params + o) - m * alpha / (Math.sqrt(hat) + epsilon);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// centered_rmsprop_update — RMSprop with `centered`: the squared gradient's mean less the square of
// the gradient's mean, an estimate of its variance
//   v = ρ·v + (1 − ρ)·g²;  ḡ = ρ·ḡ + (1 − ρ)·g;  Δ = lr·g / √(v − ḡ² + ε)
//   momentum 0: p −= Δ;  momentum μ: m = μ·m + Δ, then p −= m
export function centeredRmspropUpdate(params: usize, grads: usize, velocities: usize, averages: usize, momentums: usize, count: i32,
  lr: f64, rho: f64, momentum: f64, epsilon: f64): f64 {
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const v = rho * load<f64>(velocities + o) + (1.0 - rho) * (g * g);
    store<f64>(velocities + o, v);
    const a = rho * load<f64>(averages + o) + (1.0 - rho) * g;
    store<f64>(averages + o, a);
    finite += rmspropStep(params + o, momentums + o, lr * g / Math.sqrt(v - a * a + epsilon), momentum);
  }
  return finite;
}

// adagrad_update — params, grads, accumulators a (from initialAccumulatorValue): [count]
//   a += g²;  p −= lr·g / √(a + ε)
export function adagradUpdate(params: usize, grads: usize, accumulators: usize, count: i32, lr: f64, epsilon: f64): f64 {
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const a = load<f64>(accumulators + o) + g * g;
    store<f64>(accumulators + o, a);
    const p = load<f64>(params + o) - lr * g / Math.sqrt(a + epsilon);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// adadelta_update — params, grads, accumulated g² (velocities), accumulated Δ² (accumulators): [count]
//   E[g²] = ρ·E[g²] + (1 − ρ)·g²;  Δ = −√(E[Δ²] + ε)·g / √(E[g²] + ε)
//   E[Δ²] = ρ·E[Δ²] + (1 − ρ)·Δ²;  p += lr·Δ
export function adadeltaUpdate(params: usize, grads: usize, velocities: usize, accumulators: usize, count: i32, lr: f64, rho: f64, epsilon: f64): f64 {
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    const eg = rho * load<f64>(velocities + o) + (1.0 - rho) * (g * g);
    store<f64>(velocities + o, eg);
    const delta = -(Math.sqrt(load<f64>(accumulators + o) + epsilon) * g / Math.sqrt(eg + epsilon));
    store<f64>(accumulators + o, rho * load<f64>(accumulators + o) + (1.0 - rho) * (delta * delta));
    const p = load<f64>(params + o) + lr * delta;
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// adamax_update — params, grads, momentums m, velocities u (the infinity norm): [count]; β₁ᵗ at this update's t (from 1)
//   m += (g − m)·(1 − β₁);  u = max(β₂·u, |g|);  p −= lr·m / ((1 − β₁ᵗ)·(u + ε))
export function adamaxUpdate(params: usize, grads: usize, momentums: usize, velocities: usize, count: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, beta1Power: f64): f64 {
  const correction = 1.0 - beta1Power;
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    let m = load<f64>(momentums + o);
    m += (g - m) * (1.0 - beta1);
    store<f64>(momentums + o, m);
    const u = max(beta2 * load<f64>(velocities + o), abs(g));
    store<f64>(velocities + o, u);
    const p = load<f64>(params + o) - lr * m / (correction * (u + epsilon));
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// nadam_update — params, grads, momentums m, velocities v: [count]; at this update's t (from 1) β₂ᵗ,
// 0.96ᵗ and 0.96ᵗ⁺¹, and uProduct = Π μᵢ for i ≤ t, with Keras's momentum schedule μᵢ = β₁·(1 − 0.5·0.96ⁱ)
//   m += (g − m)·(1 − β₁);  v += (g² − v)·(1 − β₂)
//   m̂ = μₜ₊₁·m / (1 − uProduct·μₜ₊₁) + (1 − μₜ)·g / (1 − uProduct);  v̂ = v / (1 − β₂ᵗ)
//   p −= m̂·lr / (√v̂ + ε)
export function nadamUpdate(params: usize, grads: usize, momentums: usize, velocities: usize, count: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, beta2Power: f64, decayPower: f64, nextDecayPower: f64, uProduct: f64): f64 {
  const u = beta1 * (1.0 - 0.5 * decayPower), next = beta1 * (1.0 - 0.5 * nextDecayPower);
  const nextProduct = uProduct * next;
  const bytes = <usize>count << 3;
  let finite = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) {
    const g = load<f64>(grads + o);
    moments(g, momentums + o, velocities + o, beta1, beta2);
    const mHat = next * load<f64>(momentums + o) / (1.0 - nextProduct) + (1.0 - u) * g / (1.0 - uProduct);
    const vHat = load<f64>(velocities + o) / (1.0 - beta2Power);
    const p = load<f64>(params + o) - mHat * lr / (Math.sqrt(vHat) + epsilon);
    store<f64>(params + o, p);
    finite += p - p;
  }
  return finite;
}

// decay_weights — AdamW's decoupled weight decay, before its Adam update, as Keras applies it to every variable:
//   p −= p·wd·lr
export function decayWeights(params: usize, count: i32, decay: f64, lr: f64): void {
  const bytes = <usize>count << 3;
  for (let o: usize = 0; o < bytes; o += 8) {
    const p = load<f64>(params + o);
    store<f64>(params + o, p - p * decay * lr);
  }
}

// Keras's gradient clipping, before the update (base_optimizer's _clip_gradients); one of:
// clip_by_norm — each variable (a layer's kernel, then its bias) g ← g·c / max(‖g‖, c), ‖g‖ = √Σg²
function clipByNorm(g: usize, n: i32, c: f64): void {
  const bytes = <usize>n << 3;
  const sum = squares(g, n);
  const norm = sum > 0.0 ? Math.sqrt(sum) : sum;
  const divisor = max(norm, c);
  for (let o: usize = 0; o < bytes; o += 8) store<f64>(g + o, load<f64>(g + o) * c / divisor);
}

// Σg² over [n], in order
function squares(g: usize, n: i32): f64 {
  const bytes = <usize>n << 3;
  let sum = 0.0;
  for (let o: usize = 0; o < bytes; o += 8) { const v = load<f64>(g + o); sum += v * v; }
  return sum;
}

// clip_gradients — GRADS [count], by the descriptor's CLIPPING and its bound c:
//   clipnorm:        each variable by clip_by_norm
//   globalClipnorm:  every g ← g·s, s = c·min(1/‖G‖, 1/c) + (‖G‖ − ‖G‖), ‖G‖ = √(Σ over the variables of Σg²)
//   clipvalue:       g ← min(max(g, −c), c)
// Any other code traps: never a silent default.
function clipGradients(net: i32, kind: i32): void {
  const c = load<f64>(setting(net, CLIP));
  const grads = at(slot(net, GRADS)), shift = grads - at(slot(net, PARAMS)), count = slot(net, COUNT);
  if (kind == CLIP_CLIPVALUE) {
    const bytes = <usize>count << 3;
    for (let o: usize = 0; o < bytes; o += 8) store<f64>(grads + o, min(max(load<f64>(grads + o), -c), c));
    return;
  }
  if (kind != CLIP_CLIPNORM && kind != CLIP_GLOBAL_CLIPNORM) unreachable();
  let total = 0.0;
  for (let l = 0; l < slot(net, LAYERS); l++) {
    const layer = record(net, l), units = field(layer, UNITS);
    const w = at(field(layer, W)) + shift, b = at(field(layer, B)) + shift;
    if (kind == CLIP_CLIPNORM) {
      clipByNorm(w, units * field(layer, INPUTS), c);
      clipByNorm(b, units, c);
    } else {
      total += squares(w, units * field(layer, INPUTS));
      total += squares(b, units);
    }
  }
  if (kind == CLIP_CLIPNORM) return;
  const norm = Math.sqrt(total);
  const scale = c * min(1.0 / norm, 1.0 / c) + (norm - norm);
  const bytes = <usize>count << 3;
  for (let o: usize = 0; o < bytes; o += 8) store<f64>(grads + o, load<f64>(grads + o) * scale);
}

// Counts one more update (Keras's `iterations`).
@inline
export function countUpdate(net: i32): void {
  store<f64>(setting(net, ITERATIONS), load<f64>(setting(net, ITERATIONS)) + 1.0);
}

// Plain SGD — no momentum, no clipping — whose update dense_backward_update fuses into the backward pass.
@inline
export function plainSgd(net: i32): bool {
  return slot(net, OPTIMIZER) == SGD && load<f64>(setting(net, MOMENTUM)) == 0.0 && slot(net, CLIPPING) == CLIP_NONE;
}

// update — one step of the optimizer the descriptor names, with the gradients in GRADS, clipped first
// where the descriptor asks (Keras's order: clip, decay the weights, update)
@inline
export function update(net: i32): f64 {
  const clipping = slot(net, CLIPPING);
  if (clipping != CLIP_NONE) clipGradients(net, clipping);
  advance(net);
  const finite = updateRange(net, 0, slot(net, COUNT));
  finish(net);
  return finite;
}

// advance — what an update moves once, before any parameter: Keras's `iterations`, the powers of the
// bias corrections (β₁ᵗ, β₂ᵗ) to this update's t, nadam's u_product (nadam.py's _backend_update_step
// advances it before the variables). Nadam's 0.96ᵗ stays until `finish`: its update reads it too.
@inline
export function advance(net: i32): void {
  countUpdate(net);
  const kind = slot(net, OPTIMIZER);
  if (kind == ADAM || kind == ADAMW || kind == ADAMAX) powerStep(setting(net, BETA_1_POWER), load<f64>(setting(net, BETA_1)));
  if (kind == ADAM || kind == ADAMW || kind == NADAM) powerStep(setting(net, BETA_2_POWER), load<f64>(setting(net, BETA_2)));
  if (kind == NADAM) {
    // 0.96ᵗ is the last update's 0.96ᵗ⁺¹ (0.96 before the first)
    store<f64>(setting(net, U_PRODUCT), load<f64>(setting(net, U_PRODUCT)) * load<f64>(setting(net, BETA_1)) * (1.0 - 0.5 * power(net, DECAY_POWER)));
  }
}

// finish — after every parameter's update: nadam's 0.96ᵗ advances to the next update's 0.96ᵗ⁺¹
@inline
export function finish(net: i32): void {
  if (slot(net, OPTIMIZER) == NADAM) powerStep(setting(net, DECAY_POWER), 0.96);
}

// a power of the bias corrections as advance left it: its double-double rounded
@inline
function power(net: i32, s: i32): f64 {
  return load<f64>(setting(net, s)) + load<f64>(setting(net, s), 8);
}

// update_range — the update of parameters first … first + count − 1, with what advance has moved: each
// parameter's update is its own, so threads can share them (assembly/threads.ts)
@inline
export function updateRange(net: i32, first: i32, count: i32): f64 {
  const skip = <usize>first << 3;
  const params = at(slot(net, PARAMS)) + skip;
  const grads = at(slot(net, GRADS)) + skip;
  const momentums = at(slot(net, MOMENTUMS)) + skip;
  const velocities = at(slot(net, VELOCITIES)) + skip;
  const accumulators = at(slot(net, ACCUMULATORS)) + skip;
  const lr = load<f64>(setting(net, LEARNING_RATE));
  const kind = slot(net, OPTIMIZER);
  if (kind == ADAM) {
    return adam(net, params, grads, momentums, velocities, accumulators, count, lr);
  }
  if (kind == RMSPROP) {
    if (load<f64>(setting(net, CENTERED)) != 0.0) {
      return centeredRmspropUpdate(params, grads, velocities, accumulators, momentums, count, lr,
        load<f64>(setting(net, RHO)), load<f64>(setting(net, MOMENTUM)), load<f64>(setting(net, EPSILON)));
    }
    return rmspropUpdate(params, grads, velocities, momentums, count, lr,
      load<f64>(setting(net, RHO)), load<f64>(setting(net, MOMENTUM)), load<f64>(setting(net, EPSILON)));
  }
  if (kind == SGD) {
    return sgdUpdate(params, grads, momentums, count, lr, load<f64>(setting(net, MOMENTUM)), load<f64>(setting(net, NESTEROV)) != 0.0);
  }
  return updateMore(net, kind, params, grads, momentums, velocities, accumulators, count, lr);
}

// Adam, or AMSGrad when the descriptor says so, with β₁ᵗ and β₂ᵗ as advance left them
@inline
function adam(net: i32, params: usize, grads: usize, momentums: usize, velocities: usize, accumulators: usize, count: i32, lr: f64): f64 {
  const beta1 = load<f64>(setting(net, BETA_1)), beta2 = load<f64>(setting(net, BETA_2)), epsilon = load<f64>(setting(net, EPSILON));
  const beta1Power = power(net, BETA_1_POWER), beta2Power = power(net, BETA_2_POWER);
  if (load<f64>(setting(net, AMSGRAD)) != 0.0) {
    return adamAmsgradUpdate(params, grads, momentums, velocities, accumulators, count, lr, beta1, beta2, epsilon, beta1Power, beta2Power);
  }
  return adamUpdate(params, grads, momentums, velocities, count, lr, beta1, beta2, epsilon, beta1Power, beta2Power);
}

// The optimizers after the first three, out of line: their code stays out of the common step.
function updateMore(net: i32, kind: i32, params: usize, grads: usize, momentums: usize, velocities: usize, accumulators: usize, count: i32, lr: f64): f64 {
  const epsilon = load<f64>(setting(net, EPSILON));
  if (kind == ADAGRAD) return adagradUpdate(params, grads, accumulators, count, lr, epsilon);
  if (kind == ADADELTA) return adadeltaUpdate(params, grads, velocities, accumulators, count, lr, load<f64>(setting(net, RHO)), epsilon);
  const beta1 = load<f64>(setting(net, BETA_1)), beta2 = load<f64>(setting(net, BETA_2));
  if (kind == ADAMAX) return adamaxUpdate(params, grads, momentums, velocities, count, lr, beta1, beta2, epsilon, power(net, BETA_1_POWER));
  if (kind == NADAM) {
    return nadamUpdate(params, grads, momentums, velocities, count, lr, beta1, beta2, epsilon,
      power(net, BETA_2_POWER), power(net, DECAY_POWER), powerNext(setting(net, DECAY_POWER), 0.96), load<f64>(setting(net, U_PRODUCT)));
  }
  if (kind == ADAMW) {
    decayWeights(params, count, load<f64>(setting(net, WEIGHT_DECAY)), lr);
    return adam(net, params, grads, momentums, velocities, accumulators, count, lr);
  }
  return unreachable();
}
