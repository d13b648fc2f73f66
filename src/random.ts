/**
 * A seeded generator of doubles in [0, 1) (mulberry32): integer arithmetic only, so one seed gives
 * the same sequence in every engine, browser and platform. Its whole state is one 32-bit integer,
 * `state`, which a checkpoint saves and a resumed fit sets back.
 */
export class Random {
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A Random from `seed`, as a function. */
export function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
