import { fail, oneOf } from '../errors.js';
import { readModelFile, samePath, saveOnnx, saveTfjs } from '../io/files.js';
import { ONNX_OPSET } from '../io/onnx.js';
import { TFJS_WEIGHTS_FILE } from '../io/tfjs.js';
import type { Command } from './args.js';
import { num } from './report.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a saved model as TensorFlow.js (layers format) or ONNX',
  usage: 'backprop export MODEL.json --format tfjs|onnx --out PATH',
  about: "MODEL.json is a model file from 'backprop train --save', or a model.json this command wrote.",
  flags: [{
    flags: {
      format: {
        value: 'tfjs|onnx',
        help: `tfjs: PATH is a directory; writes PATH/model.json (a Sequential of Dense layers) and PATH/${TFJS_WEIGHTS_FILE} (float32), `
          + 'for tf.loadLayersModel, or for Keras through tensorflowjs_converter --input_format tfjs_layers_model --output_format keras. '
          + 'TensorFlow.js computes in float32, so the weights are rounded; the largest change is reported. A scaler is folded into the first layer. '
          + `onnx: PATH is the .onnx file: float64, opset ${ONNX_OPSET}, Gemm and activation nodes, the scaler as Sub and Div nodes; input "input" [N, inputs], output "output".`,
      },
      out: { value: 'PATH', help: 'where to write: a directory (tfjs) or a .onnx file' },
    },
  }],
  async run(v, positionals) {
    if (positionals.length !== 1) fail('export', `expected one model file: backprop export MODEL.json --format tfjs|onnx --out PATH, got ${positionals.length} arguments`);
    const input = positionals[0]!;
    const format = oneOf('--format', v.format, ['tfjs', 'onnx'] as const);
    if (typeof v.out !== 'string' || v.out === '') fail('--out', `expected the ${format === 'tfjs' ? 'directory to write model.json and its weights into' : '.onnx file to write'}`);
    const out = v.out;
    const { model, info } = await readModelFile(input);
    if (format === 'onnx') {
      if (samePath(out, input)) fail('--out', `is the input model ${input}; choose another file`);
      await saveOnnx(out, model);
      console.log(`wrote ${out}: ONNX opset ${ONNX_OPSET}, float64 (the weights exactly), input "input" [N, ${model.network.inputs}] → output "output"${model.scaler ? ', the scaler as Sub/Div nodes' : ''}`);
      return;
    }
    for (const file of ['model.json', TFJS_WEIGHTS_FILE]) {
      if (samePath(`${out}/${file}`, input)) fail('--out', `would write ${file} over the input model ${input}; choose another directory`);
    }
    const written = await saveTfjs(out, model, info);
    console.log(`wrote ${written.files.join(', ')}: TensorFlow.js layers format${model.scaler ? ', the scaler folded into the first layer' : ''}`);
    console.log(`TensorFlow.js computes in float32, so the weights were rounded to float32: the largest change is ${num(written.rounding.largest, 3)} (${written.rounding.weight})`);
  },
};
