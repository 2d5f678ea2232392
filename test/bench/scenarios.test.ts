// The warm scenario bench runs the real scenarios and counts its passes (no timing is asserted).
import { describe, expect, it } from 'vitest';
import { scenarioPasses } from './scenarios';

describe('scenario bench', () => {
  it('times each pass after the untimed ones, over the scenarios the filter keeps', async () => {
    const r = await scenarioPasses(2, 1, 'contact');
    expect(r.scenarios).toBeGreaterThan(0);
    expect(r.ms).toHaveLength(2);
    for (const ms of r.ms) expect(ms).toBeGreaterThan(0);
  });

  it('stops on a filter that keeps nothing rather than timing empty passes', async () => {
    await expect(scenarioPasses(1, 0, 'no scenario is called this')).rejects.toThrow(/no scenario in test\/scenarios matches/);
  });
});
