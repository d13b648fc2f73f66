// The lint rule against spreading arrays into calls (lint/spreadArguments.grit, registered in
// biome.json for src/ and web/): `Math.max(...rows)` pushes one argument per element onto the stack,
// and ~100,000 of them throw "Maximum call stack size exceeded". The rule runs here on planted files
// through the project's own biome.json, so a change that unregisters or weakens it fails this test.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
const dir = mkdtempSync(join(tmpdir(), 'backprop-spreads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Diagnostic { category: string; location: { path: string; start: { line: number } } }

/** `path:line` of each spread the rule flags under cwd (biome as `npm run lint` runs it; no git needed in a temp folder). */
function flagged(cwd: string, ...paths: string[]): string[] {
  const r = spawnSync(BIOME, ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', ...paths], { cwd, encoding: 'utf8' });
  const report = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
  return report.diagnostics.filter((d) => d.category === 'plugin').map((d) => `${d.location.path}:${d.location.start.line}`).sort();
}

// One line per case; a `// flag` comment marks the lines the rule must report.
const PLANTED = `const xs = [3, 1, 2];
declare const f: (...a: unknown[]) => void, g: ((...a: unknown[]) => void) | undefined, o: object;
declare class Box { constructor(...a: unknown[]); }
export function planted(out: number[], c: boolean): void {
  Math.max(...xs); // flag
  out.push(...xs.map((x) => x * 2)); // flag
  f(1, ...xs); // flag
  g?.(...xs); // flag
  new Box(...xs); // flag
  f(...(c ? xs : [])); // flag
  Math.min.apply(null, xs); // flag
  Reflect.apply(Math.min, null, xs); // flag
  f.call(null, ...xs); // flag
  Math.max(...[0, ...xs]); // flag
  Math.min(
    // a comment and line breaks do not hide it
    ...
    xs, // flag
  );
  f([...xs, 4]);
  f({ ...o });
  f(...[1, 2]);
  f(xs, [...xs]);
  f.apply(null, [1, 2]);
  Reflect.apply(f, null, [1, 2]);
}
`;

const flagLines = (text: string) => text.split('\n').flatMap((l, i) => (l.includes('// flag') ? [i + 1] : []));

describe('no spread of an array into a call', () => {
  it('flags spreads into call, new and apply arguments in src/ and web/, however formatted, and allows array literals', () => {
    // The project's biome.json and rule, unchanged, over a planted src/, web/ and test/.
    copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
    mkdirSync(join(dir, 'lint'));
    copyFileSync(join(ROOT, 'lint', 'spreadArguments.grit'), join(dir, 'lint', 'spreadArguments.grit'));
    for (const folder of ['src', 'web', 'test']) {
      mkdirSync(join(dir, folder));
      writeFileSync(join(dir, folder, 'planted.ts'), PLANTED);
    }
    // The multi-line case is reported where its spread starts.
    const lines = flagLines(PLANTED).map((l) => (PLANTED.split('\n')[l - 1]!.trim() === 'xs, // flag' ? l - 1 : l));
    expect(flagged(dir, 'src', 'web', 'test')).toEqual([...lines.map((l) => `src/planted.ts:${l}`), ...lines.map((l) => `web/planted.ts:${l}`)].sort());
  });

  it('finds none in src/ and web/ as they stand', () => {
    expect(flagged(ROOT, 'src', 'web')).toEqual([]);
    expect(readFileSync(join(ROOT, 'biome.json'), 'utf8')).toContain('./lint/spreadArguments.grit');
  });
});
