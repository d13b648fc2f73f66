import { canonicalLabel, checkClasses, oneHot, sortedClasses } from './classes.js';
import { count, fail, knownKeys, numberList, oneOf, show } from './errors.js';

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
  /** Each row's weight, from the `weight` column when one was asked for. */
  weights?: Float64Array;
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
  /** A column of row weights (Keras's sample_weight, each a number ≥ 0), returned as `weights` and not read as a feature. */
  weight?: string;
}

/** The options readCsv takes, by name (readCsvFile takes them but `source`: the path names the file). */
export const DATA_OPTIONS = ['target', 'features', 'task', 'classes', 'oneHot', 'source', 'weight'];

/** Classification covers 0/1 targets (one sigmoid output) and k ≥ 2 class labels (`classes`, a softmax output). */
export type Task = 'regression' | 'classification';
/** The tasks a CSV target can be read as. */
export const TASKS = ['regression', 'classification'] as const satisfies readonly Task[];

const QUOTE = 34, COMMA = 44, LF = 10, CR = 13, SPACE = 32, TAB = 9;
/**
 * Where the splitter is: before a cell's first character, in an unquoted cell, in a quoted one, just
 * after a quote inside a quoted one, in the spaces after a quoted cell's closing quote.
 */
const START = 0, PLAIN = 1, QUOTED = 2, CLOSED = 3, TRAILING = 4;

/**
 * Splits comma-separated text with a header row, fed in pieces of any size (a file as it streams),
 * into rows of cells, calling `onHeader` with the column names and `onRow` with each data row as
 * its row ends; no row is kept. Quoted cells (with commas, doubled quotes and line breaks inside, and
 * spaces around the quotes, as in `a, "b, c"`), `\r\n`, `\n` and `\r` line ends, mixed in one file, and a
 * byte-order mark are handled; blank lines are skipped. Every row must have as many cells as the header.
 *
 * Hand-written rather than papaparse's: papaparse splits rows on one line break per file (the first
 * it sees), so a CRLF file with one LF line merged two rows; its line numbers had to be counted
 * again from the cells; and it gives no row's text as written (predict passes rows through). On
 * 100,000 rows × 20 numbers this splits as fast as papaparse's step mode (about 0.2 s here).
 */
export class CsvRows {
  /** The header's column names, once read. */
  columns: string[] | undefined;
  /** Data rows so far. */
  rows = 0;
  private state = START;
  /** The current cell's text from earlier pieces (and a quoted cell's text up to a doubled quote). */
  private cell = '';
  private cells: string[] = [];
  /** The file line being read, and the one the current row started on. */
  private line = 1;
  private rowLine = 1;
  private last = 0;
  private started = false;

  constructor(
    readonly source: string,
    /** `text`: the row as written, when it is one line without quotes (the usual row), for output that passes it through. */
    private readonly onRow: (cells: string[], line: number, row: number, text?: string) => void,
    private readonly onHeader: (columns: string[]) => void = () => {},
  ) {}

  /** Reads the next piece of the text. */
  write(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      // A model file (or any JSON) given where data was meant: its `{` would be read as a column's name
      if (/^\s*\{/.test(text)) fail(this.source, 'starts with "{": this is JSON, not CSV; expected a header row of column names, then rows of numbers');
    }
    let { state, cell, line, last } = this;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      // The usual row, a line without quotes or CRs, is split by the engine's own split.
      if (state === START && this.cells.length === 0 && cell === '') {
        const end = text.indexOf('\n', i);
        const plain = end > i ? text.slice(i, end) : '';
        if (plain !== '' && plain.indexOf('"') < 0 && plain.indexOf('\r') < 0) {
          this.cells = plain.split(',');
          this.endRow(plain);
          this.rowLine = ++line;
          i = end;
          from = end + 1;
          last = LF;
          continue;
        }
      }
      const c = text.charCodeAt(i);
      if (state === QUOTED) {
        if (c === QUOTE) {
          cell += text.slice(from, i);
          state = CLOSED;
        } else if (c === CR || (c === LF && last !== CR)) line++;
      } else if (c === COMMA) {
        this.cells.push(state >= CLOSED ? cell : cell + text.slice(from, i));
        cell = '';
        from = i + 1;
        state = START;
      } else if (c === CR || c === LF) {
        // The LF of a CRLF: the CR ended the row.
        if (!(c === LF && last === CR)) {
          this.cells.push(state >= CLOSED ? cell : cell + text.slice(from, i));
          this.endRow();
          line++;
          this.rowLine = line;
        }
        cell = '';
        from = i + 1;
        state = START;
      } else if (state >= CLOSED) {
        // Spaces after the closing quote (`"b, c" ,`) end the cell as the comma would; a doubled quote goes on with it
        if (c === SPACE || c === TAB) state = TRAILING;
        else if (c !== QUOTE || state === TRAILING) {
          fail(this.source, `line ${line}, column ${this.cells.length + 1}: a quoted cell goes on after its closing quote (${JSON.stringify(cell + text.slice(i, i + 10))}…); quote the whole cell and double each quote inside it ("")`);
        } else {
          cell += '"';
          state = QUOTED;
        }
        from = i + 1;
      } else if (state === START) {
        if (c === QUOTE) from = i + 1;
        state = c === QUOTE ? QUOTED : PLAIN;
      } else if (c === QUOTE && isBlank(cell, text, from, i)) {
        // A quote after nothing but spaces opens a quoted cell (`a, "b, c"`): the spaces are not part of it
        cell = '';
        from = i + 1;
        state = QUOTED;
      }
      last = c;
    }
    if (state < CLOSED) cell += text.slice(from);
    Object.assign(this, { state, cell, line, last });
  }

  /** The end of the text: the last row, and the checks only the end can make. */
  end(): void {
    if (this.state === QUOTED) fail(this.source, `line ${this.rowLine}: a quoted field is never closed; the file may be truncated`);
    if (this.state !== START || this.cell !== '' || this.cells.length > 0) {
      this.cells.push(this.cell);
      this.endRow();
    }
    if (!this.columns) fail(this.source, 'is empty; expected a header row of column names and rows of numbers');
    if (this.rows === 0) fail(this.source, `has a header (${this.columns.join(', ')}) but no data rows`);
  }

  private endRow(text?: string): void {
    const cells = this.cells;
    this.cells = [];
    if (cells.length === 1 && cells[0]!.trim() === '') return;
    const columns = this.columns;
    if (!columns) {
      // UTF-16 (Excel's "Unicode Text") read as UTF-8: a NUL beside every ASCII letter
      if (cells.some((c) => c.includes('\u0000'))) fail(this.source, `line ${this.rowLine} holds NUL characters: the file is not UTF-8 text (UTF-16, as a spreadsheet's "Unicode Text" saves?); save it as CSV UTF-8`);
      // Excel's separator line: `sep=,` splits into "sep=" and an empty name
      if (/^sep=.?$/i.test(cells.join(',').trim())) fail(this.source, `line ${this.rowLine} is a spreadsheet's ${JSON.stringify(cells.join(','))} line, not a header: delete it (only commas separate columns here)`);
      this.columns = cells.map((c) => c.trim());
      this.columns.forEach((name, c) => {
        if (name === '') fail(this.source, `line ${this.rowLine}: column ${c + 1} of the header has no name${c > 0 && c === cells.length - 1 ? ' (a comma at the end of the line, as some spreadsheets write? remove it, from every line)' : ''}`);
      });
      this.onHeader(this.columns);
      return;
    }
    if (cells.length !== columns.length) {
      fail(this.source, `line ${this.rowLine} has ${cells.length} cell${cells.length === 1 ? '' : 's'}; the header has ${columns.length} columns (${columns.join(', ')})`);
    }
    this.onRow(cells, this.rowLine, this.rows++, text);
  }
}

/** Whether an unquoted cell so far (`cell`, then text[from … to)) is only spaces and tabs. */
function isBlank(cell: string, text: string, from: number, to: number): boolean {
  return /^[ \t]*$/.test(cell) && /^[ \t]*$/.test(text.slice(from, to));
}

/**
 * Parses comma-separated text with a header row into its cells (see CsvRows: quoted fields, any
 * mix of line ends, a byte-order mark; blank lines skipped; every row as wide as the header).
 */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  if (typeof source !== 'string') fail('source', `expected the text's name for messages (a string), got ${show(source)}`);
  if (typeof text !== 'string') fail(source, `expected CSV text, got ${show(text)}`);
  const rows: string[][] = [], lines: number[] = [];
  const reader = new CsvRows(source, (cells, line) => { rows.push(cells); lines.push(line); });
  reader.write(text);
  reader.end();
  return { columns: reader.columns!, rows, lines };
}

/** The named columns as finite numbers, rows × names, row-major. */
export function numericColumns(table: CsvTable, names: readonly string[], source = 'csv'): Float64Array {
  checkTable(table, source);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) fail('names', `expected column names (strings), got ${show(names)}`);
  const at = names.map((name) => columnIndex(table.columns, name, source));
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

/**
 * A cell as a finite number, or an error naming the line, the column and the cell. `categories`: a
 * word here likely starts a column of categories rather than being a typo (the first row of a
 * feature taken by default), and the message says what to do with one.
 */
export function cellNumber(text: string, line: number, column: string, source: string, categories = false): number {
  const v = decimal(text);
  if (!Number.isFinite(v)) notNumber(text, line, column, source, categories);
  return v;
}

/**
 * The number a cell writes in decimal (surrounding spaces allowed), else NaN: exactly Number()'s
 * double. The usual cell (at most 15 significant digits, a power of ten within 10^±22) is read in
 * one pass as digits ÷ or × a power of ten, both exact doubles, so the one rounding is the correct
 * one (Clinger's fast path); any other goes through the pattern and Number().
 */
export function decimal(text: string): number {
  const n = text.length;
  let i = 0, negative = false;
  const first = n > 0 ? text.charCodeAt(0) : 0;
  if (first === 45 || first === 43) {
    negative = first === 45;
    i = 1;
  }
  let mantissa = 0, digits = 0, scale = 0, seen = 0, point = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      seen++;
      // Leading zeros add no significant digit
      if (mantissa !== 0 || c !== 48) digits++;
      mantissa = mantissa * 10 + (c - 48);
      if (point) scale--;
    } else if (c === 46 && !point) point = true;
    else break;
  }
  let exponent = 0;
  if (i < n && (text.charCodeAt(i) | 32) === 101 && seen > 0) {
    let j = i + 1, sign = 1;
    const s = j < n ? text.charCodeAt(j) : 0;
    if (s === 45 || s === 43) {
      sign = s === 45 ? -1 : 1;
      j++;
    }
    const start = j;
    for (; j < n && exponent < 1000; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) break;
      exponent = exponent * 10 + (c - 48);
    }
    if (j > start) {
      exponent *= sign;
      i = j;
    }
  }
  const power = scale + exponent;
  if (i === n && seen > 0 && digits <= 15 && power >= -22 && power <= 22) {
    const v = power < 0 ? mantissa / POWERS[-power]! : mantissa * POWERS[power]!;
    return negative ? -v : v;
  }
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : NaN;
}

/** 10⁰ … 10²², each exact as a double. */
const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The error for a cell that is not a number. `categories`: a word here likely starts a column of
 * categories rather than being a typo (see cellNumber); `more`: how many later rows of the column are
 * no number either (known for a target, read to its end before it is checked).
 */
function notNumber(text: string, line: number, column: string, source: string, categories = false, more = 0): never {
  const t = text.trim();
  const also = more > 0 ? `; ${count(more, 'more row')} of the column ${more === 1 ? 'holds' : 'hold'} no number either` : '';
  fail(source, `line ${line}, column ${JSON.stringify(column)}: expected a finite number, got ${t === '' ? 'an empty cell' : JSON.stringify(text)}${numberHint(t, categories)}${also}`);
}

/** What a cell that is not a number may be, and what to do: a decimal comma, or a column of categories. */
function numberHint(t: string, categories: boolean): string {
  if (/^[+-]?\d+(,\d+)+$/.test(t)) return ' (numbers are written with a decimal point and no thousands separator: 1.5, 1234)';
  if (categories && /^\p{L}/u.test(t) && !/^(nan|inf(inity)?)$/i.test(t)) return ' (text: a column of categories is no input as it is; leave it out of the features, or encode it as numbers, a 0/1 column per category)';
  return '';
}

/** What a header of one column holding `;`, a tab or `|` says: the file is split by another character. */
export function separatorHint(columns: readonly string[]): string {
  return columns.length === 1 && /[;\t|]/.test(columns[0]!) ? ' (only commas separate columns)' : '';
}

/** Where column `name` is among `columns`, or an error listing them. */
export function columnIndex(columns: readonly string[], name: string, source: string): number {
  const c = columns.indexOf(name);
  if (c < 0) fail(source, `has no column ${JSON.stringify(name)}; its columns are ${columns.map((n) => JSON.stringify(n)).join(', ')}${separatorHint(columns)}`);
  const again = columns.indexOf(name, c + 1);
  if (again >= 0) fail(source, `has two columns named ${JSON.stringify(name)} (columns ${c + 1} and ${again + 1} of the header); rename one`);
  return c;
}

/** Doubles appended one at a time, kept in blocks so that growing never copies; `done` joins them once. */
export class Floats {
  length = 0;
  private blocks: Float64Array[] = [];
  private block = new Float64Array(0);
  private at = 0;

  push(v: number): void {
    if (this.at === this.block.length) {
      this.block = new Float64Array(1 << 16);
      this.blocks.push(this.block);
      this.at = 0;
    }
    this.block[this.at++] = v;
    this.length++;
  }

  /** The values as one array (the blocks are let go). */
  done(): Float64Array {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const block of this.blocks) {
      const n = Math.min(block.length, this.length - at);
      out.set(n === block.length ? block : block.subarray(0, n), at);
      at += n;
    }
    this.blocks = [];
    this.block = new Float64Array(0);
    return out;
  }
}

/** A cell that is not a finite number, by its trimmed text: where it first appears. */
interface Word {
  id: number;
  line: number;
  /** The cell as written, for messages. */
  raw: string;
}

/**
 * One target column as it streams: each cell's number (NaN for a cell that is not one), the other
 * cells by their trimmed text, and what the end needs to decide between numbers and class labels
 * without a second pass. With `known` labels (a model's), each cell is checked against them as it comes.
 */
class TargetColumn {
  readonly values = new Floats();
  /** Cells that are not numbers, by trimmed text, and each such row's word id in row order. */
  readonly words = new Map<string, Word>();
  readonly wordRows: number[] = [];
  /** Cells that read as text (not empty, not NaN or Infinity). */
  textCells = 0;
  firstWord: Word | undefined;
  /** The first text cell, and the first that is not text (a number, an empty cell, NaN): for a column of labels with a few of those. */
  firstText: string | undefined;
  firstOther: { line: number; text: string } | undefined;
  binary = true;
  integers = true;
  /** Rows whose number is not 0 or 1 (several targets) or not an integer (one), up to 5, for messages. */
  readonly odd: { line: number; text: string }[] = [];
  oddCount = 0;

  constructor(
    readonly name: string,
    readonly source: string,
    private readonly several: boolean,
    private readonly known?: KnownClasses,
  ) {}

  add(cell: string, line: number, row: number): void {
    const v = decimal(cell);
    const t = Number.isFinite(v) ? '' : cell.trim();
    if (this.known) {
      this.values.push(this.knownClass(Number.isFinite(v) ? String(v) : t, line, row));
      return;
    }
    if (Number.isFinite(v)) {
      this.firstOther ??= { line, text: cell.trim() };
      this.values.push(v);
      const binary = v === 0 || v === 1;
      this.binary &&= binary;
      this.integers &&= Number.isInteger(v);
      if (this.several ? !binary : !Number.isInteger(v)) {
        if (this.oddCount++ < 5) this.odd.push({ line, text: cell.trim() });
      }
      return;
    }
    this.values.push(NaN);
    let word = this.words.get(t);
    if (!word) {
      word = { id: this.words.size, line, raw: cell };
      this.words.set(t, word);
    }
    this.firstWord ??= word;
    this.wordRows.push(word.id);
    if (isText(t)) {
      this.textCells++;
      this.firstText ??= t;
    } else this.firstOther ??= { line, text: t };
  }

  /**
   * A column of labels but for a few cells, read without a task: the first of those few is the one
   * to name (a missing label, a NaN, a number), not the first label.
   */
  oddOneOut(): never {
    const { line, text } = this.firstOther!;
    const where = `line ${line}, column ${JSON.stringify(this.name)}`;
    if (text === '') fail(this.source, `${where}: expected a class label, got an empty cell`);
    fail(this.source, `${where}: expected a class label, as in the column's ${this.textCells} other rows of text (${JSON.stringify(this.firstText)}, …), got ${JSON.stringify(text)}; with task classification every cell, numbers too, is read as a label`);
  }

  private knownClass(label: string, line: number, row: number): number {
    if (label === '') fail(this.source, `line ${line}, column ${JSON.stringify(this.name)}: expected a class label, got an empty cell`);
    const k = this.known!.index.get(label);
    if (k === undefined) {
      const classes = this.known!.classes;
      fail(this.source, `line ${line} (row ${row + 1}), column ${JSON.stringify(this.name)}: the label ${JSON.stringify(label)} was not seen in training; the model knows ${classes.map((l) => JSON.stringify(l)).join(', ')}`);
    }
    return k;
  }

  /** Each row's class index into the column's sorted distinct labels (numbers read as labels too). */
  labels(values: Float64Array): { classes: string[]; y: Float64Array } {
    const empty = this.words.get('');
    if (empty) fail(this.source, `line ${empty.line}, column ${JSON.stringify(this.name)}: expected a class label, got an empty cell`);
    // Loops, not spreads: a column of ids has as many distinct labels as rows
    const distinct = new Set<string>();
    for (const t of this.words.keys()) distinct.add(t);
    for (const v of values) if (!Number.isNaN(v)) distinct.add(String(v));
    const classes = sortedClasses(distinct);
    if (classes.length === 1) fail(this.source, `column ${JSON.stringify(this.name)} has only one value, ${JSON.stringify(classes[0])}; a classifier needs at least two`);
    const index = new Map<string, number>();
    for (let k = 0; k < classes.length; k++) index.set(classes[k]!, k);
    const byWord = new Array<number>(this.words.size);
    for (const [t, word] of this.words) byWord[word.id] = index.get(t)!;
    const y = new Float64Array(values.length);
    for (let r = 0, w = 0; r < values.length; r++) y[r] = Number.isNaN(values[r]!) ? byWord[this.wordRows[w++]!]! : index.get(String(values[r]))!;
    return { classes, y };
  }
}

/** A model's class labels, and each one's index by its canonical form (`1.0` is `1`). */
interface KnownClasses {
  classes: string[];
  index: Map<string, number>;
}

function knownClasses(classes: readonly string[]): KnownClasses {
  const checked = checkClasses('classes', classes);
  return { classes: checked, index: new Map(checked.map((label, k) => [canonicalLabel(label), k])) };
}

/** Cells that read as text: not empty, not a number, not NaN or Infinity (those are numbers gone wrong). */
function isText(t: string): boolean {
  return t !== '' && !NUMBER.test(t) && !/^[+-]?(nan|inf(inity)?)$/i.test(t);
}

/**
 * Reads a CSV's features and targets as its text streams in (`write` each piece, then `end`): the
 * features go straight into one Float64Array, checked cell by cell; no row is kept. See readCsv.
 */
export class CsvDataReader {
  private readonly rows: CsvRows;
  private readonly source: string;
  private readonly given: Task | undefined;
  private readonly x = new Floats();
  private features: string[] = [];
  private targets: string[] = [];
  private featureAt: number[] = [];
  private targetAt: number[] = [];
  private weightAt = -1;
  private readonly weights = new Floats();
  private columns: TargetColumn[] = [];

  /** `check` sees the header first (a caller's own message for a missing column). */
  constructor(private readonly options: CsvDataOptions, check?: (columns: string[]) => void) {
    if (typeof options !== 'object' || options === null) fail('options', `expected { target, features, … }, got ${show(options)}`);
    knownKeys('', options, DATA_OPTIONS);
    if (options.source !== undefined && (typeof options.source !== 'string' || options.source === '')) fail('source', `expected a name for the file in messages (a non-empty string), got ${show(options.source)}`);
    if (options.oneHot !== undefined && typeof options.oneHot !== 'boolean') fail('oneHot', `expected true or false, got ${show(options.oneHot)}`);
    const features: unknown = options.features;
    if (features !== undefined && (!Array.isArray(features) || features.some((f) => typeof f !== 'string'))) fail('features', `expected a list of column names, got ${show(features)}`);
    this.source = options.source ?? 'csv';
    this.given = options.task === undefined ? undefined : oneOf('task', options.task, TASKS);
    if (options.classes !== undefined && this.given === 'regression') fail('classes', 'are class labels, for classification; got task \'regression\'');
    const known = options.classes === undefined ? undefined : knownClasses(options.classes);
    this.rows = new CsvRows(this.source, (cells, line, row) => this.row(cells, line, row), (columns) => {
      check?.(columns);
      this.header(columns, known);
    });
  }

  write(text: string): void {
    this.rows.write(text);
  }

  private header(columns: string[], known: KnownClasses | undefined): void {
    const { options, source } = this;
    const targets = targetNames(columns, options.target, source);
    const weight = options.weight;
    if (weight !== undefined && typeof weight !== 'string') fail('weight', `expected a column name, got ${show(weight)}`);
    const features = options.features ? [...options.features] : columns.filter((c) => !targets.includes(c) && c !== weight);
    if (features.length === 0) fail('features', `${source} has no columns besides the target ${targets.map((t) => JSON.stringify(t)).join(', ')}`);
    const clash = features.find((f) => targets.includes(f));
    if (clash !== undefined) fail('features', `the target ${JSON.stringify(clash)} cannot also be a feature`);
    const twice = options.features?.find((f, i) => features.indexOf(f) !== i);
    if (twice !== undefined) fail('features', `${JSON.stringify(twice)} is listed twice`);
    if (known && targets.length > 1) fail('target', `class labels are read from one column; got ${targets.length} (${targets.join(', ')})`);
    if (weight !== undefined && (targets.includes(weight) || features.includes(weight))) fail('weight', `the column ${JSON.stringify(weight)} cannot weigh the rows and also be a ${targets.includes(weight) ? 'target' : 'feature'}`);
    Object.assign(this, {
      weightAt: weight === undefined ? -1 : columnIndex(columns, weight, source),
      features, targets,
      featureAt: features.map((name) => columnIndex(columns, name, source)),
      targetAt: targets.map((name) => columnIndex(columns, name, source)),
      columns: targets.map((name) => new TargetColumn(name, source, targets.length > 1, known)),
    });
  }

  private row(cells: string[], line: number, row: number): void {
    const { featureAt, features, source, x } = this;
    // A feature of text in the first row, where the features were not named: likely a column of categories
    const categories = row === 0 && this.options.features === undefined;
    for (let j = 0; j < featureAt.length; j++) x.push(cellNumber(cells[featureAt[j]!]!, line, features[j]!, source, categories));
    for (let j = 0; j < this.targetAt.length; j++) this.columns[j]!.add(cells[this.targetAt[j]!]!, line, row);
    if (this.weightAt >= 0) {
      const w = cellNumber(cells[this.weightAt]!, line, this.options.weight!, source);
      if (w < 0) fail(source, `line ${line}: the weight ${JSON.stringify(this.options.weight)} is ${w}; expected a number ≥ 0`);
      this.weights.push(w);
    }
  }

  /** The end of the text: the targets read as numbers or as class labels, as readCsv describes. */
  end(): CsvData {
    this.rows.end();
    const { features, targets, given, source, options } = this;
    const rows = this.rows.rows;
    const base = { features, target: targets[0]!, targets, x: this.x.done(), rows, ...(this.weightAt >= 0 ? { weights: this.weights.done() } : {}) };
    const labels = (classes: string[], y: Float64Array): CsvData => ({
      ...base, task: 'classification', y, classes, ...(options.oneHot ? { oneHot: oneHot(y, classes.length) } : {}),
    });
    const columns = this.columns;
    if (options.classes !== undefined) return labels([...options.classes], columns[0]!.values.done());
    const values = columns.map((c) => c.values.done());
    const text = columns.some((c) => c.textCells > 0);
    if (text && given === 'classification' && targets.length > 1) fail('target', `class labels are read from one column; got ${targets.length} (${targets.join(', ')})`);
    // A column mixing numbers and text stays numeric (unless classification was asked for), so that
    // its first text cell is named: a typo in a numeric column must not turn it into classes.
    if (text && given !== 'regression' && targets.length === 1 && (given === 'classification' || columns[0]!.textCells === rows)) {
      const { classes, y } = columns[0]!.labels(values[0]!);
      return labels(classes, y);
    }
    if (text && given === undefined && targets.length === 1 && columns[0]!.textCells * 2 > rows) columns[0]!.oddOneOut();
    const first = columns.reduce<TargetColumn | undefined>((a, c) => (c.firstWord && (!a || c.firstWord.line < a.firstWord!.line) ? c : a), undefined);
    if (first) notNumber(first.firstWord!.raw, first.firstWord!.line, first.name, source, false, first.wordRows.length - 1);
    if (given === 'classification' && !columns.every((c) => c.binary)) {
      if (targets.length === 1 && columns[0]!.integers) {
        const { classes, y } = columns[0]!.labels(values[0]!);
        return labels(classes, y);
      }
      const count = columns.reduce((n, c) => n + c.oddCount, 0);
      const bad = columns.flatMap((c) => c.odd.map((o) => ({ ...o, name: c.name }))).sort((a, b) => a.line - b.line).slice(0, 5)
        .map((o) => `line ${o.line} has ${o.text}${targets.length > 1 ? ` in ${JSON.stringify(o.name)}` : ''}`);
      const want = targets.length === 1 ? `target ${JSON.stringify(targets[0])} to be class labels (text, or integers such as 0 and 1)` : `every target (${targets.join(', ')}) to be 0 or 1`;
      fail(source, `classification needs ${want}; ${count} row${count === 1 ? ' is' : 's are'} not: ${bad.join(', ')}${count > 5 ? ', …' : ''}`);
    }
    const y = values.length === 1 ? values[0]! : interleave(values, rows);
    return { ...base, task: given ?? inferTask(y), y };
  }
}

/** Columns side by side as rows × columns, row-major. */
function interleave(columns: Float64Array[], rows: number): Float64Array {
  const n = columns.length;
  const out = new Float64Array(rows * n);
  columns.forEach((column, j) => { for (let r = 0; r < rows; r++) out[r * n + j] = column[r]!; });
  return out;
}

/**
 * Parses CSV text and takes the features and the targets, checking every cell used. Class labels
 * become indices into the sorted labels, or into `options.classes` when given. (readCsvFile reads
 * a file the same way as it streams.)
 */
export function readCsv(text: string, options: CsvDataOptions): CsvData {
  const reader = new CsvDataReader(options);
  if (typeof text !== 'string') fail(options.source ?? 'csv', `expected CSV text, got ${show(text)}`);
  reader.write(text);
  return reader.end();
}

/** The target option as a list of distinct column names. */
function targetNames(columns: string[], target: unknown, source: string): string[] {
  const names = typeof target === 'string' ? [target] : Array.isArray(target) ? [...target] as unknown[] : [];
  if (names.length === 0 || names.some((n) => typeof n !== 'string' || n === '')) fail('target', `expected the name of a column (or a list of names), one of ${columns.join(', ')}; got ${show(target)}`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail('target', `${JSON.stringify(twice)} is listed twice`);
  for (const name of names as string[]) columnIndex(columns, name, source);
  return names as string[];
}

/**
 * A column of class labels as each row's class index. Without `known`, the classes are the column's
 * sorted distinct labels (at least two); with `known` (a model's labels), those, and a label
 * outside them is an error naming its line.
 */
export function classColumn(table: CsvTable, name: string, source = 'csv', known?: readonly string[]): { classes: string[]; y: Float64Array } {
  checkTable(table, source);
  if (typeof name !== 'string') fail('name', `expected a column name (a string), got ${show(name)}`);
  const c = columnIndex(table.columns, name, source);
  const index = known === undefined ? undefined : knownClasses(known);
  const column = new TargetColumn(name, source, false, index);
  table.rows.forEach((cells, r) => column.add(cells[c]!, table.lines[r]!, r));
  const values = column.values.done();
  return index === undefined ? column.labels(values) : { classes: index.classes, y: values };
}

/** Checks a table given to the library's column readers as parseCsv returns it: its source's name, columns, rows and their lines. */
function checkTable(table: CsvTable, source: unknown): void {
  if (typeof source !== 'string') fail('source', `expected the table's name for messages (a string), got ${show(source)}`);
  const t = table as Partial<Record<keyof CsvTable, unknown>> | null;
  if (typeof t !== 'object' || t === null || !Array.isArray(t.columns) || !Array.isArray(t.rows) || !Array.isArray(t.lines) || t.lines.length !== t.rows.length) {
    fail('table', `expected a table as parseCsv returns it ({ columns, rows, lines }), got ${show(table)}`);
  }
}

/** The task numeric targets suggest: classification when every value is 0 or 1, else regression (class labels are read by readCsv). */
export function inferTask(y: Float64Array): Task {
  numberList('y', y);
  return y.every((v) => v === 0 || v === 1) ? 'classification' : 'regression';
}

/** Rows back to CSV text (quoting cells that need it), with CRLF-free `\n` line ends. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  cellsOf('columns', columns);
  if (!Array.isArray(rows as unknown)) fail('rows', `expected rows of cells (arrays of strings and numbers), got ${show(rows)}`);
  rows.forEach((row, r) => cellsOf(`rows[${r}]`, row));
  return `${csvRow(columns)}\n${formatCsvRows(rows)}`;
}

/** Checks a row of cells to write: an array of strings and numbers (an object's text would be "[object Object]"). */
function cellsOf(field: string, cells: unknown): void {
  if (!Array.isArray(cells)) fail(field, `expected an array of cells (strings and numbers), got ${show(cells)}`);
  cells.forEach((cell: unknown, j) => { if (typeof cell !== 'string' && typeof cell !== 'number') fail(`${field}[${j}]`, `expected a string or a number, got ${show(cell)}`); });
}

/** Rows without a header as CSV text, `\n`-terminated. */
function formatCsvRows(rows: readonly (readonly (string | number)[])[]): string {
  let text = '';
  for (const row of rows) text += `${csvRow(row)}\n`;
  return text;
}

/** One row's cells as CSV, without the line end. */
export function csvRow(cells: readonly (string | number)[]): string {
  let line = '';
  for (let j = 0; j < cells.length; j++) line += j > 0 ? `,${csvCell(cells[j]!)}` : csvCell(cells[j]!);
  return line;
}

/**
 * A cell as CSV writes it: quoted (each quote doubled) when it holds a comma, a quote, a line break
 * or a byte-order mark, or starts or ends with a space, which a reader would trim (papaparse's rule).
 */
function csvCell(cell: string | number): string {
  if (typeof cell === 'number') return String(cell);
  return /[",\r\n\uFEFF]|^ | $/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
