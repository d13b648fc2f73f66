// The tests' own yardstick beside the yardsticks' (maxRelativeDiff is largestDifference, held in
// test/bench.test.ts): normwiseRelativeDiff must refuse lists of two lengths, or a check of outputs
// passes on a list cut short.
import { describe, expect, it } from 'vitest';
import { maxRelativeDiff, normwiseRelativeDiff } from './helpers.js';

describe('the tests\' yardsticks', () => {
  it('refuse lists of different lengths, both', () => {
    expect(() => maxRelativeDiff([1, 2], [1])).toThrow('expected two lists of one length, got 2 and 1 values');
    expect(() => normwiseRelativeDiff([1], [1, 2])).toThrow('lengths differ: 1 vs 2');
  });

  it('maxRelativeDiff lets no NaN through (a NaN on both sides is no agreement)', () => {
    expect(maxRelativeDiff([NaN], [NaN])).toBe(Infinity);
  });
});
