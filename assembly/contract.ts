// Generated from src/contract.ts by scripts/contract.mjs at every build: edit that file, not this one.

// activation codes
export const LINEAR: i32 = 0;
export const SIGMOID: i32 = 1;
export const TANH: i32 = 2;
export const RELU: i32 = 3;
export const SOFTMAX: i32 = 4;
export const ELU: i32 = 5;
export const SELU: i32 = 6;
export const SOFTPLUS: i32 = 7;
export const SOFTSIGN: i32 = 8;
export const SWISH: i32 = 9;
export const GELU: i32 = 10;
export const RELU6: i32 = 11;
export const LEAKY_RELU: i32 = 12;
export const HARD_SIGMOID: i32 = 13;
export const HARD_SWISH: i32 = 14;
export const MISH: i32 = 15;
export const EXPONENTIAL: i32 = 16;

// loss codes
export const MSE: i32 = 0;
export const BINARY_CROSSENTROPY: i32 = 1;
export const CATEGORICAL_CROSSENTROPY: i32 = 2;
export const SPARSE_CATEGORICAL_CROSSENTROPY: i32 = 3;
export const MEAN_ABSOLUTE_ERROR: i32 = 4;
export const MEAN_ABSOLUTE_PERCENTAGE_ERROR: i32 = 5;
export const MEAN_SQUARED_LOGARITHMIC_ERROR: i32 = 6;
export const HUBER: i32 = 7;
export const LOGCOSH: i32 = 8;
export const HINGE: i32 = 9;
export const SQUARED_HINGE: i32 = 10;
export const CATEGORICAL_HINGE: i32 = 11;
export const KULLBACK_LEIBLER_DIVERGENCE: i32 = 12;
export const POISSON: i32 = 13;

// optimizer codes
export const SGD: i32 = 0;
export const ADAM: i32 = 1;
export const RMSPROP: i32 = 2;
export const ADAGRAD: i32 = 3;
export const ADADELTA: i32 = 4;
export const ADAMAX: i32 = 5;
export const NADAM: i32 = 6;
export const ADAMW: i32 = 7;

// clipping codes
export const CLIP_NONE: i32 = 0;
export const CLIP_CLIPNORM: i32 = 1;
export const CLIP_GLOBAL_CLIPNORM: i32 = 2;
export const CLIP_CLIPVALUE: i32 = 3;

// the descriptor's i32 slots
export const LAYERS: i32 = 0;
export const LOSS: i32 = 1;
export const OPTIMIZER: i32 = 2;
export const COUNT: i32 = 3;
export const PARAMS: i32 = 4;
export const GRADS: i32 = 5;
export const MOMENTUMS: i32 = 6;
export const VELOCITIES: i32 = 7;
export const ACCUMULATORS: i32 = 8;
export const CLIPPING: i32 = 9;
export const SETTINGS: i32 = 10;
export const CAPACITY: i32 = 11;
export const TARGETS: i32 = 12;
export const REGULARIZED: i32 = 13;
export const RANDOM: i32 = 14;
export const IN: i32 = 15;
export const TARGET: i32 = 16;
export const X: i32 = 17;
export const Y: i32 = 18;
export const SAMPLE_WEIGHTS: i32 = 19;
export const WEIGHT: i32 = 20;
export const ORDER: i32 = 21;
export const THREADS: i32 = 22;
export const SHARED: i32 = 23;
export const POSITION: i32 = 24;
export const ARRIVED: i32 = 25;
export const SENSE: i32 = 26;
export const SLEEPING: i32 = 27;
export const CALLER_SLEEPS: i32 = 28;
export const NONFINITE: i32 = 29;
export const NEXT: i32 = 30;
export const FAILED: i32 = 31;

export const LAYER0: i32 = 32; // first layer record
export const STRIDE: i32 = 10; // slots per layer record

// a layer record's slots
export const UNITS: i32 = 0;
export const INPUTS: i32 = 1;
export const ACT: i32 = 2;
export const W: i32 = 3;
export const B: i32 = 4;
export const A: i32 = 5;
export const D: i32 = 6;
export const Z: i32 = 7;
export const MASK: i32 = 8;
export const OPTIONS: i32 = 9;

// a layer's f64 options
export const KERNEL_L1: i32 = 0;
export const KERNEL_L2: i32 = 1;
export const BIAS_L1: i32 = 2;
export const BIAS_L2: i32 = 3;
export const RATE: i32 = 4;
export const ALPHA: i32 = 5;

// f64 settings
export const LEARNING_RATE: i32 = 0;
export const MOMENTUM: i32 = 1;
export const NESTEROV: i32 = 2;
export const BETA_1: i32 = 3;
export const BETA_2: i32 = 4;
export const EPSILON: i32 = 5;
export const RHO: i32 = 6;
export const AMSGRAD: i32 = 7;
export const CENTERED: i32 = 8;
export const WEIGHT_DECAY: i32 = 9;
export const CLIP: i32 = 10;
export const LOSS_PARAMETER: i32 = 11;
export const ITERATIONS: i32 = 12;
export const U_PRODUCT: i32 = 13;
export const BETA_1_POWER: i32 = 14;
export const BETA_1_POWER_LOW: i32 = 15;
export const BETA_2_POWER: i32 = 16;
export const BETA_2_POWER_LOW: i32 = 17;
export const DECAY_POWER: i32 = 18;
export const DECAY_POWER_LOW: i32 = 19;

// the hash of the definition these constants come from; the host compares it with its own
export const CONTRACT: u32 = 0x7d7e78f6;
