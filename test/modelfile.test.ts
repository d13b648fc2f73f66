import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, Model, modelFromFile, modelInfo, modelToFile, MODEL_VERSION, saveModel } from '../src/node.js';
import { modelCsv } from '../src/cli/evaluate.js';
import { randomRows } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-model-'));
const x = [[180, 2.5], [150, 1.0], [200, 3.5], [120, 0.5], [170, 2.0], [160, 1.5]];
const y = [1, 0, 1, 0, 1, 0];
const info = { features: ['height_cm', 'hours'], target: 'passed', threshold: 0.4, training: { epochs: 20 } };
const path = join(dir, 'model.json');
let model: Model;
let text: string;

beforeAll(async () => {
  model = new Model({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 1 });
  await model.fit(x, y, { epochs: 20, learningRate: 0.1, batchSize: 2, standardize: true, engine: 'js' });
  await saveModel(path, model, info);
  text = readFileSync(path, 'utf8');
});

/** The saved file with `edit` applied to its parsed JSON, written to a file of its own. */
// biome-ignore lint/suspicious/noExplicitAny: the edits reach anywhere into the parsed JSON, as a hand edit would
function edited(name: string, edit: (f: Record<string, any>) => void): string {
  const f = JSON.parse(text);
  edit(f);
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(f));
  return p;
}

describe('model files', () => {
  it('round-trip the architecture, weights, scaler and names exactly', async () => {
    const { model: back, info: backInfo, task } = await loadModel(path);
    expect(task).toBe('classification');
    expect(backInfo).toEqual(info);
    expect(back.getWeights()).toEqual(model.getWeights());
    expect(back.scaler).toEqual(model.scaler);
    expect(back.predict(x, { engine: 'js' })).toEqual(model.predict(x, { engine: 'js' }));
  });

  it('hold the Keras-layout weights as blocks of float64 bytes, the scaler and a format version in JSON', () => {
    const f = JSON.parse(text);
    expect(f).toMatchObject({ format: 'backprop-model', version: MODEL_VERSION, task: 'classification', features: info.features, target: 'passed', threshold: 0.4 });
    expect(f.model).toEqual({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
    expect(f.weights.map((b: { shape: number[] }) => b.shape)).toEqual([[2, 4], [4], [4, 1], [1]]); // kernel: inputs × units
    // The block is the little-endian bytes of the numbers in Keras's order, read here with Node's Buffer, not the reader under test.
    const kernel = Buffer.from(f.weights[0].float64, 'base64');
    const keras = model.getWeights()[0] as number[][];
    expect(Array.from({ length: 8 }, (_, k) => kernel.readDoubleLE(8 * k))).toEqual(keras.flat());
    // The scaler is the training rows' mean: heights 180…160 average 163.33…
    expect(f.scaler.mean[0]).toBeCloseTo(980 / 6, 12);
    expect(modelToFile(model, info)).toEqual(f);
  });

  it('round-trip regularizers, Dropout and a softmax output with sparse class indices', async () => {
    const spec = { inputs: 2, loss: 'sparseCategoricalCrossentropy' as const, seed: 2, layers: [
      { units: 5, activation: 'gelu' as const, kernelRegularizer: 'l1l2' as const, biasRegularizer: { l2: 0.003 } },
      { dropout: 0.25 },
      { units: 3, activation: 'softmax' as const, kernelRegularizer: { l1: 0.002 } },
    ] };
    const multi = new Model(spec);
    const classes = [0, 1, 2, 1, 0, 2];
    await multi.fit(x, classes.map((c) => [c]), { epochs: 5, learningRate: 0.01, batchSize: 2, standardize: true, engine: 'js' });
    const file = modelToFile(multi, { features: ['height_cm', 'hours'], target: 'grade' });
    expect(file.task).toBe('classification');
    expect(file.model.layers).toEqual([
      { units: 5, activation: 'gelu', kernelRegularizer: { l1: 0.01, l2: 0.01 }, biasRegularizer: { l1: 0, l2: 0.003 } },
      { dropout: 0.25 },
      { units: 3, activation: 'softmax', kernelRegularizer: { l1: 0.002, l2: 0 } },
    ]);
    const { model: back } = modelFromFile(JSON.stringify(file));
    expect(back.network).toEqual(multi.network);
    expect(back.getWeights()).toEqual(multi.getWeights());
    const p = back.predict(x, { engine: 'js' });
    expect(p).toEqual(multi.predict(x, { engine: 'js' }));
    expect(p[0]).toHaveLength(3); // k probabilities, summing to 1
    expect(p[0]!.reduce((a, b) => a + b)).toBeCloseTo(1, 15);
    // evaluate includes the regularizers' penalty, as Keras's does
    expect(back.evaluate(x, classes, { engine: 'js' })).toBe(multi.evaluate(x, classes, { engine: 'js' }));
  });

  it('without a scaler, store null and apply none', async () => {
    const plain = new Model({ inputs: 2, layers: [{ units: 1 }], loss: 'mse' });
    const { model: back } = modelFromFile(JSON.stringify(modelToFile(plain, { features: ['a', 'b'], target: 'y' })));
    expect(back.scaler).toBeUndefined();
    expect(back.predict([[1, 2]], { engine: 'js' })).toEqual(plain.predict([[1, 2]], { engine: 'js' }));
  });

  const broken: [string, () => string, string][] = [
    ['a truncated file', () => { const p = join(dir, 'truncated.json'); writeFileSync(p, text.slice(0, text.length / 2)); return p; }, 'is not valid JSON'],
    ['an empty file', () => { const p = join(dir, 'empty.json'); writeFileSync(p, ''); return p; }, 'is not valid JSON'],
    // A CSV file where the model goes (`predict data.csv model.json`): named by its first line, not by the parser's message across two lines
    ['a CSV file', () => { const p = join(dir, 'data.csv'); writeFileSync(p, 'a,b,y\n1,2,3\n'); return p; }, 'is not JSON: it starts with "a,b,y" (CSV data?); expected a model file, as \'backprop train --save\' and saveModel write'],
    ['a JSON file of something else', () => { const p = join(dir, 'other.json'); writeFileSync(p, '{"name": "x"}'); return p; }, 'is not a backprop model file'],
    ['another format version', () => edited('v4.json', (f) => { f.version = 4; }), 'has format version 4; this backprop reads versions 1, 2 and 3'],
    ['a missing version', () => edited('v-none.json', (f) => { delete f.version; }), 'has format version undefined'],
    ['no weights', () => edited('no-weights.json', (f) => { delete f.weights; }), 'weights: is missing; every model file of version 3 has weights'],
    ['a kernel of another shape', () => edited('kernel.json', (f) => { f.weights[0].shape = [4, 2]; }), 'weights[0] (layer 0 kernel).shape: expected [2, 4], got [4, 2]'],
    ['a block cut short', () => edited('short.json', (f) => { f.weights[2].float64 = f.weights[2].float64.slice(4); }), 'weights[2] (layer 1 kernel).float64: expected the base64 text of 4 float64 numbers (44 characters), got 40 characters'],
    ['a block that is not base64', () => edited('not-base64.json', (f) => { f.weights[1].float64 = `*${f.weights[1].float64.slice(1)}`; }), 'weights[1] (layer 0 bias).float64: is not base64 text'],
    ['a weight that is NaN', () => edited('nan.json', (f) => { f.weights[3].float64 = Buffer.from(new Float64Array([NaN]).buffer).toString('base64'); }), 'weights[3] (layer 1 bias).float64[0]: expected a finite number, got NaN'],
    ['weights as numbers in a version 3 file', () => edited('numbers.json', (f) => { f.weights = model.getWeights(); }), 'weights[0] (layer 0 kernel): expected { shape: [2, 4], float64: "…" }, got an array of 2 rows'],
    ['a field no model file has', () => edited('extra.json', (f) => { f.comment = 'mine'; }), 'comment: is not a field of a model file; expected only format, version'],
    ['a field in the model no model has', () => edited('extra-model.json', (f) => { f.model.optimizer = 'adam'; }), 'model.optimizer: unknown option; expected one of inputs, layers, loss'],
    ['a training record that is not an object', () => edited('training.json', (f) => { f.training = 'adam'; }), 'training: expected an object, got "adam"'],
    ['a negative epoch in the training state', () => edited('epoch.json', (f) => { f.state.epoch = -1; }), 'state.epoch: expected a whole number ≥ 0, got -1'],
    ['an optimizer array missing from the state', () => edited('momentums.json', (f) => { delete f.state.optimizer.arrays.momentums; }), 'state.optimizer.arrays.momentums: expected 17 numbers (one per parameter), got undefined'],
    ['an optimizer setting out of range', () => edited('beta.json', (f) => { f.state.optimizer.settings.momentum = 2; }), 'state.optimizer.settings.momentum: expected a number from 0 to 1, got 2'],
    ['an optimizer setting missing', () => edited('no-rho.json', (f) => { delete f.state.optimizer.settings.rho; }), 'state.optimizer.settings.rho: is missing'],
    ['an unknown callback state', () => edited('callback.json', (f) => { f.state.callbacks.reduceLr = { wait: 1 }; }), 'state.callbacks.reduceLr: unknown option; expected one of earlyStopping'],
    ['a generator state out of range', () => edited('random.json', (f) => { f.state.random.order = 2 ** 32; }), 'state.random.order: expected a generator state, a whole number from 0 to 4294967295, got 4294967296'],
    ['an unknown activation', () => edited('act.json', (f) => { f.model.layers[0].activation = 'gelu_new'; }), "layers[0].activation: expected one of 'linear'"],
    ['a Dropout rate of 1', () => edited('dropout.json', (f) => { f.model.layers.splice(1, 0, { dropout: 1 }); }), 'layers[1].dropout: expected a rate from 0 up to (not including) 1, got 1'],
    ['a negative regularizer', () => edited('reg.json', (f) => { f.model.layers[0].kernelRegularizer = { l2: -0.1 }; }), 'layers[0].kernelRegularizer.l2: expected a finite number ≥ 0, got -0.1'],
    ['a scaler of the wrong length', () => edited('scaler-len.json', (f) => { f.scaler.mean.pop(); }), 'scaler.mean: expected 2 numbers (one per feature)'],
    ['a scaler with std 0', () => edited('scaler-zero.json', (f) => { f.scaler.std[1] = 0; }), 'scaler.std[1]: expected a finite number > 0, got 0'],
    ['a missing scaler', () => edited('scaler-none.json', (f) => { delete f.scaler; }), 'scaler: is missing'],
    ['a feature too few', () => edited('features.json', (f) => { f.features.pop(); }), 'features: expected 2 column names (one per input)'],
    ['a feature named twice', () => edited('features-twice.json', (f) => { f.features[1] = f.features[0]; }), 'features: "height_cm" is listed twice'],
    ['no target', () => edited('target.json', (f) => { delete f.target; }), 'target: is missing; every model file of version 3 has target'],
    ['a target that is not a name', () => edited('target-number.json', (f) => { f.target = 7; }), 'target: expected a column name, got 7'],
    ['a task that contradicts the loss', () => edited('task.json', (f) => { f.task = 'regression'; }), 'task: says "regression" but the loss binaryCrossentropy is classification'],
    ['a threshold of 2', () => edited('threshold.json', (f) => { f.threshold = 2; }), 'threshold: expected a number between 0 and 1'],
  ];
  it.each(broken)('reject %s with a message naming the file and the part', async (_, make, message) => {
    const p = make();
    await expect(loadModel(p)).rejects.toThrow(`${p}: `);
    await expect(loadModel(p)).rejects.toThrow(message);
  });

  it('read large blocks from the file’s bytes (not parsed into strings) to the same bits, and check them as closely', async () => {
    // 40 × 40 = 1600 kernel values: 17,068 base64 characters, past the size from which a block is read from the bytes
    const big = new Model({ inputs: 40, layers: [{ units: 40, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 3 });
    await big.fit(randomRows(1, 8, 40), randomRows(2, 8, 1), { optimizer: 'adam', engine: 'js' });
    const features = Array.from({ length: 40 }, (_, i) => `x${i}`);
    const p = join(dir, 'big.json');
    await saveModel(p, big, { features, target: 'y', training: { note: 'float64' } });
    const fromBytes = (await loadModel(p)).model, fromText = modelFromFile(readFileSync(p, 'utf8')).model;
    for (const m of [fromBytes, fromText]) {
      expect(m.getParams()).toEqual(big.getParams());
      expect(m.getTrainingState()).toEqual(big.getTrainingState());
    }
    const text = readFileSync(p, 'utf8');
    const at = text.indexOf('"float64": "') + 100;
    for (const [bad, message] of [['*', 'is not base64 text of float64 numbers'], ['_', 'is not base64 text of float64 numbers'], ['"', 'is not valid JSON']] as const) {
      writeFileSync(p, text.slice(0, at) + bad + text.slice(at + 1));
      await expect(loadModel(p)).rejects.toThrow(message);
      expect(() => modelFromFile(readFileSync(p, 'utf8'), p)).toThrow(message);
    }
  });

  it('report a missing model file by its path', async () => {
    await expect(loadModel(join(dir, 'missing.json'))).rejects.toThrow(`${join(dir, 'missing.json')}: no such file`);
  });
});

describe('model files of earlier versions', () => {
  // Written by hand as versions 1 and 2 wrote them (weights as numbers in the Keras layout): a 2-1 regression.
  const v1 = `{
  "format": "backprop-model", "version": 1, "task": "regression", "features": ["a", "b"], "target": "y", "threshold": 0.5,
  "model": { "inputs": 2, "layers": [{ "units": 1, "activation": "linear" }], "loss": "mse" },
  "weights": [[[0.5], [-0.25]], [0.125]],
  "scaler": { "mean": [1, 2], "std": [2, 4] },
  "training": { "epochs": 3 }
}`;
  const v2 = v1.replace('"version": 1', '"version": 2').replace('"training"', '"targetScaler": { "mean": [10], "std": [5] },\n  "training"');

  it('still read version 1 and 2 files', () => {
    // (3 − 1)/2 · 0.5 + (6 − 2)/4 · (−0.25) + 0.125 = 0.375; version 2's target scaler: 0.375 · 5 + 10 = 11.875
    const one = modelFromFile(v1, 'v1.json');
    expect(one.model.getWeights()).toEqual([[[0.5], [-0.25]], [0.125]]);
    expect(one.info).toEqual({ features: ['a', 'b'], target: 'y', threshold: 0.5, training: { epochs: 3 } });
    expect(one.model.predict([[3, 6]], { engine: 'js' })).toEqual([[0.375]]);
    expect(one.model.getTrainingState()).toBeUndefined();
    expect(modelFromFile(v2, 'v2.json').model.predict([[3, 6]], { engine: 'js' })).toEqual([[11.875]]);
  });

  it('check every field of an earlier version, naming it', () => {
    const edit = (text: string, change: (f: Record<string, unknown>) => void) => { const f = JSON.parse(text); change(f); return JSON.stringify(f); };
    expect(() => modelFromFile(edit(v1, (f) => { f.classes = ['a', 'b']; }), 'v1.json')).toThrow('v1.json: classes: came with format version 2; this file says version 1');
    expect(() => modelFromFile(edit(v2, (f) => { f.state = {}; }), 'v2.json')).toThrow('v2.json: state: came with format version 3; this file says version 2');
    expect(() => modelFromFile(edit(v2, (f) => { delete f.weights; }), 'v2.json')).toThrow('v2.json: weights: is missing');
    expect(() => modelFromFile(edit(v2, (f) => { delete f.targetScaler; }), 'v2.json')).toThrow('v2.json: targetScaler: is missing');
    expect(() => modelFromFile(edit(v1, (f) => { (f.weights as unknown[][])[1]![0] = '0.5'; }), 'v1.json')).toThrow('v1.json: weights[1] (layer 0 bias)[0]: expected a finite number, got "0.5"');
    expect(() => modelFromFile(edit(v1, (f) => { (f.weights as unknown[][])[0]!.pop(); }), 'v1.json')).toThrow('v1.json: weights[0] (layer 0 kernel): expected 2 rows');
  });
});

describe('model files of several classes or several targets (format version 2)', () => {
  const twoTargets = () => new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 4 });
  const both = { features: ['a', 'b'], target: 'price', targets: ['price', 'rent'] };

  it('keep the target columns of a regression with several outputs', () => {
    const m = twoTargets();
    const file = modelToFile(m, both);
    expect(file).toMatchObject({ version: MODEL_VERSION, task: 'regression', target: 'price', targets: ['price', 'rent'] });
    expect(file.classes).toBeUndefined();
    const { info: back, model: loaded } = modelFromFile(JSON.stringify(file));
    expect(back).toEqual({ ...both, threshold: 0.5, training: {} });
    expect(loaded.predict([[1, 2]], { engine: 'js' })).toEqual(m.predict([[1, 2]], { engine: 'js' }));
    // One target: no `targets` in the file, as before.
    expect('targets' in modelToFile(model, info)).toBe(false);
  });

  it('refuse target names that do not fit the outputs, naming the field', () => {
    const m = twoTargets();
    // Without targets the file names only `target`, as version 1 files did.
    expect(modelFromFile(JSON.stringify(modelToFile(m, { features: ['a', 'b'], target: 'price' }))).info.targets).toBeUndefined();
    expect(() => modelToFile(m, { ...both, targets: ['price'] })).toThrow('info.targets: expected 2 column names (one per output)');
    expect(() => modelToFile(m, { ...both, targets: ['price', 'price'] })).toThrow('info.targets: "price" is listed twice');
    expect(() => modelToFile(m, { ...both, target: 'rent' })).toThrow('info.target: is "rent" but targets starts with "price"; target is the first of the targets');
    const text = JSON.stringify(modelToFile(m, both));
    const edit = (change: (f: { targets: unknown[] | string }) => void) => { const f = JSON.parse(text); change(f); return JSON.stringify(f); };
    expect(() => modelFromFile(edit((f) => { (f.targets as unknown[]).pop(); }), 'm.json')).toThrow('m.json: targets: expected 2 column names (one per output), got an array of 1 string');
    expect(() => modelFromFile(edit((f) => { f.targets = 'price,rent'; }), 'm.json')).toThrow('m.json: targets: expected 2 column names (one per output), got "price,rent"');
  });

  it('refuse class labels on a model without a softmax output', () => {
    expect(() => modelToFile(model, { ...info, classes: ['no', 'yes'] })).toThrow("info.classes: only a softmax classifier (categoricalCrossentropy, sparseCategoricalCrossentropy) has class labels; this model's loss is binaryCrossentropy");
    expect(() => modelFromFile(JSON.stringify({ ...modelToFile(model, info), classes: ['no', 'yes'] }), 'm.json')).toThrow('m.json: classes: only a softmax classifier');
  });

  // The checks of a softmax model's labels, on its network's shape (inputs, loss, output units).
  const softmax = { inputs: 2, loss: 'sparseCategoricalCrossentropy', layers: [{ units: 8 }, { units: 3 }] };
  it('check a softmax classifier’s labels: one per output, distinct, defaulting to the class indices', () => {
    expect(modelInfo('info', { features: ['a', 'b'], target: 'species', classes: ['lark', 'robin', 'wren'] }, softmax).classes).toEqual(['lark', 'robin', 'wren']);
    expect(modelInfo('info', { features: ['a', 'b'], target: 'species' }, softmax).classes).toEqual(['0', '1', '2']);
    expect(() => modelInfo('info', { features: ['a', 'b'], target: 'species', classes: ['lark', 'wren'] }, softmax)).toThrow('info.classes: expected 3 class labels (one per output of the sparseCategoricalCrossentropy model), got 2');
    expect(() => modelInfo('', { features: ['a', 'b'], target: 'species', classes: ['lark', 'lark', 'wren'] }, softmax)).toThrow('classes: "lark" is listed twice');
    expect(() => modelInfo('', { features: ['a', 'b'], target: 'species', classes: ['lark', 7, 'wren'] as never }, softmax)).toThrow('classes[1]: expected a class label (a non-empty string), got 7');
    expect(() => modelInfo('', { features: ['a', 'b'], target: 'species', targets: ['species', 'x'] }, softmax)).toThrow('targets: a classifier\'s 3 outputs are the probabilities of its classes in the one column "species"');
  });

  it('round-trip a softmax classifier with its labels', () => {
    const m = new Model({ inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 2 });
    const file = modelToFile(m, { features: ['a', 'b'], target: 'species', classes: ['lark', 'robin', 'wren'] });
    expect(file).toMatchObject({ task: 'classification', classes: ['lark', 'robin', 'wren'] });
    const { info: back } = modelFromFile(JSON.stringify(file));
    expect(back.classes).toEqual(['lark', 'robin', 'wren']);
    expect(() => modelFromFile(JSON.stringify({ ...file, classes: ['lark', 'robin'] }), 'm.json')).toThrow('m.json: classes: expected 3 class labels');
  });
});

describe('CSV files for a saved model', () => {
  it('match columns by name: reordered and extra columns give the same predictions', async () => {
    const csv = join(dir, 'reordered.csv');
    writeFileSync(csv, `id,hours,height_cm\n${x.map((r, i) => `${i},${r[1]},${r[0]}`).join('\n')}\n`);
    const { x: read, model: loaded } = await modelCsv(path, csv, false);
    expect(loaded.predict(read, { engine: 'js' })).toEqual(model.predict(x, { engine: 'js' }));
  });

  it('reject a CSV that lacks one of the model’s features, or the target when evaluating', async () => {
    const csv = join(dir, 'lacking.csv');
    writeFileSync(csv, 'height,hours,passed\n180,2,1\n');
    await expect(modelCsv(path, csv, false)).rejects.toThrow(`${csv}: lacks the column "height_cm" that ${path} needs; it has "height", "hours", "passed"`);
    const noTarget = join(dir, 'no-target.csv');
    writeFileSync(noTarget, 'height_cm,hours\n180,2\n');
    await expect(modelCsv(path, noTarget, true)).rejects.toThrow('lacks the column "passed"');
    await expect(modelCsv(path, noTarget, false)).resolves.toBeDefined();
  });

  it('reject a non-number in a feature column by line and column', async () => {
    const csv = join(dir, 'text-cell.csv');
    writeFileSync(csv, 'height_cm,hours\n180,2\n170,two\n');
    await expect(modelCsv(path, csv, false)).rejects.toThrow(`${csv}: line 3, column "hours": expected a finite number, got "two"`);
  });
});

describe("a model's info, each key by name (the one check every writer and reader of model files and exports goes through)", () => {
  const refused = (field: string, message: string) => expect.objectContaining({ name: 'BackpropError', field, message: `${field}: ${message}` });
  const typo = { features: ['height_cm', 'hours'], target: 'passed', treshold: 0.9 };
  const unknown = 'unknown option; expected one of features, target, targets, classes, threshold, training';

  it('a misspelt key is refused, not written as the default (treshold: 0.9 wrote threshold 0.5)', async () => {
    expect(() => modelToFile(model, typo as never)).toThrow(refused('info.treshold', unknown));
    expect(() => modelInfo('', typo as never, model.network)).toThrow(refused('treshold', unknown));
    const target = join(dir, 'typo.json');
    await expect(saveModel(target, model, typo as never)).rejects.toThrow(refused('info.treshold', unknown));
    expect(() => readFileSync(target)).toThrow(/ENOENT/);
  });

  it('the threshold, named with its prefix', () => {
    expect(() => modelToFile(model, { ...info, threshold: 7 })).toThrow(refused('info.threshold', 'expected a number between 0 and 1 (exclusive), got 7'));
    expect(() => modelToFile(model, null as never)).toThrow(refused('info', 'expected { features, target }, got null'));
  });
});
