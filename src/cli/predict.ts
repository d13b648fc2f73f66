import { classPredictions, type EngineKind, type LoadedInfo, type Model, type Task } from '../node.js';
import { csvRow } from '../csv.js';
import { streamBatches } from '../csvFile.js';
import { BATCH, engineFlag, MODEL_RUN_FLAGS, modelThreshold, needColumns, paths, PLAIN_TFJS_FLAGS, runModel } from './evaluate.js';
import { outputStream, stdoutStream, type Output, type OutputStream } from './outputs.js';
import type { Command } from './args.js';

export const predict: Command = {
  name: 'predict',
  summary: "a saved model's predictions for the rows of a CSV file, as CSV",
  usage: 'backprop predict MODEL.json DATA.csv [options] > predictions.csv\nbackprop predict MODEL.json DATA.csv --out predictions.csv [options]',
  about: `Reads the model's feature columns from the CSV by name (other columns pass through untouched),
applies the model's scaler, and writes every input row with the prediction added:
regression adds "prediction" (several targets: "prediction_<target>" for each); 0/1
classification adds "probability" (of 1) and "prediction" (1 when the probability reaches the
threshold, else 0); class labels add "prediction" (the most probable label) and
"probability_<label>" for each class. MODEL.json is a model file from 'backprop train --save',
a TensorFlow.js model.json from 'backprop export', or any other TensorFlow.js model.json of Dense
layers with --features (and --loss if it names none). Rows are read, predicted and written a
batch at a time, so a file of any size runs in little memory; with --out the file appears only
once every row is written (standard output gets the rows as they come).`,
  flags: [{
    flags: {
      ...MODEL_RUN_FLAGS,
      out: { value: 'FILE.csv', help: 'write the predictions to this file (default: standard output)' },
    },
  }, { heading: "a TensorFlow.js model.json without backprop's metadata:", flags: PLAIN_TFJS_FLAGS }],
  async run(v, positionals) {
    const [modelPath, csvPath] = paths('predict', positionals);
    const out: Output | undefined = typeof v.out === 'string' ? { flag: '--out', what: 'predictions', path: v.out } : undefined;
    const { model, info, task } = await runModel(modelPath, v, false, out ? [out] : [], [csvPath]);
    const threshold = modelThreshold(v, info, task);
    const engine = await engineFlag(v.engine);
    const sink = out ? await outputStream(out) : stdoutStream();
    try {
      const rows = await predictFile(model, info, task, { modelPath, csvPath, threshold, engine }, sink);
      await sink.close();
      if (out) console.log(`wrote predictions for ${rows} rows to ${out.path}`);
    } catch (e) {
      await sink.abort();
      throw e;
    }
  },
};

/**
 * Streams the CSV through the model: each batch of rows is read, predicted and written (the input
 * cells, then the added columns) before the next is read. Returns the row count.
 */
async function predictFile(model: Model, info: LoadedInfo, task: Task, run: { modelPath: string; csvPath: string; threshold: number; engine: EngineKind }, sink: OutputStream): Promise<number> {
  const k = model.network.layers[model.network.layers.length - 1]!.units;
  const y = new Float64Array(BATCH * k);
  let header: string[] | undefined;
  const pending: string[] = [];
  const drain = async () => {
    for (const text of pending.splice(0)) await sink.write(text);
  };
  const rows = await streamBatches(run.csvPath, info.features, BATCH, {
    header: (columns) => {
      needColumns(columns, run.modelPath, run.csvPath, info.features);
      header = columns;
    },
    batch: (x, texts) => {
      const n = texts.length;
      model.predictInto(x, y.subarray(0, n * k), { engine: run.engine });
      const added = addedCells(y, n, k, info, task, run.threshold);
      // The header goes out with the first rows: a file without rows writes nothing.
      if (header) pending.push(`${csvRow(header)},${csvRow(added.columns.map((name) => unique(name, header!)))}\n`);
      header = undefined;
      let text = '';
      for (let r = 0; r < n; r++) text += `${texts[r]!},${csvRow(added.rows[r]!)}\n`;
      pending.push(text);
    },
    after: drain,
  });
  await drain();
  return rows;
}

/** What predict adds to each of `n` rows of outputs, and the columns' names (see the command's help). */
function addedCells(y: Float64Array, n: number, k: number, info: LoadedInfo, task: Task, threshold: number): { columns: string[]; rows: (string | number)[][] } {
  const outputs = Array.from({ length: n }, (_, r) => Array.from(y.subarray(r * k, (r + 1) * k)));
  if (info.classes) return classPredictions(outputs, info.classes);
  if (task === 'classification') return { columns: ['probability', 'prediction'], rows: outputs.map(([p]) => [p!, p! >= threshold ? 1 : 0]) };
  return { columns: info.targets ? info.targets.map((t) => `prediction_${t}`) : ['prediction'], rows: outputs };
}

/** `name`, or `name_2`, `name_3`, … when the CSV already has such a column. */
function unique(name: string, taken: string[]): string {
  let candidate = name;
  for (let k = 2; taken.includes(candidate); k++) candidate = `${name}_${k}`;
  return candidate;
}
