// Weights in the Keras layout (nested arrays) as one Float64Array and back, for sending a big
// network's weights to the page's worker: a typed array is transferred, not copied number by number.
import type { Weights } from '../src/browser.js';

/** [kernel₁, bias₁, …] in order, each kernel row by row. */
export function flatten(weights: Weights): Float64Array {
  let n = 0;
  for (const w of weights) for (const v of w) n += Array.isArray(v) ? v.length : 1;
  const flat = new Float64Array(n);
  let k = 0;
  for (const w of weights) {
    for (const v of w) {
      if (Array.isArray(v)) for (const x of v) flat[k++] = x;
      else flat[k++] = v as number;
    }
  }
  return flat;
}

/** The nested weights of `flat` as `unflatten` gives them, built on the first call only (a big network's take milliseconds, and are seldom read). */
export function lazyUnflatten(flat: Float64Array, shape: { inputs: number; layers: { units: number }[] }): () => Weights {
  let weights: Weights | undefined;
  return () => (weights ??= unflatten(flat, shape));
}

/** The nested weights of a network of `inputs` inputs and these Dense layers from `flat`. */
export function unflatten(flat: Float64Array, { inputs, layers }: { inputs: number; layers: { units: number }[] }): Weights {
  const weights: Weights = [];
  let k = 0, fanIn = inputs;
  for (const { units } of layers) {
    const kernel: number[][] = [];
    for (let i = 0; i < fanIn; i++) {
      kernel.push(Array.from(flat.subarray(k, k + units)));
      k += units;
    }
    weights.push(kernel, Array.from(flat.subarray(k, k + units)));
    k += units;
    fanIn = units;
  }
  return weights;
}
