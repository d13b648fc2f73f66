// A page that trains in a Web Worker: the page stays responsive while the worker runs `fit`, and
// each epoch's loss arrives as the worker reports it. Bundled by esbuild: see build.mjs.
import { datasets, WorkerTrainer } from 'backprop-wasm';

const out = document.getElementById('out');
const { x, y, model: spec } = datasets.placement; // cgpa, resume_score → placed (0/1); a 2-2-1 sigmoid network
const trainer = new WorkerTrainer(spec);
const history = await trainer.fit(x, y, {
  optimizer: 'adam', learningRate: 0.05, epochs: 200, batchSize: 1, shuffle: false,
  onEpochEnd: (epoch, logs) => { out.textContent = `epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}`; },
});
const predictions = trainer.model.predict(x).map(([p]) => p); // the trained model, back in this thread
trainer.terminate();
out.textContent += `\npredictions: ${predictions.map((p) => p.toFixed(3)).join(', ')}`;
window.result = { loss: history.loss, predictions };
