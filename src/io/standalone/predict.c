/* The runtime of a C predictor exported by backprop-wasm (backprop export --format c; a template whose
 * @constants scripts/standalone.mjs fills in): src/engines/math.ts and src/engines/js.ts ported line for line (exp with its table of 2^(i/128), fdlibm's expm1, tanh, log1p
 * and erf, the activations, dot()'s order of sums), so a program's outputs are model.predict's to the bit.
 * No libm. Every expression is rounded as written, never contracted into a fused multiply-add: GCC's
 * optimize pragma, the standard FP_CONTRACT pragma elsewhere (for a compiler that honours neither, pass
 * -ffp-contract=off or its equivalent).
 * Doubles must be IEEE binary64 evaluated in double (FLT_EVAL_METHOD 0: x86-64, ARM64; not x87). */
#ifndef BACKPROP_STANDALONE_RUNTIME
#define BACKPROP_STANDALONE_RUNTIME
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#else
#pragma STDC FP_CONTRACT OFF
#endif
#include <stdint.h>

/* @constants: math.ts's and js.ts's constants, written here by scripts/standalone.mjs */

typedef union { double d; uint64_t u; } bp_bits;

static inline int32_t bp_high(double x) { bp_bits b; b.d = x; return (int32_t)(uint32_t)(b.u >> 32); }
static inline uint32_t bp_low(double x) { bp_bits b; b.d = x; return (uint32_t)b.u; }
static inline double bp_from(uint32_t hi, uint32_t lo) { bp_bits b; b.u = ((uint64_t)hi << 32) | lo; return b.d; }
static inline double bp_abs(double x) { bp_bits b; b.d = x; b.u &= 0x7fffffffffffffffULL; return b.d; }
/* Math.max(z, 0): a NaN stays a NaN, −0 becomes +0 */
static inline double bp_max0(double z) { return z != z ? z : z > 0.0 ? z : 0.0; }
/* Math.min(x, 6): a NaN stays a NaN */
static inline double bp_min6(double x) { return x != x ? x : x < 6.0 ? x : 6.0; }
static inline double bp_pow2(int e) { return bp_from((uint32_t)(e + 1023) << 20, 0); }
static inline int bp_isnan(double x) { return x != x; }

/* exp: 2^(k/N) · e^r, k = round(x·N/ln 2), N = 128 (math.ts's exp; bp_EXP_TABLE is its expTable()) */
static inline double bp_exp(double x) {
  double kb, kd, r, r2, tmp, t, s;
  int k, i, e;
  if (!(bp_abs(x) <= bp_EXP_FAST)) {
    if (bp_isnan(x)) return x;
    if (x > 709.8) return 1.0 / 0.0;
    if (x < -746.0) return 0.0;
  }
  kb = x * bp_EXP_INV_LN2_N + bp_EXP_SHIFT;
  kd = kb - bp_EXP_SHIFT;
  r = (x - kd * bp_EXP_LN2_HI_N) - kd * bp_EXP_LN2_LO_N;
  k = (int)kd;
  i = k & (BP_EXP_N - 1);
  e = (k - i) / BP_EXP_N;
  r2 = r * r;
  tmp = ((bp_EXP_TABLE[2 * i + 1] + r) + r2 * (bp_EXP_C2 + r * bp_EXP_C3)) + (r2 * r2) * (bp_EXP_C4 + r * bp_EXP_C5);
  t = bp_EXP_TABLE[2 * i];
  s = t + t * tmp;
  if (e > 1023) return (s * bp_pow2(e - 1)) * 2.0;
  if (e < -1022) return (s * bp_pow2(e + 1000)) * bp_pow2(-1000);
  return s * bp_pow2(e);
}

/* fdlibm's expm1 (s_expm1.c, as math.ts) */
static inline double bp_expm1(double x) {
  int32_t hw = bp_high(x), hx = hw & 0x7fffffff;
  int neg = hw < 0, k = 0;
  double c = 0.0, hfx, hxs, r1, t, e, twopk;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | bp_low(x)) != 0) return x + x;
        return neg ? -1.0 : x;
      }
      if (x > bp_O_THRESHOLD) return 1.0 / 0.0;
    }
    if (neg) return -1.0;
  }
  if (hx > 0x3fd62e42) {
    double hi, lo;
    if (hx < 0x3ff0a2b2) {
      if (!neg) { hi = x - bp_LN2_HI; lo = bp_LN2_LO; k = 1; }
      else { hi = x + bp_LN2_HI; lo = -bp_LN2_LO; k = -1; }
    } else {
      double tk;
      k = (int)(bp_INV_LN2 * x + (neg ? -0.5 : 0.5));
      tk = k;
      hi = x - tk * bp_LN2_HI;
      lo = tk * bp_LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) {
    return x;
  }
  hfx = 0.5 * x;
  hxs = x * hfx;
  r1 = 1.0 + hxs * (bp_EXPM1_Q1 + hxs * (bp_EXPM1_Q2 + hxs * (bp_EXPM1_Q3 + hxs * (bp_EXPM1_Q4 + hxs * bp_EXPM1_Q5))));
  t = 3.0 - r1 * hfx;
  e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  twopk = bp_from((uint32_t)(0x3ff00000 + k * 1048576), 0);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + 2.0 * (x - e);
  if (k <= -2 || k > 56) {
    double y = 1.0 - (e - x);
    y = k == 1024 ? y * 2.0 * 8.98846567431158e+307 : y * twopk;
    return y - 1.0;
  }
  if (k < 20) return (bp_from((uint32_t)(0x3ff00000 - (0x200000 >> k)), 0) - (e - x)) * twopk;
  return ((x - (e + bp_from((uint32_t)((0x3ff - k) << 20), 0))) + 1.0) * twopk;
}

/* fdlibm's tanh (s_tanh.c, as math.ts) */
static inline double bp_tanh(double x) {
  int32_t jx = bp_high(x), ix = jx & 0x7fffffff;
  double z;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1.0 / x + 1.0 : 1.0 / x - 1.0;
  if (ix < 0x40360000) {
    int big;
    double t;
    if (ix < 0x3e300000) return x;
    big = ix >= 0x3ff00000;
    t = bp_expm1(big ? 2.0 * bp_abs(x) : -2.0 * bp_abs(x));
    z = big ? 1.0 - 2.0 / (t + 2.0) : -t / (t + 2.0);
  } else {
    z = 1.0;
  }
  return jx >= 0 ? z : -z;
}

/* fdlibm's log1p (s_log1p.c, as math.ts) */
static inline double bp_log1p(double x) {
  int32_t hx = bp_high(x), ax = hx & 0x7fffffff, hu = 0;
  int k = 1;
  double f = 0.0, c = 0.0, hfsq, dk, s, z, r;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) {
      if (x == -1.0) return -1.0 / 0.0;
      return (x - x) / (x - x);
    }
    if (ax < 0x3e200000) {
      if (ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (int32_t)0xbfd2bec4) { k = 0; f = x; hu = 1; }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    double u;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = bp_high(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      hu = bp_high(u);
      k = (hu >> 20) - 1023;
      c = 0.0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = bp_from((uint32_t)(hu | 0x3ff00000), bp_low(u));
    } else {
      k += 1;
      u = bp_from((uint32_t)(hu | 0x3fe00000), bp_low(u));
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  hfsq = 0.5 * f * f;
  dk = k;
  if (hu == 0) {
    if (f == 0.0) {
      if (k == 0) return 0.0;
      c += dk * bp_LN2_LO;
      return dk * bp_LN2_HI + c;
    }
    r = hfsq * (1.0 - 0.6666666666666666 * f);
    return k == 0 ? f - r : dk * bp_LN2_HI - ((r - (dk * bp_LN2_LO + c)) - f);
  }
  s = f / (2.0 + f);
  z = s * s;
  r = z * (bp_LG1 + z * (bp_LG2 + z * (bp_LG3 + z * (bp_LG4 + z * (bp_LG5 + z * (bp_LG6 + z * bp_LG7))))));
  return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * bp_LN2_HI - ((hfsq - (s * (hfsq + r) + (dk * bp_LN2_LO + c))) - f);
}

/* fdlibm's erf (s_erf.c, as math.ts: with bp_exp) */
static inline double bp_erf(double x) {
  int32_t hx = bp_high(x), ix = hx & 0x7fffffff;
  double a, s, R, S, z, r;
  if (ix >= 0x7ff00000) return hx < 0 ? -1.0 + 1.0 / x : 1.0 + 1.0 / x;
  if (ix < 0x3feb0000) {
    double p, q;
    if (ix < 0x3e300000) {
      if (ix < 0x00800000) return 0.125 * (8.0 * x + bp_EFX8 * x);
      return x + bp_EFX * x;
    }
    z = x * x;
    p = bp_PP0 + z * (bp_PP1 + z * (bp_PP2 + z * (bp_PP3 + z * bp_PP4)));
    q = 1.0 + z * (bp_QQ1 + z * (bp_QQ2 + z * (bp_QQ3 + z * (bp_QQ4 + z * bp_QQ5))));
    return x + x * (p / q);
  }
  if (ix < 0x3ff40000) {
    double p, q;
    s = bp_abs(x) - 1.0;
    p = bp_PA0 + s * (bp_PA1 + s * (bp_PA2 + s * (bp_PA3 + s * (bp_PA4 + s * (bp_PA5 + s * bp_PA6)))));
    q = 1.0 + s * (bp_QA1 + s * (bp_QA2 + s * (bp_QA3 + s * (bp_QA4 + s * (bp_QA5 + s * bp_QA6)))));
    return hx >= 0 ? bp_ERX + p / q : -bp_ERX - p / q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1.0 : -1.0;
  a = bp_abs(x);
  s = 1.0 / (a * a);
  if (ix < 0x4006db6e) {
    R = bp_RA0 + s * (bp_RA1 + s * (bp_RA2 + s * (bp_RA3 + s * (bp_RA4 + s * (bp_RA5 + s * (bp_RA6 + s * bp_RA7))))));
    S = 1.0 + s * (bp_SA1 + s * (bp_SA2 + s * (bp_SA3 + s * (bp_SA4 + s * (bp_SA5 + s * (bp_SA6 + s * (bp_SA7 + s * bp_SA8)))))));
  } else {
    R = bp_RB0 + s * (bp_RB1 + s * (bp_RB2 + s * (bp_RB3 + s * (bp_RB4 + s * (bp_RB5 + s * bp_RB6)))));
    S = 1.0 + s * (bp_SB1 + s * (bp_SB2 + s * (bp_SB3 + s * (bp_SB4 + s * (bp_SB5 + s * (bp_SB6 + s * bp_SB7))))));
  }
  z = bp_from((uint32_t)bp_high(a), 0);
  r = bp_exp(-z * z - 0.5625) * bp_exp((z - a) * (z + a) + R / S);
  return hx >= 0 ? 1.0 - r / a : r / a - 1.0;
}

/* The activations, as src/engines/js.ts's activate (softmax: bp_softmax, a whole row's) */
static inline double bp_sigmoid(double z) { return 1.0 / (1.0 + bp_exp(-z)); }
static inline double bp_softplus(double z) { return bp_max0(z) + bp_log1p(bp_exp(-bp_abs(z))); }
static inline double bp_hard_sigmoid(double z) { return bp_min6(bp_max0(z + 3.0)) / 6.0; }
/* leakyRelu with its layer's negative slope alpha: the export writes a function of z per such layer around it */
static inline double bp_leaky_relu(double z, double alpha) { return z > 0.0 ? z : alpha * z; }
static inline double bp_act_linear(double z) { return z; }
static inline double bp_act_sigmoid(double z) { return bp_sigmoid(z); }
static inline double bp_act_tanh(double z) { return bp_tanh(z); }
static inline double bp_act_relu(double z) { return bp_max0(z); }
static inline double bp_act_elu(double z) { return z > 0.0 ? z : bp_expm1(z); }
static inline double bp_act_selu(double z) { return z > 0.0 ? bp_SELU_SCALE * z : bp_SELU_SCALE * (bp_SELU_ALPHA * bp_expm1(z)); }
static inline double bp_act_softplus(double z) { return bp_softplus(z); }
static inline double bp_act_softsign(double z) { return z / (1.0 + bp_abs(z)); }
static inline double bp_act_swish(double z) { return z * bp_sigmoid(z); }
static inline double bp_act_gelu(double z) { return 0.5 * z * (1.0 + bp_erf(z * bp_SQRT1_2)); }
static inline double bp_act_relu6(double z) { return bp_min6(bp_max0(z)); }
static inline double bp_act_hardSigmoid(double z) { return bp_hard_sigmoid(z); }
static inline double bp_act_hardSwish(double z) { return z * bp_hard_sigmoid(z); }
static inline double bp_act_mish(double z) { return z * bp_tanh(bp_softplus(z)); }
static inline double bp_act_exponential(double z) { return bp_exp(z); }

/* dot(): four running sums over i mod 4, a leftover pair into the first two, (s0 + s2) + (s1 + s3),
 * then the last element when n is odd; under four terms left to right (src/engines/js.ts, assembly/dense.ts) */
static inline double bp_dot(const double *a, const double *x, int n) {
  int quads = n & ~3, pairs = n & ~1, i;
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, sum;
  if (n < 4) {
    sum = a[0] * x[0];
    if (n > 1) sum += a[1] * x[1];
    if (n > 2) sum += a[2] * x[2];
    return sum;
  }
  for (i = 0; i < quads; i += 4) {
    s0 += a[i] * x[i];
    s1 += a[i + 1] * x[i + 1];
    s2 += a[i + 2] * x[i + 2];
    s3 += a[i + 3] * x[i + 3];
  }
  if (pairs > quads) {
    s0 += a[quads] * x[quads];
    s1 += a[quads + 1] * x[quads + 1];
  }
  sum = (s0 + s2) + (s1 + s3);
  if (n & 1) sum += a[pairs] * x[pairs];
  return sum;
}

/* dense_forward for one row: out[u] = act(b[u] + dot(w[u], in)), w: [units][inputs] */
static inline void bp_dense(double *out, const double *in, const double *w, const double *b, int inputs, int units, double (*act)(double)) {
  int u;
  for (u = 0; u < units; u++) out[u] = act(b[u] + bp_dot(w + u * inputs, in, inputs));
}

/* softmax_forward for one row: a[k] = e^(z[k] − m) / Σ e^(z[j] − m), m the largest z */
static inline void bp_softmax(double *a, const double *z, int n) {
  double m = z[0], s = 0.0;
  int k;
  for (k = 1; k < n; k++) m = bp_isnan(m) || bp_isnan(z[k]) ? (0.0 / 0.0) : (z[k] > m ? z[k] : m);
  for (k = 0; k < n; k++) {
    double e = bp_exp(z[k] - m);
    a[k] = e;
    s += e;
  }
  for (k = 0; k < n; k++) a[k] = a[k] / s;
}
#endif
