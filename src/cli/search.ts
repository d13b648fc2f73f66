// `backprop search`: every combination of a few lists of settings, each trained once per seed and
// fold on a pool of workers, ranked by a validation metric. Each setting is turned into train's
// own flags and read by train's own parsers (csvSettings, csvFitOptions), so every trial is the
// `backprop train` run whose flags it prints.
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import {
  BackpropError, formatCsv, Model, modelToText, rankRows, runTrials, SEARCH_METRICS, type History, type TrialResult, type TrialSpec,
} from '../node.js';
import { count, fail, oneOf, show } from '../errors.js';
import { OPTIMIZERS } from '../optimizerSettings.js';
import { checkMetric } from '../validationMetrics.js';
import { checkSpec, lossName } from '../spec.js';
import { checkTrialFit } from '../trial.js';
import { flagsOf, list, number, type Command, type FlagGroup, type Flags, type Values } from './args.js';
import { checkOutputs, writeOutputs, type Output } from './outputs.js';
import { Progress } from './progress.js';
import { num, table } from './report.js';
import { rowsFingerprint } from './resume.js';
import { inFlagWords } from './run.js';
import { train } from './train.js';
import { CSV_FILE_FLAGS, csvData, csvFitOptions, columnsOf, csvSettings, foldsFlag, missingClass, trainingRecord } from './trainCsv.js';

/** The grid's flags: each a comma-separated list (--layers: one list per network), train's flag of the same name per setting. */
const GRID_FLAGS: Flags = {
  layers: {
    value: '8,1 16,8,1',
    help: 'the networks to try, each as train\'s --layers: several lists after one --layers (a list of whole numbers anywhere after the command is one more network), or one quoted argument "8,1 16,8,1"',
  },
  lr: { value: 'X,Y', help: 'learning rates to try (default: each optimizer\'s, as train)' },
  optimizer: { value: 'A,B', help: `optimizers to try: ${OPTIMIZERS.join(', ')} (default adam, as train on a CSV file)` },
  'batch-size': { value: 'N,M', help: 'batch sizes to try (default 32)' },
  seeds: { value: 'A-B|A,B', help: 'train every setting once per seed (initial weights, row order and split): a range 0-4, a list 0,3,7 or both (default 0)' },
};

const VALIDATION_FLAGS: Flags = {
  folds: { value: 'K', help: 'k-fold cross-validation: each trial trains K times, each fold held out once (seeded by the trial\'s seed; stratified for classification)' },
  'validation-split': { value: 'F', help: 'or: hold out this share of the rows (seeded by the trial\'s seed, as train draws it)' },
  metric: { value: 'NAME', help: `what the table ranks by, on the held-out rows: loss (default), or what evaluate reports: ${Object.keys(SEARCH_METRICS).filter((m) => m !== 'loss').join(', ')} (the task's)` },
};

const RUN_FLAGS: Flags = {
  threads: { value: 'N|auto', help: 'workers training at once (default auto: one per core, at most one per fit); the results do not depend on it' },
  out: { value: 'FILE.csv', help: 'the table as CSV, one line per fit: its setting, seed, fold, validation loss and metric, its setting\'s rank, mean and std, and the backprop train command that reproduces it' },
  save: { value: 'FILE.json', help: 'the best setting retrained on every row with its first seed and every epoch (no rows are left to validate or stop early on): the model train saves with those flags' },
  json: { help: "print one JSON object instead of the table: the data, the settings ranked, each with its fits (seed, fold, epochs, validation loss and metrics, the train command that reproduces it), the model saved and the files written" },
};

/** What a search says of each of train's flags that it refuses: it sets them for each trial itself, or a trial could not take them. */
const REFUSED: Record<string, string> = {
  seed: 'each trial is seeded from --seeds (--seeds 3: one seed)',
  fold: 'with --folds K each setting and seed holds out every fold in turn',
  'sample-weight': "weighs the rows of the file, which each trial's split divides; --class-weight weighs classes",
  weights: 'each trial is a new model, its initial weights drawn from its seed',
  ...Object.fromEntries(['checkpoint', 'checkpoint-every', 'resume'].map((flag) => [flag, "a search saves no fit midway: give it to a fit's train command (its line of --out)"])),
  ...Object.fromEntries(['plot', 'plot-boundary', 'plot-confusion'].map((flag) => [flag, "is one run's: give it to a fit's train command (its line of --out)"])),
};

/** Train's flags that the search refuses, each with why: in the help, and refused by the parser as the help says. */
const REFUSED_FLAGS: FlagGroup = {
  heading: "Train's flags that a search refuses:",
  flags: Object.fromEntries(Object.entries(REFUSED).map(([name, why]) => [name, { ...flagsOf(train)[name]!, help: why }])),
  scope: { applies: () => false, refusal: (flag) => REFUSED[flag]! },
};

/** The search's own flags of train's names: the grid's, --folds, --validation-split, --threads (its workers), --save. */
const OWN: Flags = { ...GRID_FLAGS, ...VALIDATION_FLAGS, ...RUN_FLAGS };

/** Train's flags a search passes on to every trial unchanged: every one but its own and those it refuses. */
const SHARED: Flags = Object.fromEntries(Object.entries(flagsOf(train)).filter(([name]) => !Object.hasOwn(REFUSED, name) && !Object.hasOwn(OWN, name)));
// Of the datasets, a search takes the one that runs as a CSV file.
SHARED.dataset = { value: 'blobs3', help: 'instead of a CSV file: three classes of 2 features, run as a CSV file would (train --dataset blobs3)' };

/** The shared flags of a CSV file's columns (`true`), or the others. */
const sharedFlags = (columns: boolean): Flags => Object.fromEntries(Object.entries(SHARED).filter(([name]) => Object.hasOwn(CSV_FILE_FLAGS.flags, name) === columns));

/** A word after the command that is a list of units (`16,8,1`): one more network of --layers, not a file. */
const LAYER_LIST = /^\d+(,\d+)*$/;

/** Train's flags of a CSV file's columns, refused with --dataset blobs3 as train refuses them (a list of units after --layers is not a file). */
const COLUMN_FLAGS: FlagGroup = {
  heading: "Every trial's columns (train's flags for a CSV file):",
  flags: sharedFlags(true),
  scope: { applies: (v, words) => CSV_FILE_FLAGS.scope!.applies(v, words.filter((w) => !LAYER_LIST.test(w))), refusal: CSV_FILE_FLAGS.scope!.refusal },
};

export const searchCommand: Command = {
  name: 'search',
  summary: 'train every combination of a few settings on a pool of workers and rank them by validation',
  usage: `backprop search DATA.csv --target COLUMN --layers 8,1 16,8,1 [--lr X,Y] [--optimizer A,B] [--seeds 0-4] --folds K|--validation-split F [options]
       backprop search --dataset blobs3 … (as train)`,
  about: `Every combination of --layers, --lr, --optimizer and --batch-size is a setting; each setting trains once
per seed and per fold (or once per seed on --validation-split), on --threads workers. The table ranks
the settings by the mean of the metric over those fits (± their standard deviation). Each fit is a
backprop train run: the command above the table (and each line of --out) reproduces its numbers
exactly, a fold through train's --folds K --fold I.`,
  flags: [
    { heading: 'The grid:', flags: GRID_FLAGS },
    { heading: 'Validation (one of --folds and --validation-split):', flags: VALIDATION_FLAGS },
    { heading: 'Workers and outputs:', flags: RUN_FLAGS },
    COLUMN_FLAGS,
    { heading: "Every trial's data, network and fit (train's flags):", flags: sharedFlags(false) },
    REFUSED_FLAGS,
  ],
  run: runSearch,
};

/** A setting: the grid flags' values, as train takes them. */
type Setting = Record<string, string>;

async function runSearch(v: Values, positionals: string[]): Promise<void> {
  // `--layers 8,1 16,8,1`: the parser gives --layers its first list; the others arrive as positionals.
  const lists = positionals.filter((p) => LAYER_LIST.test(p));
  const files = positionals.filter((p) => !LAYER_LIST.test(p));
  if (files.length > 1) fail('search', `expected one CSV file, got ${files.length}: ${files.join(' ')}`);
  const path = files[0];
  if (path === undefined && v.dataset === undefined) fail('search', 'expected a CSV file (backprop search DATA.csv --target COLUMN …) or --dataset blobs3');
  if (lists.length && v.layers === undefined) fail('--layers', `${lists.join(' ')}: lists of units go after --layers (backprop search DATA.csv --layers ${lists.join(' ')})`);
  const grid = gridOf(v, lists);
  const seeds = seedList(v.seeds);
  const folds = foldsFlag(v.folds);
  const split = number('validation-split', v['validation-split']);
  if ((folds === undefined) === (split === undefined)) fail('--folds', folds === undefined ? 'a search ranks by held-out rows: give --folds K (like 5) or --validation-split F (like 0.2)' : 'give --folds or --validation-split, not both');
  if (split !== undefined && !(split > 0 && split < 1)) fail('--validation-split', `expected a share between 0 and 1 (exclusive), like 0.2, got ${v['validation-split']}`);
  const threads = v.threads === undefined || v.threads === 'auto' ? 'auto' : number('threads', v.threads)!;
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) fail('--threads', `expected a whole number ≥ 1 or auto, got ${v.threads}`);
  const what = { out: 'table', save: 'model' } as const;
  const outputs = (Object.keys(what) as (keyof typeof what)[]).flatMap((flag): Output[] => (typeof v[flag] === 'string' ? [{ flag: `--${flag}`, what: what[flag], path: v[flag] as string }] : []));
  checkOutputs(outputs, path === undefined ? [] : [path]);

  const shared: Values = Object.fromEntries(Object.keys(SHARED).map((name) => [name, v[name]]));
  const run = await csvData(shared, path);
  const { data, kind, y } = run;
  // Each setting and seed through train's parsers, then checked as its fits will check it (no row read):
  // a bad value is refused by its flag before the search's first line.
  const trialOf = (setting: Setting, seed: number): TrialSpec => {
    const flags = { ...shared, ...setting, seed: String(seed) };
    const { spec, fit } = csvSettings(flags, run);
    const options = csvFitOptions(flags, run, fit);
    const model = { ...spec, seed };
    try {
      checkTrialFit(checkSpec(model), options);
    } catch (e) {
      // named by the grid flag's value of this setting (`--lr 0: learningRate: …`), not the list of them
      throw inFlagWords(e, setting);
    }
    return { model, fit: options };
  };
  const trials = grid.flatMap((setting) => seeds.map((seed) => trialOf(setting, seed)));
  const loss = lossName(trials[0]!.model.loss);
  const metric = v.metric === undefined ? 'loss' : checkMetric('--metric', v.metric, loss);
  if (folds !== undefined && folds > data.rows) fail('--folds', `${folds} folds need at least ${folds} rows; ${run.source.name} has ${data.rows}`);

  const fits = trials.length * (folds ?? 1);
  // As the library resolves it (src/node.ts counts the cores 'auto' may use).
  const workers = Math.min(threads === 'auto' ? availableParallelism() : threads, fits);
  // With --json standard output is the one object at the end: the words for a reader are left out
  const json = v.json === true;
  const say = json ? () => {} : (text: string) => console.log(text);
  say(`${run.source.name}: ${count(data.rows, 'row')}; ${count(data.features.length, 'feature')} → ${data.targets.join(', ')} (${kind})`);
  say(`${count(grid.length, 'setting')} × ${count(seeds.length, 'seed')}${folds ? ` × ${folds} folds` : ''} = ${count(fits, 'fit')} on ${count(workers, 'worker')}\n`);
  const rare = folds === undefined || kind === 'regression' || data.targets.length > 1 ? undefined : rareClass(data.y, data.classes ?? ['0', '1'], folds);
  const missing = missingClass(data);
  if (missing) say(`hint: ${missing}\n`);
  if (rare) say(`hint: class ${rare.label} has ${count(rare.rows, 'row')}, fewer than the ${folds} folds: ${count(folds! - rare.rows, 'fold holds', 'folds hold')} none of it out, where a metric of it (its recall, F1) counts 0${rare.rows >= 2 ? `; --folds ${rare.rows} holds one out in each` : ''}\n`);
  const bar = new TrialsBar(!json && process.stdout.isTTY === true);
  let results: TrialResult[][];
  try {
    results = await runTrials(data.x, y, trials, { folds, validationSplit: split, threads, onTrialEnd: (done, total) => bar.update(done, total) });
  } finally {
    bar.stop();
  }
  const rows = rankRows(grid.map((setting, s) => ({ setting, trials: results.slice(s * seeds.length, (s + 1) * seeds.length).flat() })), metric);

  const columns = Object.keys(grid[0]!);
  const command = (setting: Setting, seed: number | string, fold: number | string | undefined) => trainCommand(v, path, { ...setting, seed: String(seed), ...(folds ? { folds: String(folds), fold: String(fold) } : {}) });
  const placeholders = Object.fromEntries(columns.map((c) => [c, c.toUpperCase().replace('-', '_')]));
  say(`each fit is: ${command(placeholders, 'SEED', folds ? 'FOLD' : undefined)}`);
  say(`  (${columns.length ? `${columns.map((c) => placeholders[c]).join(', ')} from its row; ` : ''}SEED from ${seeds.join(', ')}${folds ? `; FOLD from 0 to ${folds - 1}` : ''})\n`);
  const better = SEARCH_METRICS[metric].better === 'lower' ? 'lower is better' : 'higher is better';
  const scaled = metric === 'loss' && trials[0]!.fit.standardizeTarget ? ' of the standardized target' : '';
  say(table(['rank', ...columns, `validation ${metric}${scaled} (${better})`, 'fits'], rows.map((r) => [
    String(r.rank), ...columns.map((c) => r.setting[c]!), meanText(r.mean, r.std, r.trials), String(r.trials.length),
  ])));

  const best = rows[0]!;
  const tableCsv = () => formatCsv(
    ['rank', ...columns, 'seed', ...(folds ? ['fold'] : []), 'epochs', 'val_loss', ...(metric === 'loss' ? [] : [`val_${metric}`]), `${metric}_mean`, `${metric}_std`, 'diverged', 'command'],
    rows.flatMap((r) => r.trials.map((t) => [
      r.rank, ...columns.map((c) => r.setting[c]!), t.seed, ...(folds ? [t.fold!] : []), t.epochs, String(t.loss),
      ...(metric === 'loss' ? [] : [t.metrics ? String((t.metrics as unknown as Record<string, number>)[metric]) : 'NaN']),
      String(r.mean), String(r.std), t.diverged ?? '', command(r.setting, t.seed, t.fold),
    ])),
  );
  // The table is written before the model is retrained for --save, which can take as long as a fit of
  // every row: a Ctrl-C then keeps the search's result (the model's file is not begun).
  let { written, failed } = await writeOutputs(outputs.filter((o) => o.flag === '--out').map((output) => ({ output, text: tableCsv })));
  // The best setting retrained on every row, as train trains it with the flags it prints: no row is left
  // to validate on, so nothing stops early, and a plateau of the validation loss is not watched (Keras's
  // ReduceLROnPlateau does nothing without its monitor; train refuses to watch what it lacks).
  const save = outputs.find((o) => o.flag === '--save');
  // The model saved, once its file is written: what --json reports
  let saved: { file: string; command: string } | null = null;
  if (save && Number.isNaN(best.mean)) failed.push('--save: every setting diverged in at least one fit; no model was saved');
  else if (save) {
    const plateau = trialOf(best.setting, seeds[0]!).fit.reduceLROnPlateau;
    const unwatched: Values = { 'early-stopping': undefined, ...((plateau?.monitor ?? 'val_loss').startsWith('val_') ? { 'reduce-lr-on-plateau': undefined } : {}) };
    const flags = { ...shared, ...best.setting, seed: String(seeds[0]), ...unwatched };
    const { spec, fit } = csvSettings(flags, run);
    const options = csvFitOptions(flags, run, fit);
    const savedCommand = trainCommand({ ...v, ...unwatched, 'validation-split': undefined }, path, { ...best.setting, seed: String(seeds[0]) });
    say(`\nthe model saved is rank 1 retrained on every row: ${savedCommand}`);
    const model = new Model({ ...spec, seed: fit.seed });
    const progress = new Progress(fit.epochs!, data.rows, !json && process.stdout.isTTY === true);
    let history: History;
    try {
      history = await model.fit(data.x, y, { ...options, onEpochEnd: (epoch, logs) => progress.epochEnd(epoch, logs) });
    } finally {
      progress.stop();
    }
    const training = { ...trainingRecord(flags, { ...run, fingerprint: rowsFingerprint([data.x, y, data.weights]), fit, options }, history.loss.length, undefined), search: { metric, mean: best.mean, std: best.std } };
    const file = await writeOutputs([{ output: save, text: () => modelToText(model, { ...columnsOf(data, options.threshold), training }) }]);
    [written, failed] = [written.concat(file.written), failed.concat(file.failed)];
    if (file.written.length) saved = { file: save.path, command: savedCommand };
  }
  if (json) {
    // (NaN, a diverged fit's loss or a setting's mean, is null in JSON; `diverged` says why)
    console.log(JSON.stringify({
      data: { file: run.source.name, rows: data.rows, features: data.features, target: data.target, targets: data.targets, task: kind, classes: data.classes ?? null },
      fits, workers, metric, better: SEARCH_METRICS[metric].better, folds: folds ?? null, validationSplit: split ?? null, seeds,
      rows: rows.map((r) => ({
        rank: r.rank, setting: r.setting, mean: r.mean, std: r.std,
        fits: r.trials.map((t) => ({ ...t, command: command(r.setting, t.seed, t.fold) })),
      })),
      saved,
      written,
    }));
  } else if (written.length) console.log(`\nwrote ${written.join(', ')}`);
  if (failed.length) throw new BackpropError('search', `${failed.join('; ')}${written.length ? `; wrote ${written.join(', ')}` : ''}`);
}

/** Every combination of the grid flags' values, the first flag varying slowest; a flag not given is left to train's default. */
function gridOf(v: Values, moreLayers: string[]): Setting[] {
  let settings: Setting[] = [{}];
  for (const flag of ['layers', 'lr', 'optimizer', 'batch-size']) {
    if (v[flag] === undefined) continue;
    const values = flag === 'layers' ? layerLists(v.layers, moreLayers) : list(flag, v[flag])!;
    values.forEach((value, i) => {
      if (value === '') fail(`--${flag}`, `value ${i + 1} is empty; expected a comma-separated list like ${GRID_FLAGS[flag]!.value}`);
    });
    // Every value read as train reads it, before any is checked in its setting (`--lr 0,abc` names "abc").
    if (flag === 'optimizer') for (const value of values) oneOf('--optimizer', value, OPTIMIZERS);
    // A value is the setting it gives: 0.01 and 1e-2 are one learning rate, 8,1 and 08,1 one network.
    const said = values.map((value) => (flag === 'optimizer' ? value : flag === 'layers' ? (LAYER_LIST.test(value) ? value.split(',').map(Number).join(',') : value) : String(number(flag, value))));
    said.forEach((setting, i) => {
      const first = said.indexOf(setting);
      if (first < i) fail(`--${flag}`, `${values[i] === values[first] ? values[i] : `${values[first]} and ${values[i]}`} ${values[i] === values[first] ? 'is listed twice' : 'are one value'}; each value once`);
    });
    settings = settings.flatMap((s) => values.map((value) => ({ ...s, [flag]: value })));
  }
  return settings;
}

function layerLists(text: string | boolean | undefined, more: string[]): string[] {
  if (typeof text !== 'string' || text.trim() === '') fail('--layers', 'expected lists of units like 8,1 16,8,1');
  return [...text.trim().split(/\s+/), ...more];
}

/** The class with the fewest rows (`y`: class indices), when it has fewer than `folds`: stratified folds cannot each hold one out. */
function rareClass(y: Float64Array, classes: readonly string[], folds: number): { label: string; rows: number } | undefined {
  const rows = new Array<number>(classes.length).fill(0);
  for (const k of y) rows[k]!++;
  let fewest = 0;
  for (let k = 1; k < rows.length; k++) if (rows[k]! < rows[fewest]!) fewest = k;
  return rows[fewest]! < folds ? { label: classes[fewest]!, rows: rows[fewest]! } : undefined;
}

/** `--seeds 0-4`, `0,3,7`, `0-2,9`: whole numbers ≥ 0, each once. */
function seedList(text: string | boolean | undefined): number[] {
  if (text === undefined) return [0];
  const seeds: number[] = [];
  for (const part of list('seeds', text)!) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) fail('--seeds', `expected whole numbers ≥ 0 or ranges like 0-4, got ${show(part)}`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) fail('--seeds', `${part} is too large for a seed`);
    if (to < from) fail('--seeds', `the range ${part} runs backwards; write ${to}-${from}`);
    if (to - from >= 10_000) fail('--seeds', `${part} is ${to - from + 1} seeds; a search of that many is not what was meant`);
    for (let s = from; s <= to; s++) {
      if (seeds.includes(s)) fail('--seeds', `seed ${s} is listed twice; each seed once`);
      seeds.push(s);
    }
  }
  return seeds;
}

/** The `backprop train` command of one fit: the search's shared flags as given, then the fit's own. */
function trainCommand(v: Values, path: string | undefined, own: Record<string, string | undefined>): string {
  const words = ['backprop', 'train', ...(path === undefined ? [] : [path])];
  for (const name of Object.keys(SHARED)) {
    const value = v[name];
    if (value === true) words.push(`--${name}`);
    else if (typeof value === 'string') words.push(`--${name}`, value);
  }
  if (typeof v['validation-split'] === 'string') words.push('--validation-split', v['validation-split']);
  for (const [name, value] of Object.entries(own)) if (value !== undefined) words.push(`--${name}`, value);
  return words.map(shellWord).join(' ');
}

/** A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w.,:/=+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function meanText(mean: number, std: number, trials: TrialResult[]): string {
  const diverged = trials.filter((t) => t.diverged).length;
  return diverged ? `diverged in ${diverged} of ${count(trials.length, 'fit')}` : `${num(mean, 4)} ± ${num(std, 2)}`;
}

/** A bar over the fits, on stdout when it is a terminal. */
class TrialsBar {
  private bar: cliProgress.SingleBar | undefined;
  private readonly interrupt = () => { this.stop(); process.exit(130); };

  constructor(private readonly enabled: boolean) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar({ format: 'fits {value}/{total} {bar} {percentage}% | eta {eta_formatted}', barsize: 24, hideCursor: true, stream: process.stdout }, cliProgress.Presets.shades_classic);
      this.bar.start(total, done);
      process.once('SIGINT', this.interrupt);
    } else {
      this.bar.update(done);
    }
  }

  stop(): void {
    if (!this.bar) return;
    this.bar.stop();
    this.bar = undefined;
    process.off('SIGINT', this.interrupt);
  }
}
