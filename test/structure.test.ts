// The source tree's shape: no two files of src/ and web/ share a name, so a name says which file
// is meant (in an import, a stack trace, a review) without its folder.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

it('no two source files in src/ and web/ have the same name', () => {
  const byName = new Map<string, string[]>();
  for (const path of [...files(join(root, 'src')), ...files(join(root, 'web'))]) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    byName.set(name, [...(byName.get(name) ?? []), relative(root, path)]);
  }
  expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
});
