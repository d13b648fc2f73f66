// Writes src/io/standalone/runtime.ts: the standalone JavaScript predictor's math as minified
// snippets, cut from the JS engine's own sources (src/engines/js.ts, src/engines/math.ts) so an
// exported predictor computes what `model.predict` computes, to the bit, without a second copy of
// the math to keep in step. Each activation is one snippet holding only what it needs (a linear
// layer carries no exp), so an export's size is its weights plus what its activations use.
// Also the WASM predictor (assembly/predictor.ts, built) and the C runtime (src/io/standalone/predict.c,
// a port of the same functions, with math.ts's constants) as text.
import { build, transform } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importSource, writeIfChanged } from './generate.mjs';

// the shortest literal of a double, as the js export writes its weights
const { numberLiteral } = await importSource(fileURLToPath(new URL('../src/io/standalone/numberLiteral.ts', import.meta.url)));

/** The statement of `text` that starts at `start`: to its closing brace at depth 0 (a function) or its `;`. */
function statementAt(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) - 1;
    else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0 && c === '}' && /^\s*(export\s+)?function/.test(text.slice(start, start + 40))) return text.slice(start, i + 1);
    } else if (c === ';' && depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`src/engines/js.ts: no end to the statement at ${text.slice(start, start + 60)}`);
}

/**
 * `text` with `from` (a string or a pattern) replaced by `to`, where the engine's source still has
 * it (else the rewrite would silently not apply: an error naming what is missing); `check` then
 * looks at the result.
 */
function edited(text, from, to, check) {
  if (typeof from === 'string' ? !text.includes(from) : text.search(from) < 0) {
    throw new Error(`src/engines/js.ts: no \`${from}\` in ${text.slice(0, 40)}…; the standalone runtime rewrites it (scripts/standalone.mjs)`);
  }
  const out = text.replace(from, to);
  check?.(out);
  return out;
}

/** Every declaration at `indent` (functions and consts): name → its text. */
function declarations(text, indent) {
  const out = new Map();
  const re = new RegExp(`^${indent}(?:export )?(function|const|let) `, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const statement = statementAt(text, m.index + indent.length);
    if (m[1] === 'function') out.set(/function (\w+)/.exec(statement)[1], statement);
    else for (const [, name] of statement.replace(/^\s*(const|let)\s+/, '').matchAll(/(?:^|,)\s*(\w+)\s*=/g)) out.set(name, statement);
  }
  return out;
}

/** The statements of `decls` that `code` needs, transitively, in their order in the source. */
function needed(code, decls) {
  const take = new Set();
  const visit = (c) => {
    for (const [id] of c.matchAll(/[A-Za-z_$][\w$]*/g)) {
      const d = decls.get(id);
      if (d && !take.has(d)) {
        take.add(d);
        visit(d);
      }
    }
  };
  visit(code);
  return [...new Set(decls.values())].filter((d) => take.has(d)).join('\n');
}

/** The body of `case NAME:` in `fn`'s switch: up to the next case or default at the same depth. */
function caseBody(fn, name) {
  const at = fn.search(new RegExp(`case ${name}:`));
  if (at < 0) return undefined;
  let depth = 0, i = fn.indexOf(':', at) + 1;
  const start = i;
  for (; i < fn.length; i++) {
    const c = fn[i];
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && /^\s(case |default:)/.test(fn.slice(i, i + 10))) break;
  }
  return fn.slice(start, i).trim();
}

// math.ts's constants are calls (fromBits, expTable): marked pure, those a snippet does not use go.
const pureConstants = {
  name: 'pure-constants',
  setup(b) {
    b.onLoad({ filter: /engines[\\/]math\.ts$/ }, (args) => ({
      loader: 'ts',
      contents: readFileSync(args.path, 'utf8').replace(/^(export )?const .*$/gm, (line) => line.replace(/=\s*(?=(new\s+)?[A-Za-z_$][\w$.]*\()/g, '= /* @__PURE__ */ ')),
    }));
  },
};

/** A number as a literal that reads back as the same double (String() round-trips; signs and infinities aside). */
function literal(v) {
  if (Object.is(v, -0)) return '-0';
  if (v === Infinity || v === -Infinity) return v > 0 ? '1/0' : '-1/0';
  return String(v);
}

/**
 * The shortest source of a declared constant: its shortest literal, or a quotient where that is the
 * same double (IEEE division rounds once: math.ts's own `1 / 6` and `EXP_N / Math.LN2` are written so).
 */
function shortest(v) {
  // 1/n (exp's 1/6), n/ln 2 (exp's 128/ln 2): each the same double only where one division gives it
  const n = Math.round(1 / v), m = Math.round(v * Math.LN2);
  const forms = [numberLiteral(v)];
  if (Number.isSafeInteger(n) && Object.is(1 / n, v)) forms.push(`1/${n}`);
  if (Number.isSafeInteger(m) && m !== 0 && Object.is(m / Math.LN2, v)) forms.push(`${m}/Math.LN2`);
  return forms.reduce((a, b) => (b.length < a.length ? b : a));
}

/**
 * The engine's tables exp reads, built by shorter code: 2^(i/128) from 2^(1/128) in 123-bit fixed
 * point (its square roots taken here, at build time; the engine carries 200 bits: from 120 on, every
 * entry comes out the same) rather than from the square roots themselves, head and tail each rounded
 * by Number(bigint) (to nearest) and scaled by 1/2^123 (exact: a power of two); and the powers of
 * two by doubling from 2^-1023 (1/2^1023, exact) rather than from their bits, each written with
 * BigInt's exact powers of two, shorter than their decimals. shorter() holds each to the engine's
 * values, every entry, bit for bit.
 */
function tableSources(P = 123n) {
  const root = (a) => { // ⌊√a⌋, as expTable's
    let x = a, y = (x + 1n) >> 1n;
    while (y < x) [x, y] = [y, (y + a / y) >> 1n];
    return x;
  };
  let step = 2n << P;
  for (let i = 0; i < 7; i++) step = root(step << P);
  // v: 2^(i/128)·2^P; h: its head (even i), the rest rounded its tail (odd i), each scaled by u = 2^-P
  const table = `((v,h,u=1/Number(v))=>new Float64Array(256).map((_,i)=>i%2?(i=v-BigInt(h),v=v*0x${step.toString(16)}n>>${P}n,Number(i)*u):(h=Number(v))*u))(1n<<${P}n)`;
  return {
    TABLE: table,
    exp_table: table,
    POW2: '(v=>new Float64Array(2046).map(_=>v*=2))(1/Number(1n<<1023n))',
  };
}

/**
 * The statements with the same values written shorter, so an export carries less: a constant that is
 * a number becomes its literal (its fromBits(…) call, and all that only it needed, drop out), and
 * the tables of tableSources() replace the engine's code for them. Not a constant that is made from
 * a typed array's bytes (the platform's byte order): that one stays code. Returns the statements
 * and those constants, `numbers` (name → value).
 */
function shorter(list, declared) {
  const names = declared.map((d) => [...d]);
  // (a name the pattern took from inside a function is not at the top: undefined)
  const values = new Function(`${list.join('\n')}\nreturn {${names.flat().map((n) => `${n}: typeof ${n} === 'undefined' ? undefined : ${n}`).join(',')}};`)();
  const sources = tableSources();
  const numbers = new Map();
  const statements = list.map((t, i) => {
    const n = names[i];
    if (t.startsWith('function') || t.startsWith('class')) return t;
    const source = n.length === 1 ? sources[n[0]] : undefined;
    if (source !== undefined) {
      const want = values[n[0]], got = new Function(`return ${source}`)();
      const same = got.length === want.length && new Uint8Array(got.buffer).every((b, k) => b === new Uint8Array(want.buffer)[k]);
      if (!same) throw new Error(`scripts/standalone.mjs: the shorter code for ${n[0]} does not give the engine's values`);
      return `var ${n[0]} = ${source};`;
    }
    if (/\bnew\b|buffer/.test(t) || !n.every((name) => typeof values[name] === 'number')) return t;
    for (const name of n) numbers.set(name, values[name]);
    return `var ${n.map((name) => `${name} = ${literal(values[name])}`).join(', ')};`;
  });
  return { statements, numbers };
}

/** The names a `var`/`let`/`const` statement declares: those before an `=` at its top level (not a function's locals inside it). */
function declarators(t) {
  const names = [];
  let depth = 0, start = t.indexOf(' ') + 1;
  for (let i = start; i < t.length; i++) {
    const c = t[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && (c === ',' || c === ';')) start = i + 1;
    else if (depth === 0 && c === '=' && start >= 0 && t[i + 1] !== '=' && t[i + 1] !== '>') {
      names.push(t.slice(start, i).trim());
      start = -1;
    }
  }
  return names;
}

/** An identifier where it names a variable: not a property (after a dot) nor an object key (before a colon). */
const IDENTIFIER = /(?<![\w$.])[A-Za-z_$][\w$]*(?![\w$])(?!\s*:(?!:))/g;

/** A number literal as it can stand for a name in any expression: in parentheses unless it is one unsigned token. */
const operand = (text) => (/^[\d.][\w.+-]*$/.test(text) ? text : `(${text})`);

/**
 * The number constants written where they are used (a declaration and a name fewer) where that is
 * shorter: those used once, or twice when short. Each use becomes the literal, or where shortest()
 * writes it as a quotient a placeholder, `__inline_NAME`, which the minifier leaves alone (it would
 * fold 1/6 into 18 digits) and literals() then writes as that quotient. Returns the statements
 * without the inlined constants' declarations (one declaration per constant left) and those constants.
 */
function inlined(list, numbers) {
  const count = new Map();
  for (const t of list) for (const [id] of t.matchAll(IDENTIFIER)) count.set(id, (count.get(id) ?? 0) + 1);
  // each constant is counted once where it is declared; a name is one or two characters
  const inline = new Map([...numbers].filter(([name, v]) => {
    const uses = count.get(name) - 1, text = shortest(v);
    return uses * (operand(text).length - 1) < text.length + 3;
  }));
  const out = [];
  for (const t of list) {
    const declares = t.startsWith('var ') ? declarators(t) : [];
    if (declares.length > 0 && declares.every((n) => numbers.has(n))) {
      for (const n of declares) if (!inline.has(n)) out.push(`var ${n} = ${literal(numbers.get(n))};`);
    } else {
      // a literal as itself (the minifier folds 128 - 1), a quotient as a placeholder
      const use = (id) => (shortest(inline.get(id)).includes('/') ? `__inline_${id}` : operand(literal(inline.get(id))));
      out.push(t.replace(IDENTIFIER, (id) => (inline.has(id) ? use(id) : id)));
    }
  }
  return { list: out, inline };
}

/**
 * The placeholders of inlined() as their constants' literals: a quotient (1/6) bare where nothing
 * before it binds as tightly as its division (after `(`, `+`, `,`…), else in parentheses.
 */
function literals(t, inline) {
  return t.replace(/(?<=(.?))__inline_([\w$]+)/g, (_, before, name) => {
    const text = shortest(inline.get(name));
    return /^\d+\/\d+$/.test(text) && '(,=+-?:'.includes(before) && before !== '' ? text : operand(text);
  });
}

/** The indices of the statements that declare `roots` and all they use, transitively, in order. */
function reaching(list, declared, roots) {
  const take = new Set();
  const visit = (id) => {
    list.forEach((t, i) => {
      if (!take.has(i) && declared[i].has(id)) {
        take.add(i);
        for (const [u] of t.matchAll(IDENTIFIER)) visit(u);
      }
    });
  };
  for (const r of roots) visit(r);
  return [...take].sort((a, b) => a - b);
}

/**
 * The js export's own top-level names, which it declares in one scope with the runtime's statements
 * (src/io/standalone/jsModule.ts checks that it declares no other): the runtime never takes one.
 */
const MODULE_NAMES = ['I', 'Y', 'F', 'f', 'E', 'H', 'P'];

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The i-th of a, b, … Z, a0, b0, …: never a keyword (do, if, in are two letters without a digit). */
function shortName(i) {
  return i < LETTERS.length ? LETTERS[i] : LETTERS[i % LETTERS.length] + Math.floor(i / LETTERS.length - 1).toString(36);
}

/**
 * `source` (TypeScript beside src/engines/js.ts, exporting `exports`) bundled and minified as its
 * top-level statements, each with the statements it needs: an export holds the statements of the
 * activations it uses, once each, however many share them (exp, fromBits).
 */
async function statements(source, exports) {
  const { outputFiles } = await build({
    stdin: { contents: source, resolveDir: 'src/engines', loader: 'ts' },
    bundle: true, write: false, format: 'esm', target: 'es2020',
    plugins: [pureConstants], logLevel: 'warning',
  });
  const text = outputFiles[0].text;
  const tail = /^export \{([^}]*)\};\s*$/m.exec(text);
  const local = new Map(tail[1].split(',').map((e) => e.trim().split(/\s+as\s+/)).map(([l, e]) => [e ?? l, l]));
  // top-level statements start at column 0 with a keyword (esbuild's printer); comments are dropped
  let list = text.slice(0, tail.index).split(/\n(?=(?:var|let|const|function|class)\b)/)
    .map((t) => t.replace(/^\s*\/\/.*$/gm, '').trim()).filter((t) => t !== '');
  const declaredBy = (t) => new Set(t.startsWith('function') ? [/^function\s+([\w$]+)/.exec(t)[1]] : declarators(t));
  let declared = list.map(declaredBy);
  const { statements: shortened, numbers } = shorter(list, declared);
  // only what some export reaches (not the engine's code for the tables tableSources() rewrote)
  const live = reaching(shortened, declared, exports.map((e) => local.get(e))).map((i) => shortened[i]);
  const { list: kept, inline } = inlined(live, numbers);
  list = kept;
  declared = list.map(declaredBy);
  // The top-level names, short: the same in every statement, so any subset of them fits together.
  const names = [...new Set(declared.flatMap((d) => [...d]))];
  // never a name the source already uses (its locals: i, k, r, …), nor one the js export's own code
  // declares beside the runtime's (src/io/standalone/jsModule.ts: MODULE_NAMES)
  const taken = new Set([...list.join('\n').match(/[A-Za-z_$][\w$]*/g), ...MODULE_NAMES]);
  const free = [];
  for (let i = 0; free.length < names.length; i++) if (!taken.has(shortName(i))) free.push(shortName(i));
  const short = new Map(names.map((n, i) => [n, free[i]]));
  const rename = (t) => t.replace(IDENTIFIER, (id) => short.get(id) ?? id);
  const result = Object.fromEntries(exports.map((e) => [e, { name: short.get(local.get(e)), needs: reaching(list, declared, [local.get(e)]) }]));
  list = list.map((t) => arrow(rename(t)));
  // a number constant as shortest() writes it (the minifier would fold 1/6 back into 18 digits)
  const constant = (t) => /^var ([\w$]+) = ([^,;]*);$/.exec(t);
  const compact = await Promise.all(list.map(async (t) => {
    const c = constant(t), name = c && [...short].find(([, s]) => s === c[1])?.[0];
    return name !== undefined && numbers.has(name) ? `var ${c[1]}=${shortest(numbers.get(name))};` : literals((await transform(t, { minify: true, target: 'es2020' })).code.trim(), inline);
  }));
  // each export's statements, in order, run as a module runs them (over an f of its own): none uses
  // what a later one declares (arrow() took the hoisting away), and the export is then defined
  for (const [e, part] of Object.entries(result)) {
    const got = new Function('f', `${part.needs.map((i) => compact[i]).join('\n')}\nreturn ${part.name};`)(new Float64Array(0));
    if (got === undefined) throw new Error(`scripts/standalone.mjs: the runtime's ${e} is undefined after its statements run`);
  }
  return { statements: compact, exports: result };
}

/**
 * A function declaration as a `var` of an arrow function, which the minifier writes shorter (in the
 * module's one `var` list, a lone \`return\` as the arrow's expression): the same function where it
 * uses no \`this\` or \`arguments\`, and where nothing runs it before its statement (statements()
 * runs each export's statements in order to see that).
 */
function arrow(t) {
  const m = /^function ([\w$]+)\(/.exec(t);
  if (!m || /\b(this|arguments)\b/.test(t)) return t;
  // the parameters' closing parenthesis
  let i = m[0].length, depth = 1;
  for (; depth > 0; i++) depth += t[i] === '(' ? 1 : t[i] === ')' ? -1 : 0;
  return `var ${m[1]} = ${t.slice(m[0].length - 1, i)} => ${t.slice(i).trim()};`;
}

/** The C runtime's constants: math.ts's (its fromBits words, exp's, the table) and the activations' from js.ts, as exact hex floats. */
async function cConstants(root, top) {
  const { hexFloat } = await importSource(`${root}/src/io/standalone/hexFloat.ts`);
  const m = await importSource(`${root}/src/engines/math.ts`);
  const math = readFileSync(`${root}/src/engines/math.ts`, 'utf8');
  const value = (hi, lo) => new DataView(new Uint32Array([Number(lo), Number(hi)]).buffer).getFloat64(0, true);
  const lines = [`#define BP_EXP_N ${m.EXP_N}`];
  for (const name of ['EXP_SHIFT', 'EXP_INV_LN2_N', 'EXP_LN2_HI_N', 'EXP_LN2_LO_N', 'EXP_C2', 'EXP_C3', 'EXP_C4', 'EXP_C5', 'EXP_FAST']) lines.push(`static const double bp_${name} = ${hexFloat(m[name])};`);
  for (const [, name, hi, lo] of math.matchAll(/(\w+) = fromBits\((0x[0-9a-f]+), (0x[0-9a-f]+)\)/g)) {
    if (!name.startsWith('EXP_')) lines.push(`static const double bp_${name} = ${hexFloat(value(hi, lo))};`);
  }
  const names = ['SELU_ALPHA', 'SELU_SCALE', 'SQRT1_2'];
  const statements = [...new Set(names.map((n) => top.get(n)))].join('\n');
  const js = new Function(`${statements}\nreturn { ${names.join(', ')} };`)();
  for (const name of names) lines.push(`static const double bp_${name} = ${hexFloat(js[name])};`);
  const table = Array.from(m.expTable(), hexFloat);
  lines.push(`static const double bp_EXP_TABLE[${table.length}] = {`);
  for (let i = 0; i < table.length; i += 4) lines.push(`  ${table.slice(i, i + 4).join(', ')},`);
  lines.push('};');
  return lines.join('\n');
}

/**
 * Writes assembly/predictorActivations.ts: for each activation but softmax (a row's: predictor.ts's
 * softmax) a function that applies it in place to n values, through the kernels' own activate with
 * the code a constant, so each function holds that activation's code alone.
 */
export async function writePredictorActivations(root = '.') {
  const { ACTIVATIONS } = await importSource(`${root}/src/contract.ts`);
  const constant = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  // leakyRelu's slope is its layer's: the kernels' leaky_relu_forward with the alpha the exporter gives it
  const list = ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'leakyRelu');
  const text = [
    '// Generated from src/contract.ts by scripts/standalone.mjs at every build: edit that file, not this one.',
    '// z: [n] becomes act(z) in place, one function per activation (assembly/predictor.ts).',
    "import { activate2, activateInline, leakyReluForward } from './activations';",
    `import { ${list.map(constant).join(', ')} } from './contract';`,
    '',
    '// The SIMD build takes sigmoid and relu two at a time, as activate2 does in dense_forward (the same bits).',
    '@inline',
    'function each(z: usize, n: i32, act: i32): void {',
    '  const end = z + (<usize>n << 3);',
    '  let at = z;',
    '  if (ASC_FEATURE_SIMD && (act == SIGMOID || act == RELU)) for (; at + 16 <= end; at += 16) v128.store(at, activate2(v128.load(at), act));',
    '  for (; at < end; at += 8) store<f64>(at, activateInline(load<f64>(at), act));',
    '}',
    '',
    ...list.map((a) => `export function act_${a}(z: usize, n: i32): void { each(z, n, ${constant(a)}); }`),
    'export function act_leakyRelu(z: usize, n: i32, alpha: f64): void { leakyReluForward(z, z, n, alpha); }',
    '',
  ].join('\n');
  writeIfChanged(`${root}/assembly/predictorActivations.ts`, text);
}

export async function writeStandaloneRuntime(root = '.') {
  const { ACTIVATIONS } = await importSource(`${root}/src/contract.ts`);
  const js = readFileSync(`${root}/src/engines/js.ts`, 'utf8');
  const top = declarations(js, '');
  const engine = top.get('openJsEngine');
  const inner = declarations(engine.slice(engine.indexOf('{') + 1), '  ');
  const codes = new Map();
  for (const [, id, name] of js.matchAll(/(\w+) = ACTIVATIONS\.indexOf\('(\w+)'\)/g)) codes.set(name, id);
  const parts = [];
  for (const name of ACTIVATIONS) {
    if (name === 'softmax') continue; // a whole row's operation: softmaxForward below
    const id = codes.get(name);
    // leakyRelu's slope is its layer's: the engine's leakyRelu(z, alpha) itself, to which the module
    // gives its layer's alpha
    if (name === 'leakyRelu') {
      parts.push('export { leakyRelu as act_leakyRelu };');
      continue;
    }
    const body = id && (caseBody(top.get('activate'), id) ?? caseBody(top.get('activateMore'), id));
    if (!body) throw new Error(`src/engines/js.ts: activate() has no case for the activation '${name}'; the standalone predictor needs one`);
    // a case that only calls a function of z is that function (sigmoid, not z => sigmoid(z))
    const call = /^return (\w+)\(z\);$/.exec(body.trim());
    parts.push(call ? `export { ${call[1]} as act_${name} };` : `export const act_${name} = (z: number): number => { ${body} };`);
  }
  // The engine's own dense_forward (its dot's order) and softmax, as top-level functions over the
  // module's array f (one of MODULE_NAMES: the runtime never declares it), each for one row: the
  // predictor runs its rows one at a time, so the loop over r and each `+ r * n` go (r is 0). A
  // layer's activation comes as the function itself (act(z), not activate(z, act): no switch).
  const oneRow = (fn) => edited(edited(edited(fn, /rows: number, /, ''), /for \(let r = 0; r < rows; r\+\+\)/, ''), / \+ r \* \w+/g, '', (t) => {
    if (/\b(r|rows)\b/.test(t)) throw new Error('src/engines/js.ts: the standalone runtime takes r (the row) out of a batch function and finds it still used (scripts/standalone.mjs)');
  });
  // dot for the model at hand, its branches decided by the inputs of its layers where they all agree
  // (the minifier then drops the dead code): dense_wide where every layer has four inputs or more
  // (the loop alone), dense_narrow_LH where they have L to H (under four: the short branch alone,
  // its `n > 1` and `n > 2` true or false where L and H decide them), and dense, all of it, for a mix
  const dot = inner.get('dot');
  const decided = (text, test, value) => (value === undefined ? edited(text, test, test) : edited(text, test, `if (${value})`));
  const narrow = /if \(n < 4\) \{([^}]*return sum;)\s*\}/.exec(dot);
  if (!narrow) throw new Error('src/engines/js.ts: dot() has no `if (n < 4) { … return sum; }` branch; the narrow standalone dense needs one');
  const denseOf = (name, dotSource) => [
    edited(dotSource, 'function dot(', `function ${name}_dot(`),
    [['function denseForward(', `export function ${name}(`], ['act: number', 'act: (z: number) => number'], [/activate\((.*), act\)/, 'act($1)'], ['dot(', `${name}_dot(`]]
      .reduce((t, [from, to]) => edited(t, from, to), oneRow(inner.get('denseForward'))),
  ].join('\n');
  const variants = [denseOf('dense', dot), denseOf('dense_wide', decided(dot, 'if (n < 4)', false))];
  for (let low = 1; low <= 3; low++) {
    for (let high = low; high <= 3; high++) {
      const branch = [1, 2].reduce((t, k) => decided(t, `if (n > ${k})`, low > k ? true : high <= k ? false : undefined), narrow[1]);
      variants.push(denseOf(`dense_narrow_${low}${high}`, `${dot.slice(0, dot.indexOf('{') + 1)}${branch}\n}`));
    }
  }
  const source = [
    'declare const f: Float64Array;',
    "import { exp, expm1, log, log1p, tanh, erf, expTable } from './math.js';",
    // exp's table, which the wasm predictor's loader writes into the module's memory
    'export const exp_table = expTable();',
    needed(parts.join('\n'), top),
    ...parts,
    ...variants,
    inner.get('rowMax'),
    edited(oneRow(inner.get('softmaxForward')), 'function softmaxForward(', 'export function softmax('),
  ].join('\n');
  const runtime = await statements(source, [...ACTIVATIONS.filter((a) => a !== 'softmax').map((a) => `act_${a}`), ...variants.map((v) => /export function (\w+)/.exec(v)[1]), 'softmax', 'exp_table']);
  const c = readFileSync(`${root}/src/io/standalone/predict.c`, 'utf8').replace(/^\/\* @constants.*$/m, await cConstants(root, top));
  const wasm = {
    simd: readFileSync(`${root}/build/predictor.wasm`).toString('base64'),
    scalar: readFileSync(`${root}/build/predictor-scalar.wasm`).toString('base64'),
  };
  const text = [
    '// Generated from src/engines/js.ts, src/engines/math.ts, build/predictor*.wasm and src/io/standalone/predict.c by',
    '// scripts/standalone.mjs at every build: edit those files, not this one.',
    '',
    '/**',
    ' * The JS predictor\'s runtime as minified top-level statements, and for each export (every activation',
    ' * but softmax: the JS engine\'s activate for it, leakyRelu its leakyRelu(z, alpha); `dense`: its',
    ' * denseForward for one row, (out, in, kernel, bias, inputs, units, act) with act a function of z, over',
    ' * the module\'s array f; `dense_wide`, `dense_narrow_LH`: the same with dot\'s branches decided for',
    ' * layers of four inputs or more, or of L to H under four; `softmax`: its softmaxForward for one row,',
    ' * (out, z, units), over f; `exp_table`: exp\'s table, a Float64Array) its minified name and the',
    ' * statements it needs; and the names the runtime leaves to the module around it (`moduleNames`).',
    ' */',
    'export const JS_RUNTIME: { statements: string[]; moduleNames: string[]; exports: Record<string, { name: string; needs: number[] }> } = {',
    '  statements: [',
    ...runtime.statements.map((t) => `    ${JSON.stringify(t)},`),
    '  ],',
    `  moduleNames: ${JSON.stringify(MODULE_NAMES)},`,
    '  exports: {',
    ...Object.entries(runtime.exports).map(([name, part]) => `    ${name}: ${JSON.stringify(part)},`),
    '  },',
    '};',
    '',
    '/** assembly/predictor.ts built (build/predictor.wasm, build/predictor-scalar.wasm), base64. */',
    `export const PREDICTOR_WASM = ${JSON.stringify(wasm, null, 2)};`,
    '',
    '/** The C predictor\'s runtime: src/io/standalone/predict.c with its constants. */',
    `export const C_RUNTIME = ${JSON.stringify(c)};`,
    '',
  ].join('\n');
  writeIfChanged(`${root}/src/io/standalone/runtime.ts`, text);
}
