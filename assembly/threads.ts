import { THREADS, SHARED, POSITION, ARRIVED, SENSE, SLEEPING, CALLER_SLEEPS, NONFINITE, NEXT, FAILED, REGULARIZED, CLIPPING, CLIP_NONE, COUNT, PARAMS } from './contract';
import { slot, at } from './net';

// Threads sharing one step's batch: the threads build (`--enable threads`, its memory shared with
// workers that each run `work`, src/threads.ts). A step's sums keep the one order of a single thread
// whoever computes them: the forward pass and each row of dL/d inputs are per row, so the threads
// split the rows; each gradient is one sum over every row of the batch, so they split the units
// (assembly/dense.ts); each parameter's update is its own, so they split the parameters. Each of
// these is cut into pieces that the threads take as they come free (a thread on a slower or busier
// core takes fewer); which thread computes a piece changes none of its sums. Between the layers,
// every thread waits for the others at a barrier.

// How often a worker looks for the barrier's end before it sleeps: about as long as the caller's
// part between barriers (the loss, the update), so that a step's barriers rarely wake a sleeper.
const SPINS = 1 << 18;

// the threads a step of `rows` rows runs on: the descriptor's THREADS (0 in a fresh block: 1) in the
// threads build, else 1; a single row is one thread's
@inline
export function threads(net: i32, rows: i32): i32 {
  if (!ASC_FEATURE_THREADS || rows < 2) return 1;
  return max(1, slot(net, THREADS));
}

// Pieces of a step's work per thread: enough that a thread on a slower core leaves the rest to the
// others, few enough that taking one (an atomic add) stays small beside it.
const PIECES = 4;

// the pieces a step's forward pass, each layer's backward half and the update are cut into: one for one thread
@inline
export function pieces(n: i32): i32 {
  return n > 1 ? PIECES * n : 1;
}

// The next of a phase's `count` pieces this thread takes (count when none is left), or with one thread
// its own k-th (0, 1, …). The last thread takes them from the end down, the others from the start up,
// until they meet: each thread then takes much the same pieces — the same parameters, the same units —
// step after step, which its core's cache still holds, rather than ones another core last wrote
// (docs/speed.md has the figures). NEXT counts both kinds of taking
// at once (from the start in its low 16 bits, from the end above them); each barrier resets it to 0.
@inline
export function nextPiece(net: i32, n: i32, k: i32, thread: i32, count: i32): i32 {
  if (!ASC_FEATURE_THREADS || n == 1) return k;
  const down = thread == n - 1;
  const taken = atomic.add<i32>(address(net, NEXT), down ? 1 << 16 : 1);
  const up = taken & 0xffff, fromEnd = taken >>> 16;
  if (up + fromEnd >= count) return count;
  return down ? count - 1 - fromEnd : up;
}

// where piece c of `count` items cut into p pieces starts (c = p: count): an even item, so each piece
// keeps the kernels' pairs of rows or units
@inline
export function share(count: i32, c: i32, p: i32): i32 {
  // one piece (one thread): no division, which is a per-row step's worth of time
  return c >= p ? count : c == 0 ? 0 : <i32>(<i64>count * <i64>c / <i64>p) & ~1;
}

@inline
function address(net: i32, s: i32): usize {
  return <usize>(net + s) << 2;
}

// The rows a step shares from here on (0: the workers return from `work`), and where its batch starts in ORDER.
@inline
export function setShared(net: i32, rows: i32, position: i32): void {
  if (!ASC_FEATURE_THREADS) return;
  atomic.store<i32>(address(net, POSITION), position);
  atomic.store<i32>(address(net, SHARED), rows);
}

@inline
export function shared(net: i32): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  return atomic.load<i32>(address(net, SHARED));
}

@inline
export function sharedPosition(net: i32): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  return atomic.load<i32>(address(net, POSITION));
}

// barrier — returns once every one of THREADS threads has called it (sense-reversing: the last to
// arrive flips SENSE, the others wait for the flip); traps once a worker has FAILED. A thread that has
// waited long sleeps until woken: a worker (`thread` > 0), and the caller's (thread 0) where it may
// (CALLER_SLEEPS: not a page's main thread, which may not wait; it spins).
@inline
export function barrier(net: i32, thread: i32): void {
  if (!ASC_FEATURE_THREADS) return;
  const sense = address(net, SENSE), arrived = address(net, ARRIVED), sleeping = address(net, SLEEPING);
  const s = atomic.load<i32>(sense);
  if (atomic.add<i32>(arrived, 1) == slot(net, THREADS) - 1) {
    atomic.store<i32>(arrived, 0);
    atomic.store<i32>(address(net, NEXT), 0);
    atomic.store<i32>(sense, s ^ 1);
    if (atomic.load<i32>(sleeping) > 0) atomic.notify(sense, -1);
    return;
  }
  const sleep = thread > 0 || slot(net, CALLER_SLEEPS) != 0;
  let spins = 0;
  while (atomic.load<i32>(sense) == s) {
    // a thread that failed never arrives: trap rather than wait for it (src/threads.ts raises its error)
    if (atomic.load<i32>(address(net, FAILED)) != 0) unreachable();
    if (sleep && ++spins > SPINS) {
      atomic.add<i32>(sleeping, 1);
      atomic.wait<i32>(sense, s, -1);
      atomic.sub<i32>(sleeping, 1);
    }
  }
}

// Whether the threads share the update: each parameter's update is its own, unless a regularizer's
// gradient or a clipping of the gradients (sums over all of them) comes first; the caller then updates alone.
@inline
export function sharedUpdate(net: i32): bool {
  return slot(net, REGULARIZED) == 0 && slot(net, CLIPPING) == CLIP_NONE;
}

// claim_parameters — writes one value of each cache line of update piece c's parameters back as it
// is (the threads build, in the first layer's backward phase, the step's last before the update). Every
// thread's forward pass reads all of the weights, so each core holds them all; a thread that then
// updates its piece must first take each line from the other cores' caches, and each store waited for
// that: the update of 128-128-1 (Adam) ran no faster on 2 threads than on 1. Claimed here, beside the
// gradients' sums, the lines are taken while the sums go on, and the update on 2 threads runs in half
// the time (docs/speed.md). No thread reads or writes the parameters in this phase; piece c of the
// update is most often taken by the thread that took piece c here (both take from the same end).
@inline
export function claimParameters(net: i32, c: i32, p: i32): void {
  const count = slot(net, COUNT), params = at(slot(net, PARAMS));
  const to = params + (<usize>share(count, c + 1, p) << 3);
  for (let q = params + (<usize>share(count, c, p) << 3); q < to; q += 64) store<f64>(q, load<f64>(q));
}

// A worker's share of the update made a parameter non-finite (`finite`: its Σ(p − p), 0 or NaN).
@inline
export function reportFinite(net: i32, finite: f64): void {
  if (ASC_FEATURE_THREADS && finite != 0.0) atomic.store<i32>(address(net, NONFINITE), 1);
}

// 0, or NaN once a worker has reported a non-finite parameter since the last call.
@inline
export function workersFinite(net: i32): f64 {
  if (!ASC_FEATURE_THREADS || atomic.load<i32>(address(net, NONFINITE)) == 0) return 0.0;
  atomic.store<i32>(address(net, NONFINITE), 0);
  return NaN;
}
