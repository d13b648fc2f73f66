// The network descriptor: i32 slots the host writes once per fit (src/layout.ts, same names).
// Regions are f64 indices into linear memory (byte address = index × 8); ORDER is an i32 index.
export const LAYERS = 0;     // number of Dense layers
export const LOSS = 1;       // loss code (losses.ts)
export const X = 2;          // training inputs  [rows][inputs]
export const Y = 3;          // training targets [rows][outputs]
export const ORDER = 4;      // row order of the epoch [rows], i32
export const PARAMS = 5;     // every parameter, layer by layer: w [units][inputs], then b [units]
export const GRADS = 6;      // same layout as PARAMS
export const COUNT = 7;      // number of parameters
export const SETTINGS = 8;   // f64 settings, the slots below
export const OPTIMIZER = 9;  // optimizer code (optimizers.ts)
export const MOMENTUMS = 10; // optimizer state, same layout as PARAMS (Keras's `momentums`)
export const VELOCITIES = 11; // optimizer state, same layout as PARAMS (Keras's `velocities`)
export const LAYER0 = 12;    // first layer's record
export const STRIDE = 7;     // slots per layer record:
export const UNITS = 0;      //   units
export const INPUTS = 1;     //   inputs
export const ACT = 2;        //   activation code (activations.ts)
export const W = 3;          //   kernel [units][inputs] in PARAMS
export const B = 4;          //   bias [units] in PARAMS
export const A = 5;          //   activations [units]
export const D = 6;          //   dL/dz [units]

// f64 slots of SETTINGS: the optimizer's hyperparameters, and its step counter, which the
// kernels advance and the host keeps between fits.
export const LEARNING_RATE = 0;
export const MOMENTUM = 1;
export const NESTEROV = 2;   // 1 or 0
export const BETA_1 = 3;
export const BETA_2 = 4;
export const EPSILON = 5;
export const RHO = 6;
export const ITERATIONS = 7; // updates made so far (Keras's `iterations`)

// i32 slot of the descriptor at i32 index `net`
@inline
export function slot(net: i32, s: i32): i32 {
  return load<i32>(<usize>(net + s) << 2);
}

// byte address of layer l's record; field() reads its slots at fixed offsets from it, so a pass
// finds each layer's record once rather than once per slot
@inline
export function record(net: i32, l: i32): usize {
  return <usize>(net + LAYER0 + l * STRIDE) << 2;
}

// i32 slot s of a layer record
@inline
export function field(layer: usize, s: i32): i32 {
  return load<i32>(layer + (<usize>s << 2));
}

// byte address of f64 index i
@inline
export function at(i: i32): usize {
  return <usize>i << 3;
}

// byte address of the f64 setting s
@inline
export function setting(net: i32, s: i32): usize {
  return at(slot(net, SETTINGS) + s);
}
