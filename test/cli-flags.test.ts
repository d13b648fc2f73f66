// The CLI's flags as a new user meets them (the built dist/cli.js): a flag the run would not use, a
// key given twice, a stray argument, a value out of range or missing — each refused with exit 1,
// one message naming the flag, no stack trace, nothing on stdout and no file written.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const backprop = (...args: string[]) => runCli(dir, args);

/** A refusal as users should see it: exit 1, one `backprop: …` message, no stack trace, nothing on stdout, no `unwritten` file. */
function refused(args: string[], message: RegExp, unwritten?: string): string {
  const r = backprop(...args);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^backprop: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
  if (unwritten) expect(existsSync(join(dir, unwritten)), unwritten).toBe(false);
  return r.stderr;
}

// students.csv is the README's; r.csv a numeric target (a regression).
const STUDENTS = 'students.csv', REGRESSION = 'r.csv';
const PLACED = ['train', STUDENTS, '--target', 'placed'];
beforeAll(() => {
  writeFileSync(join(dir, STUDENTS), 'cgpa,resume_score,placed\n8,8,1\n7,9,1\n6,10,0\n5,5,0\n9,7,1\n6,6,0\n8,9,1\n5,8,0\n');
  writeFileSync(join(dir, REGRESSION), 'a,b,y\n1,2,3.5\n2,1,1.2\n3,3,4.1\n4,1,0.3\n5,2,2.2\n6,3,1.1\n');
  for (const args of [[...PLACED, '--epochs', '1', '--save', 'placed.json'], ['train', REGRESSION, '--target', 'y', '--epochs', '1', '--save', 'reg.json']]) {
    const r = backprop(...args);
    expect(r.code, r.stderr).toBe(0);
  }
}, 60_000);

describe('--threshold and --class-weight on a regression are refused, as on the runs they do nothing in', () => {
  it.each([
    [['train', REGRESSION, '--target', 'y', '--epochs', '2', '--threshold', '0.3', '--save', 'r2.json'], /--threshold: applies to 0\/1 targets; this run is a regression \(y\)/],
    [['search', REGRESSION, '--target', 'y', '--layers', '4,1', '--folds', '2', '--epochs', '2', '--threshold', '0.3'], /--threshold: applies to 0\/1 targets; this run is a regression \(y\)/],
    [['predict', 'reg.json', REGRESSION, '--threshold', '0.3'], /--threshold: applies to 0\/1 classifiers; this model is a regression/],
    [['evaluate', 'reg.json', REGRESSION, '--threshold', '0.3'], /--threshold: applies to 0\/1 classifiers; this model is a regression/],
    [['train', REGRESSION, '--target', 'y', '--epochs', '2', '--class-weight', '1=2', '--save', 'r2.json'], /--class-weight: weighs classes; this run is a regression \(y\)/],
  ])('%s', (args, message) => {
    refused(args, message, 'r2.json');
  });
});

describe('a key given twice in a KEY=V flag is refused, as a flag given twice is', () => {
  it.each([
    ['--class-weight', '0=1,0=5', /--class-weight: 0 is given twice \("1", then "5"\); give it once/],
    ['--early-stopping', 'patience=1,patience=2', /--early-stopping: patience is given twice \("1", then "2"\); give it once/],
    ['--loss', 'binaryCrossentropy,labelSmoothing=0.1,labelSmoothing=0.2', /--loss: labelSmoothing is given twice \("0\.1", then "0\.2"\); give it once/],
    ['--lr-schedule', 'exponentialDecay,decaySteps=100,decayRate=0.96,decayRate=0.5', /--lr-schedule: decayRate is given twice \("0\.96", then "0\.5"\); give it once/],
  ])('%s %s', (flag, value, message) => {
    refused([...PLACED, '--epochs', '1', '--validation-split', '0.25', flag, value], message);
  });
});

describe('demo, compare and bench take no arguments, as train, predict and export take no extra ones', () => {
  it.each([
    [['demo', 'extra'], /^backprop: demo: takes no arguments \(.*\), got 1: extra\n$/],
    [['compare', '--dataset', 'package', '--epochs', '2', 'extra.csv'], /^backprop: compare: takes no arguments \(.*\), got 1: extra\.csv\n$/],
    [['bench', '--quick', 'data.csv'], /^backprop: bench: takes no arguments \(it times synthetic rows of its own\), got 1: data\.csv\n$/],
  ])('%s', (args, message) => {
    refused(args, message);
  });
});

describe('--resume names the data its file was trained on', () => {
  it('a CSV run resumed on --dataset blobs3, and a blobs3 run on a CSV file', () => {
    for (const args of [[...PLACED, '--epochs', '1', '--checkpoint', 'run.json'], ['train', '--dataset', 'blobs3', '--epochs', '1', '--checkpoint', 'blobs.json']]) {
      expect(backprop(...args).code).toBe(0);
    }
    const stderr = refused(['train', '--dataset', 'blobs3', '--epochs', '5', '--resume', 'run.json'],
      /^backprop: --resume: run\.json was trained on students\.csv, not --dataset blobs3: give that file \(backprop train students\.csv --resume run\.json\)\n$/);
    expect(stderr).not.toMatch(/threshold/);
    refused(['train', STUDENTS, '--epochs', '5', '--resume', 'blobs.json'],
      /^backprop: --resume: blobs\.json was trained on --dataset blobs3, not students\.csv: give that dataset \(backprop train --dataset blobs3 --resume blobs\.json\)\n$/);
  }, 30_000);
});

describe("a value the library refuses is named by its flag, before the run's report starts or a file is written", () => {
  it.each([
    [['--epochs', '0'], /--epochs 0: epochs: expected a positive integer, got 0/],
    [['--epochs', '1.5'], /--epochs 1\.5: epochs: expected a positive integer, got 1\.5/],
    [['--lr', '0'], /--lr 0: learningRate: expected a finite number > 0, got 0/],
    [['--batch-size', '0'], /--batch-size 0: batchSize: expected a positive integer/],
    [['--seed', '-1'], /--seed -1: seed: expected an integer from 0 to 4294967295/],
    [['--threads', '0'], /--threads 0: threads: /],
    [['--validation-split', '1'], /--validation-split 1: validationSplit: expected a fraction between 0 and 1/],
    [['--sample-weight', 'placed'], /--sample-weight placed: weight: the column "placed" cannot weigh the rows and also be a target/],
    [['--validation-split', '0.25', '--early-stopping', 'patience=-1'], /--early-stopping patience=-1: earlyStopping\.patience: /],
    [['--validation-split', '0.25', '--early-stopping', 'monitor=val_mae'], /--early-stopping monitor=val_mae: earlyStopping\.monitor: val_mae is not a metric of this model/],
    [['--lr-schedule', 'exponentialDecay,decaySteps=0,decayRate=0.5'], /--lr-schedule exponentialDecay,decaySteps=0,decayRate=0\.5: learningRate\.decaySteps: /],
  ])('train students.csv %s', (flags, message) => {
    refused([...PLACED, ...flags, '--save', 'never.json', '--checkpoint', 'never2.json'], message, 'never.json');
    expect(existsSync(join(dir, 'never2.json'))).toBe(false);
  });

  it.each([
    [['train', '--dataset', 'package', '--batch-size', '0'], /--batch-size 0: batchSize: /],
    [['search', STUDENTS, '--target', 'placed', '--folds', '2', '--epochs', '0'], /--epochs 0: epochs: /],
    [['search', STUDENTS, '--target', 'placed', '--folds', '2', '--early-stopping', 'patience=-1', '--out', 'p.h'], /--early-stopping patience=-1: earlyStopping\.patience: /],
    [['compare', '--dataset', 'package', '--lr', '0'], /--lr 0: learningRate: /],
    [['export', 'placed.json', '--format', 'c', '--prefix', '1bad', '--out', 'p.h'], /--prefix 1bad: prefix: expected a C identifier/],
  ])('%s', (args, message) => {
    refused(args, message, 'p.h');
  });
});

describe('export says what it wrote and what it takes', () => {
  it('the size of a C predictor in bytes, not characters (its comments hold −, ·, √)', () => {
    const r = backprop('export', 'placed.json', '--format', 'c', '--out', 'x.h');
    expect(r.code, r.stderr).toBe(0);
    const bytes = statSync(join(dir, 'x.h')).size;
    expect(bytes).toBeGreaterThan(readFileSync(join(dir, 'x.h'), 'utf8').length);
    expect(r.stdout).toContain(`, ${bytes} bytes\n`);
  });

  it('a stray argument is refused with every format in the usage', () => {
    refused(['export', 'placed.json', 'extra', '--format', 'js', '--out', 'q.js'], /--format tfjs\|onnx\|js\|wasm\|c --out PATH, got 2 arguments/, 'q.js');
  });
});

describe('a flag where a value was expected', () => {
  it('--epochs --lr 0.1: the value of --epochs is missing, said naming it', () => {
    refused(['train', '--dataset', 'package', '--epochs', '--lr', '0.1'], /^backprop: --epochs: expected a value \(N\) after it, got the flag --lr; a value that starts with '-' is written --epochs=…\n$/);
  });
});

describe('a model file that holds JSON but not an object', () => {
  it.each([['predict'], ['evaluate']])('%s names the file and what it expected (null once read as a TensorFlow.js model)', (command) => {
    writeFileSync(join(dir, 'null.json'), 'null\n');
    refused([command, 'null.json', STUDENTS], /^backprop: null\.json: is not a backprop model file: expected a JSON object with "format": "backprop-model"/);
  });
});

describe('a command ended midway (Ctrl-C, a kill)', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s while predict --out writes: exit %i, the output not written, no temporary file left', async (signal, code) => {
    const rows = Array.from({ length: 1_000_000 }, (_, i) => `${5 + (i % 40) / 10},${5 + (i % 50) / 10}`);
    writeFileSync(join(dir, 'many.csv'), `cgpa,resume_score\n${rows.join('\n')}\n`);
    const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/cli.js', import.meta.url)), 'predict', 'placed.json', 'many.csv', '--out', 'p.csv'], { cwd: dir, stdio: 'ignore' });
    const ended = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    const temporary = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    // the signal once predictions are in the temporary file (not the empty one checkOutputs tries first)
    const writing = () => temporary().some((f) => statSync(join(dir, f), { throwIfNoEntry: false })?.size);
    while (!writing() && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
    child.kill(signal);
    expect(await ended).toBe(code);
    expect(temporary()).toEqual([]);
    expect(existsSync(join(dir, 'p.csv'))).toBe(false);
  }, 60_000);
});
