// The tests' own yardstick: maxRelativeDiff must not let a NaN or a lone infinity through, or an
// engine-agreement or hand-derivation check passes on results that are no numbers at all.
import { describe, expect, it } from 'vitest';
import { maxRelativeDiff, normwiseRelativeDiff } from './helpers.js';

describe('maxRelativeDiff', () => {
  it('is the largest |a − b| / max(|a|, |b|), 0 where both are 0 or the same infinity', () => {
    expect(maxRelativeDiff([1, 0, -4, Infinity], [1.5, 0, -2, Infinity])).toBe(0.5);
  });

  it('a NaN on either side, or on both, or an infinity on one side only, is an infinite difference', () => {
    expect(maxRelativeDiff([1, NaN], [1, 2])).toBe(Infinity);
    expect(maxRelativeDiff([1, 2], [1, NaN])).toBe(Infinity);
    expect(maxRelativeDiff([NaN], [NaN])).toBe(Infinity);
    expect(maxRelativeDiff([Infinity], [1e308])).toBe(Infinity);
    expect(maxRelativeDiff([-Infinity], [Infinity])).toBe(Infinity);
  });

  it('lists of different lengths are refused, by both helpers', () => {
    expect(() => maxRelativeDiff([1, 2], [1])).toThrow('lengths differ: 2 vs 1');
    expect(() => normwiseRelativeDiff([1], [1, 2])).toThrow('lengths differ: 1 vs 2');
  });
});
