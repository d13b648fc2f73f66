import { classPredictions, formatCsv } from '../node.js';
import { engineFlag, MODEL_RUN_FLAGS, modelCsv, modelThreshold, paths } from './evaluate.js';
import type { Command } from './args.js';

export const predict: Command = {
  name: 'predict',
  summary: "a saved model's predictions for the rows of a CSV file, as CSV",
  usage: 'backprop predict MODEL.json DATA.csv [options] > predictions.csv',
  about: `Reads the model's feature columns from the CSV by name (other columns pass through untouched),
applies the model's scaler, and writes every input row with the prediction added:
regression adds "prediction" (several targets: "prediction_<target>" for each); 0/1
classification adds "probability" (of 1) and "prediction" (1 when the probability reaches the
threshold, else 0); class labels add "prediction" (the most probable label) and
"probability_<label>" for each class. MODEL.json is a model file from
'backprop train --save' or a TensorFlow.js model.json from 'backprop export'.`,
  flags: [{ flags: MODEL_RUN_FLAGS }],
  async run(v, positionals) {
    const [modelPath, csvPath] = paths('predict', positionals);
    const { model, info, task, table, x } = await modelCsv(modelPath, csvPath, false);
    const threshold = modelThreshold(v, info);
    const outputs = model.predict(x, { engine: await engineFlag(v.engine) });
    const added = info.classes ? classPredictions(outputs, info.classes)
      : task === 'classification' ? { columns: ['probability', 'prediction'], rows: outputs.map(([p]) => [p!, p! >= threshold ? 1 : 0]) }
        : { columns: info.targets ? info.targets.map((t) => `prediction_${t}`) : ['prediction'], rows: outputs };
    const names = added.columns.map((name) => unique(name, table.columns));
    process.stdout.write(formatCsv([...table.columns, ...names], table.rows.map((cells, r) => [...cells, ...added.rows[r]!])));
  },
};

/** `name`, or `name_2`, `name_3`, … when the CSV already has such a column. */
function unique(name: string, taken: string[]): string {
  let candidate = name;
  for (let k = 2; taken.includes(candidate); k++) candidate = `${name}_${k}`;
  return candidate;
}
