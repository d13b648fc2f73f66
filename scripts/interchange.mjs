// How far the exported models are from this trainer's own predictions, measured with the runtimes
// that read them: ONNX Runtime (float64 graph) and TensorFlow.js (float32), over every pair of
// hidden and output activation and the CSV default 32-16-1. `npm run build` first; needs the
// development dependencies (onnxruntime-node, @tensorflow/tfjs).
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

const worst = { onnx: 0, tfjs: 0, rounding: 0 };
for (const model of models) {
  const x = rows(50, model.network.inputs);
  const ours = model.predict(x, { engine: 'js' }).flat();
  const scale = Math.max(...ours.map(Math.abs)) || 1; // a relu output may be 0 on every row
  const session = await ort.InferenceSession.create(exportOnnx(model));
  const { output } = await session.run({ input: new ort.Tensor('float64', Float64Array.from(x.flat()), [x.length, model.network.inputs]) });
  worst.onnx = Math.max(worst.onnx, ...Array.from(output.data, (v, i) => Math.abs(v - ours[i]) / scale));
  const { modelJson, weightData, rounding } = exportTfjs(model);
  worst.rounding = Math.max(worst.rounding, rounding.largest);
  const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weightData.slice().buffer }));
  const theirs = tfModel.predict(tf.tensor2d(x)).arraySync().flat();
  worst.tfjs = Math.max(worst.tfjs, ...theirs.map((v, i) => Math.abs(v - ours[i]) / scale));
}
console.log(`${models.length} models, 50 rows each; largest difference from predict, relative to the largest output:`);
console.log(`  ONNX Runtime (float64):  ${worst.onnx.toExponential(2)}`);
console.log(`  TensorFlow.js (float32): ${worst.tfjs.toExponential(2)}  (largest change rounding a weight to float32: ${worst.rounding.toExponential(2)})`);
