import { formatCsv } from '../node.js';
import { engineFlag, MODEL_RUN_FLAGS, modelCsv, paths, thresholdFlag } from './evaluate.js';
import type { Command } from './args.js';

export const predict: Command = {
  name: 'predict',
  summary: "a saved model's predictions for the rows of a CSV file, as CSV",
  usage: 'backprop predict MODEL.json DATA.csv [options] > predictions.csv',
  about: `Reads the model's feature columns from the CSV by name (other columns pass through untouched),
applies the model's scaler, and writes every input row with the prediction added:
regression adds "prediction"; classification adds "probability" (of 1) and "prediction"
(1 when the probability reaches the threshold, else 0). MODEL.json is a model file from
'backprop train --save' or a TensorFlow.js model.json from 'backprop export'.`,
  flags: [{ flags: MODEL_RUN_FLAGS }],
  async run(v, positionals) {
    const [modelPath, csvPath] = paths('predict', positionals);
    const { model, info, task, table, x } = await modelCsv(modelPath, csvPath, false);
    const threshold = thresholdFlag(v.threshold, info.threshold);
    const p = model.predict(x, { engine: await engineFlag(v.engine) }).map((o) => o[0]!);
    const added = task === 'classification' ? ['probability', 'prediction'] : ['prediction'];
    const names = added.map((name) => unique(name, table.columns));
    const rows = table.rows.map((cells, r) => [...cells, ...(task === 'classification' ? [p[r]!, p[r]! >= threshold ? 1 : 0] : [p[r]!])]);
    process.stdout.write(formatCsv([...table.columns, ...names], rows));
  },
};

/** `name`, or `name_2`, `name_3`, … when the CSV already has such a column. */
function unique(name: string, taken: string[]): string {
  let candidate = name;
  for (let k = 2; taken.includes(candidate); k++) candidate = `${name}_${k}`;
  return candidate;
}
