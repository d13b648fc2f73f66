import {
  BackpropError, confusionMatrixSvg, isCategorical, LOSSES, metricsFor, modelInfo, readCsvFile, regressionMetrics, taskOf,
  type ClassificationMetrics, type EngineKind, type LoadedInfo, type Metrics, type Model, type MulticlassMetrics, type RegressionMetrics, type Task,
} from '../node.js';
import { count, fail, oneOf } from '../errors.js';
import { isTfjs, modelOf, readModelFiles, tfjsOf, type ModelFiles, type ModelRead } from '../io/files.js';
import { columnIndex, CsvRows, Floats, separatorHint } from '../csv.js';
import { streamBatches, streamText } from '../csvFile.js';
import { checkThreshold } from '../metrics.js';
import { list, number, type Command, type Flags, type Values } from './args.js';
import { checkOutputs, writeOutputs, type Output } from './outputs.js';
import { num, table } from './report.js';

/** Metrics side by side, one column per set of rows (e.g. training, validation); `classes` labels a softmax classifier's. */
export function metricsText(columns: Record<string, Metrics>, classes?: readonly string[]): string {
  const names = Object.keys(columns);
  const first = columns[names[0]!]!;
  const rows = first.task === 'regression' ? [['MSE', 'mse'], ['MAE', 'mae'], ['R²', 'r2']]
    : first.task === 'multiclass' ? [['accuracy', 'accuracy'], ['macro precision', 'macroPrecision'], ['macro recall', 'macroRecall'], ['macro F1', 'macroF1'], ['log loss', 'logLoss']]
      : [['accuracy', 'accuracy'], ['precision', 'precision'], ['recall', 'recall'], ['F1', 'f1'], ['log loss', 'logLoss']];
  const value = (m: Metrics, key: string) => num((m as unknown as Record<string, number>)[key]!, 4);
  const body = table(['', ...names], [
    ['rows', ...names.map((n) => String(columns[n]!.rows))],
    ...rows.map(([label, key]) => [label!, ...names.map((n) => value(columns[n]!, key!))]),
  ]);
  if (first.task === 'regression') return body;
  const last = names[names.length - 1]!;
  const m = columns[last] as ClassificationMetrics | MulticlassMetrics;
  if (m.task === 'classification') {
    const { tp, fp, tn, fn } = m.confusion;
    const confusion = table(['', 'predicted 0', 'predicted 1'], [['actual 0', String(tn), String(fp)], ['actual 1', String(fn), String(tp)]]);
    return `${body}\n\nconfusion matrix (${last}, threshold ${m.threshold}):\n${confusion}`;
  }
  const labels = classes ?? m.perClass.map((_, k) => String(k));
  const perClass = table(['class', 'precision', 'recall', 'F1', 'support'], m.perClass.map((c, k) => [labels[k]!, num(c.precision, 4), num(c.recall, 4), num(c.f1, 4), String(c.support)]));
  const confusion = table(['actual \\ predicted', ...labels], m.confusion.map((row, k) => [labels[k]!, ...row.map(String)]));
  return `${body}\n\nper class (${last}):\n${perClass}\n\nconfusion matrix (${last}; rows: actual class, columns: predicted):\n${confusion}`;
}

/** Rows predicted per call into the kernels when many are: the engine holds one batch of them, not a copy of the whole set. */
export const BATCH = 4096;

/** The model's outputs for every row of x, rows × outputs, flat, predicted a batch at a time. */
function predictRows(model: Model, x: Float64Array, engine: EngineKind): Float64Array {
  const { inputs, layers } = model.network;
  const k = layers[layers.length - 1]!.units, rows = x.length / inputs;
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r += BATCH) {
    const n = Math.min(BATCH, rows - r);
    model.predictInto(x.subarray(r * inputs, (r + n) * inputs), out.subarray(r * k, (r + n) * k), { engine });
  }
  return out;
}

/**
 * evaluateMetrics of rows whose labels fit the model's loss (its own training rows), from
 * predictRows: a large training set is not copied into the engine a second time.
 */
export function rowsMetrics(model: Model, x: Float64Array, y: Float64Array, threshold: number, engine: EngineKind): Metrics {
  const { loss, layers } = model.network;
  return metricsFor(loss, y, predictRows(model, x, engine), threshold, layers[layers.length - 1]!.units);
}

/**
 * A regression's metrics per target column, which `Metrics` pools over every value of every target;
 * as text, one table per set of rows with a column per target.
 */
export function targetMetrics(model: Model, x: Float64Array, y: Float64Array, targets: string[], engine: EngineKind): Record<string, RegressionMetrics> {
  const yhat = predictRows(model, x, engine);
  const t = targets.length, rows = y.length / t;
  const column = (v: Float64Array, j: number) => Array.from({ length: rows }, (_, r) => v[r * t + j]!);
  return Object.fromEntries(targets.map((name, j) => [name, regressionMetrics(column(y, j), column(yhat, j))]));
}

/** A classifier's confusion matrix as SVG: k × k for a softmax model, 2 × 2 (0, 1) for a sigmoid one. */
export function confusionSvg(m: Metrics, classes: readonly string[] | undefined, title: string): string {
  if (m.task === 'regression') return fail('--plot-confusion', 'draws a classifier\'s confusion matrix; this model is a regression');
  if (m.task === 'multiclass') return confusionMatrixSvg(m.confusion, classes ?? m.perClass.map((_, k) => String(k)), { title });
  const { tp, fp, tn, fn } = m.confusion;
  return confusionMatrixSvg([[tn, fp], [fn, tp]], ['0', '1'], { title: `${title}, threshold ${m.threshold}` });
}

/**
 * The model of a predict or evaluate run: a model file, a TensorFlow.js model.json that 'backprop
 * export' wrote (its metadata names the columns), or any other TensorFlow.js model.json of Dense
 * layers, whose columns (and loss, when the file names none) the command line gives. Each file is read
 * once, and `outputFiles` are checked against every file read and `otherInputs` before the model is built.
 */
export async function runModel(path: string, v: Values, withTarget: boolean, outputFiles: Output[] = [], otherInputs: string[] = []): Promise<ModelRead> {
  const read = readModelFiles(path);
  checkOutputs(outputFiles, [...read.files, ...otherInputs]);
  if (!plainTfjs(read)) {
    // the model first: a file that is no model is named as such, not as one that names its columns
    const model = modelOf(read);
    const given = PLAIN_TFJS.find((flag) => v[flag] !== undefined);
    if (given) fail(`--${given}`, `is for a TensorFlow.js model.json without backprop's metadata; ${path} names its own columns and loss`);
    return model;
  }
  const features = list('features', v.features);
  const targets = list('target', v.target);
  const columns = `${path} is a TensorFlow.js model without backprop's column names`;
  if (!features) fail('--features', `${columns}: name the CSV columns it reads, in the order of its inputs: --features a,b,c${withTarget && !targets ? ', and the column it predicts: --target COLUMN' : ''}`);
  if (withTarget && !targets) fail('--target', `${columns}: name the column it predicts: --target COLUMN`);
  const loss = v.loss === undefined ? undefined : oneOf('--loss', v.loss, LOSSES);
  let model: Model;
  try {
    ({ model } = tfjsOf(read, { loss }));
  } catch (e) {
    if (!(e instanceof BackpropError && e.field === `${path}: loss`)) throw e;
    return fail('--loss', `${path} does not say which loss it was trained with; give it: --loss mse (a regression), binaryCrossentropy (0/1 targets, a sigmoid output), sparseCategoricalCrossentropy (class indices 0 … k − 1, a softmax output) or categoricalCrossentropy`);
  }
  const { inputs, loss: modelLoss } = model.network;
  const outputs = model.network.layers[model.network.layers.length - 1]!.units;
  if (features.length !== inputs) fail('--features', `${path} has ${count(inputs, 'input')}; got ${count(features.length, 'column')} (${features.join(', ')})`);
  const wanted = isCategorical(modelLoss) ? 1 : outputs;
  if (targets ? targets.length !== wanted : wanted > 1) {
    fail('--target', `${path} predicts ${wanted === 1 ? 'one column (its outputs are the probabilities of its classes)' : `${wanted} columns, one per output: --target a,b`}; got ${targets ? targets.join(', ') : 'none'}`);
  }
  // predict names its column(s) 'prediction'; a target name is only needed to read it
  const target = targets?.[0] ?? 'target';
  const info = modelInfo('', { features, target, targets: targets && targets.length > 1 ? targets : undefined, training: {} }, model.network);
  return { model, info, task: taskOf(modelLoss), files: read.files };
}

/** The flags that describe a TensorFlow.js model.json without backprop's metadata. */
const PLAIN_TFJS = ['features', 'target', 'loss'];

/** Whether the model read is a TensorFlow.js model.json without the columns 'backprop export' writes (any other file: modelOf reads or refuses it). */
function plainTfjs({ json }: ModelFiles): boolean {
  if (!isTfjs(json)) return false;
  const meta = (json as { userDefinedMetadata?: { backprop?: { features?: unknown } } }).userDefinedMetadata?.backprop;
  return meta?.features === undefined;
}

/** A CSV header that lacks a column the model needs is an error naming them all (and saying predict needs no target). */
export function needColumns(columns: string[], modelPath: string, csvPath: string, features: string[], targets: string[] = []): void {
  const missing = [...features, ...targets].filter((c) => !columns.includes(c));
  if (missing.length) {
    const why = targets.length && missing.every((c) => targets.includes(c)) ? ` to compare the predictions with ('backprop predict' needs no target)` : '';
    fail(csvPath, `lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => JSON.stringify(c)).join(', ')} that ${modelPath} needs${why}; it has ${columns.map((c) => JSON.stringify(c)).join(', ')}${separatorHint(columns)}`);
  }
}

/**
 * The model, and its features (and targets when `withTarget`) from a CSV matched by column name,
 * read as the file streams. A softmax classifier's target is read as its class labels (one-hot
 * rows for categoricalCrossentropy): a label it was not trained on is an error.
 */
export async function modelCsv(modelPath: string, csvPath: string, withTarget: boolean, v: Values = {}, outputs: Output[] = []) {
  const { model, info, task } = await runModel(modelPath, v, withTarget, outputs, [csvPath]);
  const targets = info.targets ?? [info.target];
  const check = (columns: string[]) => needColumns(columns, modelPath, csvPath, info.features, withTarget ? targets : []);
  if (!withTarget) {
    const x = new Floats();
    const rows = await streamBatches(csvPath, info.features, BATCH, { header: check, batch: (batch) => { for (const v of batch) x.push(v); } });
    return { model, info, task, rows, x: x.done(), y: undefined };
  }
  const read = info.classes ? { classes: info.classes, oneHot: model.network.loss === 'categoricalCrossentropy' } : { task: 'regression' as const };
  const data = await readCsvFile(csvPath, { features: info.features, target: targets, ...read }, check);
  if (model.network.loss === 'binaryCrossentropy') await binaryLabels(data.y, csvPath, targets);
  return { model, info, task, rows: data.rows, x: data.x, y: data.oneHot ?? data.y };
}

/**
 * A 0/1 classifier's targets are 0 or 1: the first other value is named by its file, line and
 * column, as a bad cell is. The rows keep no line numbers, so the file is read again to find it,
 * on the error's path only.
 */
async function binaryLabels(y: Float64Array, csvPath: string, targets: string[]): Promise<void> {
  const bad = y.findIndex((v) => v !== 0 && v !== 1);
  if (bad < 0) return;
  const row = Math.floor(bad / targets.length), name = targets[bad % targets.length]!;
  let column = 0, line = 0, text = '';
  const rows = new CsvRows(csvPath, (cells, at, r) => { if (r === row) [line, text] = [at, cells[column]!.trim()]; }, (columns) => { column = columnIndex(columns, name, csvPath); });
  await streamText(csvPath, (piece) => rows.write(piece));
  rows.end();
  fail(csvPath, `line ${line}, column ${JSON.stringify(name)}: expected a label 0 or 1 (the model is a 0/1 classifier), got ${text}`);
}

/** --threshold, which a softmax classifier (most probable class) and a regression have no use for. */
export function modelThreshold(v: Values, info: LoadedInfo, task: Task): number {
  if (info.classes && v.threshold !== undefined) fail('--threshold', `applies to 0/1 classifiers; this model predicts the most probable of its ${info.classes.length} classes`);
  if (task === 'regression' && v.threshold !== undefined) fail('--threshold', `applies to 0/1 classifiers; this model is a regression, whose predictions are numbers`);
  return thresholdFlag(v.threshold, info.threshold);
}

/** The flags of a saved model's run, which predict and evaluate share. */
export const MODEL_RUN_FLAGS: Flags = {
  threshold: { value: 'P', help: "0/1 classifiers: probability from which a row is predicted 1 (default: the model's, 0.5)" },
  engine: { value: 'wasm|js', help: 'which kernels run (default wasm)' },
};

/** What a TensorFlow.js model.json without backprop's metadata needs from the command line. */
export const PLAIN_TFJS_FLAGS: Flags = {
  features: { value: 'a,b,c', help: 'the CSV columns the model reads, in the order of its inputs' },
  target: { value: 'COLUMN', help: 'the column it predicts (a,b for one per output)' },
  loss: { value: 'L', help: `the loss it was trained with, when the file names none: ${LOSSES.join(', ')}` },
};

export const evaluate: Command = {
  name: 'evaluate',
  summary: "a saved model's metrics on the rows of a CSV file",
  usage: 'backprop evaluate MODEL.json DATA.csv [options]',
  about: `Reads the model's feature columns and its target column from the CSV by name (other columns are
ignored), applies the model's scaler, and prints MSE, MAE and R² (regression: each target),
accuracy, precision, recall, F1, log loss and the confusion matrix (0/1 classification), or
accuracy, macro and per-class precision, recall and F1, log loss and the k × k confusion matrix
(class labels: a label the model was not trained on is an error). MODEL.json is a model file from
'backprop train --save', a TensorFlow.js model.json from 'backprop export', or any other
TensorFlow.js model.json of Dense layers with --features and --target (and --loss if it names
none; a softmax model's classes are then 0 … k − 1). The CSV is read as it streams.`,
  flags: [{
    flags: {
      ...MODEL_RUN_FLAGS,
      'plot-confusion': { value: 'FILE.svg', help: 'classifiers: the confusion matrix as an SVG chart' },
      json: { help: 'print the metrics as one JSON object' },
    },
  }, { heading: 'a TensorFlow.js model.json without backprop\'s metadata:', flags: PLAIN_TFJS_FLAGS }],
  async run(v, positionals) {
    const [modelPath, csvPath] = paths('evaluate', positionals);
    const outputs: Output[] = typeof v['plot-confusion'] === 'string' ? [{ flag: '--plot-confusion', what: 'confusion matrix', path: v['plot-confusion'] }] : [];
    const { model, info, task, x, y, rows } = await modelCsv(modelPath, csvPath, true, v, outputs);
    if (outputs.length && model.network.loss === 'mse') fail('--plot-confusion', `draws a classifier's confusion matrix; ${modelPath} is a regression`);
    const engine = await engineFlag(v.engine);
    const metrics = model.evaluateMetrics(x, y!, { threshold: modelThreshold(v, info, task), engine });
    const { written, failed } = await writeOutputs(outputs.map((output) => ({ output, text: () => confusionSvg(metrics, info.classes, `${info.target}: confusion matrix (${csvPath})`) })));
    if (failed.length) throw new BackpropError('evaluate', failed.join('; '));
    const targets = info.targets ?? [info.target];
    const perTarget = targets.length > 1 ? targetMetrics(model, x, y!, targets, engine) : undefined;
    if (v.json) {
      console.log(JSON.stringify({ model: modelPath, data: csvPath, rows, target: info.target, targets, classes: info.classes ?? null, metrics, targetMetrics: perTarget ?? null }));
      return;
    }
    const kind = info.classes ? `${count(info.classes.length, 'class', 'classes')}: ${info.classes.join(', ')}` : metrics.task;
    console.log(`${modelPath} on ${csvPath}: ${count(rows, 'row')}, ${count(info.features.length, 'feature')} → ${targets.join(', ')} (${kind})\n`);
    console.log(perTarget ? metricsText(perTarget) : metricsText({ [csvPath]: metrics }, info.classes));
    if (written.length) console.log(`\nwrote ${written.join(', ')}`);
  },
};

/** MODEL.json and DATA.csv, the two positionals of predict and evaluate. */
export function paths(command: string, positionals: string[]): [string, string] {
  if (positionals.length !== 2) fail(command, `expected a model file and a CSV file: backprop ${command} MODEL.json DATA.csv, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  return positionals as [string, string];
}

/** --engine: wasm (the default; loads the kernels first) or js. */
export async function engineFlag(value: string | boolean | undefined): Promise<'wasm' | 'js'> {
  const { loadWasm } = await import('../node.js');
  if (value === undefined || value === 'wasm') { await loadWasm(); return 'wasm'; }
  if (value === 'js') return 'js';
  return fail('--engine', `expected 'wasm' or 'js', got ${JSON.stringify(value)}`);
}

/** --threshold, checked, or `fallback`. */
export function thresholdFlag(value: string | boolean | undefined, fallback: number): number {
  const t = number('threshold', value);
  if (t === undefined) return fallback;
  try {
    return checkThreshold(t);
  } catch {
    return fail('--threshold', `expected a probability between 0 and 1 (exclusive), got ${value}`);
  }
}
