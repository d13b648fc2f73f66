// Builds everything a clean clone needs: the kernels (assembly/ → build/*.wasm) and the bundles
// (src/ → dist/). Run by `npm install` (prepare), `npm start` and `npm test`.
import asc from 'assemblyscript/asc';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeKernelContract } from './contract.mjs';
import { writeOperationsDoc } from './operations-doc.mjs';
import { writePredictorActivations, writeStandaloneRuntime } from './standalone.mjs';
import { writeExpTable } from './tables.mjs';

// The kernels' side of the host–kernel contract, generated from src/contract.ts.
await writeKernelContract();
// exp's constants and table, generated from src/engines/math.ts.
await writeExpTable();
// docs/operations.md, generated from the operation rows.
await writeOperationsDoc();

// Two builds of the same kernels (asconfig.json): `release` with 128-bit SIMD, `scalar` for hosts
// without it; src/engines/wasm.ts picks one at load time.
for (const target of ['release', 'scalar']) {
  const { error, stderr } = await asc.main(['assembly/index.ts', '--target', target]);
  if (error) {
    console.error(stderr.toString());
    process.exit(1);
  }
}

// The standalone predictor (backprop export --format wasm): the kernels' forward pass alone, in the
// same two builds (its activations, one function each, generated first), then the runtimes every
// standalone format embeds (src/io/standalone/runtime.ts).
await writePredictorActivations();
for (const [file, simd] of [['predictor', true], ['predictor-scalar', false]]) {
  const { error, stderr } = await asc.main([
    'assembly/predictor.ts', '--config', 'assembly/predictor.json', '--outFile', `build/${file}.wasm`, '--textFile', `build/${file}.wat`,
    ...(simd ? ['--enable', 'simd'] : []),
  ]);
  if (error) {
    console.error(stderr.toString());
    process.exit(1);
  }
}
await writeStandaloneRuntime();

await build({
  entryPoints: { node: 'src/node.ts', cli: 'src/cli/main.ts', 'worker-node': 'src/worker/nodeWorker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

// CommonJS apps `require` the Node entry: the same bundle as CJS, import.meta.url taken from __filename.
await build({
  entryPoints: { node: 'src/node.ts' },
  outExtension: { '.js': '.cjs' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// The browser: the library as one ES module (dist/browser.js) and WorkerTrainer's module worker
// (dist/worker.js) with every kernel build beside them, where src/browser.ts fetches them from.
// esbuild's browser platform refuses Node built-ins.
await build({
  entryPoints: { browser: 'src/browser.ts', worker: 'src/worker/browserWorker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  logLevel: 'warning',
});
for (const file of readdirSync('build').filter((f) => f.endsWith('.wasm'))) copyFileSync(join('build', file), join('dist', file));

// The demo page (web/ → dist/web/) and its worker (training and maps): their scripts import dist/browser.js itself, not a copy of the library.
const useBrowserBundle = {
  name: 'use-browser-bundle',
  setup(b) {
    b.onResolve({ filter: /\/src\/browser\.js$/ }, () => ({ path: '../browser.js', external: true }));
  },
};
await build({
  entryPoints: ['web/page.ts', 'web/pageWorker.ts', 'web/style.css'],
  outdir: 'dist/web',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  plugins: [useBrowserBundle],
  logLevel: 'warning',
});
for (const page of ['index.html', 'embed.html']) copyFileSync(join('web', page), join('dist/web', page));

// TypeScript declarations of both entries (dist/types/node.d.ts, dist/types/browser.d.ts) for package.json's exports.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
