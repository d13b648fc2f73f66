// exp, log, log1p, expm1, tanh and erf for the kernels, the SIMD build's two-lane exp2 and tanh2,
// and the running powers of the bias corrections (powerStep).
// exp: the method of the C libraries' exp (a table of 2^(i/128), a short polynomial, no division),
// written once in src/engines/math.ts with the same lines for the pure-JS engine, whose constants
// and table scripts/tables.mjs generates into ./expTable — the two engines round it alike.
// log: ported line for line from fdlibm (e_log.c; FreeBSD msun's form), the code Node 20's V8 runs
// for Math.log, and src/engines/math.ts the same lines for the JS engine, so the engines round it
// alike on every host (test/kernels.test.ts compares them over a million arguments). Both without a
// call out of WebAssembly per activation, which cost a third of a sigmoid network's step.
import {
  EXP_N, EXP_SHIFT, EXP_INV_LN2_N, EXP_LN2_HI_N, EXP_LN2_LO_N, EXP_C2, EXP_C3, EXP_C4, EXP_C5, EXP_FAST, EXP_TABLE, EXP_LANES,
  EXP_LANE_SHIFT, EXP_LANE_INV_LN2_N, EXP_LANE_LN2_HI_N, EXP_LANE_LN2_LO_N, EXP_LANE_C2, EXP_LANE_C3, EXP_LANE_C4, EXP_LANE_C5,
  EXP_LANE_FAST, EXP_LANE_ONE, EXP_LANE_MASK,
} from './expTable';

@inline function high(x: f64): i32 { return <i32>(reinterpret<u64>(x) >>> 32); }
@inline function low(x: f64): u32 { return <u32>reinterpret<u64>(x); }
@inline function words(hi: i32, lo: u32): f64 { return reinterpret<f64>((<u64><u32>hi << 32) | <u64>lo); }
@inline function pow2(e: i32): f64 { return reinterpret<f64>(<u64>(e + 1023) << 52); }

const LN2_HI: f64 = 6.93147180369123816490e-01;  // 0x3fe62e42 fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10;  // 0x3dea39ef 35793c76

// e^x = 2^(k/N)·e^r: k = round(x·N/ln2) (x·N/ln2 + 1.5·2^52 rounds it, and holds it in its low bits),
// r = x − k·ln2/N, |r| ≤ ln2/2N; 2^(k/N) = 2^e·2^(i/N) with i = k mod N from the table (head + tail),
// e^r − 1 = r + r²(C2 + rC3) + r⁴(C4 + rC5). src/engines/math.ts: the same lines.
export function exp(x: f64): f64 {
  if (!(abs(x) <= EXP_FAST)) {
    if (x != x) return x;
    if (x > 709.8) return Infinity;
    if (x < -746.0) return 0.0;
  }
  const kb = x * EXP_INV_LN2_N + EXP_SHIFT;
  const kd = kb - EXP_SHIFT;
  const r = (x - kd * EXP_LN2_HI_N) - kd * EXP_LN2_LO_N;
  const k = <i32>kd;
  const i = k & (EXP_N - 1), e = (k - i) >> 7;
  const r2 = r * r;
  const at = EXP_TABLE + (<usize>i << 4);
  const tmp = ((load<f64>(at, 8) + r) + r2 * (EXP_C2 + r * EXP_C3)) + (r2 * r2) * (EXP_C4 + r * EXP_C5);
  const t = load<f64>(at);
  const s = t + t * tmp;
  if (e > 1023) return (s * pow2(e - 1)) * 2.0; // x up to 709.8: over DBL_MAX rounds to Infinity
  if (e < -1022) return (s * pow2(e + 1000)) * pow2(-1000); // subnormal: rounded once, at the end
  return s * pow2(e);
}

const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

// ln x: x = 2^k·(1 + f) with √2/2 < 1 + f < √2, log(1 + f) from s = f / (2 + f)
export function log(x: f64): f64 {
  let hx = high(x);
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022
    if (((hx & 0x7fffffff) | low(x)) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= 1.80143985094819840000e+16; // 2^54: subnormal, scale up
    hx = high(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = words(hx | (i ^ 0x3ff00000), low(x)); // x or x/2, normalized
  k += i >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f == 0.0) return k == 0 ? 0.0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - r : dk * LN2_HI - ((r - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - r) : dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
}

// log1p, expm1 and tanh: ported line for line from fdlibm (s_log1p.c, s_expm1.c, s_tanh.c, as V8
// carried them), src/engines/math.ts the same lines, so the engines agree to the bit on every host,
// whatever its Math (V8 now takes tanh from the platform's C library) — and without a call out of
// WebAssembly per unit, which made tanh networks 5× slower than sigmoid ones to predict.

// ln(1 + x): 1 + x = 2^k·(1 + f) with √2/2 < 1 + f < √2 and c the rounding error of 1 + x, then
// log(1 + f) from s = f / (2 + f) as log does (its LG constants are fdlibm's Lp1..Lp7), plus k·ln2 + c.
export function log1p(x: f64): f64 {
  const hx = high(x), ax = hx & 0x7fffffff;
  let k = 1, f = 0.0, c = 0.0, hu = 0;
  if (hx < 0x3fda827a) {          // 1 + x < √2
    if (ax >= 0x3ff00000) {       // x ≤ −1
      if (x == -1.0) return -Infinity;
      return (x - x) / (x - x);   // NaN
    }
    if (ax < 0x3e200000) {        // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= <i32>0xbfd2bec4) { // √2/2 ≤ 1 + x < √2: f = x exactly
      k = 0; f = x; hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    let u: f64;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = high(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // the correction term
      c /= u;
    } else {
      u = x;
      hu = high(u);
      k = (hu >> 20) - 1023;
      c = 0.0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {           // u < √2
      u = words(hu | 0x3ff00000, low(u));      // u normalized
    } else {
      k += 1;
      u = words(hu | 0x3fe00000, low(u));      // u/2 normalized
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  const dk = <f64>k;
  if (hu == 0) {                  // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      c += dk * LN2_LO;
      return dk * LN2_HI + c;
    }
    const r = hfsq * (1.0 - 0.66666666666666666 * f);
    return k == 0 ? f - r : dk * LN2_HI - ((r - (dk * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const r = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + (dk * LN2_LO + c))) - f);
}

const EXPM1_Q1: f64 = -3.33333333333331316428e-02; // 0xbfa11111 111110f4
const EXPM1_Q2: f64 = 1.58730158725481460165e-03;  // 0x3f5a01a0 19fe5585
const EXPM1_Q3: f64 = -7.93650757867487942473e-05; // 0xbf14ce19 9eaadbb7
const EXPM1_Q4: f64 = 4.00821782732936239552e-06;  // 0x3ed0cfca 86e65239
const EXPM1_Q5: f64 = -2.01099218183624371326e-07; // 0xbe8afdb7 6e09c32d
const O_THRESHOLD: f64 = 7.09782712893383973096e+02; // 0x40862e42 fefa39ef
const INV_LN2: f64 = 1.44269504088896338700e+00;     // 0x3ff71547 652b82fe

// e^x − 1: x = k·ln2 + r, |r| ≤ ln2/2, r rounded to hi − lo with c its rounding error; e^r − 1 from
// a rational approximation in r², then 2^k·(e^r − 1 + 1) − 1 in the order that loses least.
export function expm1(x: f64): f64 {
  return expm1Inline(x);
}

// expm1's body, inlined into tanh (one call fewer per unit of a tanh layer)
@inline
function expm1Inline(x: f64): f64 {
  const hw = high(x), neg = hw < 0, hx = hw & 0x7fffffff; // the sign bit; the high word of |x|
  if (hx >= 0x4043687a) {      // |x| ≥ 56·ln2
    if (hx >= 0x40862e42) {    // |x| ≥ 709.78…
      if (hx >= 0x7ff00000) {
        if ((<u32>(hx & 0xfffff) | low(x)) != 0) return x + x; // NaN
        return neg ? -1.0 : x; // e^±∞ − 1
      }
      if (x > O_THRESHOLD) return Infinity; // overflow
    }
    if (neg) return -1.0; // x < −56·ln2: −1 to the last bit
  }
  let k = 0, c = 0.0;
  if (hx > 0x3fd62e42) {       // |x| > ln2/2
    let hi: f64, lo: f64;
    if (hx < 0x3ff0a2b2) {     // and |x| < 3·ln2/2
      if (!neg) {
        hi = x - LN2_HI; lo = LN2_LO; k = 1;
      } else {
        hi = x + LN2_HI; lo = -LN2_LO; k = -1;
      }
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI; // t·LN2_HI is exact here
      lo = t * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) { // |x| < 2^-54: e^x − 1 rounds to x
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1.0 + hxs * (EXPM1_Q1 + hxs * (EXPM1_Q2 + hxs * (EXPM1_Q3 + hxs * (EXPM1_Q4 + hxs * EXPM1_Q5))));
  const t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs); // c is 0
  const twopk = words(0x3ff00000 + (k << 20), 0); // 2^k
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + 2.0 * (x - e);
  if (k <= -2 || k > 56) { // e^x − 1 as e^x, less 1
    let y = 1.0 - (e - x);
    y = k == 1024 ? y * 2.0 * 8.98846567431158e+307 : y * twopk; // V8's constant, not quite 2^1023
    return y - 1.0;
  }
  if (k < 20) return (words(0x3ff00000 - (0x200000 >> k), 0) - (e - x)) * twopk; // (1 − 2^-k − (e − x))·2^k
  return ((x - (e + words((0x3ff - k) << 20, 0))) + 1.0) * twopk;                 // (x − (e + 2^-k) + 1)·2^k
}

// tanh x = −expm1(−2|x|) / (expm1(−2|x|) + 2) under |x| = 1, 1 − 2 / (expm1(2|x|) + 2) from 1 to 22,
// ±1 from 22 on (and for ±∞); x itself under 2^-28.
export function tanh(x: f64): f64 {
  const jx = high(x), ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1.0 / x + 1.0 : 1.0 / x - 1.0; // ±∞ → ±1, NaN → NaN
  let z: f64;
  if (ix < 0x40360000) {       // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    const big = ix >= 0x3ff00000; // |x| ≥ 1
    const t = expm1Inline(big ? 2.0 * abs(x) : -2.0 * abs(x));
    z = big ? 1.0 - 2.0 / (t + 2.0) : -t / (t + 2.0);
  } else {
    z = 1.0;
  }
  return jx >= 0 ? z : -z;
}

// tanh of both lanes (SIMD build only): each lane goes through exactly tanh()'s operations above, so
// each gives tanh()'s bits, with one division pair for both lanes where tanh() divides twice a lane.
// expm1's branches become selections: its three argument reductions are one (x − k·ln2_hi, k·ln2_lo:
// with k = 0 that is x and 0 exactly, with k = −1 the x + ln2_hi, −ln2_lo it writes), the rational
// part is common, and each of its endings is computed for both lanes and the lane's own is kept.
// The arguments tanh() hands it (2|x| from 2 to 44, −2|x| above −2) never reach its other branches
// (k = 1, overflow, the early −1); NaN and ±∞ go to tanh() lane by lane.
// Its constants are loaded in pairs from TANH_LANES (as exp2's from EXP_LANES): V8 would build each
// splat from an immediate on every call. Out of line: inlined at the kernels' twenty call sites, it
// made V8's optimizing compile of the training step 2–3× as long, which a new worker waits for.
const TANH_LANES: usize = memory.data<f64>([
  2.0, 2.0, -2.0, -2.0, 0.5, 0.5, -0.5, -0.5, 1.0, 1.0, -1.0, -1.0, 3.0, 3.0, 6.0, 6.0, 20.0, 20.0, 56.0, 56.0,
  INV_LN2, INV_LN2, LN2_HI, LN2_HI, LN2_LO, LN2_LO,
  EXPM1_Q1, EXPM1_Q1, EXPM1_Q2, EXPM1_Q2, EXPM1_Q3, EXPM1_Q3, EXPM1_Q4, EXPM1_Q4, EXPM1_Q5, EXPM1_Q5,
], 16);
const TANH_MASKS: usize = memory.data<u64>([
  0x7fffffffffffffff, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000, 1023, 1023,
  // high words: |x| at 2^-28, 1, 22, ∞; |a| at ln2/2 and 3·ln2/2
  0x3e300000, 0x3e300000, 0x3ff00000, 0x3ff00000, 0x40360000, 0x40360000, 0x7ff00000, 0x7ff00000,
  0x3fd62e42, 0x3fd62e42, 0x3ff0a2b2, 0x3ff0a2b2,
], 16);
@inline function tf(i: i32): v128 { return v128.load(TANH_LANES + (<usize>i << 4)); }
@inline function tm(i: i32): v128 { return v128.load(TANH_MASKS + (<usize>i << 4)); }
const T_TWO = 0, T_MINUS_TWO = 1, T_HALF = 2, T_MINUS_HALF = 3, T_ONE = 4, T_MINUS_ONE = 5, T_THREE = 6, T_SIX = 7, T_20 = 8, T_56 = 9;
const T_INV_LN2 = 10, T_LN2_HI = 11, T_LN2_LO = 12, T_Q1 = 13, T_Q2 = 14, T_Q3 = 15, T_Q4 = 16, T_Q5 = 17;
const M_ABS = 0, M_SIGN = 1, M_BIAS = 2, M_TINY = 3, M_ONE = 4, M_22 = 5, M_INF = 6, M_HALF_LN2 = 7, M_3_HALF_LN2 = 8;

export function tanh2(x: v128): v128 {
  const bits = v128.and(x, tm(M_ABS));
  const ix = i64x2.shr_u(bits, 32); // each lane's high word of |x|
  if (v128.any_true(i64x2.ge_s(ix, tm(M_INF)))) {
    return f64x2.replace_lane(f64x2.splat(tanh(f64x2.extract_lane(x, 0))), 1, tanh(f64x2.extract_lane(x, 1)));
  }
  const big = i64x2.ge_s(ix, tm(M_ONE)); // |x| ≥ 1: expm1(2|x|), else expm1(−2|x|)
  const a = v128.bitselect(f64x2.mul(tf(T_TWO), bits), f64x2.mul(tf(T_MINUS_TWO), bits), big);
  // expm1(a): k and the reduced argument
  const hx = i64x2.shr_u(v128.and(a, tm(M_ABS)), 32);
  const general = i64x2.ge_s(hx, tm(M_3_HALF_LN2)); // |a| ≥ 3·ln2/2
  const reduced = i64x2.gt_s(hx, tm(M_HALF_LN2));   // |a| > ln2/2 (else k = 0)
  const rounded = f64x2.trunc(f64x2.add(f64x2.mul(tf(T_INV_LN2), a), v128.bitselect(tf(T_HALF), tf(T_MINUS_HALF), big)));
  // k: the rounded multiple of ln2, or −1 (a is negative whenever it is under 3·ln2/2), or 0
  const k = v128.bitselect(rounded, v128.and(tf(T_MINUS_ONE), reduced), general);
  const hi = f64x2.sub(a, f64x2.mul(k, tf(T_LN2_HI)));
  const lo = f64x2.mul(k, tf(T_LN2_LO));
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const hfx = f64x2.mul(tf(T_HALF), r);
  const hxs = f64x2.mul(r, hfx);
  const q = f64x2.add(tf(T_Q4), f64x2.mul(hxs, tf(T_Q5)));
  const r1 = f64x2.add(tf(T_ONE), f64x2.mul(hxs, f64x2.add(tf(T_Q1), f64x2.mul(hxs, f64x2.add(tf(T_Q2), f64x2.mul(hxs, f64x2.add(tf(T_Q3), f64x2.mul(hxs, q))))))));
  const t = f64x2.sub(tf(T_THREE), f64x2.mul(r1, hfx));
  const e = f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(tf(T_SIX), f64x2.mul(r, t))));
  // the endings: k = 0; then with e corrected, k = −1, k ≤ −2 or > 56, k < 20, the rest
  const end0 = f64x2.sub(r, f64x2.sub(f64x2.mul(r, e), hxs));
  const ec = f64x2.sub(f64x2.sub(f64x2.mul(r, f64x2.sub(e, c)), c), hxs);
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const twopk = i64x2.shl(i64x2.add(ki, tm(M_BIAS)), 52); // 2^k
  const twomk = i64x2.shl(i64x2.sub(tm(M_BIAS), ki), 52); // 2^−k
  const endMinus1 = f64x2.sub(f64x2.mul(tf(T_HALF), f64x2.sub(r, ec)), tf(T_HALF));
  const endFar = f64x2.sub(f64x2.mul(f64x2.sub(tf(T_ONE), f64x2.sub(ec, r)), twopk), tf(T_ONE));
  // 1 − 2^−k, which expm1() builds from its bits, is exact for k < 20
  const endNear = f64x2.mul(f64x2.sub(f64x2.sub(tf(T_ONE), twomk), f64x2.sub(ec, r)), twopk);
  const endMid = f64x2.mul(f64x2.add(f64x2.sub(r, f64x2.add(ec, twomk)), tf(T_ONE)), twopk);
  const far = v128.or(f64x2.le(k, tf(T_MINUS_TWO)), f64x2.gt(k, tf(T_56)));
  let m = v128.bitselect(endMid, endNear, f64x2.ge(k, tf(T_20)));
  m = v128.bitselect(endFar, m, far);
  m = v128.bitselect(endMinus1, m, f64x2.eq(k, tf(T_MINUS_ONE)));
  const em1 = v128.bitselect(end0, m, v128.not(reduced));
  // tanh: 1 − 2 / (t + 2) for |x| ≥ 1, −t / (t + 2) under; |x| itself under 2^-28, 1 from 22 on
  const ratio = f64x2.div(v128.bitselect(tf(T_TWO), f64x2.neg(em1), big), f64x2.add(em1, tf(T_TWO)));
  let z = v128.bitselect(f64x2.sub(tf(T_ONE), ratio), ratio, big);
  z = v128.bitselect(tf(T_ONE), z, i64x2.ge_s(ix, tm(M_22)));
  z = v128.bitselect(bits, z, i64x2.lt_s(ix, tm(M_TINY)));
  // z ≥ 0: x's sign
  return v128.or(z, v128.and(x, tm(M_SIGN)));
}

// exp of both lanes (SIMD build only): each lane goes through exactly exp()'s operations, so each
// gives exp()'s bits; the two lanes share every instruction but the table lookups. Beyond |x| ≤ 708
// (where exp() applies 2^e in two steps) and for NaN, the lanes go to exp() one by one.
@inline
export function exp2(x: v128): v128 {
  if (!i64x2.all_true(f64x2.le(f64x2.abs(x), lane(EXP_LANE_FAST)))) {
    return f64x2.replace_lane(f64x2.splat(exp(f64x2.extract_lane(x, 0))), 1, exp(f64x2.extract_lane(x, 1)));
  }
  const shift = lane(EXP_LANE_SHIFT);
  const kb = f64x2.add(f64x2.mul(x, lane(EXP_LANE_INV_LN2_N)), shift);
  const kd = f64x2.sub(kb, shift);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kd, lane(EXP_LANE_LN2_HI_N))), f64x2.mul(kd, lane(EXP_LANE_LN2_LO_N)));
  // kb's low 52 bits are 2^51 + k: i = k mod N is its low 7 bits
  const t0 = v128.load(EXP_TABLE + (<usize>(i64x2.extract_lane(kb, 0) & (EXP_N - 1)) << 4));
  const t1 = v128.load(EXP_TABLE + (<usize>(i64x2.extract_lane(kb, 1) & (EXP_N - 1)) << 4));
  const t = v128.shuffle<f64>(t0, t1, 0, 2), tail = v128.shuffle<f64>(t0, t1, 1, 3);
  const r2 = f64x2.mul(r, r);
  const p2 = f64x2.mul(r2, f64x2.add(lane(EXP_LANE_C2), f64x2.mul(r, lane(EXP_LANE_C3))));
  const p4 = f64x2.mul(f64x2.mul(r2, r2), f64x2.add(lane(EXP_LANE_C4), f64x2.mul(r, lane(EXP_LANE_C5))));
  const tmp = f64x2.add(f64x2.add(f64x2.add(tail, r), p2), p4);
  // 2^e's bits, (e + 1023) << 52 = ((k − i) << 45) + (1023 << 52): kb's low bits less i, shifted
  // (the high bits and 2^51 shift out), with no 64-bit arithmetic shift, which x86 lacks
  const scale = i64x2.add(i64x2.shl(v128.and(kb, lane(EXP_LANE_MASK)), 45), lane(EXP_LANE_ONE));
  return f64x2.mul(f64x2.add(t, f64x2.mul(t, tmp)), scale);
}

// A constant's pair of lanes (see EXP_LANES)
@inline
export function lane(at: usize): v128 {
  return v128.load(EXP_LANES + at);
}

// erf x, for GELU: fdlibm's (s_erf.c), ported line for line, with this file's exp. Neither V8 nor
// WebAssembly has one, so src/engines/math.ts carries the same lines and the engines agree to the
// bit. Under 0.84375 x + x·P/Q in x²; to 1.25 erf(1)'s single-precision head + P/Q in |x| − 1; to 6
// 1 − e^(−x² − 0.5625 + R/S)/|x| with R/S in 1/x², the square split so that e^(−x²) loses nothing;
// from 6 on ±1. Within an ulp (test/activations.test.ts holds it to Python's math.erf).
const ERX: f64 = reinterpret<f64>(<u64>0x3feb0ac160000000), EFX: f64 = reinterpret<f64>(<u64>0x3fc06eba8214db69), EFX8: f64 = reinterpret<f64>(<u64>0x3ff06eba8214db69);
const PP0: f64 = reinterpret<f64>(<u64>0x3fc06eba8214db68), PP1: f64 = reinterpret<f64>(<u64>0xbfd4cd7d691cb913), PP2: f64 = reinterpret<f64>(<u64>0xbf9d2a51dbd7194f);
const PP3: f64 = reinterpret<f64>(<u64>0xbf77a291236668e4), PP4: f64 = reinterpret<f64>(<u64>0xbef8ead6120016ac);
const QQ1: f64 = reinterpret<f64>(<u64>0x3fd97779cddadc09), QQ2: f64 = reinterpret<f64>(<u64>0x3fb0a54c5536ceba), QQ3: f64 = reinterpret<f64>(<u64>0x3f74d022c4d36b0f);
const QQ4: f64 = reinterpret<f64>(<u64>0x3f215dc9221c1a10), QQ5: f64 = reinterpret<f64>(<u64>0xbed09c4342a26120);
const PA0: f64 = reinterpret<f64>(<u64>0xbf6359b8bef77538), PA1: f64 = reinterpret<f64>(<u64>0x3fda8d00ad92b34d), PA2: f64 = reinterpret<f64>(<u64>0xbfd7d240fbb8c3f1);
const PA3: f64 = reinterpret<f64>(<u64>0x3fd45fca805120e4), PA4: f64 = reinterpret<f64>(<u64>0xbfbc63983d3e28ec), PA5: f64 = reinterpret<f64>(<u64>0x3fa22a36599795eb);
const PA6: f64 = reinterpret<f64>(<u64>0xbf61bf380a96073f);
const QA1: f64 = reinterpret<f64>(<u64>0x3fbb3e6618eee323), QA2: f64 = reinterpret<f64>(<u64>0x3fe14af092eb6f33), QA3: f64 = reinterpret<f64>(<u64>0x3fb2635cd99fe9a7);
const QA4: f64 = reinterpret<f64>(<u64>0x3fc02660e763351f), QA5: f64 = reinterpret<f64>(<u64>0x3f8bedc26b51dd1c), QA6: f64 = reinterpret<f64>(<u64>0x3f888b545735151d);
const RA0: f64 = reinterpret<f64>(<u64>0xbf843412600d6435), RA1: f64 = reinterpret<f64>(<u64>0xbfe63416e4ba7360), RA2: f64 = reinterpret<f64>(<u64>0xc0251e0441b0e726);
const RA3: f64 = reinterpret<f64>(<u64>0xc04f300ae4cba38d), RA4: f64 = reinterpret<f64>(<u64>0xc0644cb184282266), RA5: f64 = reinterpret<f64>(<u64>0xc067135cebccabb2);
const RA6: f64 = reinterpret<f64>(<u64>0xc054526557e4d2f2), RA7: f64 = reinterpret<f64>(<u64>0xc023a0efc69ac25c);
const SA1: f64 = reinterpret<f64>(<u64>0x4033a6b9bd707687), SA2: f64 = reinterpret<f64>(<u64>0x4061350c526ae721), SA3: f64 = reinterpret<f64>(<u64>0x407b290dd58a1a71);
const SA4: f64 = reinterpret<f64>(<u64>0x40842b1921ec2868), SA5: f64 = reinterpret<f64>(<u64>0x407ad02157700314), SA6: f64 = reinterpret<f64>(<u64>0x405b28a3ee48ae2c);
const SA7: f64 = reinterpret<f64>(<u64>0x401a47ef8e484a93), SA8: f64 = reinterpret<f64>(<u64>0xbfaeeff2ee749a62);
const RB0: f64 = reinterpret<f64>(<u64>0xbf84341239e86f4a), RB1: f64 = reinterpret<f64>(<u64>0xbfe993ba70c285de), RB2: f64 = reinterpret<f64>(<u64>0xc031c209555f995a);
const RB3: f64 = reinterpret<f64>(<u64>0xc064145d43c5ed98), RB4: f64 = reinterpret<f64>(<u64>0xc083ec881375f228), RB5: f64 = reinterpret<f64>(<u64>0xc09004616a2e5992);
const RB6: f64 = reinterpret<f64>(<u64>0xc07e384e9bdc383f);
const SB1: f64 = reinterpret<f64>(<u64>0x403e568b261d5190), SB2: f64 = reinterpret<f64>(<u64>0x40745cae221b9f0a), SB3: f64 = reinterpret<f64>(<u64>0x409802eb189d5118);
const SB4: f64 = reinterpret<f64>(<u64>0x40a8ffb7688c246a), SB5: f64 = reinterpret<f64>(<u64>0x40a3f219cedf3be6), SB6: f64 = reinterpret<f64>(<u64>0x407da874e79fe763);
const SB7: f64 = reinterpret<f64>(<u64>0xc03670e242712d62);

export function erf(x: f64): f64 {
  const hx = high(x), ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return hx < 0 ? -1.0 + 1.0 / x : 1.0 + 1.0 / x; // ±∞ → ±1, NaN → NaN
  if (ix < 0x3feb0000) {       // |x| < 0.84375
    if (ix < 0x3e300000) {     // |x| < 2^-28
      if (ix < 0x00800000) return 0.125 * (8.0 * x + EFX8 * x); // without underflow
      return x + EFX * x;
    }
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ix < 0x3ff40000) {       // 0.84375 ≤ |x| < 1.25
    const s = abs(x) - 1.0;
    const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const q = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return hx >= 0 ? ERX + p / q : -ERX - p / q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1.0 : -1.0; // |x| ≥ 6
  const a = abs(x);
  const s = 1.0 / (a * a);
  let R: f64, S: f64;
  if (ix < 0x4006db6e) {       // |x| < 1/0.35
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  const z = words(high(a), 0); // |x| to its high 21 bits: z·z is exact
  const r = exp(-z * z - 0.5625) * exp((z - a) * (z + a) + R / S);
  return hx >= 0 ? 1.0 - r / a : r / a - 1.0;
}

// Veltkamp's split of a double into two halves of 26 bits, whose products are exact (no FMA here:
// baseline WebAssembly has none, and the JS engine must compute the same bits)
const SPLIT: f64 = 134217729.0; // 2^27 + 1
let productError: f64 = 0.0;     // twoProduct's second result
let powLow: f64 = 0.0;           // ddMul's second result

// a·b = p + productError exactly (Dekker), for |a|, |b| ≤ 1
@inline
function twoProduct(a: f64, b: f64): f64 {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  productError = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

// (ah + al)·(bh + bl) as a double-double: the high part returned, the low in powLow
@inline
function ddMul(ah: f64, al: f64, bh: f64, bl: f64): f64 {
  const p = twoProduct(ah, bh);
  const e = productError + (ah * bl + al * bh);
  const s = p + e;
  powLow = e - (s - p);
  return s;
}

// βᵗ⁺¹ from βᵗ, for the bias corrections (Adam's β₁ᵗ and β₂ᵗ, Nadam's 0.96ᵗ): the double-double
// (hi, lo) at `at`, 0 ≤ hi ≤ 1, times x in place; returns it rounded, hi + lo. A hundred-odd bits
// survive a million such steps, so the rounded power is the one src/engines/math.ts's ddPow(β, t) gives
// by squaring (test/kernels.test.ts: every t to 10⁶ where βᵗ ≥ 2⁻¹⁰⁰⁰; below, 1 − βᵗ is 1 either way),
// the same bits on every host, for one multiplication per update where pow took ~2·log₂t.
export function powerStep(at: usize, x: f64): f64 {
  const hi = ddMul(load<f64>(at), load<f64>(at, 8), x, 0.0);
  store<f64>(at, hi);
  store<f64>(at, powLow, 8);
  return hi + powLow;
}

// powerStep's βᵗ⁺¹ without its store: the double-double at `at` stays βᵗ (nadam reads both in one update)
export function powerNext(at: usize, x: f64): f64 {
  const hi = ddMul(load<f64>(at), load<f64>(at, 8), x, 0.0);
  return hi + powLow;
}
