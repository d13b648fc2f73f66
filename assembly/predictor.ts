// The standalone predictor (backprop export --format wasm): the kernels' forward pass only —
// dense_forward and activation_forward themselves, not a copy — over a model the exporter adds to
// this module as a data segment (src/io/standalone/wasm.ts), so its outputs are `model.predict`'s
// to the bit. Built once with the kernels, in the same two builds (SIMD and scalar).
import { denseForward } from './dense';
import { activationForward } from './activations';
import { LINEAR } from './contract';

// The exporter's data segment: at address MODEL the address h of the model's header, i32 words
//   h[0] layers, h[1] inputs, h[2] outputs, h[3] x: [capacity][inputs], h[4] out: [capacity][outputs],
//   h[5] capacity, h[6] the input scaler (mean[inputs] then std[inputs]) or 0, h[7] the target scaler or 0,
//   then per layer (HEADER + LAYER·l words): units, inputs, act, w: [units][inputs], b: [units],
//   a: [capacity][units], z: [capacity][units] where predict keeps it (else 0).
// Addresses are bytes; the layout is src/io/standalone/wasm.ts's.
const MODEL: usize = 0;
const HEADER: usize = 32, LAYER: usize = 28;
// leakyRelu's slope: Keras 3's default, the one slope the exporter takes (src/io/standalone/plan.ts)
const LEAKY_RELU_ALPHA: f64 = 0.2;

// predict — rows (≤ capacity) of x through the network into out, scaled and unscaled as Model.predict does
export function predict(rows: i32): void {
  const h = <usize>load<u32>(MODEL);
  const layers = load<i32>(h), inputs = load<i32>(h, 4), outputs = load<i32>(h, 8);
  let inp = <usize>load<u32>(h, 12);
  const out = <usize>load<u32>(h, 16), scaler = <usize>load<u32>(h, 24), target = <usize>load<u32>(h, 28);
  if (scaler) standardize(inp, scaler, rows, inputs);
  for (let l = 0; l < layers; l++) {
    const r = h + HEADER + <usize>l * LAYER;
    const units = load<i32>(r), n = load<i32>(r, 4), act = load<i32>(r, 8);
    const w = <usize>load<u32>(r, 12), b = <usize>load<u32>(r, 16), z = <usize>load<u32>(r, 24);
    const dst = l == layers - 1 ? out : <usize>load<u32>(r, 20);
    if (z == 0) {
      dense(dst, inp, w, b, rows, n, units, act);
    } else { // as assembly/index.ts's forward for a layer that keeps z
      dense(z, inp, w, b, rows, n, units, LINEAR);
      activationForward(dst, z, rows, units, act, LEAKY_RELU_ALPHA);
    }
    inp = dst;
  }
  if (target) unstandardize(out, target, rows, outputs);
}

// dense_forward out of line: one copy of the kernels in the module, not one per call above
function dense(out: usize, inp: usize, w: usize, b: usize, rows: i32, inputs: i32, units: i32, act: i32): void {
  denseForward(out, inp, w, b, rows, inputs, units, act);
}

// x: [rows][n] becomes (x − mean) / std, column by column (src/scaler.ts's applyScaler)
function standardize(x: usize, s: usize, rows: i32, n: i32): void {
  const bytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * bytes;
    for (let i: usize = 0; i < bytes; i += 8) store<f64>(row + i, (load<f64>(row + i) - load<f64>(s + i)) / load<f64>(s + bytes + i));
  }
}

// y: [rows][n] becomes y · std + mean (src/scaler.ts's invertScaler)
function unstandardize(y: usize, s: usize, rows: i32, n: i32): void {
  const bytes = <usize>n << 3;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * bytes;
    for (let i: usize = 0; i < bytes; i += 8) store<f64>(row + i, load<f64>(row + i) * load<f64>(s + bytes + i) + load<f64>(s + i));
  }
}
