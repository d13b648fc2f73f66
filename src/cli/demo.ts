import { datasets, DATASET_NAMES, Model, type EngineKind } from '../node.js';
import type { Command } from './args.js';
import { largestRelativeDifference } from './agreement.js';
import { lossTable, networkText, predictionTable, weightsText } from './report.js';

const ENGINES: EngineKind[] = ['wasm', 'js'];

export const demo: Command = {
  name: 'demo',
  summary: "train both tutorial tasks on both engines (what 'npm start' runs)",
  usage: 'backprop demo',
  about: `Trains the tutorial's two tasks (package: regression, placement: classification) with the
tutorial's settings on the WASM and the pure-JS engine, and prints for each the loss per epoch,
the final weights and biases, predictions beside targets, and whether the engines agree.`,
  flags: [],
  noArguments: 'it trains the tutorial datasets',
  async run() {
    for (const name of DATASET_NAMES) {
      const d = datasets[name];
      const runs = await Promise.all(ENGINES.map(async (engine) => {
        const model = new Model(d.model);
        const history = await model.fit(d.x, d.y, { ...d.fit, engine });
        return { engine, model, history, weights: model.getWeights() };
      }));
      const [wasm, js] = runs as [typeof runs[0], typeof runs[0]];
      console.log(`\n━━ ${d.name}: ${d.description}`);
      console.log(`   ${networkText(d.model)}, weights 0.1, biases 0, per-row SGD, lr ${d.fit.learningRate}, ${d.fit.epochs} epochs, rows in order\n`);
      console.log(lossTable({ wasm: wasm.history, js: js.history }));
      console.log('\nfinal weights (Keras layout, WASM engine):');
      console.log(weightsText(wasm.weights));
      console.log('\npredictions (WASM engine):');
      console.log(predictionTable(d.features, d.x, d.y.map((t) => [t]), wasm.model.predict(d.x, { engine: 'wasm' })));
      const diff = largestRelativeDifference(wasm, js);
      console.log(diff === 0 ? '\nWASM and JS engines agree to the bit: every loss and every weight the same'
        : `\nWASM and JS engines DISAGREE: largest relative difference in losses and weights ${diff.toExponential(2)} (they give the same bits)`);
    }
  },
};
