import Papa from 'papaparse';
import { fail, show } from './errors.js';

/** A CSV file as text: the header's column names and each data row's cells, with the file line each row starts on. */
export interface CsvTable {
  columns: string[];
  rows: string[][];
  /** File line (counting from 1, the header is line 1) of each row, for messages. */
  lines: number[];
}

/** The numbers a model trains on, taken from a CSV by column name. */
export interface CsvData {
  features: string[];
  target: string;
  /** rows × features, row-major. */
  x: Float64Array;
  /** One target per row. */
  y: Float64Array;
  rows: number;
  table: CsvTable;
}

export interface CsvDataOptions {
  /** The column to learn. */
  target: string;
  /** The input columns (default: every column but the target). */
  features?: readonly string[];
  /** `'classification'` checks that every target is 0 or 1. */
  task?: Task;
  /** Names the file in messages (default 'csv'). */
  source?: string;
}

export type Task = 'regression' | 'classification';

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

/** Parses CSV text and takes the features and the target as numbers, checking every cell used. */
export function readCsv(text: string, options: CsvDataOptions): CsvData {
  const source = options.source ?? 'csv';
  const table = parseCsv(text, source);
  if (typeof options.target !== 'string' || options.target === '') fail('target', `expected the name of a column, one of ${table.columns.join(', ')}`);
  const target = options.target;
  const features = options.features ? [...options.features] : table.columns.filter((c) => c !== target);
  if (features.length === 0) fail('features', `${source} has no columns besides the target ${JSON.stringify(target)}`);
  if (features.includes(target)) fail('features', `the target ${JSON.stringify(target)} cannot also be a feature`);
  const twice = options.features?.find((f, i) => features.indexOf(f) !== i);
  if (twice !== undefined) fail('features', `${JSON.stringify(twice)} is listed twice`);
  const y = numericColumns(table, [target], source);
  if (options.task === 'classification') {
    const t = table.columns.indexOf(target);
    const bad = table.rows.flatMap((cells, r) => (y[r] === 0 || y[r] === 1 ? [] : [`line ${table.lines[r]} has ${cells[t]!.trim()}`]));
    if (bad.length) {
      fail(source, `classification needs target ${JSON.stringify(target)} to be 0 or 1; ${bad.length} row${bad.length === 1 ? ' is' : 's are'} not: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', …' : ''}`);
    }
  }
  return { features, target, x: numericColumns(table, features, source), y, rows: table.rows.length, table };
}

/** The task a target's values suggest: classification when every value is 0 or 1. */
export function inferTask(y: Float64Array): Task {
  return y.every((v) => v === 0 || v === 1) ? 'classification' : 'regression';
}

/** Rows back to CSV text (quoting cells that need it), with CRLF-free `\n` line ends. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return Papa.unparse({ fields: [...columns], data: rows.map((r) => [...r]) }, { newline: '\n' }) + '\n';
}
