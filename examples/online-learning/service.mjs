// A model that lives in a Node service: it predicts between events, learns from each event as it
// arrives (one optimizer step per event, `trainOnBatch`), and survives a restart — the model file
// keeps the optimizer's state, so learning goes on where it stopped rather than starting afresh.
//
// Events arrive as JSON lines on stdin (a queue, a socket or HTTP would do the same):
//   {"predict": [7.5, 8.1]}                 → prints {"prediction": …}
//   {"learn": [7.5, 8.1], "label": 1}       → one training step; prints {"loss": …}
// Run: node service.mjs [CHECKPOINT.json] < events.jsonl
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadModel, Model, saveModel } from 'backprop-wasm';

const checkpoint = process.argv[2] ?? 'online-model.json';
const info = { features: ['cgpa', 'resume_score'], target: 'placed' };

// Continue from the last checkpoint if there is one: weights, scaler and optimizer state.
const model = existsSync(checkpoint)
  ? (await loadModel(checkpoint)).model
  : new Model({ inputs: 2, loss: 'binaryCrossentropy', seed: 1,
    layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] });

// The optimizer's settings, one object for every call. trainOnBatch takes them from here, not from the
// model (left out, they are SGD's defaults); the optimizer's state (Adam's moments, its step count) is
// the model's, and the checkpoint keeps it.
const options = { optimizer: 'adam', learningRate: 0.01 };

// saveModel writes the file whole (a temporary file, then a rename): a crash leaves the old checkpoint or the new one.
const save = () => saveModel(checkpoint, model, info);

let learned = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const event = JSON.parse(line);
  if (event.predict) {
    console.log(JSON.stringify({ prediction: model.predict([event.predict])[0][0] }));
  } else if (event.learn) {
    const loss = model.trainOnBatch([event.learn], [event.label], options); // one optimizer step
    console.log(JSON.stringify({ loss }));
    if (++learned % 10 === 0) await save(); // every 10 events; a real service might also save on a timer
  }
}
await save();
