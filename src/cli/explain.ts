import { CLASS_DATASET_NAMES, datasets, DATASET_NAMES, lossName, Model, paramName, unitName, zName, type DatasetName, type FitOptions, type LayerSpec, type ModelOptions, type ParamChain, type Trace, type Weights } from '../node.js';
import { count, fail, oneOf } from '../errors.js';
import { extent } from '../extent.js';
import { LOSS_ROWS } from '../operations/losses.js';
import { isStateArray, OPTIMIZER_ROWS, symbolOf, type ShownScalar, type StateName } from '../operations/optimizers.js';
import { number, type Command, type FlagGroup, type Scope, type Values } from './args.js';
import { num } from './report.js';
import { earlyStoppingFlag, fitOptions, modelOptions } from './run.js';
import { train } from './train.js';
import { CSV_RESULT_FLAGS, csvRun, holdOut, holdOutFlags, standardizesTarget } from './trainCsv.js';

/** Flags about a whole training run's results: refused, as explain shows one step. */
const WHOLE_RUN: Scope = { applies: () => false, refusal: () => 'is about a whole training run (backprop train); explain shows one step' };

/** What a large network shows of each list in text; --json has everything. */
const SHOW = { rows: 3, units: 4, params: 12 };

export const explain: Command = {
  name: 'explain',
  summary: 'one training step written out: forward pass, loss, every derivative as its chain-rule factors, the update',
  usage: `backprop explain --dataset package|placement|blobs3 [options]
       backprop explain DATA.csv --target COLUMN [options]`,
  about: `Explains step 1 (or --step K) of the run 'backprop train' makes with the same flags: the forward
pass, the loss, each parameter's derivative as a product of named factors with their values (and a
finite-difference estimate beside it), and the optimizer's update. Every 'train' flag that shapes
the run applies (data, network, initial weights, optimizer, batches, row order, engine,
--standardize, --validation-split, --early-stopping); those about its results (--plot, --save,
--plot-confusion, --threshold) and checkpoints (--checkpoint, --resume) belong to 'train'.`,
  flags: [
    {
      heading: 'explain:',
      flags: {
        step: { value: 'K', help: 'the K-th step of that run, counting from 1: the steps before it run first' },
        row: { value: 'N', help: "explain the step on row N of the data (counting from 1) instead of fit's batch" },
      },
    },
    // train's table, scopes included, so that explain refuses what train refuses; its results are not a step's
    ...train.flags.map((g): FlagGroup => (g === CSV_RESULT_FLAGS ? { ...g, heading: "train's results, refused here:", scope: WHOLE_RUN }
      : { ...g, flags: { ...g.flags, ...(g.flags.json ? { json: { help: 'print the whole trace as one JSON object: layers (inputs, z, activations, dLda, dLdz per row, the mask of each Dropout layer), loss, rowLosses, penalty, dLdyhat (null where the loss is taken from the logit), gradients, numericGradients and chains (Keras layout [kernel₁, bias₁, …]), update, weights and newWeights' } } : {}) } })),
  ],
  async run(v, positionals) {
    if (positionals.length > 1) fail('explain', `expected one CSV file, got ${positionals.length}: ${positionals.join(' ')}`);
    const classData = positionals[0] === undefined && (CLASS_DATASET_NAMES as unknown[]).includes(v.dataset);
    const run = positionals[0] !== undefined || classData ? await csvSource(v, positionals[0]) : datasetSource(v);
    const step = number('step', v.step) ?? 1;
    const row = number('row', v.row);
    // --row counts data rows from 1; the trace counts training rows (what holding rows out leaves) from 0.
    const { training, validation } = run;
    let rows: number[] | undefined;
    if (row !== undefined) {
      if (!Number.isInteger(row) || row < 1 || row > run.x.length) fail('--row', `expected a row number from 1 to ${run.x.length}, got ${v.row}`);
      const at = training ? training.indexOf(row - 1) : row - 1;
      if (at < 0) fail('--row', `row ${row} is held out for validation (${v.folds === undefined ? '--validation-split' : '--folds'}); pick a training row`);
      rows = [at];
    }
    const model = new Model(run.spec);
    const trace = await model.trace(training ? training.map((r) => run.x[r]!) : run.x, training ? training.map((r) => run.y[r]!) : run.y, {
      ...run.fit, step, rows, standardize: v.standardize === true, standardizeTarget: run.standardizeTarget === true, validationData: validation,
      earlyStopping: earlyStoppingFlag(v),
    });
    const dataRows = trace.rows.map((r) => (training ? training[r]! : r) + 1);
    if (v.json) {
      console.log(JSON.stringify({ source: run.source, dataRows, ...trace }));
      return;
    }
    console.log(explainText(trace, run, dataRows, v.standardize === true));
  },
};

export interface Source {
  source: { dataset: string } | { file: string };
  title: string;
  features: string[];
  target: string;
  x: number[][];
  y: number[][];
  classify: boolean;
  spec: ModelOptions<LayerSpec>;
  fit: FitOptions;
  /** The data rows that train (from 0), where rows are held out as train holds them out; undefined: every row trains. */
  training?: number[];
  /** The rows held out, as fit's validationData. */
  validation?: [number[][], number[][]];
  /** Whether train z-scores the target of this run (a CSV regression's): the step sees it so. */
  standardizeTarget?: boolean;
}


function datasetSource(v: Values): Source {
  const names = [...DATASET_NAMES, ...CLASS_DATASET_NAMES];
  if (v.dataset === undefined) fail('--dataset', `expected one of ${names.join(', ')}, or a CSV file: backprop explain DATA.csv --target COLUMN`);
  const d = datasets[oneOf('--dataset', v.dataset, names) as DatasetName];
  return {
    source: { dataset: d.name }, title: `${d.name}: ${d.description}`, features: d.features, target: d.target,
    x: d.x, y: d.y.map((t) => [t]), classify: d.model.loss === 'binaryCrossentropy', spec: modelOptions(v, d.model), fit: fitOptions(v, d.fit),
  };
}

/** A CSV file, or a class dataset (path undefined), as train reads it. */
async function csvSource(v: Values, path: string | undefined): Promise<Source> {
  for (const flag of ['sample-weight', 'class-weight']) {
    if (v[flag] !== undefined) fail(`--${flag}`, 'explain writes out a step whose rows weigh the same; train weighs them (leave the flag out here)');
  }
  const run = await csvRun(v, path);
  const { source, data, kind, spec, fit, y, width } = run;
  const n = data.features.length;
  const rows = (m: Float64Array, w: number) => Array.from({ length: m.length / w }, (_, r) => Array.from(m.subarray(r * w, (r + 1) * w)));
  const x = rows(data.x, n), targets = rows(y, width);
  const parts = holdOut(run, fit.seed, holdOutFlags(v));
  const task = data.classes ? `classification: ${data.classes.map((c, k) => `${k} ${c}`).join(', ')}` : data.task;
  return {
    source: source.file ? { file: source.file } : { dataset: source.name }, title: `${source.name}: ${count(data.rows, 'row')}; ${count(n, 'feature')} → ${data.targets.join(', ')} (${task})`, features: data.features,
    // the model's seed as train's CSV run sets it
    target: data.target, x, y: targets, classify: kind !== 'regression' && width === 1, spec: { ...spec, seed: fit.seed }, fit,
    standardizeTarget: standardizesTarget(v, run),
    ...(parts ? { training: parts.train, validation: [parts.validation.map((r) => x[r]!), parts.validation.map((r) => targets[r]!)] } : {}),
  };
}

/** A value as a factor in a product: negative ones in parentheses. */
const factor = (x: number) => (x < 0 ? `(${num(x)})` : num(x));
/** Says how many of `noun` (a singular; `where` follows it) the text leaves out. */
const more = (out: string[], shown: number, total: number, noun: string, where = '') => {
  if (total > shown) out.push(`  … and ${count(total - shown, `more ${noun}`)}${where} (--json has them all)`);
};

export function explainText(t: Trace, run: Source, dataRows: number[], standardized: boolean): string {
  const network = { inputs: run.spec.inputs, layers: t.layers.map((l) => ({ units: l.units, activation: l.activation })) };
  const L = t.layers.length;
  const u = t.update.settings;
  const out: string[] = [
    run.title,
    `${network.inputs}-${t.layers.map((l) => l.units).join('-')} ${t.layers.map((l) => `${l.activation}${l.alpha === undefined ? '' : ` (alpha ${l.alpha})`}${l.dropout ? ` + dropout ${l.dropout.rate}` : ''}`).join('/')}, ${lossName(run.spec.loss)}, ${u.optimizer} lr ${u.learningRate}, batch size ${run.fit.batchSize}, ${t.engine} engine`,
    `step ${t.step} (epoch ${t.epoch}) on ${dataRows.length === 1 ? 'row' : `${dataRows.length} rows:`} ${dataRows.slice(0, 8).join(', ')}${dataRows.length > 8 ? ', …' : ''}`,
  ];
  const shownRows = Math.min(t.rows.length, SHOW.rows);
  for (let r = 0; r < shownRows; r++) {
    out.push('', `forward pass, row ${dataRows[r]}${standardized ? ' (standardized)' : ''}: ${run.features.map((f, i) => `${f} ${num(t.x[r]![i]!)}`).join(', ')} → ${run.target}${run.standardizeTarget ? ' (standardized)' : ''} ${t.y[r]!.map((v) => num(v)).join(' ')}`);
    t.layers.forEach((layer, l) => {
      const units = Math.min(layer.units, SHOW.units);
      for (let j = 0; j < units; j++) {
        const inputs = layer.inputs[r]!.length;
        const names = Array.from({ length: inputs }, (_, i) => `${paramName(network, l + 1, i, j)}·${t.layers[l - 1]?.dropout ? `dropout(${unitName(network, l, i)})` : unitName(network, l, i)}`);
        const values = Array.from({ length: inputs }, (_, i) => `${factor(weight(t.weights, l, i, j))}·${factor(layer.inputs[r]![i]!)}`);
        const bias = (t.weights[2 * l + 1] as number[])[j]!;
        const sum = inputs <= SHOW.units ? ` = ${[...names, paramName(network, l + 1, undefined, j)].join(' + ')} = ${[...values, factor(bias)].join(' + ')}` : '';
        const z = layer.z[r]![j]!, a = layer.activations[r]![j]!;
        const unit = unitName(network, l + 1, j);
        const act = layer.activation === 'softmax' ? `softmax(${zName(network, l + 1, 0).replace(/.$/, '')})${unit.slice(-1)}` : `${layer.activation}(${num(z)})`;
        // the Dropout's mask the step drew: 1/(1 − rate) kept, 0 dropped
        const drop = layer.dropout ? `;  dropout(${unit}) = ${num(a)}·${num(layer.dropout.mask[r]![j]!)} = ${num(layer.dropout.outputs[r]![j]!)}` : '';
        out.push(layer.activation === 'linear'
          ? `  ${unit}${sum} = ${num(z)}${drop}`
          : `  ${zName(network, l + 1, j)}${sum} = ${num(z)};  ${unit} = ${act} = ${num(a)}${drop}`);
      }
      more(out, units, layer.units, 'unit', ` in layer ${l + 1}`);
    });
  }
  more(out, shownRows, t.rows.length, 'row', ' of the batch');

  out.push('', 'loss');
  const last = t.layers[L - 1]!;
  const outs = last.units;
  const loss = lossName(run.spec.loss);
  // the cross-entropies of a softmax, from its logits
  const categorical = LOSS_ROWS[loss].fromLogits && LOSS_ROWS[loss].output?.activation === 'softmax';
  for (let r = 0; r < shownRows; r++) {
    const y = t.y[r]!, yhat = last.activations[r]!;
    const row = t.rows.length > 1 ? `row ${dataRows[r]}: ` : '';
    if (categorical) {
      // the loss of the true class (classes from 1 as the outputs are named), from the logits as the kernels take it
      const c = loss === 'sparseCategoricalCrossentropy' ? y[0]! : y.indexOf(extent(y)[1]);
      const formula = loss === 'sparseCategoricalCrossentropy' ? `${LOSS_ROWS[loss].formula} = −log ${unitName(network, L, c)}` : LOSS_ROWS[loss].formula;
      const soft = loss === 'categoricalCrossentropy' && y.some((v) => v !== 0 && v !== 1);
      out.push(`  ${row}L = ${formula} = ${soft ? y.map((v, k) => `−${num(v)}·log ${num(yhat[k]!)}`).join(' ') : `−log ${num(yhat[c]!)}`} = ${num(t.rowLosses[r]!)}`);
      continue;
    }
    const formula = LOSS_ROWS[loss].formula;
    // the two classic losses with their terms written out; the others as their formula and the kernels' value
    if (loss !== 'mse' && loss !== 'binaryCrossentropy') {
      const over = outs > 1 && LOSS_ROWS[loss].overOutputs === 'mean' ? `mean over outputs of ${formula}` : formula;
      out.push(`  ${row}L = ${over}, y = ${y.map((v) => num(v)).join(', ')}, ŷ = ${yhat.map((v) => num(v)).join(', ')}: ${num(t.rowLosses[r]!)}`);
      continue;
    }
    const terms = y.map((v, k) => loss === 'mse' ? `(${num(v)} − ${num(yhat[k]!)})²` : `−${num(v)}·log ${num(yhat[k]!)} − ${num(1 - v)}·log(1 − ${num(yhat[k]!)})`);
    out.push(`  ${row}L = ${outs > 1 ? `mean over outputs of ${formula}` : formula} = ${terms.join(' + ')}${outs > 1 ? ` (÷ ${outs})` : ''} = ${num(t.rowLosses[r]!)}`);
  }
  if (t.rows.length > 1) out.push(`  L = mean over the batch's ${t.rows.length} rows${t.penalty ? ' + penalty' : ''} = ${num(t.loss)}`);
  if (t.penalty) out.push(`  penalty = Σ over the regularized kernels and biases of l1·Σ|w| + l2·Σw² = ${num(t.penalty)}${t.rows.length === 1 ? `;  L + penalty = ${num(t.loss)}` : ''}`);
  const scale = t.rows.length > 1 ? ` (each row's share of the batch mean: 1/${t.rows.length} of its own)` : '';
  for (let r = 0; r < shownRows; r++) {
    for (let k = 0; k < Math.min(outs, SHOW.units); k++) {
      const row = `  ${t.rows.length > 1 ? `row ${dataRows[r]}: ` : ''}`, share = r === 0 && k === 0 ? scale : '';
      if (t.dLdyhat === null && !LOSS_ROWS[loss].fromLogits) {
        // a whole row's (categoricalHinge): the kernels go straight to ∂L/∂z, through the output's activation
        out.push(`${row}∂L/∂${zName(network, L, k)} = ${num(last.dLdz[r]![k]!)}${share}`);
        continue;
      }
      if (t.dLdyhat === null) {
        // from the logit: the kernels go straight to ∂L/∂z
        const y = categorical && t.y[r]!.length === 1 ? (k === t.y[r]![0] ? 1 : 0) : t.y[r]![k]!;
        const yk = `y${unitName(network, L, k).slice(1)}`;
        const form = categorical || outs === 1 ? `${unitName(network, L, k)} − ${yk}` : `(${unitName(network, L, k)} − ${yk})/${outs}`;
        out.push(`${row}∂L/∂${zName(network, L, k)} = ${form} = ${num(last.activations[r]![k]!)} − ${num(y)} → ${num(last.dLdz[r]![k]!)}${share}`);
        continue;
      }
      const slope = LOSS_ROWS[loss].slope!;
      const form = loss === 'mse' ? (outs > 1 ? `2(ŷ − y)/${outs}` : slope) : outs > 1 && LOSS_ROWS[loss].overOutputs === 'mean' ? `(${slope})/${outs}` : slope;
      out.push(`${row}∂L/∂${unitName(network, L, k)} = ${form} = ${num(t.dLdyhat[r]![k]!)}${share}`);
    }
  }

  out.push('', 'derivatives, from the output down (each factor\'s value; finite difference in brackets)');
  const simple = t.chains.every((c) => (c as unknown[]).flat().every((p) => (p as ParamChain).paths?.every((paths) => paths.length === 1) && t.rows.length === 1));
  if (!simple) {
    // ∂L/∂z of each unit, which every derivative below multiplies by its input
    for (let l = L; l >= 1; l--) {
      const layer = t.layers[l - 1]!;
      for (let j = 0; j < Math.min(layer.units, SHOW.units); j++) {
        const dz = `∂L/∂${zName(network, l, j)}`;
        const prime = `${unitName(network, l, j)}′`;
        const r = 0;
        const rowNote = t.rows.length > 1 ? ` (row ${dataRows[0]})` : '';
        if (l === L && layer.dLda === null) {
          out.push(`  ${dz} = ${unitName(network, l, j)} − y${unitName(network, l, j).slice(1)} (above) = ${num(layer.dLdz[r]![j]!)}${rowNote}`);
        } else if (l === L || layer.activation === 'softmax') {
          // softmax's Jacobian mixes its units: its ∂L/∂z is written as the kernels computed it
          if (layer.activation === 'softmax') out.push(`  ${dz} = ${unitName(network, l, j)}·(∂L/∂${unitName(network, l, j)} − Σₖ ∂L/∂aₖ·aₖ) = ${num(layer.dLdz[r]![j]!)}${rowNote}`);
          else out.push(`  ${dz} = ∂L/∂${unitName(network, l, j)} · ${prime} = ${factor(layer.dLda![r]![j]!)} · ${factor(layer.derivatives[r]![j]!)} = ${num(layer.dLdz[r]![j]!)}${rowNote}`);
        } else {
          const above = t.layers[l]!;
          const ks = Math.min(above.units, SHOW.units);
          const names = Array.from({ length: ks }, (_, k) => `∂L/∂${zName(network, l + 1, k)}·${paramName(network, l + 1, j, k)}`);
          const values = Array.from({ length: ks }, (_, k) => `${factor(above.dLdz[r]![k]!)}·${factor(weight(t.weights, l, j, k))}`);
          const etc = above.units > ks ? ' + …' : '';
          const d = layer.dropout;
          const mask = d ? [` · m · 1/(1 − ${d.rate})`, ` · ${num(d.mask[r]![j]! / d.scale)} · ${num(d.scale)}`] : ['', ''];
          out.push(`  ${dz} = (${names.join(' + ')}${etc})${mask[0]} · ${prime} = (${values.join(' + ')}${etc})${mask[1]} · ${factor(layer.derivatives[r]![j]!)} = ${num(layer.dLdz[r]![j]!)}${rowNote}`);
        }
      }
      more(out, Math.min(layer.units, SHOW.units), layer.units, 'unit', ` in layer ${l}`);
    }
    out.push('');
  }
  for (let l = L; l >= 1; l--) {
    const chains = layerChains(t, l);
    for (const c of chains.slice(0, SHOW.params)) out.push(`  ${derivativeLine(c, simple)}`);
    more(out, Math.min(chains.length, SHOW.params), chains.length, 'derivative', ` in layer ${l}`);
  }

  const row = OPTIMIZER_ROWS[u.optimizer];
  out.push('', `update (${row.formula(u, t.update.iterations, num, t.update.alpha)})`);
  const names = Object.keys(row.state(u)) as StateName[];
  const kept = names.filter(isStateArray), scalars = names.filter((name) => !isStateArray(name)) as ShownScalar[];
  const symbols = Object.fromEntries(Object.entries(row.state(u)).map(([name, what]) => [name, symbolOf(what)]));
  // the state scalars (nadam's Πμ, the powers βᵗ) once, before and after
  for (const name of scalars) out.push(`  ${symbols[name]} ${num(t.update[name]!.before)} → ${num(t.update[name]!.after)}`);
  const scalarsWere = Object.fromEntries(scalars.map((name) => [name, t.update[name]!.before]));
  const scalarsNow = Object.fromEntries(scalars.map((name) => [name, t.update[name]!.after]));
  for (let l = L; l >= 1; l--) {
    const chains = layerChains(t, l);
    const before = layerValues(t.weights, l), after = layerValues(t.newWeights, l);
    // the optimizer's state after this step, where it keeps it (its row's `state`)
    const state = kept.map((name) => [name, layerValues(t.update[name]!.before, l), layerValues(t.update[name]!.after, l)] as const);
    chains.slice(0, SHOW.params).forEach((c, i) => {
      const was = { ...Object.fromEntries(state.map(([name, v]) => [name, v[i]!])), ...scalarsWere };
      const now = { ...Object.fromEntries(state.map(([name, , v]) => [name, v[i]!])), ...scalarsNow };
      const values = { p: before[i]!, g: c.gradient, before: was, after: now, alpha: t.update.alpha, num, factor };
      out.push(`  ${c.name} ← ${row.rule(u, values)} = ${num(after[i]!)}`);
      // the state this parameter's update read and left, by the row's symbols (m, v, a, …)
      if (state.length) out.push(`      ${state.map(([name, was, now]) => `${symbols[name]} ${num(was[i]!)} → ${num(now[i]!)}`).join(', ')}`);
    });
    more(out, Math.min(chains.length, SHOW.params), chains.length, 'parameter', ` in layer ${l}`);
  }
  return out.join('\n');
}

/** One derivative as its factors: the tutorial's full chain when it is one path on one row, else ∂L/∂z · input summed over the batch's rows. */
function derivativeLine(c: ParamChain, simple: boolean): string {
  const numeric = c.numeric === null ? '' : `   [${num(c.numeric, 6)}]`;
  // a regularizer's term, l1·sign(θ) + 2·l2·θ, after the chain
  const p = c.penalty;
  const [penaltyName, penaltyValue] = p ? [` + ${[p.l1 ? `${p.l1}·sign(${c.name})` : '', p.l2 ? `2·${p.l2}·${c.name}` : ''].filter(Boolean).join(' + ')}`, ` + ${factor(p.value)}`] : ['', ''];
  if (simple) {
    const path = c.paths![0]![0]!;
    return `∂L/∂${c.name} = ${path.map((f) => f.name).join(' · ')}${penaltyName} = ${path.map((f) => factor(f.value)).join(' · ')}${penaltyValue} = ${num(c.gradient)}${numeric}`;
  }
  const names = c.factors.join(' · ');
  const rows = c.values.slice(0, SHOW.rows).map((term) => term.map(factor).join(' · '));
  const etc = c.values.length > SHOW.rows ? ' + …' : '';
  return c.values.length === 1
    ? `∂L/∂${c.name} = ${names}${penaltyName} = ${rows[0]}${penaltyValue} = ${num(c.gradient)}${numeric}`
    : `∂L/∂${c.name} = Σ over rows of ${names}${penaltyName} = ${rows.map((s) => (c.factors.length > 1 ? `(${s})` : s)).join(' + ')}${etc}${penaltyValue} = ${num(c.gradient)}${numeric}`;
}

/** Layer l's chains: its kernel in the Keras order (input by input, unit by unit), then its biases. */
function layerChains(t: Trace, l: number): ParamChain[] {
  return [...(t.chains[2 * (l - 1)] as ParamChain[][]).flat(), ...(t.chains[2 * (l - 1) + 1] as ParamChain[])];
}

function layerValues(w: Weights, l: number): number[] {
  return [...(w[2 * (l - 1)] as number[][]).flat(), ...(w[2 * (l - 1) + 1] as number[])];
}

function weight(w: Weights, l: number, i: number, j: number): number {
  return (w[2 * l] as number[][])[i]![j]!;
}
