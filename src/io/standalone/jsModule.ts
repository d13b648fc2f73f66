// The js format: one module, no imports, whose math is the JS engine's own (src/io/standalone/runtime.ts,
// cut from src/engines/ at build time), so its outputs are `model.predict`'s to the bit. Loops over
// the layers: its size is the weights (5 characters per 4 bytes) plus what its activations need.
import { littleEndian, numbersOf, type Plan } from './plan.js';
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

/**
 * bytes (a multiple of 4) as base 85 text, 5 characters per little-endian 32-bit word, most
 * significant digit first; digit d is the character 35 + d, past the backslash (92) one more, so
 * the text needs no escape in a "…" string. 8% shorter than base64; DECODE_85 reads it back.
 */
function base85(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let out = '';
  for (let at = 0; at < bytes.length; at += 4) {
    let v = view.getUint32(at, true);
    const digits: number[] = [];
    for (let k = 0; k < 5; k++, v = Math.floor(v / 85)) digits.push(v % 85);
    for (let k = 4; k >= 0; k--) out += String.fromCharCode(35 + digits[k]! + (35 + digits[k]! >= 92 ? 1 : 0));
  }
  return out;
}

/** JS that writes the doubles of base85 text T into f[0 …): its words little-endian into f's bytes, then each double read back as such (so on any byte order). */
const DECODE_85 = '{let i=0,w=0,c,v=new DataView(f.buffer);for(;i<T.length;)c=T.charCodeAt(i++),w=w*85+c-35-(c>92),i%5||(v.setUint32(i/5*4-4,w,!0),w=0);for(i=0;i<T.length/10;i++)f[i]=v.getFloat64(8*i,!0)}';

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
  // each activation once, by its index in A; a softmax layer's z goes through linear first, as in the engine
  const acts: string[] = [];
  const index = (name: string) => {
    const fn = use(`act_${name}`, take);
    if (!acts.includes(fn)) acts.push(fn);
    return acts.indexOf(fn);
  };
  // dot's branch for under four inputs alone where no layer has more: what the engine runs there
  const dense = use(plan.layers.every((l) => l.inputs < 4) ? 'dense_narrow' : 'dense', take);
  const softmax = plan.layers.some((l) => l.activation === 'softmax') ? use('softmax', take) : undefined;
  // scratch after the numbers: the input row, then each layer's outputs (and a softmax layer's z)
  let at = values.length;
  const x = at;
  at += plan.inputs;
  let inp = x;
  const layers = plan.layers.map((l, i) => {
    const out = at;
    at += l.units;
    let z = 0;
    if (l.activation === 'softmax') {
      z = at;
      at += l.units;
    }
    const row = [l.inputs, l.units, offsets[i]!.kernel, offsets[i]!.bias, inp, out, l.activation === 'softmax' ? index('linear') : index(l.activation), z];
    inp = out;
    return row;
  });
  const I = plan.inputs, Y = plan.outputs;
  const statements = [...take].sort((a, b) => a - b).map((i) => JS_RUNTIME.statements[i]!);
  const scaleIn = scaler === undefined ? 'x[r*I+i]' : `(x[r*I+i]-f[${scaler}+i])/f[${scaler + I}+i]`;
  const scaleOut = targetScaler === undefined ? `f[${inp}+j]` : `f[${inp}+j]*f[${targetScaler + Y}+j]+f[${targetScaler}+j]`;
  const body = [
    '// backprop-wasm predictor',
    // the runtime's statements in their own scope; D: the engine's denseForward over f, S: its softmaxForward, A: the activations
    `const{D,S,A}=(()=>{${joined(statements)}return{D:${dense},S:${softmax ?? 0},A:[${acts.join(',')}]}})(),`,
    // the numbers, then the layers: [inputs, units, kernel, bias, in, out, activation, softmax's z]
    `f=new Float64Array(${at}),T="${base85(littleEndian(values))}",`,
    `L=${JSON.stringify(layers)},d=D(f,(z,k)=>A[k](z)),s=S&&S(f);`,
    DECODE_85,
    // rows of x through the layers, one at a time: scaled as predict scales them, out unscaled
    `function P(x,o,n){for(let r=0;r<n;r++){for(let i=0;i<I;i++)f[${x}+i]=${scaleIn};for(const[c,u,w,b,p,a,k,z]of L)${softmax ? 'z?(d(z,p,w,b,1,c,u,k),s(a,z,1,u)):' : ''}d(a,p,w,b,1,c,u,k);for(let j=0;j<Y;j++)o[r*Y+j]=${scaleOut}}}`,
    ...moduleTail(plan, commonjs),
  ];
  return `${body.join('\n')}\n`;
}

/**
 * What the js and wasm modules share: predictInto and predict over their P(x, out, rows), with
 * every input checked first (as the library's predict checks it, naming the row and column), the
 * names, a classifier's predictedLabels, and the exports (`ready` too where the module has one: a
 * CommonJS wasm module).
 */
/** A list of names as JS: written out, or the defaults (x0, x1, … or 0, 1, …) made by a loop where that is shorter. */
function nameList(list: string[], prefix: string): string {
  const written = JSON.stringify(list), loop = `Array.from({length:${list.length}},(_,i)=>"${prefix}"+i)`;
  return loop.length < written.length && list.every((n, i) => n === `${prefix}${i}`) ? loop : written;
}

export function moduleTail(plan: Plan, commonjs: boolean, ready = false): string[] {
  const K = plan.classes?.length;
  const names = ['predict', 'predictInto', 'inputs', 'outputs', 'featureNames', 'classes', ...(K ? ['predictedLabels'] : []), ...(ready ? ['ready'] : [])].join(',');
  // I, Y: inputs and outputs; E: throw; Q: a value as a message shows it; H: predictInto's checks (x's
  // cells finite numbers, out one row per row of x), then P; predict checks its rows, then calls H
  const lines = [
    `const I=${plan.inputs},Y=${plan.outputs},inputs=I,outputs=Y,featureNames=${nameList(plan.featureNames, 'x')},classes=${plan.classes ? nameList(plan.classes, '') : null},`,
    'E=m=>{throw new RangeError(m)},Q=v=>typeof v=="number"?v:JSON.stringify(v);',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the generated module's own template literals
    'function H(x,o,m){const n=x.length/I;n%1===0&&n&&o.length===n*Y||E(`${m}: expected x of rows*${I} numbers and out of rows*${Y}, got ${x.length} and ${o.length}`);for(let i=0;i<x.length;i++){const v=x[i];typeof v=="number"&&v-v===0||E(`${m}: row ${(i/I|0)+1}, column ${i%I+1} (${featureNames[i%I]}): expected a finite number, got ${Q(v)}`)}P(x,o,n);return o}',
    'function predictInto(x,o){return H(x,o,"predictInto")}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
    'function predict(R){Array.isArray(R)&&R.length||E(`predict: expected an array of rows, got ${Q(R)}`);const x=[];R.forEach((w,r)=>{Array.isArray(w)&&w.length===I||E(`predict: row ${r+1}: expected ${I} numbers, got ${Q(w)}`);for(let i=0;i<I;i++)x.push(w[i])});const o=H(x,new Float64Array(R.length*Y),"predict");return R.map((_,r)=>[...o.subarray(r*Y,r*Y+Y)])}',
  ];
  // the label of each row's largest probability, the first on a tie (the library's predictedLabels)
  // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
  if (K) lines.push('function predictedLabels(p){return p.map((q,r)=>{q.length===Y||E(`predictedLabels: row ${r+1} has ${q.length} values; expected one per class (${Y})`);let b=0;for(let k=1;k<Y;k++)q[k]>q[b]&&(b=k);return classes[b]})}');
  lines.push(commonjs ? `module.exports={${names}};` : `export{${names}};`);
  return lines;
}
