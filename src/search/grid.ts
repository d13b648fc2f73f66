// A search's grid: lists of values for some of a model's and a fit's settings, every combination a
// setting to try. Each value is checked as the option it stands for, named by its place in the grid.
import { BackpropError, fail, knownKeys, show } from '../errors.js';
import { checkedNetwork, type ModelOptions } from '../model.js';
import type { OptimizerName } from '../optimizerSettings.js';
import type { LayerSpec, Network } from '../spec.js';
import { checkTrialFit, type TrialFitOptions } from '../trial.js';

/** Lists of values to try, by option; every combination of the lists but `seed` is a setting, trained once per seed. */
export interface SearchGrid {
  /** Networks to try: each a model's `layers` (the model's inputs and loss stay those of `options.model`). */
  layers?: LayerSpec[][];
  optimizer?: OptimizerName[];
  learningRate?: number[];
  batchSize?: number[];
  epochs?: number[];
  /** Each setting is trained once per seed (the initial weights, the row order and the split); default [0]. */
  seed?: number[];
}

/** One point of the grid (without the seed): the values it gives, by the grid's keys. */
export interface SearchSetting {
  layers?: LayerSpec[];
  optimizer?: OptimizerName;
  learningRate?: number;
  batchSize?: number;
  epochs?: number;
}

const FIT_KEYS = ['optimizer', 'learningRate', 'batchSize', 'epochs'] as const;
/** The keys a grid may have: the model's layers, four fit options, and the seeds. */
export const GRID_KEYS = ['layers', ...FIT_KEYS, 'seed'] as const;

/**
 * Every combination of the grid's values (the first key varies slowest, in GRID_KEYS order), and its
 * seeds. Each value is checked with the model (of `network`) and fit it joins, as the Model
 * constructor and Model.fit check them (a network with the fit: a class weight reads its outputs; the
 * fit's grid keys do not read the network, nor each other); a bad one is named as `grid.key[i]`.
 */
export function expandGrid(grid: SearchGrid, model: ModelOptions<LayerSpec>, network: Network, fit: TrialFitOptions): { settings: SearchSetting[]; seeds: number[] } {
  if (typeof grid !== 'object' || grid === null || Array.isArray(grid)) fail('grid', `expected an object of lists like { learningRate: [0.001, 0.01] }, got ${show(grid)}`);
  knownKeys('grid', grid, GRID_KEYS);
  for (const key of GRID_KEYS) {
    const values = grid[key];
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.length === 0) fail(`grid.${key}`, `expected a non-empty list of values, got ${show(values)}`);
    values.forEach((value: unknown, i) => {
      const field = `grid.${key}[${i}]`;
      if (values.findIndex((other: unknown) => JSON.stringify(other) === JSON.stringify(value)) < i) fail(field, `${show(value)} is listed twice; each value once`);
      asOption(field, () => (key === 'layers' ? checkTrialFit(checkedNetwork({ ...model, layers: value as LayerSpec[] }), fit) : checkTrialFit(network, { ...fit, [key]: value })));
    });
  }
  let settings: SearchSetting[] = [{}];
  for (const key of ['layers', ...FIT_KEYS] as const) {
    const values = grid[key] as unknown[] | undefined;
    if (values) settings = settings.flatMap((s) => values.map((value) => ({ ...s, [key]: value })));
  }
  return { settings, seeds: grid.seed ?? [0] };
}

/** Runs `check`; a refusal is reported at `field` with the option's own message. */
function asOption(field: string, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    if (e instanceof BackpropError) fail(field, e.message);
    throw e;
  }
}
