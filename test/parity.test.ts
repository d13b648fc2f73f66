// This trainer against TensorFlow.js (tf.layers on the CPU backend, float32) as the independent
// reference: same network, same float32-representable initial weights, rows in order. Per-epoch
// losses must agree to 1e-4 relative and final weights to 1e-5 absolute — float32 noise, where a
// slip in a gradient, an optimizer formula or the batch/loss bookkeeping would show as 1e-2 or more.
//
// Where TensorFlow.js is not Keras, and why the bounds still hold:
// - Adam: TensorFlow.js adds ε to the bias-corrected √v̂, Keras (and this trainer) to √v. Written in
//   Keras's form, TensorFlow.js's update uses ε·√(1 − β₂ᵗ) in place of ε: between 0.03·ε (t = 1)
//   and ε. The test 'Adam's two ε forms' runs this trainer at both ends of that range on the
//   tutorial's Keras runs: the form alone moves losses by ~1e-7 relative and weights by ~1e-6,
//   inside the bounds, and the adam cases here stay inside them with it.
// - Adam on a unit that tanh or sigmoid saturates: its gradient is exactly 0 in float32 but ~1e-12
//   in f64, and Adam divides by √v, so it still steps by ~lr here and not in TensorFlow.js. That is
//   float32, not the algorithm; the deep adam case keeps tanh off its flat tails (inputs / 10).
// - Momentum: TensorFlow.js accumulates a = μ·a + g and steps by lr·a; Keras keeps v = μ·v − lr·g.
//   With a constant learning rate v = −lr·a, the same update (Nesterov likewise).
// - Binary cross-entropy: TensorFlow.js clips ŷ to [1e-7, 1 − 1e-7] (float32) and takes the loss
//   through logits; while no output saturates that is the value and gradient computed here from the
//   logit (Keras's way). Past the clip TensorFlow.js reports −log 1e-7 and no gradient; these runs
//   stay inside it. The categorical cross-entropies likewise: TensorFlow.js clips the softmax
//   probabilities, which these runs never bring near 1e-7.
// - Regularizers: TensorFlow.js's l1l2 adds l1·Σ|w| + l2·Σw² to each batch's loss, as Keras and this
//   trainer do, but its |w|′ at w = 0 is −1 where TensorFlow's (Keras's, and this trainer's) is 0, so a
//   bias that starts at 0 under l1 steps differently on the first update: the l1 bias here starts at 0.1; Dropout is left out (TensorFlow.js draws its own masks: test/gradients.test.ts checks
//   it against a hand computation with the mask the kernels drew).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets, Model, type FitOptions } from '../src/node.js';
import { maxRelativeDiff } from './helpers.js';
import { PARITY_CASES as cases } from './parityCases.js';
import { compareWithTensorFlow, loadTensorFlow, LOSS_BOUND, WEIGHT_BOUND, type Tf } from '../src/yardsticks/tfjsReference.js';

const { package: pkg, placement } = datasets;
const column = (y: number[]) => y.map((t) => [t]);
const inOrder = { shuffle: 'none' as const };

let tf: Tf;
beforeAll(async () => { tf = await loadTensorFlow(); });

describe('parity with TensorFlow.js', () => {
  const measured: string[] = [];
  afterAll(() => console.log(`largest differences (loss relative, weight absolute):\n${measured.join('\n')}`));

  // The WASM engine; the JS engine gives the same bits (test/engines.test.ts, test/optimizers.test.ts).
  it.each(cases)('$name', async ({ name, model, x, y, fit }) => {
    const c = await compareWithTensorFlow(tf, model, x, y, fit);
    measured.push(`  ${c.loss.difference.toExponential(1).padStart(7)} ${c.weight.difference.toExponential(1).padStart(7)}  ${name}`);
    expect(c.ours.loss).toHaveLength(fit.epochs!);
    expect(c.tfjs.loss).toHaveLength(fit.epochs!);
    expect(c.loss.difference).toBeLessThan(LOSS_BOUND);
    expect(c.weight.difference).toBeLessThan(WEIGHT_BOUND);
    // Training moved the weights far beyond the bound, so agreeing within it says something.
    expect(maxAbsDiff(c.initial.flat(2), c.ours.weights.flat(2))).toBeGreaterThan(50 * WEIGHT_BOUND);
  });

  it('the bounds are tight: a learning rate 1% off lands outside them', async () => {
    const fit: FitOptions = { optimizer: 'adam', learningRate: 0.001, batchSize: 1, epochs: 75, ...inOrder };
    const c = await compareWithTensorFlow(tf, placement.model, placement.x, column(placement.y), fit);
    const off = new Model({ ...placement.model, weights: c.initial });
    await off.fit(placement.x, placement.y, { ...fit, learningRate: 0.00101 });
    expect(maxAbsDiff(off.getWeights().flat(2), c.tfjs.weights.flat(2))).toBeGreaterThan(WEIGHT_BOUND);
  });

  it("Adam's two ε forms: ε on √v (Keras) and ε on √v̂ (TensorFlow.js) differ by less than the bounds", async () => {
    for (const d of [pkg, placement]) {
      const initial = (await compareWithTensorFlow(tf, d.model, d.x, column(d.y), { ...d.fit, epochs: 1 })).initial;
      const run = async (epsilon: number) => {
        const m = new Model({ ...d.model, weights: initial });
        const h = await m.fit(d.x, d.y, { optimizer: 'adam', epsilon, batchSize: 1, epochs: 75, ...inOrder });
        return { loss: h.loss, weights: m.getWeights().flat(2) };
      };
      // TensorFlow.js's form is Keras's with ε·√(1 − β₂ᵗ): at most ε (late steps), at least ε·√(1 − β₂) (step 1)
      const [keras, smallest] = [await run(1e-7), await run(1e-7 * Math.sqrt(1 - 0.999))];
      expect(maxRelativeDiff(keras.loss, smallest.loss)).toBeLessThan(LOSS_BOUND / 10);
      expect(maxAbsDiff(keras.weights, smallest.weights)).toBeLessThan(WEIGHT_BOUND / 5);
    }
  });
});

function maxAbsDiff(a: number[], b: number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

describe('backprop compare', () => {
  const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const run = (cli: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, 'compare', ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("the tutorial's Keras run on placement: both curves, differences at float32 noise, exit 0", () => {
    const r = run(CLI, '--dataset', 'placement', '--optimizer', 'adam', '--lr', '0.001', '--epochs', '75');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s+\d+\s+\d/.test(l));
    expect(rows).toHaveLength(75);
    for (const row of rows) {
      const [, ours, theirs] = row.trim().split(/\s+/).map(Number);
      expect(Math.abs(ours! - theirs!) / theirs!).toBeLessThan(LOSS_BOUND);
    }
    expect(r.stdout).toMatch(/largest loss difference: \d\.\de-\d+ relative/);
    expect(r.stdout).toMatch(/largest weight difference: \d\.\de-\d+ absolute/);
    expect(r.stdout).toMatch(/agree to float32 precision/);
  });

  it('rejects shuffled rows and bad flags like train does', () => {
    expect(run(CLI, '--dataset', 'package', '--shuffle', 'epoch').stderr).toMatch(/shuffle: TensorFlow.js shuffles with its own generator/);
    expect(run(CLI, '--dataset', 'package', '--optimizer', 'ftrl').stderr).toMatch(/--optimizer: expected one of 'sgd', 'adam', 'rmsprop', .*, got "ftrl"/);
    // an optimizer TensorFlow.js has not (or not as Keras computes it) is refused with the row's reason, never compared with another
    expect(run(CLI, '--dataset', 'package', '--optimizer', 'nadam').stderr).toMatch(/optimizer: TensorFlow.js has no counterpart of nadam with these settings: TensorFlow.js has no Nadam/);
    expect(run(CLI, '--dataset', 'package', '--optimizer', 'adadelta').stderr).toMatch(/before this step's gradient enters it/);
    expect(run(CLI, '--dataset', 'package', '--optimizer', 'adam', '--amsgrad').stderr).toMatch(/adam has no amsgrad/);
    expect(run(CLI, '--dataset', 'package', '--clipnorm', '1').stderr).toMatch(/clipnorm: TensorFlow.js's optimizers do not clip gradients/);
    expect(run(CLI, '--dataset', 'package', '--momentum', '-0.5').code).toBe(1);
  });

  it('without @tensorflow/tfjs installed it says how to install it and exits 1', () => {
    // The built CLI beside a node_modules that holds every installed package but @tensorflow.
    const root = mkdtempSync(join(tmpdir(), 'backprop-no-tfjs-'));
    try {
      const here = fileURLToPath(new URL('..', import.meta.url));
      mkdirSync(join(root, 'dist'));
      cpSync(CLI, join(root, 'dist', 'cli.js'));
      symlinkSync(join(here, 'build'), join(root, 'build'));
      symlinkSync(join(here, 'package.json'), join(root, 'package.json'));
      mkdirSync(join(root, 'node_modules'));
      for (const name of readdirSync(join(here, 'node_modules')).filter((n) => n !== '@tensorflow')) {
        symlinkSync(join(here, 'node_modules', name), join(root, 'node_modules', name));
      }
      const r = run(join(root, 'dist', 'cli.js'), '--dataset', 'package');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/needs @tensorflow\/tfjs, which is not installed.*npm install --save-dev @tensorflow\/tfjs/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
