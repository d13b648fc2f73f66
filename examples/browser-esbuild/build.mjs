// Bundles main.js into public/app.js, and copies beside it what the library loads at run time from
// next to its bundle: the kernels (backprop.wasm, backprop-scalar.wasm) and the worker (worker.js).
// Then serve public/ with any static server.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'public');
mkdirSync(out, { recursive: true });
await build({ entryPoints: [join(here, 'main.js')], outfile: join(out, 'app.js'), bundle: true, format: 'esm', target: 'es2022', logLevel: 'warning' });
const dist = join(dirname(createRequire(import.meta.url).resolve('backprop-wasm/package.json')), 'dist');
for (const file of readdirSync(dist).filter((f) => f.endsWith('.wasm') || f === 'worker.js')) copyFileSync(join(dist, file), join(out, file));
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
