import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fail, oneOf } from '../errors.js';
import { readModelFile, saveOnnx, saveTfjs } from '../io/files.js';
import { ONNX_OPSET, ONNX_PRECISIONS, onnxScalerNotes } from '../io/onnx.js';
import { TFJS_WEIGHTS_FILE } from '../io/tfjs.js';
import type { Command } from './args.js';
import { checkOutputs } from './outputs.js';
import { num } from './report.js';

const FORMATS = ['tfjs', 'onnx'] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a saved model as TensorFlow.js (layers format) or ONNX',
  usage: 'backprop export MODEL.json --format tfjs|onnx --out PATH [--precision float64|float32]',
  about: "MODEL.json is a model file from 'backprop train --save', or a model.json this command wrote. The exported model gives "
    + "predict's outputs: raw inputs in, outputs in the target's units (the scalers are folded in or added as nodes; the command says which).",
  flags: [{
    flags: {
      format: {
        value: 'tfjs|onnx',
        help: `tfjs: PATH is a directory; writes PATH/model.json (a Sequential of Dense layers) and PATH/${TFJS_WEIGHTS_FILE} (float32), `
          + 'for tf.loadLayersModel, or for Keras through tensorflowjs_converter --input_format tfjs_layers_model --output_format keras. '
          + 'TensorFlow.js computes in float32, so the weights are rounded; the largest change is reported. The input scaler is folded into the first '
          + 'layer, a target scaler into a linear output layer (else it becomes a linear Dense layer after the output). '
          + `onnx: PATH is the .onnx file: opset ${ONNX_OPSET}, Gemm and activation nodes, the input scaler as Sub and Div nodes and a target scaler `
          + 'as Mul and Add nodes; input "input" [N, inputs], output "output"; the feature, target and class names in its metadata_props (backprop.*).',
      },
      out: { value: 'PATH', help: 'where to write: a directory (tfjs) or a .onnx file; never the input model, even through a link' },
      precision: { value: 'float64|float32', help: 'onnx: the tensors\' type (default float64: the weights exactly; float32: what most runtimes and accelerators take, and the one ONNX Runtime runs gelu in)' },
    },
  }],
  async run(v, positionals) {
    if (positionals.length !== 1) fail('export', `expected one model file: backprop export MODEL.json --format tfjs|onnx --out PATH, got ${positionals.length} arguments`);
    const input = positionals[0]!;
    if (v.format === undefined) fail('--format', `is missing: expected ${FORMATS.join(' or ')}`);
    const format = oneOf('--format', v.format, FORMATS);
    if (typeof v.out !== 'string' || v.out === '') fail('--out', `expected the ${format === 'tfjs' ? 'directory to write model.json and its weights into' : '.onnx file to write'}`);
    if (v.precision !== undefined && format !== 'onnx') fail('--precision', 'applies to --format onnx; TensorFlow.js models are float32');
    const precision = oneOf('--precision', v.precision ?? 'float64', ONNX_PRECISIONS);
    const out = v.out;
    const { model, info } = await readModelFile(input);
    if (format === 'onnx') {
      checkOutputs([{ flag: '--out', what: 'ONNX model', path: out }], [input]);
      await saveOnnx(out, model, { precision, info });
      const notes = onnxScalerNotes(model);
      console.log(`wrote ${out}: ONNX opset ${ONNX_OPSET}, ${precision}${precision === 'float64' ? ' (the weights exactly)' : ' (the weights rounded to float32)'}, input "input" [N, ${model.network.inputs}] → output "output"${notes.length ? `; ${notes.join('; ')}` : ''}`);
      return;
    }
    const made = tfjsFolder(out);
    try {
      checkOutputs([{ flag: '--out', what: 'TensorFlow.js model', path: join(out, 'model.json') }, { flag: '--out', what: 'TensorFlow.js weights', path: join(out, TFJS_WEIGHTS_FILE) }], [input]);
    } catch (e) {
      if (made) rmdirSync(out);
      throw e;
    }
    const written = await saveTfjs(out, model, info);
    console.log(`wrote ${written.files.join(', ')}: TensorFlow.js layers format${written.folded.length ? `; ${written.folded.join('; ')}` : ''}`);
    console.log(`TensorFlow.js computes in float32, so the weights were rounded to float32: the largest change is ${num(written.rounding.largest, 3)} (${written.rounding.weight})`);
  },
};

/** The folder a tfjs export writes into: an existing folder, or a new one in an existing folder (then true: made here). */
function tfjsFolder(out: string): boolean {
  const stat = statOrUndefined(out);
  if (stat) {
    if (!stat.isDirectory()) fail('--out', `${out} is a file; --format tfjs writes a directory (model.json and ${TFJS_WEIGHTS_FILE}), so give a directory's name`);
    return false;
  }
  const parent = dirname(resolve(out));
  if (!statOrUndefined(parent)?.isDirectory()) fail('--out', `cannot create the directory ${out}: the folder ${parent} does not exist`);
  try {
    mkdirSync(out);
  } catch (e) {
    fail('--out', `cannot create the directory ${out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return true;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
