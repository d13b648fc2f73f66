// Parallel trials: every setting of a grid trained once per seed and fold, on a pool of workers,
// then ranked by a validation metric's mean over its trials. Each trial is one ordinary fit — the
// model built with its seed, fit with its seed on the rows its split keeps for training, measured on
// the rows it holds out — so a trial is reproduced on its own by that fit, in any thread.
import type { Matrix } from '../data.js';
import { fail, knownKeys, oneOf, positiveInteger, show, within } from '../errors.js';
import { rowsOf, splitLabels, type ModelFitOptions } from '../fit.js';
import { checkedNetwork, type ModelOptions } from '../model.js';
import { checkSpec, parameterCount, targetWidth, type LayerSpec, type Network } from '../spec.js';
import { checkWorkerUrl } from '../worker/client.js';
import { foldRows, splitRows, takeRows } from '../split.js';
import { expandGrid, type SearchGrid, type SearchSetting } from './grid.js';
import { checkMetric, metricValue, SEARCH_METRICS, type SearchMetric } from '../validationMetrics.js';
import { runPool, threadCount } from './pool.js';
import { checkTrialFit, type TrialFitOptions, type TrialResult } from '../trial.js';
import type { TrialFit } from './trialWorker.js';

export type { TrialFitOptions, TrialResult } from '../trial.js';

/** How the trials are validated and run: shared by `search` and `runTrials`. */
export interface TrialOptions {
  /** k-fold cross-validation: each trial is trained k times, each fold held out once (seeded by the trial's seed; stratified for one class per row). */
  folds?: number;
  /** Or one held-out share of the rows, as fit's validationSplit draws it with the trial's seed. */
  validationSplit?: number;
  /** Workers: a positive integer or 'auto' (the machine's cores); never more than the fits to run. Default 'auto'. */
  threads?: number | 'auto';
  /** The worker script, as WorkerTrainer's option of that name. */
  workerUrl?: string | URL;
  /** Called in this thread after each fit, with how many of how many are done. */
  onTrialEnd?: (done: number, total: number) => void;
}

/** What search trains its grid's settings on and ranks them by, besides how the fits run (TrialOptions). */
export interface SearchOptions extends TrialOptions {
  /** The network the grid varies: its inputs and loss, and its layers unless the grid lists them (no seed: each trial's is from grid.seed). */
  model: ModelOptions<LayerSpec>;
  /** Fit options every trial shares; the grid's keys override them. Validation and seed come from the search. */
  fit?: Omit<ModelFitOptions, 'seed' | 'validationSplit' | 'validationData' | 'onEpochEnd'>;
  /** What rows are ranked by (default 'loss', the validation loss); see SEARCH_METRICS. */
  metric?: SearchMetric;
}

/** One trial to run: a model (with its seed) and a fit (with the same seed), trained once per fold in a worker. */
export interface TrialSpec {
  model: ModelOptions<LayerSpec>;
  /** Required (`{}` for Model.fit's defaults, seed 0 included): its seed must be the model's. */
  fit: TrialFitOptions;
}

/** A setting of the grid with its trials, ranked. */
export interface SearchRow<S = SearchSetting> {
  /** 1 for the best mean. */
  rank: number;
  setting: S;
  metric: SearchMetric;
  /** Mean and (population) standard deviation of the metric over the trials; NaN when a trial diverged. */
  mean: number;
  std: number;
  /** Seed by seed, fold by fold. */
  trials: TrialResult[];
}

const TRIAL_OPTIONS = ['folds', 'validationSplit', 'threads', 'workerUrl', 'onTrialEnd'];
const SEARCH_OPTIONS = ['model', 'fit', 'metric', ...TRIAL_OPTIONS];
const SEED = 'is set by the search for each trial, from grid.seed (default [0]); leave it out';

/**
 * Trains every setting of `grid` (every combination of its lists) once per seed and fold on a pool
 * of workers, and returns the settings ranked by the validation metric's mean, best first. The same
 * rows come back for any number of threads. Every option is checked, as the Model constructor and
 * Model.fit check it, before any worker starts.
 */
export async function search(x: Matrix, y: Matrix, grid: SearchGrid, options: SearchOptions): Promise<SearchRow[]> {
  if (typeof options !== 'object' || options === null) fail('options', `expected an object with at least { model, folds } or { model, validationSplit }, got ${show(options)}`);
  knownKeys('', options, SEARCH_OPTIONS);
  const { model, fit = {}, metric: metricName = 'loss', ...trialOptions } = options;
  if (typeof model !== 'object' || model === null || Array.isArray(model)) fail('model', `expected a model's options { inputs, layers, loss }, got ${show(model)}`);
  if (model.seed !== undefined) fail('model.seed', SEED);
  const network = within('model', () => checkedNetwork(model));
  if (typeof fit !== 'object' || fit === null || Array.isArray(fit)) fail('fit', `expected an object of fit options, got ${show(fit)}`);
  if ('seed' in fit) fail('fit.seed', SEED);
  within('fit', () => checkTrialFit(network, fit));
  const metric = checkMetric('metric', metricName, network.loss);
  const { settings, seeds } = expandGrid(grid, model, network, fit);
  const run = checkRun(trialOptions);
  const trials = settings.flatMap((s) => seeds.map((seed): Trial => {
    const { layers, ...fitSetting } = s;
    const trialModel = { ...model, ...(layers ? { layers } : {}), seed };
    return { model: trialModel, fit: { ...fit, ...fitSetting, seed }, network: layers ? checkSpec(trialModel) : network };
  }));
  const results = await runChecked(x, y, trials, run);
  return rankRows(settings.map((setting, s) => ({ setting, trials: results.slice(s * seeds.length, (s + 1) * seeds.length).flat() })), metric);
}

/**
 * Runs each trial on its folds (or its validation split) across the workers; returns each trial's
 * fits in the trials' order, fold by fold. Every trial is checked, as the Model constructor and
 * Model.fit check it, before any worker starts. A fit that diverges is a result; any other error
 * ends the run and is thrown.
 */
export async function runTrials(x: Matrix, y: Matrix, trials: readonly TrialSpec[], options: TrialOptions): Promise<TrialResult[][]> {
  const run = checkRun(options);
  if (!Array.isArray(trials)) fail('trials', `expected a list of { model, fit }, got ${show(trials)}`);
  return runChecked(x, y, trials.map((t, i) => checkTrial(t, i)), run);
}

/** A trial as it runs: both seeds equal, its network built. */
interface Trial {
  model: ModelOptions<LayerSpec>;
  fit: TrialFitOptions;
  network: Network;
}

/** How the trials run, checked. */
interface Run {
  folds: number | undefined;
  validationSplit: number | undefined;
  threads: number | 'auto';
  workerUrl: string | URL | undefined;
  onTrialEnd: TrialOptions['onTrialEnd'];
}

function checkRun(options: TrialOptions): Run {
  if (typeof options !== 'object' || options === null) fail('options', `expected an object, got ${show(options)}`);
  knownKeys('', options, TRIAL_OPTIONS);
  const { folds, validationSplit, threads = 'auto', workerUrl, onTrialEnd } = options;
  if ((folds === undefined) === (validationSplit === undefined)) fail('folds', 'give folds (k-fold cross-validation) or validationSplit (one held-out share), one of the two');
  if (folds !== undefined && positiveInteger('folds', folds) < 2) fail('folds', `expected at least 2 folds, got ${folds}`);
  if (onTrialEnd !== undefined && typeof onTrialEnd !== 'function') fail('onTrialEnd', 'expected a function');
  return { folds, validationSplit, threads, workerUrl: checkWorkerUrl('workerUrl', workerUrl), onTrialEnd };
}

function checkTrial(trial: TrialSpec, i: number): Trial {
  const field = `trials[${i}]`;
  if (typeof trial !== 'object' || trial === null) fail(field, `expected { model, fit }, got ${show(trial)}`);
  knownKeys(field, trial, ['model', 'fit']);
  const { model, fit } = trial;
  if (typeof model !== 'object' || model === null || Array.isArray(model)) fail(`${field}.model`, `expected a model's options { inputs, layers, loss }, got ${show(model)}`);
  const network = within(`${field}.model`, () => checkedNetwork(model));
  if (typeof fit !== 'object' || fit === null || Array.isArray(fit)) fail(`${field}.fit`, `expected an object of fit options ({} for Model.fit's defaults), got ${show(fit)}`);
  within(`${field}.fit`, () => checkTrialFit(network, fit));
  if ((model.seed ?? 0) !== (fit.seed ?? 0)) fail(field, `the model's seed (${model.seed ?? 0}) and the fit's (${fit.seed ?? 0}) differ; one seed reproduces a trial`);
  return { model, fit, network };
}

/** Runs checked trials: the data checked once against the first, then the fits on the pool. */
async function runChecked(x: Matrix, y: Matrix, trials: readonly Trial[], { folds, validationSplit, threads, workerUrl, onTrialEnd }: Run): Promise<TrialResult[][]> {
  if (trials.length === 0) return [];
  const first = trials[0]!.network;
  trials.forEach(({ network: n }, i) => {
    if (n.inputs !== first.inputs || n.loss !== first.loss || targetWidth(n) !== targetWidth(first)) fail(`trials[${i}].model`, `has ${n.inputs} inputs and loss '${n.loss}' for ${targetWidth(n)} targets per row; trials[0] has ${first.inputs}, '${first.loss}', ${targetWidth(first)}: every trial reads the same rows`);
  });
  const rows = rowsOf(first, x, y);
  const perTrial = folds ?? 1;
  const jobs = trials.flatMap((_, t) => Array.from({ length: perTrial }, (_, k) => ({ t, fold: folds === undefined ? undefined : k })));
  // Trials of one seed (and fold) split the rows alike (every trial reads the same columns): each
  // split drawn and its rows taken once
  const stratify = splitLabels(first, rows.ys);
  const width = targetWidth(first);
  const take = (part: number[]) => [takeRows(rows.data, first.inputs, part), takeRows(rows.ys, width, part)] as [Float64Array, Float64Array];
  const splits = new Map<string, Pick<TrialFit, 'x' | 'y' | 'validation'>>();
  const split = (seed: number, fold: number | undefined) => {
    const key = `${seed}/${fold}`;
    let s = splits.get(key);
    if (!s) {
      const { train, validation } = fold === undefined ? splitRows(rows.rows, { fraction: validationSplit!, seed, stratify }) : foldRows(rows.rows, { folds: folds!, fold, seed, stratify });
      const [x, y] = take(train);
      s = { x, y, validation: take(validation) };
      splits.set(key, s);
    }
    return s;
  };
  let done = 0;
  // A fit's cost grows with its parameters and epochs (the rows are the same for all).
  const cost = ({ t }: { t: number }) => parameterCount(trials[t]!.network) * (trials[t]!.fit.epochs ?? 1);
  const results = await runPool(jobs, cost, threadCount('threads', threads, jobs.length), workerUrl, async (worker, { t, fold }) => {
    const { model, fit } = trials[t]!;
    const result = await worker.run({ model, ...split(fit.seed ?? 0, fold), fit, ...(fold === undefined ? {} : { fold }) });
    onTrialEnd?.(++done, jobs.length);
    return result;
  });
  return trials.map((_, t) => results.slice(t * perTrial, (t + 1) * perTrial));
}

/**
 * Each setting's mean and population standard deviation of `metric` over its trials, ranked best
 * first (ties keep the grid's order); a setting with a diverged trial ranks after every other.
 */
export function rankRows<S>(groups: { setting: S; trials: TrialResult[] }[], metric: SearchMetric): SearchRow<S>[] {
  oneOf('metric', metric, Object.keys(SEARCH_METRICS) as SearchMetric[]);
  if (!Array.isArray(groups as unknown)) fail('groups', `expected each setting with its trials ({ setting, trials }[]), got ${show(groups)}`);
  groups.forEach((g, i) => { if (typeof g !== 'object' || g === null || !Array.isArray(g.trials as unknown)) fail(`groups[${i}]`, `expected { setting, trials }, got ${show(g)}`); });
  const sign = SEARCH_METRICS[metric].better === 'lower' ? 1 : -1;
  const rows = groups.map(({ setting, trials }) => {
    const values = trials.map((t) => (t.metrics ? metricValue(metric, t.loss, t.metrics) : NaN));
    let sum = 0;
    for (const v of values) sum += v;
    const mean = sum / values.length;
    let square = 0;
    for (const v of values) square += (v - mean) * (v - mean);
    return { rank: 0, setting, metric, mean, std: Math.sqrt(square / values.length), trials };
  });
  const order = rows.map((_, i) => i).sort((a, b) => {
    const [ma, mb] = [rows[a]!.mean, rows[b]!.mean];
    if (Number.isNaN(ma) || Number.isNaN(mb)) return Number.isNaN(ma) === Number.isNaN(mb) ? a - b : Number.isNaN(ma) ? 1 : -1;
    return sign * (ma - mb) || a - b;
  });
  return order.map((i, r) => ({ ...rows[i]!, rank: r + 1 }));
}
