// `train --resume FILE`: the run a checkpoint was saved from, continued. Its settings come from the
// file (the training record `train` writes, the network, the columns); a flag given again must agree
// with them, so that the continued run is the run that was interrupted, to the bit.
import { CLASS_DATASET_NAMES, loadModel, type Model } from '../node.js';
import { fail } from '../errors.js';
import { lossSpec } from '../spec.js';
import { HYPERPARAMETER_NAMES } from '../operations/optimizers.js';
import { ACTIVATION_PARAMETERS, type ActivationParameter } from '../operations/activations.js';
import { number, type Values } from './args.js';
import { keyValueText, lossText } from './report.js';
import { flagName, keyValues } from './run.js';
import { scheduleParamKinds } from '../operations/schedules.js';

/** The flags of the initial weights: with --resume the weights come from the file (the run's own flags, given again, agree). */
const INITIAL = ['init', 'weights'];

/** A checkpoint to continue: its model (with its training state), the epoch it stands at, and the flags of its run. */
export interface Resumed {
  file: string;
  model: Model;
  epoch: number;
  /** Rows of the data it was trained on (with the validation rows). */
  rows: number;
  /** rowsFingerprint of that data, where the file has one (files written before it was kept have none). */
  fingerprint?: string;
  values: Values;
}

/**
 * Reads `file` and merges the settings of the run it was saved from into `v`: flags not given take the
 * file's values (`--epochs` too, so that an interrupted run finishes as planned); a settings flag given
 * with another value, or a network flag, is refused naming it. `path`: the CSV file given, if any.
 */
export async function resumeRun(file: string, v: Values, path: string | undefined): Promise<Resumed> {
  const { model, info, task } = await loadModel(file);
  const state = model.getTrainingState();
  if (!state) fail('--resume', `${file} holds no training state to continue (a model file of format version 1 or 2, or saved before any training); train anew`);
  const stopped = (state.callbacks.earlyStopping as { stopped?: boolean } | undefined)?.stopped;
  if (stopped) fail('--resume', `early stopping ended the run in ${file} at epoch ${state.epoch}; there is nothing to continue`);
  const t = info.training;
  if (typeof t.rows !== 'number' || typeof t.data !== 'string') fail('--resume', `${file} was not saved by 'backprop train' (its training record lacks the run's data and settings); continue it with the library's fit(x, y, { initialEpoch: ${state.epoch} })`);
  // The run's own flags for its initial weights agree (the weights come from the file); a file that did not keep them refuses them
  for (const flag of INITIAL) {
    if (v[flag] !== undefined && (typeof t[flag] !== 'string' || !same(v[flag], t[flag]))) fail(`--${flag}`, `the weights come from ${file} with --resume${typeof t[flag] === 'string' ? `; it was started with --${flag} ${t[flag]}` : ''}; leave --${flag} out`);
  }
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  // The data as train's command line names it. A CSV file may have moved (its rows are counted below); a dataset is its name.
  const ofDataset = (CLASS_DATASET_NAMES as string[]).includes(t.data), data = ofDataset ? `--dataset ${t.data}` : t.data;
  const given = path ?? (v.dataset === undefined ? undefined : `--dataset ${v.dataset}`);
  if (path !== undefined ? ofDataset : given !== undefined ? given !== data : !ofDataset) {
    fail('--resume', `${file} was trained on ${data}${given === undefined ? '' : `, not ${given}`}: give that ${ofDataset ? 'dataset' : 'file'} (backprop train ${data} --resume ${file})`);
  }
  const dataset = path === undefined && ofDataset ? t.data : undefined;
  const binary = task === 'classification' && info.classes === undefined;
  // The network as the flags say it (src/cli/run.ts modelOptions): every hidden layer alike.
  const dense = model.network.layers, hidden = dense.slice(0, -1);
  const kernel = dense[0]!.kernelRegularizer, rate = dense.find((l) => l.dropout > 0)?.dropout;
  const activation = v.activation !== undefined && String(v.activation).includes(',') ? dense.map((l) => l.activation).join(',') : hidden[0]?.activation ?? dense[0]!.activation;
  const saved: Values = {
    layers: dense.map((l) => l.units).join(','),
    activation: v.activation === undefined || hidden.every((l) => l.activation === hidden[0]!.activation) ? activation : undefined,
    dropout: text(rate),
    // each activation parameter (--alpha) as the layers that take it hold it
    ...Object.fromEntries((Object.keys(ACTIVATION_PARAMETERS) as ActivationParameter[]).map((key) => [flagName(key), text(dense.find((l) => l[key] !== undefined)?.[key])])),
    l1: kernel.l1 ? text(kernel.l1) : undefined,
    l2: kernel.l2 ? text(kernel.l2) : undefined,
    ...(dataset ? { dataset } : { target: (info.targets ?? [info.target]).join(','), features: info.features.join(','), task }),
    loss: lossText(lossSpec(model.network)),
    'class-weight': text(t.classWeight),
    'sample-weight': text(t.sampleWeight),
    standardize: t.standardize === true ? true : undefined,
    'raw-target': task === 'regression' && t.standardizeTarget === false ? true : undefined,
    'validation-split': text(t.validationSplit),
    // the fold held out (train --folds K --fold I): the same rows validate, the others train
    folds: text(t.folds),
    fold: text(t.fold),
    'early-stopping': text(t.earlyStopping),
    threshold: binary ? text(info.threshold) : undefined,
    optimizer: text(t.optimizer),
    lr: typeof t.learningRate === 'object' ? undefined : text(t.learningRate),
    'lr-schedule': typeof t.learningRate === 'object' && t.learningRate !== null ? keyValueText(t.learningRate as Record<string, unknown>, 'schedule') : undefined,
    'reduce-lr-on-plateau': typeof t.reduceLROnPlateau === 'object' && t.reduceLROnPlateau !== null ? keyValueText(t.reduceLROnPlateau as Record<string, unknown>) : undefined,
    // every optimizer hyperparameter and clipping bound the run set (a switch for a true one), as its flag says it
    ...Object.fromEntries([...HYPERPARAMETER_NAMES, 'clipnorm', 'globalClipnorm', 'clipvalue'].map((key) => [flagName(key), t[key] === true ? true : t[key] === false ? undefined : text(t[key])])),
    'batch-size': text(t.batchSize),
    shuffle: text(t.shuffle),
    seed: text(t.seed),
  };
  const schedule = typeof t.learningRate === 'object' && t.learningRate !== null ? t.learningRate as Record<string, unknown> : undefined;
  if (schedule) sameSchedule(file, v, schedule, saved['lr-schedule'] as string);
  for (const [flag, value] of Object.entries(saved)) {
    const given = v[flag];
    if (given === undefined || same(given, value) || (schedule && (flag === 'lr' || flag === 'lr-schedule'))) continue;
    fail(`--${flag}`, `${file} was trained ${value === undefined ? `without --${flag}` : `with --${flag}${value === true ? '' : ` ${value}`}`}; --resume continues that run as it was (leave --${flag} out)`);
  }
  const values: Values = { ...v };
  for (const [flag, value] of Object.entries({ ...saved, epochs: text(t.epochs) })) values[flag] ??= value;
  // the run's schedule whole, its initialLearningRate included (which --lr, or the default rate, gave it)
  if (schedule) values['lr-schedule'] = saved['lr-schedule'];
  return { file, model, epoch: state.epoch, rows: t.rows, ...(typeof t.fingerprint === 'string' ? { fingerprint: t.fingerprint } : {}), values };
}

/**
 * A fingerprint of the data a run trains on (its features, targets and weights as read, their float64
 * bits, and each part's length), kept in the training record: a resumed run is refused other rows of
 * the same count, which would continue another run than the one interrupted. 64 bits, from two
 * multiply-xor lanes over the numbers' 32-bit words (a fingerprint, not a guard against forgery).
 */
export function rowsFingerprint(parts: readonly (Float64Array | undefined)[]): string {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (const part of parts) {
    if (!part) continue;
    const words = new Uint32Array(part.buffer, part.byteOffset, part.length * 2);
    for (let i = 0; i < words.length; i++) {
      h1 = Math.imul(h1 ^ words[i]!, 2654435761);
      h2 = Math.imul(h2 ^ words[i]!, 1597334677);
    }
    h1 = Math.imul(h1 ^ part.length, 2654435761);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h2 >>> 0).toString(16).padStart(8, '0')}${(h1 >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * --lr and --lr-schedule given again for a run with a schedule: together they say one option (the
 * schedule's initialLearningRate from --lr unless the schedule names it), compared with the run's.
 */
function sameSchedule(file: string, v: Values, run: Record<string, unknown>, saved: string): void {
  const given = v['lr-schedule'] === undefined ? {} : keyValues('lr-schedule', v['lr-schedule'], scheduleParamKinds(), 'schedule');
  const text = (value: unknown) => (value === undefined ? undefined : String(value));
  for (const key of new Set([...Object.keys(run), ...Object.keys(given)])) {
    if (key === 'initialLearningRate' || v['lr-schedule'] === undefined) continue;
    const a = text(given[key]), b = text(run[key]);
    if (a === b || (a !== undefined && same(a, b))) continue;
    fail('--lr-schedule', `${file} was trained with --lr-schedule ${saved}; --resume continues that run as it was (leave --lr-schedule out)`);
  }
  const initial = given.initialLearningRate ?? number('lr', v.lr);
  if (initial !== undefined && !same(String(initial), text(run.initialLearningRate))) {
    const flag = given.initialLearningRate === undefined ? 'lr' : 'lr-schedule';
    fail(`--${flag}`, `${file} was trained with --lr-schedule ${saved}; --resume continues that run as it was (leave --${flag} out)`);
  }
}

/** Two flag values that say the same: numbers by value (1e-3 = 0.001), lists item by item. */
function same(a: string | boolean, b: string | boolean | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return a === b;
  const items = (s: string) => s.split(',').map((x) => x.trim()).map((x) => (x !== '' && Number.isFinite(Number(x)) ? String(Number(x)) : x)).join(',');
  return items(a) === items(b);
}
