// docs/operations.md, written from the rows: every activation, loss and optimizer once, with its
// parameters and defaults and its counterparts in TensorFlow.js and ONNX. scripts/operations-doc.mjs
// writes the file at every build; test/operations.test.ts fails when it is stale.
import { ACTIVATION_LIST } from './activations.js';
import { LOSS_LIST } from './losses.js';
import { HYPERPARAMETERS, OPTIMIZER_LIST, type Hyperparameter } from './optimizers.js';
import { hasNone, type Counterpart } from './rows.js';

const cell = (text: string) => text.replace(/\|/g, '\\|');
const counterpart = <T>(c: Counterpart<T>, name: (t: T) => string) => (hasNone(c) ? `none: ${c.none}` : name(c));

export function operationsDoc(): string {
  const lines = [
    '# Operations',
    '',
    '<!-- Generated from src/operations/*.ts by scripts/operations-doc.mjs at every build: edit the rows, not this file. -->',
    '',
    'Every activation, loss and optimizer this trainer has, each once, as its row in `src/operations/`',
    'describes it. A name goes where Keras takes it: `activation` of a Dense layer, `loss` of the model,',
    '`optimizer` of `fit` (and `--activation`, `--loss`, `--optimizer` on the command line).',
    '',
    '## Activations',
    '',
    '| name | f(z) | TensorFlow.js | ONNX |',
    '| --- | --- | --- | --- |',
    ...ACTIVATION_LIST.map((r) => `| \`${r.name}\` | ${cell(r.help)} | ${cell(counterpart(r.tfjs, (n) => `\`${n}\``))} | ${cell(counterpart(r.onnx, (steps) => (steps.length ? steps.map((s) => s.op).join(', ') : 'the Gemm alone')))} |`),
    '',
    '## Losses',
    '',
    '| name | a row\'s loss | output it reads | TensorFlow.js | ONNX |',
    '| --- | --- | --- | --- | --- |',
    ...LOSS_LIST.map((r) => `| \`${r.name}\` | ${cell(r.help)} | ${r.output ? `\`${r.output.activation}\`` : 'any'} | ${cell(counterpart(r.tfjs, (t) => `\`${t.name}\``))} | ${cell(counterpart(r.onnx, () => ''))} |`),
    '',
    '## Optimizers',
    '',
    '`learningRate` and each parameter below are options of `fit` (and flags of `backprop train`: `--lr`,',
    '`--momentum`, …); one the chosen optimizer does not take is refused. Defaults are Keras 3\'s.',
    '',
    '| name | update | learningRate | parameters (default) | TensorFlow.js |',
    '| --- | --- | --- | --- | --- |',
    ...OPTIMIZER_LIST.map((r) => {
      const params = (Object.entries(r.takes) as [Hyperparameter, number | boolean][]).map(([k, v]) => `\`${k}\` (${v})`).join(', ');
      return `| \`${r.name}\` | ${cell(r.help)} | ${r.learningRate} | ${params || 'none'} | ${cell(counterpart(r.tfjs, () => 'yes (the parity tests)'))} |`;
    }),
    '',
    '### Optimizer parameters',
    '',
    '| parameter | meaning |',
    '| --- | --- |',
    ...(Object.entries(HYPERPARAMETERS) as [Hyperparameter, { help: string; symbol: string }][]).map(([k, h]) => `| \`${k}\` (${h.symbol}) | ${cell(h.help)} |`),
    '',
    'No optimizer has an ONNX counterpart: an ONNX model holds the forward pass for inference.',
    '',
  ];
  return lines.join('\n');
}
