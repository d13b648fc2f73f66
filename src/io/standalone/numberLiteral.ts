/**
 * The shortest JavaScript source that reads back as the double v, exactly: ECMAScript's own
 * shortest round-trip digits (Number's toString), placed as a plain decimal or with an exponent,
 * whichever is shorter (1.5e-14 as 15e-15, 0.25 as .25). Every form denotes the same decimal, which a
 * literal reads back correctly rounded: the same double. -0 stays -0; v must be finite.
 */
export function numberLiteral(v: number): string {
  if (Object.is(v, -0)) return '-0';
  const sign = v < 0 ? '-' : '';
  const [mantissa, exponent = '0'] = String(Math.abs(v)).split('e');
  const [whole, fraction = ''] = mantissa!.split('.');
  // v = digits × 10^power, digits without leading zeros
  const digits = (whole! + fraction).replace(/^0+/, '') || '0', power = Number(exponent) - fraction.length;
  const trimmed = digits.replace(/0+$/, '') || '0', p = power + digits.length - trimmed.length;
  // plain first: on a tie (100, 1e2) it is the one a reader expects
  const plain = p >= 0 ? trimmed + '0'.repeat(p) : -p < trimmed.length ? `${trimmed.slice(0, p)}.${trimmed.slice(p)}` : `.${'0'.repeat(-p - trimmed.length)}${trimmed}`;
  const forms = [plain, `${trimmed}e${p}`];
  return sign + forms.reduce((a, b) => (b.length < a.length ? b : a));
}
