// A scratch folder that stands for a user's project: `import … from 'backprop-wasm'` there resolves to
// this checkout's built package (node_modules/backprop-wasm links to it, so package.json's exports pick
// dist/), and `backprop` (node_modules/.bin, on its PATH: `npx backprop` too) is the built CLI. The doc tests and the examples run in one each.
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `tools`: development dependencies of this checkout the project uses too (esbuild, vite), linked in. */
export function scratchProject(name: string, tools: string[] = []): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(ROOT, 'test-output', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules/backprop-wasm'), 'dir');
  for (const tool of tools) symlinkSync(join(ROOT, 'node_modules', tool), join(dir, 'node_modules', tool), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  const shim = join(dir, 'node_modules/.bin/backprop');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/cli.js')}" "$@"\n`);
  chmodSync(shim, 0o755);
  return { dir, env: { ...process.env, PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH}`, NO_COLOR: '1' } };
}
