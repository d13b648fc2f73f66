// The Node entry: the library core, with the kernels read from build/backprop.wasm on first use.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setDefaultWasmSource } from './engines/wasm.js';
import { setCoreCount } from './cores.js';
import { setBusyCores, setThreadStarter } from './threads.js';
import { busyCores, sampleBusyCores } from './busyCores.js';
import './worker/nodeEndpoint.js';
import { nodeThreads } from './worker/nodeThreads.js';
import { unreadable } from './csvFile.js';
import { checkPath } from './errors.js';
import type { Model } from './model.js';
import { modelChunks, type modelFromFile, type ModelInfo } from './io/modelFile.js';
import { readModel } from './io/files.js';
import { writeWhole } from './io/atomic.js';

setDefaultWasmSource((file) => readFile(new URL(`../build/${file}`, import.meta.url)));
// A search's threads and a fit's: 'auto' counts the cores this process may use.
setCoreCount(availableParallelism);
// A fit's threads: 'auto' leaves the cores other processes keep busy to them.
setBusyCores(busyCores, sampleBusyCores);
// A fit's threads (src/threads.ts): each a worker_threads Worker (src/worker/nodeThreads.ts).
setThreadStarter(nodeThreads());

export * from './index.js';

/** A file's text; a missing or unreadable file is a BackpropError naming it. */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    return unreadable(path, e);
  }
}

export { readCsvFile } from './csvFile.js';

/**
 * Writes the model, its scalers, its training state and `info` as a model file (JSON), in pieces (no
 * one string of the whole file), whole: a temporary file beside `path`, renamed over it once complete,
 * so that a crash at any moment leaves the previous file or the new one, never a part of one.
 */
export async function saveModel(path: string, model: Model, info: ModelInfo): Promise<void> {
  checkPath('path', path);
  await writeWhole(path, modelChunks(model, info));
}

/** Reads and checks a model file written by saveModel, or a TensorFlow.js model.json written by `backprop export`. */
export async function loadModel(path: string): Promise<ReturnType<typeof modelFromFile>> {
  const { model, info, task } = readModel(path);
  return { model, info, task };
}

export { saveTfjs, loadTfjs, saveOnnx } from './io/files.js';
