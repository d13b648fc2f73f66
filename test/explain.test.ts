// `backprop explain` as users run it (the built dist/cli.js): the tutorial's first step written out,
// and the trace it prints as JSON, which is the library's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { datasets, Model, splitRows } from '../src/node.js';
import { explainText, type Source } from '../src/cli/explain.js';
import { OPTIMIZER_LIST } from '../src/operations/optimizers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const backprop = (...args: string[]) => spawnSync(process.execPath, [CLI, 'explain', ...args], { encoding: 'utf8' });

describe('backprop explain --dataset package', () => {
  it('writes out the tutorial\'s first step with the numbers worked by hand', () => {
    const r = backprop('--dataset', 'package');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.trim());
    // The hand derivation (README, "Backpropagation for the 2-2-1 network"; test/tutorial.test.ts):
    // row (8, 8 → 4), every weight 0.1: h = 1.6, ŷ = 0.32, L = 3.68² = 13.5424, ∂L/∂ŷ = −2(4 − 0.32) = −7.36.
    for (const line of [
      'h₁ = w¹₁₁·x₁ + w¹₂₁·x₂ + b¹₁ = 0.1·8 + 0.1·8 + 0 = 1.6',
      'ŷ = w²₁·h₁ + w²₂·h₂ + b² = 0.1·1.6 + 0.1·1.6 + 0 = 0.32',
      'L = (y − ŷ)² = (4 − 0.32)² = 13.5424',
      '∂L/∂ŷ = −2(y − ŷ) = -7.36',
      // the nine derivatives: ∂L/∂w²ⱼ = −7.36·1.6, ∂L/∂b² = −7.36, ∂L/∂w¹ᵢⱼ = −7.36·0.1·8, ∂L/∂b¹ⱼ = −7.36·0.1
      '∂L/∂w²₁ = ∂L/∂ŷ · ŷ′ · h₁ = (-7.36) · 1 · 1.6 = -11.776   [-11.776]',
      '∂L/∂w²₂ = ∂L/∂ŷ · ŷ′ · h₂ = (-7.36) · 1 · 1.6 = -11.776   [-11.776]',
      '∂L/∂b² = ∂L/∂ŷ · ŷ′ = (-7.36) · 1 = -7.36   [-7.36]',
      '∂L/∂w¹₁₁ = ∂L/∂ŷ · ŷ′ · w²₁ · h₁′ · x₁ = (-7.36) · 1 · 0.1 · 1 · 8 = -5.888   [-5.888]',
      '∂L/∂w¹₁₂ = ∂L/∂ŷ · ŷ′ · w²₂ · h₂′ · x₁ = (-7.36) · 1 · 0.1 · 1 · 8 = -5.888   [-5.888]',
      '∂L/∂w¹₂₁ = ∂L/∂ŷ · ŷ′ · w²₁ · h₁′ · x₂ = (-7.36) · 1 · 0.1 · 1 · 8 = -5.888   [-5.888]',
      '∂L/∂w¹₂₂ = ∂L/∂ŷ · ŷ′ · w²₂ · h₂′ · x₂ = (-7.36) · 1 · 0.1 · 1 · 8 = -5.888   [-5.888]',
      '∂L/∂b¹₁ = ∂L/∂ŷ · ŷ′ · w²₁ · h₁′ = (-7.36) · 1 · 0.1 · 1 = -0.736   [-0.736]',
      '∂L/∂b¹₂ = ∂L/∂ŷ · ŷ′ · w²₂ · h₂′ = (-7.36) · 1 · 0.1 · 1 = -0.736   [-0.736]',
      // w² ← 0.1 + 0.001·7.36·1.6, b² ← 0.001·7.36, w¹ ← 0.1 + 0.001·7.36·0.1·8, b¹ ← 0.001·7.36·0.1
      'w²₁ ← 0.1 − 0.001·(-11.776) = 0.111776',
      'b² ← 0 − 0.001·(-7.36) = 0.00736',
      'w¹₂₂ ← 0.1 − 0.001·(-5.888) = 0.105888',
      'b¹₁ ← 0 − 0.001·(-0.736) = 0.000736',
    ]) expect(lines).toContain(line);
  });

  it('--json: the library\'s trace, gradients in the Keras layout beside weights and newWeights, alike on both engines', async () => {
    const wasm = backprop('--dataset', 'placement', '--optimizer', 'adam', '--step', '6', '--json');
    const js = backprop('--dataset', 'placement', '--optimizer', 'adam', '--step', '6', '--json', '--engine', 'js');
    expect(wasm.status).toBe(0);
    const a = JSON.parse(wasm.stdout), b = JSON.parse(js.stdout);
    expect({ ...b, engine: 'wasm' }).toEqual(a);
    const d = datasets.placement;
    const trace = await new Model(d.model).trace(d.x, d.y, { ...d.fit, optimizer: 'adam', learningRate: undefined, step: 6, engine: 'js' });
    expect(a.gradients).toEqual(trace.gradients);
    expect(a.weights).toEqual(trace.weights);
    expect(a.newWeights).toEqual(trace.newWeights);
    expect(a.dataRows).toEqual([2]); // step 6 of 4-row epochs in order: epoch 2, row 2
    expect(a.gradients.map((w: number[][] | number[]) => w.length)).toEqual([2, 2, 2, 1]);
  });

  it('--row N counts from 1 and --step K follows fit\'s steps before it', () => {
    const out = JSON.parse(backprop('--dataset', 'package', '--row', '3', '--step', '2', '--json').stdout);
    expect(out.dataRows).toEqual([3]);
    expect(out.x).toEqual([datasets.package.x[2]]);
    expect(out.step).toBe(2);
    // step 1 (row 1) ran first: the weights are no longer the initial 0.1
    expect(out.weights[2][0][0]).toBeCloseTo(0.111776, 12);
  });

  it('a CSV run with a validation split: rows of the file, held-out ones refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'explain-'));
    const file = join(dir, 'd.csv');
    const rows = Array.from({ length: 10 }, (_, i) => [i, (i * 3) % 7, i % 2]);
    writeFileSync(file, 'a,b,y\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
    // The CSV default shuffles each epoch: the batch is 4 distinct rows of the file, shown as the file's rows.
    const all = JSON.parse(backprop(file, '--target', 'y', '--layers', '3,1', '--batch-size', '4', '--json').stdout);
    expect(new Set(all.dataRows).size).toBe(4);
    expect(all.x).toEqual(all.dataRows.map((n: number) => rows[n - 1]!.slice(0, 2)));
    expect(all.y).toEqual(all.dataRows.map((n: number) => [rows[n - 1]![2]]));
    // the split fit makes (seed 0, stratified by label), from the library
    const parts = splitRows(10, { fraction: 0.3, seed: 0, stratify: Float64Array.from(rows.map((r) => r[2]!)) });
    const trained = parts.train[0]! + 1, held = parts.validation[0]! + 1;
    const ok = JSON.parse(backprop(file, '--target', 'y', '--validation-split', '0.3', '--row', String(trained), '--json').stdout);
    expect(ok.dataRows).toEqual([trained]);
    expect(ok.rows).toEqual([0]);
    const refused = backprop(file, '--target', 'y', '--validation-split', '0.3', '--row', String(held), '--json');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`backprop: --row: row ${held} is held out for validation (--validation-split); pick a training row\n`);
  });

  it.each([
    ['classes 0, 1, 2', (i: number) => (i * i) % 3, []],
    // train z-scores a regression's target: explain's step must see it so (it saw the raw target)
    ['a regression', (i: number) => 1.7 * i - 0.3 * ((i * 5) % 7) + 0.05 * i * i, []],
    ['a regression with --raw-target', (i: number) => 1.7 * i - 0.3 * ((i * 5) % 7), ['--raw-target']],
  ] as const)('the step is the one train takes with the same flags (%s): one batch per epoch ends where train --epochs 1 does', (_, target, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'explain-'));
    const file = join(dir, 'd.csv');
    writeFileSync(file, 'a,b,y\n' + Array.from({ length: 10 }, (_, i) => `${i},${(i * 5) % 7},${target(i)}`).join('\n') + '\n');
    const flags = [file, '--target', 'y', '--standardize', ...extra, '--layers', '4,1', '--batch-size', '10', '--epochs', '1', '--seed', '3', '--json'];
    const trained = JSON.parse(spawnSync(process.execPath, [CLI, 'train', ...flags], { encoding: 'utf8' }).stdout);
    const explained = JSON.parse(backprop(...flags).stdout);
    expect(explained.newWeights).toEqual(trained.weights);
    expect(explained.loss).toBe(trained.history.loss[0]);
  });

  it.each([
    [['--row', '0'], /--row: expected a row number from 1 to 4, got 0/],
    [['--row', '5'], /--row: expected a row number from 1 to 4, got 5/],
    [['--step', '0'], /step: expected a positive integer, got 0/],
    [['--step', '21'], /step: this fit has 20 steps \(5 epochs × 4 batches\); raise epochs to trace step 21/],
    [['--lr', 'x'], /--lr: expected a number/],
    [['--save', 'm.json'], /--save: is about a whole training run \(backprop train\); explain shows one step/],
  ])('bad flags %j: a clear message, exit 1, no stack trace', (flags, message) => {
    const r = backprop('--dataset', 'package', ...flags);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('explain beyond the tutorial', () => {
  it('softmax with sparse categorical cross-entropy: ∂L/∂z = ŷ − y, the chain starting there', () => {
    // Row (8, 8 → class 1), every weight 0.1: z¹ⱼ = 1.6, hⱼ = gelu(1.6) = 1.6·Φ(1.6) = 1.512321133
    // (Φ(1.6) = 0.9452007083); both logits 3·0.1·h, equal, so ŷ = (½, ½), L = log 2, ∂L/∂z² = (½, −½).
    const r = backprop('--dataset', 'placement', '--layers', '3,2', '--activation', 'gelu,softmax', '--loss', 'sparseCategoricalCrossentropy');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.trim());
    for (const line of [
      'z¹₁ = w¹₁₁·x₁ + w¹₂₁·x₂ + b¹₁ = 0.1·8 + 0.1·8 + 0 = 1.6;  h₁ = gelu(1.6) = 1.512321133',
      'L = −log ŷ of class y = −log ŷ₂ = −log 0.5 = 0.6931471806',
      '∂L/∂z²₁ = ŷ₁ − y₁ = 0.5 − 0 → 0.5',
      '∂L/∂z²₂ = ŷ₂ − y₂ = 0.5 − 1 → -0.5',
      '∂L/∂w²₁₁ = ∂L/∂z²₁ · h₁ = 0.5 · 1.512321133 = 0.7561605666   [0.756161]',
      '∂L/∂b²₂ = ∂L/∂z²₂ = (-0.5) = -0.5   [-0.5]',
    ]) expect(lines).toContain(line);
    const json = JSON.parse(backprop('--dataset', 'placement', '--layers', '3,2', '--activation', 'gelu,softmax', '--loss', 'sparseCategoricalCrossentropy', '--json').stdout);
    expect(json.dLdyhat).toBeNull();
    expect(json.layers[1].dLdz).toEqual([[0.5, -0.5]]);
    expect(json.chains[2][0][0].paths[0].map((p: { name: string }[]) => p.map((f) => f.name))).toEqual([['∂L/∂z²₁', 'h₁']]);
  });

  it('Dropout and a regularizer: the mask, 1/(1 − rate) and l2\'s 2·l2·w written out', async () => {
    // Row (8, 8 → 4), every weight 0.1, biases 0: h = 1.6 each, dropped to 1.6·mᵢ with mᵢ = 2 (kept,
    // 1/(1 − 0.5)) or 0 as the kernels drew it; ŷ = 0.1·Σ 1.6·mᵢ; the kernel regularizer l2 = 0.5 adds
    // 0.5·Σw² = 0.5·4·0.01 = 0.02 to the loss and 2·0.5·0.1 = 0.1 to each first-layer kernel gradient.
    const d = datasets.package;
    const spec = { inputs: 2, layers: [{ units: 2, activation: 'linear' as const, kernelRegularizer: { l2: 0.5 }, kernelInitializer: { constant: 0.1 } }, { dropout: 0.5 }, { units: 1, activation: 'linear' as const, kernelInitializer: { constant: 0.1 } }], loss: 'mse' as const };
    const fit = { learningRate: 0.001, batchSize: 1, shuffle: 'none' as const, seed: 1, engine: 'js' as const };
    const t = await new Model(spec).trace(d.x, d.y, fit);
    const m = t.layers[0]!.dropout!.mask[0]!;
    m.forEach((v) => expect([0, 2]).toContain(v));
    const yhat = 0.1 * 1.6 * m[0]! + 0.1 * 1.6 * m[1]!;
    expect(Math.abs(t.penalty - 0.02)).toBeLessThan(1e-15);
    expect(Math.abs(t.loss - ((4 - yhat) ** 2 + 0.02))).toBeLessThan(1e-12);
    const run: Source = { source: { dataset: 'package' }, title: 'package', features: d.features, target: d.target, x: d.x, y: d.y.map((v) => [v]), classify: false, spec: spec as never, fit };
    const lines = explainText(t, run, [1], false).split('\n').map((l) => l.trim());
    const n = (v: number) => String(Number(v.toPrecision(10)));
    expect(lines).toContain(`h₁ = w¹₁₁·x₁ + w¹₂₁·x₂ + b¹₁ = 0.1·8 + 0.1·8 + 0 = 1.6;  dropout(h₁) = 1.6·${m[0]} = ${n(1.6 * m[0]!)}`);
    expect(lines).toContain('penalty = Σ over the regularized kernels and biases of l1·Σ|w| + l2·Σw² = 0.02;  L + penalty = ' + n(t.loss));
    const dyhat = -2 * (4 - yhat);
    // ∂L/∂w¹₁₁ = ∂L/∂ŷ · ŷ′ · w²₁ · m₁ · 1/(1 − 0.5) · h₁′ · x₁ + 2·0.5·w¹₁₁
    const g = dyhat * 0.1 * (m[0]! / 2) * 2 * 8 + 0.1;
    const line = lines.find((l) => l.startsWith('∂L/∂w¹₁₁ = '))!;
    expect(line.startsWith('∂L/∂w¹₁₁ = ∂L/∂ŷ · ŷ′ · w²₁ · m₁ · 1/(1 − 0.5) · h₁′ · x₁ + 2·0.5·w¹₁₁ = ')).toBe(true);
    expect(line).toContain(` + 0.1 = ${n(g)}   [`);
    const f = (v: number) => (v < 0 ? `(${n(v)})` : n(v));
    expect(lines.find((l) => l.startsWith('∂L/∂w²₁ = '))).toContain(`∂L/∂w²₁ = ∂L/∂ŷ · ŷ′ · h₁ · m₁ · 1/(1 − 0.5) = ${f(dyhat)} · 1 · 1.6 · ${m[0]! / 2} · 2 = ${n(dyhat * 1.6 * m[0]!)}   [`);
  });
});

describe('explain: every optimizer writes out its update, with the state each parameter read and left', () => {
  it.each(OPTIMIZER_LIST.map((r) => r.name))('%s', (name) => {
    const r = backprop('--dataset', 'package', '--optimizer', name, '--step', '2');
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    const heading = lines.findIndex((l) => l.startsWith(`update (${name}`));
    expect(heading).toBeGreaterThan(0);
    const rules = lines.slice(heading + 1).filter((l) => / ← /.test(l));
    expect(rules.length).toBeGreaterThan(0);
    // where the optimizer keeps state, a line of it (before → after) follows each parameter's rule
    if (name !== 'sgd') expect(lines[lines.indexOf(rules[0]!) + 1]).toMatch(/→/);
  });
});
