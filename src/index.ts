// The library core: no Node built-ins, so it runs in Node and in browsers alike.
export { Model, sequential, type BatchOptions, type TrainingState, type ModelOptions, type ModelFitOptions, type Trace, type TraceOptions, type RunOptions, type MetricsOptions, type Weights } from './model.js';
export { unitName, paramName, zName, type Factor, type ParamChain, type TraceLayer, type TraceUpdate } from './trace.js';
export type { FitOptions, History, LossHistory, EpochLogs, Shuffle, Settings } from './trainer.js';
export { ACTIVATIONS, LOSSES, INITIALIZERS, type Activation, type Loss, type DenseSpec, type DropoutSpec, type LayerSpec, type RegularizerSpec, type Regularizer, type Initializer, type ModelSpec } from './spec.js';
export { OPTIMIZERS, type OptimizerName } from './optimizers.js';
// The operation rows: what the page's menus and help list (each row's name, help and parameters).
export { ACTIVATION_LIST, HIDDEN_ACTIVATIONS, type ActivationRow } from './operations/activations.js';
export { LOSS_LIST, type LossRow } from './operations/losses.js';
export { OPTIMIZER_LIST, HYPERPARAMETERS, HYPERPARAMETER_NAMES, takersOf, type OptimizerRow, type OptimizerSettings, type Hyperparameter } from './operations/optimizers.js';
export { loadWasm, setDefaultWasmSource, type WasmSource, type WasmFile } from './engines/wasm.js';
export type { EngineKind } from './engines/engine.js';
export { datasets, DATASET_NAMES, classDatasets, CLASS_DATASET_NAMES, gaussianBlobs, type Dataset, type DatasetName, type ClassDataset, type ClassDatasetName, type BlobOptions } from './datasets.js';
export { BackpropError, DivergenceError } from './errors.js';
export type { Matrix } from './data.js';
export { parseCsv, numericColumns, classColumn, readCsv, inferTask, formatCsv, TASKS, type CsvTable, type CsvData, type CsvDataOptions, type Task } from './csv.js';
export { sortedClasses, canonicalLabel, oneHot, argmax, predictedLabels, classPredictions, isCategorical } from './classes.js';
export { fitScaler, applyScaler, type Scaler } from './scaler.js';
export { regressionMetrics, classificationMetrics, multiclassMetrics, metricsFor, type Metrics, type RegressionMetrics, type ClassificationMetrics, type MulticlassMetrics, type ClassScores, type ConfusionMatrix } from './metrics.js';
export { splitRows, takeRows, type RowSplit, type SplitOptions } from './split.js';
export type { ValidationOptions } from './validation.js';
export { lossChartSvg, decisionBoundarySvg, confusionMatrixSvg, type BoundaryOptions, type ConfusionOptions } from './plot.js';
export { modelToFile, modelToText, modelChunks, modelFromFile, modelInfo, taskOf, MODEL_FORMAT, MODEL_VERSION, type ModelFile, type ModelInfo, type LoadedInfo } from './io/modelFile.js';
export { exportTfjs, modelFromTfjs, TFJS_WEIGHTS_FILE, type TfjsExport, type TfjsImport, type TfjsMetadata, type TfjsModelJson, type TfjsWeightData } from './io/tfjs.js';
export { exportOnnx, ONNX_OPSET, ONNX_INPUT, ONNX_OUTPUT } from './io/onnx.js';
export { WorkerTrainer, type WorkerTrainerOptions, type WorkerFitOptions, type WorkerEpochLogs } from './worker/workerTrainer.js';
