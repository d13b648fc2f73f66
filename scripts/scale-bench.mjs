#!/usr/bin/env node
// How the CLI and the library hold up on big inputs: `train --epochs 1` and `predict` on a generated
// 1,000,000-row × 20-column CSV, and saveModel / loadModel of a 10-million-parameter model, each in
// a process of its own, with its time and the process's peak resident memory beside the target.
//
//   node scripts/build.mjs && node scripts/scale-bench.mjs [--rows N] [--keep]
//
// Peak memory is the whole child process's, as the kernel counts it: /usr/bin/time's %M where it
// exists, else the child's own process.resourceUsage().maxRSS, written as it exits. Figures from a
// machine busy with other work are slower (and the memory a little higher) than on a quiet one.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false } } });
const ROWS = Number(values.rows);
if (!Number.isSafeInteger(ROWS) || ROWS < 1) throw new Error(`--rows: expected a positive integer, got ${values.rows}`);
const COLUMNS = 20; // 19 features and the target
const MB = 1024 * 1024;
const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli.js');
const entry = join(root, 'dist', 'node.js');
if (!existsSync(cli) || !existsSync(entry)) throw new Error('dist/ is missing: run node scripts/build.mjs first');
const dir = mkdtempSync(join(tmpdir(), 'backprop-scale-'));
const useTime = existsSync('/usr/bin/time');

/** A seeded generator (mulberry32), so that every run reads the same file. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ROWS rows of 19 features in [-1, 1) and a target that is a fixed linear mix of them plus noise. */
async function writeData(path) {
  const random = seeded(19);
  const weights = Array.from({ length: COLUMNS - 1 }, () => random() * 2 - 1);
  const out = createWriteStream(path);
  out.write([...weights.map((_, j) => `x${j + 1}`), 'y'].join(',') + '\n');
  let text = '';
  for (let r = 0; r < ROWS; r++) {
    let y = 0;
    const cells = weights.map((w) => {
      const v = Math.round((random() * 2 - 1) * 1e6) / 1e6;
      y += w * v;
      return v;
    });
    cells.push(Math.round((y + 0.1 * (random() - 0.5)) * 1e6) / 1e6);
    text += cells.join(',') + '\n';
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise((done) => out.once('drain', done));
      text = '';
    }
  }
  out.end(text);
  await new Promise((done, failed) => { out.on('finish', done); out.on('error', failed); });
}

/**
 * Runs `node ARGS…` in `dir` and returns its wall time and processor time (user + system) in
 * seconds, and its peak RSS in MiB. With /usr/bin/time, the kernel's count for the whole process;
 * otherwise the child reports its own figures as it exits.
 */
function measure(args) {
  const figures = join(dir, 'figures.txt');
  rmSync(figures, { force: true });
  const report = `import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(${JSON.stringify(figures)}, [u.maxRSS, u.userCPUTime / 1e6, u.systemCPUTime / 1e6].join(' ')); });`;
  const command = useTime
    ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', figures, process.execPath, ...args]]
    : [process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(report)}`, ...args]];
  const started = performance.now();
  const run = spawnSync(command[0], command[1], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * MB });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status}):\n${run.stderr}`);
  const [kb, user, system] = readFileSync(figures, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { seconds, cpu: user + system, mb: kb / 1024, stdout: run.stdout };
}

/** Builds a model of about 10 million parameters, then times saveModel (or loadModel) alone inside the child. */
function modelScript(step, path) {
  return `
import { Model, saveModel, loadModel } from ${JSON.stringify(entry)};
const path = ${JSON.stringify(path)};
let seconds;
if (${JSON.stringify(step)} === 'save') {
  const model = new Model({ inputs: 1000, layers: [{ units: 5000, activation: 'relu' }, { units: 1000, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 1 });
  const features = Array.from({ length: 1000 }, (_, j) => 'x' + j);
  const t = performance.now();
  await saveModel(path, model, { features, target: 'y' });
  seconds = (performance.now() - t) / 1000;
} else {
  const t = performance.now();
  const { model } = await loadModel(path);
  seconds = (performance.now() - t) / 1000;
  if (model.countParams() !== PARAMS) throw new Error('loaded ' + model.countParams() + ' parameters');
}
console.log(JSON.stringify({ seconds }));
`;
}

const PARAMS = 1000 * 5000 + 5000 + 5000 * 1000 + 1000 + 1000 + 1;
const rowsLabel = ROWS.toLocaleString('en-US');
const dataMb = (ROWS * COLUMNS * 8) / MB;
const rows = [];
const row = (step, what, m, targetMb, targetSeconds) => {
  rows.push([step, what, `${m.seconds.toFixed(1)} s`, `${m.cpu.toFixed(1)} s`, targetSeconds === undefined ? '' : `< ${targetSeconds} s`, `${Math.round(m.mb)} MiB`, `< ${Math.round(targetMb)} MiB`,
    m.mb < targetMb && (targetSeconds === undefined || m.seconds < targetSeconds) ? 'yes' : 'no']);
  console.error(`${step}: ${m.seconds.toFixed(1)} s (processor ${m.cpu.toFixed(1)} s), ${Math.round(m.mb)} MiB`);
};

const csv = join(dir, 'big.csv');
console.error(`writing ${rowsLabel} rows × ${COLUMNS} columns to ${csv} …`);
await writeData(csv);
const csvMb = statSync(csv).size / MB;
const csvTarget = 3 * dataMb + 150;
row('train --epochs 1', `${rowsLabel} rows × ${COLUMNS} columns (${Math.round(csvMb)} MiB of CSV, ${Math.round(dataMb)} MiB as float64)`,
  measure([cli, 'train', csv, '--target', 'y', '--epochs', '1', '--save', 'model.json']), csvTarget);
row('predict --out', 'the same file, every row written back with its prediction', measure([cli, 'predict', 'model.json', csv, '--out', 'predictions.csv']), csvTarget);
const written = readFileSync(join(dir, 'predictions.csv'), 'utf8').length > 0;
if (!written) throw new Error('predict wrote nothing');

const modelPath = join(dir, 'big-model.json');
const modelMb = (PARAMS * 8) / MB;
const save = join(dir, 'save.mjs'), load = join(dir, 'load.mjs');
writeFileSync(save, modelScript('save', modelPath).replace('PARAMS', String(PARAMS)));
writeFileSync(load, modelScript('load', modelPath).replace('PARAMS', String(PARAMS)));
const label = `${PARAMS.toLocaleString('en-US')} parameters (${Math.round(modelMb)} MiB as float64)`;
const saved = measure([save]);
const fileMb = statSync(modelPath).size / MB;
row('saveModel', `${label}; the file: ${Math.round(fileMb)} MiB`, { ...saved, seconds: JSON.parse(saved.stdout).seconds }, 2 * modelMb + 150, 3);
const loaded = measure([load]);
row('loadModel', label, { ...loaded, seconds: JSON.parse(loaded.stdout).seconds }, 2 * modelMb + 150, 3);

const header = ['step', 'input', 'time', 'processor time', 'target', 'peak memory', 'target', 'within'];
console.log([header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n'));
console.log(`\nPeak memory and processor time (user + system): the whole process's (${useTime ? '/usr/bin/time' : 'process.resourceUsage()'}). Time: train and predict, the whole process's wall time; saveModel and loadModel, the call's alone (the target's). Node ${process.version}.`);
if (values.keep) console.error(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
