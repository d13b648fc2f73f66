import type { ModelOptions } from './model.js';
import type { FitOptions } from './trainer.js';

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
  fit: Required<Pick<FitOptions, 'epochs' | 'learningRate' | 'batchSize' | 'shuffle'>>;
}

const tutorialLayers = (activation: 'linear' | 'sigmoid') => [2, 1].map((units) => ({
  units, activation, kernelInitializer: { constant: 0.1 }, biasInitializer: 'zeros' as const,
}));

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

export type DatasetName = keyof typeof datasets;
export const DATASET_NAMES = Object.keys(datasets) as DatasetName[];
