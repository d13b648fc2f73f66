// The library core: no Node built-ins, so it runs in Node and in browsers alike.
export { Model, sequential, type ModelOptions, type ModelFitOptions, type RunOptions, type MetricsOptions, type Weights } from './model.js';
export type { FitOptions, History, EpochLogs, Shuffle } from './trainer.js';
export { ACTIVATIONS, LOSSES, INITIALIZERS, type Activation, type Loss, type DenseSpec, type Initializer, type ModelSpec } from './spec.js';
export { OPTIMIZERS, type OptimizerName } from './optimizers.js';
export { loadWasm, setDefaultWasmSource, type WasmSource, type WasmFile } from './engines/wasm.js';
export type { EngineKind } from './engines/engine.js';
export { datasets, DATASET_NAMES, type Dataset, type DatasetName } from './datasets.js';
export { BackpropError, DivergenceError } from './errors.js';
export type { Matrix } from './data.js';
export { parseCsv, numericColumns, readCsv, inferTask, formatCsv, type CsvTable, type CsvData, type CsvDataOptions, type Task } from './csv.js';
export { fitScaler, applyScaler, type Scaler } from './scaler.js';
export { regressionMetrics, classificationMetrics, metricsFor, type Metrics, type RegressionMetrics, type ClassificationMetrics, type ConfusionMatrix } from './metrics.js';
export { splitRows, takeRows, type RowSplit, type SplitOptions } from './split.js';
export type { ValidationOptions } from './validation.js';
export { lossChartSvg, decisionBoundarySvg, type BoundaryOptions } from './plot.js';
export { modelToFile, modelToText, modelFromFile, taskOf, MODEL_FORMAT, MODEL_VERSION, type ModelFile, type ModelInfo } from './modelFile.js';
