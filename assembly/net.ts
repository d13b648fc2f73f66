import { LAYER0, STRIDE, SETTINGS } from './contract';

// Reading the descriptor the host writes (slots: src/contract.ts, generated into ./contract).

// i32 slot s of the descriptor at i32 index `net`
@inline
export function slot(net: i32, s: i32): i32 {
  return load<i32>(<usize>(net + s) << 2);
}

// byte address of layer l's record; field() reads its slots at fixed offsets from it, so a pass
// finds each layer's record once rather than once per slot
@inline
export function record(net: i32, l: i32): usize {
  return <usize>(net + LAYER0 + l * STRIDE) << 2;
}

// i32 slot s of a layer record
@inline
export function field(layer: usize, s: i32): i32 {
  return load<i32>(layer + (<usize>s << 2));
}

// byte address of f64 index i
@inline
export function at(i: i32): usize {
  return <usize>i << 3;
}

// byte address of the f64 setting s
@inline
export function setting(net: i32, s: i32): usize {
  return at(slot(net, SETTINGS) + s);
}
