// The CLI as users run it: the built dist/cli.js (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, type Command, type Flag } from '../src/cli/args.js';
import { explain } from '../src/cli/explain.js';
import { train } from '../src/cli/train.js';
import { CSV_FILE_FLAGS, CSV_FIT_FLAGS, CSV_RESULT_FLAGS } from '../src/cli/trainCsv.js';
import { datasets, Model } from '../src/node.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function backprop(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('backprop train --json', () => {
  it.each(['package', 'placement'] as const)('%s: the tutorial run, identical on --engine js and equal to the library', async (name) => {
    const wasm = backprop('train', '--dataset', name, '--json');
    const js = backprop('train', '--dataset', name, '--json', '--engine', 'js');
    expect(wasm.code).toBe(0);
    const a = JSON.parse(wasm.stdout), b = JSON.parse(js.stdout);
    expect(a.history.loss).toHaveLength(datasets[name].fit.epochs);
    expect(b.history.loss).toEqual(a.history.loss);
    expect(b.weights).toEqual(a.weights);
    const d = datasets[name];
    const model = new Model(d.model);
    const history = await model.fit(d.x, d.y, { ...d.fit, engine: 'js' });
    expect(a.history.loss).toEqual(history.loss);
    expect(a.weights).toEqual(model.getWeights());
  });

  it('flags change the run: --epochs, --lr, --layers, --activation, --shuffle, --seed', () => {
    const r = backprop('train', '--dataset', 'placement', '--epochs', '3', '--lr', '0.5', '--layers', '3,2,1', '--activation', 'tanh,relu,sigmoid', '--shuffle', 'epoch', '--seed', '7', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.history.loss).toHaveLength(3);
    expect(out.weights.map((w: number[][] | number[]) => w.length)).toEqual([2, 3, 3, 2, 2, 1]);
    expect(out.model.layers.map((l: { activation: string }) => l.activation)).toEqual(['tanh', 'relu', 'sigmoid']);
  });
});

describe('bad flags: a clear message, exit 1, no stack trace', () => {
  it.each([
    [['train', '--dataset', 'package', '--epochs', 'abc'], /--epochs: expected a number, got "abc"/],
    [['train', '--dataset', 'package', '--epochs', '0'], /epochs: expected a positive integer, got 0/],
    [['train', '--dataset', 'package', '--lr', '-1'], /learningRate: expected a finite number > 0, got -1/],
    [['train', '--dataset', 'package', '--lr'], /Option '--lr <value>' argument missing. See 'backprop train --help'/],
    [['train', '--dataset', 'iris'], /--dataset: expected one of 'package', 'placement', 'blobs3', got "iris"/],
    [['train'], /--dataset: expected one of package, placement, blobs3/],
    [['train', '--dataset', 'package', '--layers', '2,0'], /--layers: expected positive whole numbers/],
    [['train', '--dataset', 'package', '--activation', 'gelu_new'], /--activation: expected one of/],
    [['train', '--dataset', 'package', '--loss', 'binaryCrossentropy'], /needs activation 'sigmoid'/],
    [['train', '--dataset', 'package', '--engine', 'gpu'], /--engine: expected one of 'wasm', 'js'/],
    [['train', '--dataset', 'package', '--epoch', '3'], /Unknown option '--epoch'/],
    [['train', '--dataset', 'package', '--lr', '10', '--epochs', '50'], /Training diverged at epoch \d+, row \d+/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%s', (args, message) => {
    const r = backprop(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });
});

it('--help works for the program and every command', () => {
  const top = backprop('--help');
  expect(top.code).toBe(0);
  const names = [...top.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]!);
  expect(names).toContain('train');
  for (const name of names) {
    const r = backprop(name, '--help');
    expect(r.code, name).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: backprop ${name}`));
  }
});

it('demo trains both tasks on both engines and finds them in agreement', () => {
  const r = backprop('demo');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/package: regression/);
  expect(r.stdout).toMatch(/placement: classification/);
  expect(r.stdout.match(/WASM and JS engines agree/g)).toHaveLength(2);
});

describe('a flag given where it does nothing is refused, by every command alike', () => {
  // Each command's flag table says where each group applies; parse refuses a flag out of its scope.
  const argv = (name: string, flag: Flag) => (flag.value === undefined ? [`--${name}`] : [`--${name}`, 'x']);
  const refusal = (command: Command, args: string[]) => {
    try { parse(command, args); } catch (e) { return (e as Error).message; }
    return undefined;
  };
  const csvFlags = [CSV_FILE_FLAGS, CSV_FIT_FLAGS, CSV_RESULT_FLAGS].flatMap((g) => Object.entries(g.flags));

  it.each([train, explain])('$name --dataset package: every CSV flag is refused, naming it', (command) => {
    for (const [name, flag] of csvFlags) {
      expect(refusal(command, ['--dataset', 'package', ...argv(name, flag)])).toMatch(new RegExp(`^--${name}: (applies to CSV files|is about a whole training run)`));
    }
  });

  it.each([train, explain])('$name --dataset blobs3: the CSV file flags are refused; the CSV run flags are taken (train) or, being results, refused (explain)', (command) => {
    for (const [name, flag] of csvFlags) {
      const message = refusal(command, ['--dataset', 'blobs3', ...argv(name, flag)]);
      if (name in CSV_FILE_FLAGS.flags) expect(message).toMatch(new RegExp(`^--${name}: applies to CSV files .*; --dataset blobs3 has its own \\(x1, x2 → class\\)`));
      else if (command === explain && name in CSV_RESULT_FLAGS.flags) expect(message).toBe(`--${name}: is about a whole training run (backprop train); explain shows one step`);
      else expect(message).toBeUndefined();
    }
  });

  it('a CSV file takes them all; --help is never refused', () => {
    for (const [name, flag] of csvFlags) expect(refusal(train, ['d.csv', ...argv(name, flag)])).toBeUndefined();
    expect(refusal(explain, ['--dataset', 'package', '--standardize', '--help'])).toBeUndefined();
  });

  it('explain --dataset package with the CSV flags of the report: exit 1, the first named, no stack trace', () => {
    const r = backprop('explain', '--dataset', 'package', '--target', 'foo', '--features', 'bar', '--task', 'regression', '--standardize', '--validation-split', '0.2');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('backprop: --target: applies to CSV files (backprop explain DATA.csv --target COLUMN), not to --dataset package\n');
    const s = backprop('explain', '--dataset', 'package', '--standardize');
    expect(s.stderr).toBe('backprop: --standardize: applies to CSV files (backprop explain DATA.csv --target COLUMN --standardize …) and --dataset blobs3, not to --dataset package\n');
  });
});

describe("explain's step is train's: the rows train holds out are held out here too", () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-cli-'));
  const csv = join(dir, 'two.csv');
  writeFileSync(csv, `a,b,y\n${Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5},${i % 2}`).join('\n')}\n`);
  const trainedRows = (...flags: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'explain', csv, '--target', 'y', '--batch-size', '100', '--json', ...flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { dataRows: number[] }).dataRows;
  };

  /** How many rows train trains on with these flags (its --json's training metrics). */
  const trainRows = (...flags: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'train', csv, '--target', 'y', '--epochs', '1', '--json', ...flags], { encoding: 'utf8', maxBuffer: 1 << 26 });
    return JSON.parse(r.stdout).metrics.training.rows as number;
  };

  it('--folds 5 --fold 0 trains on the 16 rows of the other folds (it trained on all 20), as train does', () => {
    const trained = trainedRows('--folds', '5', '--fold', '0');
    expect(trained).toHaveLength(16);
    expect(trainRows('--folds', '5', '--fold', '0')).toBe(16);
    const held = Array.from({ length: 20 }, (_, i) => i + 1).find((r) => !trained.includes(r))!;
    const r = spawnSync(process.execPath, [CLI, 'explain', csv, '--target', 'y', '--folds', '5', '--fold', '0', '--row', String(held)], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`backprop: --row: row ${held} is held out for validation (--folds); pick a training row\n`);
    expect(trainedRows('--validation-split', '0.25')).toHaveLength(trainRows('--validation-split', '0.25'));
  });
});
