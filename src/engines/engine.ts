/** The engine that runs the math: the WebAssembly kernels or the pure-JS twin (the same numbers). */
export type EngineKind = 'wasm' | 'js';

/**
 * The kernels (assembly/index.ts's exports; src/engines/js.ts has the same, line for line). `net` is
 * the i32 index of the descriptor (src/layout.ts); every other argument is an integer index or a scalar.
 */
export interface Kernels {
  /** One update on the rows ORDER[pos .. pos + count); the batch's mean loss before it (NaN if a parameter became non-finite). */
  step(net: number, pos: number, count: number): number;
  /** `step` without fusing backward and update (one row, plain SGD): GRADS then holds the step's gradients. Same parameters, to the bit. */
  traceStep(net: number, pos: number, count: number): number;
  /**
   * Every batch of an epoch in one call: `step` over ORDER[0 .. rows) in batches of `batchSize`.
   * Σ batch loss × batch rows; or −(1 + pos) when the step on the batch at ORDER[pos] went non-finite (it stops there).
   */
  epoch(net: number, rows: number, batchSize: number): number;
  /** Rows at f64 index x through the network; outputs [rows][outputs] at f64 index out. */
  predict(net: number, x: number, rows: number, out: number): void;
  /** As predict (no dropout), with the targets at f64 index y and each row's weight at f64 index w (−1: each weighs 1): the rows' weighted mean loss plus the regularizers' penalty. */
  evaluate(net: number, x: number, y: number, w: number, rows: number, out: number): number;
  /** The regularizers' penalty l1·Σ|w| + l2·Σw², every layer's kernel then bias, from the current parameters (what step adds to the loss). */
  regularizerPenalty(net: number): number;
  /** One activation, by code, with its layer's parameter alpha (leakyRelu's slope; the others ignore it): act(z) (softmax, a whole row's, traps or throws). */
  activation(z: number, act: number, alpha: number): number;
  /** Its derivative at z: act′(z) (softmax's elementwise part: 1). */
  activationDerivative(z: number, act: number, alpha: number): number;
}

/** The kernels behind one block of memory that grows on demand. */
export interface Engine extends Kernels {
  readonly kind: EngineKind;
  /** Views over the whole block, replaced when it grows: read them anew after `grow`. */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** f64 index where the caller's layout may start. */
  readonly start: number;
  /** Makes the block hold `bytes` from `start` on, keeping what it holds. */
  grow(bytes: number): void;
  /** The threads build (src/threads.ts): its module and shared memory, for workers to open, and `release`, which ends their loops. */
  readonly shared: SharedKernels | undefined;
}

/** What workers need to take shares of an engine's steps (assembly/threads.ts). */
export interface SharedKernels {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Ends every worker's `work` (a step of 0 rows); returns once they all have left their last step. */
  release(net: number): void;
}
