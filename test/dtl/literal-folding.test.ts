// Functions fold literal arguments in when they compile (eq/neq against a literal boolean or
// string, concat of literal strings, if with literal branches). Folded or not, the result is the
// same: each case is also run with the literal hidden behind ["coalesce-args", literal], which
// the compiler cannot see through.
import { describe, expect, it } from 'vitest';
import { Float } from '../../src/dtl/values';
import { evalExpr } from './helpers';

const hidden = (literal: unknown) => ['coalesce-args', literal];

const values: unknown[] = [true, false, null, 'a', '', 'A', '~t2030-01-01T00:00:00Z', '~f1.0', 1, new Float(1), 0, [true], [true, false], [], ['a'], [null], { a: 1 }, '~rhttp://x/'];
const literals: unknown[] = [true, false, 'a', '', '~t2030-01-01T00:00:00Z', '~f1.0', '~rhttp://x/', 1, 0, null, { a: 1 }];

describe('literal arguments folded at compile time', () => {
  it('eq and neq against a literal', () => {
    for (const v of values)
      for (const k of literals)
        for (const fn of ['eq', 'neq']) {
          const folded = evalExpr([fn, '_S.v', k], { v });
          expect(folded, `${fn} ${JSON.stringify(v)} ${JSON.stringify(k)}`).toEqual(evalExpr([fn, '_S.v', hidden(k)], { v }));
        }
  });

  it('concat with literal arguments', () => {
    for (const v of values)
      for (const k of literals) {
        const expr = ['concat', k, '_S.v', k];
        expect(evalExpr(expr, { v }), `concat ${JSON.stringify(k)} ${JSON.stringify(v)}`).toEqual(evalExpr(['concat', hidden(k), '_S.v', hidden(k)], { v }));
      }
    expect(evalExpr(['concat', 'a', ' ', '_S.v', 1, '~t2030-01-01T00:00:00Z'], { v: ['b', 'c'] })).toBe('a bc');
  });

  it('if with literal branches', () => {
    for (const v of values)
      for (const k of literals) {
        expect(evalExpr(['if', '_S.v', k, 'no'], { v })).toEqual(evalExpr(['if', '_S.v', hidden(k), hidden('no')], { v }));
        expect(evalExpr(['if', '_S.v', k], { v })).toEqual(evalExpr(['if', '_S.v', hidden(k)], { v }));
      }
  });
});
