// The bench mapping must be the same mapping in DTL and by hand (no timing assertions here).
import { describe, expect, it } from 'vitest';
import { BENCH_RULES, benchEntities, mapByHand } from '../bench/dtl';
import { compileDtl } from '../../src/dtl/index';
import { testContext } from './helpers';

describe('DTL bench mapping', () => {
  it('DTL and the hand-written function produce the same entities', () => {
    const dtl = compileDtl({ rules: BENCH_RULES });
    for (const e of benchEntities(50)) expect(dtl.run(e, testContext())).toEqual([mapByHand(e)]);
  });
});
