import { describe, expect, it } from 'vitest';
import { checkDtlRules } from '../../src/dtl/check';
import { DTL_FUNCTIONS, closestDtlFunction } from '../../src/dtl/registry';

const rulesOf = (findings: ReturnType<typeof checkDtlRules>) => findings.map((f) => f.rule);

describe('DTL registry', () => {
  it('knows the documented function set with kinds and bounds', () => {
    expect(DTL_FUNCTIONS.size).toBeGreaterThanOrEqual(155);
    expect(DTL_FUNCTIONS.get('add')).toMatchObject({ kind: 'transform', min: 2, max: 2 });
    expect(DTL_FUNCTIONS.get('filter')).toMatchObject({ kind: 'both', transform: { min: 0, max: 1 }, expression: { min: 2, max: 2 } });
    expect(DTL_FUNCTIONS.get('concat')).toMatchObject({ kind: 'expression', min: 1, max: Infinity });
    expect(DTL_FUNCTIONS.get('datetime-format')).toMatchObject({ min: 2, max: 3 });
    expect(DTL_FUNCTIONS.get('ni-collapse')?.deprecated).toBe(true);
  });
  it('suggests close names', () => {
    expect(closestDtlFunction('concatt')).toBe('concat');
    expect(closestDtlFunction('coalese')).toBe('coalesce');
    expect(closestDtlFunction('zzzzzzzzzzzz')).toBeUndefined();
  });
  it('suggests rule names whatever their case', () => {
    const f = checkDtlRules({ default: [['add', 'x', ['apply', 'orderlineid', '_S.lines']]], OrderLineIDs: [] });
    expect(f.map((x) => x.message)).toEqual(['"apply" refers to rule "orderlineid", which is not defined (did you mean "OrderLineIDs"?)']);
  });
});

describe('checkDtlRules', () => {
  it('accepts a well-formed rules object', () => {
    const rules = {
      default: [
        ['comment', ['this', 'is', 'not', 'checked']],
        ['copy', '*', ['list', '_*', '$*']],
        ['add', 'name', ['concat', ['lower', '_S.first'], ' ', '_S.last']],
        ['add', 'orders', ['apply-hops', 'order', { datasets: ['orders o'], where: [['eq', '_S._id', 'o.cust_id']] }]],
        ['add', 'x', ['apply', 'sub', '_S.items']],
        ['if', ['eq', '_S.a', 1], ['add', 'b', 2], [['add', 'c', 3], ['remove', 'd']]],
        ['case', ['gt', '_S.n', 1], ['add', 'big', true], ['lt', '_S.n', 0], [], ['add', 'other', true]],
        ['case-eq', '_S.kind', 'a', ['add', 'k', 'A'], 'b', ['add', 'k', 'B']],
        ['add', 'f', ['filter', ['gt', '_.', 1], '_S.list']],
        ['add', 'lit', ['literal', ['not-a-function']]],
        ['filter', ['is-not-null', '_S.id']],
        ['discard'],
      ],
      order: [['copy', '_id'], ['add', 'amount', '_S.amount']],
      sub: [['copy', '*']],
    };
    expect(checkDtlRules(rules)).toEqual([]);
  });

  it('requires a default rule', () => {
    const f = checkDtlRules({ other: [] });
    expect(f).toEqual([{ rule: 'dtl-missing-default', path: [], message: expect.stringContaining('default') }]);
  });

  it('rejects non-object rules and non-list rules', () => {
    expect(rulesOf(checkDtlRules([]))).toEqual(['dtl-invalid-rules']);
    expect(checkDtlRules({ default: 'x' })).toEqual([{ rule: 'dtl-invalid-rule', path: ['default'], message: expect.any(String) }]);
  });

  it('reports unknown functions with a suggestion and a path', () => {
    const f = checkDtlRules({ default: [['copy', '*'], ['add', 'x', ['concatt', 'a', 'b']], ['ad', 'y', 1]] });
    expect(f).toEqual([
      { rule: 'dtl-unknown-function', path: ['default', 1, 2, 0], message: 'unknown DTL function "concatt" (did you mean "concat"?)' },
      { rule: 'dtl-unknown-function', path: ['default', 2, 0], message: expect.stringContaining('"ad"') },
    ]);
  });

  it('reports wrong argument counts', () => {
    const f = checkDtlRules({ default: [['add', 'x'], ['add', 'y', ['eq', 1, 2, 3]], ['copy', 'a', 'b', 'c']] });
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['dtl-arity', ['default', 0]],
      ['dtl-arity', ['default', 1, 2]],
      ['dtl-arity', ['default', 2]],
    ]);
    expect(f[0]!.message).toBe('"add" takes 2 arguments, got 1');
    expect(f[1]!.message).toBe('"eq" takes 2 arguments, got 3');
  });

  it('uses the right arity for functions that are both transform and expression', () => {
    expect(checkDtlRules({ default: [['filter']] })).toEqual([]);
    expect(rulesOf(checkDtlRules({ default: [['add', 'x', ['filter', '_S.a']]] }))).toEqual(['dtl-arity']);
  });

  it('rejects expressions used as transforms and transforms used as values', () => {
    const f = checkDtlRules({ default: [['concat', 'a'], ['add', 'x', ['add', 'y', 1]]] });
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['dtl-expression-as-transform', ['default', 0, 0]],
      ['dtl-transform-in-expression', ['default', 1, 2, 0]],
    ]);
  });

  it('checks transform branches of if as transforms and if-expression branches as values', () => {
    const f = checkDtlRules({ default: [['if', true, ['upper', 'x']], ['add', 'z', ['if', true, ['add', 'a', 1], 2]]] });
    expect(rulesOf(f)).toEqual(['dtl-expression-as-transform', 'dtl-transform-in-expression']);
  });

  it('flags malformed transforms and literal lists', () => {
    const f = checkDtlRules({ default: ['add', [1, 2], ['add', 'x', [1, 2]]] });
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['dtl-invalid-transform', ['default', 0]],
      ['dtl-invalid-transform', ['default', 1]],
      ['dtl-invalid-expression', ['default', 2, 2]],
    ]);
  });

  it('does not inspect comment or literal arguments', () => {
    expect(checkDtlRules({ default: [['comment', ['nope', 1]], ['add', 'a', ['literal', ['nope']]]] })).toEqual([]);
  });

  it('reports rules referenced by apply / apply-hops that do not exist', () => {
    const f = checkDtlRules({
      default: [['add', 'a', ['apply', 'ordr', '_S.x']], ['add', 'b', ['apply-hops', 'missing', { datasets: ['x x'] }]]],
      order: [],
    });
    expect(f).toEqual([
      { rule: 'dtl-unknown-rule', path: ['default', 0, 2, 1], message: '"apply" refers to rule "ordr", which is not defined (did you mean "order"?)' },
      { rule: 'dtl-unknown-rule', path: ['default', 1, 2, 1], message: expect.stringContaining('"missing"') },
    ]);
  });

  it('requires apply-hops for a rule that uses hops', () => {
    const f = checkDtlRules({
      default: [['add', 'a', ['apply', 'outer', '_S.x']]],
      outer: [['add', 'b', ['apply', 'inner', '_S.']]],
      inner: [['add', 'c', ['hops', { datasets: ['d d'] }]]],
    });
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['dtl-apply-needs-hops', ['default', 0, 2, 1]],
      ['dtl-apply-needs-hops', ['outer', 0, 2, 1]],
    ]);
  });

  it('checks the shape of hops specs and their where/return expressions', () => {
    const f = checkDtlRules({
      default: [
        ['add', 'a', ['hops', { where: ['eq', '_S.x', 'o.y'] }]],
        ['add', 'b', ['hops', { datasets: ['orders'], where: [['eqq', '_S.x', 'o.y']] }]],
        ['add', 'c', ['hops', 'orders o']],
        ['add', 'd', ['hops', { datasets: ['orders o'], where: ['eq', '_S.x', 'o.y'], return: ['upperr', 'o.name'] }]],
      ],
    });
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['dtl-hops-spec', ['default', 0, 2, 1, 'datasets']],
      ['dtl-hops-spec', ['default', 1, 2, 1, 'datasets', 0]],
      ['dtl-unknown-function', ['default', 1, 2, 1, 'where', 0, 0]],
      ['dtl-hops-spec', ['default', 2, 2, 1]],
      ['dtl-unknown-function', ['default', 3, 2, 1, 'return', 0]],
    ]);
  });
});

describe('dtlDatasetDependencies', () => {
  it('lists datasets read through hops, apply-hops and lookup-entity', async () => {
    const { dtlDatasetDependencies } = await import('../../src/dtl/index');
    expect(
      dtlDatasetDependencies({
        default: [
          ['add', 'a', ['hops', { datasets: ['orders o', 'product  p'], where: ['eq', '_S._id', 'o.c'] }]],
          ['add', 'b', ['apply-hops', 'r', { datasets: ['global-person g'] }]],
          ['add', 'c', ['lookup-entity', 'codes', '_S.code']],
          ['comment', ['hops', { datasets: ['ignored i'] }]],
        ],
        r: [['add', 'd', ['hops', { datasets: ['nested n'] }]]],
      }),
    ).toEqual(['codes', 'global-person', 'nested', 'orders', 'product']);
  });
});
