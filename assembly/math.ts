// exp and log for the kernels, ported line for line from fdlibm (e_exp.c, e_log.c; FreeBSD msun's
// form) — the code V8 runs for Math.exp and Math.log. The kernels therefore round exactly as the
// pure-JS engine does (test/math.test.ts compares them over millions of arguments) without a call out
// of WebAssembly per activation, which cost a third of a sigmoid network's step.

@inline function high(x: f64): i32 { return <i32>(reinterpret<u64>(x) >>> 32); }
@inline function low(x: f64): u32 { return <u32>reinterpret<u64>(x); }
@inline function words(hi: i32, lo: u32): f64 { return reinterpret<f64>((<u64><u32>hi << 32) | <u64>lo); }

const LN2_HI: f64 = 6.93147180369123816490e-01;  // 0x3fe62e42 fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10;  // 0x3dea39ef 35793c76
const INV_LN2: f64 = 1.44269504088896338700e+00; // 0x3ff71547 652b82fe
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;

// e^x: x = k·ln2 + r with |r| ≤ ln2/2, e^r from a rational approximation, scaled by 2^k
export function exp(x: f64): f64 {
  let hx = high(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) { // |x| ≥ 709.78…
    if (hx >= 0x7ff00000) return ((hx & 0xfffff) | low(x)) != 0 ? x + x : (xsb == 0 ? x : 0.0);
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  let k = 0;
  let hi = 0.0, lo = 0.0;
  if (hx > 0x3fd62e42) { // |x| > ln2/2
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5·ln2
      if (x == 1.0) return 2.718281828459045; // V8 returns e itself; the formula is off by one bit there
      hi = xsb ? x + LN2_HI : x - LN2_HI;
      lo = xsb ? -LN2_LO : LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INV_LN2 * x + (xsb ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI; // exact
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^-28
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = words(0x3ff00000 + ((k >= -1021 ? k : k + 1000) << 20), 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return k == 1024 ? y * 2.0 * 8.988465674311579539e307 : y * twopk;
  return y * twopk * 9.33263618503218878990e-302; // 2^-1000
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

// exp of both lanes (SIMD build only): each lane goes through exactly exp()'s operations for its
// range — the reduced argument, the rational approximation, 2^k — so each gives exp()'s bits; two
// lanes share every instruction, the division included. Beyond |x| < 700 (where exp() takes its
// overflow, underflow and subnormal branches) and for NaN, the lanes go to exp() one by one.
@inline
export function exp2(x: v128): v128 {
  const ax = f64x2.abs(x);
  if (!i64x2.all_true(f64x2.lt(ax, f64x2.splat(700.0)))) {
    return f64x2.replace_lane(f64x2.splat(exp(f64x2.extract_lane(x, 0))), 1, exp(f64x2.extract_lane(x, 1)));
  }
  // k = (int)(x/ln2 ± 1/2) where exp() reduces x (|x| > ln2/2, by its high word), else 0: x stays x
  const half = v128.bitselect(f64x2.splat(-0.5), f64x2.splat(0.5), f64x2.lt(x, f64x2.splat(0.0)));
  const reduce = f64x2.ge(ax, f64x2.splat(REDUCE_FROM));
  const k = v128.and(f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(INV_LN2), x), half)), reduce);
  const hi = f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(k, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  const one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(t, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const rc = f64x2.mul(r, c);
  // |x| > ln2/2: 1 − ((lo − r·c/(2 − c)) − hi), times 2^k built from its exponent bits
  const y = f64x2.sub(one, f64x2.sub(f64x2.sub(lo, f64x2.div(rc, f64x2.sub(two, c))), hi));
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const scaled = f64x2.mul(y, i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52));
  // |x| ≤ ln2/2: 1 − (r·c/(c − 2) − r), r being x itself
  const near = f64x2.sub(one, f64x2.sub(f64x2.div(rc, f64x2.sub(c, two)), r));
  let e = v128.bitselect(scaled, near, reduce);
  e = v128.bitselect(f64x2.add(one, x), e, f64x2.lt(ax, f64x2.splat(TINY)));
  return v128.bitselect(f64x2.splat(2.718281828459045), e, f64x2.eq(x, one));
}

// exp()'s range tests on the high word, as thresholds on |x|: hx > 0x3fd62e42 and hx < 0x3e300000
const REDUCE_FROM: f64 = reinterpret<f64>(0x3fd62e4300000000);
const TINY: f64 = reinterpret<f64>(0x3e30000000000000); // 2^-28

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126; // 2/√π
const INV_SQRT_PI: f64 = 0.5641895835477563;      // 1/√π

// erf x, for GELU. Neither V8 nor WebAssembly has one, so src/engines/math.ts carries the same
// lines in TypeScript and the engines agree to the bit; within 1.3e-15 relative of the true value
// (test/math.test.ts). Below 2.5 the series erf a = 2/√π·e^(−a²)·Σ 2ⁿa^(2n+1)/(1·3·…·(2n+1)), whose
// terms are all positive (no cancellation), summed until a term changes nothing; from 2.5 on
// 1 − erfc a, erfc a = e^(−a²)/√π / (a + (1/2)/(a + 1/(a + (3/2)/(a + …)))) to 60 levels; from 6 on 1.
export function erf(x: f64): f64 {
  if (x != x || x == 0.0) return x; // NaN, ±0
  const a = abs(x);
  let r = 1.0;
  if (a < 2.5) {
    const a2 = 2.0 * a * a;
    let term = a, s = a, n = 1.0;
    for (;;) {
      term = term * a2 / (2.0 * n + 1.0);
      n += 1.0;
      const next = s + term;
      if (next == s) break;
      s = next;
    }
    r = TWO_OVER_SQRT_PI * exp(-a * a) * s;
  } else if (a < 6.0) {
    let f = a;
    for (let k = 60; k > 0; k--) f = a + (<f64>k * 0.5) / f;
    r = 1.0 - exp(-a * a) * INV_SQRT_PI / f;
  }
  return x < 0.0 ? -r : r;
}
