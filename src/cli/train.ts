import { CLASS_DATASET_NAMES, datasets, DATASET_NAMES, Model, type DatasetName } from '../node.js';
import { fail, oneOf } from '../errors.js';
import { checkOptimizer } from '../optimizerSettings.js';
import type { Command, Flags } from './args.js';
import { lossTable, networkText, predictionTable, weightsText } from './report.js';
import { ALL_DATASETS_FLAG, checkOutputWidth, commandFit, FIT_FLAGS, fitOptions, modelOptions, NETWORK_FLAGS } from './run.js';
import { CSV_FILE_FLAGS, CSV_FIT_FLAGS, CSV_RESULT_FLAGS, trainCsv } from './trainCsv.js';

const JSON_FLAG: Flags = { json: { help: 'print one JSON object: settings, history.loss, weights (Keras layout), predictions (CSV runs: metrics, scaler)' } };

export const train: Command = {
  name: 'train',
  summary: 'train a network on a CSV file or one of the tutorial datasets',
  usage: `backprop train DATA.csv --target COLUMN [options]
       backprop train --dataset package|placement|blobs3 [options]`,
  about: `A CSV file needs a header row; every feature cell must be a number. A target of text labels
(or integers, with --task classification) trains a softmax classifier with one output per class;
every label is a class, NA or ? too (a hint says so: leave out rows whose label is missing).
--dataset blobs3 runs as a CSV file of three classes would: it takes every CSV flag except --target,
--features and --task.`,
  flags: [
    CSV_FILE_FLAGS, CSV_FIT_FLAGS, CSV_RESULT_FLAGS,
    { heading: 'The tutorial datasets (and the options CSV runs share):', flags: { ...ALL_DATASETS_FLAG, ...FIT_FLAGS, ...NETWORK_FLAGS, ...JSON_FLAG } },
  ],
  async run(v, positionals) {
    if (positionals.length > 1) fail('train', `expected one CSV file, got ${positionals.length}: ${positionals.join(' ')}`);
    // A resumed run names its data in its file (a CSV file must still be given: resumeRun says so).
    if (positionals[0] !== undefined || (v.resume !== undefined && v.dataset === undefined)) return trainCsv(v, positionals[0]);
    const names = [...DATASET_NAMES, ...CLASS_DATASET_NAMES];
    if (v.dataset === undefined) fail('--dataset', `expected one of ${names.join(', ')}, or a CSV file: backprop train DATA.csv --target COLUMN`);
    if ((CLASS_DATASET_NAMES as string[]).includes(oneOf('--dataset', v.dataset, names))) return trainCsv(v, undefined);
    const d = datasets[v.dataset as DatasetName];
    const spec = modelOptions(v, d.model);
    checkOutputWidth(spec, 1, `there is one target (${d.target})`);
    const fit = fitOptions(v, d.fit);
    const model = new Model(spec);
    const history = await commandFit(() => model.fit(d.x, d.y, fit), [], 'Try a smaller learning rate (--lr).');
    const y = d.y.map((t) => [t]);
    const predictions = model.predict(d.x, { engine: fit.engine! });
    const optimizer = checkOptimizer(fit);
    if (v.json) {
      console.log(JSON.stringify({
        dataset: d.name,
        model: { inputs: spec.inputs, layers: spec.layers, loss: spec.loss },
        fit: { epochs: fit.epochs, ...optimizer, batchSize: fit.batchSize, shuffle: fit.shuffle, seed: fit.seed ?? 0, engine: fit.engine },
        history: { loss: history.loss, lr: history.lr },
        weights: model.getWeights(),
        predictions,
      }));
      return;
    }
    console.log(`${d.name}: ${d.description}`);
    console.log(`${networkText(spec)}, ${optimizer.optimizer} lr ${optimizer.learningRate}, batch size ${fit.batchSize}, shuffle ${fit.shuffle}, ${fit.engine} engine\n`);
    console.log(lossTable({ [fit.engine!]: history }));
    console.log('\nfinal weights (Keras layout):');
    console.log(weightsText(model.getWeights()));
    console.log('\npredictions:');
    console.log(predictionTable(d.features, d.x, y, predictions));
  },
};
