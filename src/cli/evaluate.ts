import { loadModel, numericColumns, parseCsv, readText, type ClassificationMetrics, type Metrics } from '../node.js';
import { fail } from '../errors.js';
import { checkThreshold } from '../metrics.js';
import { number, type Command, type Flags } from './args.js';
import { count, num, table } from './report.js';

/** Metrics side by side, one column per set of rows (e.g. training, validation). */
export function metricsText(columns: Record<string, Metrics>): string {
  const names = Object.keys(columns);
  const first = columns[names[0]!]!;
  const rows = first.task === 'regression'
    ? [['MSE', 'mse'], ['MAE', 'mae'], ['R²', 'r2']]
    : [['accuracy', 'accuracy'], ['precision', 'precision'], ['recall', 'recall'], ['F1', 'f1'], ['log loss', 'logLoss']];
  const value = (m: Metrics, key: string) => num((m as unknown as Record<string, number>)[key]!, 4);
  const body = table(['', ...names], [
    ['rows', ...names.map((n) => String(columns[n]!.rows))],
    ...rows.map(([label, key]) => [label!, ...names.map((n) => value(columns[n]!, key!))]),
  ]);
  if (first.task === 'regression') return body;
  const last = names[names.length - 1]!;
  const { tp, fp, tn, fn } = (columns[last] as ClassificationMetrics).confusion;
  const confusion = table(['', 'predicted 0', 'predicted 1'], [['actual 0', String(tn), String(fp)], ['actual 1', String(fn), String(tp)]]);
  return `${body}\n\nconfusion matrix (${last}, threshold ${first.threshold}):\n${confusion}`;
}

/** The model's features (and target when `withTarget`) from a CSV, matched by column name. */
export async function modelCsv(modelPath: string, csvPath: string, withTarget: boolean) {
  const { model, info, task } = await loadModel(modelPath);
  const table = parseCsv(await readText(csvPath), csvPath);
  const missing = [...info.features, ...(withTarget ? [info.target] : [])].filter((c) => !table.columns.includes(c));
  if (missing.length) {
    const why = withTarget && missing.length === 1 && missing[0] === info.target ? ` to compare the predictions with ('backprop predict' needs no target)` : '';
    fail(csvPath, `lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => JSON.stringify(c)).join(', ')} that ${modelPath} needs${why}; it has ${table.columns.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  const x = numericColumns(table, info.features, csvPath);
  const y = withTarget ? numericColumns(table, [info.target], csvPath) : undefined;
  return { model, info, task, table, x, y };
}

/** The flags of a saved model's run, which predict and evaluate share. */
export const MODEL_RUN_FLAGS: Flags = {
  threshold: { value: 'P', help: "probability from which a row is predicted 1 (default: the model's, 0.5)" },
  engine: { value: 'wasm|js', help: 'which kernels run (default wasm)' },
};

export const evaluate: Command = {
  name: 'evaluate',
  summary: "a saved model's metrics on the rows of a CSV file",
  usage: 'backprop evaluate MODEL.json DATA.csv [options]',
  about: `Reads the model's feature columns and its target column from the CSV by name (other columns are
ignored), applies the model's scaler, and prints MSE, MAE and R² (regression) or accuracy,
precision, recall, F1, log loss and the confusion matrix (classification). MODEL.json is a model
file from 'backprop train --save' or a TensorFlow.js model.json from 'backprop export'.`,
  flags: [{ flags: { ...MODEL_RUN_FLAGS, json: { help: 'print the metrics as one JSON object' } } }],
  async run(v, positionals) {
    const [modelPath, csvPath] = paths('evaluate', positionals);
    const { model, info, x, y, table: csv } = await modelCsv(modelPath, csvPath, true);
    const metrics = model.evaluateMetrics(x, y!, { threshold: thresholdFlag(v.threshold, info.threshold), engine: await engineFlag(v.engine) });
    if (v.json) {
      console.log(JSON.stringify({ model: modelPath, data: csvPath, rows: csv.rows.length, target: info.target, metrics }));
      return;
    }
    console.log(`${modelPath} on ${csvPath}: ${count(csv.rows.length, 'row')}, ${count(info.features.length, 'feature')} → ${info.target} (${metrics.task})\n`);
    console.log(metricsText({ [csvPath]: metrics }));
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
