// Interchange files on disk (Node): TensorFlow.js model.json + weights.bin, ONNX, and reading a
// model from either a backprop model file or a TensorFlow.js model.json.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeTogether, writeWhole } from './atomic.js';
import { checkPath, fail, knownOptions } from '../errors.js';
import { unreadable } from '../csvFile.js';
import type { Model } from '../model.js';
import { liftBlocks, unlift } from './blocks.js';
import { modelFromFile, taskOf, type LoadedInfo, type ModelInfo } from './modelFile.js';
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

/** Writes `dir`/model.json and `dir`/weights.bin (creating `dir`), together (src/io/atomic.ts writeTogether); returns what was written, with the float32 rounding and what was folded. */
export async function saveTfjs(dir: string, model: Model, info?: Omit<ModelInfo, 'training'>): Promise<TfjsExport & { files: string[] }> {
  checkPath('dir', dir);
  return writeTfjs(dir, exportTfjs(model, { info }));
}

/** Writes an export's `dir`/model.json and `dir`/weights.bin (creating `dir`), together: both new, or neither. */
export async function writeTfjs(dir: string, out: TfjsExport): Promise<TfjsExport & { files: string[] }> {
  await mkdir(dir, { recursive: true });
  const files = [join(dir, 'model.json'), join(dir, TFJS_WEIGHTS_FILE)];
  await writeTogether([[files[1]!, out.weightData], [files[0]!, JSON.stringify(out.modelJson, null, 2) + '\n']]);
  return { ...out, files };
}

/** Reads a TensorFlow.js model.json and the weights files its manifest lists (beside it). */
export async function loadTfjs(path: string, options: { loss?: Loss } = {}): Promise<TfjsImport> {
  knownOptions(options, ['loss']);
  return tfjsOf(readModelFiles(path), options);
}

/**
 * A model on disk as read, each file once: the file at `path` (a backprop model file or a TensorFlow.js
 * model.json) and a model.json's weights files. What a command reads its model from, and checks its
 * outputs against (`files`) before building the model from it (modelOf, tfjsOf).
 */
export interface ModelFiles {
  path: string;
  /** The file's text, its large blocks lifted out (src/io/blocks.ts liftBlocks). */
  text: string;
  lifted: Map<string, Uint8Array>;
  /** The text parsed; undefined when it is not JSON, whose message is `invalid`. */
  json: unknown;
  invalid?: string;
  /** A TensorFlow.js model.json's weights files, by their path in its manifest; undefined for any other file. */
  weights?: Record<string, Buffer>;
  /** Every file read: `path`, then the weights files. */
  files: string[];
}

/** A model and its columns, and every file read for them. */
export type ModelRead = ReturnType<typeof modelFromFile> & { files: string[] };

/**
 * Reads the model at `path` (`bytes`: the file's, when the caller read it) and, when it is a TensorFlow.js
 * model.json, the weights files its manifest lists; a missing or unreadable file is an error naming it.
 */
export function readModelFiles(path: string, bytes: Uint8Array = read(path)): ModelFiles {
  // A model file's large blocks are decoded from the bytes, not parsed into strings (src/io/blocks.ts).
  const { text, lifted } = liftBlocks(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { path, text, lifted, json: undefined, invalid: (e as Error).message, files: [path] };
  }
  if (!isTfjs(json)) return { path, text, lifted, json, files: [path] };
  // A model.json has no blocks: whatever was lifted is its own text
  json = unlift(json, lifted);
  const weights: Record<string, Buffer> = {};
  const files = [path];
  for (const [p, file] of weightsFiles(path, json)) {
    if (Object.hasOwn(weights, p)) continue;
    weights[p] = read(file, ` (listed in ${path}'s weightsManifest)`);
    files.push(file);
  }
  return { path, text, lifted, json, weights, files };
}

/** The weights files a TensorFlow.js model.json lists in its manifest, each as listed and as the file beside it. */
function weightsFiles(path: string, json: unknown): [string, string][] {
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((group) => ((group as { paths?: unknown })?.paths as unknown[] ?? []).flatMap((p): [string, string][] => (typeof p === 'string' ? [[p, join(dirname(path), p)]] : [])));
}

/** A TensorFlow.js model from the files readModelFiles read (modelFromTfjs, naming the file). */
export function tfjsOf({ path, text, json, weights }: ModelFiles, options: { loss?: Loss } = {}): TfjsImport {
  // Not JSON: modelFromTfjs names the error from the text
  return modelFromTfjs(json === undefined ? text : json, weights ?? {}, { ...options, source: path });
}

/** Writes the model as an ONNX file, whole (see exportOnnx for the options). */
export async function saveOnnx(path: string, model: Model, options: OnnxOptions = {}): Promise<void> {
  checkPath('path', path);
  await writeWhole(path, exportOnnx(model, options));
}

/** Whether a parsed JSON file is a TensorFlow.js model.json rather than a backprop model file. */
export function isTfjs(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'modelTopology' in json;
}

/**
 * A model and its columns from the files readModelFiles read: a backprop model file, or a TensorFlow.js
 * model.json that `backprop export` wrote (whose metadata holds the columns and threshold).
 */
export function modelOf(read: ModelFiles): ModelRead {
  const { path, text, lifted, json, files } = read;
  if (json === undefined) return { ...modelFromFile(text, path), files }; // names the JSON error
  if (!isTfjs(json)) return { ...modelFromFile(json, path, lifted), files };
  const { model, metadata } = tfjsOf(read);
  if (!metadata?.features || !metadata.target) {
    fail(path, "is a TensorFlow.js model without backprop's column names (userDefinedMetadata.backprop.features and target); read it with modelFromTfjs, or export it from a model file with 'backprop export'");
  }
  // modelFromTfjs checked the columns against the model and filled their defaults (columnInfo)
  const { loss: _, folded: __, ...columns } = metadata;
  return { model, info: { ...columns, training: {} } as LoadedInfo, task: taskOf(model.network.loss), files };
}

/** modelOf the model at `path`, read once. */
export function readModel(path: string): ModelRead {
  return modelOf(readModelFiles(path));
}
