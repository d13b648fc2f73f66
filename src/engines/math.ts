// What the engines need beyond Math: erf, for GELU. assembly/math.ts has the same lines in
// AssemblyScript (see there for the method), so the engines agree to the bit.

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
    r = TWO_OVER_SQRT_PI * Math.exp(-a * a) * s;
  } else if (a < 6.0) {
    let f = a;
    for (let k = 60; k > 0; k--) f = a + (k * 0.5) / f;
    r = 1.0 - Math.exp(-a * a) * INV_SQRT_PI / f;
  }
  return x < 0.0 ? -r : r;
}
