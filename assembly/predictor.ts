// The standalone predictor (backprop export --format wasm): the kernels' forward pass only —
// dense_forward, the activations and softmax_forward themselves, not a copy — as separate functions,
// so that the exporter (src/io/standalone/wasmModule.ts) keeps those a model reaches, writes the
// `predict` that calls them layer by layer with the model's addresses as constants, and adds the
// model as a data segment. Its outputs are `model.predict`'s to the bit. Built once with the kernels,
// in the same two builds (SIMD and scalar). Nothing here is exported for a host to call: the
// exporter finds the functions by their export names.
import { denseForward } from './dense';
import { softmaxForward } from './activations';
import { LINEAR } from './contract';

export * from './predictorActivations';

// dense_forward without its activation (a layer's activation runs after it, in place: the same bits)
//   inp: [rows][inputs]; w: [units][inputs]; b: [units] → out: [rows][units]
export function dense(out: usize, inp: usize, w: usize, b: usize, rows: i32, inputs: i32, units: i32): void {
  denseForward(out, inp, w, b, rows, inputs, units, LINEAR);
}

// softmax_forward, in place: z: [rows][n] becomes a (each z read before its a is written)
export function softmax(z: usize, rows: i32, n: i32): void {
  softmaxForward(z, z, rows, n);
}

// x: [rows][n] becomes (x − mean) / std, column by column (src/scaler.ts's applyScaler); s: mean[n] then std[n]
export function standardize(x: usize, s: usize, rows: i32, n: i32): void {
  const bytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    for (let i: usize = 0; i < bytes; i += 8) store<f64>(row + i, (load<f64>(row + i) - load<f64>(s + i)) / load<f64>(s + bytes + i));
  }
}

// y: [rows][n] becomes y · std + mean (src/scaler.ts's invertScaler)
export function unstandardize(y: usize, s: usize, rows: i32, n: i32): void {
  const bytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * bytes;
    for (let i: usize = 0; i < bytes; i += 8) store<f64>(row + i, load<f64>(row + i) * load<f64>(s + bytes + i) + load<f64>(s + i));
  }
}
