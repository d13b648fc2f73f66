import Papa from 'papaparse';
import { canonicalLabel, checkClasses, oneHot, sortedClasses } from './classes.js';
import { fail, oneOf, show } from './errors.js';

/** A CSV file as text: the header's column names and each data row's cells, with the file line each row starts on. */
export interface CsvTable {
  columns: string[];
  rows: string[][];
  /** File line (counting from 1, the header is line 1) of each row, for messages. */
  lines: number[];
}

/** What a model trains on, taken from a CSV by column name. */
export interface CsvData {
  features: string[];
  /** The first (usually the only) target column. */
  target: string;
  /** Every target column, in order: several for a regression with several outputs. */
  targets: string[];
  /** The task the target was read for: the one asked for, or the one its values suggest (see readCsv). */
  task: Task;
  /** rows × features, row-major. */
  x: Float64Array;
  /** rows × targets, row-major; when `classes` is set, each row's class index into `classes`. */
  y: Float64Array;
  /**
   * Set when the target was read as class labels (a classifier over k ≥ 2 classes, a softmax output):
   * the labels, sorted (src/classes.ts sortedClasses), or the ones the caller gave. Unset for
   * regression and for 0/1 classification (a sigmoid output).
   */
  classes?: string[];
  /** With `classes` and `oneHot: true`: y as one-hot rows, rows × classes (for categoricalCrossentropy). */
  oneHot?: Float64Array;
  rows: number;
  table: CsvTable;
}

/** Which columns `readCsv` (and `readCsvFile`) read as features and target, and how. */
export interface CsvDataOptions {
  /** The column to learn, or several columns (a regression with one output per column). */
  target: string | readonly string[];
  /** The input columns (default: every column but the targets). */
  features?: readonly string[];
  /**
   * 'regression': numbers. 'classification': 0 and 1 (y as they are), or else class labels — text, or
   * integers — read as `classes`. Default: class labels when every target cell is text, else the
   * numbers' task (inferTask: 'classification' when every value is 0 or 1).
   */
  task?: Task;
  /**
   * The labels a model already knows (its file's `classes`): the target is read as these classes, in
   * this order, and a label outside them is an error naming its line. Implies 'classification'.
   */
  classes?: readonly string[];
  /** With class labels: also return y as one-hot rows in `oneHot`. */
  oneHot?: boolean;
  /** Names the file in messages (default 'csv'). */
  source?: string;
}

/** Classification covers 0/1 targets (one sigmoid output) and k ≥ 2 class labels (`classes`, a softmax output). */
export type Task = 'regression' | 'classification';
/** The tasks a CSV target can be read as. */
export const TASKS = ['regression', 'classification'] as const satisfies readonly Task[];

/**
 * Parses comma-separated text with a header row: quoted fields (with commas, quotes and line
 * breaks inside), LF or CRLF line ends and a byte-order mark are handled; blank lines are skipped.
 * Every row must have as many cells as the header.
 */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  if (typeof text !== 'string') fail(source, `expected CSV text, got ${show(text)}`);
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter: ',' });
  const broken = parsed.errors.find((e) => e.type === 'Quotes');
  const linebreak = parsed.meta.linebreak || '\n';
  // A row spans one line plus the line breaks inside its quoted cells.
  let line = 1;
  const records: { cells: string[]; line: number }[] = [];
  for (const cells of parsed.data) {
    if (!(cells.length === 1 && cells[0]!.trim() === '')) records.push({ cells, line });
    line += 1 + cells.reduce((n, c) => n + c.split(linebreak).length - 1, 0);
  }
  if (broken) {
    const at = records[broken.row ?? 0]?.line ?? 1;
    fail(source, `line ${at}: a quoted field is never closed (${broken.message.toLowerCase()}); the file may be truncated`);
  }
  const header = records.shift();
  if (!header) fail(source, 'is empty; expected a header row of column names and rows of numbers');
  const columns = header.cells.map((c) => c.trim());
  columns.forEach((name, c) => {
    if (name === '') fail(source, `line ${header.line}: column ${c + 1} of the header has no name`);
  });
  if (records.length === 0) fail(source, `has a header (${columns.join(', ')}) but no data rows`);
  for (const { cells, line: at } of records) {
    if (cells.length !== columns.length) {
      fail(source, `line ${at} has ${cells.length} cell${cells.length === 1 ? '' : 's'}; the header has ${columns.length} columns (${columns.join(', ')})`);
    }
  }
  return { columns, rows: records.map((r) => r.cells), lines: records.map((r) => r.line) };
}

/** The named columns as finite numbers, rows × names, row-major. */
export function numericColumns(table: CsvTable, names: readonly string[], source = 'csv'): Float64Array {
  const at = names.map((name) => columnIndex(table, name, source));
  const out = new Float64Array(table.rows.length * names.length);
  table.rows.forEach((cells, r) => {
    at.forEach((c, j) => { out[r * names.length + j] = cellNumber(cells[c]!, table.lines[r]!, names[j]!, source); });
  });
  return out;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number written in decimal, as `1`, `-0.5`, `2e-3` (not `0x10`, `Infinity` or ``). */
export function isDecimal(text: string): boolean {
  return NUMBER.test(text);
}

function cellNumber(text: string, line: number, column: string, source: string): number {
  const t = text.trim();
  const v = isDecimal(t) ? Number(t) : NaN;
  if (!Number.isFinite(v)) {
    fail(source, `line ${line}, column ${JSON.stringify(column)}: expected a finite number, got ${t === '' ? 'an empty cell' : JSON.stringify(text)}`);
  }
  return v;
}

function columnIndex(table: CsvTable, name: string, source: string): number {
  const c = table.columns.indexOf(name);
  if (c < 0) {
    const hint = table.columns.length === 1 && /[;\t|]/.test(table.columns[0]!) ? ' (only commas separate columns)' : '';
    fail(source, `has no column ${JSON.stringify(name)}; its columns are ${table.columns.map((n) => JSON.stringify(n)).join(', ')}${hint}`);
  }
  if (table.columns.indexOf(name, c + 1) >= 0) fail(source, `has two columns named ${JSON.stringify(name)}; rename one`);
  return c;
}

/**
 * Parses CSV text and takes the features and the targets, checking every cell used. Class labels
 * (task 'multiclass') become indices into the sorted labels, or into `options.classes` when given.
 */
export function readCsv(text: string, options: CsvDataOptions): CsvData {
  const source = options.source ?? 'csv';
  const table = parseCsv(text, source);
  const targets = targetNames(table, options.target, source);
  const features = options.features ? [...options.features] : table.columns.filter((c) => !targets.includes(c));
  if (features.length === 0) fail('features', `${source} has no columns besides the target ${targets.map((t) => JSON.stringify(t)).join(', ')}`);
  const clash = features.find((f) => targets.includes(f));
  if (clash !== undefined) fail('features', `the target ${JSON.stringify(clash)} cannot also be a feature`);
  const twice = options.features?.find((f, i) => features.indexOf(f) !== i);
  if (twice !== undefined) fail('features', `${JSON.stringify(twice)} is listed twice`);
  const x = numericColumns(table, features, source);
  const given = options.task === undefined ? undefined : oneOf('task', options.task, TASKS);
  if (options.classes !== undefined && given === 'regression') fail('classes', 'are class labels, for classification; got task \'regression\'');
  const target = targets[0]!;
  const labels = (): CsvData => {
    if (targets.length > 1) fail('target', `class labels are read from one column; got ${targets.length} (${targets.join(', ')})`);
    const { classes, y } = classColumn(table, target, source, options.classes);
    const hot = options.oneHot ? { oneHot: oneHot(y, classes.length) } : {};
    return { features, target, targets, task: 'classification', x, y, classes, ...hot, rows: table.rows.length, table };
  };
  if (options.classes !== undefined || (given !== 'regression' && textColumn(table, targets, source, given))) return labels();
  const y = numericColumns(table, targets, source);
  if (given === 'classification' && !y.every((v) => v === 0 || v === 1)) {
    if (targets.length === 1 && y.every(Number.isInteger)) return labels();
    const bad = table.rows.flatMap((cells, r) => targets.flatMap((name, j) => {
      const v = y[r * targets.length + j]!;
      return targets.length === 1 ? (Number.isInteger(v) ? [] : [`line ${table.lines[r]} has ${cells[table.columns.indexOf(name)]!.trim()}`])
        : v === 0 || v === 1 ? [] : [`line ${table.lines[r]} has ${cells[table.columns.indexOf(name)]!.trim()} in ${JSON.stringify(name)}`];
    }));
    const want = targets.length === 1 ? `target ${JSON.stringify(target)} to be class labels (text, or integers such as 0 and 1)` : `every target (${targets.join(', ')}) to be 0 or 1`;
    fail(source, `classification needs ${want}; ${bad.length} row${bad.length === 1 ? ' is' : 's are'} not: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}`);
  }
  return { features, target, targets, task: given ?? inferTask(y), x, y, rows: table.rows.length, table };
}

/** The target option as a list of distinct column names. */
function targetNames(table: CsvTable, target: unknown, source: string): string[] {
  const names = typeof target === 'string' ? [target] : Array.isArray(target) ? [...target] as unknown[] : [];
  if (names.length === 0 || names.some((n) => typeof n !== 'string' || n === '')) fail('target', `expected the name of a column (or a list of names), one of ${table.columns.join(', ')}; got ${show(target)}`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail('target', `${JSON.stringify(twice)} is listed twice`);
  for (const name of names as string[]) columnIndex(table, name, source);
  return names as string[];
}

/** Cells that read as text: not empty, not a number, not NaN or Infinity (those are numbers gone wrong). */
function isText(cell: string): boolean {
  const t = cell.trim();
  return t !== '' && !NUMBER.test(t) && !/^[+-]?(nan|inf(inity)?)$/i.test(t);
}

/**
 * Whether the target holds class labels: one column whose cells are all text, or (when the caller
 * asked for classification) some text. A column mixing numbers and text stays numeric, so that
 * numericColumns names its first text cell: a typo in a numeric column must not turn it into classes.
 */
function textColumn(table: CsvTable, targets: string[], source: string, given: Task | undefined): boolean {
  const text = targets.map((name) => {
    const c = columnIndex(table, name, source);
    return table.rows.map((cells) => isText(cells[c]!));
  });
  if (!text.some((column) => column.includes(true))) return false;
  if (targets.length > 1) {
    if (given === 'classification') fail('target', `class labels are read from one column; got ${targets.length} (${targets.join(', ')})`);
    return false;
  }
  return given === 'classification' || text[0]!.every(Boolean);
}

/**
 * A column of class labels as each row's class index. Without `known`, the classes are the column's
 * sorted distinct labels (at least two); with `known` (a model's labels), those, and a label
 * outside them is an error naming its line.
 */
export function classColumn(table: CsvTable, name: string, source = 'csv', known?: readonly string[]): { classes: string[]; y: Float64Array } {
  const c = columnIndex(table, name, source);
  const cells = table.rows.map((row, r) => {
    const label = canonicalLabel(row[c]!);
    if (label === '') fail(source, `line ${table.lines[r]}, column ${JSON.stringify(name)}: expected a class label, got an empty cell`);
    return label;
  });
  const classes = known === undefined ? sortedClasses(cells) : checkClasses('classes', known);
  if (classes.length === 1) fail(source, `column ${JSON.stringify(name)} has only one value, ${JSON.stringify(classes[0])}; a classifier needs at least two`);
  const index = new Map(classes.map((label, k) => [canonicalLabel(label), k]));
  const y = new Float64Array(cells.length);
  cells.forEach((label, r) => {
    const k = index.get(label);
    if (k === undefined) {
      fail(source, `line ${table.lines[r]} (row ${r + 1}), column ${JSON.stringify(name)}: the label ${JSON.stringify(label)} was not seen in training; the model knows ${classes.map((l) => JSON.stringify(l)).join(', ')}`);
    }
    y[r] = k;
  });
  return { classes, y };
}

/** The task numeric targets suggest: classification when every value is 0 or 1, else regression (class labels are read by readCsv). */
export function inferTask(y: Float64Array): Task {
  return y.every((v) => v === 0 || v === 1) ? 'classification' : 'regression';
}

/** Rows back to CSV text (quoting cells that need it), with CRLF-free `\n` line ends. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return Papa.unparse({ fields: [...columns], data: rows.map((r) => [...r]) }, { newline: '\n' }) + '\n';
}
