// The library from a user's own script: the forms of x and y the docs show and their small
// variations (a 1-D y, Float64Array rows, one row as a flat array), and what text where numbers go says.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Model, readCsvFile, regressionMetrics } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x = [[1, 2], [3, 4], [5, 6]];
const regression = () => new Model({ inputs: 2, loss: 'mse', layers: [{ units: 3, activation: 'tanh' }, { units: 1 }], seed: 1 });

describe('the forms of x and y a script passes', () => {
  it('number[][], Float64Array rows and one flat Float64Array, a 1-D y and a column y train alike; one row predicts flat or nested alike', async () => {
    const losses = [];
    // Float64Array rows were refused: `expected an array of 2 numbers, got a Float64Array of 2 values`
    const typedRows = x.map((row) => Float64Array.from(row));
    for (const [xs, ys] of [[x, [1, 2, 3]], [new Float64Array(x.flat()), new Float64Array([1, 2, 3])], [x, [[1], [2], [3]]], [typedRows, [1, 2, 3]]] as const) {
      losses.push((await regression().fit(xs, ys, { epochs: 2, shuffle: 'none' })).loss);
    }
    expect(losses[1]).toEqual(losses[0]);
    expect(losses[2]).toEqual(losses[0]);
    expect(losses[3]).toEqual(losses[0]);
    const model = regression();
    expect(model.predict([1, 2])).toEqual(model.predict([[1, 2]]));
    expect(model.predict(new Float64Array([1, 2]))).toEqual(model.predict([[1, 2]]));
    expect(model.predict([Float64Array.of(1, 2)])).toEqual(model.predict([[1, 2]]));
    expect(() => model.predict([Float64Array.of(1, 2, 3)])).toThrow(/^x: row 1 has 3 columns; expected 2$/);
  });

  it('a flat x cut by the wrong `inputs` says so where the row counts part', async () => {
    // 3 rows of 2 features, flat, for a model of 3 inputs: 2 rows of 3
    const wide = new Model({ inputs: 3, loss: 'mse', layers: [{ units: 1 }] });
    await expect(wide.fit(new Float64Array([1, 2, 3, 4, 5, 6]), [1, 2, 3])).rejects.toThrow(
      /^y: has 3 rows but x has 2 \(x is flat: 6 numbers read as rows of 3 inputs, the model's\); expected one target row per input row$/);
    await expect(wide.fit([[1, 2, 3], [4, 5, 6]], [1, 2, 3])).rejects.toThrow(/^y: has 3 rows but x has 2; expected one target row per input row$/);
  });

  it('text where a number goes says what to do with it, in y and in x', async () => {
    const classifier = new Model({ inputs: 2, loss: 'sparseCategoricalCrossentropy', layers: [{ units: 3, activation: 'softmax' }] });
    // It said `expected an array of 1 numbers, got "cat"`, as though a 1-D y were not taken
    await expect(classifier.fit(x, ['cat', 'dog', 'cat'] as never)).rejects.toThrow(
      'y: row 1: expected a number (or an array of 1 number), got "cat" (text; class labels go in as class indices, 0 to k − 1, or one-hot rows: readCsv reads a CSV column of labels so, and sortedClasses(labels) gives the classes in order)');
    await expect(regression().fit(x, [1, '2', 3] as never)).rejects.toThrow('y: row 2, column 1: expected a finite number, got "2" (text; give the number itself: Number("2"))');
    expect(() => regression().predict([['1', 'red']] as never)).toThrow('x: row 1, column 1: expected a finite number, got "1" (text; give the number itself: Number("1"))');
    expect(() => regression().predict([[1, 'red']] as never)).toThrow('x: row 1, column 2: expected a finite number, got "red" (text; a feature of categories goes in as numbers, a 0/1 column per category)');
    await expect(regression().fit(x, [true, false, true] as never)).rejects.toThrow(/^y: row 1: expected a number \(or an array of 1 number\), got true$/);
    expect(() => regression().predict([[1, 2], [3]])).toThrow(/^x: row 2 has 1 column; expected 2$/);
  });

  it("readCsvFile checks its options before reading them: a column name alone, or a `source`, which the path replaces", async () => {
    const path = join(dir, 'd.csv');
    writeFileSync(path, 'a,y\n1,2\n3,4\n');
    // It spread the string: `0: unknown option`
    await expect(readCsvFile(path, 'y' as never)).rejects.toThrow(/^options: expected \{ target, features, task, classes, oneHot, weight \}, got "y"$/);
    await expect(readCsvFile(path, { target: 'y', source: 'mine' } as never)).rejects.toThrow(/^source: unknown option; expected one of target, features, task, classes, oneHot, weight$/);
    expect(Array.from((await readCsvFile(path, { target: 'y' })).y)).toEqual([2, 4]);
  });
});

describe('R² of a constant target', () => {
  // scikit-learn's r2_score (force_finite): y without variance scores 1 when predicted exactly, else 0.
  // The mean summed as y/n per row is 5 − 1ulp for 60 fives, so the sum of squares was 5e-29 and R² −1e28.
  it('is 0 for an inexact prediction and 1 for an exact one, whatever the rounding of the mean', () => {
    const y = new Float64Array(60).fill(5);
    expect(regressionMetrics(y, new Float64Array(60).fill(5.1)).r2).toBe(0);
    expect(regressionMetrics(y, y).r2).toBe(1);
    expect(regressionMetrics([1, 2, 3], [1, 2, 4]).r2).toBe(0.5); // 1 − 1/2 by hand
  });
});
