import { activate, derivative } from './activations';

// Two builds come from this one source: `--enable simd` (f64x2, two doubles per instruction) and a
// scalar fallback for hosts without SIMD, branching on the compile-time ASC_FEATURE_SIMD. Both, and
// src/engines/js.ts, add in the same order (dot), so all three give the same numbers to the bit.

// dense_forward — one row
//   inp: [inputs]; w: [units][inputs], each unit's weights contiguous; b: [units]
//   out: [units] = act(b + w · inp), each dot product summed as dot() does
// The SIMD build takes units two at a time (dot2), each inp pair loaded once for both; under four
// inputs the lanes have too little to do and the scalar loop is the faster path.
@inline
export function denseForward(out: usize, inp: usize, w: usize, b: usize, inputs: i32, units: i32, act: i32): void {
  const rowBytes = <usize>inputs << 3;
  let u = 0;
  if (ASC_FEATURE_SIMD && inputs >= 4) {
    for (; u + 2 <= units; u += 2) {
      const at = <usize>u << 3;
      const z = f64x2.add(v128.load(b + at), dot2(w + <usize>u * rowBytes, rowBytes, inp, inputs));
      store<f64>(out + at, activate(f64x2.extract_lane(z, 0), act));
      store<f64>(out + at, activate(f64x2.extract_lane(z, 1), act), 8);
    }
  }
  for (; u < units; u++) {
    const z = load<f64>(b + (<usize>u << 3)) + dot(w + <usize>u * rowBytes, inp, inputs);
    store<f64>(out + (<usize>u << 3), activate(z, act));
  }
}

// dense_backward — one row, into the gradients
//   dz: [units] = dL/dz of this layer; inp: [inputs] as the forward pass saw it
//   gw: [units][inputs] (+)= dz ⊗ inp;  gb: [units] (+)= dz — the batch's first row writes them and
//   later rows add to them, so no pass zeroes the gradients before a batch
//   din: [inputs] = (wᵀ · dz) ⊙ act'(inp), the previous layer's dL/dz — w is still the forward
//   pass's w because updates run only after the whole batch is through. din = 0 for the first layer.
// Both sums run along a unit's row of w / gw, so memory streams front to back.
@inline
export function denseBackward(din: usize, inp: usize, dz: usize, w: usize, gw: usize, gb: usize, inputs: i32, units: i32, inAct: i32, firstRow: bool): void {
  const rowBytes = <usize>inputs << 3;
  for (let u = 0; u < units; u++) {
    const d = load<f64>(dz + (<usize>u << 3));
    const row = <usize>u * rowBytes;
    const gbu = gb + (<usize>u << 3);
    store<f64>(gbu, firstRow ? d : load<f64>(gbu) + d);
    axpy(gw + row, d, inp, inputs, !firstRow);
    if (din) axpy(din, d, w + row, inputs, u > 0);
  }
  if (din) {
    for (let i = 0; i < inputs; i++) {
      const at = <usize>i << 3;
      store<f64>(din + at, load<f64>(din + at) * derivative(load<f64>(inp + at), inAct));
    }
  }
}

// dot — Σ a[i]·x[i] over [n] in one fixed order: four running sums s₀..s₃, sⱼ over the i ≡ j (mod 4)
// (so four chains of additions overlap), a pair left over going into s₀ and s₁; then
// (s₀ + s₂) + (s₁ + s₃), then the last element when n is odd. dot2 keeps the same order in lanes.
@inline
function dot(a: usize, x: usize, n: i32): f64 {
  const quadBytes = <usize>(n & ~3) << 3;
  const pairBytes = <usize>(n & ~1) << 3;
  let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  for (let i: usize = 0; i < quadBytes; i += 32) {
    s0 += load<f64>(a + i) * load<f64>(x + i);
    s1 += load<f64>(a + i, 8) * load<f64>(x + i, 8);
    s2 += load<f64>(a + i, 16) * load<f64>(x + i, 16);
    s3 += load<f64>(a + i, 24) * load<f64>(x + i, 24);
  }
  if (pairBytes > quadBytes) {
    s0 += load<f64>(a + quadBytes) * load<f64>(x + quadBytes);
    s1 += load<f64>(a + quadBytes, 8) * load<f64>(x + quadBytes, 8);
  }
  let sum = (s0 + s2) + (s1 + s3);
  if (n & 1) sum += load<f64>(a + pairBytes) * load<f64>(x + pairBytes);
  return sum;
}

// dot2 — dot(a, x) and dot(a + rowBytes, x) as the two lanes of the result (SIMD build only):
//   per row, f64x2 `lo` holds (s₀, s₁) and `hi` holds (s₂, s₃); lo + hi = (s₀ + s₂, s₁ + s₃),
//   whose lanes are then added — dot()'s order exactly, with four vector sums in flight.
function dot2(a: usize, rowBytes: usize, x: usize, n: i32): v128 {
  const a1 = a + rowBytes;
  const quadBytes = <usize>(n & ~3) << 3;
  const pairBytes = <usize>(n & ~1) << 3;
  let lo0 = f64x2.splat(0.0), hi0 = f64x2.splat(0.0), lo1 = f64x2.splat(0.0), hi1 = f64x2.splat(0.0);
  for (let i: usize = 0; i < quadBytes; i += 32) {
    const xlo = v128.load(x + i), xhi = v128.load(x + i, 16);
    lo0 = f64x2.add(lo0, f64x2.mul(v128.load(a + i), xlo));
    hi0 = f64x2.add(hi0, f64x2.mul(v128.load(a + i, 16), xhi));
    lo1 = f64x2.add(lo1, f64x2.mul(v128.load(a1 + i), xlo));
    hi1 = f64x2.add(hi1, f64x2.mul(v128.load(a1 + i, 16), xhi));
  }
  if (pairBytes > quadBytes) {
    const xp = v128.load(x + quadBytes);
    lo0 = f64x2.add(lo0, f64x2.mul(v128.load(a + quadBytes), xp));
    lo1 = f64x2.add(lo1, f64x2.mul(v128.load(a1 + quadBytes), xp));
  }
  const both0 = f64x2.add(lo0, hi0), both1 = f64x2.add(lo1, hi1);
  // lane j = lane 0 + lane 1 of row j's sums
  let sum = f64x2.add(v128.shuffle<f64>(both0, both1, 0, 2), v128.shuffle<f64>(both0, both1, 1, 3));
  if (n & 1) {
    const last = f64x2.replace_lane(f64x2.splat(load<f64>(a + pairBytes)), 1, load<f64>(a1 + pairBytes));
    sum = f64x2.add(sum, f64x2.mul(last, f64x2.splat(load<f64>(x + pairBytes))));
  }
  return sum;
}

// axpy — y[n] = alpha · x[n], plus y[n]'s old value when `add`. Element by element: no sum crosses
// elements, so two lanes at a time give the scalar loop's numbers.
@inline
function axpy(y: usize, alpha: f64, x: usize, n: i32, add: bool): void {
  const bytes = <usize>n << 3;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const a = f64x2.splat(alpha);
    for (; i + 16 <= bytes; i += 16) {
      const ax = f64x2.mul(a, v128.load(x + i));
      v128.store(y + i, add ? f64x2.add(v128.load(y + i), ax) : ax);
    }
  }
  for (; i < bytes; i += 8) {
    const ax = alpha * load<f64>(x + i);
    store<f64>(y + i, add ? load<f64>(y + i) + ax : ax);
  }
}
