// Fits with threads in many fresh processes, where a race between starting workers and growing the
// memory would show: each process trains a model on one thread (its code warm), then two new models
// on 2 threads — the first fit of each starts its workers, and each one's second fit, on 8 times the
// rows, grows the memory and starts them anew — then exits, while --loops busy loops (default 1) take
// a core, so that a worker is often not running when the memory grows. A process that does not end
// within --timeout seconds is reported as hanging (its threads waiting at a barrier for good: what a
// worker that trapped on memory it had not yet seen grow used to leave — 2 processes in 60 with the
// build before it was mended, none in 150 after); one that exits otherwise than 0, as failed. Exit 1
// if any hangs or fails. `npm run build && node scripts/threads-first-fits.mjs --processes 100`.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { processes: { type: 'string', default: '100' }, timeout: { type: 'string', default: '30' }, loops: { type: 'string', default: '1' } } });
const processes = Number(values.processes), timeout = Number(values.timeout) * 1000, loops = Number(values.loops);
if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes: expected a positive whole number, got ${values.processes}`);
if (!(timeout > 0)) throw new Error(`--timeout: expected seconds, got ${values.timeout}`);
if (!Number.isInteger(loops) || loops < 0) throw new Error(`--loops: expected a whole number of busy loops, got ${values.loops}`);

const FITS = `import(${JSON.stringify(new URL('../dist/node.js', import.meta.url).href)}).then(async ({ Model }) => {
let seed = 7;
const next = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
const x = Array.from({ length: 512 }, () => Array.from({ length: 128 }, next)), y = x.map((r) => [Math.tanh(r[0] + r[1])]);
const spec = { inputs: 128, layers: [{ units: 128, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 1 };
// a fit on one thread first: this thread's code warm, it reaches the first step sooner after the workers start
await new Model(spec).fit(x, y, { epochs: 10, batchSize: 64 });
for (const batchSize of [64, 256]) {
  const model = new Model(spec);
  await model.fit(x, y, { epochs: 3, batchSize, threads: 2 });
  await model.fit(Array.from({ length: 8 }, () => x).flat(), Array.from({ length: 8 }, () => y).flat(), { epochs: 1, batchSize, threads: 2 });
  model.dispose();
}
});
`;

/** One process: 'ok', 'hung' (killed after the timeout) or 'failed' with its exit code and the end of its stderr. */
function run() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', FITS], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ outcome: 'hung' }); }, timeout);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') resolve(code === 0 ? { outcome: 'ok' } : { outcome: 'failed', why: `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
}

const counts = { ok: 0, hung: 0, failed: 0 };
const start = performance.now();
const busy = Array.from({ length: loops }, () => spawn('sh', ['-c', 'while :; do :; done']));
for (let i = 1; i <= processes; i++) {
  const { outcome, why } = await run();
  counts[outcome]++;
  if (outcome !== 'ok') console.log(`process ${i}: ${outcome}${why ? ` (${why})` : ''}`);
  if (process.stderr.isTTY) process.stderr.write(`\r${i} of ${processes} processes${i === processes ? '\n' : ''}`);
}
for (const loop of busy) loop.kill();
console.log(`${processes} processes, ${4 * processes} fits on 2 threads (${2 * processes} of them a model's first, ${2 * processes} after the memory grew), ${loops} busy loop${loops === 1 ? '' : 's'} beside: ${counts.ok} ended, ${counts.hung} hung, ${counts.failed} failed (${((performance.now() - start) / 1000).toFixed(0)} s)`);
process.exitCode = counts.hung + counts.failed > 0 ? 1 : 0;
