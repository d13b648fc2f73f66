// exportStandalone: a trained model as a predictor that needs nothing of this library — a JavaScript
// module, a WebAssembly module with its loader, or a C header — whose outputs equal model.predict's
// to the bit (docs/standalone.md).
import type { Model } from '../../model.js';
import { cPredictor } from './c.js';
import { jsPredictor } from './jsModule.js';
import { planOf, type StandaloneOptions } from './plan.js';
import { wasmModule, wasmPredictor } from './wasmModule.js';

export { STANDALONE_FORMATS, type StandaloneFormat, type StandaloneOptions } from './plan.js';

/** The predictor's source: an ES module (or CommonJS with `commonjs: true`) for js and wasm, a C99 header for c. */
export function exportStandalone(model: Model, options: StandaloneOptions): string {
  const plan = planOf(model, options);
  if (options.format === 'c') return cPredictor(plan, options.prefix ?? '');
  if (options.format === 'wasm') return wasmPredictor(plan, model.network, options.commonjs ?? false);
  return jsPredictor(plan, options.commonjs ?? false);
}

/** The wasm format's modules alone (the SIMD build and the scalar fallback), model included: what its loader inlines. */
export function standaloneWasm(model: Model): { simd: Uint8Array; scalar: Uint8Array } {
  const plan = planOf(model, { format: 'wasm' });
  return { simd: wasmModule(plan, model.network, true), scalar: wasmModule(plan, model.network, false) };
}
