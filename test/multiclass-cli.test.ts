// The command line on more than two classes (and on several regression targets): the built CLI
// (dist/cli.js, which npm test builds first) on a 150-row, 4-feature, 3-label CSV drawn here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsv, gaussianBlobs, Model, parseCsv } from '../src/node.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-multiclass-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backprop = (...args: string[]) => runCli(dir, args, 120_000);

function ok(r: ReturnType<typeof backprop>): string {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
// Not in sorted order, so that the class order (sorted labels) differs from the order rows come in.
const LABELS = ['virginica', 'setosa', 'versicolor'];
const CLASSES = ['setosa', 'versicolor', 'virginica'];
// Three blobs near the iris species' means: setosa apart, versicolor and virginica overlapping a little.
const blobs = gaussianBlobs({ centers: [[6.6, 3.0, 5.5, 2.0], [5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3]], std: 0.4, rowsPerClass: 50, seed: 1 });
const FLOWERS = file('flowers.csv', formatCsv([...FEATURES, 'species'], blobs.x.map((row, r) => [...row, LABELS[blobs.y[r]!]!])));
const species = blobs.y.map((k) => LABELS[k]!);

/** Two engines, one run: the JS engine gives the WASM kernels' bits (softmax's exp is the same port of fdlibm on both). */
function sameRun(js: { history: { loss: number[] }; weights: number[][] }, wasm: typeof js): void {
  expect(js.history.loss).toEqual(wasm.history.loss);
  expect(js.weights).toEqual(wasm.weights);
}

/** Rows of a CSV on stdout, by column name. */
function csvRows(text: string): { columns: string[]; rows: string[][] } {
  return parseCsv(text);
}

describe('train DATA.csv --target species: three text labels train a softmax network', () => {
  const run = (...flags: string[]) => backprop('train', FLOWERS, '--target', 'species', '--standardize', '--validation-split', '0.2', ...flags);

  it('the report: 4-32-16-3 softmax, per-class and macro metrics, the 3 × 3 confusion matrix; the model file keeps the labels', () => {
    const out = ok(run('--save', 'flowers.json', '--plot-confusion', 'confusion.svg'));
    expect(out).toMatch(/^flowers\.csv: 150 rows; 4 features → species \(3 classes: setosa, versicolor, virginica\)/);
    expect(out).toMatch(/network 4-32-16-3 relu\/relu\/softmax, sparseCategoricalCrossentropy/);
    for (const row of ['accuracy', 'macro precision', 'macro recall', 'macro F1', 'log loss']) expect(out).toMatch(new RegExp(`^ +${row} +[\\d.]+ +[\\d.]+$`, 'm'));
    expect(out).toMatch(/per class \(validation\):\n +class +precision +recall +F1 +support\n +setosa .* 10\n +versicolor .* 10\n +virginica .* 10\n/);
    // 30 validation rows, stratified: 10 of each class, so each row of the confusion matrix sums to 10.
    const matrix = out.split('confusion matrix (validation; rows: actual class, columns: predicted):\n')[1]!.split('\n').slice(0, 4);
    expect(matrix[0]).toMatch(/actual \\ predicted +setosa +versicolor +virginica/);
    matrix.slice(1).forEach((line, k) => {
      const cells = line.trim().split(/ +/);
      expect(cells[0]).toBe(CLASSES[k]);
      expect(cells.slice(1).map(Number).reduce((a, b) => a + b)).toBe(10);
    });
    expect(out).toMatch(/wrote confusion matrix confusion\.svg, model flowers\.json/);
    const svg = readFileSync(join(dir, 'confusion.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    for (const label of CLASSES) expect(svg).toContain(`>${label}<`);
    const saved = JSON.parse(readFileSync(join(dir, 'flowers.json'), 'utf8'));
    expect(saved.classes).toEqual(CLASSES);
    expect(saved.model.loss).toBe('sparseCategoricalCrossentropy');
    expect(saved.model.layers.map((l: { units: number }) => l.units)).toEqual([32, 16, 3]);
  });

  it('is the worked example of docs/your-data.md, as printed there', () => {
    const readme = readFileSync(fileURLToPath(new URL('../docs/your-data.md', import.meta.url)), 'utf8');
    const shown = readme.split('## Three classes from the command line')[1]!;
    const metrics = (text: string) => text.slice(text.indexOf('                   training  validation'), text.indexOf('wrote confusion matrix'));
    const out = ok(run('--save', 'readme.json', '--plot-confusion', 'readme.svg'));
    expect(metrics(out)).toMatch(/validation\n +rows +120 +30/);
    expect(shown).toContain(metrics(out));
    expect(shown).toContain(out.split('\n').slice(0, 2).join('\n'));
  });

  it('learns: the validation accuracy is far above a guess (1/3); --engine js gives the same run', () => {
    const wasm = JSON.parse(ok(run('--json')));
    const js = JSON.parse(ok(run('--json', '--engine', 'js')));
    expect(wasm.data.classes).toEqual(CLASSES);
    expect(wasm.metrics.validation.task).toBe('multiclass');
    expect(wasm.metrics.validation.perClass).toHaveLength(3);
    expect(wasm.metrics.validation.accuracy).toBeGreaterThan(0.8);
    sameRun(js, wasm);
    expect(js.metrics.validation.confusion).toEqual(wasm.metrics.validation.confusion);
    // The report (numbers to 4 digits) reads the same on both engines but for the engine's name.
    const text = (engine: string) => ok(run('--epochs', '20', '--engine', engine)).replace(`${engine} engine`, 'ENGINE engine');
    expect(text('js')).toBe(text('wasm'));
  });

  it('predict writes the most probable label and one probability column per class; evaluate counts them as predict says', () => {
    ok(run('--save', 'eval.json', '--epochs', '30'));
    const predicted = csvRows(ok(backprop('predict', 'eval.json', FLOWERS)));
    expect(predicted.columns).toEqual([...FEATURES, 'species', 'prediction', ...CLASSES.map((c) => `probability_${c}`)]);
    const probabilities = predicted.rows.map((row) => row.slice(6).map(Number));
    const labels = predicted.rows.map((row) => row[5]!);
    probabilities.forEach((p, r) => {
      expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
      expect(labels[r]).toBe(CLASSES[p.indexOf(Math.max(...p))]);
    });
    // The metrics counted here from predict's output, independently of the metrics code.
    const confusion = CLASSES.map((actual) => CLASSES.map((guess) => species.filter((s, r) => s === actual && labels[r] === guess).length));
    const logLoss = -species.reduce((sum, s, r) => sum + Math.log(probabilities[r]![CLASSES.indexOf(s)]!), 0) / species.length;
    const evaluated = JSON.parse(ok(backprop('evaluate', 'eval.json', FLOWERS, '--json')));
    expect(evaluated.classes).toEqual(CLASSES);
    expect(evaluated.metrics.confusion).toEqual(confusion);
    expect(evaluated.metrics.accuracy).toBe(species.filter((s, r) => labels[r] === s).length / 150);
    expect(evaluated.metrics.logLoss).toBeCloseTo(logLoss, 12);
    const recall = CLASSES.map((_, k) => confusion[k]![k]! / 50);
    expect(evaluated.metrics.macroRecall).toBeCloseTo(recall.reduce((a, b) => a + b) / 3, 12);
    const text = ok(backprop('evaluate', 'eval.json', FLOWERS, '--engine', 'js'));
    expect(text).toMatch(/eval\.json on flowers\.csv: 150 rows, 4 features → species \(3 classes: setosa, versicolor, virginica\)/);
    expect(text).toMatch(/per class \(flowers\.csv\):/);
    expect(text).toMatch(new RegExp(`^ +versicolor +${confusion[1]!.join(' +')}$`, 'm'));
  });

  it('--shuffle none --weights FILE: exactly the library\'s fit on the labels as sorted class indices, on both engines', async () => {
    const first = JSON.parse(ok(backprop('train', FLOWERS, '--target', 'species', '--epochs', '1', '--json')));
    file('start.json', JSON.stringify(first.weights));
    const flags = ['train', FLOWERS, '--target', 'species', '--standardize', '--epochs', '5', '--shuffle', 'none', '--weights', 'start.json', '--json'];
    const wasm = JSON.parse(ok(backprop(...flags)));
    const js = JSON.parse(ok(backprop(...flags, '--engine', 'js')));
    expect(JSON.parse(ok(backprop(...flags)))).toEqual(wasm);
    sameRun(js, wasm);
    const model = new Model({
      inputs: 4, layers: [{ units: 32, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 3, activation: 'softmax' }],
      loss: 'sparseCategoricalCrossentropy', weights: first.weights,
    });
    const y = species.map((s) => CLASSES.indexOf(s));
    const history = await model.fit(blobs.x, y, { epochs: 5, optimizer: 'adam', learningRate: 0.001, batchSize: 32, shuffle: 'none', standardize: true, engine: 'js' });
    expect(js.history.loss).toEqual(history.loss);
    expect(js.weights).toEqual(model.getWeights());
    // categoricalCrossentropy on one-hot rows is the same loss and gradient as the sparse one on indices.
    const hot = JSON.parse(ok(backprop(...flags, '--loss', 'categoricalCrossentropy')));
    expect(hot.model.loss).toBe('categoricalCrossentropy');
    hot.history.loss.forEach((loss: number, e: number) => expect(loss).toBeCloseTo(wasm.history.loss[e], 12));
  });

  it('--layers lists every layer, the last the class count; --activation names the output or leaves it to the task', () => {
    const explicit = JSON.parse(ok(run('--epochs', '1', '--layers', '8,3', '--activation', 'tanh,softmax', '--json')));
    expect(explicit.model.layers.map((l: { units: number; activation: string }) => [l.units, l.activation])).toEqual([[8, 'tanh'], [3, 'softmax']]);
    const hidden = JSON.parse(ok(run('--epochs', '1', '--layers', '8,3', '--activation', 'elu', '--json')));
    expect(hidden.model.layers.map((l: { activation: string }) => l.activation)).toEqual(['elu', 'softmax']);
  });

  it('--l2, --l1 and --dropout: regularized kernels and a Dropout after every hidden layer, kept in the model file', () => {
    ok(run('--epochs', '2', '--l2', '0.01', '--l1', '0.001', '--dropout', '0.2', '--save', 'reg.json'));
    const saved = JSON.parse(readFileSync(join(dir, 'reg.json'), 'utf8'));
    expect(saved.model.layers).toEqual([
      { units: 32, activation: 'relu', kernelRegularizer: { l1: 0.001, l2: 0.01 } }, { dropout: 0.2 },
      { units: 16, activation: 'relu', kernelRegularizer: { l1: 0.001, l2: 0.01 } }, { dropout: 0.2 },
      { units: 3, activation: 'softmax', kernelRegularizer: { l1: 0.001, l2: 0.01 } },
    ]);
  });
});

describe('integer classes with --task classification', () => {
  const ints = file('ints.csv', formatCsv(['a', 'b', 'c', 'd', 'kind'], blobs.x.map((row, r) => [...row, [3, 1, 2][blobs.y[r]!]!])));

  it('train a softmax over the sorted integers; without --task the same column is a regression', () => {
    const out = ok(backprop('train', ints, '--target', 'kind', '--task', 'classification', '--epochs', '2'));
    expect(out).toMatch(/ints\.csv: 150 rows; 4 features → kind \(3 classes: 1, 2, 3\)/);
    expect(out).toMatch(/network 4-32-16-3 relu\/relu\/softmax/);
    expect(ok(backprop('train', ints, '--target', 'kind', '--epochs', '2'))).toMatch(/→ kind \(regression, from its values; --task to change\)/);
  });
});

describe('--dataset blobs3, the built-in three-class example', () => {
  it('train: a CSV run on its 180 rows, identical on --engine js; --plot-boundary colours the three classes', () => {
    const wasm = JSON.parse(ok(backprop('train', '--dataset', 'blobs3', '--epochs', '20', '--standardize', '--json')));
    const js = JSON.parse(ok(backprop('train', '--dataset', 'blobs3', '--epochs', '20', '--standardize', '--json', '--engine', 'js')));
    expect(wasm.data).toMatchObject({ file: 'blobs3', rows: 180, features: ['x1', 'x2'], target: 'class', classes: ['A', 'B', 'C'] });
    sameRun(js, wasm);
    const out = ok(backprop('train', '--dataset', 'blobs3', '--epochs', '20', '--standardize', '--plot-boundary', 'blobs.svg'));
    expect(out).toMatch(/^blobs3: 180 rows; 2 features → class \(3 classes: A, B, C\)/);
    const svg = readFileSync(join(dir, 'blobs.svg'), 'utf8');
    for (const label of ['A', 'B', 'C']) expect(svg).toContain(`>${label}<`);
  });

  it('explain: the step of that run, softmax and its cross-entropy', () => {
    const out = ok(backprop('explain', '--dataset', 'blobs3', '--row', '1'));
    expect(out).toMatch(/^blobs3: 180 rows; 2 features → class \(classification: 0 A, 1 B, 2 C\)/);
    expect(out).toMatch(/2-32-16-3 relu\/relu\/softmax, sparseCategoricalCrossentropy/);
    expect(out).toMatch(/L = −log ŷ of class y/);
  });
});

describe('several regression targets: --target a,b', () => {
  it('one linear output per target; predict writes prediction_<target>; evaluate scores each target', () => {
    const out = ok(backprop('train', FLOWERS, '--target', 'sepal_length,petal_width', '--features', 'sepal_width,petal_length', '--epochs', '20', '--save', 'two.json'));
    expect(out).toMatch(/network 2-32-16-2 relu\/relu\/linear, mse/);
    expect(out).toMatch(/training rows, per target:\n +sepal_length +petal_width\n +rows +150 +150/);
    const saved = JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8'));
    expect(saved.targets).toEqual(['sepal_length', 'petal_width']);
    const predicted = csvRows(ok(backprop('predict', 'two.json', FLOWERS)));
    expect(predicted.columns.slice(-2)).toEqual(['prediction_sepal_length', 'prediction_petal_width']);
    const evaluated = JSON.parse(ok(backprop('evaluate', 'two.json', FLOWERS, '--json')));
    // MSE of each target from predict's output, counted here.
    ['sepal_length', 'petal_width'].forEach((target, j) => {
      const c = FEATURES.indexOf(target);
      const mse = predicted.rows.reduce((sum, row) => sum + (Number(row[c]) - Number(row[5 + j])) ** 2, 0) / 150;
      expect(evaluated.targetMetrics[target].mse).toBeCloseTo(mse, 10);
      expect(evaluated.targetMetrics[target].rows).toBe(150);
    });
  });
});

describe('mistakes: a clear message, exit 1, nothing written', () => {
  const one = file('one.csv', 'a,b,y\n1,2,cat\n2,3,cat\n3,1,cat\n');
  const zeros = file('zeros.csv', 'a,b,y\n1,2,0\n2,3,0\n3,1,0\n');
  const unseen = file('unseen.csv', formatCsv([...FEATURES, 'species'], blobs.x.slice(0, 6).map((row, r) => [...row, r === 4 ? 'iris' : species[r]!])));

  it.each([
    [['train', one, '--target', 'y'], /one\.csv: column "y" has only one value, "cat"; a classifier needs at least two/],
    [['train', zeros, '--target', 'y'], /zeros\.csv: column "y" has only one value, 0; a classifier needs at least two classes/],
    [['train', FLOWERS, '--target', 'species', '--layers', '8,2'], /--layers: the output layer has 2 units but species has 3 classes \(setosa, versicolor, virginica\); end --layers with 3 \(e\.g\. 8,3\)/],
    [['train', FLOWERS, '--target', 'sepal_length,petal_width', '--features', 'sepal_width', '--layers', '4,1'], /--layers: the output layer has 1 unit but there are 2 targets \(sepal_length, petal_width\); end --layers with 2/],
    [['train', '--dataset', 'package', '--layers', '8,2'], /--layers: the output layer has 2 units but there is one target \(package\); end --layers with 1/],
    [['train', FLOWERS, '--target', 'species', '--loss', 'mse'], /--loss: mse does not fit the 3 classes of species: use categoricalCrossentropy, sparseCategoricalCrossentropy, categoricalHinge, kullbackLeiblerDivergence/],
    [['train', FLOWERS, '--target', 'species', '--threshold', '0.3'], /--threshold: applies to 0\/1 targets; species has 3 classes/],
    [['train', FLOWERS, '--target', 'species', '--dropout', '1'], /--dropout: expected a rate above 0 and below 1, like 0\.2, got 1/],
    [['train', FLOWERS, '--target', 'species', '--l2', '-0.1'], /--l2: expected a coefficient ≥ 0, like 0\.01, got -0\.1/],
    [['explain', '--dataset', 'blobs3', '--plot-confusion', 'c.svg'], /--plot-confusion: is about a whole training run \(backprop train\); explain shows one step/],
    [['train', '--dataset', 'blobs3', '--target', 'x1'], /--target: applies to CSV files \(backprop train DATA\.csv --target COLUMN\); --dataset blobs3 has its own \(x1, x2 → class\)/],
    [['train', FLOWERS, '--target', 'petal_width', '--features', 'sepal_width', '--plot-confusion', 'c.svg'], /--plot-confusion: draws the classes of one target; this run is a regression/],
  ])('%s', (args, message) => {
    const r = backprop(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backprop: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('evaluate: a label the model was not trained on names its line', () => {
    ok(backprop('train', FLOWERS, '--target', 'species', '--epochs', '1', '--save', 'known.json'));
    const r = backprop('evaluate', 'known.json', unseen);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unseen\.csv: line 6 \(row 5\), column "species": the label "iris" was not seen in training; the model knows "setosa", "versicolor", "virginica"/);
    expect(backprop('predict', 'known.json', FLOWERS, '--threshold', '0.3').stderr).toMatch(/--threshold: applies to 0\/1 classifiers; this model predicts the most probable of its 3 classes/);
  });
});
