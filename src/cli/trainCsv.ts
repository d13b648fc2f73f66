import {
  BackpropError, Model, readCsvFile, splitRows, takeRows, inferTask, lossChartSvg, decisionBoundarySvg, loadWasm, modelToText, fitScaler,
  type FitOptions, type History, type Metrics, type ModelFitOptions, type ModelOptions, type Task,
} from '../node.js';
import { fail, oneOf } from '../errors.js';
import { checkOptimizer } from '../optimizers.js';
import { list, number, type Flags, type Values } from './args.js';
import { metricsText, thresholdFlag } from './evaluate.js';
import { checkOutputs, writeOutputs, type Output } from './outputs.js';
import { lossChart, Progress } from './progress.js';
import { count, networkText, num } from './report.js';
import { fitOptions, modelOptions } from './run.js';

/** The flags that only a CSV run reads; `train --dataset` refuses them. */
export const CSV_FLAGS: Flags = {
  target: { value: 'COLUMN', help: 'the column to learn' },
  features: { value: 'a,b,c', help: 'input columns (default: every other column)' },
  task: {
    value: 'T',
    help: 'regression (linear output, mse) or classification (sigmoid output, binaryCrossentropy; targets 0/1); default: classification when every target is 0 or 1. '
      + 'CSV runs default to --layers 32,16,1 with relu hidden layers, --optimizer adam --lr 0.001 --batch-size 32 --epochs 100 --shuffle epoch',
  },
  standardize: { help: "z-score each feature with the training rows' mean and std (saved with the model)" },
  'raw-target': { help: "regression: learn the target as it is; by default it is z-scored (saved with the model; predictions stay in the target's units)" },
  'validation-split': { value: 'F', help: 'hold out this share of the rows (seeded; stratified for classification) and report their loss and metrics after every epoch' },
  'early-stopping': { value: 'N', help: 'stop when the validation loss has not improved for N epochs; keep the best weights' },
  threshold: { value: 'P', help: 'probability from which a row is predicted 1 (default 0.5)' },
  plot: { value: 'FILE.svg', help: 'chart of the training (and validation) loss per epoch' },
  'plot-boundary': { value: 'FILE.svg', help: 'classification on two features: the data over the predicted probability' },
  save: { value: 'FILE.json', help: "the model file for 'backprop predict' and 'backprop evaluate'" },
};

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

/** The data, task, model and fit options of a CSV run (`train` and `explain` take the same flags). */
export async function csvRun(v: Values, path: string, given = taskFlag(v)) {
  if (typeof v.target !== 'string') fail('--target', `name the column to learn: backprop train ${path} --target COLUMN`);
  const data = await readCsvFile(path, { target: v.target, features: list('features', v.features), task: given });
  const task = given ?? inferTask(data.y);
  if (v['raw-target'] && task !== 'regression') fail('--raw-target', `applies to regression; this run is a ${task}`);
  const spec = modelOptions(v, taskModel(data.features.length, task));
  const acts = list('activation', v.activation);
  // One --activation (or none) sets the hidden layers; the output layer keeps the task's.
  if (!acts || acts.length === 1) spec.layers[spec.layers.length - 1]!.activation = OUTPUT[task].activation;
  return { data, task, spec, fit: fitOptions(v, CSV_FIT) };
}

function taskFlag(v: Values): Task | undefined {
  return v.task === undefined ? undefined : oneOf('--task', v.task, ['regression', 'classification'] as const);
}

/** `backprop train DATA.csv --target COLUMN …`: the CSV path of the train command. */
export async function trainCsv(v: Values, path: string): Promise<void> {
  if (v.dataset !== undefined) fail('--dataset', 'give a CSV file or --dataset, not both');
  if (typeof v.target !== 'string') fail('--target', `name the column to learn: backprop train ${path} --target COLUMN`);
  const given = taskFlag(v);
  const threshold = thresholdFlag(v.threshold, 0.5);
  const split = number('validation-split', v['validation-split']);
  const patience = number('early-stopping', v['early-stopping']);
  if (patience !== undefined && split === undefined) fail('--early-stopping', 'watches the validation loss: add --validation-split 0.2 (or another share)');
  // Every output is checked before the data is read, so a wrong path costs no training.
  const outputs = (['plot', 'plot-boundary', 'save'] as const).flatMap((flag): Output[] => {
    const file = v[flag];
    return typeof file === 'string' ? [{ flag: `--${flag}`, what: { plot: 'loss chart', 'plot-boundary': 'decision boundary', save: 'model' }[flag], path: file }] : [];
  });
  checkOutputs(outputs, [path, ...(typeof v.weights === 'string' ? [v.weights] : [])]);

  const { data, task, spec, fit } = await csvRun(v, path, given);
  if (v['plot-boundary'] !== undefined && (data.features.length !== 2 || task !== 'classification')) {
    fail('--plot-boundary', `draws a classification on two features; this run has ${count(data.features.length, 'feature')} (${task}); pick two with --features a,b`);
  }

  // The CLI splits here (the library's splitRows, as fit's validationSplit does) to report the training part's metrics too.
  const parts = split === undefined ? undefined : splitRows(data.rows, { fraction: split, seed: fit.seed, stratify: task === 'classification' ? data.y : undefined });
  const trainRows = parts?.train ?? [...Array(data.rows).keys()];
  const [x, y] = [takeRows(data.x, data.features.length, trainRows), takeRows(data.y, 1, trainRows)];
  const held = parts && [takeRows(data.x, data.features.length, parts.validation), takeRows(data.y, 1, parts.validation)] as [Float64Array, Float64Array];
  const options: ModelFitOptions = {
    ...fit, threshold, standardize: v.standardize === true, standardizeTarget: task === 'regression' && v['raw-target'] !== true,
    validationData: held, earlyStopping: patience === undefined ? undefined : { patience },
  };
  // Fit's scalers would refuse a column too wide for f64 by its index; here it is named before training.
  if (options.standardize) fitScaler(x, trainRows.length, data.features.length, path, data.features);
  if (options.standardizeTarget) fitScaler(y, trainRows.length, 1, path, [data.target]);
  const model = new Model({ ...spec, seed: fit.seed });
  const progress = new Progress(fit.epochs!, trainRows.length, !v.json && process.stdout.isTTY === true);
  if (!v.json) {
    console.log(`${path}: ${count(data.rows, 'row')}; ${count(data.features.length, 'feature')} → ${data.target} (${task}${given ? '' : ', from its values; --task to change'})`);
    console.log(describe(spec, fit, options, parts?.validation.length) + '\n');
    const wide = unscaled(data.x, data.features);
    if (!options.standardize && wide) console.log(`hint: ${wide} spans a wide range; --standardize usually trains faster and steadier\n`);
  }
  if (fit.engine === 'wasm') await loadWasm();
  let history: History;
  try {
    history = await model.fit(x, y, { ...options, onEpochEnd: (epoch, logs) => progress.epochEnd(epoch, logs) });
  } finally {
    progress.stop();
  }
  const engine = fit.engine!;
  const metrics: Record<string, Metrics> = { training: model.evaluateMetrics(x, y, { threshold, engine }) };
  if (held) metrics.validation = model.evaluateMetrics(held[0], held[1], { threshold, engine });

  const training = {
    data: path, rows: data.rows, ...fit, standardize: options.standardize, standardizeTarget: options.standardizeTarget,
    // Epochs count from 1 here, as the report below says them.
    validationSplit: split ?? null, earlyStopping: patience ?? null, epochsRun: history.loss.length, bestEpoch: history.bestEpoch === undefined ? null : history.bestEpoch + 1,
  };
  const text = {
    plot: () => lossChartSvg(history, `${data.target}: loss per epoch`),
    'plot-boundary': () => decisionBoundarySvg(model, data.x, data.y, { features: data.features as [string, string], target: data.target, threshold }),
    save: () => modelToText(model, { features: data.features, target: data.target, threshold, training }),
  };
  const { written, failed } = await writeOutputs(outputs.map((output) => ({ output, text: text[output.flag.slice(2) as keyof typeof text] })));

  if (v.json) {
    console.log(JSON.stringify({
      data: { file: path, rows: data.rows, features: data.features, target: data.target, task },
      model: { inputs: spec.inputs, layers: spec.layers, loss: spec.loss },
      fit: { ...training, data: undefined, rows: undefined },
      history, metrics, scaler: model.scaler ?? null, targetScaler: model.targetScaler ?? null, weights: model.getWeights(),
    }));
  } else {
    report(history, fit, metrics, options, y);
    if (written.length) console.log(`\nwrote ${written.join(', ')}`);
  }
  // The run's results are printed above; the outputs that could not be written are named last.
  if (failed.length) throw new BackpropError('train', `${failed.join('; ')}${written.length ? `; wrote ${written.join(', ')}` : ''}`);
}

function report(history: History, fit: FitOptions, metrics: Record<string, Metrics>, options: ModelFitOptions, y: Float64Array): void {
  const ran = history.loss.length;
  if (history.bestEpoch !== undefined) {
    console.log(ran < fit.epochs! ? `stopped early after epoch ${ran}: the validation loss last improved at epoch ${history.bestEpoch + 1}, whose weights the model keeps`
      : `ran all ${ran} epochs; the model keeps the weights of epoch ${history.bestEpoch + 1}, the lowest validation loss`);
  }
  const scaled = options.standardizeTarget ? ' (of the standardized target)' : '';
  console.log(`\nloss per epoch${scaled} (final: training ${num(history.loss[ran - 1]!, 4)}${history.valLoss ? `, validation ${num(history.valLoss[ran - 1]!, 4)}` : ''})`);
  console.log(lossChart(history) + '\n');
  console.log(metricsText(metrics));
  const hint = farFromFitting(metrics, y, fit, options);
  if (hint) console.log(`\nhint: ${hint}`);
}

/** What to try when a run ends no better than a constant guess: R² below 0, or accuracy at the majority class's share. */
function farFromFitting(metrics: Record<string, Metrics>, y: Float64Array, fit: FitOptions, options: ModelFitOptions): string | undefined {
  const m = metrics.training!;
  const lr = checkOptimizer(fit).learningRate;
  const tries = [
    ...(options.standardize ? [] : ['--standardize']),
    `more epochs (--epochs ${fit.epochs! * 3})`,
    `another learning rate (--lr ${num(lr * 3, 2)} or ${num(lr / 3, 2)})`,
  ].join(', ');
  if (m.task === 'regression') {
    const below = Object.entries(metrics).filter(([, c]) => c.task === 'regression' && c.r2 < 0).map(([name]) => name);
    return below.length ? `R² is below 0 (${below.join(', ')}): the model predicts worse than the target's mean would. Try ${tries}.` : undefined;
  }
  const ones = y.reduce((n, t) => n + t, 0) / y.length;
  const majority = Math.max(ones, 1 - ones);
  return m.accuracy <= majority ? `the training accuracy ${num(m.accuracy, 4)} is no better than always predicting ${ones >= 0.5 ? 1 : 0} (${num(majority, 4)}). Try ${tries}.` : undefined;
}

function describe(spec: ModelOptions, fit: FitOptions, o: ModelFitOptions, validationRows: number | undefined): string {
  return [
    `network ${networkText(spec)}`,
    `${fit.optimizer ?? 'sgd'}${fit.learningRate === undefined ? '' : ` lr ${fit.learningRate}`}${fit.momentum ? ` momentum ${fit.momentum}` : ''}, batch size ${fit.batchSize}, up to ${fit.epochs} epochs`,
    o.standardize ? 'standardized inputs' : 'raw inputs',
    ...(o.standardizeTarget ? ['standardized target (predictions in its units; --raw-target to turn off)'] : []),
    validationRows === undefined ? 'no validation' : count(validationRows, 'validation row'),
    ...(o.earlyStopping ? [`early stopping after ${count(o.earlyStopping.patience, 'epoch')} without improvement`] : []),
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
