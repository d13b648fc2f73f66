// Continue exactly: 5 epochs, a checkpoint (the model file, saved and read back), then 5 more epochs
// from it give the bits of 10 epochs in one fit — weights, optimizer state, every history entry —
// for every optimizer, clipping, schedule, ReduceLROnPlateau, shuffle mode, dropout, early stopping and
// either engine on either side.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { lossChart, Progress } from '../src/cli/progress.js';
import { loadWasm, lossChartSvg, Model, modelFromFile, modelToText, type EngineKind, type History, type LayerSpec, type ModelFitOptions, type ModelOptions } from '../src/node.js';
import { seeded } from '../src/random.js';
import { randomRows, runCli } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const settings = (runs: number) => ({ numRuns: Number(process.env.FC_RUNS ?? runs), seed: Number(process.env.FC_SEED ?? 20261206) });

beforeAll(async () => { await loadWasm(); });

/** The bits of each number, so that -0 and 0 (or two NaNs) are told apart as a checkpoint must keep them. */
const bits = (values: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(values).buffer));

const optimizers: Partial<ModelFitOptions>[] = [
  { optimizer: 'sgd' }, { optimizer: 'sgd', momentum: 0.9 }, { optimizer: 'sgd', momentum: 0.5, nesterov: true },
  { optimizer: 'adam' }, { optimizer: 'rmsprop' }, { optimizer: 'rmsprop', momentum: 0.3 },
  { optimizer: 'adam', amsgrad: true }, { optimizer: 'rmsprop', centered: true }, { optimizer: 'adagrad' }, { optimizer: 'adadelta' },
  { optimizer: 'adamax' }, { optimizer: 'nadam' }, { optimizer: 'adamw' },
];

/** What else a fit may carry that a checkpoint must keep: clipping, a schedule's step, ReduceLROnPlateau's counters and rate. */
const extras = {
  none: {},
  clipnorm: { clipnorm: 0.5 },
  globalClipnorm: { globalClipnorm: 0.3 },
  clipvalue: { clipvalue: 0.2 },
  schedule: { learningRate: { schedule: 'exponentialDecay', initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.9 }, stepsPerExecution: 1 },
  plateau: { reduceLROnPlateau: { monitor: 'loss', patience: 1, factor: 0.5, cooldown: 1 } },
} as Record<string, Partial<ModelFitOptions>>;

const run = fc.record({
  inputs: fc.integer({ min: 1, max: 3 }),
  hidden: fc.integer({ min: 1, max: 5 }),
  dropout: fc.constantFrom(0, 0.3),
  classify: fc.boolean(),
  optimizer: fc.constantFrom(...optimizers),
  extra: fc.constantFrom(...Object.keys(extras)),
  learningRate: fc.constantFrom(0.01, 0.1),
  batchSize: fc.integer({ min: 1, max: 8 }),
  shuffle: fc.constantFrom('none', 'epoch', 'sample') as fc.Arbitrary<'none' | 'epoch' | 'sample'>,
  stepsPerExecution: fc.constantFrom(1, 'epoch') as fc.Arbitrary<1 | 'epoch'>,
  earlyStopping: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  standardize: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1000 }),
  engines: fc.constantFrom<[EngineKind, EngineKind]>(['wasm', 'wasm'], ['js', 'js'], ['wasm', 'js'], ['js', 'wasm']),
});
type Run = typeof run extends fc.Arbitrary<infer T> ? T : never;

function setup(r: Run) {
  const layers: LayerSpec[] = [{ units: r.hidden, activation: 'tanh' }, ...(r.dropout ? [{ dropout: r.dropout }] : []), r.classify ? { units: 1, activation: 'sigmoid' } : { units: 1 }];
  const spec: ModelOptions<LayerSpec> = { inputs: r.inputs, layers, loss: r.classify ? 'binaryCrossentropy' : 'mse', seed: r.seed };
  const x = randomRows(r.seed, 12, r.inputs, -2, 2);
  const y = r.classify ? x.map((row) => [row[0]! > 0 ? 1 : 0]) : x.map((row) => [row.reduce((a, b) => a + b, 0)]);
  const fit: ModelFitOptions = {
    ...r.optimizer, learningRate: r.learningRate, batchSize: r.batchSize, shuffle: r.shuffle, seed: r.seed, stepsPerExecution: r.stepsPerExecution,
    standardize: r.standardize, ...(r.earlyStopping ? { validationSplit: 0.25, earlyStopping: { patience: r.earlyStopping } } : {}),
    ...extras[r.extra],
  };
  return { spec, x, y, fit };
}

/** A model's parameters and optimizer state, as bits. */
function stateBits(model: Model) {
  const s = model.getTrainingState()!;
  return {
    params: bits(model.getParams()),
    scalars: s.optimizer!.scalars,
    arrays: Object.fromEntries(Object.entries(s.optimizer!.arrays).map(([k, v]) => [k, bits(v)])),
    epoch: s.epoch, random: s.random,
  };
}

/** Each per-epoch entry of the history, numbers as bits. */
function entries(h: History) {
  return h.epoch.map((e, i) => ({ epoch: e, loss: bits([h.loss[i]!]), valLoss: h.valLoss && bits([h.valLoss[i]!]), valMetrics: h.valMetrics && JSON.stringify(h.valMetrics[i]) }));
}

describe('a checkpoint continues exactly', () => {
  it('5 epochs + save + load + 5 more = 10 epochs: weights, optimizer state and every history entry, to the bit', async () => {
    await fc.assert(fc.asyncProperty(run, async (r) => {
      const { spec, x, y, fit } = setup(r);
      const [first, second] = r.engines;
      const whole = new Model(spec);
      const all = await whole.fit(x, y, { ...fit, epochs: 10, engine: first });

      const part = new Model(spec);
      const before = await part.fit(x, y, { ...fit, epochs: 5, engine: first });
      const { model: loaded } = modelFromFile(modelToText(part, { features: Array.from({ length: r.inputs }, (_, i) => `f${i}`), target: 'y' }));
      const epoch = loaded.getTrainingState()!.epoch;
      const after = await loaded.fit(x, y, { ...fit, epochs: 10, initialEpoch: epoch, engine: second });

      expect(stateBits(loaded)).toEqual(stateBits(whole));
      expect([...entries(before), ...entries(after)]).toEqual(entries(all));
      expect(after.bestEpoch).toBe(all.bestEpoch);
      expect(bits(loaded.predict(x, { engine: second }).flat())).toEqual(bits(whole.predict(x, { engine: first }).flat()));
    }), settings(40));
  }, 120_000);

  it('a checkpoint written from onEpochEnd, mid-fit (as --checkpoint writes it), continues as the run that never stopped', async () => {
    // ReduceLROnPlateau lowers the rate after every epoch here (minDelta past any improvement): a
    // checkpoint that kept the rate from before the epoch's cut would go on at twice the rate.
    const spec: ModelOptions<LayerSpec> = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 3 };
    const x = [[0, 1], [1, 0], [1, 1], [0.5, 0.2], [0.3, 0.9]], y = [[1], [0.5], [0], [0.2], [0.7]];
    const fit: ModelFitOptions = { optimizer: 'adam', learningRate: 0.3, batchSize: 2, reduceLROnPlateau: { monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10 }, validationData: [x, y], earlyStopping: { patience: 9 } };
    for (const engine of ['js', 'wasm'] as const) {
      const whole = new Model(spec);
      const all = await whole.fit(x, y, { ...fit, epochs: 6, engine });
      let saved = '';
      const part = new Model(spec);
      await part.fit(x, y, { ...fit, epochs: 6, engine, onEpochEnd: (epoch) => { if (epoch === 2) saved = modelToText(part, { features: ['a', 'b'], target: 'y' }); } });
      const { model: loaded } = modelFromFile(saved);
      const after = await loaded.fit(x, y, { ...fit, epochs: 6, initialEpoch: 3, engine });
      expect(after.lr).toEqual(all.lr.slice(3));
      expect(entries(after)).toEqual(entries(all).slice(3));
      expect(stateBits(loaded)).toEqual(stateBits(whole));
    }
  });

  it('a checkpoint saved before the kernels kept the powers βᵗ continues as the run that never stopped', async () => {
    // Its scalars lack beta1Power … decayPowerLow: they are computed for its update count (ddPow), which
    // round as the kernels' running products do (test/kernels.test.ts), so every later update is the same.
    for (const optimizer of ['adam', 'adamax', 'nadam'] as const) {
      const r: Run = {
        inputs: 2, hidden: 3, dropout: 0, classify: false, optimizer: { optimizer }, extra: 'none', learningRate: 0.1, batchSize: 2,
        shuffle: 'epoch', stepsPerExecution: 1, earlyStopping: undefined, standardize: false, seed: 7, engines: ['wasm', 'wasm'],
      };
      const { spec, x, y, fit } = setup(r);
      const whole = new Model(spec);
      const all = await whole.fit(x, y, { ...fit, epochs: 10 });
      const part = new Model(spec);
      const before = await part.fit(x, y, { ...fit, epochs: 5 });
      const file = JSON.parse(modelToText(part, { features: ['a', 'b'], target: 'y' }));
      const scalars = file.state.optimizer.scalars;
      for (const name of Object.keys(scalars)) if (name.includes('Power')) delete scalars[name];
      expect(Object.keys(scalars)).toEqual(['iterations', 'uProduct']);
      const { model: loaded } = modelFromFile(JSON.stringify(file));
      const after = await loaded.fit(x, y, { ...fit, epochs: 10, initialEpoch: 5 });
      expect(bits(loaded.getParams()), optimizer).toEqual(bits(whole.getParams()));
      expect([...entries(before), ...entries(after)]).toEqual(entries(all));
    }
  });

  it('keeps the stopping point: a run that early stopping ended before the checkpoint runs no more epochs', async () => {
    const x = randomRows(3, 20, 2, -2, 2);
    const y = x.map((row) => [row[0]! * 3]);
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 3 };
    // learning rate 1 diverges slowly: the validation loss stops improving at once
    const fit: ModelFitOptions = { optimizer: 'sgd', learningRate: 0.9, batchSize: 4, validationSplit: 0.25, earlyStopping: { patience: 1 }, engine: 'js' };
    const whole = new Model(spec);
    const all = await whole.fit(x, y, { ...fit, epochs: 10 });
    expect(all.loss.length).toBeLessThan(5);
    const part = new Model(spec);
    await part.fit(x, y, { ...fit, epochs: 5 });
    const { model } = modelFromFile(modelToText(part, { features: ['a', 'b'], target: 'y' }));
    const after = await model.fit(x, y, { ...fit, epochs: 10, initialEpoch: model.getTrainingState()!.epoch });
    expect(after.loss).toEqual([]);
    expect(after.bestEpoch).toBe(all.bestEpoch);
    expect(bits(model.getParams())).toEqual(bits(whole.getParams()));
  });

  it('refuses an initialEpoch the model’s state does not stand at, naming it', async () => {
    const model = new Model({ inputs: 1, layers: [{ units: 1 }], loss: 'mse' });
    await expect(model.fit([[1]], [[2]], { epochs: 10, initialEpoch: 5, engine: 'js' })).rejects.toThrow('initialEpoch: this model has no training state to continue from epoch 5');
    await model.fit([[1]], [[2]], { epochs: 3, engine: 'js' });
    await expect(model.fit([[1]], [[2]], { epochs: 10, initialEpoch: 5, engine: 'js' })).rejects.toThrow("initialEpoch: the model's training stands at epoch 3; continue with initialEpoch: 3");
    await expect(model.fit([[1]], [[2]], { epochs: 10, initialEpoch: -1, engine: 'js' })).rejects.toThrow('initialEpoch: expected a whole number ≥ 0, got -1');
    const h = await model.fit([[1]], [[2]], { epochs: 5, initialEpoch: 3, engine: 'js' });
    expect(h.epoch).toEqual([3, 4]);
  });
});

describe('backprop train --checkpoint, --resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-resume-'));
  // y = 3a + b² + 10c over 300 rows (a, b in [-2, 2), c in [0, 1)), from a fixed generator
  const random = seeded(5);
  writeFileSync(join(dir, 'data.csv'), `a,b,c,y\n${Array.from({ length: 300 }, () => {
    const [a, b, c] = [random() * 4 - 2, random() * 4 - 2, random()];
    return `${a},${b},${c},${3 * a + b * b + 10 * c}`;
  }).join('\n')}\n`);
  const RUN = ['data.csv', '--target', 'y', '--layers', '32,32,1', '--dropout', '0.2', '--validation-split', '0.2', '--early-stopping', '50', '--standardize'];
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
  /** What must be the same bits: the weights and the whole training state (blocks are the bytes, so text equality is bit equality). */
  const trained = (file: string) => { const f = read(file); return { weights: f.weights, state: f.state }; };

  it('a run resumed in a new process from a checkpoint equals the run that never stopped, on the other engine too', () => {
    expect(runCli(dir, ['train', ...RUN, '--epochs', '8', '--save', 'whole.json']).code).toBe(0);
    expect(runCli(dir, ['train', ...RUN, '--epochs', '3', '--engine', 'js', '--checkpoint', 'three.json']).code).toBe(0);
    expect(read('three.json').state.epoch).toBe(3);
    const r = runCli(dir, ['train', 'data.csv', '--resume', 'three.json', '--epochs', '8', '--save', 'continued.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('continuing three.json from epoch 4');
    // its report counts the run's epochs, not the continued fit's 5
    expect(r.stdout).toMatch(/\nran epochs 4–8; the model keeps the weights of epoch \d, the lowest validation loss\n/);
    expect(r.stdout).toContain('epochs 4–8   ');
    expect(trained('continued.json')).toEqual(trained('whole.json'));
  });

  it("a continued fit's charts count its epochs from the run's start; its loss is said with its parameter", async () => {
    const history = { epoch: [10, 11, 12, 13], loss: [0.4, 0.3, 0.35, 0.32], valLoss: [0.5, 0.45, 0.47, 0.5], bestEpoch: 11 };
    expect(lossChart(history, false)).toContain('epochs 11–14   ');
    const svg = lossChartSvg(history);
    expect(svg).toContain('best epoch 12');
    // the epoch axis's ticks: 11 to 14, at the chart's left and right edges (not 1 to 4)
    const ticks = [...svg.matchAll(/text-anchor="middle"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.min(...ticks)).toBe(11);
    expect(Math.max(...ticks)).toBe(14);
    // the progress bar on a terminal: the run's epoch of the run's epochs
    const tty = process.stdout.isTTY, writes: string[] = [];
    process.stdout.isTTY = true;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((text: string | Uint8Array) => { writes.push(String(text)); return true; });
    try {
      const bar = new Progress(1_000_000 - 300, 10, true, 300);
      for (let epoch = 0; epoch < 2; epoch++) await bar.epochEnd(epoch, { epoch: 300 + epoch, loss: 1 } as never);
      bar.stop();
    } finally {
      write.mockRestore();
      process.stdout.isTTY = tty;
    }
    expect(writes.join('')).toContain('epoch 302/1000000 ');
    // a best epoch before the continued fit's first is not drawn (it would be off the chart)
    expect(lossChartSvg({ ...history, bestEpoch: 4 })).not.toContain('best epoch');
    const flags = ['--dataset', 'blobs3', '--loss', 'categoricalCrossentropy,labelSmoothing=0.1'];
    expect(runCli(dir, ['train', ...flags, '--epochs', '2', '--checkpoint', 'smooth.json']).stdout).toContain(', categoricalCrossentropy,labelSmoothing=0.1; ');
    expect(runCli(dir, ['train', ...flags, '--resume', 'smooth.json', '--epochs', '3']).stdout).toContain(', categoricalCrossentropy,labelSmoothing=0.1; ');
  });

  it('refuses settings that differ from the saved run, naming the flag', () => {
    const r = runCli(dir, ['train', 'data.csv', '--resume', 'three.json', '--epochs', '8', '--shuffle', 'none']);
    expect(r.stderr).toBe('backprop: --shuffle: three.json was trained with --shuffle epoch; --resume continues that run as it was (leave --shuffle out)\n');
    expect(runCli(dir, ['train', ...RUN, '--resume', 'three.json', '--epochs', '8', '--save', 'again.json']).code).toBe(0); // the same flags again agree
    expect(runCli(dir, ['train', 'data.csv', '--resume', 'whole.json']).stderr).toContain('--epochs: whole.json already stands at epoch 8');
    expect(runCli(dir, ['train', '--resume', 'three.json']).stderr).toBe('backprop: --resume: three.json was trained on data.csv: give that file (backprop train data.csv --resume three.json)\n');
    // as many rows, one value changed: another run's data
    const lines = readFileSync(join(dir, 'data.csv'), 'utf8').split('\n');
    lines[7] = lines[7]!.replace(/,([^,]*)$/, (_, y: string) => `,${Number(y) + 1}`);
    writeFileSync(join(dir, 'other.csv'), lines.join('\n'));
    expect(runCli(dir, ['train', 'other.csv', '--resume', 'three.json', '--epochs', '8']).stderr).toBe('backprop: --resume: three.json was trained on other rows than other.csv holds (as many, other values): give the data it was trained on\n');
    // the same rows under another name continue it
    writeFileSync(join(dir, 'renamed.csv'), readFileSync(join(dir, 'data.csv')));
    expect(runCli(dir, ['train', 'renamed.csv', '--resume', 'three.json', '--epochs', '8', '--save', 'renamed.json']).code).toBe(0);
    expect(trained('renamed.json')).toEqual(trained('whole.json'));
  });

  it('a run that held out a fold (--folds K --fold I) resumes holding out the same rows, its flags left out; another fold is refused', () => {
    const FOLD = ['data.csv', '--target', 'y', '--layers', '8,1', '--folds', '4', '--fold', '2'];
    expect(runCli(dir, ['train', ...FOLD, '--epochs', '4', '--save', 'fold-whole.json']).code).toBe(0);
    expect(runCli(dir, ['train', ...FOLD, '--epochs', '2', '--checkpoint', 'fold-two.json']).code).toBe(0);
    const r = runCli(dir, ['train', 'data.csv', '--resume', 'fold-two.json', '--epochs', '4', '--save', 'fold-continued.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('; 75 validation rows;');
    expect(trained('fold-continued.json')).toEqual(trained('fold-whole.json'));
    expect(runCli(dir, ['train', 'data.csv', '--resume', 'fold-two.json', '--epochs', '4', '--fold', '1']).stderr).toBe('backprop: --fold: fold-two.json was trained with --fold 2; --resume continues that run as it was (leave --fold out)\n');
  });

  it('a run on a built-in dataset resumes without naming it', () => {
    expect(runCli(dir, ['train', '--dataset', 'blobs3', '--epochs', '6', '--save', 'blobs-whole.json']).code).toBe(0);
    expect(runCli(dir, ['train', '--dataset', 'blobs3', '--epochs', '2', '--checkpoint', 'blobs-two.json']).code).toBe(0);
    const r = runCli(dir, ['train', '--resume', 'blobs-two.json', '--epochs', '6', '--save', 'blobs-continued.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(trained('blobs-continued.json')).toEqual(trained('blobs-whole.json'));
  });

  it('the toolkit\'s flags come back from the file: another optimizer, clipping, a schedule, ReduceLROnPlateau', () => {
    for (const [name, flags] of [
      ['schedule', ['--optimizer', 'adam', '--amsgrad', '--clipnorm', '0.5', '--lr-schedule', 'exponentialDecay,decaySteps=5,decayRate=0.9']],
      ['plateau', ['--optimizer', 'nadam', '--clipvalue', '0.1', '--reduce-lr-on-plateau', 'monitor=loss,patience=1,factor=0.5']],
    ] as const) {
      expect(runCli(dir, ['train', '--dataset', 'blobs3', '--epochs', '7', ...flags, '--save', `${name}-whole.json`]).code).toBe(0);
      expect(runCli(dir, ['train', '--dataset', 'blobs3', '--epochs', '3', ...flags, '--checkpoint', `${name}-three.json`]).code).toBe(0);
      const r = runCli(dir, ['train', '--resume', `${name}-three.json`, '--epochs', '7', '--save', `${name}-continued.json`]);
      expect(r.code, r.stderr).toBe(0);
      expect(trained(`${name}-continued.json`), name).toEqual(trained(`${name}-whole.json`));
    }
    expect(runCli(dir, ['train', '--resume', 'plateau-three.json', '--epochs', '7', '--clipvalue', '0.2']).stderr).toContain('--clipvalue: plateau-three.json was trained with --clipvalue 0.1');
  });

  it("refuses a checkpoint whose optimizer state no run makes — a negative mean of g², an update count its powers disagree with — and writes nothing", () => {
    // schedule-three.json: 3 epochs of Adam (amsgrad) on blobs3, from the test before
    const f = read('schedule-three.json');
    const block = Buffer.from(f.state.optimizer.arrays.velocities.float64, 'base64');
    const v = new Float64Array(block.buffer.slice(block.byteOffset, block.byteOffset + block.length));
    v[5] = -0.5;
    writeFileSync(join(dir, 'negative.json'), JSON.stringify({ ...f, state: { ...f.state, optimizer: { ...f.state.optimizer, arrays: { ...f.state.optimizer.arrays, velocities: { float64: Buffer.from(v.buffer).toString('base64') } } } } }));
    const negative = runCli(dir, ['train', '--resume', 'negative.json', '--epochs', '7', '--save', 'negative-continued.json']);
    expect([negative.code, negative.stderr]).toEqual([1, "backprop: negative.json: state.optimizer.arrays.velocities[5]: adam's v, the squared gradient's running mean, is never negative, got -0.5\n"]);
    const { iterations } = f.state.optimizer.scalars;
    writeFileSync(join(dir, 'count.json'), JSON.stringify({ ...f, state: { ...f.state, optimizer: { ...f.state.optimizer, scalars: { ...f.state.optimizer.scalars, iterations: iterations + 1 } } } }));
    const count = runCli(dir, ['train', '--resume', 'count.json', '--epochs', '7', '--save', 'count-continued.json']);
    expect(count.code).toBe(1);
    expect(count.stderr).toMatch(new RegExp(`^backprop: count\\.json: state\\.optimizer\\.scalars\\.beta1Power: expected β₁ᵗ after ${iterations + 1} updates with β₁ 0\\.9, `));
    expect(existsSync(join(dir, 'negative-continued.json')) || existsSync(join(dir, 'count-continued.json'))).toBe(false);
  });

  it('the command line that started a run with --lr and --lr-schedule, given again with --resume, continues it', () => {
    const flags = ['--dataset', 'blobs3', '--lr', '0.02', '--lr-schedule', 'exponentialDecay,decaySteps=3,decayRate=0.7'];
    expect(runCli(dir, ['train', ...flags, '--epochs', '6', '--save', 'lr-whole.json']).code).toBe(0);
    expect(runCli(dir, ['train', ...flags, '--epochs', '2', '--checkpoint', 'lr-two.json']).code).toBe(0);
    for (const again of [flags, flags.filter((_, i) => i < 2 || i > 3), ['--lr', '2e-2'], []]) {
      const r = runCli(dir, ['train', ...again, '--resume', 'lr-two.json', '--epochs', '6', '--save', 'lr-continued.json']);
      expect(r.code, `${again.join(' ')}: ${r.stderr}`).toBe(0);
      expect(trained('lr-continued.json')).toEqual(trained('lr-whole.json'));
    }
    const saved = 'exponentialDecay,initialLearningRate=0.02,decaySteps=3,decayRate=0.7';
    expect(runCli(dir, ['train', '--resume', 'lr-two.json', '--epochs', '6', '--lr', '0.03']).stderr).toBe(`backprop: --lr: lr-two.json was trained with --lr-schedule ${saved}; --resume continues that run as it was (leave --lr out)\n`);
    expect(runCli(dir, ['train', '--resume', 'lr-two.json', '--epochs', '6', '--lr-schedule', 'exponentialDecay,decaySteps=3']).stderr).toBe(`backprop: --lr-schedule: lr-two.json was trained with --lr-schedule ${saved}; --resume continues that run as it was (leave --lr-schedule out)\n`);
  });

  it('the command line that started a run with --init or --weights, given again with --resume, continues it; another is refused', () => {
    expect(runCli(dir, ['train', 'data.csv', '--target', 'y', '--epochs', '1', '--save', 'start.json']).code).toBe(0);
    for (const [flag, value, other] of [['--init', 'heUniform', 'glorotNormal'], ['--weights', 'start.json', 'whole.json']] as const) {
      const flags = ['data.csv', '--target', 'y', flag, value];
      expect(runCli(dir, ['train', ...flags, '--epochs', '4', '--save', 'init-whole.json']).code).toBe(0);
      expect(runCli(dir, ['train', ...flags, '--epochs', '2', '--checkpoint', 'init-two.json']).code).toBe(0);
      const r = runCli(dir, ['train', ...flags, '--resume', 'init-two.json', '--epochs', '4', '--save', 'init-continued.json']);
      expect(r.code, r.stderr).toBe(0);
      expect(trained('init-continued.json')).toEqual(trained('init-whole.json'));
      expect(runCli(dir, ['train', 'data.csv', flag, other, '--resume', 'init-two.json', '--epochs', '4']).stderr)
        .toBe(`backprop: ${flag}: the weights come from init-two.json with --resume; it was started with ${flag} ${value}; leave ${flag} out\n`);
    }
  });

  it('a kill at any moment of --checkpoint-every 1 leaves a checkpoint that loads and resumes to the uninterrupted run', async () => {
    const epochs = 120;
    const args = ['train', ...RUN, '--epochs', String(epochs), '--checkpoint', 'ck.json', '--checkpoint-every', '1'];
    // The uninterrupted run, timed: the kills fall anywhere in such a run.
    const started = performance.now();
    expect(runCli(dir, [...args, '--save', 'reference.json']).code).toBe(0);
    const duration = performance.now() - started;
    const reference = trained('reference.json');
    const when = seeded(11);
    let resumed = 0;
    for (let round = 0; round < 6; round++) {
      rmSync(join(dir, 'ck.json'), { force: true });
      const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, (0.3 + 0.65 * when()) * duration));
      child.kill('SIGKILL');
      await exited;
      if (!existsSync(join(dir, 'ck.json'))) continue;
      const found = modelFromFile(readFileSync(join(dir, 'ck.json'), 'utf8'), 'ck.json');
      const epoch = found.model.getTrainingState()!.epoch;
      if (epoch === epochs) continue;
      const r = runCli(dir, ['train', 'data.csv', '--resume', 'ck.json', '--save', 'after-kill.json']);
      expect(r.code, r.stderr).toBe(0);
      expect(trained('after-kill.json')).toEqual(reference);
      resumed++;
    }
    expect(resumed).toBeGreaterThan(0);
  }, 120_000);
});
