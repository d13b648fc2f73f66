// Three classes, trained in a Web Worker, in an app bundled by Vite (`npx vite build`, or `npx vite`
// to develop). Nothing to configure: the library names its kernels and its worker script with
// `new URL('./…', import.meta.url)`, which Vite recognizes and copies into the build.
import { classDatasets, WorkerTrainer } from 'backprop-wasm';

const { x, y, classes } = classDatasets.blobs3; // 180 rows on two features, three labelled blobs
const trainer = new WorkerTrainer({
  inputs: 2, loss: 'sparseCategoricalCrossentropy', seed: 1,
  layers: [{ units: 16, activation: 'relu' }, { units: classes.length, activation: 'softmax' }],
});
const status = document.getElementById('status');
const history = await trainer.fit(x, y, {
  optimizer: 'adam', learningRate: 0.01, epochs: 60, batchSize: 16, seed: 1, standardize: true,
  onEpochEnd: (epoch, logs) => { status.textContent = `epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}`; },
});
const { accuracy } = trainer.model.evaluateMetrics(x, y);
trainer.terminate();
status.textContent += ` — accuracy ${accuracy.toFixed(3)} on ${classes.join(', ')}`;
window.result = { loss: history.loss, accuracy };
