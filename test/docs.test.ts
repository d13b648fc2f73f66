// The documentation cannot rot: every ```ts, ```js and ```sh block of README.md and docs/*.md runs
// against the built package (a scratch project where 'backprop-wasm' is this checkout's dist/ and
// `backprop` its CLI), in order, one folder per document, so a block may use the files an earlier
// one wrote. A ```text block right after a block is what it prints: its lines must match the output's,
// where a line `…` stands for any number of lines. A block marked `ts excerpt` (`js excerpt`,
// `sh excerpt`) is not run. The generated pages (docs/cli.md, docs/api.md, docs/library.md's options)
// must be fresh, every exported name must have a doc comment, and every relative link must resolve.
// The convention is written up for authors in docs/architecture.md, "Writing the docs".
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ROOT, scratchProject } from './scratch.js';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** Guides being written on other branches: links to them may dangle until those branches are merged. */
const PENDING = ['standalone.md', 'continue-training.md', 'csv-at-scale.md', 'training-toolkit.md', 'playground.md'].map((f) => `docs/${f}`);

interface Block { lang: string; excerpt: boolean; code: string; line: number; expected?: string }

/** The fenced blocks of a Markdown text, each with the ```text block that follows it, if any. */
function fencedBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(?:\s+(.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, excerpt: (open[2] ?? '').split(/\s+/).includes('excerpt'), code: body.join('\n'), line: start + 1 });
  }
  // A text block directly after another block (only blank lines between) is that block's output.
  for (let k = 1; k < blocks.length; k++) {
    const before = blocks[k - 1]!, block = blocks[k]!;
    const gap = lines.slice(before.line + before.code.split('\n').length + 1, block.line - 1);
    if (block.lang === 'text' && gap.every((l) => l.trim() === '')) before.expected = block.code;
  }
  return blocks;
}

/** Whether `actual`'s lines are `expected`'s, a line `…` standing for any number of lines (blank lines around and trailing spaces ignored). */
function matchesOutput(actual: string, expected: string): boolean {
  const norm = (s: string) => s.split('\n').map((l) => l.trimEnd()).join('\n').replace(/^\n+|\n+$/g, '').split('\n');
  const a = norm(actual), e = norm(expected);
  const memo = new Map<string, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    let ok: boolean;
    if (j === e.length) ok = i === a.length;
    else if (e[j]!.trim() === '…') ok = match(i, j + 1) || (i < a.length && match(i + 1, j));
    else ok = i < a.length && a[i] === e[j] && match(i + 1, j + 1);
    memo.set(key, ok);
    return ok;
  };
  return match(0, 0);
}

function run(block: Block, doc: string, dir: string, env: NodeJS.ProcessEnv): string {
  const base = join(dir, `${doc.replace(/\W/g, '_')}-${block.line}`);
  let command: string[];
  if (block.lang === 'sh') {
    writeFileSync(`${base}.sh`, block.code);
    command = ['bash', '-e', `${base}.sh`];
  } else {
    const js = block.lang === 'ts' ? transformSync(block.code, { loader: 'ts', format: 'esm', target: 'node20' }).code : block.code;
    writeFileSync(`${base}.mjs`, js);
    command = [process.execPath, `${base}.mjs`];
  }
  try {
    return execFileSync(command[0]!, command.slice(1), { cwd: dir, env, encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status: number | null; stdout: string; stderr: string };
    throw new Error(`${doc}:${block.line} (${block.lang}) exited ${err.status}:\n${err.stderr || err.stdout}`);
  }
}

describe.each(DOCS)('%s', (doc) => {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const runnable = fencedBlocks(text).filter((b) => ['ts', 'js', 'sh'].includes(b.lang) && !b.excerpt);
  let scratch: { dir: string; env: NodeJS.ProcessEnv } | undefined;
  const folder = () => { scratch ??= scratchProject(`docs/${doc.replace(/\W/g, '_')}`); return scratch; };

  it.each(runnable.map((b) => [`line ${b.line} (${b.lang})`, b] as const))('runs the block at %s', (_, block) => {
    const { dir, env } = folder();
    const out = run(block, doc, dir, env);
    if (block.expected !== undefined && !matchesOutput(out, block.expected)) {
      expect(`${doc}:${block.line} printed:\n${out}`).toBe(`${doc}:${block.line} printed:\n${block.expected}`);
    }
  });

  it('links only to files that exist (or guides still being written) and headings that exist', () => {
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [path, anchor] = target!.split('#');
      const file = path ? join(dirname(join(ROOT, doc)), path) : join(ROOT, doc);
      const relative = file.slice(ROOT.length);
      if (!existsSync(file)) { if (!PENDING.includes(relative)) broken.push(target!); continue; }
      if (anchor && file.endsWith('.md') && !headings(readFileSync(file, 'utf8')).includes(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });
});

/** GitHub's anchors of a Markdown text's headings. */
function headings(text: string): string[] {
  return [...text.matchAll(/^#{1,6} (.*)$/gm)].map(([, h]) => h!.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-'));
}

describe('the documentation as a whole', () => {
  it('the generated pages are fresh and every exported name has a doc comment (node scripts/docs.mjs --check)', () => {
    let out = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts/docs.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = (e as { stderr: string }).stderr;
    }
    expect(out).toBe('');
  });

  it('docs/README.md lists every guide in docs/, and README.md links to the index', () => {
    const index = readFileSync(join(ROOT, 'docs/README.md'), 'utf8');
    const guides = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(guides.filter((f) => !index.includes(`](${f})`))).toEqual([]);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('](docs/README.md)');
  });

  it('README.md is a front door: at most 200 lines, with the set-up commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('reads outputs as documented: `…` stands for any lines, nothing else is loose', () => {
    expect(matchesOutput('a\nb\nc\n', 'a\n…\nc')).toBe(true);
    expect(matchesOutput('a\nc', 'a\n…\nc')).toBe(true);
    expect(matchesOutput('a\nb\nc', 'a\nc')).toBe(false);
    expect(matchesOutput('\na \n', 'a')).toBe(true);
    expect(matchesOutput('a\nb', 'a\nB')).toBe(false);
  });
});
