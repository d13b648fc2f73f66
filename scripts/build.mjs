// Builds everything a clean clone needs: the kernels (assembly/ → build/*.wasm) and the bundles
// (src/ → dist/). Run by `npm install` (prepare), `npm start` and `npm test`.
import asc from 'assemblyscript/asc';
import { build } from 'esbuild';

const { error, stderr } = await asc.main(['assembly/index.ts', '--target', 'release']);
if (error) {
  console.error(stderr.toString());
  process.exit(1);
}

await build({
  entryPoints: { node: 'src/node.ts', cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
