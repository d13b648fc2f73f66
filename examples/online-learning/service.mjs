// A model that lives in a Node service: it predicts between events, learns from each event as it
// arrives (one optimizer step per event, `trainOnBatch`), and survives a restart — the model file
// keeps the optimizer's state, so learning goes on where it stopped rather than starting afresh.
//
// Events arrive as JSON lines on stdin (a queue, a socket or HTTP would do the same):
//   {"predict": [7.5, 8.1]}                 → prints {"prediction": …}
//   {"learn": [7.5, 8.1], "label": 1}       → one training step; prints {"loss": …}
// Run: node service.mjs [CHECKPOINT.json] < events.jsonl
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { loadModel, Model, saveModel } from 'backprop-wasm';

const checkpoint = process.argv[2] ?? 'online-model.json';
const info = { features: ['cgpa', 'resume_score'], target: 'placed' };

// Continue from the last checkpoint if there is one: weights, scaler and optimizer state.
const model = existsSync(checkpoint)
  ? (await loadModel(checkpoint)).model
  : new Model({ inputs: 2, loss: 'binaryCrossentropy', seed: 1,
    layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] });

/** Writes the checkpoint through a temporary file and a rename: a crash leaves the old one or the new one. */
async function save() {
  await saveModel(`${checkpoint}.tmp`, model, info);
  await rename(`${checkpoint}.tmp`, checkpoint);
}

let learned = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const event = JSON.parse(line);
  if (event.predict) {
    console.log(JSON.stringify({ prediction: model.predict([event.predict])[0][0] }));
  } else if (event.learn) {
    const loss = model.trainOnBatch([event.learn], [event.label]); // one step of the model's optimizer
    console.log(JSON.stringify({ loss }));
    if (++learned % 10 === 0) await save(); // every 10 events; a real service might also save on a timer
  }
}
await save();
