// A training run allocates nothing in WebAssembly memory: the layout is placed once when the
// workspace opens, and 10 million steps later memory has the same size and the host's views over
// it are still attached (growing memory would detach them). Untimed: it checks sizes only.
import { describe, expect, it } from 'vitest';
import { loadWasm, type WasmFile } from '../src/node.js';
import { checkSpec, parameterCount } from '../src/spec.js';
import { Workspace } from '../src/workspace.js';
import { SETTING } from '../src/layout.js';
import { randomRows } from './helpers.js';

const STEPS = 10_000_000;
const ROWS = 500;

describe.each(['backprop.wasm', 'backprop-scalar.wasm'] as WasmFile[])('%s', (file) => {
  it(`keeps memory the same size over ${STEPS.toLocaleString('en-US')} steps`, async () => {
    await loadWasm(undefined, file);
    const net = checkSpec({ inputs: 2, layers: [{ units: 2, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossentropy' });
    const x = Float64Array.from(randomRows(1, ROWS, 2).flat());
    const y = x.filter((_, i) => i % 2 === 0).map((v) => (v > 0 ? 1 : 0));
    const params = Float64Array.from(randomRows(2, 1, parameterCount(net))[0]!);
    const ws = new Workspace('wasm', net);
    ws.params().set(params);
    ws.setTrainingRows(x, y, ROWS, 1);
    const { engine, layout } = ws;
    engine.f64[layout.settings + SETTING.LEARNING_RATE] = 0.01;
    engine.i32.set(Array.from({ length: ROWS }, (_, r) => r), layout.order);
    const buffer = engine.f64.buffer;
    const bytes = buffer.byteLength;

    // Half through the host's batch loop (one crossing per step), half through whole-epoch calls.
    for (let s = 0; s < STEPS / 2; s += ROWS) {
      for (let pos = 0; pos < ROWS; pos++) engine.step(layout.net, pos, 1);
    }
    let lowest = Infinity; // a negative epoch total would mean a step went non-finite
    for (let s = 0; s < STEPS / 2; s += ROWS) lowest = Math.min(lowest, engine.epoch(layout.net, ROWS, 1));
    expect(lowest).toBeGreaterThanOrEqual(0);

    expect(engine.f64[layout.settings + SETTING.ITERATIONS]).toBe(STEPS);
    // Had memory grown, this buffer would have been detached (length 0) in favour of a larger one.
    expect(buffer.byteLength).toBe(bytes);
    expect(engine.f64.subarray(layout.params, layout.params + layout.count).every(Number.isFinite)).toBe(true);
  });
});
