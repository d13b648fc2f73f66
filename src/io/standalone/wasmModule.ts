// The wasm format: assembly/predictor.ts (the kernels' forward pass as separate functions, built once
// with them) cut down to the functions the model reaches, with a `predict` written here that calls
// them layer by layer (the model's addresses as constants) and the model as a data segment — by
// writing the binary, no compiler at export time — and a small ES module that instantiates it and
// exports predict / predictInto like the js format. exp's table (2 KB) is not shipped: the loader
// computes it (the JS engine's expTable, the same bits) and writes it where the module reads it.
import { ACTIVATIONS } from '../../contract.js';
import { expTable } from '../../engines/math.js';
import { ByteWriter } from '../bytes.js';
import { base64, moduleTail, use } from './jsModule.js';
import { littleEndian, numbersOf, type Plan } from './plan.js';
import { JS_RUNTIME, PREDICTOR_WASM } from './runtime.js';

/** Rows one call into the module takes; predictInto feeds more in slices of this many. */
const WASM_CAPACITY = 64;

/** A cursor over a module's bytes, reading LEB128 numbers. */
class Reader {
  constructor(readonly bytes: Uint8Array, public at = 0) {}
  u(): number {
    let n = 0, scale = 1, b: number;
    do {
      b = this.bytes[this.at++]!;
      n += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return n;
  }
  /** Signed; exact to 32 bits (the i32 constants), longer ones (i64) only skipped. */
  s(): number {
    let n = 0, shift = 0, b: number;
    do {
      b = this.bytes[this.at++]!;
      if (shift < 32) n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? n | (-1 << shift) : n;
  }
}

interface Body {
  bytes: Uint8Array;
  /** Each `call`: the callee and where its index lies in bytes. */
  calls: { callee: number; start: number; end: number }[];
  /** The i32 constants and memory offsets it names: the addresses of the static data it may read. */
  addresses: number[];
}

/**
 * One function body decoded instruction by instruction (the MVP's, sign extension's, saturating
 * truncation's, bulk memory's and SIMD's: what the predictor's two builds hold). An instruction it
 * does not know is an error at export, and in the tests, never a misread.
 */
function decodeBody(bytes: Uint8Array): Body {
  const r = new Reader(bytes), calls: Body['calls'] = [], addresses: number[] = [];
  for (let groups = r.u(); groups > 0; groups--) {
    r.u();
    r.at++;
  }
  const memarg = () => {
    r.u();
    addresses.push(r.u());
  };
  const unknown = (what: string) => new Error(`predictor module: instruction ${what} is not read here (src/io/standalone/wasmModule.ts)`);
  while (r.at < bytes.length) {
    const op = bytes[r.at++]!;
    if (op >= 0x02 && op <= 0x04) { // block, loop, if: a block type
      if (bytes[r.at] === 0x40 || bytes[r.at]! >= 0x7b) r.at++;
      else r.s();
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x24)) r.u(); // br, br_if, locals, globals
    else if (op === 0x0e) for (let n = r.u() + 1; n > 0; n--) r.u(); // br_table
    else if (op === 0x10) {
      const start = r.at, callee = r.u();
      calls.push({ callee, start, end: r.at });
    } else if (op === 0x1c) r.at += r.u(); // typed select
    else if (op >= 0x28 && op <= 0x3e) memarg(); // loads and stores
    else if (op === 0x3f || op === 0x40) r.at++; // memory.size, memory.grow
    else if (op === 0x41) addresses.push(r.s());
    else if (op === 0x42) r.s();
    else if (op === 0x43) r.at += 4;
    else if (op === 0x44) r.at += 8;
    else if (op === 0xfc) {
      const sub = r.u();
      if (sub === 10) r.at += 2; // memory.copy
      else if (sub === 11) r.at++; // memory.fill
      else if (sub > 7) throw unknown(`0xfc ${sub}`);
    } else if (op === 0xfd) {
      const sub = r.u();
      if (sub <= 11 || sub === 92 || sub === 93) memarg();
      else if (sub === 12 || sub === 13) r.at += 16; // v128.const, i8x16.shuffle
      else if (sub >= 21 && sub <= 34) r.at++; // lanes
      else if (sub >= 84 && sub <= 91) {
        memarg();
        r.at++;
      }
    } else if (op === 0x11 || op === 0x12 || op === 0x13 || (op >= 0x06 && op <= 0x09) || op === 0x25 || op === 0x26 || op >= 0xd0 && op <= 0xd2) throw unknown(`0x${op.toString(16)}`);
  }
  return { bytes, calls, addresses };
}

interface Parsed {
  sections: Map<number, Uint8Array>;
  types: Uint8Array[];
  functionTypes: number[];
  exports: Map<string, number>;
  bodies: Body[];
  segments: { offset: number; bytes: Uint8Array }[];
}

/** The predictor build's sections: its types, functions, exported functions, bodies and active data segments. */
function parse(module: Uint8Array): Parsed {
  const sections = new Map<number, Uint8Array>();
  for (let r = new Reader(module, 8); r.at < module.length;) {
    const id = module[r.at++]!, size = r.u();
    if (id !== 0) sections.set(id, module.subarray(r.at, r.at + size));
    r.at += size;
  }
  for (const id of sections.keys()) if (![1, 3, 5, 7, 10, 11, 12].includes(id)) throw new Error(`predictor module: section ${id} is not expected`);
  const vector = <T>(id: number, item: (r: Reader) => T): T[] => {
    const bytes = sections.get(id);
    if (!bytes) return [];
    const r = new Reader(bytes), out: T[] = [];
    for (let n = r.u(); n > 0; n--) out.push(item(r));
    return out;
  };
  const types = vector(1, (r) => {
    const start = r.at;
    r.at++; // 0x60
    r.at += r.u();
    r.at += r.u();
    return r.bytes.subarray(start, r.at);
  });
  const functionTypes = vector(3, (r) => r.u());
  const exports = new Map(vector(7, (r) => {
    const length = r.u(), name = new TextDecoder().decode(r.bytes.subarray(r.at, r.at + length));
    r.at += length;
    const kind = r.bytes[r.at++]!, index = r.u();
    return [kind === 0 ? name : '', index] as const;
  }).filter(([name]) => name !== ''));
  const bodies = vector(10, (r) => {
    const size = r.u(), body = decodeBody(r.bytes.subarray(r.at, r.at + size));
    r.at += size;
    return body;
  });
  const segments = vector(11, (r) => {
    if (r.bytes[r.at] !== 0 || r.bytes[r.at + 1] !== 0x41) throw new Error('predictor module: expected active data segments at i32.const offsets');
    r.at += 2;
    const offset = r.s();
    r.at++; // end
    const size = r.u(), bytes = r.bytes.subarray(r.at, r.at + size);
    r.at += size;
    return { offset, bytes };
  });
  return { sections, types, functionTypes, exports, bodies, segments };
}

const EXP_TABLE_BYTES = littleEndian(expTable());

/** Where exp's table sits in the module's memory: found by its bytes in the memory the data segments make. */
function tableAddress(segments: Parsed['segments']): number {
  const end = segments.reduce((e, s) => Math.max(e, s.offset + s.bytes.length), 0);
  const image = new Uint8Array(end + EXP_TABLE_BYTES.length);
  for (const s of segments) image.set(s.bytes, s.offset);
  search: for (let at = 0; at <= end; at += 8) {
    for (let k = 0; k < EXP_TABLE_BYTES.length; k++) if (image[at + k] !== EXP_TABLE_BYTES[k]) continue search;
    return at;
  }
  throw new Error("predictor module: exp's table is not in its data");
}

/** What an export holds of the plan: the module, and what its loader needs (addresses, exp's table). */
interface PredictorModule {
  module: Uint8Array;
  /** x: [capacity][inputs] and out: [capacity][outputs], byte addresses. */
  x: number;
  out: number;
  /** Where the loader writes exp's table, or undefined when no function kept reads it. */
  table: number | undefined;
}

/** An argument of a call in predict: an i32 constant, the rows (local 0), or raw instructions. */
type Arg = number | typeof ROWS | Uint8Array;
const ROWS = 'rows';
const I32_MUL = Uint8Array.of(0x6c);

/** The predictor module (`simd`: the SIMD build) cut to the plan's functions, with its predict and its model. */
export function wasmModule(plan: Plan, simd: boolean): PredictorModule {
  const built = Uint8Array.from(atob(PREDICTOR_WASM[simd ? 'simd' : 'scalar']), (c) => c.charCodeAt(0));
  const p = parse(built);
  const fn = (name: string): number => {
    const f = p.exports.get(name);
    if (f === undefined) throw new Error(`predictor module: no function '${name}' (assembly/predictor.ts)`);
    return f;
  };
  // the memory: the build's static data, then the model's numbers, then x and each layer's outputs
  const table = tableAddress(p.segments);
  const staticEnd = p.segments.reduce((e, s) => Math.max(e, s.offset + s.bytes.length), table + EXP_TABLE_BYTES.length);
  const { values, offsets, scaler, targetScaler } = numbersOf(plan);
  const numbers = Math.ceil(staticEnd / 16) * 16;
  let at = numbers + values.length * 8;
  const take = (doubles: number) => {
    const start = at;
    at += doubles * 8;
    return start;
  };
  const x = take(WASM_CAPACITY * plan.inputs);
  // predict(rows): each call's arguments as constants (i32.const), rows (local 0) where a count is, or raw instructions
  const calls: { callee: number; args: Arg[] }[] = [];
  if (scaler !== undefined) calls.push({ callee: fn('standardize'), args: [x, numbers + scaler * 8, ROWS, plan.inputs] });
  let inp = x;
  for (const [l, layer] of plan.layers.entries()) {
    const out = take(WASM_CAPACITY * layer.units);
    calls.push({ callee: fn('dense'), args: [out, inp, numbers + offsets[l]!.kernel * 8, numbers + offsets[l]!.bias * 8, ROWS, layer.inputs, layer.units] });
    if (layer.activation === 'softmax') calls.push({ callee: fn('softmax'), args: [out, ROWS, layer.units] });
    else if (layer.activation !== 'linear') {
      if (!ACTIVATIONS.includes(layer.activation)) throw new Error(`predictor module: no activation '${layer.activation}'`);
      // rows · units values (i32.mul); leakyRelu's slope after them, its layer's, every bit (f64.const)
      const alpha = layer.activation === 'leakyRelu' ? [new ByteWriter().byte(0x44).bytes(littleEndian(Float64Array.of(layer.alpha!))).written] : [];
      calls.push({ callee: fn(`act_${layer.activation}`), args: [out, ROWS, layer.units, I32_MUL, ...alpha] });
    }
    inp = out;
  }
  if (targetScaler !== undefined) calls.push({ callee: fn('unstandardize'), args: [inp, numbers + targetScaler * 8, ROWS, plan.outputs] });
  // the functions kept: those predict calls and all they call, in the build's order
  const kept = new Set<number>();
  const visit = (f: number) => {
    if (kept.has(f)) return;
    kept.add(f);
    for (const call of p.bodies[f]!.calls) visit(call.callee);
  };
  for (const call of calls) visit(call.callee);
  const order = [...kept].sort((a, b) => a - b), index = new Map(order.map((f, i) => [f, i]));
  // the static data a kept function names (trimmed of leading zeros by the build: an address up to 16 bytes before counts)
  const named = order.flatMap((f) => p.bodies[f]!.addresses);
  const readsTable = named.some((a) => a >= table && a < table + EXP_TABLE_BYTES.length);
  const segments = p.segments.filter((s) => (s.offset < table || s.offset >= table + EXP_TABLE_BYTES.length)
    && named.some((a) => a >= s.offset - 16 && a < s.offset + s.bytes.length));
  segments.push({ offset: numbers, bytes: littleEndian(values) });

  const module = new ByteWriter().bytes(built.subarray(0, 8));
  const section = (id: number, write: (w: ByteWriter) => void) => module.byte(id).sized(write);
  const name = (w: ByteWriter, s: string) => {
    const b = new TextEncoder().encode(s);
    w.u(b.length).bytes(b);
  };
  // a kept function's body, each call's callee renumbered
  const body = (w: ByteWriter, f: number) => {
    const b = p.bodies[f]!;
    let from = 0;
    for (const call of b.calls) {
      w.bytes(b.bytes.subarray(from, call.start)).u(index.get(call.callee)!);
      from = call.end;
    }
    w.bytes(b.bytes.subarray(from));
  };
  const predict = (w: ByteWriter) => {
    w.byte(0); // no locals
    for (const { callee, args } of calls) {
      for (const a of args) {
        if (a === ROWS) w.byte(0x20).byte(0);
        else if (typeof a === 'number') w.byte(0x41).s(a);
        else w.bytes(a);
      }
      w.byte(0x10).u(index.get(callee)!);
    }
    w.byte(0x0b);
  };
  section(1, (w) => {
    w.u(p.types.length + 1);
    for (const t of p.types) w.bytes(t);
    w.bytes([0x60, 1, 0x7f, 0]); // predict: (i32) → ()
  });
  section(3, (w) => {
    w.u(order.length + 1);
    for (const f of order) w.u(p.functionTypes[f]!);
    w.u(p.types.length);
  });
  section(5, (w) => w.bytes([1, 0x00]).u(Math.ceil(at / 65536))); // one memory, its pages, no maximum
  section(7, (w) => {
    w.u(2);
    name(w, 'predict');
    w.byte(0).u(order.length);
    name(w, 'memory');
    w.byte(2).byte(0);
  });
  if (p.sections.has(12)) section(12, (w) => w.u(segments.length));
  section(10, (w) => {
    w.u(order.length + 1);
    for (const f of order) w.sized((b) => body(b, f));
    w.sized(predict);
  });
  section(11, (w) => {
    w.u(segments.length);
    for (const s of segments) w.byte(0).byte(0x41).s(s.offset).byte(0x0b).u(s.bytes.length).bytes(s.bytes);
  });
  return { module: module.written, x, out: inp, table: readsTable ? table : undefined };
}

/** Whether the SIMD build computes anything its own way for this plan: only dense over four inputs or more does. */
export function simdWins(plan: Plan): boolean {
  return plan.layers.some((l) => l.inputs >= 4);
}

// The smallest module using SIMD (as src/engines/wasm.ts probes): it validates only where the host runs SIMD.
const SIMD_PROBE = 'AGFzbQEAAAABBQFgAAF7AwIBAAoWARQA/QwAAAAAAAAAAAAAAAAAAAAACw==';

export function wasmPredictor(plan: Plan, commonjs: boolean): string {
  const scalar = wasmModule(plan, false), simd = simdWins(plan) ? wasmModule(plan, true) : undefined;
  const take = new Set<number>();
  // exp's table, as the JS engine makes it: the loader's, written into memory (the same address in both builds' layouts is not assumed)
  const tableExpr = scalar.table !== undefined || simd?.table !== undefined ? use('exp_table', take) : undefined;
  const statements = [...take].sort((a, b) => a - b).map((i) => JS_RUNTIME.statements[i]!);
  const choose = (pick: (w: PredictorModule) => string) => (simd ? `S?${pick(simd)}:${pick(scalar)}` : pick(scalar));
  const lines = [
    '// backprop-wasm predictor (WebAssembly)',
    `const C=${WASM_CAPACITY},b=s=>Uint8Array.from(atob(s),c=>c.charCodeAt(0)),S=${simd ? `WebAssembly.validate(b("${SIMD_PROBE}"))` : 0},`,
    `W=b(${choose((w) => `"${base64(w.module)}"`)}),X=${choose((w) => String(w.x / 8))},O=${choose((w) => String(w.out / 8))},A=${choose((w) => String((w.table ?? 0) / 8))};`,
  ];
  // the table: the JS runtime's code for it, in its own scope
  const fill = tableExpr ? `m.set((()=>{${statements.join('')}return ${tableExpr}})(),A);` : '';
  // top-level await in the ES module; the CommonJS module exports `ready` instead
  if (commonjs) lines.push(`let e,m;const ready=WebAssembly.instantiate(W).then(r=>{e=r.instance.exports;m=new Float64Array(e.memory.buffer);${fill}});`);
  else lines.push(`const e=(await WebAssembly.instantiate(W)).instance.exports,m=new Float64Array(e.memory.buffer);${fill}`);
  // P: rows of x through the module, C at a time
  // (the CommonJS module's exports are there before its instance: a call before `ready` says so)
  lines.push(`function P(x,o,n){${commonjs ? 'if(!e)throw Error("the WebAssembly module is not ready yet: await its `ready` first");' : ''}for(let r=0;r<n;r+=C){const k=Math.min(C,n-r);for(let i=0;i<k*I;i++)m[X+i]=x[r*I+i];e.predict(k);for(let i=0;i<k*Y;i++)o[r*Y+i]=m[O+i]}}`);
  for (const line of moduleTail(plan, commonjs, commonjs)) lines.push(line);
  return `${lines.join('\n')}\n`;
}
