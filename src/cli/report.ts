import { extent } from '../extent.js';
import { count } from '../errors.js';
import type { DenseSpec, History, LayerSpec, LossSpec, ModelSpec, Weights } from '../index.js';

/** Numbers as users compare them: up to `digits` significant digits (10 by default), no trailing noise. */
export function num(v: number, digits = 10): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(digits)));
}

/** `2-2-1 sigmoid/sigmoid, binaryCrossentropy`: the network as every command describes it. */
export function networkText(spec: ModelSpec<LayerSpec>): string {
  const dense = spec.layers.filter((l): l is DenseSpec => !('dropout' in l));
  const dropout = spec.layers.filter((l) => 'dropout' in l).length;
  return `${spec.inputs}-${dense.map((l) => l.units).join('-')} ${dense.map((l) => l.activation ?? 'linear').join('/')}${dropout ? ` (${count(dropout, 'Dropout layer')})` : ''}, ${lossText(spec.loss)}`;
}

/** A loss as --loss says it: its name, or NAME,KEY=V with its parameter. */
export function lossText(loss: LossSpec): string {
  return typeof loss === 'string' ? loss : keyValueText(loss as Record<string, unknown>, 'name');
}

/** A nested option as its flag takes it: `NAME,KEY=V,…` (the `first` key's value leading), lists as a:b:c. */
export function keyValueText(o: Record<string, unknown>, first?: string): string {
  const pairs = Object.entries(o).filter(([k, v]) => k !== first && v !== undefined && v !== null).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(':') : String(v)}`);
  return [...(first ? [String(o[first])] : []), ...pairs].join(',');
}

export function lossTable(columns: Record<string, History>): string {
  const names = Object.keys(columns);
  const rows = columns[names[0]!]!.loss.map((_, e) => [String(e + 1), ...names.map((n) => num(columns[n]!.loss[e]!))]);
  return table(['epoch', ...names.map((n) => `loss (${n})`)], rows);
}

/** Weights per layer as Keras prints them: kernel rows are inputs, columns are units. */
export function weightsText(weights: Weights): string {
  const out: string[] = [];
  for (let l = 0; l < weights.length; l += 2) {
    const kernel = weights[l] as number[][];
    const bias = weights[l + 1] as number[];
    out.push(`  layer ${l / 2} kernel (inputs × units): ${kernel.map((r) => `[${r.map((v) => num(v)).join(', ')}]`).join(' ')}`);
    out.push(`  layer ${l / 2} bias:                    [${bias.map((v) => num(v)).join(', ')}]`);
  }
  return out.join('\n');
}

export function predictionTable(features: string[], x: number[][], y: number[][], yhat: number[][]): string {
  return table([...features, 'target', 'prediction'], x.map((row, r) => [...row.map((v) => num(v)), y[r]!.map((v) => num(v)).join(' '), yhat[r]!.map((v) => num(v)).join(' ')]));
}

export function table(head: string[], rows: string[][]): string {
  const width = head.map((h, c) => Math.max(h.length, extent(rows.map((r) => r[c]!.length))[1]));
  const line = (cells: string[]) => '  ' + cells.map((s, c) => s.padStart(width[c]!)).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
