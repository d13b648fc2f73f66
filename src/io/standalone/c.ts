// The c format: one header-only C99 file — the weights as `static const double` hex floats (every bit),
// the runtime (src/io/standalone/predict.c: math.ts and js.ts ported, no libm) and a
// `predict(const double *in, double *out)` that runs the layers as Model.predict does, to the bit.
import { hexFloat } from './hexFloat.js';
import { numbersOf, type Plan } from './plan.js';
import { C_RUNTIME } from './runtime.js';
import { extent } from '../../extent.js';

/** The runtime's function for an activation; an activation without one is refused, not approximated. */
function cActivation(name: string): string {
  const fn = `bp_act_${name}`;
  if (!C_RUNTIME.includes(`double ${fn}(double z)`)) throw new Error(`The C predictor has no activation '${name}' (src/io/standalone/predict.c needs a ${fn})`);
  return fn;
}

/** A C string literal of `text`: ASCII other than printable as octal escapes, no trigraph (`?` escaped), the rest as UTF-8. */
function cString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || ch === '?') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function cPredictor(plan: Plan, prefix: string): string {
  const { values, offsets, scaler, targetScaler } = numbersOf(plan);
  const p = prefix, I = plan.inputs, Y = plan.outputs, guard = `${p.toUpperCase()}BACKPROP_PREDICTOR`;
  const lines = [
    `/* A standalone predictor exported by backprop-wasm: ${p}predict(in, out) maps ${I} inputs to ${Y} outputs,`,
    ' * equal to model.predict to the bit (cc -O2 -std=c99; see the runtime\'s note on contraction). Header-only:',
    ' * #include it; several models share one program through the export\'s prefix. */',
    C_RUNTIME.trim(),
    '',
    // the model's part guarded as the runtime is: a header reached twice (through two others) is read once
    `#ifndef ${guard}`,
    `#define ${guard}`,
    `#define ${p.toUpperCase()}INPUTS ${I}`,
    `#define ${p.toUpperCase()}OUTPUTS ${Y}`,
    `static const char *const ${p}feature_names[${I}] = { ${plan.featureNames.map(cString).join(', ')} };`,
  ];
  if (plan.classes) lines.push(`static const char *const ${p}classes[${Y}] = { ${plan.classes.map(cString).join(', ')} };`);
  if (plan.threshold !== undefined) lines.push(`/* the probability from which a row is predicted 1 (backprop predict's prediction column) */`, `static const double ${p}threshold = ${hexFloat(plan.threshold)};`);
  lines.push(`static const double ${p}weights[${values.length}] = {`);
  for (let i = 0; i < values.length; i += 4) lines.push(`  ${Array.from(values.subarray(i, i + 4), hexFloat).join(', ')},`);
  lines.push('};', '');
  // the body: in (scaled as predict scales it) → each layer's a → out (unscaled)
  const body: string[] = [];
  const widest = Math.max(I, extent(plan.layers.map((l) => l.units))[1]);
  const softmax = plan.layers.some((l) => l.activation === 'softmax');
  body.push(`  double x[${widest}], a[${widest}]${softmax ? `, z[${widest}]` : ''};`, '  int i;');
  body.push(scaler === undefined ? `  for (i = 0; i < ${I}; i++) x[i] = in[i];` : `  for (i = 0; i < ${I}; i++) x[i] = (in[i] - ${p}weights[${scaler} + i]) / ${p}weights[${scaler + I} + i];`);
  plan.layers.forEach((l, n) => {
    const w = `${p}weights + ${offsets[n]!.kernel}`, b = `${p}weights + ${offsets[n]!.bias}`;
    if (l.activation === 'softmax') body.push(`  bp_dense(z, x, ${w}, ${b}, ${l.inputs}, ${l.units}, bp_act_linear);`, `  bp_softmax(a, z, ${l.units});`);
    else if (l.activation === 'leakyRelu') {
      // its layer's slope, every bit: a function of z of its own around the runtime's bp_leaky_relu
      lines.push(`static inline double ${p}leaky_relu_${n}(double z) { return bp_leaky_relu(z, ${hexFloat(l.alpha!)}); }`);
      body.push(`  bp_dense(a, x, ${w}, ${b}, ${l.inputs}, ${l.units}, ${p}leaky_relu_${n});`);
    } else body.push(`  bp_dense(a, x, ${w}, ${b}, ${l.inputs}, ${l.units}, ${cActivation(l.activation)});`);
    body.push(`  for (i = 0; i < ${l.units}; i++) x[i] = a[i];`);
  });
  body.push(targetScaler === undefined ? `  for (i = 0; i < ${Y}; i++) out[i] = x[i];` : `  for (i = 0; i < ${Y}; i++) out[i] = x[i] * ${p}weights[${targetScaler + Y} + i] + ${p}weights[${targetScaler} + i];`);
  // C cannot tell how long an array is or what it points to: the length is the caller's to keep; finiteness can be checked
  lines.push(
    `/* ${p}check(in): -1 when the ${I} doubles at in are finite numbers, else the first column (from 0) that is NaN`,
    ' * or infinite: what the js and wasm exports refuse, and model.predict. */',
    `static inline int ${p}check(const double *in) {`,
    '  int i;',
    `  for (i = 0; i < ${I}; i++) if (!(in[i] - in[i] == 0.0)) return i;`,
    '  return -1;',
    '}',
    '',
    `/* ${p}predict(in, out): in points to ${I} doubles (${p}feature_names, in order), out to room for ${Y}${plan.classes ? ` (the probabilities of ${p}classes, in order; the label is ${p}classes[k] of the largest, the first on a tie)` : ''}.`,
    ` * Nothing is checked: C cannot know the arrays' lengths, so they are the caller's contract; a NaN or infinite input`,
    ` * is computed with as the arithmetic does (its outputs NaN or infinite), so check a row first with ${p}check where one may be. */`,
  );
  lines.push(`static inline void ${p}predict(const double *in, double *out) {`);
  for (const line of body) lines.push(line);
  lines.push('}', `#endif /* ${guard} */`, '');
  return lines.join('\n');
}
