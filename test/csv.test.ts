import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvRows } from '../src/csv.js';
import { formatCsv, inferTask, parseCsv, readCsv, readCsvFile } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-'));
/** Writes `text` to a file of its own in the temp dir and returns the path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('reading CSV files', () => {
  it('reads quoted fields, CRLF line ends, a byte-order mark and blank trailing lines', async () => {
    const path = file('messy.csv', '\uFEFF"size, m²",rooms,"price"\r\n"50.5",2,100\r\n60,3,"1.2e2"\r\n\r\n\r\n');
    const d = await readCsvFile(path, { target: 'price' });
    expect(d.features).toEqual(['size, m²', 'rooms']);
    expect(Array.from(d.x)).toEqual([50.5, 2, 60, 3]);
    expect(Array.from(d.y)).toEqual([100, 120]);
    expect(d.rows).toBe(2);
  });

  it('reads mixed line ends: a CRLF file with a line added by `echo >>` (LF), and a lone CR', async () => {
    const path = file('mixed.csv', 'x,y\r\n1,2\r\n3,4\r\n');
    writeFileSync(path, '5,6\n', { flag: 'a' }); // what `echo 5,6 >> mixed.csv` appends
    writeFileSync(path, '7,8\r9,10\r\n', { flag: 'a' });
    const d = await readCsvFile(path, { target: 'y' });
    expect(Array.from(d.x)).toEqual([1, 3, 5, 7, 9]);
    expect(Array.from(d.y)).toEqual([2, 4, 6, 8, 10]);
    expect(parseCsv('a\r\n1\n2\r3\r\n4').lines).toEqual([2, 3, 4, 5]);
  });

  it('counts file lines past line breaks inside quoted cells and skipped blank lines', () => {
    const t = parseCsv('a,note,b\n1,"two\nlines",2\n\n3,x,4\n');
    expect(t.lines).toEqual([2, 5]);
    expect(() => readCsv('a,note,b\n1,"two\nlines",2\n\n3,x,oops\n', { target: 'b', features: ['a'] }))
      .toThrow('csv: line 5, column "b": expected a finite number, got "oops"');
  });

  it('takes the features named, in the order named', () => {
    const d = readCsv('a,b,c,y\n1,2,3,0\n4,5,6,1\n', { target: 'y', features: ['c', 'a'] });
    expect(Array.from(d.x)).toEqual([3, 1, 6, 4]);
  });

  it('accepts signs, exponents and surrounding spaces in numbers', () => {
    const d = readCsv('x,y\n -1.5e-3 ,+2\n.5,-.25\n', { target: 'y' });
    expect(Array.from(d.x)).toEqual([-0.0015, 0.5]);
    expect(Array.from(d.y)).toEqual([2, -0.25]);
  });

  it('infers classification only when every target is 0 or 1', () => {
    expect(inferTask(Float64Array.of(0, 1, 1))).toBe('classification');
    expect(inferTask(Float64Array.of(0, 1, 2))).toBe('regression');
  });

  it('writes CSV that reads back, quoting where needed', () => {
    const text = formatCsv(['a', 'b,c'], [['1', 'x "y", z'], [2.5, 3]]);
    expect(text).toBe('a,"b,c"\n1,"x ""y"", z"\n2.5,3\n');
    expect(parseCsv(text).rows).toEqual([['1', 'x "y", z'], ['2.5', '3']]);
  });
});

describe('malformed CSV files are clear errors naming the file, line, column and text', () => {
  const cases: [string, string, Parameters<typeof readCsv>[1], string][] = [
    ['a word in a number column', 'x,y\n1,2\nabc,3\n', { target: 'y' }, 'line 3, column "x": expected a finite number, got "abc"'],
    ['an empty cell', 'x,y\n1,2\n,3\n', { target: 'y' }, 'line 3, column "x": expected a finite number, got an empty cell'],
    ['NaN', 'x,y\n1,NaN\n', { target: 'y' }, 'line 2, column "y": expected a finite number, got "NaN"'],
    ['Infinity', 'x,y\nInfinity,1\n', { target: 'y' }, 'line 2, column "x": expected a finite number, got "Infinity"'],
    ['a hex number', 'x,y\n0x10,1\n', { target: 'y' }, 'line 2, column "x": expected a finite number, got "0x10"'],
    ['a decimal comma', 'x,y\n"1,5",1\n', { target: 'y' }, 'line 2, column "x": expected a finite number, got "1,5"'],
    ['a number too large for a double', 'x,y\n1e999,1\n', { target: 'y' }, 'line 2, column "x": expected a finite number, got "1e999"'],
    ['a short row', 'x,y\n1,2\n3\n', { target: 'y' }, 'line 3 has 1 cell; the header has 2 columns (x, y)'],
    ['a long row', 'x,y\n1,2,3\n', { target: 'y' }, 'line 2 has 3 cells; the header has 2 columns (x, y)'],
    ['an unclosed quote (a truncated file)', 'x,y\n1,2\n"3,4\n', { target: 'y' }, 'line 3: a quoted field is never closed'],
    ['an empty file', '', { target: 'y' }, 'is empty; expected a header row'],
    ['only blank lines', '\n\n \n', { target: 'y' }, 'is empty; expected a header row'],
    ['a header without rows', 'x,y\n', { target: 'y' }, 'has a header (x, y) but no data rows'],
    ['a header cell without a name', 'x,,y\n1,2,3\n', { target: 'y' }, 'line 1: column 2 of the header has no name'],
    ['Excel\'s separator line', 'sep=,\nx,y\n1,2\n', { target: 'y' }, 'line 1 is a spreadsheet\'s "sep=," line, not a header: delete it (only commas separate columns here)'],
    ['a comma at the end of every line', 'x,y,\n1,2,\n', { target: 'y' }, 'line 1: column 3 of the header has no name (a comma at the end of the line, as some spreadsheets write? remove it, from every line)'],
    ['an unknown target', 'x,y\n1,2\n', { target: 'price' }, 'has no column "price"; its columns are "x", "y"'],
    ['an unknown feature', 'x,y\n1,2\n', { target: 'y', features: ['z'] }, 'has no column "z"'],
    ['semicolons for commas', 'x;y\n1;2\n', { target: 'y' }, 'has no column "y"; its columns are "x;y" (only commas separate columns)'],
    ['two columns of one name', 'x,x,y\n1,2,3\n', { target: 'y' }, 'has two columns named "x" (columns 1 and 2 of the header); rename one'],
    ['classification targets that are neither labels nor integers', 'x,y\n1,0\n2,2\n3,1\n4,0.5\n5,-1.5\n', { target: 'y', task: 'classification' },
      'classification needs target "y" to be class labels (text, or integers such as 0 and 1); 2 rows are not: line 5 has 0.5, line 6 has -1.5'],
    ['several classification targets other than 0/1', 'x,a,b\n1,0,1\n2,2,1\n', { target: ['a', 'b'], task: 'classification' },
      'classification needs every target (a, b) to be 0 or 1; 1 row is not: line 3 has 2 in "a"'],
    ['a target of one class', 'x,species\n1,setosa\n2, setosa\n', { target: 'species' },
      'column "species" has only one value, "setosa"; a classifier needs at least two'],
    ['a target with a few missing cells: the first named, the others counted', 'x,y\n1,2\n2,\n3,4\n4,NA\n5,\n', { target: 'y' },
      'line 3, column "y": expected a finite number, got an empty cell; 2 more rows of the column hold no number either'],
    ['a typo in a numeric target', 'x,y\n1,2.5\n2,3..1\n3,4\n', { target: 'y' },
      'line 3, column "y": expected a finite number, got "3..1"'],
    ['an empty label', 'x,y\n1,a\n2,\n3,b\n', { target: 'y', task: 'classification' }, 'line 3, column "y": expected a class label, got an empty cell'],
    ['a label the model does not know', 'x,species\n1,lark\n2,wren\n3,owl\n', { target: 'species', classes: ['lark', 'robin', 'wren'] },
      'line 4 (row 3), column "species": the label "owl" was not seen in training; the model knows "lark", "robin", "wren"'],
    ['a missing one of several targets', 'x,a\n1,2\n', { target: ['a', 'b'] }, 'has no column "b"; its columns are "x", "a"'],
  ];
  it.each(cases)('%s', async (_, text, options, message) => {
    const path = file(`bad-${cases.findIndex((c) => c[1] === text)}.csv`, text);
    await expect(readCsvFile(path, options)).rejects.toThrow(`${path}: ${message}`);
  });

  it('checks the options by type: oneHot true or false, source a name, features a list of names', () => {
    const text = 'x,y\n1,a\n2,b\n';
    expect(() => readCsv(text, { target: 'y', oneHot: 'no' as never })).toThrow('oneHot: expected true or false, got "no"');
    expect(() => readCsv(text, { target: 'y', source: 5 as never })).toThrow('source: expected a name for the file in messages (a non-empty string), got 5');
    expect(() => readCsv(text, { target: 'y', source: '' })).toThrow('source: expected a name for the file in messages (a non-empty string), got ""');
    expect(() => readCsv(text, { target: 'y', features: 'x' as never })).toThrow('features: expected a list of column names, got "x"');
    expect(() => readCsv(text, { target: 'y', features: [1] as never })).toThrow('features: expected a list of column names, got an array of 1 number');
    expect(readCsv(text, { target: 'y', oneHot: false }).oneHot).toBeUndefined();
    expect(Array.from(readCsv(text, { target: 'y', oneHot: true }).oneHot!)).toEqual([1, 0, 0, 1]);
  });

  it('names the target and features when they clash', () => {
    expect(() => readCsv('x,y\n1,2\n', { target: 'y', features: ['y'] })).toThrow('features: the target "y" cannot also be a feature');
    expect(() => readCsv('x,y\n1,2\n', { target: 'y', features: ['x', 'x'] })).toThrow('features: "x" is listed twice');
    expect(() => readCsv('y\n1\n', { target: 'y' })).toThrow('features: csv has no columns besides the target "y"');
  });

  it('reports a missing file by its path', async () => {
    await expect(readCsvFile(join(dir, 'nope.csv'), { target: 'y' })).rejects.toThrow(`${join(dir, 'nope.csv')}: no such file`);
  });
});

describe("a user's own CSV file, as spreadsheets and hand edits leave it", () => {
  /** The header and rows CsvRows reads from `text` cut into single characters (as a file streams in the worst case). */
  function pieces(text: string): string[][] {
    const rows: string[][] = [];
    const reader = new CsvRows('t.csv', (cells) => rows.push(cells), (columns) => rows.push(columns));
    for (const c of text) reader.write(c);
    reader.end();
    return rows;
  }

  it('reads spaces around a quoted cell as outside it, in the header and in the rows, whole or in pieces', () => {
    // `name, "Smith, J"`: the space used to keep the quote as text and the comma split the cell in two
    const text = '\uFEFF "a" , b ,"y" \r\nx, "Smith, J" ,1\r\n "say ""hi""",  "" ,2\r\n';
    const want = [['a', 'b', 'y'], ['x', 'Smith, J', '1'], ['say "hi"', '', '2']];
    expect(parseCsv(text)).toEqual({ columns: want[0], rows: want.slice(1), lines: [2, 3] });
    expect(pieces(text)).toEqual(want);
    expect(Array.from(readCsv(' "a" , "b" ,y\n 1 , "2" ,3\n', { target: 'y' }).x)).toEqual([1, 2]);
    // Text after the spaces is still text after a closing quote
    expect(() => parseCsv('a,b\n1,"2" 3\n')).toThrow('csv: line 2, column 2: a quoted cell goes on after its closing quote');
    // readCsv's options given to parseCsv, whose second argument is the text's name: refused, not read as a name
    expect(() => parseCsv('a,y\n1,2\n', { target: 'y' } as unknown as string)).toThrow("source: expected the text's name for messages (a string), got an object with key target");
    expect(() => parseCsv('a,b\n1,"2" "3"\n')).toThrow('csv: line 2, column 2: a quoted cell goes on after its closing quote');
    // A quote inside an unquoted cell stays a character, as before
    expect(parseCsv('a,b\n1,2"\n').rows).toEqual([['1', '2"']]);
  });

  it('names a UTF-16 file as not UTF-8 (its header read as UTF-8 holds NULs; it said `has no column "y"`)', async () => {
    const path = join(dir, 'utf16.csv');
    writeFileSync(path, Buffer.from('\uFEFFa,y\r\n1,2\r\n', 'utf16le'));
    await expect(readCsvFile(path, { target: 'y' })).rejects.toThrow(`${path}: line 1 holds NUL characters: the file is not UTF-8 text (UTF-16, as a spreadsheet's "Unicode Text" saves?); save it as CSV UTF-8`);
  });

  it('names a JSON file (a model file given for the data) as such', async () => {
    const path = file('model.json', '{\n  "format": "backprop-wasm model"\n}\n');
    await expect(readCsvFile(path, { target: 'y' })).rejects.toThrow(`${path}: starts with "{": this is JSON, not CSV`);
    expect(() => parseCsv('{"a":1,"b":2}')).toThrow('csv: starts with "{": this is JSON, not CSV');
  });

  it('names the odd cell of a column of class labels (a missing label, NaN, a number), not its first label', () => {
    const labels = (odd: string) => `x,species\n1,lark\n2,wren\n3,${odd}\n4,lark\n`;
    expect(() => readCsv(labels(''), { target: 'species' })).toThrow('csv: line 4, column "species": expected a class label, got an empty cell');
    expect(() => readCsv(labels('NaN'), { target: 'species' }))
      .toThrow('csv: line 4, column "species": expected a class label, as in the column\'s 3 other rows of text ("lark", …), got "NaN"; with task classification every cell, numbers too, is read as a label');
    expect(() => readCsv(labels('7'), { target: 'species' })).toThrow('csv: line 4, column "species": expected a class label, as in the column\'s 3 other rows of text ("lark", …), got "7"');
    // Asked for, every cell is a label; a column mostly of numbers names its first text cell, as before
    expect(readCsv(labels('7'), { target: 'species', task: 'classification' }).classes).toEqual(['7', 'lark', 'wren']);
    expect(() => readCsv('x,y\n1,2\n2,3\n3,oops\n', { target: 'y' })).toThrow('csv: line 4, column "y": expected a finite number, got "oops"');
    expect(() => readCsv('x,y\n1,a\n2,3\n', { target: 'y' })).toThrow('csv: line 2, column "y": expected a finite number, got "a"');
  });

  it("says what a decimal comma is, and a word in the first row of a feature taken by default (a column of categories)", () => {
    expect(() => readCsv('x,y\n"1,5",1\n', { target: 'y' })).toThrow('got "1,5" (numbers are written with a decimal point and no thousands separator: 1.5, 1234)');
    expect(() => readCsv('colour,y\nred,1\n', { target: 'y' }))
      .toThrow('csv: line 2, column "colour": expected a finite number, got "red" (text: a column of categories is no input as it is; leave it out of the features, or encode it as numbers, a 0/1 column per category)');
    // Not for a typo further down a feature or in a numeric target, nor for NaN, nor in features named
    // (a model's, in predict and evaluate: there the data is wrong, the column cannot be left out)
    expect(() => readCsv('x,y\n1,2\noops,3\n', { target: 'y' })).toThrow(/got "oops"$/);
    expect(() => readCsv('colour,y\nred,1\n', { target: 'y', features: ['colour'] })).toThrow(/got "red"$/);
    expect(() => readCsv('x,y\n1,2\n2,3\n3,oops\n', { target: 'y' })).not.toThrow(/categories/);
    expect(() => readCsv('x,y\nNaN,1\n', { target: 'y' })).not.toThrow(/categories/);
  });
});
