// The bench's arithmetic (no timing is asserted anywhere).
import { describe, expect, it } from 'vitest';
import { interleaved, ratios, spread, stats } from './measure';

describe('bench statistics', () => {
  it('min / median / max of odd and even sample counts', () => {
    expect(stats([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5 });
    expect(stats([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(() => stats([])).toThrow('no samples');
  });

  it('spread is the largest distance from the median, relative to it', () => {
    expect(spread([90, 100, 105])).toBeCloseTo(0.1);
    expect(spread([100, 100, 100])).toBe(0);
  });

  it('interleaved runs the functions alternately and drops the warm-up rounds', () => {
    const calls: string[] = [];
    let n = 0;
    const samples = interleaved(2, 1, [
      () => (calls.push('a'), ++n),
      () => (calls.push('b'), ++n),
    ]);
    expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(samples).toEqual([[3, 5], [4, 6]]);
    expect(ratios([2, 9], [1, 3])).toEqual([2, 3]);
  });
});
