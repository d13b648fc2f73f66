// The library core: no Node built-ins, so it runs in Node and in browsers alike.
export { Model, sequential, type ModelOptions, type RunOptions, type Weights } from './model.js';
export { type FitOptions, type History, type EpochLogs, type Shuffle } from './trainer.js';
export { ACTIVATIONS, LOSSES, type Activation, type Loss, type DenseSpec, type Initializer, type ModelSpec } from './spec.js';
export { loadWasm, setDefaultWasmSource, type WasmSource, type WasmFile } from './engines/wasm.js';
export { type EngineKind } from './engines/engine.js';
export { datasets, DATASET_NAMES, type Dataset, type DatasetName } from './datasets.js';
export { BackpropError, DivergenceError } from './errors.js';
export { type Matrix } from './data.js';
