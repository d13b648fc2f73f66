import type { Engine, EngineKind } from './engines/engine.js';
import { openJsEngine } from './engines/js.js';
import { openWasmEngine } from './engines/wasm.js';
import { NET, planLayout, writeDescriptor, writeSampleWeights, type Layout, type Sizes } from './layout.js';
import type { Network } from './spec.js';

/** Rows a pass takes at least, so that predict and evaluate run many rows per pass. */
const MIN_CAPACITY = 64;

/**
 * One engine with one network laid out in its memory, for the life of a Model: fit, predict,
 * evaluate and validation all run in it. Its regions only grow; the parameters and optimizer state
 * never move, and nothing is re-planned unless a size grows.
 */
export class Workspace {
  readonly engine: Engine;
  layout: Layout;
  /** The Model's parameter version the engine holds (see Model). */
  paramsVersion = -1;
  /** The rows in the predict/evaluate region, so held-out rows are copied once per fit, not per epoch. */
  private evalSource: Float64Array | undefined;
  /** Views of the whole predict/evaluate regions, made whenever the layout changes: a view costs as much as a small predict. */
  private views: { x: Float64Array; out: Float64Array };

  /** `threads`: the kernels' threads build (loadThreadsWasm), for a workspace whose steps workers share (src/threads.ts). */
  constructor(kind: EngineKind, readonly network: Network, threads?: WebAssembly.Module) {
    const sizes = { capacity: MIN_CAPACITY, rows: 0, evalRows: 0 };
    const bytes = planLayout(network, sizes, 0).bytes;
    this.engine = kind === 'wasm' ? openWasmEngine(bytes, threads) : openJsEngine(bytes);
    this.layout = planLayout(network, sizes, this.engine.start);
    writeDescriptor(this.engine.f64, this.engine.i32, network, this.layout);
    this.views = this.regions();
  }

  /** Makes room for passes of `capacity` rows, `rows` training rows and `evalRows` rows to predict. */
  reserve(sizes: Partial<Sizes>): void {
    const now = this.layout;
    if ((sizes.capacity ?? 0) <= now.capacity && (sizes.rows ?? 0) <= now.rows && (sizes.evalRows ?? 0) <= now.evalRows) return;
    const want = {
      capacity: Math.max(now.capacity, sizes.capacity ?? 0),
      rows: Math.max(now.rows, sizes.rows ?? 0),
      evalRows: Math.max(now.evalRows, sizes.evalRows ?? 0),
    };
    // The regions before the rows to predict keep their places unless the capacity grows; so do the sample weights
    const weighted = this.weighted();
    this.layout = planLayout(this.network, want, this.engine.start);
    this.engine.grow(this.layout.bytes);
    writeDescriptor(this.engine.f64, this.engine.i32, this.network, this.layout);
    writeSampleWeights(this.engine.i32, this.layout, weighted);
    this.evalSource = undefined;
    this.views = this.regions();
  }

  get f64(): Float64Array {
    return this.engine.f64;
  }

  /** A view of the parameters; valid until the block next grows. */
  params(): Float64Array {
    const { params, count } = this.layout;
    return this.engine.f64.subarray(params, params + count);
  }

  /** Makes room for a fit's `rows` training rows in batches of up to `batchSize`, and `held` rows to validate on. */
  reserveFit(rows: number, batchSize: number, held = 0): void {
    this.reserve({ rows, capacity: Math.min(batchSize, rows), evalRows: held });
  }

  /** Copies training rows in, x [rows][inputs], y [rows][targets] and their weights if any, for batches of up to `batchSize` rows. */
  setTrainingRows(x: Float64Array, y: Float64Array, rows: number, batchSize: number, weights?: Float64Array): void {
    this.reserveFit(rows, batchSize);
    this.engine.f64.set(x, this.layout.x);
    this.engine.f64.set(y, this.layout.y);
    this.weigh(weights);
  }

  /** The training rows' weights (each weighs 1 without). Unweighted again, it writes nothing: trainOnBatch's calls cost no more. */
  weigh(weights: Float64Array | undefined): void {
    if (!weights && !this.weighted()) return;
    if (weights) this.engine.f64.set(weights, this.layout.sampleWeights);
    writeSampleWeights(this.engine.i32, this.layout, weights !== undefined);
  }

  /** Whether the training rows' weights weigh the steps: the descriptor's SAMPLE_WEIGHTS slot is set. */
  private weighted(): boolean {
    return this.engine.i32[this.layout.net + NET.SAMPLE_WEIGHTS] !== 0;
  }

  /**
   * A view of the predict/evaluate input region, room for at least `rows` rows, for predict to write
   * its rows straight into (rather than into an array copied here); `predict(rows)` runs them.
   */
  input(rows: number): Float64Array {
    if (rows > this.layout.evalRows) this.reserve({ evalRows: rows });
    this.evalSource = undefined;
    return this.views.x;
  }

  /** Runs the rows written into `input(rows)`: a view of the output region, their outputs first. */
  predict(rows: number): Float64Array {
    const l = this.layout, e = this.engine;
    // A call site per engine kind: one that has called both the kernels' export and the JS engine's
    // function calls either ~8 ns slower (a one-row predict on 2-2-1 is ~45 ns; fit's loop likewise).
    if (e.kind === 'wasm') e.predict(l.net, l.ex, rows, l.out);
    else e.predict(l.net, l.ex, rows, l.out);
    return this.views.out;
  }

  private regions(): { x: Float64Array; out: Float64Array } {
    const l = this.layout, f = this.engine.f64;
    const outs = l.layers[l.layers.length - 1]!.units;
    return { x: f.subarray(l.ex, l.ex + l.evalRows * this.network.inputs), out: f.subarray(l.out, l.out + l.evalRows * outs) };
  }

  /**
   * Runs `rows` rows of x through the network in one call (with the loss when y is given): the outputs,
   * a view valid until the block next grows, and the mean loss. `stable`: x is not changed between
   * calls (validation's rows), so while it is still in the block it is not copied again.
   */
  run(x: Float64Array, y: Float64Array | undefined, rows: number, stable = false, weights?: Float64Array): { outputs: Float64Array; loss: number } {
    this.reserve({ evalRows: rows });
    const { engine } = this;
    const l = this.layout;
    if (!stable || this.evalSource !== x) {
      engine.f64.set(x, l.ex);
      this.evalSource = stable ? x : undefined;
    }
    // Targets are copied every time: the same inputs may come with other targets.
    if (y) engine.f64.set(y, l.ey);
    if (weights) engine.f64.set(weights, l.ew);
    const loss = y ? engine.evaluate(l.net, l.ex, l.ey, weights ? l.ew : -1, rows, l.out) : NaN;
    if (!y) engine.predict(l.net, l.ex, rows, l.out);
    const outs = l.layers[l.layers.length - 1]!.units;
    return { outputs: engine.f64.subarray(l.out, l.out + rows * outs), loss };
  }
}
