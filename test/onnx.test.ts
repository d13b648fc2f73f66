// ONNX out, run by ONNX Runtime (onnxruntime-node, a development dependency, CPU): the float64
// graph's outputs equal predict's to 1e-12 for every activation pair, with and without a scaler.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx, Model, saveModel, saveOnnx, type Activation, type ModelOptions } from '../src/node.js';
import { onnxActivation } from '../src/io/activationNames.js';
import { varint } from '../src/io/protobuf.js';
import { EVERY_ACTIVATION, normwiseRelativeDiff, randomNetwork, randomRows } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runOnnx(bytes: Uint8Array, x: number[][]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float64', Float64Array.from(x.flat()), [x.length, x[0]!.length]);
  const { output } = await session.run({ input });
  expect(output!.type).toBe('float64');
  expect(output!.dims).toEqual([x.length, (output!.data as Float64Array).length / x.length]);
  return Array.from(output!.data as Float64Array);
}

const SHAPES: [string, ModelOptions][] = EVERY_ACTIVATION.flatMap((hidden) => EVERY_ACTIVATION.map((output, k): [string, ModelOptions] =>
  [`${hidden} → ${output}`, randomNetwork(200 + k, 2 + (k % 2), hidden as Activation, output as Activation, output === 'sigmoid' ? 'binaryCrossentropy' : 'mse')]));

describe('exportOnnx → ONNX Runtime', () => {
  // gelu's graph needs Erf, which ONNX Runtime's CPU provider has for float32 only: it refuses the graph (the test below)
  it.each(SHAPES.filter(([name]) => !name.includes('gelu')))('%s: the outputs are predict\'s to 1e-12', async (_, spec) => {
    const model = new Model(spec);
    const x = randomRows(11, 25, spec.inputs, -3, 3);
    const ours = model.predict(x, { engine: 'js' }).flat();
    expect(normwiseRelativeDiff(await runOnnx(exportOnnx(model), x), ours)).toBeLessThanOrEqual(1e-12);
  });

  it('gelu is standard ONNX (Mul, Erf, Add nodes), but ONNX Runtime has no float64 Erf kernel and says so', async () => {
    const model = new Model(randomNetwork(5, 2, 'gelu', 'linear', 'mse'));
    await expect(runOnnx(exportOnnx(model), randomRows(1, 3, model.network.inputs))).rejects.toThrow(/Could not find an implementation for Erf\(13\)/);
  });

  it('where the exported elementary nodes part from the kernels\' expm1 and log1p (x near 0 for elu and selu, x far below 0 for softplus): within 1e-15 of the largest output', async () => {
    // one input, one unit, kernel 1, bias 0: the activation of x itself
    const x = [-40, -20, -5, -1, -1e-3, -1e-9, -1e-15, 0, 1e-15, 1e-9, 1e-3, 1, 5, 20, 40].map((v) => [v]);
    for (const activation of ['elu', 'selu', 'softplus', 'softsign', 'swish'] as Activation[]) {
      const model = new Model({ inputs: 1, layers: [{ units: 1, activation }], loss: 'mse', weights: [[[1]], [0]] });
      const ours = model.predict(x, { engine: 'js' }).flat(), theirs = await runOnnx(exportOnnx(model), x);
      const scale = Math.max(...ours.map(Math.abs));
      expect(Math.max(...theirs.map((v, i) => Math.abs(v - ours[i]!))) / scale, activation).toBeLessThanOrEqual(1e-15);
    }
  });

  it("leakyRelu's alpha, the layer's, is the graph's (a float64 constant): 0.05 and 1.7 to 1e-12", async () => {
    for (const alpha of [0.05, 1.7]) {
      const model = new Model({ inputs: 3, layers: [{ units: 4, activation: 'leakyRelu', alpha }, { units: 2, activation: 'leakyRelu', alpha: alpha / 2 }], loss: 'mse', seed: 8 });
      const x = randomRows(12, 25, 3, -3, 3);
      expect(normwiseRelativeDiff(await runOnnx(exportOnnx(model), x), model.predict(x, { engine: 'js' }).flat())).toBeLessThanOrEqual(1e-12);
    }
  });

  it('a scaler becomes Sub and Div nodes: raw inputs in, the scaled model\'s outputs out', async () => {
    const spec = randomNetwork(7, 3, 'relu', 'sigmoid', 'binaryCrossentropy');
    const model = new Model({ ...spec, scaler: { mean: Array.from({ length: spec.inputs }, (_, i) => 100 * i + 5), std: Array.from({ length: spec.inputs }, (_, i) => 3 + 40 * i) } });
    const x = randomRows(12, 30, spec.inputs, -50, 400);
    expect(normwiseRelativeDiff(await runOnnx(exportOnnx(model), x), model.predict(x, { engine: 'js' }).flat())).toBeLessThanOrEqual(1e-12);
  });

  it('a wide network (32-16-1, the CSV default) to 1e-12', async () => {
    const spec: ModelOptions = { inputs: 6, layers: [{ units: 32, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 4 };
    const model = new Model(spec);
    const x = randomRows(13, 50, 6, -2, 2);
    expect(normwiseRelativeDiff(await runOnnx(exportOnnx(model), x), model.predict(x, { engine: 'js' }).flat())).toBeLessThanOrEqual(1e-12);
  });

  it('backprop export --format onnx writes the file ONNX Runtime runs', async () => {
    const model = new Model({ ...randomNetwork(8, 2, 'tanh', 'linear', 'mse'), scaler: undefined });
    const saved = join(dir, 'model.json');
    await saveModel(saved, model, { features: Array.from({ length: model.network.inputs }, (_, i) => `x${i}`), target: 'y' });
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '../dist/cli.js'), 'export', saved, '--format', 'onnx', '--out', join(dir, 'model.onnx')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^wrote .*model\.onnx: ONNX opset 13, float64/);
    const x = randomRows(14, 10, model.network.inputs);
    expect(normwiseRelativeDiff(await runOnnx(readFileSync(join(dir, 'model.onnx')), x), model.predict(x).flat())).toBeLessThanOrEqual(1e-12);
  });
});

it('protobuf varints: the encoding guide\'s examples (1 → 01, 150 → 96 01, 300 → ac 02) and 2⁵³ − 1', () => {
  expect([...varint(1)]).toEqual([0x01]);
  expect([...varint(150)]).toEqual([0x96, 0x01]);
  expect([...varint(300)]).toEqual([0xac, 0x02]);
  expect([...varint(2 ** 53 - 1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
});

it('an activation the table lacks is an error naming the layer, not a missing node', () => {
  expect(() => onnxActivation('layers[1]', 'gelu_new')).toThrow("layers[1].activation: 'gelu_new' has no TensorFlow.js/ONNX counterpart here; exportable activations: linear, sigmoid, tanh, relu, softmax, elu, selu, softplus, softsign, swish, gelu, relu6, leakyRelu, hardSigmoid, hardSwish, mish, exponential");
});

describe('exportOnnx and saveOnnx check their options by name and the info as a model file does', () => {
  const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 1 });
  const refused = (field: string, message: string) => expect.objectContaining({ name: 'BackpropError', field, message: `${field}: ${message}` });

  it.each([
    [{ precison: 'float32' }, 'precison', 'unknown option; expected one of precision, info'],
    [{ info: { features: ['a', 'b'], target: 'y', threshold: Number.NaN } }, 'info.threshold', 'expected a number between 0 and 1 (exclusive), got NaN'],
    [{ info: { features: ['a'], target: 'y' } }, 'info.features', 'expected 2 column names (one per input), got an array of 1 string'],
    [{ info: { features: ['a', 'b'], target: 'y', classes: ['no', 'yes'] } }, 'info.classes', "only a softmax classifier (categoricalCrossentropy, sparseCategoricalCrossentropy) has class labels; this model's loss is binaryCrossentropy"],
    [{ info: null }, 'info', 'got null; leave the option out for its default'],
    [null, 'options', 'expected { precision, info }, got null'],
  ])('%o → %s', async (options, field, message) => {
    expect(() => exportOnnx(model, options as never)).toThrow(refused(field, message));
    const path = join(dir, 'refused.onnx');
    await expect(saveOnnx(path, model, options as never)).rejects.toThrow(refused(field, message));
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});
