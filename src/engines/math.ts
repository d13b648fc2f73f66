// What the engines compute themselves rather than take from Math: exp (the activations' and the
// losses' e^x, written here and generated into the kernels, so both engines round it alike), erf,
// for GELU, and fdlibm's log1p, expm1 and tanh. assembly/math.ts carries the same lines in AssemblyScript; scripts/tables.mjs writes the
// constants and the table below into assembly/expTable.ts at every build.

/**
 * e^x = 2^(k/N) · e^r with k = round(x·N/ln 2), r = x − k·ln2/N (|r| ≤ ln2/2N), N = 128 — the method of
 * the C libraries' exp (glibc, musl): a table of 2^(i/N) and a short polynomial, no division. It is
 * within about half an ulp of e^x (test/kernels.test.ts holds it to Math.exp within one ulp), and
 * two to three times as fast in the kernels as the rational approximation V8's Math.exp uses.
 */
export const EXP_N = 128;

/** Scratch for fromBits, made before the constants below need it. */
const BITS = new DataView(new ArrayBuffer(8));

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

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_SQRT_PI = 0.5641895835477563;      // 1/√π

export function erf(x: number): number {
  if (Number.isNaN(x) || x === 0.0) return x; // NaN, ±0
  const a = Math.abs(x);
  let r = 1.0;
  if (a < 2.5) {
    const a2 = 2.0 * a * a;
    let term = a, s = a, n = 1.0;
    for (;;) {
      term = term * a2 / (2.0 * n + 1.0);
      n += 1.0;
      const next = s + term;
      if (next === s) break;
      s = next;
    }
    r = TWO_OVER_SQRT_PI * exp(-a * a) * s;
  } else if (a < 6.0) {
    let f = a;
    for (let k = 60; k > 0; k--) f = a + (k * 0.5) / f;
    r = 1.0 - exp(-a * a) * INV_SQRT_PI / f;
  }
  return x < 0.0 ? -r : r;
}

/** 2^e for a normal e (−1022 … 1023), from its exponent bits */
// log1p, expm1 and tanh: fdlibm's (s_log1p.c, s_expm1.c, s_tanh.c, as V8 carried them), the same
// lines as assembly/math.ts, so the engines agree to the bit on every host whatever its Math (V8 now
// takes tanh from the platform's C library), and the kernels make no call out of WebAssembly per unit.
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
  const neg = high(x) < 0;         // the sign bit
  const hx = high(x) & 0x7fffffff; // high word of |x|
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
    if (ix >= 0x3ff00000) {    // |x| ≥ 1
      const t = expm1(2.0 * Math.abs(x));
      z = 1.0 - 2.0 / (t + 2.0);
    } else {
      const t = expm1(-2.0 * Math.abs(x));
      z = -t / (t + 2.0);
    }
  } else {
    z = 1.0;
  }
  return jx >= 0 ? z : -z;
}

/** fdlibm's log's (and log1p's) polynomial, Lg1..Lg7 = Lp1..Lp7. */
const LG1 = fromBits(0x3fe55555, 0x55555593), LG2 = fromBits(0x3fd99999, 0x9997fa04), LG3 = fromBits(0x3fd24924, 0x94229359);
const LG4 = fromBits(0x3fcc71c5, 0x1d8e78af), LG5 = fromBits(0x3fc74664, 0x96cb03de), LG6 = fromBits(0x3fc39a09, 0xd078c69f);
const LG7 = fromBits(0x3fc2f112, 0xdf3e5244);

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
  BITS.setFloat64(0, x);
  return BITS.getInt32(0);
}

function low(x: number): number {
  BITS.setFloat64(0, x);
  return BITS.getUint32(4);
}

function pow2(e: number): number {
  return fromBits((e + 1023) << 20, 0);
}

function fromBits(hi: number, lo: number): number {
  BITS.setUint32(0, hi);
  BITS.setUint32(4, lo);
  return BITS.getFloat64(0);
}
