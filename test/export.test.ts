// An exported model gives predict's outputs, whatever the model learned with: one table of every
// loss, scaler and output width the trainer can train, each exported to ONNX (run by ONNX Runtime:
// float64 to 1e-12 relative, float32 to float32 rounding) and to TensorFlow.js (run by
// TensorFlow.js itself: float32 rounding). The references are those two runtimes, not this code.
// Then the command line: a CSV regression trained with a standardized target, exported and predicted
// through each format; and exports that would write over their input through a link, refused.
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, exportTfjs, Model, saveModel, saveTfjs, type ModelOptions } from '../src/node.js';
import { temporaryFile } from '../src/io/atomic.js';
import { loadTensorFlow, type Tf } from '../src/yardsticks/tfjsReference.js';
import { normwiseRelativeDiff, randomRows, runCli } from './helpers.js';
import { checkOnnx } from './onnxChecker.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let tf: Tf;
beforeAll(async () => { tf = await loadTensorFlow(); });

const scaler = (n: number, seed: number) => ({ mean: Array.from({ length: n }, (_, i) => 50 * i - 20 + seed), std: Array.from({ length: n }, (_, i) => 0.5 + 7 * i + seed) });

/** Every kind of model the trainer makes: loss × output width × scalers (a target scaler is for regression only). */
const CASES: [string, ModelOptions][] = [
  ['regression, 1 target, input and target scalers (the CLI default with --standardize)', { inputs: 3, layers: [{ units: 5, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 1, scaler: scaler(3, 1), targetScaler: { mean: [209.5], std: [77.1] } }],
  ['regression, 2 targets, input and target scalers', { inputs: 4, layers: [{ units: 6, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 2, scaler: scaler(4, 2), targetScaler: { mean: [-3, 1e4], std: [0.25, 900] } }],
  ['regression, 1 target, target scaler only', { inputs: 2, layers: [{ units: 3, activation: 'sigmoid' }, { units: 1 }], loss: 'mse', seed: 3, targetScaler: { mean: [40], std: [12] } }],
  ['regression, no scaler', { inputs: 2, layers: [{ units: 2, activation: 'linear' }, { units: 1 }], loss: 'mse', seed: 4 }],
  ['regression, a tanh output with a target scaler (not foldable: its own layer in TF.js)', { inputs: 3, layers: [{ units: 4, activation: 'elu' }, { units: 2, activation: 'tanh' }], loss: 'mse', seed: 5, scaler: scaler(3, 5), targetScaler: { mean: [5, -6], std: [3, 0.1] } }],
  ['binary classification, input scaler', { inputs: 3, layers: [{ units: 4, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 6, scaler: scaler(3, 6) }],
  ['3 classes, one-hot targets, input scaler', { inputs: 4, layers: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }], loss: 'categoricalCrossentropy', seed: 7, scaler: scaler(4, 7) }],
  ['4 classes, class indices, no scaler', { inputs: 2, layers: [{ units: 6, activation: 'swish' }, { units: 4, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 8 }],
];

async function runOnnx(bytes: Uint8Array, x: number[][], type: 'float64' | 'float32'): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const data = type === 'float64' ? Float64Array.from(x.flat()) : Float32Array.from(x.flat());
  const { output } = await session.run({ input: new ort.Tensor(type, data, [x.length, x[0]!.length]) });
  expect(output!.type).toBe(type);
  return Array.from(output!.data as Float64Array | Float32Array);
}

describe.each(CASES)('%s', (_, spec) => {
  const model = new Model(spec);
  const x = randomRows(spec.seed!, 40, spec.inputs, -60, 160);
  const ours = model.predict(x, { engine: 'js' }).flat();

  it('ONNX float64: ONNX Runtime gives predict\'s outputs to 1e-12; the file passes the checker\'s rules', async () => {
    const bytes = exportOnnx(model, { info: { features: Array.from({ length: spec.inputs }, (_, i) => `f${i}`), target: 'y' } });
    checkOnnx(bytes, { inputs: spec.inputs, outputs: spec.layers.at(-1)!.units, elementType: 'double' });
    expect(normwiseRelativeDiff(await runOnnx(bytes, x, 'float64'), ours)).toBeLessThanOrEqual(1e-12);
  });

  it('ONNX float32: to float32 rounding', async () => {
    const bytes = exportOnnx(model, { precision: 'float32' });
    checkOnnx(bytes, { inputs: spec.inputs, outputs: spec.layers.at(-1)!.units, elementType: 'float' });
    expect(normwiseRelativeDiff(await runOnnx(bytes, x, 'float32'), ours)).toBeLessThan(1e-5);
  });

  it('TensorFlow.js: tf.loadLayersModel predicts predict\'s outputs to float32 rounding', async () => {
    const { modelJson, weightData, folded } = exportTfjs(model);
    expect(folded.length).toBe((spec.scaler ? 1 : 0) + (spec.targetScaler ? 1 : 0));
    const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: weightData.slice().buffer }));
    const theirs = (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync().flat();
    tfModel.dispose();
    expect(normwiseRelativeDiff(theirs, ours)).toBeLessThan(1e-5);
  });
});

describe('the command line: export → the other runtime → predict\'s outputs', () => {
  // A regression with a target around 200 (as the diabetes data's): trained with --standardize, so
  // the model learns the scaled target and its file keeps both scalers.
  const rows = randomRows(31, 120, 3, 0, 10);
  const csv = ['a,b,c,progression', ...rows.map(([a, b, c]) => `${a},${b},${c},${150 + 12 * a! - 5 * b! + 3 * a! * c! / 10}`)].join('\n');
  beforeAll(() => {
    writeFileSync(join(dir, 'diabetes.csv'), `${csv}\n`);
    const r = runCli(dir, ['train', 'diabetes.csv', '--target', 'progression', '--standardize', '--epochs', '30', '--save', 'dr.json']);
    expect(r.code, r.stderr).toBe(0);
  });
  const predictions = (model: string) => {
    const r = runCli(dir, ['predict', model, 'diabetes.csv']);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',').at(-1)));
  };

  it('tfjs: says what it folded; predict through the exported model.json gives the model file\'s predictions to float32 rounding', () => {
    const r = runCli(dir, ['export', 'dr.json', '--format', 'tfjs', '--out', 'drtf']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/the input scaler folded into the first layer; the target scaler folded into the linear output layer/);
    const ours = predictions('dr.json');
    expect(Math.min(...ours)).toBeGreaterThan(100); // in the target's units, not the scaled ones
    expect(normwiseRelativeDiff(predictions('drtf/model.json'), ours)).toBeLessThan(1e-5);
  });

  it('onnx: ONNX Runtime gives the model file\'s predictions to 1e-12; metadata names the columns and what was added', async () => {
    const r = runCli(dir, ['export', 'dr.json', '--format', 'onnx', '--out', 'dr.onnx']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/float64 .*the input scaler as Sub and Div nodes.*the target scaler as Mul and Add nodes/);
    const bytes = readFileSync(join(dir, 'dr.onnx'));
    const { metadata } = checkOnnx(bytes, { inputs: 3, outputs: 1, elementType: 'double' });
    expect(JSON.parse(metadata['backprop.features']!)).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(metadata['backprop.target']!)).toBe('progression');
    expect(JSON.parse(metadata['backprop.scalers']!)).toHaveLength(2);
    expect(normwiseRelativeDiff(await runOnnx(bytes, rows, 'float64'), predictions('dr.json'))).toBeLessThanOrEqual(1e-12);
  });

  it('js, wasm, c: says what it wrote, a one-output model\'s "1 output" too', () => {
    for (const [format, out] of [['js', 'dr.js'], ['wasm', 'dr.wasm.js'], ['c', 'dr.h']] as const) {
      const r = runCli(dir, ['export', 'dr.json', '--format', format, '--out', out]);
      expect(r.stdout).toMatch(new RegExp(`^wrote ${out.replace(/\./g, '\\.')}: a standalone ${format} predictor, 3 inputs → 1 output, \\d+ bytes\n$`));
    }
  });

  it('onnx --precision float32 runs gelu in ONNX Runtime (it has no float64 Erf)', async () => {
    const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'gelu' }, { units: 1 }], loss: 'mse', seed: 9 });
    const x = randomRows(3, 10, 2);
    expect(normwiseRelativeDiff(await runOnnx(exportOnnx(model, { precision: 'float32' }), x, 'float32'), model.predict(x).flat())).toBeLessThan(1e-5);
  });
});

describe('export never writes over its input, through a link either', () => {
  const model = () => readFileSync(join(dir, 'dr.json'), 'utf8');
  const refused = (args: string[], message: RegExp) => {
    const before = model();
    const r = runCli(dir, ['export', 'dr.json', ...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(model()).toBe(before);
  };

  it('an --out that is a symbolic link to the model', () => {
    symlinkSync('dr.json', join(dir, 'link.onnx'));
    refused(['--format', 'onnx', '--out', 'link.onnx'], /--out: link\.onnx is an input of this run/);
  });

  it('an --out that is a hard link to the model', () => {
    linkSync(join(dir, 'dr.json'), join(dir, 'hard.onnx'));
    refused(['--format', 'onnx', '--out', 'hard.onnx'], /--out: hard\.onnx is an input of this run/);
  });

  it('a tfjs --out folder that is a link to the folder of the input model.json', () => {
    expect(runCli(dir, ['export', 'dr.json', '--format', 'tfjs', '--out', 'first']).code).toBe(0);
    symlinkSync('first', join(dir, 'again'));
    const before = readFileSync(join(dir, 'first', 'model.json'), 'utf8');
    const r = runCli(dir, ['export', 'first/model.json', '--format', 'tfjs', '--out', 'again']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--out: again\/model\.json is an input of this run/);
    expect(readFileSync(join(dir, 'first', 'model.json'), 'utf8')).toBe(before);
  });

  it("a TensorFlow.js model.json's weights files are inputs too: export, predict, evaluate and train --weights refuse to write over them", () => {
    expect(runCli(dir, ['export', 'dr.json', '--format', 'tfjs', '--out', 'tw']).code).toBe(0);
    // the model.json under another name: its manifest still lists weights.bin beside it
    writeFileSync(join(dir, 'tw', 'm.json'), readFileSync(join(dir, 'tw', 'model.json')));
    const files = ['m.json', 'model.json', 'weights.bin'].map((f) => join(dir, 'tw', f));
    const before = files.map((f) => readFileSync(f));
    const cases: [string[], RegExp][] = [
      [['export', 'tw/m.json', '--format', 'tfjs', '--out', 'tw'], /^backprop: --out: tw\/weights\.bin is an input of this run \(backprop never writes over its input\); choose another file name\n$/],
      [['export', 'tw/m.json', '--format', 'onnx', '--out', 'tw/weights.bin'], /^backprop: --out: tw\/weights\.bin is an input of this run/],
      [['predict', 'tw/model.json', 'diabetes.csv', '--out', 'tw/weights.bin'], /^backprop: --out: tw\/weights\.bin is an input of this run/],
      [['evaluate', 'tw/model.json', 'diabetes.csv', '--plot-confusion', 'tw/weights.bin'], /^backprop: --plot-confusion: tw\/weights\.bin is an input of this run/],
      [['train', 'diabetes.csv', '--target', 'progression', '--weights', 'tw/m.json', '--epochs', '1', '--save', 'tw/weights.bin'], /^backprop: --save: tw\/weights\.bin is an input of this run/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(dir, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      files.forEach((f, i) => expect(readFileSync(f).equals(before[i]!), `${args.join(' ')}: ${f}`).toBe(true));
    }
  });

  it('missing --format, an --out that is a file for tfjs, --precision with tfjs: a message naming the flag, nothing written', () => {
    refused(['--out', 'x.onnx'], /--format: is missing: expected tfjs or onnx/);
    writeFileSync(join(dir, 'plain.txt'), 'keep me');
    refused(['--format', 'tfjs', '--out', 'plain.txt'], /--out: plain\.txt is a file; --format tfjs writes a directory/);
    expect(readFileSync(join(dir, 'plain.txt'), 'utf8')).toBe('keep me');
    refused(['--format', 'tfjs', '--out', 'nowhere/deeper/out'], /--out: cannot write nowhere\/deeper\/out: the folder .* does not exist/);
    refused(['--format', 'tfjs', '--precision', 'float32', '--out', 'p'], /--precision: applies to --format onnx/);
    // a file's name ending in / (written, its rename into place failed with a bare ENOTDIR), a folder that is a file
    refused(['--format', 'js', '--out', 'p/'], /^backprop: --out: cannot write p\/: a name ending in \/ is a folder's; give the file's name\n$/);
    refused(['--format', 'onnx', '--out', 'p/'], /^backprop: --out: cannot write p\/: a name ending in \/ is a folder's; give the file's name\n$/);
    refused(['--format', 'c', '--out', 'plain.txt/p.h'], /^backprop: --out: cannot write plain\.txt\/p\.h: \S*plain\.txt is a file, not a folder\n$/);
    // a tfjs folder's may: it is a folder
    expect(runCli(dir, ['export', 'dr.json', '--format', 'tfjs', '--out', 'slashed/']).code).toBe(0);
    expect(readdirSync(join(dir, 'slashed')).sort()).toEqual(['model.json', 'weights.bin']);
    expect(() => statSync(join(dir, 'p'))).toThrow();
  });
});

describe('a tfjs export that fails leaves nothing behind', () => {
  it('a model TensorFlow.js cannot hold (a leakyRelu layer) is refused before its --out folder is made', async () => {
    const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'leakyRelu' }, { units: 1 }], loss: 'mse', seed: 1 });
    await saveModel(join(dir, 'leaky.json'), model, { features: ['a', 'b'], target: 'y' });
    const r = runCli(dir, ['export', 'leaky.json', '--format', 'tfjs', '--out', 'leaky-tf']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^backprop: layers\[0\]\.activation: 'leakyRelu' has no TensorFlow\.js counterpart/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'leaky-tf'))).toBe(false);
  });

  it('saveTfjs writes model.json and weights.bin together: when the second cannot be written, the folder keeps the first pair', async () => {
    const folder = join(dir, 'pair');
    const first = new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 1 });
    await saveTfjs(folder, first);
    const files = ['model.json', 'weights.bin'].map((f) => join(folder, f));
    const before = files.map((f) => readFileSync(f));
    // model.json's temporary file cannot be made (a folder stands at its name), after the weights' is written
    mkdirSync(temporaryFile(join(folder, 'model.json')));
    const other = new Model({ inputs: 2, layers: [{ units: 3, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 2 });
    await expect(saveTfjs(folder, other)).rejects.toThrow();
    files.forEach((f, i) => expect(readFileSync(f).equals(before[i]!), f).toBe(true));
    // and the weights' temporary file is gone
    expect(readdirSync(folder).filter((f) => f.startsWith('.weights.bin.'))).toEqual([]);
  });
});

describe('a file that is no model', () => {
  it('binary (a weights.bin, an .onnx file) is named as binary data, not shown as the characters its bytes decode to', () => {
    writeFileSync(join(dir, 'weights-given.bin'), new Uint8Array(new Float64Array([0.1, -2.5, 1e-300, 7]).buffer));
    writeFileSync(join(dir, 'given.onnx'), exportOnnx(new Model({ inputs: 2, layers: [{ units: 1 }], loss: 'mse', seed: 1 })));
    for (const file of ['weights-given.bin', 'given.onnx']) {
      const r = runCli(dir, ['export', file, '--format', 'js', '--out', 'p.js']);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toBe(`backprop: ${file}: is not JSON: it is binary data, not text; expected a model file, as 'backprop train --save' and saveModel write\n`);
      expect(existsSync(join(dir, 'p.js'))).toBe(false);
    }
  });
});
