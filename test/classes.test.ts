import { describe, expect, it } from 'vitest';
import { canonicalLabel, classDatasets, classPredictions, confusionMatrixSvg, decisionBoundarySvg, formatCsv, gaussianBlobs, inferTask, lossChartSvg, Model, multiclassMetrics, oneHot, predictedLabels, readCsv, sortedClasses } from '../src/node.js';

// Three 4-feature blobs, 50 rows each, as a CSV of 150 rows whose labels are text in an unsorted
// order of first appearance (wren, lark, robin): the multi-class example the README describes.
const BIRDS = ['wren', 'lark', 'robin'];
const FEATURES = ['wing_mm', 'tail_mm', 'beak_mm', 'mass_g'];
const blobs = gaussianBlobs({ centers: [[50, 40, 10, 9], [110, 70, 13, 40], [125, 90, 14, 77]], std: 6, rowsPerClass: 50, seed: 11 });
const birdsCsv = formatCsv([...FEATURES, 'species'], blobs.x.map((row, r) => [...row, BIRDS[blobs.y[r]!]!]));

describe('a CSV with more than two classes', () => {
  it('reads text labels as the sorted distinct labels and each row’s index among them', () => {
    const d = readCsv(birdsCsv, { target: 'species' });
    expect(d.rows).toBe(150);
    expect(d.features).toEqual(FEATURES);
    expect(d.task).toBe('classification');
    expect(d.classes).toEqual(['lark', 'robin', 'wren']);
    // Generator class 0 is 'wren' (index 2 when sorted), 1 'lark' (0), 2 'robin' (1).
    expect(Array.from(d.y.slice(0, 6))).toEqual([2, 0, 1, 2, 0, 1]);
    expect([0, 1, 2].map((k) => d.y.filter((c) => c === k).length)).toEqual([50, 50, 50]);
    expect(Array.from(d.x.slice(0, 4))).toEqual(blobs.x[0]);
    expect(d.oneHot).toBeUndefined();
  });

  it('gives one-hot rows when asked', () => {
    const d = readCsv(birdsCsv, { target: 'species', oneHot: true });
    expect(Array.from(d.oneHot!.slice(0, 9))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(oneHot([1, 0], 3))).toEqual([0, 1, 0, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow('y: row 1 has class 3; expected an integer from 0 to 2');
  });

  it('orders numeric labels numerically and text labels by code unit, uppercase first', () => {
    expect(sortedClasses(['10', '9', '2', '9.0', '+2'])).toEqual(['2', '9', '10']);
    expect(sortedClasses(['b', 'B', 'a', '10', '9'])).toEqual(['10', '9', 'B', 'a', 'b']);
    expect(canonicalLabel(' 1.50 ')).toBe('1.5');
    expect(canonicalLabel(' setosa ')).toBe('setosa');
  });

  it('reads integer targets as classes when the caller asks for classification, and 0/1 as before', () => {
    const text = 'x,grade\n1,3\n2,1\n3,10\n4,1.0\n';
    const d = readCsv(text, { target: 'grade', task: 'classification' });
    expect(d.classes).toEqual(['1', '3', '10']);
    expect(Array.from(d.y)).toEqual([1, 0, 2, 0]);
    // Without the task, integers are numbers: a regression, as before.
    const r = readCsv(text, { target: 'grade' });
    expect([r.task, r.classes]).toEqual(['regression', undefined]);
    const binary = readCsv('x,y\n1,0\n2,1\n', { target: 'y', task: 'classification' });
    expect([binary.task, binary.classes, Array.from(binary.y)]).toEqual(['classification', undefined, [0, 1]]);
    expect(inferTask(binary.y)).toBe('classification');
  });

  it('reads labels against a model’s classes, in the model’s order, even when a class is absent', () => {
    const d = readCsv('x,species\n1,wren\n2,wren\n3,lark\n', { target: 'species', classes: ['lark', 'robin', 'wren'] });
    expect(d.classes).toEqual(['lark', 'robin', 'wren']);
    expect(Array.from(d.y)).toEqual([2, 2, 0]);
    // One label present is fine here: the classes come from the model, not from these rows.
    expect(Array.from(readCsv('x,k\n1,2.0\n', { target: 'k', classes: ['1', '2'] }).y)).toEqual([1]);
    expect(() => readCsv('x,k\n1,a\n', { target: 'k', classes: ['a', 'a'] })).toThrow('classes: "a" is listed twice');
    expect(() => readCsv('x,k\n1,a\n', { target: 'k', classes: ['a'], task: 'regression' })).toThrow("classes: are class labels, for classification; got task 'regression'");
  });

  it('reads several target columns as the outputs of one regression', () => {
    const d = readCsv('a,b,x1,c,x2\n1,2,3,4,5\n6,7,8,9,10\n', { target: ['c', 'a'] });
    expect(d.targets).toEqual(['c', 'a']);
    expect(d.target).toBe('c');
    expect(d.features).toEqual(['b', 'x1', 'x2']);
    expect(Array.from(d.y)).toEqual([4, 1, 9, 6]);
    expect(d.task).toBe('regression');
    expect(() => readCsv('a,b,x\nu,v,1\n', { target: ['a', 'b'] })).toThrow('line 2, column "a": expected a finite number, got "u"');
    expect(() => readCsv('a,b,x\nu,v,1\n', { target: ['a', 'b'], task: 'classification' })).toThrow('target: class labels are read from one column; got 2 (a, b)');
    expect(() => readCsv('a,x\n1,1\n', { target: ['a', 'a'] })).toThrow('target: "a" is listed twice');
    expect(() => readCsv('a,x\n1,1\n', { target: [] })).toThrow('target: expected the name of a column (or a list of names)');
  });
});

describe('the built-in three-class dataset', () => {
  it('is three blobs of 60 rows on two features, the same on every call', () => {
    const d = classDatasets.blobs3;
    expect(d.x).toHaveLength(180);
    expect(d.x.every((row) => row.length === 2)).toBe(true);
    expect([0, 1, 2].map((k) => d.y.filter((c) => c === k).length)).toEqual([60, 60, 60]);
    expect(gaussianBlobs({ centers: [[-2, -1], [2, -1], [0, 2]], std: 0.9, rowsPerClass: 60, seed: 3 })).toEqual({ x: d.x, y: d.y });
    // Each class's mean lies within 3 standard errors (0.9 / √60 ≈ 0.116) of its center.
    const centers = [[-2, -1], [2, -1], [0, 2]];
    centers.forEach((center, k) => {
      const rows = d.x.filter((_, r) => d.y[r] === k);
      center.forEach((c, j) => expect(Math.abs(rows.reduce((s, row) => s + row[j]!, 0) / rows.length - c)).toBeLessThan(0.35));
    });
  });

  it('gaussianBlobs checks every option by name, type and range', () => {
    const ok = { centers: [[0, 0], [1, 1]], std: 1, rowsPerClass: 3 };
    const cases: [object, string][] = [
      [{ ...ok, colour: 'red' }, 'colour: unknown option; expected one of centers, std, rowsPerClass, seed, digits'],
      [{ ...ok, std: NaN }, 'std: expected a finite number > 0, got NaN'],
      [{ ...ok, std: -1 }, 'std: expected a finite number > 0, got -1'],
      [{ ...ok, rowsPerClass: '3' }, 'rowsPerClass: expected a positive integer, got "3"'],
      [{ ...ok, rowsPerClass: 1.5 }, 'rowsPerClass: expected a positive integer, got 1.5'],
      [{ ...ok, seed: -1 }, 'seed: expected an integer from 0 to 4294967295'],
      [{ ...ok, digits: 200 }, 'digits: expected a whole number of decimal places from 0 to 100, got 200'],
      [{ ...ok, digits: 1.5 }, 'digits: expected a whole number of decimal places from 0 to 100, got 1.5'],
      [{ ...ok, centers: [] }, 'centers: expected one center per class (a list of points), got an array of 0 values'],
      [{ ...ok, centers: [[0, 0], [1]] }, 'centers[1]: expected a point of 2 coordinates, as centers[0], got an array of 1 number'],
      [{ ...ok, centers: [[0, 0], [1, NaN]] }, 'centers[1][1]: expected a finite number, got NaN'],
      [{ ...ok, centers: [[]] }, 'centers[0]: expected a point of at least one coordinate, got an array of 0 values'],
    ];
    for (const [options, message] of cases) expect(() => gaussianBlobs(options as never), message).toThrow(message);
    expect(gaussianBlobs({ ...ok, seed: 4294967295 }).x).toHaveLength(6);
  });

  it('draws coordinates with the asked spread (sample std within 10% of 2 over 2000 draws)', () => {
    const { x } = gaussianBlobs({ centers: [[0]], std: 2, rowsPerClass: 2000, seed: 5, digits: 6 });
    const v = x.map((row) => row[0]!);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(Math.abs(sd - 2)).toBeLessThan(0.2);
  });
});

describe('predicted labels', () => {
  it('are the most probable class’s label, the first on a tie', () => {
    expect(predictedLabels([[0.2, 0.7, 0.1], [0.4, 0.4, 0.2], [0, 0, 1]], ['lark', 'robin', 'wren'])).toEqual(['robin', 'lark', 'wren']);
    expect(() => predictedLabels([[0.5, 0.5]], ['a', 'b', 'c'])).toThrow('probabilities: row 1 has 2 values; expected one per class (3)');
  });

  it('give predict’s columns: the label, then one probability per class', () => {
    expect(classPredictions([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]], ['lark', 'robin', 'wren'])).toEqual({
      columns: ['prediction', 'probability_lark', 'probability_robin', 'probability_wren'],
      rows: [['robin', 0.2, 0.7, 0.1], ['lark', 0.5, 0.3, 0.2]],
    });
  });
});

describe('plots of k classes', () => {
  // A stand-in softmax classifier with known probabilities: the Bayes posterior of blobs3's three
  // equal isotropic Gaussians (σ = 0.9), softmax(−‖x − cₖ‖² / 2σ²). The plot only calls predict.
  const d = classDatasets.blobs3;
  const centers = [[-2, -1], [2, -1], [0, 2]];
  const posterior = (row: number[]) => {
    const e = centers.map((c) => Math.exp(-((row[0]! - c[0]!) ** 2 + (row[1]! - c[1]!) ** 2) / (2 * 0.81)));
    const z = e.reduce((a, b) => a + b);
    return e.map((v) => v / z);
  };
  const standIn = { network: { inputs: 2, loss: 'sparseCategoricalCrossentropy', layers: [{ units: 3 }] }, predict: (x: number[][]) => x.map(posterior) } as never;

  it('colour the plane by the winning class, the rows by theirs, with a legend of the labels', () => {
    const svg = decisionBoundarySvg(standIn, d.x, d.y, { features: ['x1', 'x2'], target: 'class', classes: ['alpha', 'beta', 'gamma'] });
    expect(svg.match(/<circle cx/g)).toHaveLength(180 + 3); // a point per row, a swatch per label
    // Rows are class A's Tableau blue #4e79a7 darkened to 70%: rgb(55,85,117); 60 rows and the swatch.
    expect(svg.match(/fill="rgb\(55,85,117\)"/g)).toHaveLength(61);
    for (const label of ['alpha', 'beta', 'gamma', 'class: the most probable class by the model', '>x1</text>']) expect(svg).toContain(label);
    // The first cell is the plane's corner (−3.9, −2.9), where class A is all but certain: #4e79a7 at
    // the strongest shade, 0.12 + 0.5 of the way from white: 255 + (78 − 255)·0.62 = 145.3, and so on.
    expect(svg).toMatch(/<g><rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="rgb\(145,172,200\)"\/>/);
  });

  it('refuse a model that is not a classifier, labels that do not fit and rows outside the classes', () => {
    const mse = new Model({ inputs: 2, layers: [{ units: 3 }], loss: 'mse' });
    expect(() => decisionBoundarySvg(mse, d.x, d.y)).toThrow('plot: a decision boundary needs a classifier: binaryCrossentropy with one output, or a softmax output with categoricalCrossentropy or sparseCategoricalCrossentropy; this model has mse with 3 outputs');
    expect(() => decisionBoundarySvg(standIn, d.x, d.y, { classes: ['a', 'b'] })).toThrow('classes: expected 3 labels (one per output), got 2');
    expect(() => decisionBoundarySvg(standIn, [[0, 0]], [3])).toThrow('y: row 1 is 3; expected a class from 0 to 2');
  });

  it('check every option by name, type and range', () => {
    const boundary: [object, string][] = [
      [{ resolutoin: 8 }, 'resolutoin: unknown option; expected one of features, target, threshold, classes, resolution, maxPoints'],
      [{ threshold: NaN }, 'threshold: expected a probability between 0 and 1 (exclusive), got NaN'],
      [{ threshold: 1 }, 'threshold: expected a probability between 0 and 1 (exclusive), got 1'],
      [{ maxPoints: 0 }, 'maxPoints: expected a positive integer, got 0'],
      [{ resolution: -1 }, 'resolution: expected a positive integer, got -1'],
      [{ resolution: 1001 }, 'resolution: expected at most 1000 cells across, got 1001'],
      [{ features: ['a'] }, 'features: expected the names of the two features, got an array of 1 string'],
      [{ target: 5 }, 'target: expected the target\'s name, got 5'],
      [{ classes: ['a', 'a', 'b'] }, 'classes: "a" is listed twice'],
    ];
    for (const [options, message] of boundary) expect(() => decisionBoundarySvg(standIn, d.x, d.y, options as never), message).toThrow(message);
    expect(() => decisionBoundarySvg(standIn, d.x, d.y, null as never)).toThrow('options: expected { features, target, threshold, classes, resolution, maxPoints }, got null');
    expect(() => confusionMatrixSvg([[1, 0], [0, 1]], ['a', 'b'], { title: 5 } as never)).toThrow('title: expected a string, got 5');
    expect(() => confusionMatrixSvg([[1, 0], [0, 1]], ['a', 'b'], { titel: 'x' } as never)).toThrow('titel: unknown option; expected one of title');
    expect(() => lossChartSvg({ epoch: [0, 1], loss: [1, 0.5] }, 5 as never)).toThrow('title: expected a string, got 5');
    expect(() => lossChartSvg([1, 0.5] as never)).toThrow("history: expected a fit's history (with loss per epoch), got an array of 2 numbers");
  });

  it('draw a confusion matrix with each count, its share of the row and the labels on both axes', () => {
    const m = multiclassMetrics(d.y, d.x.flatMap(posterior), 3);
    const svg = confusionMatrixSvg(m.confusion, d.classes, { title: 'blobs3' });
    const counts = [...svg.matchAll(/font-size="1[135]" text-anchor="middle" fill="[^"]+">(\d+)<\/text>/g)].map((x) => Number(x[1]));
    expect(counts).toEqual(m.confusion.flat());
    expect(counts.reduce((a, b) => a + b)).toBe(180);
    expect(svg.match(/>A<\/text>/g)).toHaveLength(2); // the row and the column label
    expect(svg).toContain('>60 rows</text>');
    expect(svg).toContain('>predicted class</text>');
    expect(svg).toContain(`>${Math.round((m.confusion[0]![0]! / 60) * 100)}%</text>`);
    // Long labels turn 45° to fit under their columns.
    expect(confusionMatrixSvg([[1, 0], [0, 1]], ['a rather long label', 'b'])).toContain('rotate(-45)');
    expect(() => confusionMatrixSvg([[1, 0]], ['a', 'b'])).toThrow('confusion: expected 2 rows (one per class), got 1');
    expect(() => confusionMatrixSvg([[1, 0], [0, 1.5]], ['a', 'b'])).toThrow('confusion[1][1]: expected a count (an integer ≥ 0), got 1.5');
  });
});
