// The js format: one module, no imports, whose math is the JS engine's own (src/io/standalone/runtime.ts,
// cut from src/engines/ at build time), so its outputs are `model.predict`'s to the bit. Loops over
// the layers: its size is the weights (base64 of their f64 bytes) plus what its activations need.
import { littleEndian, numbersOf, type Plan } from './plan.js';
import { JS_RUNTIME } from './runtime.js';

/** The runtime's export `name`: its minified name, after the statements it needs are added to `take`. */
function use(name: string, take: Set<number>): string {
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
  const dense = use('dense', take);
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
    "// backprop-wasm's standalone predictor: model.predict's outputs, to the bit",
    // the runtime's statements in their own scope; D: the engine's denseForward over f, S: its softmaxForward, A: the activations
    `const{D,S,A}=(()=>{${statements.join('')}return{D:${dense},S:${softmax ?? 0},A:[${acts.join(',')}]}})(),`,
    // the numbers: base64 of their little-endian bytes
    `B=Uint8Array.from(atob("${base64(littleEndian(values))}"),c=>c.charCodeAt(0)),V=new DataView(B.buffer),f=new Float64Array(${at}),I=${I},Y=${Y},`,
    `L=${JSON.stringify(layers)},d=D(f,(z,k)=>A[k](z)),s=S&&S(f);`,
    'for(let i=0;i<B.length/8;i++)f[i]=V.getFloat64(8*i,!0);',
    // rows of x through the layers, one at a time: scaled as predict scales them, out unscaled
    `function P(x,o,n){for(let r=0;r<n;r++){for(let i=0;i<I;i++)f[${x}+i]=${scaleIn};for(const[c,u,w,b,p,a,k,z]of L)z?(d(z,p,w,b,1,c,u,k),s(a,z,1,u)):d(a,p,w,b,1,c,u,k);for(let j=0;j<Y;j++)o[r*Y+j]=${scaleOut}}}`,
    ...moduleTail(plan, commonjs),
  ];
  return `${body.join('\n')}\n`;
}

/**
 * What the js and wasm modules share: predictInto and predict over their P(x, out, rows), the names,
 * the exports (`ready` too where the module has one: a CommonJS wasm module).
 */
export function moduleTail(plan: Plan, commonjs: boolean, ready = false): string[] {
  const I = plan.inputs, Y = plan.outputs;
  const names = ['predict', 'predictInto', 'inputs', 'outputs', 'featureNames', 'classes', ...(ready ? ['ready'] : [])].join(',');
  return [
    `function predictInto(x,o){const n=x.length/${I};if(!(n>0&&n%1===0&&o.length===n*${Y}))throw new RangeError("predictInto(x, out): expected x of rows * ${I} numbers and out of rows * ${Y}");P(x,o,n);return o}`,
    `function predict(rows){const n=rows.length,x=new Float64Array(n*${I}),o=new Float64Array(n*${Y}),out=[];rows.forEach((row,r)=>{if(row.length!==${I})throw new RangeError("predict(rows): row "+r+" has "+row.length+" numbers, expected ${I}");x.set(row,r*${I})});P(x,o,n);for(let r=0;r<n;r++)out.push(Array.from(o.subarray(r*${Y},r*${Y}+${Y})));return out}`,
    `const inputs=${I},outputs=${Y},featureNames=${JSON.stringify(plan.featureNames)},classes=${JSON.stringify(plan.classes ?? null)};`,
    commonjs ? `module.exports={${names}};` : `export{${names}};`,
  ];
}
