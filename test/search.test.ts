// Parallel trials (src/search/, backprop search): folds that cover every row once and keep the
// labels' shares; a search whose rows are the same to the bit on 1 and 2 workers; each trial equal to
// the plain in-thread Model.fit it stands for; the CLI's printed train commands reproducing each
// trial's numbers to the bit, and its saved model equal to train's; bad grids refused by name.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { BackpropError, foldRows, formatCsv, gaussianBlobs, Model, parseCsv, rankRows, runTrials, search, stopSearchWorkers, takeRows, type LayerSpec, type ModelOptions, type TrialResult } from '../src/node.js';
import { setCoreCount } from '../src/cores.js';
import { MODEL_FIT_OPTIONS } from '../src/fitOptions.js';
import { setDefaultWorker, type WorkerFactory } from '../src/worker/client.js';
import { seeded } from '../src/random.js';
import { flagsOf } from '../src/cli/args.js';
import { searchCommand } from '../src/cli/search.js';
import { train } from '../src/cli/train.js';
import { runCli } from './helpers.js';

const workerUrl = new URL('../dist/worker-node.js', import.meta.url);
const refusal = async (f: () => unknown) => { try { await f(); } catch (e) { return (e as Error).message; } throw new Error('expected a refusal'); };

// Three classes, 20 rows each: a softmax classifier's data.
const blobs = gaussianBlobs({ centers: [[0, 0], [2, 0], [0, 2]], std: 0.8, rowsPerClass: 20, seed: 3 });
const model: ModelOptions<LayerSpec> = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy' };
const blobY = blobs.y.map((k) => [k]);

describe('foldRows', () => {
  it('holds out every row exactly once over the k folds, in folds of ⌊n/k⌋ or ⌈n/k⌉ rows, each label within one row of its share; seeded', () => {
    const labels = Array.from({ length: 23 }, (_, r) => (r % 3 === 0 ? 1 : 0));
    const seen = new Array<number>(23).fill(0);
    for (let fold = 0; fold < 4; fold++) {
      const { train, validation } = foldRows(23, { folds: 4, fold, seed: 5, stratify: labels });
      expect([...train, ...validation].sort((a, b) => a - b)).toEqual([...Array(23).keys()]);
      expect([5, 6]).toContain(validation.length);
      const ones = validation.filter((r) => labels[r] === 1).length;
      // 8 rows of label 1 over 4 folds: 2 in each
      expect(ones).toBe(2);
      for (const r of validation) seen[r]!++;
    }
    expect(seen).toEqual(new Array(23).fill(1));
    expect(foldRows(23, { folds: 4, fold: 1, seed: 5 })).toEqual(foldRows(23, { folds: 4, fold: 1, seed: 5 }));
    expect(foldRows(23, { folds: 4, fold: 1, seed: 5 })).not.toEqual(foldRows(23, { folds: 4, fold: 1, seed: 6 }));
    expect(() => foldRows(3, { folds: 4, fold: 0 })).toThrow('folds: 4 folds need at least 4 rows');
    expect(() => foldRows(10, { folds: 4, fold: 4 })).toThrow('fold: expected a fold from 0 to 3');
  });
});

describe('search', () => {
  it('gives the same rows to the bit on 1 and 2 workers, each trial the in-thread fit of its fold, ranked by the mean', async () => {
    const grid = { learningRate: [0.01, 0.1], batchSize: [8, 60], seed: [0, 1] };
    const options = { model, fit: { optimizer: 'adam', epochs: 15, shuffle: 'epoch', standardize: true }, folds: 3, metric: 'accuracy', workerUrl } as const;
    const one = await search(blobs.x, blobY, grid, { ...options, threads: 1 });
    const two = await search(blobs.x, blobY, grid, { ...options, threads: 2 });
    expect(two).toStrictEqual(one);
    expect(one).toHaveLength(4);
    expect(one.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < one.length; i++) expect(one[i]!.mean).toBeLessThanOrEqual(one[i - 1]!.mean);

    // Any trial, as a plain fit in this thread: the model built with its seed, fit on the fold's other rows
    const row = one.find((r) => r.setting.learningRate === 0.1 && r.setting.batchSize === 8)!;
    const trial = row.trials.find((t) => t.seed === 1 && t.fold === 2)!;
    const x = new Float64Array(blobs.x.flat()), y = new Float64Array(blobs.y);
    const { train, validation } = foldRows(60, { folds: 3, fold: 2, seed: 1, stratify: y });
    const local = new Model({ ...model, seed: 1 });
    const history = await local.fit(takeRows(x, 2, train), takeRows(y, 1, train), {
      ...options.fit, learningRate: 0.1, batchSize: 8, seed: 1, validationData: [takeRows(x, 2, validation), takeRows(y, 1, validation)],
    });
    expect(trial.loss).toBe(history.valLoss!.at(-1));
    expect(trial.metrics).toEqual(history.valMetrics!.at(-1));
    // the row's mean and population std, over its 2 seeds × 3 folds
    const accuracies = row.trials.map((t) => (t.metrics as { accuracy: number }).accuracy);
    const mean = accuracies.reduce((a, b) => a + b) / 6;
    expect(row.mean).toBeCloseTo(mean, 15);
    expect(row.std).toBeCloseTo(Math.sqrt(accuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / 6), 15);
  });

  it('with validationSplit, holds out the rows fit\'s own validationSplit holds out; with early stopping, measures the kept epoch', async () => {
    const fit = { optimizer: 'sgd', learningRate: 0.3, epochs: 40, batchSize: 4, earlyStopping: { patience: 3 } } as const;
    const [row] = await search(blobs.x, blobY, { seed: [4] }, { model, fit, validationSplit: 0.25, threads: 1, workerUrl });
    const history = await new Model({ ...model, seed: 4 }).fit(blobs.x, blobY, { ...fit, seed: 4, validationSplit: 0.25 });
    const trial = row!.trials[0]!;
    expect(trial.epochs).toBe(history.loss.length);
    expect(trial.bestEpoch).toBe(history.bestEpoch);
    expect(trial.loss).toBe(history.valLoss![history.bestEpoch!]);
  });

  it('keeps its workers for the next search (the same rows from kept workers as from new ones) until one fails or stopSearchWorkers', async () => {
    let started = 0;
    const failures: ((e: Error) => void)[] = [];
    const messages: string[] = [];
    const node: WorkerFactory = setDefaultWorker((url) => {
      started++;
      const endpoint = node(url);
      return {
        ...endpoint,
        post: (m) => { messages.push(`→ ${m.type}`); endpoint.post(m); },
        listen: (handler) => endpoint.listen((m) => { messages.push(`← ${Object.keys(m).join(',')}`); handler(m); }),
        onFailure: (handler) => { failures.push(handler); endpoint.onFailure(handler); },
      };
    })!;
    setCoreCount(() => 2);
    try {
      await stopSearchWorkers();
      const options = { model, fit: { optimizer: 'adam', epochs: 5 }, folds: 2, workerUrl } as const;
      const first = await search(blobs.x, blobY, { seed: [0, 1] }, { ...options, threads: 2 });
      expect(started).toBe(2);
      // Per fit, the trial goes out and its measure alone comes back (no model, no weights, no epochs)
      expect(messages.sort()).toStrictEqual([...Array(4).fill('← type,id,result'), ...Array(4).fill('→ trial')]);
      expect(await search(blobs.x, blobY, { seed: [0, 1] }, { ...options, threads: 2 })).toStrictEqual(first);
      expect(await search(blobs.x, blobY, { seed: [0, 1] }, { ...options, threads: 1 })).toStrictEqual(first);
      expect(started).toBe(2);
      // A run that fails ends its workers: here its onTrialEnd throws
      expect(await refusal(() => runTrials(blobs.x, blobY, [{ model, fit: {} }], { folds: 2, threads: 1, workerUrl, onTrialEnd: () => { throw new Error('no room for the bar'); } }))).toBe('no room for the bar');
      await search(blobs.x, blobY, { seed: [0] }, { ...options, threads: 1 });
      expect(started).toBe(3);
      await stopSearchWorkers();
      await search(blobs.x, blobY, { seed: [0] }, { ...options, threads: 1 });
      expect(started).toBe(4);
      // A kept worker that fails while idle is left out: the next search starts another
      failures.at(-1)!(new Error('the training worker exited (code 1)'));
      await search(blobs.x, blobY, { seed: [0] }, { ...options, threads: 1 });
      expect(started).toBe(5);
    } finally {
      setDefaultWorker(node);
      setCoreCount(availableParallelism);
      await stopSearchWorkers();
    }
  });

  it('refuses a bad grid or option by name before any worker starts', async () => {
    const options = { model, folds: 3, workerUrl };
    expect(await refusal(() => search(blobs.x, blobY, { learningRate: [0.1, 'abc' as unknown as number] }, options))).toBe('grid.learningRate[1]: learningRate: expected a finite number > 0, got "abc"');
    expect(await refusal(() => search(blobs.x, blobY, { learningRate: [] }, options))).toMatch(/^grid.learningRate: expected a non-empty list/);
    expect(await refusal(() => search(blobs.x, blobY, { seed: [1, 1] }, options))).toMatch(/^grid.seed\[1\]: 1 is listed twice/);
    expect(await refusal(() => search(blobs.x, blobY, { lr: [0.1] } as never, options))).toMatch(/^grid.lr: unknown option/);
    expect(await refusal(() => search(blobs.x, blobY, { layers: [[{ units: 0, activation: 'relu' }]] }, options))).toMatch(/^grid.layers\[0\]: layers\[0\].units/);
    expect(await refusal(() => search(blobs.x, blobY, {}, { ...options, metric: 'r2' }))).toMatch(/^metric: r2 is not reported for a multiclass/);
    expect(await refusal(() => search(blobs.x, blobY, {}, { model, workerUrl }))).toMatch(/^folds: give folds/);
    expect(await refusal(() => search(blobs.x, blobY, {}, { ...options, fit: { seed: 2 } as never }))).toMatch(/^fit.seed: is set by the search/);
    expect(await refusal(() => search(blobs.x, blobY, {}, { ...options, threads: 0 }))).toMatch(/^threads: expected a positive integer/);
    // A trial's fit runs in a worker: its callback could not be called
    expect(await refusal(() => runTrials(blobs.x, blobY, [{ model, fit: { onEpochEnd: () => {} } as never }], { folds: 2, workerUrl }))).toMatch(/^trials\[0\].fit.onEpochEnd: cannot be called/);
  });

  it('refuses every option of search and runTrials, nested ones included, by its whole path, as the Model constructor and Model.fit refuse it, before any worker starts', async () => {
    let started = 0, ended = 0;
    const node: WorkerFactory = setDefaultWorker((url) => { started++; return node(url); })!;
    const onTrialEnd = () => { ended++; };
    const refused = async (f: () => unknown) => {
      try { await f(); } catch (e) { expect(e).toBeInstanceOf(BackpropError); return `${(e as BackpropError).field} | ${(e as Error).message}`; }
      throw new Error('expected a refusal');
    };
    const base = { folds: 2, threads: 1, workerUrl, onTrialEnd };
    const searched = (options: object, grid = {}) => refused(() => search(blobs.x, blobY, grid, { model, ...base, ...options } as never));
    const trialsRun = (trials: unknown[], options = {}) => refused(() => runTrials(blobs.x, blobY, trials as never, { ...base, ...options } as never));
    try {
      await stopSearchWorkers();
      const fitKeys = MODEL_FIT_OPTIONS.join(', ');
      expect(await searched({ fit: { bogusKey: 1 } })).toBe(`fit.bogusKey | fit.bogusKey: unknown option; expected one of ${fitKeys}`);
      expect(await searched({ fit: { earlyStopping: { bogus: 1 } } })).toBe('fit.earlyStopping.bogus | fit.earlyStopping.bogus: unknown option; expected one of patience, monitor, minDelta, restoreBestWeights, startFromEpoch, baseline');
      expect(await searched({ fit: { earlyStopping: { monitor: 'val_r2' } } })).toBe('fit.earlyStopping.monitor | fit.earlyStopping.monitor: val_r2 is not a metric of this model (a multiclass); it can watch loss, val_loss, val_accuracy, val_logLoss, val_macroPrecision, val_macroRecall, val_macroF1');
      expect(await searched({ fit: { classWeight: { 7: 2 } } })).toBe('fit.classWeight.7 | fit.classWeight.7: expected a class index from 0 to 2');
      expect(await searched({ fit: { initialEpoch: 3 } })).toBe('fit.initialEpoch | fit.initialEpoch: each trial trains a new model from epoch 0; leave it out');
      expect(await searched({ fit: { sampleWeight: new Array(60).fill(1) } })).toBe("fit.sampleWeight | fit.sampleWeight: weighs the rows of x, which each trial's split divides; give classWeight, or weigh the rows in a fit of your own");
      expect(await searched({ model: { ...model, bogus: 1 } })).toBe('model.bogus | model.bogus: unknown option; expected one of inputs, layers, loss, weights, seed, scaler, targetScaler');
      expect(await searched({ model: { ...model, scaler: { mean: [0, 0], std: [1, -1] } } })).toBe('model.scaler.std[1] | model.scaler.std[1]: expected a finite number > 0, got -1');
      expect(await searched({ model: { ...model, weights: [[1]] } })).toBe('model.weights | model.weights: expected 4 arrays [kernel, bias] × 2 layers, got an array of 1 row');
      expect(await searched({ model: { ...model, layers: [{ units: 0 }] } })).toBe('model.layers[0].units | model.layers[0].units: expected a positive integer, got 0');
      expect(await searched({ model: { ...model, seed: 5 } })).toBe('model.seed | model.seed: is set by the search for each trial, from grid.seed (default [0]); leave it out');
      expect(await searched({ fit: { seed: 5 } })).toBe('fit.seed | fit.seed: is set by the search for each trial, from grid.seed (default [0]); leave it out');
      expect(await searched({}, { learningRate: [0.1, -1] })).toBe('grid.learningRate[1] | grid.learningRate[1]: learningRate: expected a finite number > 0, got -1');
      // a grid's layers against the model's weights, as the Model constructor takes them
      expect(await searched({ model: { ...model, weights: new Model(model).getWeights() } }, { layers: [model.layers, [{ units: 3, activation: 'softmax' }]] })).toBe('grid.layers[1] | grid.layers[1]: weights: expected 2 arrays [kernel, bias] × 1 layers, got an array of 4 rows');
      // a grid's layers with the fit: a class weight of a fourth class, for a network of three outputs
      expect(await searched({ fit: { classWeight: { 3: 2 } }, model: { ...model, layers: [{ units: 4, activation: 'softmax' }] } }, { layers: [[{ units: 4, activation: 'softmax' }], [{ units: 3, activation: 'softmax' }]] })).toBe('grid.layers[1] | grid.layers[1]: classWeight.3: expected a class index from 0 to 2');
      expect(await searched({ workerUrl: 5 })).toBe("workerUrl | workerUrl: expected the worker script's URL (a URL or a string), got 5");

      const trial = { model, fit: {} };
      expect(await trialsRun([trial, trial, { model: { ...model, layers: [{ units: 0 }] }, fit: {} }])).toBe('trials[2].model.layers[0].units | trials[2].model.layers[0].units: expected a positive integer, got 0');
      expect(await trialsRun([trial, { model, fit: { earlyStopping: { bogus: 1 } } }])).toBe('trials[1].fit.earlyStopping.bogus | trials[1].fit.earlyStopping.bogus: unknown option; expected one of patience, monitor, minDelta, restoreBestWeights, startFromEpoch, baseline');
      expect(await trialsRun([{ model, fit: { bogusKey: 1 } }])).toBe(`trials[0].fit.bogusKey | trials[0].fit.bogusKey: unknown option; expected one of ${fitKeys}`);
      expect(await trialsRun([{ model: { ...model, bogus: 1 }, fit: {} }])).toBe('trials[0].model.bogus | trials[0].model.bogus: unknown option; expected one of inputs, layers, loss, weights, seed, scaler, targetScaler');
      expect(await trialsRun([{ model }])).toBe("trials[0].fit | trials[0].fit: expected an object of fit options ({} for Model.fit's defaults), got undefined");
      expect(await trialsRun([{ fit: {} }])).toBe('trials[0].model | trials[0].model: expected a model\'s options { inputs, layers, loss }, got undefined');
      expect(await trialsRun([trial], { workerUrl: 5 })).toBe("workerUrl | workerUrl: expected the worker script's URL (a URL or a string), got 5");
      expect([started, ended]).toEqual([0, 0]);
      // and a good one runs
      expect(await runTrials(blobs.x, blobY, [trial], base)).toHaveLength(1);
      expect([started, ended]).toEqual([1, 2]);
    } finally {
      setDefaultWorker(node);
      await stopSearchWorkers();
    }
  });

  it('ranks a setting with a diverged fit after every other, and a higher-is-better metric from the top', () => {
    const trial = (loss: number, accuracy: number): TrialResult => ({ seed: 0, loss, epochs: 1, ...(Number.isNaN(loss) ? { diverged: 'x' } : { metrics: { accuracy } as never }) });
    const rows = rankRows([
      { setting: 'a', trials: [trial(1, 0.5), trial(1, 0.7)] },
      { setting: 'b', trials: [trial(NaN, 0), trial(1, 0.9)] },
      { setting: 'c', trials: [trial(2, 0.8), trial(2, 0.8)] },
    ], 'accuracy');
    expect(rows.map((r) => [r.setting, r.rank])).toEqual([['c', 1], ['a', 2], ['b', 3]]);
    expect(rows[1]!.std).toBeCloseTo(0.1, 15);
  });
});

describe('backprop search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-search-'));
  const random = seeded(11);
  const rows = Array.from({ length: 60 }, () => {
    const a = Number((random() * 2 - 1).toFixed(3)), b = Number((random() * 2 - 1).toFixed(3));
    return [a, b, Number((Math.sin(2 * a) + a * b).toFixed(4))];
  });
  const data = join(dir, 'data.csv');
  writeFileSync(data, formatCsv(['a', 'b', 'y'], rows));
  const cli = (args: string[]) => runCli(dir, args);

  it("prints each fit's train command, which reproduces its validation numbers to the bit; --save is train's model on every row", () => {
    const r = cli(['search', 'data.csv', '--target', 'y', '--layers', '4,1', '8,4,1', '--lr', '0.01,0.05', '--seeds', '0-1', '--folds', '3', '--epochs', '10', '--standardize', '--threads', '2', '--metric', 'mae', '--out', 'out.csv', '--save', 'best.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 settings × 2 seeds × 3 folds = 24 fits on 2 workers');
    expect(r.stdout).toContain('each fit is: backprop train data.csv --target y --standardize --epochs 10 --layers LAYERS --lr LR --seed SEED --folds 3 --fold FOLD');
    const table = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
    expect(table.columns).toEqual(['rank', 'layers', 'lr', 'seed', 'fold', 'epochs', 'val_loss', 'val_mae', 'mae_mean', 'mae_std', 'diverged', 'command']);
    expect(table.rows).toHaveLength(24);
    for (const line of [table.rows[0]!, table.rows[17]!]) {
      const command = line[11]!.split(' ');
      expect(command.slice(0, 2)).toEqual(['backprop', 'train']);
      const trained = JSON.parse(cli([...command.slice(1), '--json']).stdout);
      expect(String(trained.history.valLoss.at(-1))).toBe(line[6]);
      expect(String(trained.metrics.validation.mae)).toBe(line[7]);
    }
    const best = table.rows[0]!;
    const saved = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8'));
    expect(cli(['train', 'data.csv', '--target', 'y', '--standardize', '--epochs', '10', '--layers', best[1]!, '--lr', best[2]!, '--seed', '0', '--save', 'train.json']).code).toBe(0);
    expect(saved.weights).toEqual(JSON.parse(readFileSync(join(dir, 'train.json'), 'utf8')).weights);
  });

  it('--json: one object on standard output, nothing else — the settings ranked, each fit with its numbers and the command that reproduces them — as --out has them', () => {
    const r = cli(['search', 'data.csv', '--target', 'y', '--layers', '4,1', '6,1', '--lr', '0.01,0.05', '--seeds', '0-1', '--folds', '2', '--epochs', '4', '--threads', '2', '--metric', 'mae', '--json', '--out', 'json.csv', '--save', 'json.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ data: { file: 'data.csv', rows: 60, features: ['a', 'b'], target: 'y', task: 'regression' }, fits: 16, workers: 2, metric: 'mae', better: 'lower', folds: 2, seeds: [0, 1] });
    expect(o.rows.map((row: { rank: number }) => row.rank)).toEqual([1, 2, 3, 4]);
    // The CSV table of the same run, line by line: the same fits, in the same order, to the last digit
    const table = parseCsv(readFileSync(join(dir, 'json.csv'), 'utf8'));
    const fits = o.rows.flatMap((row: { rank: number; setting: Record<string, string>; mean: number; fits: { seed: number; fold: number; loss: number; metrics: { mae: number }; command: string }[] }) =>
      row.fits.map((f) => [String(row.rank), row.setting.layers, row.setting.lr, String(f.seed), String(f.fold), String(f.loss), String(f.metrics.mae), String(row.mean), f.command]));
    expect(fits).toEqual(table.rows.map((l) => [l[0], l[1], l[2], l[3], l[4], l[6], l[7], l[8], l[11]]));
    expect(o.saved).toEqual({ file: 'json.json', command: `backprop train data.csv --target y --epochs 4 --layers ${o.rows[0].setting.layers} --lr ${o.rows[0].setting.lr} --seed 0` });
    expect(o.written).toEqual(['table json.csv', 'model json.json']);
  });

  it('with --validation-split, the command holds out the same rows; the layer lists in one quoted argument are the same grid', () => {
    const args = ['--target', 'y', '--lr', '0.02', '--seeds', '3', '--validation-split', '0.3', '--epochs', '5', '--threads', '1', '--out'];
    expect(cli(['search', 'data.csv', '--layers', '4,1', '6,1', ...args, 'a.csv']).code).toBe(0);
    expect(cli(['search', 'data.csv', '--layers', '4,1 6,1', ...args, 'b.csv']).code).toBe(0);
    const a = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(a);
    const line = parseCsv(a).rows[1]!;
    expect(line.at(-1)).toMatch(/--seed 3$/);
    expect(line.at(-1)).toContain('--validation-split 0.3');
    const trained = JSON.parse(cli([...line.at(-1)!.split(' ').slice(1), '--json']).stdout);
    expect(String(trained.history.valLoss.at(-1))).toBe(line[5]);
  });

  it("passes train's flags on to every fit (the printed command reproduces it); --save trains and records as train does, so --resume continues it", () => {
    // Every flag of train's is the search's: passed on, its own (the grid, --folds, --threads, --save), or refused saying why.
    const own = flagsOf(searchCommand);
    for (const name of Object.keys(flagsOf(train))) expect(Object.keys(own)).toContain(name);
    const labels = rows.map(([a, b]) => [a!, b!, a! + b! > 0.3 ? 1 : 0]);
    writeFileSync(join(dir, 'labels.csv'), formatCsv(['a', 'b', 'y'], labels));
    const shared = ['--class-weight', '0=1,1=3', '--beta2', '0.99', '--clipnorm', '1', '--reduce-lr-on-plateau', 'factor=0.5,patience=1', '--activation', 'leakyRelu', '--alpha', '0.1'];
    const r = cli(['search', 'labels.csv', '--target', 'y', '--layers', '4,1', '--optimizer', 'adam,nadam', '--lr', '0.05', '--folds', '2', '--epochs', '6', '--threads', '1', ...shared, '--out', 'shared.csv', '--save', 'shared.json']);
    expect(r.stderr).toBe('');
    const out = parseCsv(readFileSync(join(dir, 'shared.csv'), 'utf8')), line = out.rows[1]!;
    for (const word of shared) expect(line.at(-1)!.split(' ')).toContain(word);
    const trained = JSON.parse(cli([...line.at(-1)!.split(' ').slice(1), '--json']).stdout);
    expect(String(trained.history.valLoss.at(-1))).toBe(line[out.columns.indexOf('val_loss')]);
    // The saved fit has no validation rows: its plateau of the validation loss is not watched, and its command says so.
    const command = /the model saved is rank 1 retrained on every row: (.*)/.exec(r.stdout)![1]!.split(' ');
    expect(command).not.toContain('--reduce-lr-on-plateau');
    expect(cli([...command.slice(1), '--save', 'train.json']).code).toBe(0);
    const [saved, again] = ['shared.json', 'train.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    expect(saved.weights).toEqual(again.weights);
    expect(saved.state).toEqual(again.state);
    // train --resume reads the search's record as train's own: 4 epochs more are the run of 10
    expect(cli(['train', 'labels.csv', '--resume', 'shared.json', '--epochs', '10', '--save', 'resumed.json']).stderr).toBe('');
    expect(cli([...command.slice(1).map((w, i, all) => (all[i - 1] === '--epochs' ? '10' : w)), '--save', 'ten.json']).code).toBe(0);
    const [resumed, ten] = ['resumed.json', 'ten.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    expect(resumed.weights).toEqual(ten.weights);
  });

  it('a Ctrl-C while --save retrains the best setting keeps the table, whole, and begins no model file', async () => {
    // the fits stop after their second epoch (no improvement of 1 in a standardized loss); the retrain has a million to run
    const args = ['search', 'data.csv', '--target', 'y', '--layers', '4,1', '--validation-split', '0.2', '--epochs', '1000000', '--early-stopping', 'patience=1,minDelta=1', '--threads', '1', '--out', 'kept.csv', '--save', 'never.json'];
    const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/cli.js', import.meta.url)), ...args], { cwd: dir });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.includes('retrained on every row')) return;
      out += d;
      if (out.includes('retrained on every row')) child.kill('SIGINT');
    });
    const [code, signal] = await once(child, 'exit');
    expect(code === 130 || signal === 'SIGINT', `${code} ${signal}`).toBe(true);
    expect(parseCsv(readFileSync(join(dir, 'kept.csv'), 'utf8')).rows).toHaveLength(1);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says when a class has fewer rows than folds: the folds without one of its rows tell nothing of it', () => {
    writeFileSync(join(dir, 'rare.csv'), formatCsv(['a', 'b', 'y'], rows.map(([a, b], r) => [a!, b!, r < 2 ? 1 : 0])));
    const r = cli(['search', 'rare.csv', '--target', 'y', '--folds', '3', '--epochs', '1', '--threads', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('\nhint: class 1 has 2 rows, fewer than the 3 folds: 1 fold holds none of it out, where a metric of it (its recall, F1) counts 0; --folds 2 holds one out in each\n');
    expect(cli(['search', 'rare.csv', '--target', 'y', '--folds', '2', '--epochs', '1', '--threads', '1']).stdout).not.toContain('hint:');
  });

  it('refuses a bad grid naming the flag, before any output is written', () => {
    const base = ['search', 'data.csv', '--target', 'y', '--folds', '3', '--out', 'never.csv'];
    const refused = (args: string[]) => { const r = cli([...base, ...args]); expect(r.code).toBe(1); return r.stderr.trim(); };
    expect(refused(['--seeds', '4-1'])).toBe('backprop: --seeds: the range 4-1 runs backwards; write 1-4');
    expect(refused(['--lr', '0,abc'])).toBe('backprop: --lr: expected a number, got "abc"');
    expect(refused(['--lr', '0.1,0'])).toBe('backprop: --lr 0: learningRate: expected a finite number > 0, got 0');
    expect(refused(['--layers', '4,1', '4,2'])).toMatch(/^backprop: --layers: the output layer has 2 units but there is one target \(y\)/);
    expect(refused(['--metric', 'accuracy'])).toBe(`backprop: --metric: accuracy is not reported for a regression (loss 'mse'); expected one of 'loss', 'mse', 'mae', 'r2', got "accuracy"`);
    expect(cli(['search', 'data.csv', '--target', 'y', '--folds', '61']).stderr.trim()).toBe('backprop: --folds: 61 folds need at least 61 rows; data.csv has 60');
    expect(refused(['--threads', '0'])).toBe('backprop: --threads: expected a whole number ≥ 1 or auto, got 0');
    // one setting written twice, as the same text or not
    expect(refused(['--lr', '0.01,1e-2'])).toBe('backprop: --lr: 0.01 and 1e-2 are one value; each value once');
    expect(refused(['--layers', '4,1', '04,1'])).toBe('backprop: --layers: 4,1 and 04,1 are one value; each value once');
    expect(refused(['--seed', '1'])).toBe('backprop: --seed: each trial is seeded from --seeds (--seeds 3: one seed)');
    // blobs3 has its own columns; no data at all is named as such
    expect(cli(['search', '--dataset', 'blobs3', '--layers', '4,3', '8,3', '--target', 'y', '--folds', '3']).stderr.trim()).toBe('backprop: --target: applies to CSV files (backprop search DATA.csv --target COLUMN); --dataset blobs3 has its own (x1, x2 → class)');
    expect(cli(['search', '--folds', '3']).stderr.trim()).toBe('backprop: search: expected a CSV file (backprop search DATA.csv --target COLUMN …) or --dataset blobs3');
    expect(cli(['search', 'data.csv', '--target', 'y']).stderr.trim()).toMatch(/^backprop: --folds: a search ranks by held-out rows/);
    expect(() => readFileSync(join(dir, 'never.csv'))).toThrow();
    // train's side of a fold
    expect(cli(['train', 'data.csv', '--target', 'y', '--fold', '1']).stderr.trim()).toBe('backprop: --fold: go together: --folds K --fold I holds out fold I (from 0) of K');
    expect(cli(['train', 'data.csv', '--target', 'y', '--folds', '3', '--fold', '3']).stderr.trim()).toBe('backprop: --fold: expected a fold from 0 to 2, got 3');
  });
});
