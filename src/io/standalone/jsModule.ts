// The js format: one module, no imports, whose math is the JS engine's own (src/io/standalone/runtime.ts,
// cut from src/engines/ at build time), so its outputs are `model.predict`'s to the bit. Loops over
// the layers: its size is the weights (about 8.7 characters each) plus what its activations need.
import { numbersOf, type Plan } from './plan.js';
import { extent } from '../../extent.js';
import { numberLiteral } from './numberLiteral.js';
import { JS_RUNTIME } from './runtime.js';

/** The runtime's export `name`: its minified name, after the statements it needs are added to `take`. */
export function use(name: string, take: Set<number>): string {
  const part = JS_RUNTIME.exports[name];
  if (!part) throw new Error(`The standalone runtime has no '${name}': rebuild (node scripts/build.mjs)`);
  for (const i of part.needs) take.add(i);
  return part.name;
}

/** base64 of bytes, without Buffer (browsers) and without spreading them into a call. */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** Digit d of base 91 as a character: 35 + d, past the backslash (92) one more, so a "…" string needs no escape. */
const digit91 = (d: number) => String.fromCharCode(35 + d + (35 + d >= 92 ? 1 : 0));

/** The doubles packed in a block of base 91 text (the last block may hold fewer). */
const BLOCK = 32;

/**
 * JS that writes `values` into f[0 …), exactly (every bit): as decimal literals where that is
 * shorter (a few weights), else packed. Packed, a double is its 52 fraction bits and the index of
 * its top 12 bits (sign and exponent) in the model's list of those it uses (a layer's weights share
 * a few exponents: 20 in a 32-16-3 network); BLOCK doubles at a time are one number in mixed radix
 * (2^52, then that list's length, per double), written in base 91, most significant digit first:
 * 8.7 characters a double where base 85 of its bytes takes 10. Decoded with BigInt, a block at a
 * time (so in linear time), into a big-endian DataView: the same on any byte order.
 */
export function weightsSource(values: Float64Array): string {
  const literals = `f.set([${Array.from(values, numberLiteral).join(',')}]);`;
  const view = new DataView(new ArrayBuffer(8)), tops: number[] = [], index = new Map<number, number>();
  const parts = Array.from(values, (v) => {
    view.setFloat64(0, v);
    const top = view.getUint16(0) >>> 4;
    if (!index.has(top)) index.set(top, tops.push(top) - 1);
    return { top: BigInt(index.get(top)!), fraction: view.getBigUint64(0) & ((1n << 52n) - 1n) };
  });
  const K = BigInt(tops.length), radix = K << 52n;
  // the digits that hold n doubles: the fewest d with 91^d ≥ (2^52·K)^n
  const digits = (n: number) => {
    const room = radix ** BigInt(n);
    let d = 0;
    for (let p = 1n; p < room; p *= 91n) d++;
    return d;
  };
  let text = '';
  for (let at = 0; at < parts.length; at += BLOCK) {
    const block = parts.slice(at, at + BLOCK);
    let v = 0n;
    for (let k = block.length - 1; k >= 0; k--) v = (v * K + block[k]!.top) * 2n ** 52n + block[k]!.fraction;
    const out: string[] = [];
    for (let d = digits(block.length); d > 0; d--, v /= 91n) out.push(digit91(Number(v % 91n)));
    text += out.reverse().join('');
  }
  // per block (a match of its digits; the last may be shorter): V its number, read digit by digit;
  // each double its fraction (V's low 52 bits) under its top bits X[V mod K]
  const packed = `{const X=${JSON.stringify(tops)},v=new DataView(new ArrayBuffer(8));let k=0,j,c,V;for(const b of"${text}".match(/.{1,${digits(BLOCK)}}/g)){V=0n;for(c of b)V=V*91n+BigInt(c.charCodeAt()-35-(c>"\\\\"));for(j=${BLOCK};j--&&k<${values.length};V/=${K}n,f[k++]=v.getFloat64(0))v.setBigUint64(0,V%2n**52n),V>>=52n,v.setUint16(0,X[V%${K}n]<<4|v.getUint16(0))}}`;
  return literals.length <= packed.length ? literals : packed;
}

/**
 * The names this module declares beside the runtime's statements, in their scope: those the runtime
 * leaves it, and $0, $1, … (a leakyRelu layer's activation), as the runtime's names have no `$`.
 */
const NAMES = ['I', 'Y', 'F', 'f', 'E', 'H', 'P'];
if (NAMES.some((n) => !JS_RUNTIME.moduleNames.includes(n))) throw new Error('The standalone runtime may declare a name the js export declares: rebuild (node scripts/build.mjs)');

/**
 * Top-level statements as one: consecutive `var` statements become one declaration list (each
 * runtime statement is a whole top-level statement, so a leading `var` starts a declaration).
 */
function joined(statements: string[]): string {
  let out = '', open = false;
  for (const s of statements) {
    const isVar = s.startsWith('var ') && s.endsWith(';');
    out = open && isVar ? `${out.slice(0, -1)},${s.slice(4)}` : out + s;
    open = isVar;
  }
  return out;
}

export function jsPredictor(plan: Plan, commonjs: boolean): string {
  const { values, offsets, scaler, targetScaler } = numbersOf(plan);
  const take = new Set<number>();
  // dot with the branches the layers' inputs decide (scripts/standalone.mjs): what the engine runs for them
  const [low, high] = extent(plan.layers.map((l) => l.inputs));
  const dense = use(low >= 4 ? 'dense_wide' : high < 4 ? `dense_narrow_${low}${high}` : 'dense', take);
  const softmax = plan.layers.some((l) => l.activation === 'softmax') ? use('softmax', take) : undefined;
  // scratch after the numbers: the input row, then each layer's outputs (and a softmax layer's z)
  let at = values.length;
  const x = at;
  at += plan.inputs;
  let inp = x;
  // each layer as a call of the engine's denseForward(out, in, kernel, bias, inputs, units, act) over f,
  // for one row, its activation the runtime's function of z; a softmax layer's z goes through linear
  // first, then the engine's softmaxForward(out, z, units), as in the engine
  const slopes: string[] = [];
  const calls = plan.layers.map((l, i) => {
    const out = at;
    at += l.units;
    const { kernel, bias } = offsets[i]!;
    let call: string;
    if (l.activation === 'softmax') {
      const z = at;
      at += l.units;
      call = `${dense}(${z},${inp},${kernel},${bias},${l.inputs},${l.units},${use('act_linear', take)});${softmax}(${out},${z},${l.units})`;
    } else if (l.activation === 'leakyRelu') {
      // the engine's leakyRelu(z, alpha) with its layer's alpha, every bit: a function of z made once ($i)
      slopes.push(`$${i}=z=>${use('act_leakyRelu', take)}(z,${numberLiteral(l.alpha!)}),`);
      call = `${dense}(${out},${inp},${kernel},${bias},${l.inputs},${l.units},$${i})`;
    } else {
      call = `${dense}(${out},${inp},${kernel},${bias},${l.inputs},${l.units},${use(`act_${l.activation}`, take)})`;
    }
    inp = out;
    return call;
  });
  const I = plan.inputs, Y = plan.outputs;
  const statements = [...take].sort((a, b) => a - b).map((i) => JS_RUNTIME.statements[i]!);
  // row r's cells into f, scaled as predict scales them, and the last layer's out into o, unscaled:
  // a loop over i, or where there is one the statement alone (cell k of f at base + k)
  const copy = (count: number, line: (k: string, row: string) => string) => (count === 1 ? line('', 'r') : `for(i=0;i<${count};i++)${line('+i', `r*${count}+i`)}`);
  const copyIn = copy(I, (k, row) => `f[${x}${k}]=${scaler === undefined ? `x[${row}]` : `(x[${row}]-f[${scaler}${k}])/f[${scaler + I}${k}]`}`);
  const copyOut = copy(Y, (k, row) => `o[${row}]=${targetScaler === undefined ? `f[${inp}${k}]` : `f[${inp}${k}]*f[${targetScaler + Y}${k}]+f[${targetScaler}${k}]`}`);
  // f: the numbers, then the scratch (the runtime's dense and softmax work in it);
  // P: rows of x through the layers, one at a time
  const own = [
    `f=new Float64Array(${at}),${slopes.join('')}`,
    `P=(x,o,n)=>{for(let r=0,i;r<n;r++){${copyIn};${calls.join(';')};${copyOut}}},`,
  ];
  const body = [
    '// backprop-wasm',
    // the runtime's statements: the engine's functions the layers use, and what they need
    joined(statements),
    ...moduleTail(plan, commonjs, false, own, weightsSource(values)),
  ];
  return `${body.join('\n')}\n`;
}

/** A list of names as JS: written out, or the defaults (x0, x1, … or 0, 1, …) made by a loop where that is shorter. */
function nameList(list: string[], prefix: string): string {
  const written = JSON.stringify(list), loop = `Array.from({length:${list.length}},(_,i)=>"${prefix}"+i)`;
  return loop.length < written.length && list.every((n, i) => n === `${prefix}${i}`) ? loop : written;
}

/**
 * What the js and wasm modules share: predictInto and predict over their P(x, out, rows), with
 * every input checked first (as the library's predict checks it, naming the row and column), the
 * names, a classifier's predictedLabels, and the exports (`ready` too where the module has one: a
 * CommonJS wasm module). `own`: the module's declarations, in the same `const` list (each ending
 * in a comma); `after`: its statements run before the exports (the js module's weights).
 */
export function moduleTail(plan: Plan, commonjs: boolean, ready = false, own: string[] = [], after = ''): string[] {
  const I = plan.inputs, Y = plan.outputs, K = plan.classes?.length;
  // inputs, outputs and featureNames are I, Y and F under their exported names
  const as = (name: string, local: string) => (commonjs ? `${name}:${local}` : `${local} as ${name}`);
  const names = ['predict', 'predictInto', as('inputs', 'I'), as('outputs', 'Y'), as('featureNames', 'F'), 'classes', 'threshold', ...(K ? ['predictedLabels'] : []), ...(ready ? ['ready'] : [])].join(',');
  // I, Y: inputs and outputs; E(where, what was expected, what came): throws, what came as a message
  // shows it (a number as written, as are a boolean, a bigint, a function: their type names sort before
  // "object"; else as JSON; w given, a string: "v and w"); H: predictInto's
  // checks (x and out there, out one row per row of x, x's cells finite numbers), then P; predict checks its rows (an
  // array: what has flatMap; each row an array or a Float64Array, as model.predict takes them: an object of I
  // numbers), then calls H on them end to end (a hole in a row is undefined: refused)
  // with an array for out, whose slices are its rows
  const lines = [
    `const I=${I},Y=${Y},F=${nameList(plan.featureNames, 'x')},classes=${plan.classes ? nameList(plan.classes, '') : null},threshold=${plan.threshold === undefined ? null : numberLiteral(plan.threshold)},`,
    ...own,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the module's own template literal
    'E=(m,s,v,w)=>{throw RangeError(`${m}: ${s}, got ${w?v+" and "+w:typeof v<"o"?v:JSON.stringify(v)}`)},',
    `H=(x,o,m,n=x?.length/I)=>{n%1==0&&n&&o?.length==n*Y||E(m,"expected x of rows*${I} numbers and out of rows*${Y}",x?.length,o?.length+"");for(let i=0;i<x.length;i++)Number.isFinite(x[i])||E(m,\`row \${-~(i/I)}, column \${i%I+1} (\${F[i%I]}): expected a finite number\`,x[i]);return P(x,o,n),o},`,
    'predictInto=(x,o)=>H(x,o,"predictInto"),',
    `predict=R=>{let m="predict",o;R?.flatMap&&R.length||E(m,"expected an array of rows",R);o=H(R.flatMap((w,r)=>(typeof w=="object"&&w?.length==I||E(m,\`row \${r+1}: expected ${I} numbers\`,w),Array.from(w))),Array(R.length*Y),m);return R.map((_,r)=>o.slice(r*=Y,r+Y))}${K ? ',' : ';'}`,
  ];
  // the label of each row's largest probability, the first on a tie (the library's predictedLabels)
  if (K) lines.push(`predictedLabels=p=>(p?.map||E("predictedLabels","expected an array of rows",p),p.map((q,r)=>{q?.length==Y||E("predictedLabels",\`row \${r+1}: expected ${Y} values (one per class)\`,q);let b=0;for(let k=1;k<Y;k++)q[k]>q[b]&&(b=k);return classes[b]}));`);
  if (after) lines.push(after);
  lines.push(commonjs ? `module.exports={${names}};` : `export{${names}};`);
  return lines;
}
