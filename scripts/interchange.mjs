// How far the exported models are from this trainer's own predictions, measured with the runtimes
// that read them: ONNX Runtime (float64 graph) and TensorFlow.js (float32), over every pair of
// hidden and output activation and the CSV default 32-16-1; per activation, the worst model it is
// in. `npm run build` first; needs the development dependencies (onnxruntime-node, @tensorflow/tfjs).
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { ACTIVATIONS, exportOnnx, exportTfjs, Model } from '../dist/node.js';

tf.enableProdMode();
await tf.setBackend('cpu');
let state = 1;
const random = () => { // Park–Miller, for repeatable rows
  state = (state * 16807) % 2147483647;
  return state / 2147483647;
};
const rows = (n, cols) => Array.from({ length: n }, () => Array.from({ length: cols }, () => 6 * random() - 3));

const models = ACTIVATIONS.flatMap((hidden, h) => ACTIVATIONS.map((output, o) => new Model({
  inputs: 3, layers: [{ units: 5, activation: hidden }, { units: 4, activation: hidden }, { units: output === 'sigmoid' ? 1 : 2, activation: output }],
  loss: output === 'sigmoid' ? 'binaryCrossentropy' : 'mse', seed: 4 * h + o,
})));
models.push(new Model({ inputs: 6, layers: [{ units: 32, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 1 }], loss: 'mse', seed: 4, scaler: { mean: [1, 2, 3, 4, 5, 6], std: [1, 2, 3, 4, 5, 6] } }));

/** Per activation: the largest difference from predict (relative to the model's largest output) of a model it is in. */
const worst = Object.fromEntries(ACTIVATIONS.map((a) => [a, { onnx: undefined, tfjs: undefined }]));
const refused = []; // models ONNX Runtime would not run: their activations and its message
const noTfjs = new Set(); // activations the TensorFlow.js export refuses
let rounding = 0;
for (const model of models) {
  const x = rows(50, model.network.inputs);
  const ours = model.predict(x, { engine: 'js' }).flat();
  // relative to the largest finite output (a relu output may be 0 on every row; exponential over
  // exponential overflows to Infinity, which both sides must then give alike)
  const scale = ours.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0) || 1;
  const difference = (theirs) => Array.from(theirs).reduce((m, v, i) => Math.max(m, v === ours[i] ? 0 : Math.abs(v - ours[i]) / scale), 0);
  const activations = new Set(model.network.layers.map((l) => l.activation));
  let onnx; // undefined where ONNX Runtime refuses the graph
  try {
    const session = await ort.InferenceSession.create(exportOnnx(model));
    const { output } = await session.run({ input: new ort.Tensor('float64', Float64Array.from(x.flat()), [x.length, model.network.inputs]) });
    onnx = difference(output.data);
  } catch (e) {
    refused.push({ activations, message: e.message.split('\n')[0].replace(/ node with name.*/, '') });
  }
  let tfjs; // undefined where the export refuses the model (an activation TensorFlow.js's Dense lacks)
  try {
    const { modelJson, weightData, rounding: r } = exportTfjs(model);
    rounding = Math.max(rounding, r.largest);
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weightData.slice().buffer }));
    tfjs = difference(tfModel.predict(tf.tensor2d(x)).arraySync().flat());
    tfModel.dispose();
  } catch (e) {
    if (e.name !== 'BackpropError') throw e;
    noTfjs.add(e.message.match(/'(\w+)' has no TensorFlow.js counterpart/)?.[1] ?? e.message);
  }
  for (const a of activations) {
    if (onnx !== undefined) worst[a].onnx = Math.max(worst[a].onnx ?? 0, onnx);
    if (tfjs !== undefined) worst[a].tfjs = Math.max(worst[a].tfjs ?? 0, tfjs);
  }
}
console.log(`${models.length} models, 50 rows each; per activation, the largest difference from predict of a model using it, relative to that model's largest output:`);
console.log(`${'activation'.padEnd(12)}${'ONNX Runtime (float64)'.padEnd(26)}TensorFlow.js (float32)`);
for (const [a, w] of Object.entries(worst)) console.log(`${a.padEnd(12)}${(w.onnx?.toExponential(2) ?? 'not run').padEnd(26)}${w.tfjs?.toExponential(2) ?? 'not exported'}`);
if (refused.length) {
  const common = ACTIVATIONS.filter((a) => refused.every((r) => r.activations.has(a)));
  console.log(`ONNX Runtime refused ${refused.length} models, each with ${common.join(', ')}: ${[...new Set(refused.map((r) => r.message))].join('; ')}`);
}
if (noTfjs.size) console.log(`not exported to TensorFlow.js (its Dense has no such activation): ${[...noTfjs].join(', ')}`);
console.log(`largest change rounding a weight to float32 for TensorFlow.js: ${rounding.toExponential(2)}`);
