// pow and log1p come from the host's Math, so the WASM and JS engines round them alike and agree to
// the last bit (exp, log, expm1 and tanh, called once per unit, are ported into the kernels and the
// JS engine alike: assembly/math.ts).
@external("Math", "pow")
export declare function pow(x: f64, y: f64): f64;
@external("Math", "log1p")
export declare function log1p(x: f64): f64;
