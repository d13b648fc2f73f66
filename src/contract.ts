// The one definition of what the host and the kernels must agree on: the codes of activations,
// losses and optimizers (a code is the name's index in its list) and the slots of the network
// descriptor, of each layer's record and options and of the f64 settings. scripts/contract.mjs writes
// assembly/contract.ts from this file at every build, and the host refuses kernels whose
// CONTRACT differs from contractHash() (src/engines/wasm.ts), so the two sides cannot drift.
// This file imports nothing: the build script reads it on its own.

/** The activations a Dense layer takes, by name. */
export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'relu6', 'leakyRelu', 'hardSigmoid', 'hardSwish', 'mish', 'exponential'] as const;
/** The losses a model takes, by name. */
export const LOSSES = [
  'mse', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanAbsoluteError', 'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError', 'huber', 'logcosh', 'hinge', 'squaredHinge', 'categoricalHinge', 'kullbackLeiblerDivergence', 'poisson',
] as const;
/** The optimizers `fit` takes, by name. */
export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'adamw'] as const;

/**
 * The descriptor's i32 slots. Regions are f64 indices into the block (byte address = index × 8);
 * ORDER is an i32 index. Per layer a record of LAYER_FIELDS follows, from slot NET_SLOTS.length on.
 */
export const NET_SLOTS = [
  'LAYERS',     // number of Dense layers
  'LOSS',       // loss code
  'OPTIMIZER',  // optimizer code
  'COUNT',      // number of parameters
  'PARAMS',     // every parameter, layer by layer: kernel [units][inputs], then bias [units]
  'GRADS',      // the gradients, laid out as PARAMS
  'MOMENTUMS',  // optimizer state, laid out as PARAMS (Keras's `momentums`)
  'VELOCITIES', // optimizer state, laid out as PARAMS (Keras's `velocities`)
  'ACCUMULATORS', // optimizer state, laid out as PARAMS: adagrad's accumulators, adadelta's E[Δ²], amsgrad's v̂, centered rmsprop's mean gradient
  'CLIPPING',   // which clipping of the gradients before the update: 0 none, CLIP_NORM, GLOBAL_CLIP_NORM or CLIP_VALUE; its bound is the CLIP setting
  'SETTINGS',   // the f64 settings, SETTING_SLOTS
  'CAPACITY',   // rows the per-layer regions hold: the largest batch a pass may take
  'TARGETS',    // target columns per row: the outputs, or 1 (a class index) for sparseCategoricalCrossentropy
  'REGULARIZED', // 1 when a layer has a regularizer (its penalty and gradient are added each step), else 0
  'RANDOM',     // the dropout generator's state (mulberry32), which the kernels advance; the host seeds it per fit
  'IN',         // a batch's input rows gathered from X [CAPACITY][inputs]
  'TARGET',     // a batch's target rows gathered from Y [CAPACITY][TARGETS]
  'X',          // training inputs [rows][inputs]
  'Y',          // training targets [rows][TARGETS]
  'SAMPLE_WEIGHTS', // each training row's weight [rows] (Keras's sample_weight), or 0: every row weighs 1
  'WEIGHT',     // a batch's row weights gathered from SAMPLE_WEIGHTS [CAPACITY]
  'ORDER',      // the epoch's row order [rows], i32
  'THREADS',    // threads a step shares its batch among (the threads build, src/threads.ts): 1, or the caller and its workers
  'SHARED',     // rows of the step the threads are sharing (0: the workers stop)
  'POSITION',   // where that step's batch starts in ORDER: each thread gathers the rows it takes
  'ARRIVED',    // threads at the barrier so far (assembly/threads.ts)
  'SENSE',      // flips each time every thread has reached the barrier
  'SLEEPING',   // threads asleep at the barrier, so the last to arrive wakes them only when one sleeps
  'CALLER_SLEEPS', // 1 where the caller's thread may sleep at the barrier too (not a page's main thread, which may not wait)
  'NONFINITE',  // 1 once a worker's share of an update has made a parameter non-finite (the caller reads and clears it)
  'NEXT',       // the next piece of a step's work for a thread to take (assembly/threads.ts); the barrier resets it
  'FAILED',     // the number of the first worker whose loop threw, or 0: the threads at a barrier stop waiting and trap (src/threads.ts)
] as const;

/** One layer's i32 record. A, D, Z and MASK are batch-major: [CAPACITY][units]; 0 marks a region the layer has not. */
export const LAYER_FIELDS = [
  'UNITS',  // units
  'INPUTS', // inputs (the previous layer's units)
  'ACT',    // activation code
  'W',      // kernel [units][inputs] in PARAMS
  'B',      // bias [units] in PARAMS
  'A',      // activations [CAPACITY][units], after the layer's dropout when it has one: what the next layer reads
  'D',      // dL/dz [CAPACITY][units]
  'Z',      // pre-activations [CAPACITY][units], kept where an operation needs them (see src/layout.ts), else 0
  'MASK',   // dropout's multipliers [CAPACITY][units] (0 or 1 / (1 − rate)), else 0
  'OPTIONS', // f64 index of the layer's LAYER_OPTIONS
] as const;

/** A layer's f64 options: Keras's regularizer coefficients, the rate of the Dropout after it (0: none) and its activation's parameter. */
export const LAYER_OPTIONS = ['KERNEL_L1', 'KERNEL_L2', 'BIAS_L1', 'BIAS_L2', 'RATE', 'ALPHA'] as const;

/** The f64 settings: the optimizer's hyperparameters, and its state scalars (its step count and the rest), which the kernels advance. */
export const SETTING_SLOTS = [
  'LEARNING_RATE',
  'MOMENTUM',
  'NESTEROV',   // 1 or 0
  'BETA_1',
  'BETA_2',
  'EPSILON',
  'RHO',
  'AMSGRAD',    // adam and adamw: 1 or 0
  'CENTERED',   // rmsprop: 1 or 0
  'WEIGHT_DECAY', // adamw
  'CLIP',       // the bound of CLIPPING
  'LOSS_PARAMETER', // huber's delta, or the cross-entropies' labelSmoothing (0: none)
  'ITERATIONS', // updates made so far (Keras's `iterations`)
  'U_PRODUCT',  // nadam's product of its momentum schedule so far (Keras's `u_product`), which the kernels advance
  // The powers of the bias corrections, which the kernels advance by one factor per update (a pow per
  // update cost Adam a fifth of a small network's step): each a double-double, the LOW slot after it.
  'BETA_1_POWER', // adam, adamw and adamax: β₁ᵗ
  'BETA_1_POWER_LOW',
  'BETA_2_POWER', // adam, adamw and nadam: β₂ᵗ
  'BETA_2_POWER_LOW',
  'DECAY_POWER', // nadam: 0.96ᵗ⁺¹, the next update's term of its momentum schedule (Keras's `decay`)
  'DECAY_POWER_LOW',
] as const;

/** The clippings of the gradients (the CLIPPING slot), each as Keras's optimizer argument of that name; 0 is none. */
export const CLIPPINGS = ['none', 'clipnorm', 'globalClipnorm', 'clipvalue'] as const;

/** `{ NAME: index }` for a list of slot names. */
export function slots<const T extends readonly string[]>(names: T): { readonly [K in T[number]]: number } {
  return Object.fromEntries(names.map((n, i) => [n, i])) as { [K in T[number]]: number };
}

/** FNV-1a of the whole definition: the kernels carry the value their sources were generated with. */
export function contractHash(): number {
  const text = JSON.stringify([ACTIVATIONS, LOSSES, OPTIMIZERS, CLIPPINGS, NET_SLOTS, LAYER_FIELDS, LAYER_OPTIONS, SETTING_SLOTS]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The code of `name` in `list`; a name the list lacks is a bug to report, never a silent default. */
export function codeOf(list: readonly string[], name: string, what: string): number {
  const code = list.indexOf(name);
  if (code < 0) throw new Error(`No kernel code for ${what} '${name}': it is not in src/contract.ts.`);
  return code;
}
