// Interchange files on disk (Node): TensorFlow.js model.json + weights.bin, ONNX, and reading a
// model from either a backprop model file or a TensorFlow.js model.json.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeWhole } from './atomic.js';
import { fail, knownOptions } from '../errors.js';
import { unreadable } from '../csvFile.js';
import type { Model } from '../model.js';
import { liftBlocks } from './blocks.js';
import { modelFromFile, modelInfo, taskOf, type ModelInfo } from './modelFile.js';
import type { Loss } from '../spec.js';
import { exportOnnx, type OnnxOptions } from './onnx.js';
import { exportTfjs, modelFromTfjs, TFJS_WEIGHTS_FILE, type TfjsExport, type TfjsImport } from './tfjs.js';

/** A file's bytes; a missing or unreadable file is a BackpropError naming it and why it was wanted. */
function read(path: string, why = ''): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    return unreadable(path, e, why);
  }
}

/** Writes `dir`/model.json and `dir`/weights.bin (creating `dir`), each whole; returns what was written, with the float32 rounding and what was folded. */
export async function saveTfjs(dir: string, model: Model, info?: Omit<ModelInfo, 'training'>): Promise<TfjsExport & { files: string[] }> {
  const out = exportTfjs(model, { info });
  await mkdir(dir, { recursive: true });
  const files = [join(dir, 'model.json'), join(dir, TFJS_WEIGHTS_FILE)];
  // The weights first: a model.json is never left beside weights of another model
  await writeWhole(files[1]!, out.weightData);
  await writeWhole(files[0]!, JSON.stringify(out.modelJson, null, 2) + '\n');
  return { ...out, files };
}

/** Reads a TensorFlow.js model.json and the weights files its manifest lists (beside it). */
export async function loadTfjs(path: string, options: { loss?: Loss } = {}): Promise<TfjsImport> {
  return readTfjs(path, options);
}

/** loadTfjs, synchronously (for `train --weights`). */
export function readTfjs(path: string, options: { loss?: Loss } = {}): TfjsImport {
  knownOptions(options, ['loss']);
  const text = read(path).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // modelFromTfjs names the JSON error
  }
  const weights: Record<string, Buffer> = {};
  for (const [p, file] of weightsFiles(path, json)) weights[p] = read(file, ` (listed in ${path}'s weightsManifest)`);
  return modelFromTfjs(text, weights, { ...options, source: path });
}

/** The weights files a TensorFlow.js model.json lists in its manifest, each as listed and as the file beside it. */
function weightsFiles(path: string, json: unknown): [string, string][] {
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((group) => ((group as { paths?: unknown })?.paths as unknown[] ?? []).flatMap((p): [string, string][] => (typeof p === 'string' ? [[p, join(dirname(path), p)]] : [])));
}

/**
 * Every file that reading the model at `path` reads: the file, and for a TensorFlow.js model.json the
 * weights files its manifest lists (the inputs a command's outputs must not write over).
 */
export function modelInputs(path: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(liftBlocks(readFileSync(path)).text);
  } catch {
    return [path]; // reading it names what is wrong
  }
  return [path, ...(isTfjs(json) ? weightsFiles(path, json).map(([, file]) => file) : [])];
}

/** Writes the model as an ONNX file, whole (see exportOnnx for the options). */
export async function saveOnnx(path: string, model: Model, options: OnnxOptions = {}): Promise<void> {
  await writeWhole(path, exportOnnx(model, options));
}

/** Whether a parsed JSON file is a TensorFlow.js model.json rather than a backprop model file. */
export function isTfjs(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'modelTopology' in json;
}

/**
 * A model and its columns from a backprop model file or from a TensorFlow.js model.json that
 * `backprop export` wrote (whose metadata holds the columns and threshold).
 */
export async function readModelFile(path: string): Promise<ReturnType<typeof modelFromFile>> {
  // A model file's large blocks are decoded from the bytes, not parsed into strings (src/io/blocks.ts).
  const { text, lifted } = liftBlocks(read(path));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return modelFromFile(text, path); // names the JSON error
  }
  if (!isTfjs(json)) return modelFromFile(json, path, lifted);
  const { model, metadata } = readTfjs(path);
  if (!metadata?.features || !metadata.target) {
    fail(path, "is a TensorFlow.js model without backprop's column names (userDefinedMetadata.backprop.features and target); read it with modelFromTfjs, or export it from a model file with 'backprop export'");
  }
  const { features, target, targets, classes, threshold } = metadata;
  const info = modelInfo(`${path}: userDefinedMetadata.backprop`, { features, target, targets, classes, threshold, training: {} }, model.network);
  return { model, info, task: taskOf(model.network.loss) };
}
