import { mkdirSync, rmdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { count, fail, oneOf } from '../errors.js';
import { readModel, readModelFiles, modelOf, saveOnnx, writeTfjs } from '../io/files.js';
import { ONNX_OPSET, ONNX_PRECISIONS, onnxScalerNotes } from '../io/onnx.js';
import { exportTfjs, TFJS_WEIGHTS_FILE } from '../io/tfjs.js';
import { exportStandalone, STANDALONE_FORMATS, type StandaloneFormat } from '../io/standalone/exportStandalone.js';
import type { Command, Values } from './args.js';
import { checkOutputs, statOf, writeOutput, writeWhole } from './outputs.js';
import { num } from './report.js';

const FORMATS = ['tfjs', 'onnx', ...STANDALONE_FORMATS] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a saved model as TensorFlow.js (layers format), ONNX, or a standalone predictor (js, wasm, c)',
  usage: `backprop export MODEL.json --format ${FORMATS.join('|')} --out PATH [--precision float64|float32] [--commonjs] [--prefix NAME]`,
  about: "MODEL.json is a model file from 'backprop train --save', or a model.json this command wrote. The exported model gives "
    + "predict's outputs: raw inputs in, outputs in the target's units (the scalers are folded in or added as nodes; the command says which).",
  flags: [{
    flags: {
      format: {
        value: FORMATS.join('|'),
        help: `tfjs: PATH is a directory; writes PATH/model.json (a Sequential of Dense layers) and PATH/${TFJS_WEIGHTS_FILE} (float32), `
          + 'for tf.loadLayersModel, or for Keras through tensorflowjs_converter --input_format tfjs_layers_model --output_format keras. '
          + 'TensorFlow.js computes in float32, so the weights are rounded; the largest change is reported. The input scaler is folded into the first '
          + 'layer, a target scaler into a linear output layer (else it becomes a linear Dense layer after the output). '
          + `onnx: PATH is the .onnx file: opset ${ONNX_OPSET}, Gemm and activation nodes, the input scaler as Sub and Div nodes and a target scaler `
          + 'as Mul and Add nodes; input "input" [N, inputs], output "output"; the feature, target and class names in its metadata_props (backprop.*). '
          + 'js, wasm, c: PATH is the file of a standalone predictor that needs nothing of backprop-wasm (an ES module; a WebAssembly module inlined in '
          + 'its ES module loader; a C99 header), whose outputs equal predict\'s to the bit (docs/standalone.md).',
      },
      out: { value: 'PATH', help: 'where to write: a directory (tfjs), else the file (.onnx, .js or .mjs, .h); never the input model, even through a link' },
      commonjs: { help: 'js, wasm: a CommonJS module (module.exports; wasm: await its `ready` first) instead of an ES module' },
      prefix: { value: 'NAME', help: 'c: a prefix for the file\'s names (NAMEpredict, NAMEweights), so several models share one program' },
      precision: { value: 'float64|float32', help: 'onnx: the tensors\' type (default float64: the weights exactly; float32: what most runtimes and accelerators take, and the one ONNX Runtime runs gelu in)' },
    },
  }],
  async run(v, positionals) {
    if (positionals.length !== 1) fail('export', `expected one model file: backprop export MODEL.json --format ${FORMATS.join('|')} --out PATH, got ${positionals.length} arguments`);
    const input = positionals[0]!;
    if (v.format === undefined) fail('--format', `is missing: expected ${FORMATS.join(' or ')}`);
    const format = oneOf('--format', v.format, FORMATS);
    if ((STANDALONE_FORMATS as readonly string[]).includes(format)) {
      await writeStandalone(input, format as StandaloneFormat, v);
      return;
    }
    if (v.commonjs !== undefined || v.prefix !== undefined) fail(v.commonjs !== undefined ? '--commonjs' : '--prefix', 'applies to the standalone formats (js, wasm, c)');
    if (typeof v.out !== 'string' || v.out === '') fail('--out', `expected the ${format === 'tfjs' ? 'directory to write model.json and its weights into' : '.onnx file to write'}`);
    if (v.precision !== undefined && format !== 'onnx') fail('--precision', 'applies to --format onnx; TensorFlow.js models are float32');
    const precision = oneOf('--precision', v.precision ?? 'float64', ONNX_PRECISIONS);
    const out = v.out;
    // every file read is an input: a TensorFlow.js model.json's weights files too
    const { model, info: { training: _, ...info }, files: inputs } = readModel(input);
    if (format === 'onnx') {
      const output = { flag: '--out', what: 'ONNX model', path: out };
      checkOutputs([output], inputs);
      await writeOutput(output, () => saveOnnx(out, model, { precision, info }));
      const notes = onnxScalerNotes(model);
      console.log(`wrote ${out}: ONNX opset ${ONNX_OPSET}, ${precision}${precision === 'float64' ? ' (the weights exactly)' : ' (the weights rounded to float32)'}, input "input" [N, ${model.network.inputs}] → output "output"${notes.length ? `; ${notes.join('; ')}` : ''}`);
      return;
    }
    // built before the folder is made: a model TensorFlow.js cannot hold (a leakyRelu layer) leaves nothing behind
    const exported = exportTfjs(model, { info });
    const made = tfjsFolder(out, inputs);
    let written: Awaited<ReturnType<typeof writeTfjs>>;
    try {
      const outputs = [{ flag: '--out', what: 'TensorFlow.js model', path: join(out, 'model.json') }, { flag: '--out', what: 'TensorFlow.js weights', path: join(out, TFJS_WEIGHTS_FILE) }];
      checkOutputs(outputs, inputs);
      written = await writeOutput({ ...outputs[0]!, what: 'TensorFlow.js model and weights' }, () => writeTfjs(out, exported));
    } catch (e) {
      if (made) rmdirSync(out);
      throw e;
    }
    console.log(`wrote ${written.files.join(', ')}: TensorFlow.js layers format${written.folded.length ? `; ${written.folded.join('; ')}` : ''}`);
    console.log(`TensorFlow.js computes in float32, so the weights were rounded to float32: the largest change is ${num(written.rounding.largest, 3)} (${written.rounding.weight})`);
  },
};

/** backprop export --format js|wasm|c: one file, checked against the model's files as read before the model is built from them, written whole. */
async function writeStandalone(input: string, format: StandaloneFormat, v: Values): Promise<void> {
  if (typeof v.out !== 'string' || v.out === '') fail('--out', `expected the file to write (${format === 'c' ? 'a .h' : 'a .js or .mjs'} file)`);
  if (v.precision !== undefined) fail('--precision', `applies to --format onnx; the ${format} predictor computes in float64, as predict does`);
  if (v.commonjs !== undefined && format === 'c') fail('--commonjs', 'applies to --format js and wasm');
  if (v.prefix !== undefined && format !== 'c') fail('--prefix', 'applies to --format c');
  if (v.prefix === true) fail('--prefix', 'expected a name, e.g. --prefix iris_');
  const out = v.out;
  const read = readModelFiles(input);
  const output = { flag: '--out', what: `${format} predictor`, path: out };
  checkOutputs([output], read.files);
  const { model, info, task } = modelOf(read);
  const text = exportStandalone(model, {
    format, featureNames: info.features, ...(info.classes ? { classes: info.classes } : {}),
    // a 0/1 classifier's threshold, as predict takes it
    ...(task === 'classification' && !info.classes ? { threshold: info.threshold } : {}),
    ...(v.commonjs === true ? { commonjs: true } : {}), ...(typeof v.prefix === 'string' ? { prefix: v.prefix } : {}),
  });
  await writeOutput(output, () => writeWhole(out, text));
  console.log(`wrote ${out}: a standalone ${format} predictor, ${count(model.network.inputs, 'input')} → ${count(model.network.layers.at(-1)!.units, 'output')}, ${Buffer.byteLength(text)} bytes`);
}

/**
 * The folder a tfjs export writes into: an existing folder, or a new one (then true: made here),
 * checked as an output itself first (its parent folder, permissions).
 */
function tfjsFolder(out: string, inputs: string[]): boolean {
  const stat = statOf(out);
  if (stat) {
    if (!stat.isDirectory()) fail('--out', `${out} is a file; --format tfjs writes a directory (model.json and ${TFJS_WEIGHTS_FILE}), so give a directory's name`);
    return false;
  }
  // a new folder's name may end in separators: checked as the name it makes
  let name = out;
  while (name.length > 1 && (name.endsWith('/') || name.endsWith(sep))) name = name.slice(0, -1);
  checkOutputs([{ flag: '--out', what: 'TensorFlow.js folder', path: name }], inputs);
  try {
    mkdirSync(out);
  } catch (e) {
    fail('--out', `cannot create the directory ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return true;
}
