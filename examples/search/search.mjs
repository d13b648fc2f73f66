// Tries a few settings of a network on a CSV file on every core, then keeps the best one:
//   node search.mjs DATA.csv TARGET [MODEL.json]
// search() trains every combination of the grid once per seed and per fold, on a pool of workers (one
// per core: threads 'auto'), and ranks the settings by their mean validation loss. The rows come back
// the same whatever the number of workers, and each fit is an ordinary fit with its seed: the best
// setting, trained here on every row, is what `fit` gives with those options.
import { Model, readCsvFile, saveModel, search } from 'backprop-wasm';

const [path, target, out = 'model.json'] = process.argv.slice(2);
if (!path || !target) {
  console.error('usage: node search.mjs DATA.csv TARGET [MODEL.json]');
  process.exit(1);
}

const data = await readCsvFile(path, { target });
const { classes } = data;
const [output, loss] = classes
  ? [{ units: classes.length, activation: 'softmax' }, 'sparseCategoricalCrossentropy']
  : data.task === 'classification'
    ? [{ units: 1, activation: 'sigmoid' }, 'binaryCrossentropy']
    : [{ units: 1, activation: 'linear' }, 'mse'];

// The grid: every combination of its lists is a setting; each is trained once per seed and fold.
const grid = {
  layers: [[{ units: 8, activation: 'relu' }, output], [{ units: 16, activation: 'relu' }, { units: 8, activation: 'relu' }, output]],
  learningRate: [0.003, 0.03],
  seed: [0, 1],
};
const model = { inputs: data.features.length, layers: grid.layers[0], loss };
const fit = { optimizer: 'adam', epochs: 40, batchSize: 16, standardize: true };
const rows = await search(data.x, data.y, grid, { model, fit, folds: 3, threads: 'auto' });

for (const row of rows) {
  const units = row.setting.layers.map((l) => l.units).join('-');
  console.log(`${row.rank}. layers ${units}, learning rate ${row.setting.learningRate}: validation loss ${row.mean.toFixed(4)} ± ${row.std.toFixed(4)} (${row.trials.length} fits)`);
}

// The best setting, on every row, with the first seed
const best = rows[0].setting;
const final = new Model({ ...model, layers: best.layers, seed: 0 });
await final.fit(data.x, data.y, { ...fit, learningRate: best.learningRate, seed: 0 });
await saveModel(out, final, { features: data.features, target: data.target, ...(classes ? { classes } : {}) });
console.log(`saved ${out}`);
// The workers wait, for a next search, without keeping the process alive (stopSearchWorkers() ends them).
