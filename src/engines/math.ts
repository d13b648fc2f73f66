// What the engines compute themselves rather than take from Math: exp (the activations' and the
// losses' e^x, written here and generated into the kernels, so both engines round it alike) and erf,
// for GELU. assembly/math.ts carries the same lines in AssemblyScript; scripts/tables.mjs writes the
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
function pow2(e: number): number {
  return fromBits((e + 1023) << 20, 0);
}

function fromBits(hi: number, lo: number): number {
  BITS.setUint32(0, hi);
  BITS.setUint32(4, lo);
  return BITS.getFloat64(0);
}
