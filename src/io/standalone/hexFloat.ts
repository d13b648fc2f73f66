/** x as a C99 hexadecimal floating literal: every bit of the double, nothing for the compiler to round. */
export function hexFloat(x: number): string {
  if (Number.isNaN(x)) return '(0.0 / 0.0)';
  if (!Number.isFinite(x)) return x > 0 ? '(1.0 / 0.0)' : '(-1.0 / 0.0)';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? '-' : '';
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = (bits & 0xfffffffffffffn).toString(16).padStart(13, '0').replace(/0+$/, '');
  const digits = fraction === '' ? '' : `.${fraction}`;
  if (exponent === 0) return fraction === '' ? `${sign}0x0p+0` : `${sign}0x0${digits}p-1022`;
  const e = exponent - 1023;
  return `${sign}0x1${digits}p${e < 0 ? e : `+${e}`}`;
}
