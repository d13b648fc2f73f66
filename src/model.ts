import type { EngineKind } from './engines/engine.js';
import { wasmLoaded } from './engines/wasm.js';
import { checkBinaryLabels, toMatrix, type Matrix } from './data.js';
import { fail, oneOf, show } from './errors.js';
import { initialize } from './initializers.js';
import { seeded } from './random.js';
import { checkSpec, outputs, parameterCount, widths, type ModelSpec, type Network } from './spec.js';
import { checkFitOptions, train, type FitOptions, type History } from './trainer.js';
import { openWorkspace } from './workspace.js';

/** Keras's weight list: `[kernel₁ (inputs × units), bias₁ (units), kernel₂, bias₂, …]`. */
export type Weights = (number[][] | number[])[];

export interface ModelOptions extends ModelSpec {
  /** Initial weights in the Keras layout; overrides the layers' initializers. */
  weights?: Weights;
  /** Seeds the random initializers (default 0). */
  seed?: number;
}

export interface RunOptions {
  /** Defaults to 'wasm' once the kernels are loaded (after a WASM fit or loadWasm()), else 'js'. */
  engine?: EngineKind;
}

/** A stack of Dense layers and its parameters, kept flat: per layer the kernel as [units][inputs], then the bias. */
export class Model {
  readonly network: Network;
  /** Set to true from a callback to end `fit` after the current epoch, as in Keras. */
  stopTraining = false;
  private readonly params: Float64Array;

  constructor(options: ModelOptions) {
    this.network = checkSpec(options);
    this.params = new Float64Array(parameterCount(this.network));
    if (options.weights !== undefined) this.setWeights(options.weights);
    else this.initialize(options.seed ?? 0);
  }

  private initialize(seed: number): void {
    if (!Number.isInteger(seed)) fail('seed', `expected an integer, got ${show(seed)}`);
    const random = seeded(seed);
    this.forEachLayer((l, inputs, kernel, bias) => {
      const layer = this.network.layers[l]!;
      initialize(kernel, layer.kernelInitializer, inputs, layer.units, random);
      initialize(bias, layer.biasInitializer, inputs, layer.units, random);
    });
  }

  /** Calls `f` with views of each layer's kernel ([units][inputs]) and bias in the flat parameters. */
  private forEachLayer(f: (layer: number, inputs: number, kernel: Float64Array, bias: Float64Array) => void): void {
    const w = widths(this.network);
    let at = 0;
    this.network.layers.forEach((layer, l) => {
      const inputs = w[l]!;
      const kernel = this.params.subarray(at, at + layer.units * inputs);
      at += kernel.length;
      const bias = this.params.subarray(at, at + layer.units);
      at += bias.length;
      f(l, inputs, kernel, bias);
    });
  }

  countParams(): number {
    return this.params.length;
  }

  /** The weights in the Keras layout (copies). */
  getWeights(): Weights {
    const out: Weights = [];
    this.forEachLayer((_, inputs, kernel, bias) => {
      const units = bias.length;
      out.push(Array.from({ length: inputs }, (_, i) => Array.from({ length: units }, (_, u) => kernel[u * inputs + i]!)));
      out.push(Array.from(bias));
    });
    return out;
  }

  /** Sets every weight from the Keras layout; checks every shape and value before changing any. */
  setWeights(weights: Weights): void {
    const layers = this.network.layers.length;
    if (!Array.isArray(weights) || weights.length !== 2 * layers) {
      fail('weights', `expected ${2 * layers} arrays [kernel, bias] × ${layers} layers, got ${show(weights)}`);
    }
    const next = new Float64Array(this.params.length);
    const w = widths(this.network);
    let at = 0;
    for (let l = 0; l < layers; l++) {
      const inputs = w[l]!, units = w[l + 1]!;
      const kernel = weights[2 * l], bias = weights[2 * l + 1];
      const kField = `weights[${2 * l}] (layer ${l} kernel)`, bField = `weights[${2 * l + 1}] (layer ${l} bias)`;
      if (!Array.isArray(kernel) || kernel.length !== inputs) fail(kField, `expected ${inputs} rows (one per input) of ${units} numbers, got ${show(kernel)}`);
      kernel.forEach((row: unknown, i) => {
        if (!Array.isArray(row) || row.length !== units) fail(`${kField}[${i}]`, `expected ${units} numbers (one per unit), got ${show(row)}`);
        row.forEach((v: unknown, u) => { next[at + u * inputs + i] = finite(`${kField}[${i}][${u}]`, v); });
      });
      at += units * inputs;
      if (!Array.isArray(bias) || bias.length !== units) fail(bField, `expected ${units} numbers (one per unit), got ${show(bias)}`);
      bias.forEach((v: unknown, u) => { next[at + u] = finite(`${bField}[${u}]`, v); });
      at += units;
    }
    this.params.set(next);
  }

  /** Trains on x (rows × inputs) and y (rows × outputs); the weights carry over between calls. */
  async fit(x: Matrix, y: Matrix, options: FitOptions = {}): Promise<History> {
    const settings = checkFitOptions(options);
    const { data: xs, ys, rows } = this.data(x, y);
    this.stopTraining = false;
    return train(this.network, this.params, xs, ys, rows, settings, options.onEpochEnd, () => this.stopTraining);
  }

  /** Outputs for each row of x: rows × outputs. */
  predict(x: Matrix, options: RunOptions = {}): number[][] {
    const { data, rows } = toMatrix('x', x, this.network.inputs);
    const { engine, layout } = openWorkspace(this.engineFor(options), this.network, this.params, data, undefined, rows);
    const out = layout.layers[layout.layers.length - 1]!;
    return Array.from({ length: rows }, (_, r) => {
      engine.forward(layout.net, r);
      return Array.from(engine.f64.subarray(out.a, out.a + out.units));
    });
  }

  /** Mean loss over the rows of x and y. */
  evaluate(x: Matrix, y: Matrix, options: RunOptions = {}): number {
    const { data, ys, rows } = this.data(x, y);
    const { engine, layout } = openWorkspace(this.engineFor(options), this.network, this.params, data, ys, rows);
    let total = 0;
    for (let r = 0; r < rows; r++) total += engine.rowLoss(layout.net, r, 1);
    return total / rows;
  }

  private data(x: Matrix, y: Matrix): { data: Float64Array; ys: Float64Array; rows: number } {
    const { data, rows } = toMatrix('x', x, this.network.inputs);
    const { data: ys, rows: yRows } = toMatrix('y', y, outputs(this.network));
    if (yRows !== rows) fail('y', `has ${yRows} rows but x has ${rows}; expected one target row per input row`);
    if (this.network.loss === 'binaryCrossentropy') checkBinaryLabels('y', ys, outputs(this.network));
    return { data, ys, rows };
  }

  private engineFor(options: RunOptions): EngineKind {
    return oneOf('engine', options.engine ?? (wasmLoaded() ? 'wasm' : 'js'), ['wasm', 'js'] as const);
  }
}

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `expected a finite number, got ${show(v)}`);
  return v;
}

/** Builds a model from Dense layer specs, as Keras's `sequential`. */
export function sequential(options: ModelOptions): Model {
  return new Model(options);
}
