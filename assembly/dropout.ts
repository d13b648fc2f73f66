// Dropout after a Dense layer, inverted as Keras's: while training each activation is kept with
// probability 1 − rate and scaled by 1 / (1 − rate), else zeroed; predict and evaluate pass all.

// dropout_forward — a: [n] activations, in place a ⊙= mask; mask: [n] ← 1 / (1 − rate) where a draw u
// from [0, 1) is ≥ rate (Keras's test), else 0. The draws come from the generator (mulberry32, as
// src/random.ts) in state `s`; returns the state after them. A seeded fit draws the same masks on every
// engine. Its state is a counter (each draw adds STEP), so the draws of elements k… start from
// s + k·STEP: a thread takes its rows' masks without the draws before them (assembly/threads.ts).
export function dropoutForward(a: usize, mask: usize, n: i32, rate: f64, s: u32): u32 {
  const scale = 1.0 / (1.0 - rate);
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) {
    s += STEP;
    let t = s;
    t = (t ^ (t >>> 15)) * (t | 1);
    t ^= t + (t ^ (t >>> 7)) * (t | 61);
    const u = <f64>(t ^ (t >>> 14)) / 4294967296.0;
    const m = u >= rate ? scale : 0.0;
    store<f64>(mask + i, m);
    store<f64>(a + i, load<f64>(a + i) * m);
  }
  return s;
}

// what each draw adds to the generator's state
export const STEP: u32 = 0x6d2b79f5;

// dropout_backward — d: [n] = dL/d(a ⊙ mask) becomes dL/da = d ⊙ mask, in place
export function dropoutBackward(d: usize, mask: usize, n: i32): void {
  const bytes = <usize>n << 3;
  for (let i: usize = 0; i < bytes; i += 8) store<f64>(d + i, load<f64>(d + i) * load<f64>(mask + i));
}
