// Trains a network on a CSV file and saves it:  node train.mjs DATA.csv TARGET [MODEL.json]
// The target column decides the task: numbers → regression (one linear output, mse); 0 and 1 → a
// sigmoid output with binary cross-entropy; text labels → a softmax output with one unit per class.
// The model file keeps the scaler and the column names, so `backprop predict MODEL.json NEW.csv`
// (or loadModel) answers for new rows.
import { Model, readCsvFile, saveModel } from 'backprop-wasm';

const [path, target, out = 'model.json'] = process.argv.slice(2);
if (!path || !target) {
  console.error('usage: node train.mjs DATA.csv TARGET [MODEL.json]');
  process.exit(1);
}

const data = await readCsvFile(path, { target });
const { classes } = data;
const [output, loss] = classes
  ? [{ units: classes.length, activation: 'softmax' }, 'sparseCategoricalCrossentropy']
  : data.task === 'classification'
    ? [{ units: 1, activation: 'sigmoid' }, 'binaryCrossentropy']
    : [{ units: 1, activation: 'linear' }, 'mse'];

const model = new Model({
  inputs: data.features.length,
  layers: [{ units: 16, activation: 'relu' }, output],
  loss,
  seed: 1,
});
const history = await model.fit(data.x, data.y, {
  optimizer: 'adam', learningRate: 0.01, epochs: 100, batchSize: 32, seed: 1,
  standardize: true, standardizeTarget: loss === 'mse', validationSplit: 0.2, earlyStopping: { patience: 10 },
});

const metrics = model.evaluateMetrics(data.x, data.y);
const score = metrics.task === 'regression' ? `R² ${metrics.r2.toFixed(3)}` : `accuracy ${metrics.accuracy.toFixed(3)}`;
console.log(`${data.rows} rows, ${history.epoch.length} epochs: validation loss ${history.valLoss.at(-1).toFixed(4)}, ${score}`);

await saveModel(out, model, { features: data.features, target: data.target, ...(classes ? { classes } : {}) });
console.log(`saved ${out}`);
