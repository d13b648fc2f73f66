// CSV files on disk (Node): read as they stream, a piece at a time, so that no whole-file string
// and no array of rows is ever built.
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { cellNumber, columnIndex, CsvDataReader, CsvRows, csvRow, DATA_OPTIONS, type CsvData, type CsvDataOptions } from './csv.js';
import { fail, knownOptions } from './errors.js';

const FILE_OPTIONS = DATA_OPTIONS.filter((name) => name !== 'source');

/** How much of a file is read at a time: large enough that reading costs little, small beside any data set worth streaming. */
const PIECE = 1 << 20;

/** Why a file could not be read, as a BackpropError naming it (`why`: what wanted it, appended). */
export function unreadable(path: string, e: unknown, why = ''): never {
  const code = (e as NodeJS.ErrnoException).code;
  return fail(path, `${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot be read (${(e as Error).message})`}${why}`);
}

/**
 * Feeds a UTF-8 file's text to `write` a piece at a time (a character split between pieces is kept
 * whole); `after`, when given, runs after each piece (to write what the piece produced).
 */
export async function streamText(path: string, write: (text: string) => void, after?: () => Promise<void>): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    unreadable(path, e);
  }
  try {
    const buffer = Buffer.allocUnsafe(PIECE);
    const decoder = new StringDecoder('utf8');
    for (;;) {
      let bytes: number;
      try {
        ({ bytesRead: bytes } = await handle.read(buffer, 0, PIECE, null));
      } catch (e) {
        unreadable(path, e);
      }
      if (bytes === 0) break;
      write(decoder.write(buffer.subarray(0, bytes)));
      await after?.();
    }
    write(decoder.end());
  } finally {
    await handle.close();
  }
}

/**
 * Reads a CSV file's features and target (see readCsv) as it streams: the features go straight
 * into one Float64Array. Messages name the file and line. `check` sees the header first.
 */
export async function readCsvFile(path: string, options: Omit<CsvDataOptions, 'source'>, check?: (columns: string[]) => void): Promise<CsvData> {
  // Checked before the spread below, which would read a string's letters as options (and drop a `source`)
  knownOptions(options, FILE_OPTIONS);
  const reader = new CsvDataReader({ ...options, source: path }, check);
  await streamText(path, (text) => reader.write(text));
  return reader.end();
}

/** A CSV file's column names, its header row, read without reading on into the rows. */
export async function readHeader(path: string): Promise<string[]> {
  let columns: string[] = [];
  const read = new Error('header read');
  const rows = new CsvRows(path, () => {}, (names) => {
    columns = names;
    throw read;
  });
  try {
    await streamText(path, (text) => rows.write(text));
    rows.end();
  } catch (e) {
    if (e !== read) throw e;
  }
  return columns;
}

/** What streamBatches calls: with the header, with each batch of rows, after each piece of the file. */
interface BatchHandlers {
  header?(columns: string[]): void;
  /**
   * `x`: the batch's features, rows × features, row-major (a view valid until the call returns);
   * `rows`: each row as CSV text without its line end (as written, or its cells quoted again when
   * it spans lines or holds quotes), for output that passes the rows through.
   */
  batch(x: Float64Array, rows: string[]): void;
  after?(): Promise<void>;
}

/**
 * Streams a CSV file a batch of rows at a time, each feature cell checked as a finite number
 * (messages name the file, line and column). Returns the number of data rows.
 */
export async function streamBatches(path: string, features: readonly string[], size: number, on: BatchHandlers): Promise<number> {
  const inputs = features.length;
  const x = new Float64Array(size * inputs);
  let at: number[] = [];
  let texts: string[] = [];
  const flush = () => {
    if (texts.length > 0) on.batch(x.subarray(0, texts.length * inputs), texts);
    texts = [];
  };
  const rows = new CsvRows(path, (cells, line, _, text) => {
    const base = texts.length * inputs;
    for (let j = 0; j < inputs; j++) x[base + j] = cellNumber(cells[at[j]!]!, line, features[j]!, path);
    texts.push(text ?? csvRow(cells));
    if (texts.length === size) flush();
  }, (columns) => {
    on.header?.(columns);
    at = features.map((name) => columnIndex(columns, name, path));
  });
  await streamText(path, (text) => rows.write(text), on.after);
  rows.end();
  flush();
  return rows.rows;
}
