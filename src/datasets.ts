import { checkSeed, fail, knownOptions, positiveFinite, positiveInteger, show } from './errors.js';
import { seeded } from './random.js';
import type { ModelOptions } from './model.js';
import type { FitOptions } from './fitOptions.js';

/** One of the tutorial's tasks: its four rows and the settings its notebooks trained with. */
export interface Dataset {
  name: string;
  description: string;
  features: string[];
  target: string;
  x: number[][];
  y: number[];
  /** 2-2-1, every weight 0.1 and every bias 0. */
  model: ModelOptions;
  /** Per-row SGD over the rows in order. */
  fit: Required<Pick<FitOptions, 'epochs' | 'batchSize' | 'shuffle'>> & { learningRate: number };
}

const tutorialLayers = (activation: 'linear' | 'sigmoid') => [2, 1].map((units) => ({
  units, activation, kernelInitializer: { constant: 0.1 }, biasInitializer: 'zeros' as const,
}));

/** The tutorial's two four-row datasets (CGPA, resume score → package in LPA, or placed 0/1), each with its 2-2-1 model. */
export const datasets: Record<'package' | 'placement', Dataset> = {
  package: {
    name: 'package',
    description: 'regression: CGPA and resume score → salary package (LPA)',
    features: ['cgpa', 'resume_score'],
    target: 'package',
    x: [[8, 8], [7, 9], [6, 10], [5, 12]],
    y: [4, 5, 6, 7],
    model: { inputs: 2, layers: tutorialLayers('linear'), loss: 'mse' },
    fit: { epochs: 5, learningRate: 0.001, batchSize: 1, shuffle: 'none' },
  },
  placement: {
    name: 'placement',
    description: 'classification: CGPA and resume score → placed (1) or not (0)',
    features: ['cgpa', 'resume_score'],
    target: 'placed',
    x: [[8, 8], [7, 9], [6, 10], [5, 5]],
    y: [1, 1, 0, 0],
    model: { inputs: 2, layers: tutorialLayers('sigmoid'), loss: 'binaryCrossentropy' },
    fit: { epochs: 50, learningRate: 0.0001, batchSize: 1, shuffle: 'none' },
  },
};

/** A key of `datasets`. */
export type DatasetName = keyof typeof datasets;
/** The names of `datasets`. */
export const DATASET_NAMES = Object.keys(datasets) as DatasetName[];

/** A labelled dataset for a classifier over several classes (a softmax output). */
export interface ClassDataset {
  name: string;
  description: string;
  features: string[];
  target: string;
  /** The labels, in class order. */
  classes: string[];
  x: number[][];
  /** Each row's class index into `classes`. */
  y: number[];
}

/** `gaussianBlobs`'s options. */
export interface BlobOptions {
  /** One center per class, each a point with one coordinate per feature. */
  centers: readonly (readonly number[])[];
  /** Standard deviation of every coordinate around its center (a finite number > 0). */
  std: number;
  rowsPerClass: number;
  seed?: number;
  /** Decimal places the coordinates are rounded to (0 to 100, default 3), so the rows write to CSV and read back exactly. */
  digits?: number;
}

/**
 * Gaussian blobs, as scikit-learn's make_blobs: `rowsPerClass` rows around each center, each
 * coordinate drawn from N(center, std²) (Box–Muller over the seeded generator, so one seed gives the
 * same rows everywhere). The classes take turns row by row: 0, 1, …, k − 1, 0, 1, …
 */
export function gaussianBlobs(options: BlobOptions): { x: number[][]; y: number[] } {
  knownOptions(options, ['centers', 'std', 'rowsPerClass', 'seed', 'digits']);
  const { centers, std, rowsPerClass, seed = 0, digits = 3 } = options;
  checkCenters(centers);
  positiveFinite('std', std);
  positiveInteger('rowsPerClass', rowsPerClass);
  checkSeed('seed', seed);
  // toFixed's range
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) fail('digits', `expected a whole number of decimal places from 0 to 100, got ${show(digits)}`);
  const random = seeded(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const round = (v: number) => Number(v.toFixed(digits));
  const x: number[][] = [], y: number[] = [];
  for (let i = 0; i < rowsPerClass; i++) {
    centers.forEach((center, k) => {
      x.push(center.map((c) => round(c + std * normal())));
      y.push(k);
    });
  }
  return { x, y };
}

/** At least one center, each a point of finite coordinates, all with one count of features. */
function checkCenters(centers: unknown): void {
  if (!Array.isArray(centers) || centers.length === 0) fail('centers', `expected one center per class (a list of points), got ${show(centers)}`);
  const features = Array.isArray(centers[0]) ? centers[0].length : 0;
  centers.forEach((center: unknown, k) => {
    if (!Array.isArray(center) || center.length === 0 || center.length !== features) {
      fail(`centers[${k}]`, `expected a point of ${k === 0 ? 'at least one coordinate' : `${features} coordinates, as centers[0]`}, got ${show(center)}`);
    }
    center.forEach((c: unknown, j) => { if (typeof c !== 'number' || !Number.isFinite(c)) fail(`centers[${k}][${j}]`, `expected a finite number, got ${show(c)}`); });
  });
}

/** The class-label examples: `blobs3`, three Gaussian blobs of 60 rows on two features. */
export const classDatasets: Record<'blobs3', ClassDataset> = {
  blobs3: {
    name: 'blobs3',
    description: 'three classes: three Gaussian blobs in the plane, 60 rows each, touching at their edges',
    features: ['x1', 'x2'],
    target: 'class',
    classes: ['A', 'B', 'C'],
    ...gaussianBlobs({ centers: [[-2, -1], [2, -1], [0, 2]], std: 0.9, rowsPerClass: 60, seed: 3 }),
  },
};

/** A key of `classDatasets`. */
export type ClassDatasetName = keyof typeof classDatasets;
/** The names of `classDatasets`. */
export const CLASS_DATASET_NAMES = Object.keys(classDatasets) as ClassDatasetName[];
