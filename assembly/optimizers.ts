import { at } from './net';

// sgd_update — params [count] −= lr · grads [count]
// Returns Σ(p − p) over the new parameters: 0 while all are finite, NaN as soon as one is not,
// so the host learns of a diverging run without scanning the parameters itself.
export function sgdUpdate(params: i32, grads: i32, count: i32, lr: f64): f64 {
  const p = at(params);
  const g = at(grads);
  let finite = 0.0;
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 3;
    const v = load<f64>(p + o) - lr * load<f64>(g + o);
    store<f64>(p + o, v);
    finite += v - v;
  }
  return finite;
}
