// tanh, pow, expm1 and log1p come from the host's Math, so the WASM and JS engines round them alike
// and agree to the last bit (exp and log, called once per unit on the tiny networks' path, are
// ported into the kernels: assembly/math.ts).
@external("Math", "tanh")
export declare function tanh(x: f64): f64;
@external("Math", "pow")
export declare function pow(x: f64, y: f64): f64;
@external("Math", "expm1")
export declare function expm1(x: f64): f64;
@external("Math", "log1p")
export declare function log1p(x: f64): f64;
