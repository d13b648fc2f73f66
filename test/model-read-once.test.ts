// A command reads its model file once: the files it checks its outputs against and the model it runs
// are the same bytes. Each model file here is a named pipe (FIFO) whose writer gives its bytes once, so
// a second read of it waits forever for a writer that never comes: a command that read a file twice
// (to list its inputs, then to load it) would hang and be killed, and the test fails.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, Model, saveModel, saveTfjs } from '../src/node.js';
import { runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-read-once-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const info = { features: ['a', 'b'], target: 'y' };
beforeAll(async () => {
  const rows = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(3 * i), Math.sin(i) - 2 * Math.cos(3 * i)]);
  writeFileSync(join(dir, 'data.csv'), `a,b,y\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], loss: 'mse', seed: 4, scaler: { mean: [0.1, -0.2], std: [0.7, 0.8] } });
  await saveModel(join(dir, 'model.json'), model, info);
  await saveTfjs(join(dir, 'tfjs'), model, info);
});

/** Runs the command with each of `files` (under dir) replaced by a FIFO whose bytes are given once. */
function readOnce(files: string[], args: string[]): ReturnType<typeof runCli> {
  const fifos = join(dir, 'fifo');
  rmSync(fifos, { recursive: true, force: true });
  mkdirSync(join(fifos, 'tfjs'), { recursive: true });
  const writers: ChildProcess[] = [];
  try {
    for (const file of files) {
      const fifo = join(fifos, file);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      // Blocks until the command opens the FIFO, writes the bytes, closes: one reader gets them
      writers.push(spawn('sh', ['-c', 'cat "$0" > "$1"', join(dir, file), fifo], { stdio: 'ignore' }));
    }
    return runCli(fifos, args.map((a) => (a === 'data.csv' ? join(dir, a) : a)), 20_000);
  } finally {
    for (const w of writers) w.kill();
  }
}

describe.runIf(process.platform !== 'win32')('each model file is read once', () => {
  const regular = (args: string[]) => runCli(dir, args.map((a) => (a === 'data.csv' ? join(dir, a) : a)));

  it.each([
    ['a model file', ['model.json'], 'model.json'],
    ['a TensorFlow.js model.json and its weights file', ['tfjs/model.json', 'tfjs/weights.bin'], 'tfjs/model.json'],
  ])('predict and evaluate, %s: the predictions and metrics of the model as read once', (_, files, model) => {
    for (const args of [['predict', model, 'data.csv'], ['evaluate', model, 'data.csv', '--json']]) {
      const once = readOnce(files, args);
      expect(once.code, `${args.join(' ')} (killed: it read a file twice?) ${once.stderr}`).toBe(0);
      expect(once.stdout).toBe(regular(args).stdout);
    }
  });

  it('export (onnx and a standalone predictor), a model file and a TensorFlow.js model.json', () => {
    for (const [files, model] of [[['model.json'], 'model.json'], [['tfjs/model.json', 'tfjs/weights.bin'], 'tfjs/model.json']] as const) {
      for (const format of ['onnx', 'js']) {
        const out = join(dir, `out.${format}`);
        const once = readOnce([...files], ['export', model, '--format', format, '--out', out]);
        expect(once.code, `export ${model} --format ${format} (killed: it read a file twice?) ${once.stderr}`).toBe(0);
        const bytes = readFileSync(out);
        expect(regular(['export', model, '--format', format, '--out', out]).code).toBe(0);
        expect(readFileSync(out).equals(bytes), `export ${model} --format ${format}`).toBe(true);
      }
    }
  });

  it('train --weights, a model file and a TensorFlow.js model.json: trained from the weights as read once', () => {
    for (const [files, weights] of [[['model.json'], 'model.json'], [['tfjs/model.json', 'tfjs/weights.bin'], 'tfjs/model.json']] as const) {
      const args = ['train', 'data.csv', '--target', 'y', '--layers', '3,1', '--activation', 'tanh', '--epochs', '2', '--weights', weights, '--json'];
      const once = readOnce([...files], args);
      expect(once.code, `train --weights ${weights} (killed: it read a file twice?) ${once.stderr}`).toBe(0);
      expect(JSON.parse(once.stdout).weights).toEqual(JSON.parse(regular(args).stdout).weights);
    }
  });
});

describe('the order of refusals', () => {
  it('an output over the model file is refused before the model is built, a bad model file or not; a missing one is named', () => {
    writeFileSync(join(dir, 'bad.json'), '{"format": "something else"}');
    for (const args of [['predict', 'bad.json', 'data.csv', '--out', 'bad.json'], ['evaluate', 'bad.json', 'data.csv', '--plot-confusion', 'bad.json']]) {
      const r = runCli(dir, args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`backprop: ${args[3]}: bad.json is an input of this run (backprop never writes over its input); choose another file name\n`);
      expect(readFileSync(join(dir, 'bad.json'), 'utf8')).toBe('{"format": "something else"}');
    }
    expect(runCli(dir, ['predict', 'bad.json', 'data.csv']).stderr).toMatch(/^backprop: bad\.json: is not a backprop model file/);
    expect(runCli(dir, ['predict', 'missing.json', 'data.csv', '--out', 'p.csv']).stderr).toBe('backprop: missing.json: no such file\n');
  });
});

describe("loadModel of an exported model.json: its metadata checked once, by modelFromTfjs", () => {
  it("the columns with their defaults, as the model file's; a bad value named once, under the file's name", async () => {
    const model = new Model({ inputs: 2, layers: [{ units: 3, activation: 'softmax' }], loss: 'sparseCategoricalCrossentropy', seed: 2 });
    const at = join(dir, 'classes');
    await saveModel(`${at}.json`, model, info);
    await saveTfjs(at, model, info);
    // The defaults (threshold 0.5, class labels '0' … '2', no training record) are the model file's reader's
    const expected = (await loadModel(`${at}.json`)).info;
    expect(expected).toMatchObject({ threshold: 0.5, classes: ['0', '1', '2'] });
    expect((await loadModel(join(at, 'model.json'))).info).toEqual(expected);
    const json = JSON.parse(readFileSync(join(at, 'model.json'), 'utf8'));
    json.userDefinedMetadata.backprop.threshold = 7;
    writeFileSync(join(at, 'model.json'), JSON.stringify(json));
    await expect(loadModel(join(at, 'model.json'))).rejects.toMatchObject({ message: `${join(at, 'model.json')}: userDefinedMetadata.backprop.threshold: expected a number between 0 and 1 (exclusive), got 7` });
  });
});
