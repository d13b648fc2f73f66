// pow comes from the host's Math (once per optimizer step, for Adam's bias correction), so the WASM
// and JS engines round it alike and agree to the last bit; exp, log, log1p, expm1 and tanh, called
// once per unit, are ported into the kernels and the JS engine alike (assembly/math.ts).
@external("Math", "pow")
export declare function pow(x: f64, y: f64): f64;
