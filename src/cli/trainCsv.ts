import { writeFile } from 'node:fs/promises';
import {
  Model, readCsvFile, saveModel, splitRows, takeRows, inferTask, lossChartSvg, decisionBoundarySvg, loadWasm,
  type FitOptions, type History, type Metrics, type ModelFitOptions, type ModelOptions, type Task,
} from '../node.js';
import { fail, oneOf } from '../errors.js';
import { list, number } from './args.js';
import { metricsText, thresholdFlag } from './evaluate.js';
import { lossChart, Progress } from './progress.js';
import { num } from './report.js';
import { fitOptions, modelOptions } from './train.js';

type Values = Record<string, string | boolean | undefined>;

const OUTPUT = { regression: { activation: 'linear', loss: 'mse' }, classification: { activation: 'sigmoid', loss: 'binaryCrossentropy' } } as const;

/** Real data wants more than the tutorial's 2-2-1: two ReLU hidden layers, the task's output. */
function taskModel(inputs: number, task: Task): ModelOptions {
  return {
    inputs,
    layers: [{ units: 32, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: 1, activation: OUTPUT[task].activation }],
    loss: OUTPUT[task].loss,
  };
}

/** Adam (Keras's defaults) on shuffled mini-batches of 32, as a Keras user starts; 100 epochs, which early stopping can cut short. */
const CSV_FIT: FitOptions = { epochs: 100, optimizer: 'adam', learningRate: 0.001, batchSize: 32, shuffle: 'epoch', seed: 0 };

/** A CSV run as the flags describe it: the file's data, the task, the network and the fit options (train and explain share it). */
export async function csvRun(v: Values, path: string) {
  if (v.dataset !== undefined) fail('--dataset', 'give a CSV file or --dataset, not both');
  if (typeof v.target !== 'string') fail('--target', `name the column to learn: backprop train ${path} --target COLUMN`);
  const given = v.task === undefined ? undefined : oneOf('--task', v.task, ['regression', 'classification'] as const);
  const data = await readCsvFile(path, { target: v.target, features: list('features', v.features), task: given });
  const task = given ?? inferTask(data.y);
  const spec = modelOptions(v, taskModel(data.features.length, task));
  const acts = list('activation', v.activation);
  // One --activation (or none) sets the hidden layers; the output layer keeps the task's.
  if (!acts || acts.length === 1) spec.layers[spec.layers.length - 1]!.activation = OUTPUT[task].activation;
  return { data, given, task, spec, fit: fitOptions(v, CSV_FIT) };
}

/** `backprop train DATA.csv --target COLUMN …`: the CSV path of the train command. */
export async function trainCsv(v: Values, path: string): Promise<void> {
  const { data, given, task, spec, fit } = await csvRun(v, path);
  const threshold = thresholdFlag(v.threshold, 0.5);
  const split = number('validation-split', v['validation-split']);
  const patience = number('early-stopping', v['early-stopping']);
  if (patience !== undefined && split === undefined) fail('--early-stopping', 'watches the validation loss: add --validation-split 0.2 (or another share)');
  if (v['plot-boundary'] !== undefined && (data.features.length !== 2 || task !== 'classification')) {
    fail('--plot-boundary', `draws a classification on two features; this run has ${data.features.length} feature${data.features.length === 1 ? '' : 's'} (${task}); pick two with --features a,b`);
  }

  // The CLI splits here (the library's splitRows, as fit's validationSplit does) to report the training part's metrics too.
  const parts = split === undefined ? undefined : splitRows(data.rows, { fraction: split, seed: fit.seed, stratify: task === 'classification' ? data.y : undefined });
  const trainRows = parts?.train ?? [...Array(data.rows).keys()];
  const [x, y] = [takeRows(data.x, data.features.length, trainRows), takeRows(data.y, 1, trainRows)];
  const held = parts && [takeRows(data.x, data.features.length, parts.validation), takeRows(data.y, 1, parts.validation)] as [Float64Array, Float64Array];
  const model = new Model({ ...spec, seed: fit.seed });
  const progress = new Progress(fit.epochs!, trainRows.length, !v.json && process.stdout.isTTY === true);
  const options: ModelFitOptions = {
    ...fit, threshold, standardize: v.standardize === true,
    validationData: held, earlyStopping: patience === undefined ? undefined : { patience },
    onEpochEnd: (epoch, logs) => progress.epochEnd(epoch, logs),
  };
  if (!v.json) {
    console.log(`${path}: ${data.rows} rows; ${data.features.length} features → ${data.target} (${task}${given ? '' : ', from its values; --task to change'})`);
    console.log(describe(spec, fit, options, parts && parts.validation.length) + '\n');
    const wide = unscaled(data.x, data.features);
    if (!options.standardize && wide) console.log(`hint: ${wide} spans a wide range; --standardize usually trains faster and steadier\n`);
  }
  if (fit.engine === 'wasm') await loadWasm();
  let history: History;
  try {
    history = await model.fit(x, y, options);
  } finally {
    progress.stop();
  }
  const engine = fit.engine!;
  const metrics: Record<string, Metrics> = { training: model.evaluateMetrics(x, y, { threshold, engine }) };
  if (held) metrics.validation = model.evaluateMetrics(held[0], held[1], { threshold, engine });

  const written: string[] = [];
  if (typeof v.plot === 'string') { await writeFile(v.plot, lossChartSvg(history, `${data.target}: loss per epoch`)); written.push(`loss chart ${v.plot}`); }
  if (typeof v['plot-boundary'] === 'string') {
    await writeFile(v['plot-boundary'], decisionBoundarySvg(model, data.x, data.y, { features: data.features as [string, string], target: data.target, threshold }));
    written.push(`decision boundary ${v['plot-boundary']}`);
  }
  const training = {
    data: path, rows: data.rows, ...fit, standardize: options.standardize,
    validationSplit: split ?? null, earlyStopping: patience ?? null, epochsRun: history.loss.length, bestEpoch: history.bestEpoch ?? null,
  };
  if (typeof v.save === 'string') { await saveModel(v.save, model, { features: data.features, target: data.target, threshold, training }); written.push(`model ${v.save}`); }

  if (v.json) {
    console.log(JSON.stringify({
      data: { file: path, rows: data.rows, features: data.features, target: data.target, task },
      model: { inputs: spec.inputs, layers: spec.layers, loss: spec.loss },
      fit: { ...training, data: undefined, rows: undefined },
      history, metrics, scaler: model.scaler ?? null, weights: model.getWeights(),
    }));
    return;
  }
  const ran = history.loss.length;
  if (history.bestEpoch !== undefined) {
    console.log(ran < fit.epochs! ? `stopped early after epoch ${ran}: the validation loss last improved at epoch ${history.bestEpoch + 1}, whose weights the model keeps`
      : `ran all ${ran} epochs; the model keeps the weights of epoch ${history.bestEpoch + 1}, the lowest validation loss`);
  }
  console.log(`\nloss per epoch (final: training ${num(history.loss[ran - 1]!, 4)}${history.valLoss ? `, validation ${num(history.valLoss[ran - 1]!, 4)}` : ''})`);
  console.log(lossChart(history) + '\n');
  console.log(metricsText(metrics));
  if (written.length) console.log(`\nwrote ${written.join(', ')}`);
}

function describe(spec: ModelOptions, fit: FitOptions, o: ModelFitOptions, validationRows: number | undefined): string {
  const layers = spec.layers;
  return [
    `network ${spec.inputs}-${layers.map((l) => l.units).join('-')} ${layers.map((l) => l.activation).join('/')}, ${spec.loss}`,
    `${fit.optimizer ?? 'sgd'}${fit.learningRate === undefined ? '' : ` lr ${fit.learningRate}`}${fit.momentum ? ` momentum ${fit.momentum}` : ''}, batch size ${fit.batchSize}, up to ${fit.epochs} epochs`,
    o.standardize ? 'standardized inputs' : 'raw inputs',
    validationRows === undefined ? 'no validation' : `${validationRows} validation rows`,
    ...(o.earlyStopping ? [`early stopping after ${o.earlyStopping.patience} epochs without improvement`] : []),
    `${fit.engine} engine`,
  ].join('; ');
}

/** The first feature whose values reach far from 0 (|mean| or spread beyond 10), which plain gradient steps handle badly. */
function unscaled(x: Float64Array, features: string[]): string | undefined {
  const n = features.length;
  return features.find((_, c) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = c; i < x.length; i += n) { lo = Math.min(lo, x[i]!); hi = Math.max(hi, x[i]!); }
    return Math.max(Math.abs(lo), Math.abs(hi)) > 10;
  });
}
