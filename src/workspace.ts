import type { Engine, EngineKind } from './engines/engine.js';
import { openJsEngine } from './engines/js.js';
import { openWasmEngine } from './engines/wasm.js';
import { planLayout, writeDescriptor, type Layout } from './layout.js';
import type { Network } from './spec.js';

/** One engine with one network laid out in its memory, parameters and data copied in. */
export interface Workspace {
  engine: Engine;
  layout: Layout;
}

export function openWorkspace(kind: EngineKind, network: Network, params: Float64Array, x: Float64Array, y: Float64Array | undefined, rows: number): Workspace {
  const bytes = planLayout(network, rows).bytes;
  const engine = kind === 'wasm' ? openWasmEngine(bytes) : openJsEngine(bytes);
  const layout = planLayout(network, rows, engine.start);
  writeDescriptor(engine.i32, network, layout);
  engine.f64.set(params, layout.params);
  engine.f64.set(x, layout.x);
  if (y) engine.f64.set(y, layout.y);
  return { engine, layout };
}

export function paramsOf({ engine, layout }: Workspace): Float64Array {
  return engine.f64.subarray(layout.params, layout.params + layout.count);
}
