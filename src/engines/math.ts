// What the engines compute themselves rather than take from Math: exp (the activations' and the
// losses' e^x, written here and generated into the kernels, so both engines round it alike), and
// fdlibm's log, log1p, expm1, tanh and erf (for GELU). assembly/math.ts carries the same lines in
// AssemblyScript; scripts/tables.mjs writes exp's constants and table into assembly/expTable.ts at
// every build.

/**
 * e^x = 2^(k/N) · e^r with k = round(x·N/ln 2), r = x − k·ln2/N (|r| ≤ ln2/2N), N = 128 — the method of
 * the C libraries' exp (glibc, musl): a table of 2^(i/N) and a short polynomial, no division. It is
 * within about half an ulp of e^x (test/kernels.test.ts holds it to Math.exp within one ulp), and
 * two to three times as fast in the kernels as the rational approximation V8's Math.exp uses.
 */
export const EXP_N = 128;

/**
 * A double and its two 32-bit words, for high, low and fromBits (made before the constants below
 * need them): typed arrays, not a DataView, with which the JS engine's tanh layers ran ~20% slower.
 * WORD is the index of the high word: 1 where the platform is little-endian.
 */
const DOUBLE = new Float64Array(1), WORDS = new Int32Array(DOUBLE.buffer);
const WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** 1.5·2^52: x + SHIFT − SHIFT rounds x to an integer, and x + SHIFT's low bits hold that integer. */
export const EXP_SHIFT = 6755399441055744;
/** N / ln 2, the double nearest it. */
export const EXP_INV_LN2_N = EXP_N / Math.LN2;
/** ln 2 / N in two parts: the high part's last 17 bits zero, so k·high is exact for |k| < 2^17 (|x| ≤ 708). */
export const EXP_LN2_HI_N = fromBits(0x3f762e42, 0xfefa0000);
export const EXP_LN2_LO_N = fromBits(0x3d0cf79a, 0xbc9e3b3a);
/** Taylor's coefficients of e^r − 1 − r: with |r| ≤ 0.0028 the next term is below 2^-60. */
export const EXP_C2 = 1 / 2, EXP_C3 = 1 / 6, EXP_C4 = 1 / 24, EXP_C5 = 1 / 120;
/** Beyond |x| ≤ EXP_FAST, 2^e leaves the normal numbers and is applied in two steps. */
export const EXP_FAST = 708;

/**
 * 2^(i/N) for i = 0 … N − 1 as pairs (head, tail): head the double nearest, tail the double nearest
 * the rest, so head + tail carries ~106 bits. From 2^(1/128), seven square roots of 2, and its powers,
 * all in 200-bit fixed point with BigInt (each step off by at most a unit in the 200th bit).
 */
export function expTable(): Float64Array {
  const P = 200n;
  const root = (a: bigint): bigint => { // ⌊√a⌋ by Newton's method
    let x = BigInt(Math.floor(Math.sqrt(Number(a >> (2n * P - 104n))))) << (P - 52n);
    x += x >> 30n; // above the root (the guess is good to ~2^-52), so Newton's steps only come down
    for (;;) {
      const y = (x + a / x) >> 1n;
      if (y >= x) break;
      x = y;
    }
    while (x * x > a) x--;
    return x;
  };
  let step = 2n << P;
  for (let i = 0; i < 7; i++) step = root(step << P); // 2^(1/2), 2^(1/4), … 2^(1/128), times 2^P
  const table = new Float64Array(2 * EXP_N);
  let v = 1n << P;
  for (let i = 0; i < EXP_N; i++) {
    const unit = 1n << (P - 52n);
    const head = (v + unit / 2n) / unit; // 53 bits, rounded to nearest
    table[2 * i] = Number(head) * pow2(-52);
    table[2 * i + 1] = Number(v - head * unit) * pow2(-Number(P));
    v = (v * step) >> P;
  }
  return table;
}

const TABLE = expTable();
/** 2^e for e = −1022 … 1023 at POW2[e + 1022], as the kernels build it: from its exponent bits. */
const POW2 = Float64Array.from({ length: 2046 }, (_, i) => pow2(i - 1022));

export function exp(x: number): number {
  if (!(Math.abs(x) <= EXP_FAST)) {
    if (Number.isNaN(x)) return x;
    if (x > 709.8) return Infinity;
    if (x < -746) return 0;
  }
  const kb = x * EXP_INV_LN2_N + EXP_SHIFT;
  const kd = kb - EXP_SHIFT;
  const r = (x - kd * EXP_LN2_HI_N) - kd * EXP_LN2_LO_N;
  const k = kd | 0;
  const i = k & (EXP_N - 1), e = (k - i) >> 7;
  const r2 = r * r;
  const tmp = ((TABLE[2 * i + 1]! + r) + r2 * (EXP_C2 + r * EXP_C3)) + (r2 * r2) * (EXP_C4 + r * EXP_C5);
  const t = TABLE[2 * i]!;
  const s = t + t * tmp;
  if (e > 1023) return (s * POW2[e - 1 + 1022]!) * 2; // x up to 709.8: over DBL_MAX rounds to Infinity
  if (e < -1022) return (s * POW2[e + 1000 + 1022]!) * POW2[-1000 + 1022]!; // subnormal: rounded once, at the end
  return s * POW2[e + 1022]!;
}

// erf x, for GELU: fdlibm's (s_erf.c), with this file's exp, the same lines as assembly/math.ts.
// Under 0.84375 x + x·P/Q in x²; to 1.25 erf(1)'s single-precision head + P/Q in |x| − 1; to 6
// 1 − e^(−x² − 0.5625 + R/S)/|x| with R/S in 1/x², the square split so that e^(−x²) loses nothing;
// from 6 on ±1. Within an ulp (test/activations.test.ts holds it to Python's math.erf).
const ERX = fromBits(0x3feb0ac1, 0x60000000), EFX = fromBits(0x3fc06eba, 0x8214db69), EFX8 = fromBits(0x3ff06eba, 0x8214db69);
const PP0 = fromBits(0x3fc06eba, 0x8214db68), PP1 = fromBits(0xbfd4cd7d, 0x691cb913), PP2 = fromBits(0xbf9d2a51, 0xdbd7194f);
const PP3 = fromBits(0xbf77a291, 0x236668e4), PP4 = fromBits(0xbef8ead6, 0x120016ac);
const QQ1 = fromBits(0x3fd97779, 0xcddadc09), QQ2 = fromBits(0x3fb0a54c, 0x5536ceba), QQ3 = fromBits(0x3f74d022, 0xc4d36b0f);
const QQ4 = fromBits(0x3f215dc9, 0x221c1a10), QQ5 = fromBits(0xbed09c43, 0x42a26120);
const PA0 = fromBits(0xbf6359b8, 0xbef77538), PA1 = fromBits(0x3fda8d00, 0xad92b34d), PA2 = fromBits(0xbfd7d240, 0xfbb8c3f1);
const PA3 = fromBits(0x3fd45fca, 0x805120e4), PA4 = fromBits(0xbfbc6398, 0x3d3e28ec), PA5 = fromBits(0x3fa22a36, 0x599795eb);
const PA6 = fromBits(0xbf61bf38, 0x0a96073f);
const QA1 = fromBits(0x3fbb3e66, 0x18eee323), QA2 = fromBits(0x3fe14af0, 0x92eb6f33), QA3 = fromBits(0x3fb2635c, 0xd99fe9a7);
const QA4 = fromBits(0x3fc02660, 0xe763351f), QA5 = fromBits(0x3f8bedc2, 0x6b51dd1c), QA6 = fromBits(0x3f888b54, 0x5735151d);
const RA0 = fromBits(0xbf843412, 0x600d6435), RA1 = fromBits(0xbfe63416, 0xe4ba7360), RA2 = fromBits(0xc0251e04, 0x41b0e726);
const RA3 = fromBits(0xc04f300a, 0xe4cba38d), RA4 = fromBits(0xc0644cb1, 0x84282266), RA5 = fromBits(0xc067135c, 0xebccabb2);
const RA6 = fromBits(0xc0545265, 0x57e4d2f2), RA7 = fromBits(0xc023a0ef, 0xc69ac25c);
const SA1 = fromBits(0x4033a6b9, 0xbd707687), SA2 = fromBits(0x4061350c, 0x526ae721), SA3 = fromBits(0x407b290d, 0xd58a1a71);
const SA4 = fromBits(0x40842b19, 0x21ec2868), SA5 = fromBits(0x407ad021, 0x57700314), SA6 = fromBits(0x405b28a3, 0xee48ae2c);
const SA7 = fromBits(0x401a47ef, 0x8e484a93), SA8 = fromBits(0xbfaeeff2, 0xee749a62);
const RB0 = fromBits(0xbf843412, 0x39e86f4a), RB1 = fromBits(0xbfe993ba, 0x70c285de), RB2 = fromBits(0xc031c209, 0x555f995a);
const RB3 = fromBits(0xc064145d, 0x43c5ed98), RB4 = fromBits(0xc083ec88, 0x1375f228), RB5 = fromBits(0xc0900461, 0x6a2e5992);
const RB6 = fromBits(0xc07e384e, 0x9bdc383f);
const SB1 = fromBits(0x403e568b, 0x261d5190), SB2 = fromBits(0x40745cae, 0x221b9f0a), SB3 = fromBits(0x409802eb, 0x189d5118);
const SB4 = fromBits(0x40a8ffb7, 0x688c246a), SB5 = fromBits(0x40a3f219, 0xcedf3be6), SB6 = fromBits(0x407da874, 0xe79fe763);
const SB7 = fromBits(0xc03670e2, 0x42712d62);

export function erf(x: number): number {
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
    const s = Math.abs(x) - 1.0;
    const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const q = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return hx >= 0 ? ERX + p / q : -ERX - p / q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1.0 : -1.0; // |x| ≥ 6
  const a = Math.abs(x);
  const s = 1.0 / (a * a);
  let R: number, S: number;
  if (ix < 0x4006db6e) {       // |x| < 1/0.35
    R = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    S = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    R = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    S = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  const z = fromBits(high(a), 0); // |x| to its high 21 bits: z·z is exact
  const r = exp(-z * z - 0.5625) * exp((z - a) * (z + a) + R / S);
  return hx >= 0 ? 1.0 - r / a : r / a - 1.0;
}

/** 2^e for a normal e (−1022 … 1023), from its exponent bits */
// log, log1p, expm1 and tanh: fdlibm's (e_log.c, s_log1p.c, s_expm1.c, s_tanh.c, as V8 carried them),
// the same lines as assembly/math.ts, so the engines agree to the bit on every host whatever its Math
// (newer V8 takes tanh from the platform's C library and log from LLVM's), and the kernels make no
// call out of WebAssembly per unit.
const EXPM1_Q1 = fromBits(0xbfa11111, 0x111110f4); // −3.33333333333331316428e-02
const EXPM1_Q2 = fromBits(0x3f5a01a0, 0x19fe5585); // 1.58730158725481460165e-03
const EXPM1_Q3 = fromBits(0xbf14ce19, 0x9eaadbb7); // −7.93650757867487942473e-05
const EXPM1_Q4 = fromBits(0x3ed0cfca, 0x86e65239); // 4.00821782732936239552e-06
const EXPM1_Q5 = fromBits(0xbe8afdb7, 0x6e09c32d); // −2.01099218183624371326e-07
const O_THRESHOLD = fromBits(0x40862e42, 0xfefa39ef); // 7.09782712893383973096e+02
const INV_LN2 = fromBits(0x3ff71547, 0x652b82fe);     // 1.44269504088896338700e+00
const LN2_HI = fromBits(0x3fe62e42, 0xfee00000);      // 6.93147180369123816490e-01
const LN2_LO = fromBits(0x3dea39ef, 0x35793c76);      // 1.90821492927058770002e-10

/** e^x − 1: x = k·ln2 + r, |r| ≤ ln2/2, r rounded to hi − lo with c its rounding error; e^r − 1 from a rational approximation in r², then 2^k·(e^r − 1 + 1) − 1 in the order that loses least. */
export function expm1(x: number): number {
  const hw = high(x), neg = hw < 0, hx = hw & 0x7fffffff; // the sign bit; the high word of |x|
  if (hx >= 0x4043687a) {      // |x| ≥ 56·ln2
    if (hx >= 0x40862e42) {    // |x| ≥ 709.78…
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | low(x)) !== 0) return x + x; // NaN
        return neg ? -1.0 : x; // e^±∞ − 1
      }
      if (x > O_THRESHOLD) return Infinity; // overflow
    }
    if (neg) return -1.0; // x < −56·ln2: −1 to the last bit
  }
  let k = 0, c = 0.0;
  if (hx > 0x3fd62e42) {       // |x| > ln2/2
    let hi: number, lo: number;
    if (hx < 0x3ff0a2b2) {     // and |x| < 3·ln2/2
      if (!neg) {
        hi = x - LN2_HI; lo = LN2_LO; k = 1;
      } else {
        hi = x + LN2_HI; lo = -LN2_LO; k = -1;
      }
    } else {
      k = Math.trunc(INV_LN2 * x + (neg ? -0.5 : 0.5));
      const t = k;
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
  if (k === 0) return x - (x * e - hxs); // c is 0
  const twopk = fromBits(0x3ff00000 + (k << 20), 0); // 2^k
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + 2.0 * (x - e);
  if (k <= -2 || k > 56) { // e^x − 1 as e^x, less 1
    let y = 1.0 - (e - x);
    y = k === 1024 ? y * 2.0 * 8.98846567431158e+307 : y * twopk; // V8's constant, not quite 2^1023
    return y - 1.0;
  }
  if (k < 20) return (fromBits(0x3ff00000 - (0x200000 >> k), 0) - (e - x)) * twopk; // (1 − 2^-k − (e − x))·2^k
  return ((x - (e + fromBits((0x3ff - k) << 20, 0))) + 1.0) * twopk;                // (x − (e + 2^-k) + 1)·2^k
}

/** tanh x = −expm1(−2|x|) / (expm1(−2|x|) + 2) under |x| = 1, 1 − 2 / (expm1(2|x|) + 2) from 1 to 22, ±1 from 22 on (and for ±∞); x itself under 2^-28. */
export function tanh(x: number): number {
  const jx = high(x), ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1.0 / x + 1.0 : 1.0 / x - 1.0; // ±∞ → ±1, NaN → NaN
  let z: number;
  if (ix < 0x40360000) {       // |x| < 22
    if (ix < 0x3e300000) return x; // |x| < 2^-28
    const big = ix >= 0x3ff00000; // |x| ≥ 1
    const t = expm1(big ? 2.0 * Math.abs(x) : -2.0 * Math.abs(x));
    z = big ? 1.0 - 2.0 / (t + 2.0) : -t / (t + 2.0);
  } else {
    z = 1.0;
  }
  return jx >= 0 ? z : -z;
}

/** fdlibm's log's (and log1p's) polynomial, Lg1..Lg7 = Lp1..Lp7. */
const LG1 = fromBits(0x3fe55555, 0x55555593), LG2 = fromBits(0x3fd99999, 0x9997fa04), LG3 = fromBits(0x3fd24924, 0x94229359);
const LG4 = fromBits(0x3fcc71c5, 0x1d8e78af), LG5 = fromBits(0x3fc74664, 0x96cb03de), LG6 = fromBits(0x3fc39a09, 0xd078c69f);
const LG7 = fromBits(0x3fc2f112, 0xdf3e5244);

/** ln x (fdlibm's e_log.c, as assembly/math.ts): x = 2^k·(1 + f) with √2/2 < 1 + f < √2, log(1 + f) from s = f / (2 + f). */
export function log(x: number): number {
  let hx = high(x);
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022
    if (((hx & 0x7fffffff) | low(x)) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= fromBits(0x43500000, 0); // 2^54: subnormal, scale up
    hx = high(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = fromBits(hx | (i ^ 0x3ff00000), low(x)); // x or x/2, normalized
  k += i >> 20;
  const f = x - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0.0) return k === 0 ? 0.0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.3333333333333333 * f);
    return k === 0 ? f - r : dk * LN2_HI - ((r - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
}

/** ln(1 + x): 1 + x = 2^k·(1 + f) with √2/2 < 1 + f < √2 and c the rounding error of 1 + x, then log(1 + f) from s = f / (2 + f), plus k·ln2 + c. */
export function log1p(x: number): number {
  const hx = high(x), ax = hx & 0x7fffffff;
  let k = 1, f = 0.0, c = 0.0, hu = 0;
  if (hx < 0x3fda827a) {          // 1 + x < √2
    if (ax >= 0x3ff00000) {       // x ≤ −1
      if (x === -1.0) return -Infinity;
      return (x - x) / (x - x);   // NaN
    }
    if (ax < 0x3e200000) {        // |x| < 2^-29
      if (ax < 0x3c900000) return x; // |x| < 2^-54
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) { // √2/2 ≤ 1 + x < √2: f = x exactly
      k = 0; f = x; hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
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
      u = fromBits(hu | 0x3ff00000, low(u));   // u normalized
    } else {
      k += 1;
      u = fromBits(hu | 0x3fe00000, low(u));   // u/2 normalized
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  const dk = k;
  if (hu === 0) {                 // |f| < 2^-20
    if (f === 0.0) {
      if (k === 0) return 0.0;
      c += dk * LN2_LO;
      return dk * LN2_HI + c;
    }
    const r = hfsq * (1.0 - 0.6666666666666666 * f);
    return k === 0 ? f - r : dk * LN2_HI - ((r - (dk * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const r = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  return k === 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + (dk * LN2_LO + c))) - f);
}

/** x's high 32 bits (sign, exponent, the fraction's top 20 bits), signed; low: the other 32. */
function high(x: number): number {
  DOUBLE[0] = x;
  return WORDS[WORD]!;
}

function low(x: number): number {
  DOUBLE[0] = x;
  return WORDS[1 - WORD]! >>> 0;
}

function pow2(e: number): number {
  return fromBits((e + 1023) << 20, 0);
}

function fromBits(hi: number, lo: number): number {
  WORDS[WORD] = hi;
  WORDS[1 - WORD] = lo;
  return DOUBLE[0]!;
}

// Veltkamp's split (see assembly/math.ts's powerStep): halves of 26 bits whose products are exact
const SPLIT = 134217729.0; // 2^27 + 1
let productError = 0.0;
let powLow = 0.0;

function twoProduct(a: number, b: number): number {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  productError = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProduct(ah, bh);
  const e = productError + (ah * bl + al * bh);
  const s = p + e;
  powLow = e - (s - p);
  return s;
}

/** βᵗ⁺¹ from βᵗ: the double-double (f[at], f[at + 1]) times x in place, returned rounded; assembly/math.ts's powerStep line for line. */
export function powerStep(f: Float64Array, at: number, x: number): number {
  const hi = ddMul(f[at]!, f[at + 1]!, x, 0.0);
  f[at] = hi;
  f[at + 1] = powLow;
  return hi + powLow;
}

/** powerStep's βᵗ⁺¹ without its store; assembly/math.ts's powerNext line for line. */
export function powerNext(f: Float64Array, at: number, x: number): number {
  const hi = ddMul(f[at]!, f[at + 1]!, x, 0.0);
  return hi + powLow;
}

/**
 * xⁿ for 0 ≤ x ≤ 1 and a whole n ≥ 0 as a double-double [high, low], whose sum rounds to the power
 * the kernels' running products reach (powerStep from [1, 0], n times): by squaring in double-double,
 * ~100 bits survive the ~log₂n squarings, the same bits on every host, unlike Math.pow (Node's and
 * Chromium's differ in the last bit of 0.999ᵗ for one t in six). The host's, for a power the kernels
 * did not reach step by step: an optimizer continued with another β, or a state saved without its powers.
 */
export function ddPow(x: number, n: number): [number, number] {
  let rh = 1.0, rl = 0.0, bh = x, bl = 0.0, k = n;
  while (k >= 1.0) {
    const half = Math.floor(k * 0.5);
    if (k - 2.0 * half === 1.0) {
      rh = ddMul(rh, rl, bh, bl);
      rl = powLow;
    }
    bh = ddMul(bh, bl, bh, bl);
    bl = powLow;
    k = half;
  }
  return [rh, rl];
}
