// Each way a user lost work, waited forever or was silently ignored, as reported, pinned: the built
// CLI (dist/cli.js, which npm test builds first) and the library on the same inputs.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lossChart } from '../src/cli/progress.js';
import { table } from '../src/cli/report.js';
import { writeOutput } from '../src/cli/outputs.js';
import { BackpropError, decisionBoundarySvg, DivergenceError, lossChartSvg, Model, modelFromFile, modelToText, splitRows, type LossHistory } from '../src/node.js';
import { seeded } from '../src/random.js';
import { runCli } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'backprop-harden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backprop = (...args: string[]) => runCli(dir, args);

/** A refusal as users should see it: exit 1, one `backprop: …` message, no stack trace. */
function expectRefusal(r: ReturnType<typeof backprop>, message: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^backprop: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** y = 100 + 8·a − 5·b + noise: a regression whose target sits around 100, as users' data does. */
function regressionCsv(name: string, rows = 200): string {
  const r = seeded(42);
  const lines = ['a,b,y'];
  for (let i = 0; i < rows; i++) {
    const a = r() * 2 - 1, b = r() * 2 - 1;
    lines.push(`${a},${b},${100 + 8 * a - 5 * b + (r() - 0.5)}`);
  }
  return file(name, lines.join('\n') + '\n');
}

const small = () => file('mine.csv', 'x,y\n0,0\n1,1\n2,0\n3,1\n4,0\n5,1\n');

describe('1. an output never replaces an input', () => {
  it.each([
    ['--save', 'mine.csv'], ['--plot', 'mine.csv'], ['--save', './mine.csv'], ['--plot', join(dir, 'mine.csv')], ['--save', 'link.csv'],
  ])('%s %s: refused before training, the CSV untouched', (flag, target) => {
    const csv = small();
    if (!existsSync(join(dir, 'link.csv'))) symlinkSync(join(dir, 'mine.csv'), join(dir, 'link.csv'));
    const before = readFileSync(join(dir, csv), 'utf8');
    const r = backprop('train', csv, '--target', 'y', '--epochs', '2', flag, target);
    expectRefusal(r, new RegExp(`${flag}: .* is an input of this run \\(backprop never writes over its input\\); choose another file name`));
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, csv), 'utf8')).toBe(before);
  });

  it('two outputs on one file are refused; --weights is an input too', () => {
    const csv = small();
    expectRefusal(backprop('train', csv, '--target', 'y', '--save', 'same.json', '--plot', 'same.json'), /--save: same\.json is where --plot writes the loss chart; choose another file name/);
    file('w.json', JSON.stringify([[[0.1, 0.1]], [0, 0], [[0.1], [0.1]], [0]]));
    expectRefusal(backprop('train', csv, '--target', 'y', '--layers', '2,1', '--weights', 'w.json', '--save', 'w.json'), /--save: w\.json is an input/);
    expect(existsSync(join(dir, 'same.json'))).toBe(false);
  });

  it('a written output leaves no temporary file behind', () => {
    const r = backprop('train', small(), '--target', 'y', '--epochs', '2', '--save', 'whole.json');
    expect(r.code, r.stderr).toBe(0);
    expect(modelFromFile(readFileSync(join(dir, 'whole.json'), 'utf8')).info.target).toBe('y');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('2. every chart of a finite history finishes', () => {
  it('the reported run, whose loss is flat to rounding, ends with its chart', () => {
    const p = file('p.csv', 'x,y\n200,0\n210,1\n190,0\n220,1\n');
    const r = backprop('train', p, '--target', 'y', '--layers', '1', '--seed', '2', '--epochs', '3', '--plot', 'p.svg');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/loss per epoch/);
    expect(readFileSync(join(dir, 'p.svg'), 'utf8')).toContain('<polyline');
  });

  it.each<[string, number[]]>([
    ['flat to the last bit', [8.05904787574234, 8.05904787574234, 8.059047875742342]],
    ['constant', [3, 3, 3]],
    ['subnormal', [5e-324, 0, 1e-323]],
    ['huge', [1e308, 1.7e308]],
    ['negative and flat', [-2, -2 - 4e-16]],
    ['one epoch', [0.5]],
  ])('%s: terminal chart and SVG', (_, loss) => {
    const history: LossHistory = { epoch: loss.map((__, i) => i), loss };
    expect(lossChart(history, false)).toContain(`epochs 1–${loss.length}`);
    expect(lossChartSvg(history)).toContain('<svg');
  });

  it('a long history (200,000 epochs) is charted without overflowing the stack', () => {
    const loss = Array.from({ length: 200_000 }, (_, i) => 1 / (i + 1));
    const history: LossHistory = { epoch: loss.map((__, i) => i), loss };
    expect(lossChart(history, false)).toContain('log scale');
    expect(lossChartSvg(history)).toContain('loss (log scale)');
  });
});

describe('3. output paths are checked before training; a late failure keeps the rest', () => {
  it.each([
    [['--save', 'nodir/m.json'], /--save: cannot write nodir\/m\.json: the folder .*nodir does not exist/],
    [['--plot', 'mine.csv/x.svg'], /--plot: cannot write mine\.csv\/x\.svg: .*mine\.csv is a file, not a folder/],
    [['--save', '.'], /--save: cannot write \.: it is a folder/],
    [['--save', ''], /--save: expected a file name/],
    // '-' is standard output to other tools: never a file of that name
    [['--save', '-'], /--save: expected a file name, got '-' \(no command writes its model to standard output through --save; name a file\)/],
  ])('%s: refused before any training', (flags, message) => {
    const r = backprop('train', small(), '--target', 'y', ...flags);
    expectRefusal(r, message);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('a write that fails after the checks (a full disk) is refused naming its flag and why, not as a bare ENOSPC', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    await expect(writeOutput({ flag: '--out', what: 'wasm predictor', path: join(dir, 'p.js') }, () => Promise.reject(full)))
      .rejects.toThrow(/^--out: could not write the wasm predictor to \S+p\.js: the disk is full$/);
    expect(await writeOutput({ flag: '--out', what: 'x', path: join(dir, 'q.js') }, () => Promise.resolve(7))).toBe(7);
  });

  it.runIf(existsSync('/proc/self'))('a folder where no file can be created (/proc) is refused before training, even for root', () => {
    const r = backprop('train', small(), '--target', 'y', '--plot', '/proc/x.svg');
    expectRefusal(r, /--plot: cannot write \/proc\/x\.svg: files cannot be created in \/proc \(ENOENT\)/);
    expect(r.stdout).toBe('');
  });

  it('a read-only model file is refused before training', () => {
    const ro = file('ro.json', '{}');
    chmodSync(join(dir, ro), 0o444);
    // root may write anything, so this holds only for other users; the folder check above holds for all.
    if (process.getuid?.() !== 0) expectRefusal(backprop('train', small(), '--target', 'y', '--save', ro), /--save: cannot write ro\.json: the file is read-only/);
  });

  it('a folder removed during training: the metrics and the other output are still written, and the failed output is named', async () => {
    mkdirSync(join(dir, 'gone'), { recursive: true });
    const csv = regressionCsv('late.csv', 2000);
    const child = spawn(process.execPath, [CLI, 'train', csv, '--target', 'y', '--epochs', '60', '--save', 'gone/m.json', '--plot', 'late.svg'], { cwd: dir });
    let stdout = '', stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += String(c); });
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        // The run has started training once it has described the network.
        if (!stdout.includes('network') && (stdout + String(c)).includes('network')) rmSync(join(dir, 'gone'), { recursive: true, force: true });
        stdout += String(c);
      });
      child.on('close', resolve);
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/R²/);
    expect(stderr).toMatch(/^backprop: train: --save: could not write the model to gone\/m\.json: the folder \S+gone no longer exists; wrote loss chart late\.svg\n$/);
    expect(readFileSync(join(dir, 'late.svg'), 'utf8')).toContain('<svg');
  });
});

describe('4. a flag is honoured or refused', () => {
  it.each([
    ['--save', 'm.json'], ['--plot', 'x.svg'], ['--plot-boundary', 'b.svg'], ['--standardize'], ['--raw-target'], ['--target', 'y'],
    ['--features', 'a,b'], ['--task', 'regression'], ['--validation-split', '0.2'], ['--early-stopping', '3'], ['--threshold', '0.4'],
  ])('train --dataset package %s: refused, nothing written', (...flags) => {
    const r = backprop('train', '--dataset', 'package', ...flags);
    const example = flags[0] === '--target' ? '' : ` ${flags[0]} …`;
    expectRefusal(r, new RegExp(`${flags[0]}: applies to CSV files \\(backprop train DATA\\.csv --target COLUMN${example}\\)( and --dataset blobs3)?, not to --dataset package`));
    expect(r.stdout).toBe('');
    if (flags[1]?.includes('.')) expect(existsSync(join(dir, flags[1]))).toBe(false);
  });

  it('--raw-target on a classification is refused', () => {
    expectRefusal(backprop('train', small(), '--target', 'y', '--raw-target'), /--raw-target: applies to regression; this run is a classification/);
  });
});

describe('6. a model that could not be loaded is never saved', () => {
  it('--standardize on values near 1e300: refused at training time, naming the column', () => {
    const big = file('big.csv', 'huge,y\n1e300,1\n-1e300,2\n1.5e300,3\n-1.2e300,4\n');
    const r = backprop('train', big, '--target', 'y', '--standardize', '--save', 'big.json');
    expectRefusal(r, /big\.csv: column "huge" cannot be standardized: its values \(up to 1\.500e\+300\) spread too far for f64/);
    expect(existsSync(join(dir, 'big.json'))).toBe(false);
  });

  it('a target near 1e300 is refused the same way (it is standardized by default)', () => {
    const big = file('bigy.csv', 'x,y\n1,1e300\n2,-1e300\n3,1.5e300\n');
    expectRefusal(backprop('train', big, '--target', 'y'), /bigy\.csv: column "y" cannot be standardized/);
  });

  it('the library refuses the same column by index, before changing the model', async () => {
    const model = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    const before = model.getWeights();
    await expect(model.fit([[1e300], [-1e300]], [1, 2], { standardize: true })).rejects.toThrow(/^x: column 0 cannot be standardized/);
    expect(model.getWeights()).toEqual(before);
    expect(model.scaler).toBeUndefined();
  });
});

describe('7. the smaller ones', () => {
  it('DivergenceError is a BackpropError', () => {
    const e = new DivergenceError(2, 3, 'Training diverged at epoch 3, row 4');
    expect(e).toBeInstanceOf(BackpropError);
    expect(e.field).toBe('fit');
  });

  it.each([['--epochs', '0x10'], ['--lr', '1e'], ['--epochs', '1_0'], ['--seed', ' '], ['--lr', 'Infinity'], ['--epochs', '0b11']])('%s %s is not a number', (flag, value) => {
    expectRefusal(backprop('train', '--dataset', 'package', flag, value), new RegExp(`${flag}: expected a number, got "${value.trim() === '' ? ' ' : value}"`));
  });

  it('a repeated flag is refused, not silently the last value', () => {
    expectRefusal(backprop('train', '--dataset', 'package', '--epochs', '3', '--epochs', '5'), /--epochs: is given 2 times \("3", "5"\); give it once/);
    expectRefusal(backprop('train', '--dataset', 'package', '--json', '--json'), /--json: is given 2 times; give it once/);
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(backprop('--version')).toEqual({ code: 0, stdout: `backprop ${pkg.version}\n`, stderr: '' });
  });

  it("'backprop help train' is train's help; help lists every flag of the command's table", () => {
    const help = backprop('help', 'train');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(backprop('train', '--help').stdout);
    for (const flag of ['--target', '--save', '--raw-target', '--dataset', '--epochs', '--weights', '--json']) expect(help.stdout).toContain(`  ${flag}`);
  });

  it('the saved model names the best epoch the report names; one row is "1 row"', () => {
    const r = backprop('train', regressionCsv('best.csv', 120), '--target', 'y', '--epochs', '40', '--validation-split', '0.25', '--early-stopping', '3', '--lr', '0.05', '--save', 'best.json');
    expect(r.code, r.stderr).toBe(0);
    const said = Number(/weights of epoch (\d+)|last improved at epoch (\d+)/.exec(r.stdout)!.slice(1).find(Boolean));
    expect(JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8')).training.bestEpoch).toBe(said);
    const one = backprop('train', file('one.csv', 'x,y\n1,0.5\n'), '--target', 'y', '--epochs', '1');
    expect(one.stdout).toMatch(/one\.csv: 1 row; 1 feature → y/);
  });
});

describe('8. a regression target around 100 trains with the defaults', () => {
  it('the target is standardized, saved with the model, and predictions come back in its units', () => {
    const csv = regressionCsv('houses.csv');
    const r = backprop('train', csv, '--target', 'y', '--save', 'houses.json', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.metrics.training.r2).toBeGreaterThan(0.9);
    expect(Math.abs(out.targetScaler.mean[0] - 100)).toBeLessThan(2);
    const { model } = modelFromFile(readFileSync(join(dir, 'houses.json'), 'utf8'));
    expect(model.targetScaler).toEqual(out.targetScaler);
    const predicted = backprop('predict', 'houses.json', csv).stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[3]));
    const targets = readFileSync(join(dir, csv), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[2]));
    const mae = predicted.reduce((s, p, i) => s + Math.abs(p - targets[i]!), 0) / targets.length;
    expect(mae).toBeLessThan(2); // the target spans about 100 ± 13
    expect(backprop('train', csv, '--target', 'y', '--epochs', '2').stdout).toMatch(/standardized target \(predictions in its units; --raw-target to turn off\)/);
  });

  it('without it the run ends far from fitting, and says what to try', () => {
    // Few rows make few Adam steps of 0.001: the output's bias never travels to 100.
    const r = backprop('train', regressionCsv('raw.csv', 60), '--target', 'y', '--raw-target');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/R²\s+-\d/);
    expect(r.stdout).toMatch(/hint: R² is below 0 \(training\): the model predicts worse than the target's mean would\. Try --standardize, more epochs \(--epochs 300\), another learning rate/);
  });

  it('a classifier stuck at the majority class says what to try', () => {
    const r = backprop('train', file('stuck.csv', 'x,y\n200,0\n210,1\n190,0\n220,1\n230,1\n'), '--target', 'y', '--layers', '1', '--epochs', '2');
    expect(r.stdout).toMatch(/hint: the training accuracy 0\.4 is no better than always predicting 1 \(0\.6\)\. Try --standardize/);
  });

  it('library: standardizeTarget round-trips through the model file; a classifier refuses it', async () => {
    const x = Array.from({ length: 50 }, (_, i) => [i / 50]);
    const y = x.map(([v]) => 1000 + 300 * v!);
    const model = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    await model.fit(x, y, { epochs: 200, optimizer: 'adam', learningRate: 0.05, standardizeTarget: true, engine: 'js' });
    const p = model.predict([[0.5]], { engine: 'js' })[0]![0]!;
    expect(Math.abs(p - 1150)).toBeLessThan(5);
    const again = modelFromFile(modelToText(model, { features: ['x'], target: 'y' })).model;
    expect(again.predict([[0.5]], { engine: 'js' })[0]![0]).toBe(p);
    const metrics = model.evaluateMetrics(x, y, { engine: 'js' });
    expect(metrics.task === 'regression' && metrics.r2).toBeGreaterThan(0.99);
    const classifier = new Model({ inputs: 1, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
    await expect(classifier.fit([[0], [1]], [0, 1], { standardizeTarget: true })).rejects.toThrow("standardizeTarget: applies to regression targets (loss 'mse')");
  });
});

describe('9. big inputs are never spread into a call (Maximum call stack size exceeded)', () => {
  // Each of these threw a RangeError before: a spread of one argument per row or epoch.
  it("the report's table of 200,000 epochs (train --epochs 130000 threw at its end)", () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [String(i + 1), String(1 / (i + 1))]);
    expect(table(['epoch', 'loss'], rows).split('\n')).toHaveLength(200_001);
  });

  it('a decision boundary over 200,000 rows of two features', () => {
    const r = seeded(7);
    const x = Array.from({ length: 200_000 }, () => [r() * 4 - 2, r() * 4 - 2]);
    const y = x.map(([a, b]) => (a! + b! > 0 ? 1 : 0));
    const model = new Model({ inputs: 2, layers: [{ units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
    expect(decisionBoundarySvg(model, x, y, { resolution: 8 })).toContain('<svg');
  });

  it('a validation split of 300,000 rows', () => {
    const { train, validation } = splitRows(300_000, { fraction: 0.9, seed: 1 });
    expect([train.length, validation.length]).toEqual([30_000, 270_000]);
  });
});

describe('10. the rough edges: absurd counts, seeds, divergence, labels, splits, names with commas, plurals', () => {
  it('--epochs 1e12 is refused with the limit, before any training', () => {
    expectRefusal(backprop('train', '--dataset', 'package', '--epochs', '1e12'), /^backprop: --epochs 1e12: epochs: expected at most 1000000 \(the history keeps every epoch's loss and metrics; for more, fit again/);
  });

  it.each(['1e30', '-1', '4294967296'])('--seed %s is refused, not wrapped mod 2³²', (seed) => {
    expectRefusal(backprop('train', small(), '--target', 'y', '--epochs', '1', '--seed', seed), /seed: expected an integer from 0 to 4294967295/);
  });

  it('a diverged run says that nothing was written, and writes nothing', () => {
    const csv = file('steep.csv', 'a,y\n' + Array.from({ length: 40 }, (_, i) => `${i * 1000},${i * 5000}`).join('\n') + '\n');
    const r = backprop('train', csv, '--target', 'y', '--raw-target', '--optimizer', 'sgd', '--lr', '10', '--save', 'steep.json', '--plot', 'steep.svg');
    expectRefusal(r, /^backprop: fit: Training diverged at epoch \d+, .*; nothing was written \(--plot steep\.svg, --save steep\.json\)\. Try a smaller learning rate \(--lr\), or --standardize\.\n$/);
    expect(r.stderr).not.toMatch(/keeps/);
    expect(existsSync(join(dir, 'steep.json')) || existsSync(join(dir, 'steep.svg'))).toBe(false);
  });

  it("evaluate names a 0/1 classifier's bad label by file, line and column", () => {
    expect(backprop('train', small(), '--target', 'y', '--epochs', '1', '--save', 'binary.json').code).toBe(0);
    const r = backprop('evaluate', 'binary.json', file('labels.csv', 'x,y\n0,0\n1,2\n'));
    expectRefusal(r, /^backprop: labels\.csv: line 3, column "y": expected a label 0 or 1 \(the model is a 0\/1 classifier\), got 2\n$/);
  });

  it('--validation-split 0.999 is refused: it would leave no row to train on', () => {
    expectRefusal(backprop('train', regressionCsv('split.csv', 100), '--target', 'y', '--validation-split', '0.999'), /validationSplit: 0\.999 of 100 rows holds out 100 and leaves 0 rows to train on; expected at least 2/);
  });

  it('a column name with a comma is named in --features and --target in CSV quotes', () => {
    const csv = file('commas.csv', '"size, cm",b,"y, kg"\n' + Array.from({ length: 12 }, (_, i) => `${i},${i % 3},${2 * i}`).join('\n') + '\n');
    const r = backprop('train', csv, '--target', '"y, kg"', '--features', '"size, cm", b', '--epochs', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.data.features, out.data.target]).toEqual([['size, cm', 'b'], 'y, kg']);
    expectRefusal(backprop('train', csv, '--target', '"y, kg', '--epochs', '1'), /--target: expected a comma-separated list, a name holding a comma in double quotes/);
  });

  it('one epoch is "1 epoch"; one more unit is "1 more unit"', () => {
    expect(backprop('train', small(), '--target', 'y', '--epochs', '1').stdout).toMatch(/, up to 1 epoch;/);
    expect(backprop('explain', '--dataset', 'package', '--layers', '5,1').stdout).toMatch(/… and 1 more unit in layer 1 \(--json has them all\)/);
  });
});

describe('11. the temporary file a whole write goes through is created, never opened', () => {
  // A link planted at the temporary file's name (.NAME.PID.tmp, here this process's id) must not be followed:
  // the write would land in the file it points to, and the rename would leave the output a link to it.
  const planted = (name: string) => {
    const victim = file(`victim-${name}.txt`, 'keep me');
    symlinkSync(victim, join(dir, `.${name}.${process.pid}.tmp`));
    return () => readFileSync(join(dir, victim), 'utf8');
  };

  it('writeWhole (every saved model, chart and export)', async () => {
    const { writeWhole } = await import('../src/io/atomic.js');
    const victim = planted('whole.txt');
    await writeWhole(join(dir, 'whole.txt'), 'new text');
    expect(victim()).toBe('keep me');
    expect(lstatSync(join(dir, 'whole.txt')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'whole.txt'), 'utf8')).toBe('new text');
  });

  it("outputStream (predict's --out)", async () => {
    const { outputStream } = await import('../src/cli/outputs.js');
    const victim = planted('stream.csv');
    const out = await outputStream({ flag: '--out', what: 'predictions', path: join(dir, 'stream.csv') });
    await out.write('a,b\n');
    await out.close();
    expect(victim()).toBe('keep me');
    expect(lstatSync(join(dir, 'stream.csv')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'stream.csv'), 'utf8')).toBe('a,b\n');
  });

  it('checkOutputs (the trial before a run) removes a leftover temporary file rather than refusing', async () => {
    const { checkOutputs } = await import('../src/cli/outputs.js');
    file(`.left.csv.${process.pid}.tmp`, 'half a file from a process of this id that died');
    checkOutputs([{ flag: '--out', what: 'predictions', path: join(dir, 'left.csv') }], []);
    expect(existsSync(join(dir, `.left.csv.${process.pid}.tmp`))).toBe(false);
  });
});

describe("12. a user's own CSV file through train, predict and evaluate", () => {
  it('train, explain and search without --target list the columns to choose from; a JSON file given as data is named as such', () => {
    const csv = small();
    for (const command of [['train'], ['explain'], ['search', '--folds', '2']]) expectRefusal(backprop(...command, csv), /^backprop: --target: name the column to learn, one of "x", "y"\n$/);
    expect(backprop('train', csv, '--target', 'y', '--epochs', '1', '--save', 'given.json').code).toBe(0);
    // It said `has no column "y"; its columns are "{"`
    expectRefusal(backprop('train', 'given.json', '--target', 'y', '--save', 'never.json'), /^backprop: given\.json: starts with "\{": this is JSON, not CSV; expected a header row of column names, then rows of numbers\n$/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    // A semicolon-separated file for predict says what train says of it
    expectRefusal(backprop('predict', 'given.json', file('semicolons.csv', 'x;y\n1;0\n')), /^backprop: semicolons\.csv: lacks the column "x" that given\.json needs; it has "x;y" \(only commas separate columns\)\n$/);
    // And the other way round, the data given first: it said `is not valid JSON (Unexpected token …` over two lines
    expectRefusal(backprop('predict', csv, 'given.json'), /^backprop: mine\.csv: is not JSON: it starts with "x,y" \(CSV data\?\); expected a model file, as 'backprop train --save' and saveModel write\n$/);
  });

  it('a spreadsheet export (BOM, CRLF, spaces around quoted names, padded numbers, a blank last line) trains, and predict and evaluate agree with train and the library', async () => {
    const r = seeded(5);
    const rows = Array.from({ length: 40 }, () => [r() * 4, r() * 2 - 1]);
    const y = rows.map(([a, b]) => 3 * a! - 2 * b! + 1);
    file('export.csv', `\uFEFF "size, m²" , "b" ,"y"\r\n${rows.map(([a, b], i) => ` ${a} ,${b!.toExponential()},${y[i]}`).join('\r\n')}\r\n\r\n`);
    // The same rows in another order of columns, with one more: predict and evaluate read them by name
    file('later.csv', `note,y,b,"size, m²"\n${rows.map(([a, b], i) => `row ${i},${y[i]},${b},${a}`).join('\n')}\n`);
    const trained = backprop('train', 'export.csv', '--target', 'y', '--epochs', '20', '--standardize', '--validation-split', '0.25', '--save', 'export.json', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout).data.features).toEqual(['size, m²', 'b']);
    // evaluate on the rows train held out (splitRows draws them as train does) reports train's validation metrics
    const held = splitRows(rows.length, { fraction: 0.25, seed: 0 }).validation;
    file('held.csv', `b,"size, m²",y\n${held.map((i) => `${rows[i]![1]},${rows[i]![0]},${y[i]}`).join('\n')}\n`);
    const evaluated = backprop('evaluate', 'export.json', 'held.csv', '--json');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout).metrics).toEqual(JSON.parse(trained.stdout).metrics.validation);
    const predicted = backprop('predict', 'export.json', 'later.csv');
    expect(predicted.code, predicted.stderr).toBe(0);
    const { loadModel } = await import('../src/node.js');
    const { model } = await loadModel(join(dir, 'export.json'));
    expect(predicted.stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',').at(-1)))).toEqual(model.predict(rows).map((p) => p[0]));
  });

  it('a column of categories, a decimal comma and a missing label are refused naming the file, line and column, and nothing is saved', () => {
    const cases: [string, RegExp][] = [
      ['x,colour,y\n1,red,0\n2,blue,1\n3,red,0\n', /^backprop: categories\.csv: line 2, column "colour": expected a finite number, got "red" \(text: a column of categories is no input as it is; leave it out of the features, or encode it as numbers, a 0\/1 column per category\)\n$/],
      ['x,y\n1,0\n"2,5",1\n', /^backprop: decimal\.csv: line 3, column "x": expected a finite number, got "2,5" \(numbers are written with a decimal point/],
      // It named line 2's "lark", as though the labels were the typo
      ['x,species\n1,lark\n2,wren\n3,\n4,lark\n', /^backprop: unlabelled\.csv: line 4, column "species": expected a class label, got an empty cell\n$/],
    ];
    cases.forEach(([text, message], k) => {
      const name = ['categories.csv', 'decimal.csv', 'unlabelled.csv'][k]!;
      expectRefusal(backprop('train', file(name, text), '--target', text.split('\n')[0]!.split(',').at(-1)!, '--save', 'never.json'), message);
      expect(existsSync(join(dir, 'never.json'))).toBe(false);
    });
  });

  it('a constant target: R² 0 where there is no variance to explain (it was −1e28), and a hint says so', () => {
    file('flat.csv', `a,y\n${Array.from({ length: 60 }, (_, i) => `${i / 10},5`).join('\n')}\n`);
    const run = backprop('train', 'flat.csv', '--target', 'y', '--epochs', '2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('hint: y is 5 in every row: there is nothing to learn from the features');
    expect(run.stdout).toMatch(/R² +0\n/);
  });

  it('a label that other tools read as missing (NA): trained as a class, as written, and a hint says so; other labels say nothing', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i},${i % 2 ? 'yes' : 'no'}`);
    rows[4] = '4,NA';
    file('na.csv', `a,placed\n${rows.join('\n')}\n`);
    const run = backprop('train', 'na.csv', '--target', 'placed', '--epochs', '1');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('(3 classes: NA, no, yes)');
    expect(run.stdout).toContain('hint: class "NA" (1 row) is trained as a class like the others (3 classes); if it marks a missing label, leave those rows out\n');
    rows[4] = '4,maybe';
    file('maybe.csv', `a,placed\n${rows.join('\n')}\n`);
    expect(backprop('train', 'maybe.csv', '--target', 'placed', '--epochs', '1').stdout).not.toContain('hint: class');
  });
});
