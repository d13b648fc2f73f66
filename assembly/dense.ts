import { activate, derivative } from './activations';

// dense_forward — one row
//   inp: [inputs]; w: [units][inputs], each unit's weights contiguous; b: [units]
//   out: [units] = act(w · inp + b)
export function denseForward(out: usize, inp: usize, w: usize, b: usize, inputs: i32, units: i32, act: i32): void {
  for (let u = 0; u < units; u++) {
    const wu = w + (<usize>(u * inputs) << 3);
    let z = load<f64>(b + (<usize>u << 3));
    for (let i = 0; i < inputs; i++) {
      z += load<f64>(wu + (<usize>i << 3)) * load<f64>(inp + (<usize>i << 3));
    }
    store<f64>(out + (<usize>u << 3), activate(z, act));
  }
}

// dense_backward — one row, accumulating into the gradients
//   dz: [units] = dL/dz of this layer; inp: [inputs] as the forward pass saw it
//   gw: [units][inputs] += dz ⊗ inp;  gb: [units] += dz
//   din: [inputs] = (wᵀ · dz) ⊙ act'(inp), the previous layer's dL/dz — w is still the forward
//   pass's w because updates run only after the whole batch is through. din = 0 for the first layer.
export function denseBackward(din: usize, inp: usize, dz: usize, w: usize, gw: usize, gb: usize, inputs: i32, units: i32, inAct: i32): void {
  if (din) memory.fill(din, 0, <usize>inputs << 3);
  for (let u = 0; u < units; u++) {
    const d = load<f64>(dz + (<usize>u << 3));
    const row = <usize>(u * inputs) << 3;
    store<f64>(gb + (<usize>u << 3), load<f64>(gb + (<usize>u << 3)) + d);
    for (let i = 0; i < inputs; i++) {
      const at = <usize>i << 3;
      store<f64>(gw + row + at, load<f64>(gw + row + at) + d * load<f64>(inp + at));
      if (din) store<f64>(din + at, load<f64>(din + at) + load<f64>(w + row + at) * d);
    }
  }
  if (din) {
    for (let i = 0; i < inputs; i++) {
      const at = <usize>i << 3;
      store<f64>(din + at, load<f64>(din + at) * derivative(load<f64>(inp + at), inAct));
    }
  }
}
