// Writes docs/operations.md from the operation rows (src/operations/doc.ts); the build runs it, and
// test/operations.test.ts fails when the file in the tree is not what the rows say.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { writeIfChanged } from './generate.mjs';

export async function writeOperationsDoc(root = '.') {
  // bundled, unlike generate.mjs's importSource: the rows import the modules whose checks they hold
  const { outputFiles } = await build({ entryPoints: [`${root}/src/operations/doc.ts`], bundle: true, platform: 'neutral', write: false, format: 'esm', logLevel: 'warning' });
  const { operationsDoc } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
  mkdirSync(`${root}/docs`, { recursive: true });
  writeIfChanged(`${root}/docs/operations.md`, operationsDoc());
}
