import {
  BackpropError, Model, readCsv, readCsvFile, splitRows, foldRows, takeRows, lossChartSvg, decisionBoundarySvg, loadWasm, modelChunks, fitScaler, formatCsv,
  classDatasets, CLASS_DATASET_NAMES, DATASET_NAMES, oneHot, TASKS,
  type ClassDatasetName, type CsvData, type FitOptions, type ModelInfo, type History, type LayerSpec, type Metrics, type ModelFitOptions, type ModelOptions, type Task,
} from '../node.js';
import { count, fail, oneOf, show } from '../errors.js';
import { checkOptimizer } from '../optimizerSettings.js';
import { checkFit } from '../fit.js';
import { list, number, type FlagGroup, type Scope, type Values } from './args.js';
import { confusionSvg, metricsText, rowsMetrics, targetMetrics, thresholdFlag } from './evaluate.js';
import { sameFile } from '../io/atomic.js';
import { readHeader } from '../csvFile.js';
import { extent } from '../extent.js';
import type { ModelFiles } from '../io/files.js';
import { LOSS_LIST, LOSS_ROWS, type Loss, type LossRow } from '../operations/losses.js';
import { layerSpecs, lossName, lossSpec } from '../spec.js';
import { checkOutputs, writeOutputs, writeWhole, type Output } from './outputs.js';
import { resumeRun, rowsFingerprint, type Resumed } from './resume.js';
import { lossChart, Progress } from './progress.js';
import { networkText, num } from './report.js';
import { checkOutputWidth, commandFit, earlyStoppingFlag, fitOptions, keyValues, lossFlag, modelOptions, readWeightsFlag } from './run.js';

/** Whether --dataset names one of `names` and no CSV file is given: a run some CSV flags do nothing in. */
const datasetOnly = (v: Values, positionals: string[], names: readonly string[]) => positionals.length === 0 && names.includes(v.dataset as string);

/** `--flag` in a CSV run of `command`, for a refusal. */
const csvExample = (command: string, flag: string) => `backprop ${command} DATA.csv --target COLUMN${flag === 'target' ? '' : ` --${flag} …`}`;

/** Flags that only a CSV file's run reads: --dataset package|placement|blobs3 refuse them (blobs3 has its own columns). */
export const CSV_FILE_FLAGS: FlagGroup = {
  heading: 'CSV files:',
  scope: {
    applies: (v, p) => !datasetOnly(v, p, [...DATASET_NAMES, ...CLASS_DATASET_NAMES]),
    refusal: (flag, v, command) => {
      const d = classDatasets[v.dataset as ClassDatasetName];
      return `applies to CSV files (${csvExample(command, flag)})${d ? `; --dataset ${d.name} has its own (${d.features.join(', ')} → ${d.target})` : `, not to --dataset ${v.dataset}`}`;
    },
  },
  flags: {
    target: { value: 'COLUMN', help: 'the column to learn; a,b for a regression with several targets (one output each)' },
    features: { value: 'a,b,c', help: `input columns (default: every other column). In --features and --target, a name holding a comma goes in double quotes, as in a CSV header: --features '"a,b",c'` },
    'sample-weight': { value: 'COLUMN', help: "a column of row weights ≥ 0, not a feature: each row's loss weighs that much (Keras's sample_weight; the validation rows keep theirs)" },
    task: {
      value: 'T',
      help: 'regression (linear outputs, mse) or classification: targets 0/1 train a sigmoid output (binaryCrossentropy), class labels — text, or other integers — a softmax with one unit per class (sparseCategoricalCrossentropy). '
        + 'Default: classification when the target is text or every value is 0 or 1. '
        + 'CSV runs default to --layers 32,16,K (K outputs: 1, one per target, or one per class) with relu hidden layers, --optimizer adam --lr 0.001 --batch-size 32 --epochs 100 --shuffle epoch',
    },
  },
};

/** Where the flags of a CSV run apply: a CSV file or --dataset blobs3, not --dataset package|placement. */
const CSV_RUN: Scope = {
  applies: (v, p) => !datasetOnly(v, p, DATASET_NAMES),
  refusal: (flag, v, command) => `applies to CSV files (${csvExample(command, flag)}) and --dataset ${CLASS_DATASET_NAMES.join('|')}, not to --dataset ${v.dataset}`,
};

/** How a CSV run trains. */
export const CSV_FIT_FLAGS: FlagGroup = {
  heading: 'CSV files and --dataset blobs3 (refused with package and placement):',
  scope: CSV_RUN,
  flags: {
    standardize: { help: "z-score each feature with the training rows' mean and std (saved with the model)" },
    'raw-target': { help: "regression: learn the target as it is; by default it is z-scored (saved with the model; predictions stay in the target's units)" },
    'validation-split': { value: 'F', help: 'hold out this share of the rows (seeded; stratified for classification) and report their loss and metrics after every epoch' },
    folds: { value: 'K', help: 'with --fold I: cut the rows into K folds (seeded; stratified for classification, as backprop search cuts them), validate on fold I and train on the others' },
    fold: { value: 'I', help: 'the fold held out, from 0 to K − 1 (with --folds K)' },
    'class-weight': {
      value: 'LABEL=W,…',
      help: "classification: each training row's loss weighs its class's W (Keras's class_weight; a class not named weighs 1), e.g. 0=1,1=5 for a rare 1, or by label: yes=3,no=1",
    },
    'early-stopping': {
      value: 'N|KEY=V,…',
      help: "stop when the validation loss has not improved for N epochs; keep the best weights. Or Keras's EarlyStopping options: patience=N,monitor=val_loss|loss,minDelta=X,restoreBestWeights=true|false,startFromEpoch=N,baseline=X",
    },
  },
};

/** What a CSV run reports and writes when it has trained. */
export const CSV_RESULT_FLAGS: FlagGroup = {
  heading: 'What a CSV (or blobs3) run reports and writes:',
  scope: CSV_RUN,
  flags: {
    threshold: { value: 'P', help: '0/1 classification: probability from which a row is predicted 1 (default 0.5)' },
    plot: { value: 'FILE.svg', help: 'chart of the training (and validation) loss per epoch' },
    'plot-boundary': { value: 'FILE.svg', help: 'classification on two features: the data over the predicted class (or probability)' },
    'plot-confusion': { value: 'FILE.svg', help: 'classification: the confusion matrix of the validation rows (without --validation-split, of the training rows)' },
    save: { value: 'FILE.json', help: "the model file for 'backprop predict' and 'backprop evaluate'; it also holds the training state, for --resume" },
    checkpoint: { value: 'FILE.json', help: 'a model file with the training state, written every --checkpoint-every epochs and at the end (each time whole: a kill leaves the previous one or the new one)' },
    'checkpoint-every': { value: 'N', help: 'epochs between checkpoints (default 1)' },
    resume: { value: 'FILE.json', help: 'continue the run a checkpoint (or --save) was written from, to --epochs (default: its own), to the bit; its settings come from the file' },
  },
};

/** The network of a resumed run, from its file; the data must be the rows it trained on (`fingerprint`: this data's). */
function resumedSpec(resumed: Resumed, rows: number, fingerprint: string, source: string): ModelOptions<LayerSpec> {
  const { model, file } = resumed;
  if (resumed.rows !== rows) fail('--resume', `${file} was trained on ${count(resumed.rows, 'row')}; this data has ${count(rows, 'row')}`);
  if (resumed.fingerprint !== undefined && resumed.fingerprint !== fingerprint) fail('--resume', `${file} was trained on other rows than ${source} holds (as many, other values): give the data it was trained on`);
  // the loss with its parameter (labelSmoothing, delta), as the run's --loss gave it
  return { inputs: model.network.inputs, layers: layerSpecs(model.network), loss: lossSpec(model.network) };
}

/** What a CSV run learns: numbers, 0/1 (a sigmoid output), or k class labels (a softmax output). */
export type Kind = 'regression' | 'binary' | 'multiclass';

const OUTPUT = {
  regression: { activation: 'linear', loss: 'mse' },
  binary: { activation: 'sigmoid', loss: 'binaryCrossentropy' },
  multiclass: { activation: 'softmax', loss: 'sparseCategoricalCrossentropy' },
} as const;

/** The targets each kind of CSV run has, as a loss row names what it reads (0/1 targets are the hinges' labels too; classes are one-hot rows or indices). */
const KIND_LABELS: Record<Kind, readonly LossRow['labels'][]> = {
  regression: ['numbers'], binary: ['binary', 'signs'], multiclass: ['classIndices', 'probabilities'],
};

/** Real data wants more than the tutorial's 2-2-1: two ReLU hidden layers, then one output per target (or class). */
function taskModel(inputs: number, outputs: number, kind: Kind): ModelOptions {
  return {
    inputs,
    layers: [{ units: 32, activation: 'relu' }, { units: 16, activation: 'relu' }, { units: outputs, activation: OUTPUT[kind].activation }],
    loss: OUTPUT[kind].loss,
  };
}

/** Adam (Keras's defaults) on shuffled mini-batches of 32, as a Keras user starts; 100 epochs, which early stopping can cut short. */
const CSV_FIT: FitOptions = { epochs: 100, optimizer: 'adam', learningRate: 0.001, batchSize: 32, shuffle: 'epoch', seed: 0 };

/** Where a CSV run's rows come from: a file, or a class dataset written out as one. */
interface Source {
  /** The file, or the dataset's name, for messages. */
  name: string;
  file?: string;
  data: CsvData;
}

/**
 * The data, its kind, the model and fit options of a CSV run (`train` and `explain` take the same
 * flags). `path` undefined: `--dataset blobs3`. `y` is what the model trains on: the targets,
 * rows × `width` (class indices, or one-hot rows with categoricalCrossentropy). `weights`: the
 * --weights file as read (readWeightsFlag), else it is read here.
 */
export async function csvRun(v: Values, path: string | undefined, given = taskFlag(v), weights?: ModelFiles) {
  const run = await csvData(v, path, given);
  return { ...run, ...csvSettings(v, run, weights) };
}

/** A CSV run's data (the part of csvRun that reads it): a search reads it once for all its trials. */
export async function csvData(v: Values, path: string | undefined, given = taskFlag(v)) {
  const loss = v.loss === undefined ? undefined : lossName(lossFlag(v.loss));
  const row = loss && LOSS_ROWS[loss];
  const source = await readSource(v, path, given, row !== undefined && row.task === 'multiclass' && row.targets === 'outputs');
  let { data } = source;
  const name = source.name;
  // A 0/1 target trains one sigmoid output; asked for a categorical loss, it is read as the classes '0' and '1'.
  if (row && row.task === 'multiclass' && data.classes === undefined && data.task === 'classification' && data.targets.length === 1) {
    // The values 0 and 1 are already the indices of the classes '0' and '1'.
    oneClassOnly(data, name);
    data = { ...data, classes: ['0', '1'], ...(row.targets === 'outputs' ? { oneHot: oneHot(data.y, 2) } : {}) };
  }
  const kind: Kind = data.classes ? 'multiclass' : data.task === 'classification' ? 'binary' : 'regression';
  if (v['raw-target'] && kind !== 'regression') fail('--raw-target', `applies to regression; this run is a classification`);
  if (kind === 'multiclass' && v.threshold !== undefined) fail('--threshold', `applies to 0/1 targets; ${data.target} has ${data.classes!.length} classes, and each row is predicted as its most probable one`);
  if (kind === 'regression' && v.threshold !== undefined) fail('--threshold', `applies to 0/1 targets; this run is a regression (${data.targets.join(', ')}), whose predictions are numbers`);
  if (kind === 'regression' && v['class-weight'] !== undefined) fail('--class-weight', `weighs classes; this run is a regression (${data.targets.join(', ')}), which has none`);
  if (kind === 'binary') oneClassOnly(data, name);
  if (row && !KIND_LABELS[kind].includes(row.labels)) {
    const fits = LOSS_LIST.filter((r) => KIND_LABELS[kind].includes(r.labels)).map((r) => r.name).join(', ');
    fail('--loss', kind === 'multiclass'
      ? `${loss} does not fit the ${data.classes!.length} classes of ${data.target}: use ${fits}`
      : `${loss} does not fit ${data.targets.join(', ')}, ${kind === 'binary' ? 'which holds 0/1 targets' : 'a regression target (--task classification reads integers as classes)'}: use ${fits}`);
  }
  const y = data.oneHot ?? data.y;
  // the loss every setting of the run trains with: --loss, else the task's
  return { source, data, kind, y, width: y.length / data.rows, loss: loss ?? OUTPUT[kind].loss };
}

/** A CSV run's network and fit from the flags (the part of csvRun a search repeats for each of its settings). */
export function csvSettings(v: Values, { data, kind, loss }: { data: CsvData; kind: Kind; loss: Loss }, weights?: ModelFiles) {
  const outputs = data.classes?.length ?? data.targets.length;
  // the output activation the loss reads (tanh for the hinges' ±1), else the task's
  const row = LOSS_ROWS[loss];
  const output = row.output?.activation ?? (row.labels === 'signs' ? 'tanh' : OUTPUT[kind].activation);
  const spec = modelOptions(v, taskModel(data.features.length, outputs, kind), output, weights);
  checkOutputWidth(spec, outputs, kind === 'multiclass' ? `${data.target} has ${outputs} classes (${data.classes!.join(', ')})`
    : data.targets.length > 1 ? `there are ${outputs} targets (${data.targets.join(', ')})` : `there is one target (${data.target})`);
  return { spec, fit: fitOptions(v, CSV_FIT) };
}

/** Whether a CSV run trains on its target z-scored: a regression's, unless --raw-target (or a loss that reads the target as it is). */
export function standardizesTarget(v: Values, { kind, loss }: { kind: Kind; loss: Loss }): boolean {
  return kind === 'regression' && v['raw-target'] !== true && LOSS_ROWS[loss].scalesTargets;
}

/** The options of a CSV run's fit, but its validation rows (train holds out its own, a search each trial's). */
export function csvFitOptions(v: Values, { kind, data, loss }: { kind: Kind; data: CsvData; loss: Loss }, fit: FitOptions): ModelFitOptions {
  return {
    ...fit, threshold: thresholdFlag(v.threshold, 0.5), standardize: v.standardize === true,
    standardizeTarget: standardizesTarget(v, { kind, loss }),
    earlyStopping: earlyStoppingFlag(v), classWeight: classWeightFlag(v['class-weight'], kind === 'multiclass' ? data.classes! : ['0', '1']),
  };
}

/** `--class-weight LABEL=W,…`: Keras's class_weight by the classes' labels (0 and 1 for a 0/1 target), each a weight ≥ 0. */
function classWeightFlag(text: string | boolean | undefined, classes: readonly string[]): Record<number, number> | undefined {
  if (text === undefined) return undefined;
  const given = keyValues('class-weight', text, {});
  const out: Record<number, number> = {};
  for (const [label, w] of Object.entries(given)) {
    const c = classes.indexOf(label);
    if (c < 0) fail('--class-weight', `${show(label)} is not a class; the classes are ${classes.join(', ')}`);
    const weight = number('class-weight', w as string)!;
    if (!(weight >= 0)) fail('--class-weight', `the weight of ${label} must be ≥ 0, got ${w}`);
    out[c] = weight;
  }
  return out;
}

/** `--folds K`: a whole number of folds, at least 2. */
export function foldsFlag(text: string | boolean | undefined): number | undefined {
  const folds = number('folds', text);
  if (folds !== undefined && !(Number.isInteger(folds) && folds >= 2)) fail('--folds', `expected a whole number of folds ≥ 2, like 5, got ${text}`);
  return folds;
}

/** --validation-split F, or --folds K --fold I: the rows a CSV run holds out (see holdOut). */
export function holdOutFlags(v: Values): { split: number | undefined; folds: { folds: number; fold: number } | undefined } {
  const split = number('validation-split', v['validation-split']);
  return { split, folds: foldFlags(v, split) };
}

/**
 * The rows a CSV run trains and validates on, or undefined (every row trains): the library's
 * splitRows or foldRows, stratified as fit's validationSplit stratifies (one label per row, not
 * one-hot rows). train and explain cut here, so that the step explain shows is train's.
 */
export function holdOut(run: { data: CsvData; kind: Kind; width: number }, seed: number | undefined, { split, folds }: ReturnType<typeof holdOutFlags>): { train: number[]; validation: number[] } | undefined {
  const stratify = run.kind !== 'regression' && run.width === 1 ? run.data.y : undefined;
  return split !== undefined ? splitRows(run.data.rows, { fraction: split, seed, stratify })
    : folds ? foldRows(run.data.rows, { ...folds, seed, stratify }) : undefined;
}

/**
 * What a model file of a CSV run keeps of how it was trained, which `--resume` reads back: the data (its
 * name, rows and fingerprint), the flags as given that are not fit options, and the fit's options.
 * Epochs count from 1 here, as the report says them. `train` and `search --save` write it.
 */
export function trainingRecord(v: Values, run: { source: Source; data: CsvData; fingerprint: string; fit: FitOptions; options: ModelFitOptions }, epochsRun: number, bestEpoch: number | undefined) {
  const { source, data, fingerprint, fit, options } = run;
  const { split, folds } = holdOutFlags(v);
  return {
    data: source.name, rows: data.rows, fingerprint, init: v.init ?? null, weights: v.weights ?? null, ...fit, standardize: options.standardize, standardizeTarget: options.standardizeTarget,
    validationSplit: split ?? null, ...folds, earlyStopping: v['early-stopping'] ?? null, classWeight: v['class-weight'] ?? null, sampleWeight: v['sample-weight'] ?? null,
    epochsRun, bestEpoch: bestEpoch === undefined ? null : bestEpoch + 1,
  };
}

/** What a model file of a CSV run says of its columns: the features, the target(s) or classes, the threshold. */
export function columnsOf(data: CsvData, threshold: number | undefined): Omit<ModelInfo, 'training'> {
  return { features: data.features, target: data.target, ...(data.targets.length > 1 ? { targets: data.targets } : {}), ...(data.classes ? { classes: data.classes } : {}), threshold };
}

/** `--folds K --fold I`, which hold out one fold as a search's trial of that fold does; undefined without them. */
function foldFlags(v: Values, split: number | undefined): { folds: number; fold: number } | undefined {
  const folds = foldsFlag(v.folds), fold = number('fold', v.fold);
  if (folds === undefined && fold === undefined) return undefined;
  if (folds === undefined || fold === undefined) fail(folds === undefined ? '--fold' : '--folds', 'go together: --folds K --fold I holds out fold I (from 0) of K');
  if (split !== undefined) fail('--folds', 'give --validation-split or --folds, not both');
  if (!(Number.isInteger(fold) && fold >= 0 && fold < folds)) fail('--fold', `expected a fold from 0 to ${folds - 1}, got ${v.fold}`);
  return { folds, fold };
}

function taskFlag(v: Values): Task | undefined {
  return v.task === undefined ? undefined : oneOf('--task', v.task, TASKS);
}

async function readSource(v: Values, path: string | undefined, given: Task | undefined, wantOneHot: boolean): Promise<Source> {
  if (path === undefined) {
    const d = classDatasets[oneOf('--dataset', v.dataset, CLASS_DATASET_NAMES) as ClassDatasetName];
    // The dataset as the CSV file it could be, so that it runs exactly as one would.
    const text = formatCsv([...d.features, d.target], d.x.map((row, r) => [...row, d.classes[d.y[r]!]!]));
    return { name: d.name, data: readCsv(text, { target: d.target, classes: d.classes, oneHot: wantOneHot, source: d.name }) };
  }
  if (v.dataset !== undefined) fail('--dataset', 'give a CSV file or --dataset, not both');
  if (typeof v.target !== 'string') fail('--target', `name the column to learn, one of ${(await readHeader(path)).map((c) => JSON.stringify(c)).join(', ')}`);
  const weight = typeof v['sample-weight'] === 'string' ? v['sample-weight'] : undefined;
  const data = await readCsvFile(path, { target: list('target', v.target)!, features: list('features', v.features), task: given, oneHot: wantOneHot, ...(weight === undefined ? {} : { weight }) });
  return { name: path, file: path, data };
}

/** A 0/1 target that is all 0 or all 1 has nothing to tell apart. */
function oneClassOnly(data: CsvData, name: string): void {
  data.targets.forEach((target, j) => {
    const first = data.y[j]!;
    let same = true;
    for (let r = j; r < data.y.length && same; r += data.targets.length) same = data.y[r] === first;
    if (same) fail(name, `column ${JSON.stringify(target)} has only one value, ${first}; a classifier needs at least two classes`);
  });
}

/** `backprop train DATA.csv --target COLUMN …` (or `--dataset blobs3`, path undefined): the CSV path of the train command. */
export async function trainCsv(flags: Values, path: string | undefined): Promise<void> {
  const every = number('checkpoint-every', flags['checkpoint-every']) ?? 1;
  if (!(Number.isInteger(every) && every >= 1)) fail('--checkpoint-every', `expected a whole number of epochs ≥ 1, got ${flags['checkpoint-every']}`);
  if (flags['checkpoint-every'] !== undefined && flags.checkpoint === undefined) fail('--checkpoint-every', 'says how often to write --checkpoint FILE; give that too');
  const resumed = typeof flags.resume === 'string' ? await resumeRun(flags.resume, flags, path) : undefined;
  const v = resumed?.values ?? flags;
  const given = taskFlag(v);
  const held = holdOutFlags(v);
  const { split, folds } = held;
  const earlyStopping = earlyStoppingFlag(v);
  if (earlyStopping !== undefined && split === undefined && !folds) fail('--early-stopping', 'watches the validation loss: add --validation-split 0.2 (or another share), or --folds K --fold I');
  // Every output is checked before the data is read, so a wrong path costs no training.
  const what = { plot: 'loss chart', 'plot-boundary': 'decision boundary', 'plot-confusion': 'confusion matrix', save: 'model', checkpoint: 'checkpoint' } as const;
  const outputs = (Object.keys(what) as (keyof typeof what)[]).flatMap((flag): Output[] => {
    const file = v[flag];
    return typeof file === 'string' ? [{ flag: `--${flag}`, what: what[flag], path: file }] : [];
  });
  // A run continues writing the checkpoint it resumed from: its own state, replaced whole by a later one.
  const resumeInput = resumed && !(typeof v.checkpoint === 'string' && sameFile(v.checkpoint, resumed.file)) ? [resumed.file] : [];
  // --weights is read once, here: every file read (a TensorFlow.js model.json's weights files too) is an input.
  const initial = typeof v.weights === 'string' ? readWeightsFlag(v.weights) : undefined;
  checkOutputs(outputs, [...(path === undefined ? [] : [path]), ...(initial?.files ?? []), ...resumeInput]);

  const run = await csvRun(v, path, given, initial);
  const { source, data, kind, fit, y: targets, width } = run;
  const fingerprint = rowsFingerprint([data.x, targets, data.weights]);
  const spec = resumed ? resumedSpec(resumed, data.rows, fingerprint, source.name) : run.spec;
  const threshold = thresholdFlag(v.threshold, 0.5);
  const task = kind === 'multiclass' ? `${count(data.classes!.length, 'class', 'classes')}: ${data.classes!.join(', ')}` : data.task;
  if (v['plot-boundary'] !== undefined && (data.features.length !== 2 || kind === 'regression')) {
    fail('--plot-boundary', `draws a classification on two features; this run has ${count(data.features.length, 'feature')} (${data.task}); pick two with --features a,b`);
  }
  if (v['plot-confusion'] !== undefined && (kind === 'regression' || data.targets.length > 1)) fail('--plot-confusion', `draws the classes of one target; this run is a ${kind === 'regression' ? 'regression' : 'classification of several targets'}`);

  const labels = kind !== 'regression' && data.targets.length === 1 ? data.y : undefined;
  // The CLI splits here to report the training part's metrics too; explain cuts the same rows.
  const parts = holdOut(run, fit.seed, held);
  const trainRows = parts?.train;
  const trained = trainRows?.length ?? data.rows;
  // Without a split every row trains: the rows as read, not a copy (a large file is held once).
  const [x, y] = trainRows ? [takeRows(data.x, data.features.length, trainRows), takeRows(targets, width, trainRows)] : [data.x, targets];
  const heldOut = parts && [takeRows(data.x, data.features.length, parts.validation), takeRows(targets, width, parts.validation)] as [Float64Array, Float64Array];
  // --sample-weight: each part's rows keep their weights
  const weights = data.weights && (trainRows ? takeRows(data.weights, 1, trainRows) : data.weights);
  if (weights && v['class-weight'] !== undefined) fail('--class-weight', 'give --sample-weight or --class-weight, not both (as Keras)');
  const validationData = heldOut && (data.weights ? [...heldOut, takeRows(data.weights, 1, parts!.validation)] as [Float64Array, Float64Array, Float64Array] : heldOut);
  const options: ModelFitOptions = { ...csvFitOptions(v, run, fit), validationData, initialEpoch: resumed?.epoch ?? 0, ...(weights ? { sampleWeight: weights } : {}) };
  if (resumed && resumed.epoch >= fit.epochs!) fail('--epochs', `${resumed.file} already stands at epoch ${resumed.epoch}; give --epochs above it to train further`);
  // Fit's scalers would refuse a column too wide for f64 by its index; here it is named before training.
  if (options.standardize) fitScaler(x, trained, data.features.length, source.name, data.features);
  if (options.standardizeTarget) fitScaler(y, trained, width, source.name, data.targets);
  const model = resumed?.model ?? new Model({ ...spec, seed: fit.seed });
  // Every setting checked as fit will check it (src/cli/main.ts names a refused one by its flag) before the report's first line is
  // printed; the rows, already checked as read, are not read again before the fit.
  checkFit(model.network, options);
  const start = options.initialEpoch!;
  const progress = new Progress(fit.epochs! - start, trained, !v.json && process.stdout.isTTY === true, start);
  // What --save and --checkpoint write: the model, its columns and the run's settings (which --resume reads back).
  const fileInfo = (bestEpoch: number | undefined) => ({
    ...columnsOf(data, threshold),
    training: trainingRecord(v, { source, data, fingerprint, fit, options }, model.getTrainingState()?.epoch ?? 0, bestEpoch),
  });
  const checkpoint = async (epoch: number) => {
    if (typeof v.checkpoint === 'string' && (epoch + 1) % every === 0) await writeWhole(v.checkpoint, modelChunks(model, fileInfo(undefined)));
  };
  if (!v.json) {
    const inferred = given || !source.file || kind === 'multiclass' ? '' : ', from its values; --task to change';
    console.log(`${source.name}: ${count(data.rows, 'row')}; ${count(data.features.length, 'feature')} → ${data.targets.join(', ')} (${task}${inferred})`);
    if (resumed) console.log(`continuing ${resumed.file} from epoch ${start + 1}`);
    console.log(describe(spec, fit, options, parts?.validation.length) + '\n');
    const wide = unscaled(data.x, data.features);
    if (!options.standardize && wide) console.log(`hint: ${wide} spans a wide range; --standardize usually trains faster and steadier\n`);
    const flat = kind === 'regression' ? constantTarget(data) : undefined;
    if (flat) console.log(`hint: ${flat}: there is nothing to learn from the features\n`);
    const missing = missingClass(data);
    if (missing) console.log(`hint: ${missing}\n`);
  }
  if (fit.engine === 'wasm') await loadWasm();
  let history: History;
  try {
    history = await commandFit(() => model.fit(x, y, { ...options, onEpochEnd: async (epoch, logs) => { await progress.epochEnd(epoch - start, logs); await checkpoint(epoch); } }), outputs.map((o) => `${o.flag} ${o.path}`),
      `Try a smaller learning rate (--lr)${options.standardize ? '' : ', or --standardize'}.`);
  } finally {
    progress.stop();
  }
  const engine = fit.engine!;
  const metrics: Record<string, Metrics> = { training: rowsMetrics(model, x, y, threshold, engine) };
  if (heldOut) metrics.validation = rowsMetrics(model, heldOut[0], heldOut[1], threshold, engine);
  const perTarget = kind === 'regression' && width > 1
    ? { training: targetMetrics(model, x, y, data.targets, engine), ...(heldOut ? { validation: targetMetrics(model, heldOut[0], heldOut[1], data.targets, engine) } : {}) }
    : undefined;
  const shown = heldOut ? 'validation' : 'training';

  const saved = fileInfo(history.bestEpoch);
  const text = {
    plot: () => lossChartSvg(history, `${data.targets.join(', ')}: loss per epoch`),
    'plot-boundary': () => decisionBoundarySvg(model, data.x, data.y, { features: data.features as [string, string], target: data.target, threshold, classes: data.classes }),
    'plot-confusion': () => confusionSvg(metrics[shown]!, data.classes, `${data.target}: confusion matrix (${count(metrics[shown]!.rows, `${shown} row`)})`),
    save: () => modelChunks(model, saved),
    // The last state too, where the last epoch was not a multiple of --checkpoint-every.
    checkpoint: () => modelChunks(model, saved),
  };
  const { written, failed } = await writeOutputs(outputs.map((output) => ({ output, text: text[output.flag.slice(2) as keyof typeof text] })));

  if (v.json) {
    console.log(JSON.stringify({
      data: { file: source.name, rows: data.rows, features: data.features, target: data.target, targets: data.targets, task: data.task, classes: data.classes ?? null },
      model: { inputs: spec.inputs, layers: spec.layers, loss: spec.loss },
      fit: { ...saved.training, data: undefined, rows: undefined },
      history, metrics, ...(perTarget ? { targetMetrics: perTarget } : {}), scaler: model.scaler ?? null, targetScaler: model.targetScaler ?? null, weights: model.getWeights(),
    }));
  } else {
    const table = perTarget ? Object.entries(perTarget).map(([set, m]) => `${set} rows, per target:\n${metricsText(m)}`).join('\n\n') : metricsText(metrics, data.classes);
    report(history, fit, metrics, options, table, data.classes, labels && (trainRows ? takeRows(labels, 1, trainRows) : labels), start);
    if (written.length) console.log(`\nwrote ${written.join(', ')}`);
  }
  // The run's results are printed above; the outputs that could not be written are named last.
  if (failed.length) throw new BackpropError('train', `${failed.join('; ')}${written.length ? `; wrote ${written.join(', ')}` : ''}`);
}

function report(history: History, fit: FitOptions, metrics: Record<string, Metrics>, options: ModelFitOptions, table: string, classes: string[] | undefined, labels: Float64Array | undefined, start: number): void {
  const ran = history.loss.length, last = start + ran;
  if (history.bestEpoch !== undefined) {
    // epochs counted from the run's start, a resumed run's too
    console.log(last < fit.epochs! ? `stopped early after epoch ${last}: the validation loss last improved at epoch ${history.bestEpoch + 1}, whose weights the model keeps`
      : `ran ${start ? `epochs ${start + 1}–${last}` : `all ${count(ran, 'epoch')}`}; the model keeps the weights of epoch ${history.bestEpoch + 1}, the lowest validation loss`);
  }
  const scaled = options.standardizeTarget ? ' (of the standardized target)' : '';
  console.log(`\nloss per epoch${scaled} (final: training ${num(history.loss[ran - 1]!, 4)}${history.valLoss ? `, validation ${num(history.valLoss[ran - 1]!, 4)}` : ''})`);
  console.log(lossChart(history) + '\n');
  console.log(table);
  const hint = farFromFitting(metrics, fit, options, classes, labels);
  if (hint) console.log(`\nhint: ${hint}`);
}

/** What to try when a run ends no better than a constant guess: R² below 0, or accuracy at the majority class's share. */
function farFromFitting(metrics: Record<string, Metrics>, fit: FitOptions, options: ModelFitOptions, classes: string[] | undefined, labels: Float64Array | undefined): string | undefined {
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
  if (!labels) return undefined;
  const counts = new Map<number, number>();
  for (const k of labels) counts.set(k, (counts.get(k) ?? 0) + 1);
  const [top, n] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
  const majority = n / labels.length;
  const guess = classes ? classes[top]! : top;
  return m.accuracy <= majority ? `the training accuracy ${num(m.accuracy, 4)} is no better than always predicting ${guess} (${num(majority, 4)}). Try ${tries}.` : undefined;
}

function describe(spec: ModelOptions<LayerSpec>, fit: FitOptions, o: ModelFitOptions, validationRows: number | undefined): string {
  return [
    `network ${networkText(spec)}`,
    `${fit.optimizer ?? 'sgd'}${fit.learningRate === undefined ? '' : ` lr ${fit.learningRate}`}${fit.momentum ? ` momentum ${fit.momentum}` : ''}, batch size ${fit.batchSize}, up to ${count(fit.epochs!, 'epoch')}`,
    o.standardize ? 'standardized inputs' : 'raw inputs',
    ...(o.standardizeTarget ? ['standardized target (predictions in its units; --raw-target to turn off)'] : []),
    validationRows === undefined ? 'no validation' : count(validationRows, 'validation row'),
    ...(o.earlyStopping ? [`early stopping after ${count(o.earlyStopping.patience ?? 0, 'epoch')} without improvement`] : []),
    `${fit.engine} engine`,
  ].join('; ');
}

/** Labels other tools read as a missing value (pandas' defaults and a spreadsheet's), which a CSV run reads as a class like any text. */
const MISSING_LABELS = new Set(['NA', 'N/A', 'n/a', 'na', '#N/A', 'NaN', 'nan', 'null', 'NULL', 'None', 'none', '?', '-']);

/**
 * A class whose label other tools read as a missing value (`class NA (3 rows) is trained as a class …`),
 * or undefined: it is one here (a label NA may be a real one), but a binary task with a few missing
 * labels then trains as three classes, which deserves a word before the run.
 */
export function missingClass(data: CsvData): string | undefined {
  const c = data.classes?.findIndex((label) => MISSING_LABELS.has(label)) ?? -1;
  if (c < 0) return undefined;
  let rows = 0;
  for (let r = 0; r < data.rows; r++) if (data.y[r] === c) rows++;
  return `class ${show(data.classes![c])} (${count(rows, 'row')}) is trained as a class like the others (${data.classes!.length} classes); if it marks a missing label, leave those rows out`;
}

/** A regression target with one value in every row, as `y is 5 in every row`, or undefined. */
function constantTarget(data: CsvData): string | undefined {
  const width = data.targets.length;
  const j = data.targets.findIndex((_, j) => {
    for (let r = j + width; r < data.y.length; r += width) if (data.y[r] !== data.y[j]) return false;
    return true;
  });
  return j < 0 ? undefined : `${data.targets[j]} is ${data.y[j]} in every row`;
}

/** The first feature whose values reach far from 0 (|mean| or spread beyond 10), which plain gradient steps handle badly. */
function unscaled(x: Float64Array, features: string[]): string | undefined {
  return features.find((_, c) => {
    const [lo, hi] = extent(x, features.length, c);
    return Math.max(Math.abs(lo), Math.abs(hi)) > 10;
  });
}
