import { denseForward, denseGradient, denseInputGradient, denseBackwardUpdate } from './dense';
import { activateWith, derivativeWith, activationForward, activationBackward, activationBackwardFromZ } from './activations';
import { dropoutForward, dropoutBackward, STEP } from './dropout';
import { threads, share, pieces, nextPiece, barrier, setShared, shared, sharedPosition, sharedUpdate, reportFinite, workersFinite, claimParameters } from './threads';
import { lossForwardBackward } from './losses';
import { update, advance, updateRange, finish, countUpdate, plainSgd } from './optimizers';
import { penalty } from './regularizers';
import {
  LAYERS, LOSS, X, Y, SAMPLE_WEIGHTS, WEIGHT, LOSS_PARAMETER, ORDER, THREADS, COUNT, PARAMS, GRADS, CAPACITY, IN, TARGET, TARGETS, REGULARIZED, RANDOM, LEARNING_RATE,
  UNITS, INPUTS, ACT, W, B, A, D, Z, MASK, OPTIONS, RATE, ALPHA, LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU, MSE,
} from './contract';
import { slot, record, field, at, setting } from './net';
import { exp, exp2, tanh, tanh2 } from './math';

// The host checks this against its own src/contract.ts when it loads the module.
export { CONTRACT } from './contract';
// The operations and kernels on their own, for the tests that hold them to known values, to their
// reference loops and to V8's Math.
export { denseForward, denseForwardReference, denseBackward, denseBackwardReference, denseBackwardUpdate, denseBackwardUpdateReference } from './dense';
// The optimizers' own updates, for test/optimizers.test.ts to run Keras's published examples on them
// directly; the SIMD ones with their reference loops, for test/kernels.test.ts.
export { adagradUpdate, adadeltaUpdate, adamaxUpdate, nadamUpdate, adamAmsgradUpdate, centeredRmspropUpdate, decayWeights } from './optimizers';
export { adamUpdate, adamUpdateReference, sgdUpdate, sgdUpdateReference, rmspropUpdate, rmspropUpdateReference } from './optimizers';
export { activationForward, activationForwardReference, activationBackward, activationBackwardReference } from './activations';
export { exp, log, log1p, expm1, tanh, erf, powerStep } from './math';

// e^x (`which` 0) or tanh x (1) in place over xs [n], two at a time in the SIMD build (as the
// kernels take them), for the tests that hold the two-lane exp and tanh to exp() and tanh().
export function twoLanes(xs: usize, n: i32, which: i32): void {
  if (which != 0 && which != 1) unreachable();
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const at = xs + (<usize>i << 3), v = v128.load(at);
      v128.store(at, which == 0 ? exp2(v) : tanh2(v));
    }
  }
  for (; i < n; i++) {
    const at = xs + (<usize>i << 3), v = load<f64>(at);
    store<f64>(at, which == 0 ? exp(v) : tanh(v));
  }
}

// Makes room for `bytes` of host-laid-out data after the module's own static data and returns
// its 16-byte-aligned start; 0 if memory cannot grow that far. Called again with more bytes, it
// grows memory and returns the same start, everything below kept.
export function reserve(bytes: usize): usize {
  const base = (__heap_base + 15) & ~(<usize>15);
  const need = base + bytes;
  const have = <usize>memory.size() << 16;
  if (need > have && memory.grow(<i32>((need - have + 0xffff) >>> 16)) < 0) return 0;
  return base;
}

export function activation(z: f64, act: i32, alpha: f64): f64 {
  return activateWith(z, act, alpha);
}

const SCRATCH = memory.data(8);

// act′ at z (the derivatives that need z read it from memory)
export function activationDerivative(z: f64, act: i32, alpha: f64): f64 {
  store<f64>(SCRATCH, z);
  return derivativeWith(activateWith(z, act, alpha), SCRATCH, act, alpha);
}

// the regularizers' penalty from the current parameters, for a trace to show beside the loss
export function regularizerPenalty(net: i32): f64 {
  return penalty(net, false);
}

// forward — rows first … first + rows − 1 of inp: [batch][inputs] through every layer, each writing its
// activations [batch][units] into its A; the last layer writes into `out` instead (its A, or where
// predict wants the outputs). A thread's share of a batch is some of its rows (assembly/threads.ts).
// `train`: Dropout draws its masks and drops (fit), else passes everything (predict, evaluate). Each
// layer draws its masks for the whole batch in row order from the generator's state. The builds
// without threads read and store that state around each Dropout layer's draws, so that a step without
// one never touches it (the read and the store cost a per-row step on 2-2-1 3%); in the threads build
// every piece draws from the batch's start, and the caller stores the state after the batch once
// every thread has read it (step, randomAfter).
// `keepZ`: the layers that keep Z write it (for backward and the loss); without it (predict) a layer
// of the four activations dense_forward applies inline (linear, sigmoid, tanh, relu) goes straight
// through it — the same bits without Z's stores and the out-of-line pass: a classifier's sigmoid
// output layer keeps Z only for its loss. (The others keep their pass, two lanes at a time where
// it has them.)
@inline
function forward(net: i32, inp: usize, first: i32, rows: i32, batch: i32, out: usize, train: bool, keepZ: bool): void {
  const last = slot(net, LAYERS) - 1;
  const generator = <usize>(net + RANDOM) << 2;
  let random: u32 = ASC_FEATURE_THREADS ? load<u32>(generator) : 0;
  for (let l = 0; l <= last; l++) {
    const layer = record(net, l);
    const dst = l == last ? out : at(field(layer, A));
    const inputs = field(layer, INPUTS), units = field(layer, UNITS);
    const x = inp + <usize>first * (<usize>inputs << 3), o = dst + <usize>first * (<usize>units << 3);
    if (field(layer, Z) == 0 || (!keepZ && appliedInline(field(layer, ACT)))) {
      denseForward(o, x, at(field(layer, W)), at(field(layer, B)), rows, inputs, units, field(layer, ACT));
    } else {
      // the row offsets here, where a step's one piece makes them 0 at compile time, not in the call
      const drops = train && field(layer, MASK) != 0;
      if (!ASC_FEATURE_THREADS && drops) random = load<u32>(generator);
      forwardKeepingZ(layer, o, x, at(field(layer, Z)) + <usize>first * (<usize>units << 3), rows, train, random + <u32>(first * units) * STEP);
      if (drops) {
        random += <u32>(batch * units) * STEP;
        if (!ASC_FEATURE_THREADS) store<u32>(generator, random);
      }
    }
    inp = dst;
  }
}

// The activations dense_forward applies in its loops (the rest go through activate's out-of-line part).
@inline
function appliedInline(act: i32): bool {
  return act == LINEAR || act == SIGMOID || act == TANH || act == RELU;
}

// forward of one layer that keeps Z, for some rows (dst, inp and z: at the first of them): z, then the
// activation over those rows (softmax takes whole rows), then in training its Dropout, whose draws
// for these rows start from state `draws`. Out of line, so the step function holds one copy of the
// dense kernels, not two.
function forwardKeepingZ(layer: usize, dst: usize, inp: usize, z: usize, rows: i32, train: bool, draws: u32): void {
  const units = field(layer, UNITS);
  denseForward(z, inp, at(field(layer, W)), at(field(layer, B)), rows, field(layer, INPUTS), units, LINEAR);
  activationForward(dst, z, rows, units, field(layer, ACT), load<f64>(at(field(layer, OPTIONS) + ALPHA)));
  const mask = field(layer, MASK);
  // the mask's rows sit where z's do in Z
  if (train && mask != 0) dropoutForward(dst, at(mask) + (z - at(field(layer, Z))), rows * units, load<f64>(at(field(layer, OPTIONS) + RATE)), draws);
}

// layer_backward — rows first … first + rows − 1 of d: [batch][units] = dL/d(what the layer passed on)
// become the layer's dL/dz: through its Dropout's mask, if any (its A then holds a ⊙ mask, so a is
// recomputed from Z), then its activation.
@inline
function layerBackward(d: usize, layer: usize, first: i32, rows: i32): void {
  const act = field(layer, ACT), mask = field(layer, MASK), units = field(layer, UNITS);
  const skip = <usize>first * (<usize>units << 3);
  if (mask == 0) {
    // a linear layer reads nothing more: its derivative is 1
    if (act != LINEAR) activationBackward(d + skip, at(field(layer, A)) + skip, at(field(layer, Z)) + skip, rows, units, act, load<f64>(at(field(layer, OPTIONS) + ALPHA)));
  } else {
    const n = rows * units;
    dropoutBackward(d + skip, at(mask) + skip, n);
    activationBackwardFromZ(d + skip, at(field(layer, Z)) + skip, n, act, load<f64>(at(field(layer, OPTIONS) + ALPHA)));
  }
}

// backward — from the last layer's D (dL/dz, [rows][units]) down to the first layer: each layer's
// gradients into GRADS and dL/dz of the layer below into its D. inp: the rows forward took.
// With n threads each layer is cut into pieces — of its units' gradients (each over every row), then
// of the rows of dL/dz below — that the threads take as they come free; then every thread waits for
// the others before the next layer down. `thread`: this one's number (0: the caller's).
@inline
function backward(net: i32, inp: usize, rows: i32, thread: i32, n: i32): void {
  const shift = slot(net, GRADS) - slot(net, PARAMS); // a parameter's gradient sits `shift` slots after it
  const p = pieces(n);
  // the threads share the update next: the first layer's phase claims its pieces' parameters (claim_parameters)
  const claims = ASC_FEATURE_THREADS && n > 1 && sharedUpdate(net);
  for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
    const layer = record(net, l);
    const w = field(layer, W), b = field(layer, B), inputs = field(layer, INPUTS), units = field(layer, UNITS);
    const d = at(field(layer, D));
    const count = l > 0 ? 2 * p : p;
    for (let k = 0, c = nextPiece(net, n, 0, thread, count); c < count; c = nextPiece(net, n, ++k, thread, count)) {
      if (c < p) {
        const u = share(units, c, p), x = l == 0 ? inp : at(field(record(net, l - 1), A));
        denseGradient(at(w + shift) + <usize>u * (<usize>inputs << 3), at(b + shift) + (<usize>u << 3), d + (<usize>u << 3), units, x, rows, inputs, share(units, c + 1, p) - u);
        if (claims && l == 0) claimParameters(net, c, p);
      } else {
        const below = record(net, l - 1), din = at(field(below, D));
        const first = share(rows, c - p, p), mine = share(rows, c - p + 1, p) - first;
        denseInputGradient(din + <usize>first * (<usize>inputs << 3), d + <usize>first * (<usize>units << 3), at(w), mine, inputs, units);
        layerBackward(din, below, first, mine);
      }
    }
    if (n > 1) barrier(net, thread);
  }
}

// forward_pieces — a step's forward pass of the batch at inp ([rows][inputs]) into out in training, piece by
// piece (rows) on whichever threads take them.
// In the threads build each piece first gathers its rows into inp from X, in ORDER from `order` (0:
// the step's one row, read where it is), so that gathering the batch is no thread's part alone.
@inline
function forwardPieces(net: i32, inp: usize, order: usize, rows: i32, n: i32, thread: i32, out: usize): void {
  // the builds without threads: the batch (gathered by step) in one pass, as before threads (a loop
  // of one piece cost a per-row step on 2-2-1 about 5%)
  if (!ASC_FEATURE_THREADS) {
    forward(net, inp, 0, rows, rows, out, true, true);
    return;
  }
  const p = pieces(n), inputs = field(record(net, 0), INPUTS);
  for (let k = 0, c = nextPiece(net, n, 0, thread, p); c < p; c = nextPiece(net, n, ++k, thread, p)) {
    const first = share(rows, c, p), mine = share(rows, c + 1, p) - first;
    if (order) gather(inp + <usize>first * (<usize>inputs << 3), at(slot(net, X)), inputs, order + (<usize>first << 2), mine);
    forward(net, inp, first, mine, rows, out, true, true);
  }
}

// The dropout generator's state after a batch of `rows` rows has drawn every Dropout layer's masks,
// counted from the state before it (the threads build's step stores it once the batch's forward is done).
function randomAfter(net: i32, rows: i32): u32 {
  let random = load<u32>(<usize>(net + RANDOM) << 2);
  for (let l = 0; l < slot(net, LAYERS); l++) {
    const layer = record(net, l);
    if (field(layer, MASK) != 0) random += <u32>(rows * field(layer, UNITS)) * STEP;
  }
  return random;
}

// update_pieces — the update's parameters piece by piece on whichever threads take them (advance
// has run); Σ(p − p) over the pieces this thread took
@inline
function updatePieces(net: i32, n: i32, thread: i32): f64 {
  const count = slot(net, COUNT), p = pieces(n);
  let finite = 0.0;
  for (let k = 0, c = nextPiece(net, n, 0, thread, p); c < p; c = nextPiece(net, n, ++k, thread, p)) {
    const first = share(count, c, p);
    finite += updateRange(net, first, share(count, c + 1, p) - first);
  }
  return finite;
}

// backward_update — backward and plain SGD's update fused, for one row (see dense_backward_update).
// Returns Σ(p − p) over the new parameters: 0, or NaN once one is not finite.
@inline
function backwardUpdate(net: i32, inp: usize): f64 {
  countUpdate(net);
  const lr = load<f64>(setting(net, LEARNING_RATE));
  let finite = 0.0;
  for (let l = slot(net, LAYERS) - 1; l >= 0; l--) {
    const layer = record(net, l);
    const w = at(field(layer, W)), b = at(field(layer, B)), inputs = field(layer, INPUTS), units = field(layer, UNITS);
    if (l == 0) {
      finite += denseBackwardUpdate(0, at(field(layer, D)), inp, w, b, inputs, units, lr);
    } else {
      const below = record(net, l - 1);
      const din = at(field(below, D)), a = at(field(below, A));
      finite += denseBackwardUpdate(din, at(field(layer, D)), a, w, b, inputs, units, lr);
      layerBackward(din, below, 0, 1);
    }
  }
  return finite;
}

// Copies rows ORDER[pos .. pos + count) of src [rows][n] into dst [count][n].
@inline
function gather(dst: usize, src: usize, n: i32, order: usize, count: i32): void {
  const bytes = <usize>n << 3;
  for (let r = 0; r < count; r++) {
    memory.copy(dst + <usize>r * bytes, src + <usize>load<i32>(order + (<usize>r << 2)) * bytes, bytes);
  }
}

// Whether a one-row plain-SGD step fuses backward and update; traceStep turns it off for one call.
// A flag rather than a parameter keeps step the only caller of the optimizers, which stay inlined.
let fuse = true;

// trace_step — step with backward and update kept apart even for one row under plain SGD, so GRADS
// holds the step's gradients for a trace to read (src/trace.ts); the fused path makes the same bits.
export function traceStep(net: i32, pos: i32, count: i32): f64 {
  fuse = false;
  const loss = step(net, pos, count);
  fuse = true;
  return loss;
}

// step — one optimizer step on the batch ORDER[pos .. pos + count): forward, loss and backward over
// the whole batch with the same parameters, then one update with the batch-mean gradient.
// Returns the batch's mean loss plus the regularizers' penalty, measured before the update; NaN if a
// parameter became non-finite. In the threads build with THREADS > 1 the workers (`work`) take their
// shares of forward and backward; this thread computes the loss and updates.
export function step(net: i32, pos: i32, count: i32): f64 {
  const layers = slot(net, LAYERS);
  const last = record(net, layers - 1);
  const inputs = field(record(net, 0), INPUTS), outputs = field(last, UNITS), targets = slot(net, TARGETS);
  const order = (<usize>(slot(net, ORDER) + pos)) << 2;
  const weights = slot(net, SAMPLE_WEIGHTS);
  let inp: usize, target: usize, weight: usize = 0;
  if (count == 1) { // one row: read it where it is
    const row = load<i32>(order);
    inp = at(slot(net, X) + row * inputs);
    target = at(slot(net, Y) + row * targets);
    if (weights != 0) weight = at(weights + row);
  } else {
    inp = at(slot(net, IN));
    target = at(slot(net, TARGET));
    // the threads build gathers the inputs piece by piece (forward_pieces)
    if (!ASC_FEATURE_THREADS) gather(inp, at(slot(net, X)), inputs, order, count);
    gather(target, at(slot(net, Y)), targets, order, count);
    if (weights != 0) {
      weight = at(slot(net, WEIGHT));
      gather(weight, at(weights), 1, order, count);
    }
  }
  const n = threads(net, count);
  if (n > 1) {
    setShared(net, count, pos);
    barrier(net, 0); // the workers start
  }
  const yhat = at(field(last, A));
  forwardPieces(net, inp, count == 1 ? 0 : order, count, n, 0, yhat);
  if (n > 1) barrier(net, 0); // every row's forward pass done
  if (ASC_FEATURE_THREADS) store<u32>(<usize>(net + RANDOM) << 2, randomAfter(net, count));
  // 1 / 1 and x / 1 are exact: one row skips the divisions, the slowest links in a tiny network's chain
  const one = count == 1;
  // mse has no parameter and most outputs no slope: the tutorial's step reads neither (a per-row step on 2-2-1 is ~70 ns)
  const loss = slot(net, LOSS), act = field(last, ACT);
  const param = loss == MSE ? 0.0 : load<f64>(setting(net, LOSS_PARAMETER));
  const alpha = act == LEAKY_RELU ? load<f64>(at(field(last, OPTIONS) + ALPHA)) : 0.0;
  const value = lossForwardBackward(at(field(last, D)), yhat, at(field(last, Z)), target, weight, count, outputs, targets, act, alpha, loss, param, one ? 1.0 : 1.0 / <f64>count, 0.0);
  if (fuse && one && plainSgd(net) && slot(net, REGULARIZED) == 0) return value + backwardUpdate(net, inp);
  if (n > 1) barrier(net, 0); // the last layer's dL/dz done
  const shares = n > 1 && sharedUpdate(net);
  // the update's scalars, before backward's last barrier: the workers read them after it
  if (shares) advance(net);
  backward(net, inp, count, 0, n);
  let mean = one ? value : value / <f64>count;
  if (slot(net, REGULARIZED) != 0) mean += penalty(net, true);
  if (!shares) return mean + update(net);
  const finite = updatePieces(net, n, 0);
  barrier(net, 0); // every parameter updated
  finish(net);
  return mean + finite + workersFinite(net);
}

// epoch — every batch of an epoch in one call: step over ORDER[0 .. rows) in batches of batchSize.
// Returns Σ batch mean loss × batch rows (the host divides by rows), or, when a step goes non-finite,
// −(1 + pos) for the batch at ORDER[pos] and stops there: losses are ≥ 0, so the sign tells them apart.
export function epoch(net: i32, rows: i32, batchSize: i32): f64 {
  let total = 0.0;
  for (let pos = 0; pos < rows; pos += batchSize) {
    const count = min(batchSize, rows - pos);
    const loss = step(net, pos, count);
    if (!isFinite(loss)) return -1.0 - <f64>pos;
    total += loss * <f64>count;
  }
  return total;
}

// predict — x: [rows][inputs] through the network, CAPACITY rows at a time; out: [rows][outputs]
export function predict(net: i32, x: i32, rows: i32, out: i32): void {
  evaluate(net, x, -1, -1, rows, out);
}

// evaluate — predict (no dropout), and with targets y: [rows][TARGETS] (y ≥ 0) the mean of the rows'
// losses, added in row order, each weighted by w: [rows] when w ≥ 0, plus the regularizers' penalty
// (as Keras's evaluate); the output layer's D is left holding scratch.
export function evaluate(net: i32, x: i32, y: i32, w: i32, rows: i32, out: i32): f64 {
  const capacity = slot(net, CAPACITY);
  const last = record(net, slot(net, LAYERS) - 1);
  const inputs = field(record(net, 0), INPUTS), outputs = field(last, UNITS), targets = slot(net, TARGETS);
  const param = load<f64>(setting(net, LOSS_PARAMETER));
  let total = 0.0;
  for (let start = 0; start < rows; start += capacity) {
    const count = min(capacity, rows - start);
    const yhat = at(out + start * outputs);
    forward(net, at(x + start * inputs), 0, count, count, yhat, false, y >= 0);
    if (y >= 0) {
      const weight: usize = w >= 0 ? at(w + start) : 0;
      total = lossForwardBackward(at(field(last, D)), yhat, at(field(last, Z)), at(y + start * targets), weight, count, outputs, targets, field(last, ACT), load<f64>(at(field(last, OPTIONS) + ALPHA)), slot(net, LOSS), param, 1.0, total);
    }
  }
  let mean = total / <f64>rows;
  if (y >= 0 && slot(net, REGULARIZED) != 0) mean += penalty(net, false);
  return mean;
}

// work — a worker's share of one step in the threads build (src/threads.ts starts one worker per extra
// thread, which calls it again and again): waits for a step, takes pieces of its forward and backward
// passes (step computes the loss between them) and of its update; returns 0 at a step of 0 rows (the
// worker ends), else 1. One step a call, not a loop inside: the engine replaces a hot function's
// baseline code with optimized code for its next call, and a call that never returned would run the
// baseline code for good (2 threads ran 1.1× one that way where no earlier fit had warmed `work` up).
// `thread`: its number, 1 on. The other builds have no threads: it traps there.
export function work(net: i32, thread: i32): i32 {
  if (!ASC_FEATURE_THREADS) unreachable();
  barrier(net, thread);
  const rows = shared(net), n = slot(net, THREADS), inp = at(slot(net, IN));
  if (rows == 0) return 0;
  const order = (<usize>(slot(net, ORDER) + sharedPosition(net))) << 2;
  forwardPieces(net, inp, order, rows, n, thread, at(field(record(net, slot(net, LAYERS) - 1), A)));
  barrier(net, thread); // every row's forward pass done
  barrier(net, thread); // the loss and the last layer's dL/dz done
  backward(net, inp, rows, thread, n);
  if (sharedUpdate(net)) {
    reportFinite(net, updatePieces(net, n, thread));
    barrier(net, thread); // every parameter updated
  }
  return 1;
}

// release — ends every worker's `work`: a step of 0 rows (the threads build; the others trap).
export function release(net: i32): void {
  if (!ASC_FEATURE_THREADS) unreachable();
  setShared(net, 0, 0);
  barrier(net, 0);
}
