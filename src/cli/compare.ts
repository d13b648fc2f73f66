import { relativeDifference } from '../yardsticks/difference.js';
import { datasets, DATASET_NAMES, type DatasetName, type Weights } from '../node.js';
import { count, fail, oneOf } from '../errors.js';
import { settingsText } from '../operations/optimizers.js';
import { compareWithTensorFlow, loadTensorFlow, LOSS_BOUND, WEIGHT_BOUND } from '../yardsticks/tfjsReference.js';
import { checkFitOptions } from '../fitOptions.js';
import type { Command } from './args.js';
import { networkText, num, table, weightsText } from './report.js';
import { DATASET_FLAG, FIT_FLAGS, fitOptions, modelOptions, NETWORK_FLAGS } from './run.js';

export const compare: Command = {
  name: 'compare',
  summary: 'train the same run here and on TensorFlow.js and show how far apart they end',
  usage: 'backprop compare --dataset package|placement [options]',
  about: `Trains one configuration twice from the same initial weights (rounded to float32), rows in order:
with this trainer (f64) and with TensorFlow.js (tf.layers, CPU backend, float32). Prints both loss
curves, both final weights and the largest differences, and exits 1 if they are beyond float32
noise (loss ${LOSS_BOUND.toExponential()} relative, weights ${WEIGHT_BOUND.toExponential()} absolute). Needs @tensorflow/tfjs
(npm install --save-dev @tensorflow/tfjs). --shuffle may only be none.
Example, the tutorial's Keras run:
  backprop compare --dataset placement --optimizer adam --lr 0.001 --epochs 75`,
  flags: [{ heading: "train's flags for the tutorial datasets:", flags: { ...DATASET_FLAG, ...FIT_FLAGS, ...NETWORK_FLAGS } }],
  noArguments: 'its data is --dataset package or placement',
  async run(v) {
    if (v.dataset === undefined) fail('--dataset', `expected one of ${DATASET_NAMES.join(', ')}`);
    const d = datasets[oneOf('--dataset', v.dataset, DATASET_NAMES) as DatasetName];
    const spec = modelOptions(v, d.model);
    const fit = fitOptions(v, d.fit);
    const settings = checkFitOptions(fit);
    const tf = await loadTensorFlow();
    const c = await compareWithTensorFlow(tf, spec, d.x, d.y.map((t) => [t]), fit);

    console.log(`${d.name}: ${d.description}`);
    console.log(`${networkText(spec)}, ${settingsText(settings.optimizer)}, batch size ${settings.batchSize}, ${count(settings.epochs, 'epoch')}, rows in order`);
    console.log('\nboth start from these weights (Keras layout, rounded to float32):');
    console.log(weightsText(c.initial));
    const ours = `loss (backprop, ${settings.engine}, f64)`, theirs = 'loss (TensorFlow.js, cpu, float32)';
    console.log();
    console.log(table(['epoch', ours, theirs, 'relative difference'], c.ours.loss.map((loss, e) => {
      const other = c.tfjs.loss[e]!;
      return [String(e + 1), num(loss), num(other), relativeDifference(loss, other).toExponential(1)];
    })));
    console.log('\nfinal weights, backprop:');
    console.log(weightsText(c.ours.weights));
    console.log('final weights, TensorFlow.js:');
    console.log(weightsText(c.tfjs.weights));
    console.log();
    console.log(`largest loss difference: ${c.loss.difference.toExponential(1)} relative, epoch ${c.loss.at + 1} (bound ${LOSS_BOUND.toExponential()})`);
    console.log(`largest weight difference: ${c.weight.difference.toExponential(1)} absolute, ${weightName(c.ours.weights, c.weight.at)} (bound ${WEIGHT_BOUND.toExponential()})`);
    if (c.loss.difference >= LOSS_BOUND || c.weight.difference >= WEIGHT_BOUND) {
      throw new Error('the two trainers differ by more than float32 noise (see the differences above)');
    }
    console.log('The two trainers agree to float32 precision.');
  },
};


/** `layers[0].kernel[1][0]` for an index into the Keras-layout weights flattened. */
function weightName(weights: Weights, index: number): string {
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!;
    const layer = `layers[${k >> 1}]`;
    const size = w.flat().length;
    if (index < size) {
      if (k % 2 === 1) return `${layer}.bias[${index}]`;
      const units = (w[0] as number[]).length;
      return `${layer}.kernel[${Math.floor(index / units)}][${index % units}]`;
    }
    index -= size;
  }
  return `#${index}`;
}
