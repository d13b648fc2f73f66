// The TensorFlow.js layers format out and in, checked against TensorFlow.js itself (the development
// dependency, CPU backend): tf.loadLayersModel reads what exportTfjs writes, predicts what this
// trainer predicts to float32 precision and keeps training there as this trainer does; and the
// reader takes back both this project's files (to the bit, with float32-rounded weights) and those
// TensorFlow.js writes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTfjs, INITIALIZERS, loadTfjs, Model, modelFromTfjs, saveModel, saveTfjs, type Activation, type LayerSpec, type Loss, type ModelOptions, type Weights } from '../src/node.js';
import { tfjsActivation } from '../src/io/activationNames.js';
import { ACTIVATION_ROWS } from '../src/operations/activations.js';
import { hasNone } from '../src/operations/rows.js';
import { loadTensorFlow, WEIGHT_BOUND, type Tf } from '../src/yardsticks/tfjsReference.js';
import { EVERY_ACTIVATION, normwiseRelativeDiff, randomNetwork, randomRows, randomTargets } from './helpers.js';

const CLI = join(import.meta.dirname, '../dist/cli.js');
const backprop = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = await loadTensorFlow();
  dir = mkdtempSync(join(tmpdir(), 'backprop-tfjs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** tf.loadLayersModel through an IO handler that reads model.json and its weights files from disk, as tfjs-node's file:// handler does. */
async function tfLoad(path: string) {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(path, '..', p)))));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: new Uint8Array(data).buffer }));
}

const fround = (weights: Weights): Weights => weights.map((w) => w.map((row) => (Array.isArray(row) ? row.map(Math.fround) : Math.fround(row)))) as Weights;

/** The activations TensorFlow.js has (test/operations.test.ts checks that the others are refused with their row's reason). */
const TFJS_ACTIVATIONS = EVERY_ACTIVATION.filter((a) => !hasNone(ACTIVATION_ROWS[a].tfjs));

/** Every pair of hidden and output activation TensorFlow.js has, on two depths, with mse; sigmoid outputs also with binaryCrossentropy. */
const SHAPES: [string, ModelOptions][] = TFJS_ACTIVATIONS.flatMap((hidden) => TFJS_ACTIVATIONS.flatMap((output) => {
  const losses: Loss[] = output === 'sigmoid' ? ['mse', 'binaryCrossentropy'] : ['mse'];
  return losses.flatMap((loss) => [2, 3].map((depth, k): [string, ModelOptions] =>
    [`${depth} layers, ${hidden} → ${output}, ${loss}`, randomNetwork(100 + 10 * depth + k, depth, hidden as Activation, output as Activation, loss)]));
}));

describe('exportTfjs → tf.loadLayersModel', () => {
  it.each(SHAPES)('%s: TensorFlow.js predicts what this model predicts, to float32 precision; read back, the model is the float32-rounded one to the bit', async (name, spec) => {
    const model = new Model(spec);
    const x = randomRows(7, 20, spec.inputs, -2, 2);
    const out = join(dir, name.replace(/\W+/g, '-'));
    const written = await saveTfjs(out, model);
    const rounded = fround(model.getWeights());
    const largest = Math.max(...model.getWeights().flat(2).map((v, i) => Math.abs(v - (rounded.flat(2)[i] as number))));
    expect(written.rounding.largest).toBe(largest);

    const tfModel = await tfLoad(join(out, 'model.json'));
    expect(tfModel.layers.map((l) => (l.getConfig() as { activation: string }).activation)).toEqual(model.network.layers.map((l) => l.activation));
    const yTf = (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync();
    // float32 arithmetic over a few layers: ~1e-7 per operation
    expect(normwiseRelativeDiff(yTf.flat(), model.predict(x).flat())).toBeLessThan(1e-5);
    tfModel.dispose();

    const back = await loadTfjs(join(out, 'model.json'));
    expect(back.model.network.layers.map(({ units, activation }) => ({ units, activation }))).toEqual(model.network.layers.map(({ units, activation }) => ({ units, activation })));
    expect(back.model.network.loss).toBe(spec.loss);
    expect(back.model.getWeights()).toEqual(rounded);
    expect(back.model.predict(x)).toEqual(new Model({ ...spec, weights: rounded }).predict(x));
  });

  it('keeps training in TensorFlow.js: three epochs of SGD there end where this trainer ends from the same float32 weights', async () => {
    const spec = randomNetwork(3, 3, 'tanh', 'linear', 'mse');
    const model = new Model(spec);
    const x = randomRows(1, 16, spec.inputs), y = randomRows(2, 16, model.network.layers.at(-1)!.units);
    await saveTfjs(join(dir, 'train'), model);
    const tfModel = await tfLoad(join(dir, 'train', 'model.json'));
    tfModel.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    await tfModel.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const ours = new Model({ ...spec, weights: fround(model.getWeights()) });
    await ours.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, learningRate: 0.1, engine: 'js' });
    const theirs = tfModel.getWeights().flatMap((w) => (w.arraySync() as number[] | number[][]).flat());
    const moved = Math.max(...(ours.getWeights().flat(2) as number[]).map((v, i) => Math.abs(v - (model.getWeights().flat(2)[i] as number))));
    expect(moved).toBeGreaterThan(1e-3);
    expect(Math.max(...(ours.getWeights().flat(2) as number[]).map((v, i) => Math.abs(v - theirs[i]!)))).toBeLessThan(WEIGHT_BOUND);
    tfModel.dispose();
  });

  it('Dropout layers and L1L2 regularizers: TensorFlow.js reads them as its own Dropout and l1l2, predicts the same, and read back they are the model\'s', async () => {
    const spec: ModelOptions<LayerSpec> = {
      inputs: 3, loss: 'categoricalCrossentropy', seed: 6,
      layers: [{ units: 5, activation: 'selu', kernelRegularizer: { l1: 0.01, l2: 0.02 }, biasRegularizer: 'l2' }, { dropout: 0.25 }, { units: 4, activation: 'swish', kernelRegularizer: 'l1' }, { dropout: 0.5 }, { units: 3, activation: 'softmax' }],
    };
    const model = new Model(spec);
    await saveTfjs(join(dir, 'dropout'), model);
    const tfModel = await tfLoad(join(dir, 'dropout', 'model.json'));
    expect(tfModel.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense']);
    const configs = tfModel.layers.map((l) => l.getConfig() as { rate?: number; kernelRegularizer?: unknown; biasRegularizer?: unknown });
    expect([configs[1]!.rate, configs[3]!.rate]).toEqual([0.25, 0.5]);
    const l1l2 = (l1: number, l2: number) => ({ className: 'L1L2', config: { l1, l2 } });
    expect(configs.filter((_, i) => i % 2 === 0).map((c) => [c.kernelRegularizer, c.biasRegularizer])).toEqual([[l1l2(0.01, 0.02), l1l2(0, 0.01)], [l1l2(0.01, 0), null], [null, null]]);
    const x = randomRows(8, 12, 3, -2, 2);
    expect(normwiseRelativeDiff((tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync().flat(), model.predict(x).flat())).toBeLessThan(1e-5);
    tfModel.dispose();
    const back = await loadTfjs(join(dir, 'dropout', 'model.json'));
    // Regularizer coefficients are float64 in the JSON, so they come back exact
    expect(back.model.network).toEqual(model.network);
    expect(back.metadata?.loss).toBe('categoricalCrossentropy');
  });

  it('regularizers and the categorical losses train in TensorFlow.js as here: three epochs of SGD end at the same weights', async () => {
    for (const loss of ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const) {
      // No L1 on the biases: they start at 0, where TensorFlow.js takes d|w|/dw as −1 (tf.step(w, −1)) and the kernels as 0
      const spec: ModelOptions = { inputs: 3, loss, seed: 8, layers: [{ units: 4, activation: 'elu', kernelRegularizer: { l1: 0.01, l2: 0.03 }, biasRegularizer: 'l2' }, { units: 3, activation: 'softmax', kernelRegularizer: 'l1l2' }] };
      const model = new Model(spec);
      const x = randomRows(1, 16, 3), y = randomTargets(2, 16, 3, loss);
      const { modelJson } = await saveTfjs(join(dir, loss), model);
      const tfModel = await tfLoad(join(dir, loss, 'model.json'));
      // The loss by the name the export keeps, which is TensorFlow.js's own
      tfModel.compile({ optimizer: tf.train.sgd(0.1), loss: modelJson.userDefinedMetadata!.backprop.loss as string });
      await tfModel.fit(tf.tensor2d(x), tf.tensor2d(y), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
      const ours = new Model({ ...spec, weights: fround(model.getWeights()) });
      await ours.fit(x, y, { epochs: 3, batchSize: 4, shuffle: 'none', learningRate: 0.1, engine: 'js' });
      const theirs = tfModel.getWeights().flatMap((w) => (w.arraySync() as number[] | number[][]).flat());
      expect(Math.max(...(ours.getWeights().flat(2) as number[]).map((v, i) => Math.abs(v - theirs[i]!))), loss).toBeLessThan(WEIGHT_BOUND);
      tfModel.dispose();
    }
  });

  it('every initializer is written as a Keras initializer TensorFlow.js knows', async () => {
    const inits = [...INITIALIZERS, { constant: 0.25 }] as const;
    const model = new Model({ inputs: 2, layers: inits.map((init) => ({ units: 2, kernelInitializer: init, biasInitializer: init })), loss: 'mse' });
    await saveTfjs(join(dir, 'initializers'), model);
    const tfModel = await tfLoad(join(dir, 'initializers', 'model.json'));
    // TensorFlow.js reads them back as the VarianceScaling it implements them with
    const read = tfModel.layers.map((l) => (l.getConfig() as { kernelInitializer: { className: string; config: Record<string, unknown> } }).kernelInitializer);
    const scaling = (scale: number, mode: string, distribution: string) => ({ className: 'VarianceScaling', config: { scale, mode, distribution, seed: null } });
    expect(read).toEqual([
      { className: 'Zeros', config: {} }, { className: 'Ones', config: {} },
      scaling(1, 'fanAvg', 'uniform'), scaling(1, 'fanAvg', 'normal'), scaling(2, 'fanIn', 'uniform'), scaling(2, 'fanIn', 'normal'),
      { className: 'Constant', config: { value: 0.25 } },
    ]);
    tfModel.dispose();
  });

  it('folds a scaler into the first layer: TensorFlow.js, given raw inputs, predicts what the scaled model predicts', async () => {
    const spec = randomNetwork(5, 2, 'relu', 'sigmoid', 'binaryCrossentropy');
    const scaler = { mean: Array.from({ length: spec.inputs }, (_, i) => 10 * i - 3), std: Array.from({ length: spec.inputs }, (_, i) => 0.5 + 2 * i) };
    const model = new Model({ ...spec, scaler });
    const x = randomRows(3, 20, spec.inputs, -10, 30);
    await saveTfjs(join(dir, 'scaled'), model, { features: Array.from({ length: spec.inputs }, (_, i) => `f${i}`), target: 't', threshold: 0.3 });
    const tfModel = await tfLoad(join(dir, 'scaled', 'model.json'));
    const yTf = (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync();
    expect(normwiseRelativeDiff(yTf.flat(), model.predict(x).flat())).toBeLessThan(1e-5);
    const back = await loadTfjs(join(dir, 'scaled', 'model.json'));
    expect(back.model.scaler).toBeUndefined();
    expect(normwiseRelativeDiff(back.model.predict(x).flat(), model.predict(x).flat())).toBeLessThan(1e-5);
    expect(back.metadata).toEqual({ loss: 'binaryCrossentropy', folded: ['the input scaler folded into the first layer'], features: ['f0', 'f1', 'f2', 'f3'].slice(0, spec.inputs), target: 't', threshold: 0.3 });
  });
});

describe('modelFromTfjs reads what TensorFlow.js writes', () => {
  it('a tf.sequential saved by model.save (its own names, initializers and shards): the same predictions to the bit of its float32 weights', async () => {
    const tfModel = tf.sequential();
    tfModel.add(tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }));
    tfModel.add(tf.layers.dense({ units: 3, activation: 'tanh' }));
    tfModel.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    let saved: { modelTopology: unknown; weightSpecs: unknown; weightData: ArrayBuffer } | undefined;
    await tfModel.save(tf.io.withSaveHandler(async (a) => { saved = a as never; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    // model.json as tfjs writes it to files, its weights split over two shards
    const half = 40;
    const json = { format: 'layers-model', generatedBy: 'TensorFlow.js', convertedBy: null, modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: saved!.weightSpecs }] };
    const data = new Uint8Array(saved!.weightData);
    const { model } = modelFromTfjs(JSON.stringify(json), { 'a.bin': data.subarray(0, half), 'b.bin': data.subarray(half) }, { loss: 'binaryCrossentropy' });
    const tfWeights = tfModel.getWeights().map((w) => w.arraySync() as number[] | number[][]);
    expect(model.getWeights()).toEqual(tfWeights);
    expect(model.network.layers.map((l) => l.activation)).toEqual(['relu', 'tanh', 'sigmoid']);
    const x = randomRows(4, 10, 3);
    expect(normwiseRelativeDiff(model.predict(x).flat(), (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync().flat())).toBeLessThan(1e-6);
    // One buffer with every weight in manifest order works too, through modelFromTfjs
    expect(modelFromTfjs(json, data, { loss: 'binaryCrossentropy' }).model.getWeights()).toEqual(tfWeights);
    tfModel.dispose();
  });
});

describe('modelFromTfjs reads Dropout, regularizers and the loss TensorFlow.js writes', () => {
  it('a compiled tf.sequential saved with its optimizer: sparse_categorical_crossentropy from trainingConfig, Dropout and l1l2 as its own', async () => {
    const tfModel = tf.sequential();
    tfModel.add(tf.layers.dense({ units: 4, activation: 'gelu', inputShape: [2], kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.02 }), biasRegularizer: tf.regularizers.l2({ l2: 0.03 }) }));
    tfModel.add(tf.layers.dropout({ rate: 0.25 }));
    tfModel.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    tfModel.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    let saved: { modelTopology: unknown; weightSpecs: unknown; weightData: ArrayBuffer; trainingConfig: unknown } | undefined;
    await tfModel.save(tf.io.withSaveHandler(async (a) => { saved = a as never; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }), { includeOptimizer: true });
    const json = { format: 'layers-model', modelTopology: saved!.modelTopology, trainingConfig: saved!.trainingConfig, weightsManifest: [{ paths: ['w.bin'], weights: saved!.weightSpecs }] };
    expect((saved!.trainingConfig as { loss: string }).loss).toBe('sparse_categorical_crossentropy');
    const { model } = modelFromTfjs(json, { 'w.bin': new Uint8Array(saved!.weightData) });
    expect(model.network.loss).toBe('sparseCategoricalCrossentropy');
    expect(model.network.layers.map(({ activation, dropout, kernelRegularizer, biasRegularizer }) => ({ activation, dropout, kernelRegularizer, biasRegularizer }))).toEqual([
      { activation: 'gelu', dropout: 0.25, kernelRegularizer: { l1: 0.01, l2: 0.02 }, biasRegularizer: { l1: 0, l2: 0.03 } },
      { activation: 'softmax', dropout: 0, kernelRegularizer: { l1: 0, l2: 0 }, biasRegularizer: { l1: 0, l2: 0 } },
    ]);
    const x = randomRows(4, 10, 2);
    expect(normwiseRelativeDiff(model.predict(x).flat(), (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync().flat())).toBeLessThan(1e-6);
    tfModel.dispose();
  });

  it('a Dropout this project cannot train: an error naming the file\'s layer', () => {
    const { modelJson, weightData } = exportTfjs(new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { dropout: 0.5 }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' }));
    const layers = modelJson.modelTopology.config.layers;
    const edited = (edit: () => void) => { const copy = structuredClone(layers); edit(); const json = structuredClone(modelJson); layers.splice(0, layers.length, ...copy); return json; };
    expect(() => modelFromTfjs(edited(() => { layers[1]!.config.rate = 1; }), weightData)).toThrow('model.json: layers[1] (dropout_1).dropout: expected a rate from 0 up to (not including) 1, got 1');
    expect(() => modelFromTfjs(edited(() => { layers[1]!.config.noise_shape = [null, 1]; }), weightData)).toThrow('model.json: layers[1] (dropout_1).noise_shape: is set; only a Dropout of every unit on its own can be read');
    expect(() => modelFromTfjs(edited(() => { layers.push(layers[1]!); }), weightData)).toThrow('model.json: layers[3] (dropout_1): a Dropout goes after a Dense layer and before another');
    expect(() => modelFromTfjs(edited(() => { layers[0]!.config.kernel_regularizer = { class_name: 'L1L2', config: { l1: -1 } }; }), weightData)).toThrow('model.json: layers[0] (dense_1).kernelRegularizer.l1: expected a finite number ≥ 0, got -1');
    expect(() => modelFromTfjs(edited(() => { layers[0]!.config.kernel_regularizer = { class_name: 'OrthogonalRegularizer', config: {} }; }), weightData)).toThrow('model.json: layers[0] (dense_1).kernel_regularizer: expected a Keras L1L2, L1 or L2 regularizer');
  });
});

describe('modelFromTfjs reads what tensorflowjs_converter writes from Keras', () => {
  it('model_config nesting, an InputLayer, Keras\'s layer names: the predictions TensorFlow.js makes of the same file', async () => {
    // The layout tensorflowjs_converter 4.x writes for a Keras 2 Sequential (keras_version, model_config, InputLayer first)
    const dense = (name: string, units: number, activation: string, input?: number) => ({ class_name: 'Dense', config: {
      name, trainable: true, dtype: 'float32', ...(input ? { batch_input_shape: [null, input] } : {}), units, activation, use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } });
    const json = {
      format: 'layers-model', generatedBy: 'keras v2.12.0', convertedBy: 'TensorFlow.js Converter v4.6.0',
      modelTopology: { keras_version: '2.12.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
        dense('dense', 4, 'relu', 3), dense('dense_1', 1, 'linear'),
      ] } }, training_config: { loss: 'mean_squared_error' } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [
        { name: 'dense/kernel', shape: [3, 4], dtype: 'float32' }, { name: 'dense/bias', shape: [4], dtype: 'float32' },
        { name: 'dense_1/kernel', shape: [4, 1], dtype: 'float32' }, { name: 'dense_1/bias', shape: [1], dtype: 'float32' },
      ] }],
    };
    const data = Float32Array.from(randomRows(5, 1, 21).flat());
    // The loss from Keras's training_config
    const { model } = modelFromTfjs(json, { 'group1-shard1of1.bin': new Uint8Array(data.buffer) });
    expect(model.network.loss).toBe('mse');
    expect(model.network.layers.map(({ units, activation }) => ({ units, activation }))).toEqual([{ units: 4, activation: 'relu' }, { units: 1, activation: 'linear' }]);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights as never, weightData: data.buffer }));
    const x = randomRows(6, 10, 3);
    expect(normwiseRelativeDiff(model.predict(x).flat(), (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync().flat())).toBeLessThan(1e-6);
    tfModel.dispose();
    // Messages count the layers as the file does, InputLayer included
    json.weightsManifest[0]!.weights[2]!.shape = [1, 4];
    expect(() => modelFromTfjs(json, data)).toThrow('model.json: layers[2] (dense_1): weight dense_1/kernel has shape [1, 4] in the weights manifest, but the layer needs [4, 1]');
  });
});

describe('bad TensorFlow.js files: an error naming the file and the layer', () => {
  const spec: ModelOptions = { inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' };
  const fresh = (name: string) => {
    const out = join(dir, 'bad', name);
    mkdirSync(out, { recursive: true });
    const { modelJson, weightData } = exportTfjs(new Model(spec));
    return { out, path: join(out, 'model.json'), modelJson, weightData, write(json: unknown, data = weightData) { writeFileSync(join(out, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json)); writeFileSync(join(out, 'weights.bin'), data); } };
  };
  const refused = async (path: string) => { try { await loadTfjs(path); } catch (e) { return (e as Error).message; } throw new Error('expected loadTfjs to refuse'); };

  it('a truncated model.json', async () => {
    const f = fresh('truncated');
    f.write(JSON.stringify(f.modelJson).slice(0, 300));
    expect(await refused(f.path)).toMatch(new RegExp(`^${f.path}: is not valid JSON .*truncated`));
  });

  it('a missing weights file', async () => {
    const f = fresh('missing');
    f.write(f.modelJson);
    rmSync(join(f.out, 'weights.bin'));
    expect(await refused(f.path)).toBe(`${join(f.out, 'weights.bin')}: no such file (listed in ${f.path}'s weightsManifest)`);
  });

  it('a truncated weights file', async () => {
    const f = fresh('short');
    f.write(f.modelJson, f.weightData.subarray(0, 20));
    expect(await refused(f.path)).toMatch(/weights\.bin: holds 20 bytes, but weightsManifest\[0\] lists 52 bytes of float32 weights \(4 weights\); the file may be truncated/);
  });

  it('weight data in memory of another length than the manifest lists', () => {
    const { modelJson, weightData } = exportTfjs(new Model(spec));
    expect(() => modelFromTfjs(modelJson, weightData.subarray(0, 40))).toThrow('model.json: weight data: holds 40 bytes, but the weights manifest lists 52 bytes of float32 weights');
    expect(() => modelFromTfjs(modelJson, new Uint8Array(56))).toThrow('model.json: weight data: holds 56 bytes, but the weights manifest lists 52; the data may belong to another model');
  });

  it('a shape that does not match the layer', async () => {
    const f = fresh('shape');
    f.modelJson.weightsManifest[0]!.weights[0]!.shape = [3, 2];
    f.write(f.modelJson);
    expect(await refused(f.path)).toBe(`${f.path}: layers[0] (dense_1): weight dense_1/kernel has shape [3, 2] in the weights manifest, but the layer needs [2, 3]`);
  });

  it('an unsupported layer, and an unsupported activation', async () => {
    const f = fresh('layer');
    f.modelJson.modelTopology.config.layers[1]!.class_name = 'BatchNormalization';
    f.write(f.modelJson);
    expect(await refused(f.path)).toBe(`${f.path}: layers[1] (dense_2): is a "BatchNormalization" layer; only Dense and Dropout layers (after an optional InputLayer) can be read`);
    const g = fresh('activation');
    g.modelJson.modelTopology.config.layers[0]!.config.activation = 'gelu_new';
    g.write(g.modelJson);
    expect(await refused(g.path)).toBe(`${g.path}: layers[0] (dense_1).activation: activation "gelu_new" is not supported; supported: linear, sigmoid, tanh, relu, softmax, elu, selu, softplus, softsign, swish, gelu, relu6, mish`);
  });

  it('no loss given and none in the file', () => {
    const { modelJson, weightData } = exportTfjs(new Model(spec));
    delete modelJson.userDefinedMetadata;
    expect(() => modelFromTfjs(modelJson, weightData, { source: 'plain/model.json' })).toThrow("plain/model.json: loss: the file names no loss this project knows (it has no training config); pass { loss: 'mse' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanAbsoluteError' | 'meanAbsolutePercentageError' | 'meanSquaredLogarithmicError' | 'huber' | 'logcosh' | 'hinge' | 'squaredHinge' | 'categoricalHinge' | 'kullbackLeiblerDivergence' | 'poisson' }");
  });

  it('exporting an activation the table lacks names the layer', () => {
    expect(() => tfjsActivation('layers[2]', 'gelu_new')).toThrow("layers[2].activation: 'gelu_new' has no TensorFlow.js/ONNX counterpart here; exportable activations: linear, sigmoid, tanh, relu, softmax, elu, selu, softplus, softsign, swish, gelu, relu6, mish");
  });
});

describe('the CLI', () => {
  it('export --format tfjs, then predict and evaluate read the model.json; train --weights takes it as initial weights', async () => {
    const csv = join(dir, 'cli.csv');
    writeFileSync(csv, 'a,b,y\n' + randomRows(9, 40, 2, -3, 3).map(([a, b]) => `${a},${b},${a! * b! > 0 ? 1 : 0}`).join('\n') + '\n');
    const saved = join(dir, 'cli-model.json');
    const spec: ModelOptions = { inputs: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 3 };
    const model = new Model({ ...spec, scaler: { mean: [0.1, -0.2], std: [1.5, 2] } });
    await saveModel(saved, model, { features: ['a', 'b'], target: 'y' });
    const r = backprop('export', saved, '--format', 'tfjs', '--out', join(dir, 'cli-tfjs'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/rounded to float32: the largest change is \d\.\d+e-\d+ \(dense_\d\/(kernel|bias)\[\d+\]/);

    const probabilities = (out: string) => out.trim().split('\n').slice(1).map((line) => Number(line.split(',')[3]));
    const original = backprop('predict', saved, csv), exported = backprop('predict', join(dir, 'cli-tfjs', 'model.json'), csv);
    expect(exported.stderr).toBe('');
    expect(normwiseRelativeDiff(probabilities(exported.stdout), probabilities(original.stdout))).toBeLessThan(1e-6);
    expect(backprop('evaluate', join(dir, 'cli-tfjs', 'model.json'), csv).stdout).toMatch(/accuracy/);

    const trained = backprop('train', csv, '--target', 'y', '--layers', '4,1', '--activation', 'tanh,sigmoid', '--epochs', '2', '--weights', join(dir, 'cli-tfjs', 'model.json'), '--json');
    expect(trained.stderr).toBe('');
    const direct = backprop('train', csv, '--target', 'y', '--layers', '4,1', '--activation', 'tanh,sigmoid', '--epochs', '2', '--weights', writeWeights(exportedWeights(join(dir, 'cli-tfjs', 'model.json'))), '--json');
    expect(JSON.parse(trained.stdout).weights).toEqual(JSON.parse(direct.stdout).weights);

    const wrong = backprop('train', csv, '--target', 'y', '--layers', '5,1', '--activation', 'tanh,sigmoid', '--weights', join(dir, 'cli-tfjs', 'model.json'));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--weights .*model\.json: weights\[0\] \(layer 0 kernel\)\[0\]: expected 5 numbers/);
    expect(backprop('export', saved, '--format', 'keras', '--out', dir).stderr).toMatch(/--format: expected one of 'tfjs', 'onnx', 'js', 'wasm', 'c', got "keras"/);
    expect(backprop('export', saved, '--format', 'onnx', '--out', saved).stderr).toMatch(/--out: .*cli-model\.json is an input of this run/);
  });
});

function exportedWeights(path: string): Weights {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  return modelFromTfjs(json, readFileSync(join(path, '..', 'weights.bin'))).model.getWeights();
}

function writeWeights(weights: Weights): string {
  const path = join(dir, `weights-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(weights));
  return path;
}

describe('exportTfjs, saveTfjs, modelFromTfjs and loadTfjs check their options by name, and the info (written and read) as a model file does', () => {
  const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy', seed: 1 });
  const info = { features: ['a', 'b'], target: 'y', threshold: 0.3 };
  const refused = (field: string, message: string) => expect.objectContaining({ name: 'BackpropError', field, message: `${field}: ${message}` });

  it.each([
    [{ inf: info }, 'inf', 'unknown option; expected one of weightsPath, info'],
    [{ weightsPath: 5 }, 'weightsPath', "expected the weights file's name, got 5"],
    [{ info: { ...info, features: ['a'] } }, 'info.features', 'expected 2 column names (one per input), got an array of 1 string'],
    [{ info: { ...info, treshold: 0.9 } }, 'info.treshold', 'unknown option; expected one of features, target, targets, classes, threshold'],
    [{ info: { ...info, training: {} } }, 'info.training', 'unknown option; expected one of features, target, targets, classes, threshold'],
    [{ info: null }, 'info', 'got null; leave the option out for its default'],
    [null, 'options', 'expected { weightsPath, info }, got null'],
  ])('exportTfjs %o → %s', (options, field, message) => {
    expect(() => exportTfjs(model, options as never)).toThrow(refused(field, message));
  });

  it('saveTfjs: a misspelt info key is refused before anything is written', async () => {
    const out = join(dir, 'refused-tfjs');
    await expect(saveTfjs(out, model, { ...info, treshold: 0.9 } as never)).rejects.toThrow(refused('info.treshold', 'unknown option; expected one of features, target, targets, classes, threshold'));
    expect(() => readFileSync(join(out, 'model.json'))).toThrow(/ENOENT/);
  });

  it("modelFromTfjs and loadTfjs: unknown options, and the metadata's keys and values checked as a model file's", async () => {
    const { modelJson, weightData } = exportTfjs(model, { info });
    const weights = { 'weights.bin': weightData };
    expect(modelFromTfjs(modelJson, weights).metadata).toEqual({ loss: 'binaryCrossentropy', folded: [], ...info });
    expect(() => modelFromTfjs(modelJson, weights, { los: 'mse' } as never)).toThrow(refused('los', 'unknown option; expected one of loss, source'));
    expect(() => modelFromTfjs(modelJson, weights, null as never)).toThrow(refused('options', 'expected { loss, source }, got null'));
    const withMeta = (meta: Record<string, unknown>) => ({ ...modelJson, userDefinedMetadata: { backprop: { ...modelJson.userDefinedMetadata!.backprop, ...meta } } });
    const prefix = 'model.json: userDefinedMetadata.backprop';
    expect(() => modelFromTfjs(withMeta({ threshold: 7 }), weights)).toThrow(refused(`${prefix}.threshold`, 'expected a number between 0 and 1 (exclusive), got 7'));
    expect(() => modelFromTfjs(withMeta({ colour: 'red' }), weights)).toThrow(refused(`${prefix}.colour`, 'unknown option; expected one of loss, folded, features, target, targets, classes, threshold'));
    expect(() => modelFromTfjs(withMeta({ features: ['a'] }), weights)).toThrow(refused(`${prefix}.features`, 'expected 2 column names (one per input), got an array of 1 string'));
    expect(() => modelFromTfjs(withMeta({ folded: 'all' }), weights)).toThrow(refused(`${prefix}.folded`, 'expected a list of notes (text), got "all"'));
    const saved = join(dir, 'options-tfjs');
    await saveTfjs(saved, model, info);
    await expect(loadTfjs(join(saved, 'model.json'), { los: 'mse' } as never)).rejects.toThrow(refused('los', 'unknown option; expected one of loss'));
  });
});
