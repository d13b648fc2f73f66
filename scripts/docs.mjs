// The documentation that is read off the code, so that it cannot drift from it:
//   docs/cli.md       every command's usage and flags, from the flag tables in src/cli/ (what --help prints)
//   docs/api.md       every name the package exports, with its declaration and doc comment, from the
//                     declarations the build emits (dist/types/*.d.ts keep the JSDoc comments)
//   docs/*.md         the tables between `<!-- options: Name -->` and `<!-- /options -->` (each option of
//                     interface Name, its type, doc comment and default; `options: Name own` leaves out
//                     what it inherits) and between `<!-- names: A B -->` and `<!-- /names -->` (the
//                     names list constants hold), from the same declarations
// `node scripts/docs.mjs` (npm run docs) writes them; `--check` writes nothing and exits 1 naming each
// stale file and each exported name without a doc comment. Needs a build (node scripts/build.mjs).
//
// Why not TypeDoc: it needs TypeScript ≤ 6's compiler API, and this project compiles with TypeScript 7,
// which has none. The emitted declarations are regular enough to read with the small scanner below.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => join(root, ...parts);

// ---------------------------------------------------------------------------------------------
// Declarations: top-level statements of a .d.ts with their doc comments.

/** Splits declaration text into top-level statements, each with the JSDoc comment just before it. */
export function statements(text) {
  const out = [];
  let i = 0, doc = '';
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (text.startsWith('/**', i)) { const end = text.indexOf('*/', i) + 2; doc = text.slice(i, end); i = end; continue; }
    if (text.startsWith('/*', i)) { i = text.indexOf('*/', i) + 2; continue; }
    if (text.startsWith('//', i)) { i = lineEnd(text, i); continue; }
    const start = i;
    const block = /^(export\s+)?(declare\s+)?(abstract\s+)?(interface|class|enum|namespace|module)\b/.test(text.slice(i, i + 80));
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (text.startsWith('/*', i)) { i = text.indexOf('*/', i) + 1; continue; }
      if (text.startsWith('//', i)) { i = lineEnd(text, i) - 1; continue; }
      if (ch === "'" || ch === '"' || ch === '`') { i = stringEnd(text, i); continue; }
      if ('{([<'.includes(ch) && !(ch === '<' && text[i + 1] === '=')) depth++;
      else if ('})]'.includes(ch) || (ch === '>' && text[i - 1] !== '=')) {
        depth--;
        if (ch === '}' && depth === 0 && block) { i++; break; }
      } else if (ch === ';' && depth === 0) { i++; break; }
    }
    out.push({ doc: cleanDoc(doc), code: text.slice(start, i).trim() });
    doc = '';
  }
  return out;
}

function lineEnd(text, i) {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : n;
}

function stringEnd(text, i) {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === q) return j;
  }
  return text.length;
}

/** A JSDoc comment's text, without the comment's markers. */
function cleanDoc(doc) {
  if (!doc) return '';
  return doc.replace(/^\/\*\*\s?/, '').replace(/\s*\*\/$/, '').split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
}

const DECLARATION = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:const|let|var|function|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;

/** What a declaration file declares, imports and exports. */
function readModule(file, cache) {
  if (cache.has(file)) return cache.get(file);
  const m = { file, locals: new Map(), imports: new Map(), exports: new Map(), stars: [] };
  cache.set(file, m);
  for (const s of statements(readFileSync(file, 'utf8'))) {
    const target = (from) => join(dirname(file), from.replace(/\.js$/, '.d.ts'));
    const declared = DECLARATION.exec(s.code);
    if (declared) {
      const name = declared[1];
      const previous = m.locals.get(name);
      // Overloads and a class's merged interface: one entry, every signature.
      m.locals.set(name, previous ? { ...previous, code: `${previous.code}\n${s.code}`, doc: previous.doc || s.doc } : { doc: s.doc, code: s.code, file });
      if (/^export\s/.test(s.code)) m.exports.set(name, { local: name });
      continue;
    }
    const star = /^export\s+\*\s+from\s+'([^']+)'/.exec(s.code);
    if (star) { m.stars.push(target(star[1])); continue; }
    const list = /^(import|export)\s+(?:type\s+)?\{([^}]*)\}(?:\s+from\s+'([^']+)')?/.exec(s.code);
    if (!list) continue;
    for (const item of list[2].split(',').map((x) => x.trim().replace(/^type\s+/, '')).filter(Boolean)) {
      const [original, alias = original] = item.split(/\s+as\s+/);
      if (list[1] === 'import') m.imports.set(alias, { from: target(list[3]), name: original });
      else m.exports.set(alias, list[3] ? { from: target(list[3]), name: original } : { local: original });
    }
  }
  return m;
}

/** Where `name`, as module `m` sees it, is declared: { doc, code, file }. */
function resolve(m, name, cache) {
  const local = m.locals.get(name);
  if (local) return local;
  const imported = m.imports.get(name);
  if (imported) return exportedBy(readModule(imported.from, cache), cache).get(imported.name);
  return undefined;
}

/** Every name a module exports, in order, with its declaration. */
function exportedBy(m, cache) {
  const names = new Map();
  for (const [alias, e] of m.exports) {
    names.set(alias, e.local !== undefined ? resolve(m, e.local, cache) : exportedBy(readModule(e.from, cache), cache).get(e.name));
  }
  for (const file of m.stars) for (const [name, d] of exportedBy(readModule(file, cache), cache)) if (!names.has(name)) names.set(name, d);
  return names;
}

/** The package's public names: the Node entry's, each marked when the browser entry lacks it. */
function publicApi() {
  const cache = new Map();
  const node = exportedBy(readModule(at('dist/types/node.d.ts'), cache), cache);
  const browser = exportedBy(readModule(at('dist/types/browser.d.ts'), cache), cache);
  return [...node].map(([name, d]) => ({ name, ...d, nodeOnly: !browser.has(name) }));
}

/** An interface's members (name, optional, type, doc), its own and those of what it extends. */
function members(api, name, seen = new Set(), inherit = true) {
  const decl = api.find((d) => d.name === name) ?? hidden(name);
  if (!decl || seen.has(name)) return [];
  seen.add(name);
  const head = /interface\s+\w+(?:<[^{]*?>)?\s+extends\s+([^{]+)\{/.exec(decl.code);
  const own = [];
  const body = decl.code.slice(decl.code.indexOf('{') + 1, decl.code.lastIndexOf('}'));
  for (const s of statements(body)) {
    const member = /^(readonly\s+)?([\w$]+)(\?)?\s*:\s*([\s\S]*);$/.exec(s.code);
    if (member) own.push({ name: member[2], optional: !!member[3], type: member[4].replace(/\s+/g, ' '), doc: s.doc });
  }
  const inherited = [];
  for (const parent of head && inherit ? splitTopLevel(head[1]) : []) {
    const omit = /^Omit<(\w+),\s*([^>]+)>$/.exec(parent.trim());
    const parentName = omit ? omit[1] : parent.trim().replace(/<.*$/, '');
    const left = omit ? omit[2].split('|').map((k) => k.trim().replace(/'/g, '')) : [];
    inherited.push(...members(api, parentName, seen).filter((mm) => !left.includes(mm.name)));
  }
  return [...own, ...inherited];
}

// Interfaces the entries do not export but whose members an exported one inherits.
const hiddenCache = new Map();
function hidden(name) {
  if (!hiddenCache.size) {
    const cache = new Map();
    for (const file of listDeclarations(at('dist/types'))) for (const [n, d] of readModule(file, cache).locals) hiddenCache.set(n, { name: n, ...d });
  }
  return hiddenCache.get(name);
}

function listDeclarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? listDeclarations(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
}

function splitTopLevel(text) {
  const parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') depth++;
    else if (text[i] === '>') depth--;
    else if (text[i] === ',' && depth === 0) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim());
}

// ---------------------------------------------------------------------------------------------
// docs/api.md

const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** A declaration as a reader wants it: private members left out, with their doc comments. */
function shown(code) {
  const out = [];
  let comment = [], inComment = false;
  for (const line of code.split('\n')) {
    const t = line.trim();
    if (inComment || t.startsWith('/**')) {
      comment.push(line);
      inComment = !t.endsWith('*/');
      continue;
    }
    if (!t.startsWith('private ')) out.push(...comment, line);
    comment = [];
  }
  return [...out, ...comment].join('\n');
}

function apiReference(api) {
  const byModule = new Map();
  for (const d of api) {
    const source = relative(at('dist/types'), d.file).replace(/\.d\.ts$/, '.ts');
    if (!byModule.has(source)) byModule.set(source, []);
    byModule.get(source).push(d);
  }
  const lines = [
    '# API reference',
    '',
    '<!-- Generated by `npm run docs` (scripts/docs.mjs) from the declarations the build emits; edit the doc comments in src/, not this file. -->',
    '',
    "Every name `import … from 'backprop-wasm'` gives, grouped by the source file that declares it, with its",
    'declaration and its doc comment. Names marked *(Node)* are in the Node entry only (they read or write',
    'files); the browser entry has all the others. The guides show them at work: [the library](library.md),',
    '[your own data](your-data.md), [models in and out](models.md), [the browser](browser.md),',
    '[seeing backprop](seeing-backprop.md).',
    '',
    ...[...byModule.keys()].map((source) => `- [src/${source}](#${anchor(`src/${source}`)}): ${byModule.get(source).map((d) => `\`${d.name}\``).join(', ')}`),
    '',
  ];
  for (const [source, decls] of byModule) {
    lines.push(`## src/${source}`, '');
    for (const d of decls) {
      lines.push(`### ${d.name}${d.nodeOnly ? ' *(Node)*' : ''}`, '');
      if (d.doc) lines.push(d.doc, '');
      lines.push('```ts excerpt', shown(d.code), '```', '');
    }
  }
  return lines.join('\n');
}

function anchor(heading) {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

// ---------------------------------------------------------------------------------------------
// The guides' tables of options and names

function optionsTable(api, name, own) {
  const rows = own ? members(api, name, new Set(), false) : members(api, name);
  if (!rows.length) throw new Error(`no interface ${name} with members in dist/types`);
  return [
    '| option | type | what it does (default) |',
    '|---|---|---|',
    ...rows.map((m) => `| \`${m.name}\`${m.optional ? '' : ' (required)'} | \`${cell(m.type)}\` | ${cell(m.doc) || '—'} |`),
  ].join('\n');
}

/** The names a list constant holds (`ACTIVATIONS`: 'linear', 'sigmoid', …), with its doc comment. */
function namesTable(api, names) {
  const rows = names.split(/\s+/).map((name) => {
    const d = api.find((a) => a.name === name);
    const list = d && /readonly \[([^\]]*)\]/.exec(d.code);
    if (!list) throw new Error(`${name} is not an exported list of names`);
    return `| \`${name}\` | ${cell(d.doc)} | ${list[1].split(',').map((v) => `\`${v.trim().replace(/'/g, '')}\``).join(', ')} |`;
  });
  return ['| list | what it holds | names |', '|---|---|---|', ...rows].join('\n');
}

function fillOptions(text, api) {
  return text
    .replace(/(<!-- options: (\w+)( own)? -->\n)[\s\S]*?(<!-- \/options -->)/g, (_, open, name, own, close) => `${open}${optionsTable(api, name, !!own)}\n${close}`)
    .replace(/(<!-- names: ([\w ]+) -->\n)[\s\S]*?(<!-- \/names -->)/g, (_, open, names, close) => `${open}${namesTable(api, names.trim())}\n${close}`);
}

// ---------------------------------------------------------------------------------------------
// docs/cli.md

/** The commands as src/cli/main.ts lists them, each with its flag table. */
async function cliCommands() {
  const files = readdirSync(at('src/cli')).filter((f) => f.endsWith('.ts') && f !== 'main.ts');
  const out = at(`build/docs-cli-${process.pid}.mjs`);
  mkdirSync(at('build'), { recursive: true });
  await build({
    stdin: { contents: files.map((f, k) => `export * as m${k} from './src/cli/${f}';`).join('\n'), resolveDir: root, loader: 'ts' },
    outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
  });
  let modules;
  try {
    modules = await import(`${pathToFileURL(out).href}?${Date.now()}`);
  } finally {
    rmSync(out, { force: true });
  }
  const exported = new Map();
  for (const ns of Object.values(modules)) for (const [name, value] of Object.entries(ns)) exported.set(name, value);
  const main = readFileSync(at('src/cli/main.ts'), 'utf8');
  const listed = /const commands: Command\[\] = \[([^\]]*)\]/.exec(main);
  if (!listed) throw new Error('src/cli/main.ts: no `const commands: Command[] = [...]` to read the commands from');
  return listed[1].split(',').map((s) => s.trim()).filter(Boolean).map((id) => {
    const c = exported.get(id);
    if (!c || typeof c.name !== 'string' || !Array.isArray(c.flags)) throw new Error(`src/cli/main.ts lists ${id}, which no module in src/cli/ exports as a command`);
    return c;
  });
}

function cliReference(commands) {
  const lines = [
    '# The command line',
    '',
    '<!-- Generated by `npm run docs` (scripts/docs.mjs) from the commands\' flag tables in src/cli/; edit those, not this file. -->',
    '',
    "After `npm install` the command is `npx backprop` (or `node dist/cli.js`). Every command has `--help`",
    "(also `backprop help <command>`), printed from the same tables as this page; `backprop --version` prints",
    'the version. A bad flag or value prints what was expected, naming the flag, and exits with status 1 before',
    "the run prints or writes anything: a flag given twice, a key given twice in a `KEY=V,…` value, a number not",
    "written in decimal (`--epochs 0x10`) or out of range (`--epochs 0: epochs: expected a positive integer`), a",
    'flag the run would not use. What the commands do, by task: [getting started](getting-started.md), [your own',
    'data](your-data.md), [models in and out](models.md), [seeing backprop](seeing-backprop.md), [speed](speed.md).',
    '',
    '| command | what it does |',
    '|---|---|',
    ...commands.map((c) => `| [\`${c.name}\`](#backprop-${c.name}) | ${cell(c.summary)} |`),
    '',
  ];
  for (const c of commands) {
    lines.push(`## backprop ${c.name}`, '', `${c.summary[0].toUpperCase()}${c.summary.slice(1)}.`.replace(/\.\.$/, '.'), '', '```text', `usage: ${c.usage}`);
    if (c.about) lines.push('', c.about);
    lines.push('```', '');
    for (const group of c.flags) {
      const flags = Object.entries(group.flags);
      if (!flags.length) continue;
      if (group.heading) lines.push(`**${group.heading.replace(/:$/, '')}**`, '');
      lines.push('| flag | what it does |', '|---|---|');
      for (const [name, flag] of flags) lines.push(`| \`--${name}${flag.value === undefined ? '' : ` ${flag.value}`}\` | ${cell(flag.help)} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

/** Each generated file's path and wanted text, and the exported names without a doc comment. */
export async function generate() {
  const api = publicApi();
  const cli = at('docs/cli.md'), reference = at('docs/api.md');
  const guides = readdirSync(at('docs')).filter((f) => f.endsWith('.md')).map((f) => at('docs', f)).filter((f) => f !== cli && f !== reference);
  return {
    files: [
      { path: cli, text: cliReference(await cliCommands()) },
      { path: reference, text: apiReference(api) },
      ...guides.map((path) => ({ path, text: fillOptions(readFileSync(path, 'utf8'), api) })),
    ],
    undocumented: api.filter((d) => !d.doc).map((d) => `${d.name} (src/${relative(at('dist/types'), d.file).replace(/\.d\.ts$/, '.ts')})`),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const { files, undocumented } = await generate();
  const problems = [];
  for (const f of files) {
    let now = '';
    try { now = readFileSync(f.path, 'utf8'); } catch {}
    if (now === f.text) continue;
    if (check) problems.push(`${relative(root, f.path)} is stale: run npm run docs`);
    else writeFileSync(f.path, f.text);
  }
  if (undocumented.length) problems.push(`exported without a doc comment: ${undocumented.join(', ')}`);
  for (const p of problems) console.error(p);
  process.exitCode = problems.length ? 1 : 0;
}
