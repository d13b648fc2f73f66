// exp, log, tanh and pow come from the host's Math: the WASM and JS engines then round every
// transcendental alike and agree to the last bit, not merely to an ulp.
@external("Math", "exp")
export declare function exp(x: f64): f64;
@external("Math", "log")
export declare function log(x: f64): f64;
@external("Math", "tanh")
export declare function tanh(x: f64): f64;
@external("Math", "pow")
export declare function pow(x: f64, y: f64): f64;
