export type EngineKind = 'wasm' | 'js';

/**
 * The kernels behind one block of memory. Both implementations run the same algorithm over the
 * same layout (src/layout.ts); `net` is the i32 index of the descriptor.
 */
export interface Engine {
  readonly kind: EngineKind;
  /** Views over the whole block; stable for the engine's life (it never grows after opening). */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** f64 index where the caller's layout may start. */
  readonly start: number;
  /** One row of X through every layer; the output lands in the last layer's activations. */
  forward(net: number, row: number): void;
  /** Forward pass and loss of one row of X (the output layer's dL/dz × scale is left in its deltas). */
  rowLoss(net: number, row: number, scale: number): number;
  /** One update on the rows ORDER[pos .. pos + count); the batch's mean loss before it (NaN if a parameter became non-finite). */
  step(net: number, pos: number, count: number): number;
  /**
   * Every batch of an epoch in one call: `step` over ORDER[0 .. rows) in batches of `batchSize`.
   * Σ batch loss × batch rows; or −(1 + pos) when the step on the batch at ORDER[pos] went non-finite (it stops there).
   */
  epoch(net: number, rows: number, batchSize: number): number;
}
