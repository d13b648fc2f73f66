import {
  BackpropError, classColumn, confusionMatrixSvg, loadModel, numericColumns, oneHot, parseCsv, readText, regressionMetrics,
  type ClassificationMetrics, type CsvTable, type EngineKind, type LoadedInfo, type Metrics, type Model, type MulticlassMetrics, type RegressionMetrics,
} from '../node.js';
import { count, fail } from '../errors.js';
import { checkThreshold } from '../metrics.js';
import { number, type Command, type Flags, type Values } from './args.js';
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

/**
 * A regression's metrics per target column, which `Metrics` pools over every value of every target;
 * as text, one table per set of rows with a column per target.
 */
export function targetMetrics(model: Model, x: Float64Array, y: Float64Array, targets: string[], engine: EngineKind): Record<string, RegressionMetrics> {
  const yhat = model.predict(x, { engine });
  const t = targets.length;
  return Object.fromEntries(targets.map((name, j) => [name, regressionMetrics(yhat.map((_, r) => y[r * t + j]!), yhat.map((row) => row[j]!))]));
}

/** A classifier's confusion matrix as SVG: k × k for a softmax model, 2 × 2 (0, 1) for a sigmoid one. */
export function confusionSvg(m: Metrics, classes: readonly string[] | undefined, title: string): string {
  if (m.task === 'regression') return fail('--plot-confusion', 'draws a classifier\'s confusion matrix; this model is a regression');
  if (m.task === 'multiclass') return confusionMatrixSvg(m.confusion, classes ?? m.perClass.map((_, k) => String(k)), { title });
  const { tp, fp, tn, fn } = m.confusion;
  return confusionMatrixSvg([[tn, fp], [fn, tp]], ['0', '1'], { title: `${title}, threshold ${m.threshold}` });
}

/**
 * The model's features (and targets when `withTarget`) from a CSV, matched by column name. A
 * softmax classifier's target is read as its class labels: a label it was not trained on is an error.
 */
export async function modelCsv(modelPath: string, csvPath: string, withTarget: boolean) {
  const { model, info, task } = await loadModel(modelPath);
  const table = parseCsv(await readText(csvPath), csvPath);
  const targets = info.targets ?? [info.target];
  const missing = [...info.features, ...(withTarget ? targets : [])].filter((c) => !table.columns.includes(c));
  if (missing.length) {
    const why = withTarget && missing.every((c) => targets.includes(c)) ? ` to compare the predictions with ('backprop predict' needs no target)` : '';
    fail(csvPath, `lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => JSON.stringify(c)).join(', ')} that ${modelPath} needs${why}; it has ${table.columns.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  const x = numericColumns(table, info.features, csvPath);
  const y = !withTarget ? undefined : info.classes ? classTargets(table, info.target, csvPath, info.classes, model.network.loss) : numericColumns(table, targets, csvPath);
  if (y && model.network.loss === 'binaryCrossentropy') binaryLabels(y, table, targets, csvPath);
  return { model, info, task, table, x, y };
}

/** A 0/1 classifier's targets are 0 or 1: another value is named by its file, line and column, as a bad cell is. */
function binaryLabels(y: Float64Array, table: CsvTable, targets: string[], source: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 0 || y[i] === 1) continue;
    const r = Math.floor(i / targets.length), name = targets[i % targets.length]!;
    fail(source, `line ${table.lines[r]}, column ${JSON.stringify(name)}: expected a label 0 or 1 (the model is a 0/1 classifier), got ${table.rows[r]![table.columns.indexOf(name)]!.trim()}`);
  }
}

/** A class column as the model's loss reads it: class indices, or one-hot rows for categoricalCrossentropy. */
function classTargets(table: CsvTable, target: string, source: string, classes: string[], loss: string): Float64Array {
  const { y } = classColumn(table, target, source, classes);
  return loss === 'categoricalCrossentropy' ? oneHot(y, classes.length) : y;
}

/** --threshold, which a softmax classifier (most probable class) has no use for. */
export function modelThreshold(v: Values, info: LoadedInfo): number {
  if (info.classes && v.threshold !== undefined) fail('--threshold', `applies to 0/1 classifiers; this model predicts the most probable of its ${info.classes.length} classes`);
  return thresholdFlag(v.threshold, info.threshold);
}

/** The flags of a saved model's run, which predict and evaluate share. */
export const MODEL_RUN_FLAGS: Flags = {
  threshold: { value: 'P', help: "0/1 classifiers: probability from which a row is predicted 1 (default: the model's, 0.5)" },
  engine: { value: 'wasm|js', help: 'which kernels run (default wasm)' },
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
'backprop train --save' or a TensorFlow.js model.json from 'backprop export'.`,
  flags: [{
    flags: {
      ...MODEL_RUN_FLAGS,
      'plot-confusion': { value: 'FILE.svg', help: 'classifiers: the confusion matrix as an SVG chart' },
      json: { help: 'print the metrics as one JSON object' },
    },
  }],
  async run(v, positionals) {
    const [modelPath, csvPath] = paths('evaluate', positionals);
    const outputs: Output[] = typeof v['plot-confusion'] === 'string' ? [{ flag: '--plot-confusion', what: 'confusion matrix', path: v['plot-confusion'] }] : [];
    checkOutputs(outputs, [modelPath, csvPath]);
    const { model, info, x, y, table: csv } = await modelCsv(modelPath, csvPath, true);
    if (outputs.length && model.network.loss === 'mse') fail('--plot-confusion', `draws a classifier's confusion matrix; ${modelPath} is a regression`);
    const engine = await engineFlag(v.engine);
    const metrics = model.evaluateMetrics(x, y!, { threshold: modelThreshold(v, info), engine });
    const { written, failed } = await writeOutputs(outputs.map((output) => ({ output, text: () => confusionSvg(metrics, info.classes, `${info.target}: confusion matrix (${csvPath})`) })));
    if (failed.length) throw new BackpropError('evaluate', failed.join('; '));
    const targets = info.targets ?? [info.target];
    const perTarget = targets.length > 1 ? targetMetrics(model, x, y!, targets, engine) : undefined;
    if (v.json) {
      console.log(JSON.stringify({ model: modelPath, data: csvPath, rows: csv.rows.length, target: info.target, targets, classes: info.classes ?? null, metrics, targetMetrics: perTarget ?? null }));
      return;
    }
    const kind = info.classes ? `${count(info.classes.length, 'class', 'classes')}: ${info.classes.join(', ')}` : metrics.task;
    console.log(`${modelPath} on ${csvPath}: ${count(csv.rows.length, 'row')}, ${count(info.features.length, 'feature')} → ${targets.join(', ')} (${kind})\n`);
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
