// Dropout after a Dense layer, inverted as Keras's: while training each activation is kept with
// probability 1 − rate and scaled by 1 / (1 − rate), else zeroed; predict and evaluate pass all.

// dropout_forward — a: [n] activations, in place a ⊙= mask; mask: [n] ← 1 / (1 − rate) where a draw u
// from [0, 1) is ≥ rate (Keras's test), else 0. The draws come from the generator whose state sits at
// address `state` (mulberry32, as src/random.ts), advanced in place: a seeded fit draws the same masks
// on every engine.
export function dropoutForward(a: usize, mask: usize, n: i32, rate: f64, state: usize): void {
  const scale = 1.0 / (1.0 - rate);
  let s = load<u32>(state);
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) {
    s += 0x6d2b79f5;
    let t = s;
    t = (t ^ (t >>> 15)) * (t | 1);
    t ^= t + (t ^ (t >>> 7)) * (t | 61);
    const u = <f64>(t ^ (t >>> 14)) / 4294967296.0;
    const m = u >= rate ? scale : 0.0;
    store<f64>(mask + i, m);
    store<f64>(a + i, load<f64>(a + i) * m);
  }
  store<u32>(state, s);
}

// dropout_backward — d: [n] = dL/d(a ⊙ mask) becomes dL/da = d ⊙ mask, in place
export function dropoutBackward(d: usize, mask: usize, n: i32): void {
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * load<f64>(mask + i));
}
