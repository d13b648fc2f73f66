// CSV files read and written as they stream: rows split across pieces read exactly as whole text
// does, predict's batches give exactly the whole file's predictions, and a TensorFlow.js model.json
// without backprop's metadata runs from the command line. (Time and memory at scale: the benchmark
// script, scripts/scale-bench.mjs, not a test.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvRows, decimal } from '../src/csv.js';
import { seeded } from '../src/random.js';
import { loadWasm, Model, parseCsv, readCsv, readCsvFile, saveModel } from '../src/node.js';
import { loadTensorFlow, type Tf } from '../src/yardsticks/tfjsReference.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-scale-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });

/** The rows and their lines that CsvRows reads from `pieces`, written one after another. */
function rowsOf(pieces: string[]): { rows: string[][]; lines: number[] } {
  const rows: string[][] = [], lines: number[] = [];
  const reader = new CsvRows('t.csv', (cells, line) => { rows.push(cells); lines.push(line); }, (columns) => { rows.push(columns); lines.push(0); });
  for (const piece of pieces) reader.write(piece);
  reader.end();
  return { rows, lines };
}

// Every hard case in a few lines: a BOM, quoted commas, doubled quotes, a CRLF and an LF inside
// quotes, CRLF, LF and lone CR line ends mixed, a blank line, a last row without a line end.
const TRICKY = '\uFEFFa,"b, c",y\r\n1,"say ""hi""",0\r\n2,"two\r\nlines",1\n3,"x\ny",0\r4,,1\r\n\r\n5,"",0';
const TRICKY_ROWS = [['a', 'b, c', 'y'], ['1', 'say "hi"', '0'], ['2', 'two\r\nlines', '1'], ['3', 'x\ny', '0'], ['4', '', '1'], ['5', '', '0']];
// header (0: the header is not a data row), then the line each row starts on, counted by hand
const TRICKY_LINES = [0, 2, 3, 5, 7, 9];

describe('CsvRows reads text in pieces exactly as whole', () => {
  it('reads the tricky text whole: cells and lines counted by hand', () => {
    expect(rowsOf([TRICKY])).toEqual({ rows: TRICKY_ROWS, lines: TRICKY_LINES });
  });

  it('gives the same rows and lines for every cut into two pieces and into single characters', () => {
    for (let cut = 0; cut <= TRICKY.length; cut++) {
      expect(rowsOf([TRICKY.slice(0, cut), TRICKY.slice(cut)]), `cut at ${cut}`).toEqual({ rows: TRICKY_ROWS, lines: TRICKY_LINES });
    }
    expect(rowsOf([...TRICKY])).toEqual({ rows: TRICKY_ROWS, lines: TRICKY_LINES });
  });

  it('reads mixed line ends (a CRLF file with an LF line, as `echo >> file.csv` leaves it; a lone CR)', () => {
    const d = readCsv('x,y\r\n1,2\r\n3,4\n5,6\r7,8\r\n', { target: 'y' });
    expect(Array.from(d.x)).toEqual([1, 3, 5, 7]);
    expect(Array.from(d.y)).toEqual([2, 4, 6, 8]);
    expect(() => readCsv('x,y\r\n1,2\n3,oops\r\n', { target: 'y' })).toThrow('csv: line 3, column "y": expected a finite number, got "oops"');
  });

  it('refuses text after a closing quote, naming the line and column', () => {
    expect(() => parseCsv('a,b\n1,"2"3\n')).toThrow('csv: line 2, column 2: a quoted cell goes on after its closing quote');
  });
});

describe('cells read as numbers', () => {
  it('are exactly the double Number() reads, for every shape of decimal (Number() is the oracle)', () => {
    const random = seeded(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
    for (let k = 0; k < 50000; k++) {
      const whole = digits(Math.floor(random() * 18)), fraction = digits(Math.floor(random() * 18));
      const body = pick([whole, `${whole}.${fraction}`, `.${fraction}`, `${whole}.`]);
      const exponent = random() < 0.3 ? `${pick(['e', 'E'])}${pick(['', '+', '-'])}${digits(1 + Math.floor(random() * 3))}` : '';
      const text = `${pick(['', '', '-', '+'])}${body}${exponent}`;
      const want = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
      expect(Object.is(decimal(text), want), text).toBe(true);
    }
    for (const text of ['', '-', '.', 'e5', '1e', '0x10', 'Infinity', '1_0', ' 2.5 ', '-0', '1e999', '9007199254740993', '0.1e-30']) {
      const t = text.trim();
      expect(Object.is(decimal(text), /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN), JSON.stringify(text)).toBe(true);
    }
  });
});

describe('readCsvFile streams a file larger than one piece (1 MiB) to what readCsv reads whole', () => {
  it('same x, y and classes, with quoted multi-line cells and two-byte characters across the pieces', async () => {
    // ~3 MiB: rows of varying width, so pieces end everywhere in a row, inside quotes too
    const lines = ['f1,note,f2,label'];
    for (let r = 0; r < 40000; r++) lines.push(`${r * 0.25},"é ${'x'.repeat(r % 37)}, ""q""\r\nmore",${-r},${r % 3 === 0 ? 'cat' : 'dog'}`);
    const text = lines.join('\r\n');
    const path = file('big.csv', text);
    const streamed = await readCsvFile(path, { target: 'label', features: ['f1', 'f2'] });
    const whole = readCsv(text, { target: 'label', features: ['f1', 'f2'] });
    expect(streamed).toEqual(whole);
    expect(streamed.rows).toBe(40000);
    expect(streamed.classes).toEqual(['cat', 'dog']);
    expect(streamed.x[2 * 39999]).toBe(39999 * 0.25);
    expect(streamed.x[2 * 39999 + 1]).toBe(-39999);
    await expect(readCsvFile(file('bad-late.csv', `${text}\n1,n,2\n`), { target: 'label', features: ['f1', 'f2'] }))
      .rejects.toThrow(`line ${1 + 40000 * 2 + 1} has 3 cells`);
  });
});

describe.runIf(existsSync(cli))('predict streams its output', () => {
  // 9000 rows: three batches of predict, the last one short
  const x = Array.from({ length: 9000 }, (_, r) => [Math.sin(r), Math.cos(r * 0.7), (r % 11) - 5]);
  const csv = file('rows.csv', `a,b,c,id\n${x.map((row, r) => `${row.join(',')},id ${r}`).join('\n')}\n`);
  const model = new Model({ inputs: 3, layers: [{ units: 5, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 3 });
  const modelPath = join(dir, 'two.json');
  beforeAll(() => saveModel(modelPath, model, { features: ['a', 'b', 'c'], target: 'u', targets: ['u', 'v'] }));

  it('writes every row with its predictions, exactly the whole file’s, to --out (through a temporary file)', () => {
    const r = run('predict', modelPath, csv, '--out', 'p.csv');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote predictions for 9000 rows to p.csv\n`);
    const out = parseCsv(readFileSync(join(dir, 'p.csv'), 'utf8'));
    expect(out.columns).toEqual(['a', 'b', 'c', 'id', 'prediction_u', 'prediction_v']);
    const want = model.predict(x);
    expect(out.rows.map((row) => [Number(row[4]), Number(row[5])])).toEqual(want);
    expect(out.rows[8999]![3]).toBe('id 8999');
    expect(run('predict', modelPath, csv).stdout).toBe(readFileSync(join(dir, 'p.csv'), 'utf8'));
  });

  it('a bad cell in the last batch: exit 1 naming its line, and --out is not created', () => {
    const bad = file('late.csv', `${readFileSync(csv, 'utf8')}1,x,2,id\n`);
    const r = run('predict', modelPath, bad, '--out', 'never.csv');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`backprop: ${bad}: line 9002, column "b": expected a finite number, got "x"\n`);
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });
});

describe.runIf(existsSync(cli))('predict and evaluate on a TensorFlow.js model.json without backprop\'s metadata', () => {
  let tf: Tf;
  const x = [[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.1], [0.3, 0.3, 0.3]];
  const labels = [1, 0, 0, 1];
  let expected: number[];
  const csv = file('plain.csv', `p,q,r,label\n${x.map((row, i) => `${row.join(',')},${labels[i]}`).join('\n')}\n`);
  beforeAll(async () => {
    tf = await loadTensorFlow();
    // Written by TensorFlow.js itself, never compiled: no loss, no column names.
    const tfModel = tf.sequential();
    tfModel.add(tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }));
    tfModel.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    let saved: { modelTopology: unknown; weightSpecs: unknown; weightData: ArrayBuffer } | undefined;
    await tfModel.save(tf.io.withSaveHandler(async (a) => { saved = a as never; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    file('plain.json', JSON.stringify({ format: 'layers-model', modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['plain.bin'], weights: saved!.weightSpecs }] }));
    writeFileSync(join(dir, 'plain.bin'), new Uint8Array(saved!.weightData));
    expected = (tfModel.predict(tf.tensor2d(x)) as ReturnType<typeof tf.tensor2d>).arraySync().map((row) => (row as number[])[0]!);
    tfModel.dispose();
  });

  it('asks for the columns, then the loss, by their flags; then predicts what TensorFlow.js predicts (float32)', () => {
    const noColumns = run('predict', 'plain.json', csv);
    expect(noColumns.stderr).toBe("backprop: --features: plain.json is a TensorFlow.js model without backprop's column names: name the CSV columns it reads, in the order of its inputs: --features a,b,c\n");
    const noLoss = run('predict', 'plain.json', csv, '--features', 'p,q,r');
    expect(noLoss.stderr).toContain('backprop: --loss: plain.json does not say which loss it was trained with; give it: --loss mse');
    const r = run('predict', 'plain.json', csv, '--features', 'p,q,r', '--loss', 'binaryCrossentropy');
    expect(r.stderr).toBe('');
    const out = parseCsv(r.stdout);
    expect(out.columns).toEqual(['p', 'q', 'r', 'label', 'probability', 'prediction']);
    out.rows.forEach((row, i) => expect(Number(row[4])).toBeCloseTo(expected[i]!, 6));
  });

  it('evaluate takes --target too; the flags are refused for a file that names its own columns', () => {
    expect(run('evaluate', 'plain.json', csv, '--features', 'p,q,r', '--loss', 'binaryCrossentropy').stderr)
      .toBe("backprop: --target: plain.json is a TensorFlow.js model without backprop's column names: name the column it predicts: --target COLUMN\n");
    const r = run('evaluate', 'plain.json', csv, '--features', 'p,q,r', '--target', 'label', '--loss', 'binaryCrossentropy', '--json');
    expect(r.stderr).toBe('');
    const correct = expected.filter((p, i) => (p >= 0.5 ? 1 : 0) === labels[i]).length;
    expect(JSON.parse(r.stdout).metrics.accuracy).toBe(correct / 4);
    expect(run('predict', 'two.json', csv, '--features', 'p,q,r').stderr)
      .toBe("backprop: --features: is for a TensorFlow.js model.json without backprop's metadata; two.json names its own columns and loss\n");
    // a file that is no model is named as such, whatever flags came with it
    writeFileSync(join(dir, 'broken.json'), '{"format":"backprop-model"}');
    expect(run('evaluate', 'broken.json', csv, '--target', 'label').stderr).toBe('backprop: broken.json: has format version undefined; this backprop reads versions 1, 2 and 3\n');
  });
});

describe('metrics of a large training set, predicted a batch at a time', () => {
  it('equal evaluateMetrics (one copy of the rows in the engine) for each loss, over several batches', async () => {
    const { rowsMetrics } = await import('../src/cli/evaluate.js');
    await loadWasm();
    const rows = 9000;
    const x = Float64Array.from({ length: rows * 3 }, (_, i) => Math.sin(i * 0.37));
    const cases = [
      { loss: 'mse', units: 2, y: Float64Array.from({ length: rows * 2 }, (_, i) => Math.cos(i)) },
      { loss: 'binaryCrossentropy', units: 1, y: Float64Array.from({ length: rows }, (_, r) => r % 2) },
      { loss: 'sparseCategoricalCrossentropy', units: 3, y: Float64Array.from({ length: rows }, (_, r) => r % 3) },
      { loss: 'categoricalCrossentropy', units: 3, y: Float64Array.from({ length: rows * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)) },
    ] as const;
    for (const { loss, units, y } of cases) {
      const activation = loss === 'mse' ? 'linear' : loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax';
      const model = new Model({ inputs: 3, layers: [{ units: 4, activation: 'tanh' }, { units, activation }], loss, seed: 5 });
      for (const engine of ['js', 'wasm'] as const) {
        expect(rowsMetrics(model, x, y, 0.4, engine), `${loss} on ${engine}`).toEqual(model.evaluateMetrics(x, y, { threshold: 0.4, engine }));
      }
    }
  });
});
