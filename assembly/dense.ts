import { activate, activate2 } from './activations';
import { LINEAR, SIGMOID, TANH } from './contract';

// The Dense layer's forward/backward pair over a whole batch, batch-major: row r of a [rows][n]
// block starts n doubles after row r − 1. Each kernel has a plain reference loop beside it
// (*Reference, as llm.c keeps matmul_forward_naive) that test/kernels.test.ts holds the fast one to,
// bit for bit.
//
// Two builds come from this one source: `--enable simd` (f64x2, two doubles per instruction) and a
// scalar fallback for hosts without SIMD, branching on the compile-time ASC_FEATURE_SIMD. Every sum
// keeps one fixed order in both builds and in src/engines/js.ts, so all three agree to the bit:
// a dot product sums as dot() does; a sum over rows (gradients) or over units (dL/d inputs) runs
// in order, from the first term, element by element — lanes over elements change nothing.

// dense_forward
//   inp: [rows][inputs]; w: [units][inputs], each unit's weights contiguous; b: [units]
//   out: [rows][units] = act(b + inp · wᵀ), each z = b[u] + dot(w[u], inp[r])
// The SIMD build takes 2 rows × 4 units at a time (then 2 units, then the odd one): each weight pair
// loaded serves both rows, each input pair four units. Under four inputs the dot products have too
// little for the lanes and stay scalar, but a sigmoid or tanh layer still takes its activation two
// at a time (denseForwardNarrow).
@inline
export function denseForward(out: usize, inp: usize, w: usize, b: usize, rows: i32, inputs: i32, units: i32, act: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (inputs >= 4) {
      denseForwardBlocked(out, inp, w, b, rows, inputs, units, act);
      return;
    }
    if ((units >= 2 || rows >= 2) && (act == SIGMOID || act == TANH)) {
      denseForwardNarrow(out, inp, w, b, rows, inputs, units, act);
      return;
    }
  }
  denseForwardReference(out, inp, w, b, rows, inputs, units, act);
}

// Under four inputs (SIMD build): the reference loop's dot products, two units' z in the lanes of one
// vector, so a sigmoid or tanh layer takes their activation two at a time; an odd unit (a one-unit
// output layer) takes two rows' z in the lanes instead.
@inline
function denseForwardNarrow(out: usize, inp: usize, w: usize, b: usize, rows: i32, inputs: i32, units: i32, act: i32): void {
  const inBytes = <usize>inputs << 3, outBytes = <usize>units << 3;
  const pairs = units & ~1;
  if (pairs > 0) {
    for (let r = 0; r < rows; r++) {
      const x = inp + <usize>r * inBytes, o = out + <usize>r * outBytes;
      for (let u = 0; u < pairs; u += 2) {
        const at = <usize>u << 3, wu = w + <usize>u * inBytes;
        const z = f64x2.replace_lane(f64x2.splat(dot(wu, x, inputs)), 1, dot(wu + inBytes, x, inputs));
        store2(o + at, f64x2.add(v128.load(b + at), z), act);
      }
    }
  }
  if (pairs == units) return;
  const at = <usize>pairs << 3, wu = w + <usize>pairs * inBytes, bias = load<f64>(b + at);
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = inp + <usize>r * inBytes, o0 = out + <usize>r * outBytes + at;
    const z = f64x2.replace_lane(f64x2.splat(dot(wu, x0, inputs)), 1, dot(wu, x0 + inBytes, inputs));
    const a = activate2(f64x2.add(f64x2.splat(bias), z), act);
    store<f64>(o0, f64x2.extract_lane(a, 0));
    store<f64>(o0 + outBytes, f64x2.extract_lane(a, 1));
  }
  if (r < rows) store<f64>(out + <usize>r * outBytes + at, activate(bias + dot(wu, inp + <usize>r * inBytes, inputs), act));
}

@inline
function denseForwardBlocked(out: usize, inp: usize, w: usize, b: usize, rows: i32, inputs: i32, units: i32, act: i32): void {
  const inBytes = <usize>inputs << 3, outBytes = <usize>units << 3;
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = inp + <usize>r * inBytes, o0 = out + <usize>r * outBytes;
    let u = 0;
    for (; u + 4 <= units; u += 4) forward24(o0 + (<usize>u << 3), outBytes, b + (<usize>u << 3), w + <usize>u * inBytes, inBytes, x0, inputs);
    for (; u + 2 <= units; u += 2) {
      const w0 = w + <usize>u * inBytes, at = <usize>u << 3;
      forward22(o0 + at, o0 + outBytes + at, v128.load(b + at), w0, w0 + inBytes, x0, x0 + inBytes, inputs);
    }
    // the two rows' activations after their sums, not inside forward22: its loop then keeps all
    // eight sums in registers (with exp's code beside it V8 spilled two): 10,000 rows through
    // predict on 128-128-1 −10%
    if (act != LINEAR) {
      const pairs = <usize>u << 3;
      for (let at: usize = 0; at < pairs; at += 16) {
        store2(o0 + at, v128.load(o0 + at), act);
        store2(o0 + outBytes + at, v128.load(o0 + outBytes + at), act);
      }
    }
    if (u < units) { // the odd unit (a 1-unit output layer): the two rows share its weights
      const at = <usize>u << 3;
      // dot2 with the rows as its two vectors: lanes (dot(x0, w), dot(x1, w)) — x·w is w·x to the bit
      const a = activate2(f64x2.add(f64x2.splat(load<f64>(b + at)), dot2(x0, inBytes, w + <usize>u * inBytes, inputs)), act);
      store<f64>(o0 + at, f64x2.extract_lane(a, 0));
      store<f64>(o0 + outBytes + at, f64x2.extract_lane(a, 1));
    }
  }
  if (r < rows) {
    const x0 = inp + <usize>r * inBytes, o0 = out + <usize>r * outBytes;
    let u = 0;
    for (; u + 2 <= units; u += 2) {
      const at = <usize>u << 3;
      store2(o0 + at, f64x2.add(v128.load(b + at), dot2(w + <usize>u * inBytes, inBytes, x0, inputs)), act);
    }
    for (; u < units; u++) {
      const at = <usize>u << 3;
      store<f64>(o0 + at, activate(load<f64>(b + at) + dot(w + <usize>u * inBytes, x0, inputs), act));
    }
  }
}

@inline
export function denseForwardReference(out: usize, inp: usize, w: usize, b: usize, rows: i32, inputs: i32, units: i32, act: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < units; u++) {
      const z = load<f64>(b + (<usize>u << 3)) + dot(w + (<usize>(u * inputs) << 3), inp + (<usize>(r * inputs) << 3), inputs);
      store<f64>(out + (<usize>(r * units + u) << 3), activate(z, act));
    }
  }
}

// dense_backward
//   dout: [rows][units] = dL/dz of this layer; inp: [rows][inputs] as the forward pass saw it
//   gw: [units][inputs] = Σ_r dout[r] ⊗ inp[r];  gb: [units] = Σ_r dout[r]  (written, not added to)
//   din: [rows][inputs] = dout · w = dL/d inp, before the previous layer's activation derivative;
//   skipped when din = 0 (the first layer). w is still the forward pass's w: updates come after.
// Its two halves are apart (dense_gradient, dense_input_gradient) so that threads can share a batch:
// each gradient is one sum over every row, each row of din one sum over every unit, whoever computes
// which (assembly/threads.ts).
@inline
export function denseBackward(din: usize, gw: usize, gb: usize, dout: usize, inp: usize, w: usize, rows: i32, inputs: i32, units: i32): void {
  denseGradient(gw, gb, dout, units, inp, rows, inputs, units);
  if (din) denseInputGradient(din, dout, w, rows, inputs, units);
}

// dense_gradient — dense_backward's gw and gb, for `units` units whose dL/dz sit in rows of `stride`
// doubles (a thread's share of a layer's units: dout, gw and gb start at its first unit).
// The SIMD build sums 2 units × 8 inputs at a time in registers, over 16 rows of the batch at a time
// (ROW_BLOCK), so each gradient is stored once per 16 rows.
@inline
export function denseGradient(gw: usize, gb: usize, dout: usize, stride: i32, inp: usize, rows: i32, inputs: i32, units: i32): void {
  if (ASC_FEATURE_SIMD && inputs >= 4) {
    biasGradient(gb, dout, <usize>stride << 3, rows, units);
    gradientBlocked(gw, dout, <usize>stride << 3, inp, rows, inputs, units);
    return;
  }
  denseGradientReference(gw, gb, dout, stride, inp, rows, inputs, units);
}

// Rows of a batch whose inputs dense_gradient keeps in the L1 cache at a time (16 rows of 128 inputs: 16 KB).
const ROW_BLOCK = 16;

@inline
function gradientBlocked(gw: usize, dout: usize, outBytes: usize, inp: usize, rows: i32, inputs: i32, units: i32): void {
  const inBytes = <usize>inputs << 3;
  const quads = <usize>(inputs & ~3) << 3;
  // ROW_BLOCK rows at a time, each gradient's sum carried over in gw: the same additions in the same
  // order, but the block's inputs stay in the L1 cache for every pair of units (a row of 128 inputs is
  // 1 KB, so every row's same inputs fall in the same few cache sets: past ~32 rows they evict each other)
  for (let r = 0; r < rows; r += ROW_BLOCK) {
    const n = min(ROW_BLOCK, rows - r), x = inp + <usize>r * inBytes, d = dout + <usize>r * outBytes;
    for (let u = 0; u + 2 <= units; u += 2) {
      const d0 = d + (<usize>u << 3), g0 = gw + <usize>u * inBytes, g1 = g0 + inBytes;
      let i: usize = 0;
      for (; i + 64 <= quads; i += 64) sums2x8(g0 + i, g1 + i, d0, d0 + 8, outBytes, x + i, inBytes, n, r > 0);
      for (; i < quads; i += 32) sums2x4(g0 + i, g1 + i, d0, d0 + 8, outBytes, x + i, inBytes, n, r > 0);
    }
  }
  let u = 0;
  for (; u + 2 <= units; u += 2) {
    const g0 = gw + <usize>u * inBytes, g1 = g0 + inBytes;
    for (let i = quads; i < inBytes; i += 8) {
      store<f64>(g0 + i, columnSum(dout + (<usize>u << 3), outBytes, inp + i, inBytes, rows));
      store<f64>(g1 + i, columnSum(dout + (<usize>(u + 1) << 3), outBytes, inp + i, inBytes, rows));
    }
  }
  if (u < units) {
    // the odd unit (a regression's one output): row by row into its gradients, each still one sum over
    // the rows in order, each row's inputs read once and in order rather than down columns of rows 1 KB
    // apart (one thread takes this unit alone; on 128-128-1 at batch 256, 2 threads ran ~3% faster)
    const d0 = dout + (<usize>u << 3), g0 = gw + <usize>u * inBytes;
    for (let r = 0; r < rows; r++) axpy(g0, load<f64>(d0 + <usize>r * outBytes), inp + <usize>r * inBytes, inputs, r > 0);
  }
}

// dense_input_gradient — dense_backward's din: [rows][inputs] = dout · w, each row on its own (a
// thread's share of the rows: din and dout start at its first row). The SIMD build takes 2 rows ×
// 8 inputs per weight load (sums2x8).
@inline
export function denseInputGradient(din: usize, dout: usize, w: usize, rows: i32, inputs: i32, units: i32): void {
  if (!ASC_FEATURE_SIMD || inputs < 4) {
    denseInputGradientReference(din, dout, w, rows, inputs, units);
    return;
  }
  const inBytes = <usize>inputs << 3, outBytes = <usize>units << 3;
  const quads = <usize>(inputs & ~3) << 3;
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const d0 = dout + <usize>r * outBytes, n0 = din + <usize>r * inBytes;
    let i: usize = 0;
    for (; i + 64 <= quads; i += 64) sums2x8(n0 + i, n0 + inBytes + i, d0, d0 + outBytes, 8, w + i, inBytes, units, false);
    for (; i < quads; i += 32) sums2x4(n0 + i, n0 + inBytes + i, d0, d0 + outBytes, 8, w + i, inBytes, units, false);
    for (; i < inBytes; i += 8) {
      store<f64>(n0 + i, rowSum(d0, w + i, inBytes, units));
      store<f64>(n0 + inBytes + i, rowSum(d0 + outBytes, w + i, inBytes, units));
    }
  }
  if (r < rows) {
    const d0 = dout + <usize>r * outBytes, n0 = din + <usize>r * inBytes;
    for (let k = 0; k < units; k++) axpy(n0, load<f64>(d0 + (<usize>k << 3)), w + <usize>k * inBytes, inputs, k > 0);
  }
}

@inline
export function denseBackwardReference(din: usize, gw: usize, gb: usize, dout: usize, inp: usize, w: usize, rows: i32, inputs: i32, units: i32): void {
  denseGradientReference(gw, gb, dout, units, inp, rows, inputs, units);
  if (din) denseInputGradientReference(din, dout, w, rows, inputs, units);
}

@inline
function denseGradientReference(gw: usize, gb: usize, dout: usize, stride: i32, inp: usize, rows: i32, inputs: i32, units: i32): void {
  const inBytes = <usize>inputs << 3, outBytes = <usize>stride << 3;
  biasGradient(gb, dout, outBytes, rows, units);
  for (let u = 0; u < units; u++) {
    for (let i: usize = 0; i < inBytes; i += 8) {
      store<f64>(gw + <usize>u * inBytes + i, columnSum(dout + (<usize>u << 3), outBytes, inp + i, inBytes, rows));
    }
  }
}

@inline
function denseInputGradientReference(din: usize, dout: usize, w: usize, rows: i32, inputs: i32, units: i32): void {
  const inBytes = <usize>inputs << 3, outBytes = <usize>units << 3;
  for (let r = 0; r < rows; r++) {
    for (let i: usize = 0; i < inBytes; i += 8) {
      store<f64>(din + <usize>r * inBytes + i, rowSum(dout + <usize>r * outBytes, w + i, inBytes, units));
    }
  }
}

// sums2x8 — two rank-one sums over k = 0 … count − 1, in order, of eight doubles each (SIMD build only):
//   o0[0..8) = Σ_k s0[k]·v[k][0..8),  o1[0..8) = Σ_k s1[k]·v[k][0..8)
// with s_j[k] at s_j + k·sStride and v[k] at v + k·vStride. The gradients take it with k over the
// rows (s: a row's two units' d, v: its inputs), dL/d inputs with k over the units (s: two rows' d
// for unit k, v: unit k's weights). Eight sums in flight, each splat of s serving four pairs of v.
// `more`: the sums go on from what o0 and o1 hold (the gradients' later blocks of rows).
@inline
function sums2x8(o0: usize, o1: usize, s0: usize, s1: usize, sStride: usize, v: usize, vStride: usize, count: i32, more: bool): void {
  let da = f64x2.splat(load<f64>(s0)), db = f64x2.splat(load<f64>(s1));
  let v0 = v128.load(v), v1 = v128.load(v, 16), v2 = v128.load(v, 32), v3 = v128.load(v, 48);
  let a0 = f64x2.mul(da, v0), a1 = f64x2.mul(da, v1), a2 = f64x2.mul(da, v2), a3 = f64x2.mul(da, v3);
  let b0 = f64x2.mul(db, v0), b1 = f64x2.mul(db, v1), b2 = f64x2.mul(db, v2), b3 = f64x2.mul(db, v3);
  if (more) { // the sums so far go on: each term added to them, as if one loop ran on
    a0 = f64x2.add(v128.load(o0), a0); a1 = f64x2.add(v128.load(o0, 16), a1); a2 = f64x2.add(v128.load(o0, 32), a2); a3 = f64x2.add(v128.load(o0, 48), a3);
    b0 = f64x2.add(v128.load(o1), b0); b1 = f64x2.add(v128.load(o1, 16), b1); b2 = f64x2.add(v128.load(o1, 32), b2); b3 = f64x2.add(v128.load(o1, 48), b3);
  }
  for (let k = 1; k < count; k++) {
    v += vStride; s0 += sStride; s1 += sStride;
    da = f64x2.splat(load<f64>(s0)); db = f64x2.splat(load<f64>(s1));
    v0 = v128.load(v); v1 = v128.load(v, 16); v2 = v128.load(v, 32); v3 = v128.load(v, 48);
    a0 = f64x2.add(a0, f64x2.mul(da, v0)); a1 = f64x2.add(a1, f64x2.mul(da, v1));
    a2 = f64x2.add(a2, f64x2.mul(da, v2)); a3 = f64x2.add(a3, f64x2.mul(da, v3));
    b0 = f64x2.add(b0, f64x2.mul(db, v0)); b1 = f64x2.add(b1, f64x2.mul(db, v1));
    b2 = f64x2.add(b2, f64x2.mul(db, v2)); b3 = f64x2.add(b3, f64x2.mul(db, v3));
  }
  v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32); v128.store(o0, a3, 48);
  v128.store(o1, b0); v128.store(o1, b1, 16); v128.store(o1, b2, 32); v128.store(o1, b3, 48);
}

// sums2x4 — sums2x8 for four doubles each
@inline
function sums2x4(o0: usize, o1: usize, s0: usize, s1: usize, sStride: usize, v: usize, vStride: usize, count: i32, more: bool): void {
  let da = f64x2.splat(load<f64>(s0)), db = f64x2.splat(load<f64>(s1));
  let vl = v128.load(v), vh = v128.load(v, 16);
  let al = f64x2.mul(da, vl), ah = f64x2.mul(da, vh), bl = f64x2.mul(db, vl), bh = f64x2.mul(db, vh);
  if (more) {
    al = f64x2.add(v128.load(o0), al); ah = f64x2.add(v128.load(o0, 16), ah);
    bl = f64x2.add(v128.load(o1), bl); bh = f64x2.add(v128.load(o1, 16), bh);
  }
  for (let k = 1; k < count; k++) {
    v += vStride; s0 += sStride; s1 += sStride;
    da = f64x2.splat(load<f64>(s0)); db = f64x2.splat(load<f64>(s1));
    vl = v128.load(v); vh = v128.load(v, 16);
    al = f64x2.add(al, f64x2.mul(da, vl)); ah = f64x2.add(ah, f64x2.mul(da, vh));
    bl = f64x2.add(bl, f64x2.mul(db, vl)); bh = f64x2.add(bh, f64x2.mul(db, vh));
  }
  v128.store(o0, al); v128.store(o0, ah, 16);
  v128.store(o1, bl); v128.store(o1, bh, 16);
}

// dense_backward_update — one row, plain SGD (no momentum): dense_backward and the update
// p −= lr·g fused, so the gradient never goes to memory and w streams through once.
//   din: [inputs] = dout · w with w before its update (0: skipped); w, b updated in place.
// Each parameter gets the same roundings as gradient-then-update: lr·(d·x) — the same bits.
// Returns Σ(p − p) over the new parameters: 0, or NaN once one is not finite.
@inline
export function denseBackwardUpdate(din: usize, dout: usize, inp: usize, w: usize, b: usize, inputs: i32, units: i32, lr: f64): f64 {
  if (inputs >= 32) return denseBackwardUpdateWide(din, dout, inp, w, b, inputs, units, lr);
  return updateUnits(din, dout, inp, w, b, inputs, units, lr, false, 0.0);
}

// dense_backward_update's plain reference loop: the same arithmetic one parameter at a time, every
// new parameter checked; test/kernels.test.ts holds the fast one to it bit for bit.
@inline
export function denseBackwardUpdateReference(din: usize, dout: usize, inp: usize, w: usize, b: usize, inputs: i32, units: i32, lr: f64): f64 {
  let finite = 0.0;
  for (let u = 0; u < units; u++) {
    const d = load<f64>(dout + (<usize>u << 3));
    const p = load<f64>(b + (<usize>u << 3)) - lr * d;
    store<f64>(b + (<usize>u << 3), p);
    finite += p - p;
    for (let i = 0; i < inputs; i++) {
      const wi = load<f64>(w + (<usize>(u * inputs + i) << 3));
      const di = din + (<usize>i << 3);
      if (din) store<f64>(di, u > 0 ? load<f64>(di) + d * wi : d * wi);
      const q = wi - lr * (d * load<f64>(inp + (<usize>i << 3)));
      store<f64>(w + (<usize>(u * inputs + i) << 3), q);
      finite += q - q;
    }
  }
  return finite;
}

// A wide layer's units whose update is tame (see TAME) cannot make a weight non-finite: their
// weights skip that check. Out of line: a tiny network's step is faster without this code inside.
function denseBackwardUpdateWide(din: usize, dout: usize, inp: usize, w: usize, b: usize, inputs: i32, units: i32, lr: f64): f64 {
  // |lr·(d·x)| ≤ |d|·scale
  return updateUnits(din, dout, inp, w, b, inputs, units, lr, true, max(1.0, lr) * maxAbs(inp, inputs));
}

// dense_backward_update's loop over units; with `tame`, a unit with |d|·scale under TAME skips the check.
@inline
function updateUnits(din: usize, dout: usize, inp: usize, w: usize, b: usize, inputs: i32, units: i32, lr: f64, tame: bool, scale: f64): f64 {
  const inBytes = <usize>inputs << 3;
  let finite = 0.0;
  for (let u = 0; u < units; u++) {
    const at = <usize>u << 3;
    const d = load<f64>(dout + at);
    const p = load<f64>(b + at) - lr * d;
    store<f64>(b + at, p);
    finite += p - p;
    const wu = w + <usize>u * inBytes;
    // NaN (d or an input not finite) is not tame. Two copies of the loops, so neither tests per weight.
    if (tame && abs(d) * scale < TAME) unitUpdate(din, u, d, inp, wu, inBytes, lr, false);
    else finite += unitUpdate(din, u, d, inp, wu, inBytes, lr, true);
  }
  return finite;
}

// One unit's weights in dense_backward_update: dL/d inputs += d·w (u = 0: =), then w −= lr·(d·x).
// With `check`, returns Σ(q − q) over the new weights, else 0.
@inline
function unitUpdate(din: usize, u: i32, d: f64, inp: usize, wu: usize, inBytes: usize, lr: f64, check: bool): f64 {
  let finite = 0.0;
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    // One loop per case, so no test runs per element; the check ORs the bits of q − q (+0 for every
    // finite q, NaN otherwise), which unlike a running sum is no chain of additions.
    const dd = f64x2.splat(d), rate = f64x2.splat(lr);
    const pairs = inBytes & ~(<usize>15);
    let bad = f64x2.splat(0.0);
    if (!din) {
      for (; i < pairs; i += 16) {
        const q = updatePair(wu + i, inp + i, dd, rate);
        if (check) bad = v128.or(bad, f64x2.sub(q, q));
      }
    } else if (u == 0) {
      for (; i < pairs; i += 16) {
        v128.store(din + i, f64x2.mul(dd, v128.load(wu + i)));
        const q = updatePair(wu + i, inp + i, dd, rate);
        if (check) bad = v128.or(bad, f64x2.sub(q, q));
      }
    } else {
      for (; i < pairs; i += 16) {
        v128.store(din + i, f64x2.add(v128.load(din + i), f64x2.mul(dd, v128.load(wu + i))));
        const q = updatePair(wu + i, inp + i, dd, rate);
        if (check) bad = v128.or(bad, f64x2.sub(q, q));
      }
    }
    if (check && v128.any_true(bad)) finite = NaN;
  }
  for (; i < inBytes; i += 8) {
    const wi = load<f64>(wu + i);
    if (din) store<f64>(din + i, u > 0 ? load<f64>(din + i) + d * wi : d * wi);
    const q = wi - lr * (d * load<f64>(inp + i));
    store<f64>(wu + i, q);
    if (check) finite += q - q;
  }
  return finite;
}

// An update w − t of a finite w is finite whenever |t| < 2^970, half an ulp of the largest double:
// only a result at or beyond that rounds to infinity. With max(1, lr)·|d|·max|x| under TAME (far
// under 2^960, rounding included), neither d·x nor t = lr·(d·x) overflows, so every new weight of
// the unit is finite; parameters are finite before every step (checked where they come in, and
// after each step). Skipping the check there changes no bit of the result.
const TAME = 1e288;

// max |x[i]| over [n], or NaN when one is not finite. Not f64.max, which V8 builds from a dozen
// instructions to handle NaNs: the larger by a comparison (pseudo-max, one instruction in lanes),
// the NaNs and infinities by ORing the bits of x − x (+0 for every finite x) as unitUpdate does.
@inline
function maxAbs(x: usize, n: i32): f64 {
  const bytes = <usize>n << 3;
  let i: usize = 0, m = 0.0, bad: u64 = 0;
  if (ASC_FEATURE_SIMD) {
    let mv = f64x2.splat(0.0), bv = mv;
    for (; i + 16 <= bytes; i += 16) {
      const v = v128.load(x + i);
      mv = f64x2.pmax(mv, f64x2.abs(v));
      bv = v128.or(bv, f64x2.sub(v, v));
    }
    const m0 = f64x2.extract_lane(mv, 0), m1 = f64x2.extract_lane(mv, 1);
    m = m1 > m0 ? m1 : m0;
    bad = i64x2.extract_lane(bv, 0) | i64x2.extract_lane(bv, 1);
  }
  for (; i < bytes; i += 8) {
    const v = load<f64>(x + i), a = abs(v);
    if (a > m) m = a;
    bad |= reinterpret<u64>(v - v);
  }
  return bad ? NaN : m;
}

// Two weights of a unit: w −= lr·(d·x), returning the new pair (SIMD build only)
@inline
function updatePair(w: usize, x: usize, d: v128, rate: v128): v128 {
  const q = f64x2.sub(v128.load(w), f64x2.mul(rate, f64x2.mul(d, v128.load(x))));
  v128.store(w, q);
  return q;
}

// gb[u] = Σ_r dout[r][u], rows in order; dout's rows `outBytes` apart
@inline
function biasGradient(gb: usize, dout: usize, outBytes: usize, rows: i32, units: i32): void {
  const bytes = <usize>units << 3;
  for (let u: usize = 0; u < bytes; u += 8) {
    let s = load<f64>(dout + u);
    for (let r = 1; r < rows; r++) s += load<f64>(dout + <usize>r * outBytes + u);
    store<f64>(gb + u, s);
  }
}

// Σ_r d[r·dStride] · x[r·xStride], rows in order: one gradient of the kernel
@inline
function columnSum(d: usize, dStride: usize, x: usize, xStride: usize, rows: i32): f64 {
  let s = load<f64>(d) * load<f64>(x);
  for (let r = 1; r < rows; r++) s += load<f64>(d + <usize>r * dStride) * load<f64>(x + <usize>r * xStride);
  return s;
}

// Σ_k d[k] · w[k·wStride], units in order: one element of dL/d inp
@inline
function rowSum(d: usize, w: usize, wStride: usize, units: i32): f64 {
  let s = load<f64>(d) * load<f64>(w);
  for (let k = 1; k < units; k++) s += load<f64>(d + (<usize>k << 3)) * load<f64>(w + <usize>k * wStride);
  return s;
}

// act(z) into out[0..2)
@inline
function store2(out: usize, z: v128, act: i32): void {
  v128.store(out, activate2(z, act));
}

// dot — Σ a[i]·x[i] over [n] in one fixed order: four running sums s₀..s₃, sⱼ over the i ≡ j (mod 4)
// (so four chains of additions overlap), a pair left over going into s₀ and s₁; then
// (s₀ + s₂) + (s₁ + s₃), then the last element when n is odd. dot2 and dot22 keep the same order in lanes.
// Under four terms that is a₀x₀ + a₁x₁ (+ a₂x₂), added without the zeros the sums start from: those
// additions change no value (at most the sign of a zero) but lengthen a tiny layer's chain of operations.
@inline
function dot(a: usize, x: usize, n: i32): f64 {
  if (n < 4) {
    let sum = load<f64>(a) * load<f64>(x);
    if (n > 1) sum += load<f64>(a, 8) * load<f64>(x, 8);
    if (n > 2) sum += load<f64>(a, 16) * load<f64>(x, 16);
    return sum;
  }
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
@inline
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
  let sum = lanes(f64x2.add(lo0, hi0), f64x2.add(lo1, hi1));
  if (n & 1) {
    const last = f64x2.replace_lane(f64x2.splat(load<f64>(a + pairBytes)), 1, load<f64>(a1 + pairBytes));
    sum = f64x2.add(sum, f64x2.mul(last, f64x2.splat(load<f64>(x + pairBytes))));
  }
  return sum;
}

// forward22 — dot2 for two input rows x0 and x1 at once, then the bias:
//   out0[0..2) = bias + (dot(a0, x0), dot(a1, x0)), out1[0..2) the same for x1 (z: the caller activates).
// Each of the four loads per input pair serves two of the eight sums.
@inline
function forward22(out0: usize, out1: usize, bias: v128, a0: usize, a1: usize, x0: usize, x1: usize, n: i32): void {
  const quadBytes = <usize>(n & ~3) << 3;
  const pairBytes = <usize>(n & ~1) << 3;
  let l00 = f64x2.splat(0.0), h00 = l00, l10 = l00, h10 = l00, l01 = l00, h01 = l00, l11 = l00, h11 = l00;
  for (let i: usize = 0; i < quadBytes; i += 32) {
    // each load used as soon as it is made: eight sums and four operands fit the sixteen registers
    const al = v128.load(a0 + i), xl = v128.load(x0 + i);
    l00 = f64x2.add(l00, f64x2.mul(al, xl));
    const yl = v128.load(x1 + i);
    l01 = f64x2.add(l01, f64x2.mul(al, yl));
    const bl = v128.load(a1 + i);
    l10 = f64x2.add(l10, f64x2.mul(bl, xl));
    l11 = f64x2.add(l11, f64x2.mul(bl, yl));
    const ah = v128.load(a0 + i, 16), xh = v128.load(x0 + i, 16);
    h00 = f64x2.add(h00, f64x2.mul(ah, xh));
    const yh = v128.load(x1 + i, 16);
    h01 = f64x2.add(h01, f64x2.mul(ah, yh));
    const bh = v128.load(a1 + i, 16);
    h10 = f64x2.add(h10, f64x2.mul(bh, xh));
    h11 = f64x2.add(h11, f64x2.mul(bh, yh));
  }
  if (pairBytes > quadBytes) {
    const al = v128.load(a0 + quadBytes), bl = v128.load(a1 + quadBytes);
    const xl = v128.load(x0 + quadBytes), yl = v128.load(x1 + quadBytes);
    l00 = f64x2.add(l00, f64x2.mul(al, xl)); l10 = f64x2.add(l10, f64x2.mul(bl, xl));
    l01 = f64x2.add(l01, f64x2.mul(al, yl)); l11 = f64x2.add(l11, f64x2.mul(bl, yl));
  }
  let s0 = lanes(f64x2.add(l00, h00), f64x2.add(l10, h10));
  let s1 = lanes(f64x2.add(l01, h01), f64x2.add(l11, h11));
  if (n & 1) {
    const last = f64x2.replace_lane(f64x2.splat(load<f64>(a0 + pairBytes)), 1, load<f64>(a1 + pairBytes));
    s0 = f64x2.add(s0, f64x2.mul(last, f64x2.splat(load<f64>(x0 + pairBytes))));
    s1 = f64x2.add(s1, f64x2.mul(last, f64x2.splat(load<f64>(x1 + pairBytes))));
  }
  v128.store(out0, f64x2.add(bias, s0));
  v128.store(out1, f64x2.add(bias, s1));
}

// forward24 — forward22 for four units (weights a, a + inBytes, a + 2·inBytes, a + 3·inBytes) and
// two rows (x, x + inBytes): z into out[0..4) and (out + outBytes)[0..4). The lo sums and the hi sums
// take a pass each (they meet only at the end, as in dot()), eight running sums a pass: each weight
// load serves both rows, each input load four units. The passes are written out: one loop run twice
// (the lo sums kept aside) measured 19% slower, sums carried through memory between passes 10–34%,
// the leftover pair folded into the lo loop 3–7%.
@inline
function forward24(out: usize, outBytes: usize, b: usize, a: usize, inBytes: usize, x: usize, n: i32): void {
  const quadBytes = <usize>(n & ~3) << 3;
  const pairBytes = <usize>(n & ~1) << 3;
  const y = x + inBytes, a1 = a + inBytes, a2 = a1 + inBytes, a3 = a2 + inBytes;
  let p0 = f64x2.splat(0.0), p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0; // lo: row x (p), row y (q)
  for (let i: usize = 0; i < quadBytes; i += 32) {
    const xl = v128.load(x + i), yl = v128.load(y + i);
    let wl = v128.load(a + i);
    p0 = f64x2.add(p0, f64x2.mul(wl, xl)); q0 = f64x2.add(q0, f64x2.mul(wl, yl));
    wl = v128.load(a1 + i);
    p1 = f64x2.add(p1, f64x2.mul(wl, xl)); q1 = f64x2.add(q1, f64x2.mul(wl, yl));
    wl = v128.load(a2 + i);
    p2 = f64x2.add(p2, f64x2.mul(wl, xl)); q2 = f64x2.add(q2, f64x2.mul(wl, yl));
    wl = v128.load(a3 + i);
    p3 = f64x2.add(p3, f64x2.mul(wl, xl)); q3 = f64x2.add(q3, f64x2.mul(wl, yl));
  }
  if (pairBytes > quadBytes) { // the pair past the last quad goes to s₀ and s₁, as in dot()
    const xl = v128.load(x + quadBytes), yl = v128.load(y + quadBytes);
    let wl = v128.load(a + quadBytes);
    p0 = f64x2.add(p0, f64x2.mul(wl, xl)); q0 = f64x2.add(q0, f64x2.mul(wl, yl));
    wl = v128.load(a1 + quadBytes);
    p1 = f64x2.add(p1, f64x2.mul(wl, xl)); q1 = f64x2.add(q1, f64x2.mul(wl, yl));
    wl = v128.load(a2 + quadBytes);
    p2 = f64x2.add(p2, f64x2.mul(wl, xl)); q2 = f64x2.add(q2, f64x2.mul(wl, yl));
    wl = v128.load(a3 + quadBytes);
    p3 = f64x2.add(p3, f64x2.mul(wl, xl)); q3 = f64x2.add(q3, f64x2.mul(wl, yl));
  }
  let r0 = f64x2.splat(0.0), r1 = r0, r2 = r0, r3 = r0, t0 = r0, t1 = r0, t2 = r0, t3 = r0; // hi
  for (let i: usize = 16; i < quadBytes; i += 32) {
    const xh = v128.load(x + i), yh = v128.load(y + i);
    let wh = v128.load(a + i);
    r0 = f64x2.add(r0, f64x2.mul(wh, xh)); t0 = f64x2.add(t0, f64x2.mul(wh, yh));
    wh = v128.load(a1 + i);
    r1 = f64x2.add(r1, f64x2.mul(wh, xh)); t1 = f64x2.add(t1, f64x2.mul(wh, yh));
    wh = v128.load(a2 + i);
    r2 = f64x2.add(r2, f64x2.mul(wh, xh)); t2 = f64x2.add(t2, f64x2.mul(wh, yh));
    wh = v128.load(a3 + i);
    r3 = f64x2.add(r3, f64x2.mul(wh, xh)); t3 = f64x2.add(t3, f64x2.mul(wh, yh));
  }
  let s01 = lanes(f64x2.add(p0, r0), f64x2.add(p1, r1)), s23 = lanes(f64x2.add(p2, r2), f64x2.add(p3, r3));
  let z01 = lanes(f64x2.add(q0, t0), f64x2.add(q1, t1)), z23 = lanes(f64x2.add(q2, t2), f64x2.add(q3, t3));
  if (n & 1) {
    const lw01 = f64x2.replace_lane(f64x2.splat(load<f64>(a + pairBytes)), 1, load<f64>(a1 + pairBytes));
    const lw23 = f64x2.replace_lane(f64x2.splat(load<f64>(a2 + pairBytes)), 1, load<f64>(a3 + pairBytes));
    const lx = f64x2.splat(load<f64>(x + pairBytes)), ly = f64x2.splat(load<f64>(y + pairBytes));
    s01 = f64x2.add(s01, f64x2.mul(lw01, lx)); s23 = f64x2.add(s23, f64x2.mul(lw23, lx));
    z01 = f64x2.add(z01, f64x2.mul(lw01, ly)); z23 = f64x2.add(z23, f64x2.mul(lw23, ly));
  }
  const b01 = v128.load(b), b23 = v128.load(b, 16);
  v128.store(out, f64x2.add(b01, s01)); v128.store(out, f64x2.add(b23, s23), 16);
  v128.store(out + outBytes, f64x2.add(b01, z01)); v128.store(out + outBytes, f64x2.add(b23, z23), 16);
}

// (lane 0 + lane 1 of p, lane 0 + lane 1 of q)
@inline
function lanes(p: v128, q: v128): v128 {
  return f64x2.add(v128.shuffle<f64>(p, q, 0, 2), v128.shuffle<f64>(p, q, 1, 3));
}

// y[n] = alpha · x[n], plus y[n]'s old value when `add`. Element by element, so lanes change nothing.
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
