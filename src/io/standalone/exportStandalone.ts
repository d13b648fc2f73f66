// exportStandalone: a trained model as a predictor that needs nothing of this library — a JavaScript
// module, a WebAssembly module with its loader, or a C header — whose outputs equal model.predict's
// to the bit (docs/standalone.md).
import type { Model } from '../../model.js';
import { cPredictor } from './c.js';
import { jsPredictor } from './jsModule.js';
import { planOf, type StandaloneOptions } from './plan.js';
import { simdWins, wasmModule, wasmPredictor } from './wasmModule.js';

export { STANDALONE_FORMATS, type StandaloneFormat, type StandaloneOptions } from './plan.js';

/** The predictor's source: an ES module (or CommonJS with `commonjs: true`) for js and wasm, a C99 header for c. */
export function exportStandalone(model: Model, options: StandaloneOptions): string {
  const plan = planOf(model, options);
  if (options.format === 'c') return cPredictor(plan, options.prefix ?? '');
  if (options.format === 'wasm') return wasmPredictor(plan, options.commonjs ?? false);
  return jsPredictor(plan, options.commonjs ?? false);
}

/**
 * The wasm format's modules alone, model included: what its loader inlines. The scalar build always;
 * the SIMD build where it computes anything its own way (a layer of four inputs or more), else undefined.
 */
export function standaloneWasm(model: Model): { simd: Uint8Array | undefined; scalar: Uint8Array } {
  const plan = planOf(model, { format: 'wasm' });
  return { simd: simdWins(plan) ? wasmModule(plan, true).module : undefined, scalar: wasmModule(plan, false).module };
}
