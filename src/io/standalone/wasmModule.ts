// The wasm format: assembly/predictor.ts (the kernels' forward pass, built once with them) with the
// model added as a data segment by writing the binary — no compiler at export time — and a small
// ES module that instantiates it (the SIMD build where the host runs SIMD, else the scalar one, both
// inlined) and exports predict / predictInto like the js format.
import { keepsZ } from '../../layout.js';
import { ACTIVATIONS } from '../../contract.js';
import type { Network } from '../../spec.js';
import { base64, moduleTail } from './jsModule.js';
import { littleEndian, numbersOf, type Plan } from './plan.js';
import { PREDICTOR_WASM } from './runtime.js';

/** Rows one call into the module takes; predictInto feeds more in slices of this many. */
export const WASM_CAPACITY = 64;
// assembly/predictor.ts's layout: the header's address at MODEL, the header's words, a layer's words
const MODEL = 0, HEADER = 32, LAYER = 28;
const INLINE = ['linear', 'sigmoid', 'tanh', 'relu'];

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let n = 0, scale = 1;
  for (;;) {
    const b = bytes[at++]!;
    n += (b & 0x7f) * scale;
    scale *= 128;
    if (!(b & 0x80)) return [n, at];
  }
}

interface Section { id: number; body: Uint8Array }

function sections(module: Uint8Array): Section[] {
  const out: Section[] = [];
  for (let at = 8; at < module.length;) {
    const id = module[at]!;
    const [size, start] = readLeb(module, at + 1);
    out.push({ id, body: module.subarray(start, start + size) });
    at = start + size;
  }
  return out;
}

/** The end of the module's active data segments (each `i32.const offset`), where the model may start. */
function dataEnd(data: Uint8Array): { count: number; end: number } {
  let [count, at] = readLeb(data, 0), end = 0;
  for (let s = 0; s < count; s++) {
    if (data[at] !== 0 || data[at + 1] !== 0x41) throw new Error('predictor module: expected active data segments at i32.const offsets');
    let offset = 0, shift = 0, b: number;
    at += 2;
    do {
      b = data[at++]!;
      offset |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    at++; // end
    let size: number;
    [size, at] = readLeb(data, at);
    end = Math.max(end, offset + size);
    at += size;
  }
  return { count, end };
}

function segment(offset: number, bytes: Uint8Array): number[] {
  const out = [0x00, 0x41, ...sleb(offset), 0x0b, ...leb(bytes.length)];
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
  return out;
}

/** The predictor module (`simd`: the SIMD build) with the plan's model in its memory. */
export function wasmModule(plan: Plan, network: Network, simd: boolean): Uint8Array {
  const module = Uint8Array.from(atob(PREDICTOR_WASM[simd ? 'simd' : 'scalar']), (c) => c.charCodeAt(0));
  const parts = sections(module);
  const data = parts.find((s) => s.id === 11);
  if (!data) throw new Error('predictor module: no data section');
  const { count, end } = dataEnd(data.body);
  const { values, offsets, scaler, targetScaler } = numbersOf(plan);
  // header, the numbers, then the scratch: x, out, each hidden layer's a, each z
  const h = Math.ceil(Math.max(end, 16) / 16) * 16;
  const numbers = (h + HEADER + LAYER * plan.layers.length + 15) & ~15;
  let at = numbers + values.length * 8;
  const take = (doubles: number) => {
    const start = at;
    at += doubles * 8;
    return start;
  };
  const x = take(WASM_CAPACITY * plan.inputs), out = take(WASM_CAPACITY * plan.outputs);
  const words = [plan.layers.length, plan.inputs, plan.outputs, x, out, WASM_CAPACITY,
    scaler === undefined ? 0 : numbers + scaler * 8, targetScaler === undefined ? 0 : numbers + targetScaler * 8];
  plan.layers.forEach((l, i) => {
    const last = i === plan.layers.length - 1;
    const a = last ? 0 : take(WASM_CAPACITY * l.units);
    // as assembly/index.ts's predict: through z where the layer keeps it and its activation is not applied inline
    const z = keepsZ(network, i) && !INLINE.includes(l.activation) ? take(WASM_CAPACITY * l.units) : 0;
    const code = ACTIVATIONS.indexOf(l.activation);
    words.push(l.units, l.inputs, code, numbers + offsets[i]!.kernel * 8, numbers + offsets[i]!.bias * 8, a, z);
  });
  const header = new Uint8Array(numbers - h), view = new DataView(header.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  const pointer = new Uint8Array(4);
  new DataView(pointer.buffer).setUint32(0, h, true);
  const model = new Uint8Array(header.length + values.length * 8);
  model.set(header);
  model.set(littleEndian(values), header.length);
  const pages = Math.ceil(at / 65536);
  const body = (s: Section): number[] => {
    if (s.id === 5) return [1, 0x00, ...leb(pages)]; // one memory, min pages, no max
    if (s.id === 12) return leb(count + 2);
    if (s.id === 11) return [...leb(count + 2), ...data.body.subarray(readLeb(data.body, 0)[1]), ...segment(MODEL, pointer), ...segment(h, model)];
    return [...s.body];
  };
  const bytes: number[] = [...module.subarray(0, 8)];
  for (const s of parts) {
    const b = body(s);
    bytes.push(s.id);
    for (const v of leb(b.length)) bytes.push(v);
    for (let i = 0; i < b.length; i++) bytes.push(b[i]!);
  }
  return Uint8Array.from(bytes);
}

// The smallest module using SIMD (as src/engines/wasm.ts probes): it validates only where the host runs SIMD.
const SIMD_PROBE = 'AGFzbQEAAAABBQFgAAF7AwIBAAoWARQA/QwAAAAAAAAAAAAAAAAAAAAACw==';

export function wasmPredictor(plan: Plan, network: Network, commonjs: boolean): string {
  const I = plan.inputs, Y = plan.outputs;
  const simd = base64(wasmModule(plan, network, true)), scalar = base64(wasmModule(plan, network, false));
  const lines = [
    "// backprop-wasm's standalone predictor: model.predict's outputs, to the bit",
    `const I=${I},Y=${Y},C=${WASM_CAPACITY},b=s=>Uint8Array.from(atob(s),c=>c.charCodeAt(0)),`,
    `B=WebAssembly.validate(b("${SIMD_PROBE}"))?"${simd}":"${scalar}";`,
    // top-level await in the ES module; the CommonJS module exports `ready` instead
    commonjs ? 'let e,m,X,O;const ready=WebAssembly.instantiate(b(B)).then(r=>{e=r.instance.exports;m=new Float64Array(e.memory.buffer);' : 'const e=(await WebAssembly.instantiate(b(B))).instance.exports,m=new Float64Array(e.memory.buffer),',
  ];
  // x and out: the header's words 3 and 4, read from the module's memory
  const addresses = 'h=new Uint32Array(e.memory.buffer,new Uint32Array(e.memory.buffer,0,1)[0],5)';
  if (commonjs) lines.push(`const ${addresses};X=h[3]/8;O=h[4]/8});`);
  else lines.push(`${addresses},X=h[3]/8,O=h[4]/8;`);
  // P: rows of x through the module, C at a time
  lines.push('function P(x,o,n){for(let r=0;r<n;r+=C){const k=Math.min(C,n-r);for(let i=0;i<k*I;i++)m[X+i]=x[r*I+i];e.predict(k);for(let i=0;i<k*Y;i++)o[r*Y+i]=m[O+i]}}');
  for (const line of moduleTail(plan, commonjs, commonjs)) lines.push(line);
  return `${lines.join('\n')}\n`;
}
