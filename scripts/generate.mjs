// What the generators of the kernels' shared definitions (contract.mjs, tables.mjs) both do.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

/** A TypeScript module of src/, bundled and imported. */
export async function importSource(path) {
  const { outputFiles } = await build({ entryPoints: [path], write: false, format: 'esm', logLevel: 'warning' });
  return import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
}

/** Writes `text` to `file` unless it already holds it (so a build does not touch what did not change). */
export function writeIfChanged(file, text) {
  let old = '';
  try { old = readFileSync(file, 'utf8'); } catch { /* first build */ }
  if (old !== text) writeFileSync(file, text);
}
