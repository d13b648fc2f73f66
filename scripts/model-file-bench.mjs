// The model file at scale (issue 19's targets): a 10-million-parameter model saves and loads in under
// 3 s each, each process peaking below 2× the parameters' float64 size + 150 MB. Each measurement runs
// in a process of its own, so that its peak resident memory (maxRSS) is its own. `backprop predict` of
// one row from the saved file is timed too: the whole command, which reads the model file once.
// Usage: node scripts/model-file-bench.mjs [--params-only]  (after node scripts/build.mjs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// 1000 → 3000 → 2330 → 1: 9,997,661 parameters
const SPEC = { inputs: 1000, layers: [{ units: 3000, activation: 'relu' }, { units: 2330, activation: 'relu' }, { units: 1 }], loss: 'mse' };
const entry = new URL('../dist/node.js', import.meta.url).href;

const [, , role, file] = process.argv;
if (role === 'save' || role === 'save-state') {
  const { Model, saveModel } = await import(entry);
  const model = new Model({ ...SPEC, seed: 1 });
  // A checkpoint: one adam step on one row gives every optimizer array a value.
  if (role === 'save-state') model.trainOnBatch(new Float64Array(1000).fill(0.5), new Float64Array([1]), { optimizer: 'adam', engine: 'js' });
  const before = process.resourceUsage().maxRSS;
  const start = performance.now();
  await saveModel(file, model, { features: Array.from({ length: 1000 }, (_, i) => `x${i}`), target: 'y' });
  report(start, before);
} else if (role === 'load') {
  const { loadModel } = await import(entry);
  const before = process.resourceUsage().maxRSS;
  const start = performance.now();
  const { model } = await loadModel(file);
  if (model.countParams() < 1) throw new Error('no parameters');
  report(start, before);
} else if (role === 'predict') {
  const csv = join(dirname(file), 'one.csv');
  writeFileSync(csv, `${Array.from({ length: 1000 }, (_, i) => `x${i}`).join(',')}\n${new Array(1000).fill(0.5).join(',')}\n`);
  // The command as a user runs it (dist/cli.js runs its argv on import); the report is the last line
  process.argv = [process.argv[0], 'backprop', 'predict', file, csv, '--out', join(dirname(file), 'predictions.csv')];
  const before = process.resourceUsage().maxRSS;
  const start = performance.now();
  process.on('exit', (code) => { if (code === 0) report(start, before); });
  await import(new URL('../dist/cli.js', import.meta.url).href);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-model-bench-'));
  const params = 9_997_661, bytes = params * 8;
  const limit = (2 * bytes) / 2 ** 20 + 150;
  console.log(`model file of ${params.toLocaleString('en-US')} parameters (${(bytes / 2 ** 20).toFixed(0)} MB as float64); target: under 3 s and ${limit.toFixed(0)} MB peak each`);
  const runs = [['save', 'model.json'], ['load', 'model.json'], ['predict', 'model.json'], ...(process.argv.includes('--params-only') ? [] : [['save-state', 'checkpoint.json'], ['load', 'checkpoint.json']])];
  for (const [what, name] of runs) {
    const path = join(dir, name);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), what, path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const { seconds, peakMB, beforeMB } = JSON.parse(r.stdout.trim().split('\n').at(-1));
    const label = `${what === 'save-state' ? 'save' : what} ${name}`.padEnd(22);
    const target = name === 'model.json' && what !== 'predict' ? (seconds < 3 && peakMB < limit ? '  under target' : '  OVER TARGET') : '';
    console.log(`${label} ${(statSync(path).size / 2 ** 20).toFixed(0).padStart(4)} MB file  ${seconds.toFixed(2).padStart(5)} s  peak ${peakMB.toFixed(0).padStart(4)} MB (${beforeMB.toFixed(0)} MB before)${target}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

function report(start, before) {
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, peakMB: process.resourceUsage().maxRSS / 1024, beforeMB: before / 1024 }));
}
