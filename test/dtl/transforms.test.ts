// Transforms, rules, variables and hops: documented examples of dtl-functions-transforms.rst,
// variables.rst, dtl-functions-hops.rst and the annotated example.
import { describe, expect, it } from 'vitest';
import { compileDtl } from '../../src/dtl/index';
import { evalExpr, runRules, runTransforms, testContext } from './helpers';

const NI = { enabled: true, identity: 'foo', property: 'bar' };

describe('add, add-if, default', () => {
  it('adds values, computed property names and keeps lists as lists', () => {
    expect(runTransforms([['add', 'age', 26]])).toEqual({ age: 26 });
    expect(runTransforms([['add', 'upper_name', ['upper', '_S.name']]], { name: 'ann' })).toEqual({ upper_name: 'ANN' });
    expect(runTransforms([['add', ['concat', 'x-', '_S.key'], '_S.value']], { key: 'k', value: 1 })).toEqual({ 'x-k': 1 });
    expect(runTransforms([['add', 'a', 1], ['add', 'a', 2]])).toEqual({ a: 2 });
  });
  it.each([
    [['add-if', 'foo', null], {}],
    [['add-if', 'foo', ['list']], { foo: [] }],
    [['add-if', 'foo', ['list', null]], { foo: [null] }],
    [['add-if', 'foo', 123], { foo: 123 }],
    [['add-if', 'foo', ['list', 123]], { foo: [123] }],
    [['add-if', 'foo', ['list', 123, 456]], { foo: [123, 456] }],
    [['add-if', 'foo', ['gte', '_.', 18], null], {}],
    [['add-if', 'foo', ['gte', '_.', 18], ['list']], {}],
    [['add-if', 'foo', ['gte', '_.', 18], ['list', null]], {}],
    [['add-if', 'foo', ['gte', '_.', 18], 12], {}],
    [['add-if', 'foo', ['gte', '_.', 18], 123], { foo: 123 }],
    [['add-if', 'foo', ['gte', '_.', 18], ['list', 123]], { foo: [123] }],
  ])('%j → %j', (transform, expected) => {
    expect(runTransforms([transform])).toEqual(expected);
  });
  it('default only adds absent properties', () => {
    expect(runTransforms([['add', 'age', 1], ['default', 'age', 26], ['default', 'x', 2]])).toEqual({ age: 1, x: 2 });
  });
  it('is namespace aware (docs examples with identity foo, property bar)', () => {
    // "::_id" writes the plain _id so the target is emitted; the rest is what the transform added.
    const target = (t: unknown[]) => {
      const out = runRules({ default: [['add', '::_id', 'x'], t] }, {}, { namespaces: NI });
      const { _id, ...rest } = out[0]!;
      void _id;
      return rest;
    };
    expect(target(['add', 'age', 26])).toEqual({ 'bar:age': 26 });
    expect(target(['add', 'person:age', 26])).toEqual({ 'person:age': 26 });
    expect(target(['add', '::age', 26])).toEqual({ age: 26 });
    expect(target(['add', ':age', 26])).toEqual({ 'bar:age': 26 });
    expect(target(['default', 'age', 26])).toEqual({ 'bar:age': 26 });
    expect(runRules({ default: [['add', '_id', 'x']] }, {}, { namespaces: NI })).toEqual([{ _id: 'foo:x' }]);
  });
});

describe('copy, remove, rename, make-ni', () => {
  const source = { _id: '1', age: 1, abc: 2, bcd: 3, ab: 4, ba: 5, b: 6, c: 7 };
  it('copies by wildcard with excludes', () => {
    expect(runTransforms([['copy', 'age']], source)).toEqual({ age: 1 });
    expect(runTransforms([['copy', 'a*', 'ab*']], source)).toEqual({ age: 1 });
    expect(runTransforms([['copy', ['list', 'a*', 'b*'], ['list', 'ab*', 'ba*']]], source)).toEqual({ age: 1, bcd: 3, b: 6 });
    expect(runTransforms([['copy', '*']], { a: 1, _id: 'x' })).toEqual({ a: 1, _id: 'x' });
    expect(runTransforms([['copy', '*', ['list', '_*', '$*']]], { a: 1, _id: 'x', $ids: [] })).toEqual({ a: 1 });
    expect(runTransforms([['copy', 'a?c']], source)).toEqual({ abc: 2 });
  });
  it('removes by wildcard', () => {
    expect(runTransforms([['copy', '*'], ['remove', 'age']], { age: 1, temp_a: 2, temp_b: 3 })).toEqual({ temp_a: 2, temp_b: 3 });
    expect(runTransforms([['copy', '*'], ['remove', 'temp_*']], { age: 1, temp_a: 2, temp_b: 3 })).toEqual({ age: 1 });
  });
  it('removes exact names without touching longer names or the order of the rest', () => {
    const source = { a: 1, ab: 2, b: 3, 'a.b': 4, c: 5 };
    const out = runTransforms([['copy', '*'], ['remove', ['list', 'a', 'a.b', 'missing']]], source);
    expect(out).toEqual({ ab: 2, b: 3, c: 5 });
    expect(Object.keys(out as object)).toEqual(['ab', 'b', 'c']);
    // A pattern computed at run time (not a literal) is matched as a wildcard.
    expect(runTransforms([['copy', '*'], ['remove', '_S.which']], { which: 'a*', a: 1, ab: 2, b: 3 })).toEqual({ b: 3, which: 'a*' });
    // Everything removed, then the target is written to again.
    expect(runTransforms([['copy', '*'], ['remove', '*'], ['add', 'z', 1]], source)).toEqual({ z: 1 });
  });
  it('renames source properties onto the target', () => {
    expect(runTransforms([['rename', 'age', 'current_age']], { age: 3 })).toEqual({ current_age: 3 });
    expect(runTransforms([['rename', ['concat', 'in-', '_S.key'], ['concat', 'out-', '_S.key']]], { key: 'k', 'in-k': 1 })).toEqual({ 'out-k': 1 });
    expect(runTransforms([['rename', 'missing', 'x']], {})).toEqual({});
  });
  it('make-ni builds NIs from string values', () => {
    expect(runTransforms([['make-ni', 'soccer', 'referee', 'ref']], { referee: 'john.doe' })).toEqual({ ref: '~:soccer:john.doe' });
    expect(runTransforms([['make-ni', 'hockey', 'players']], { players: ['a', 1, 'b'] })).toEqual({ 'players-ni': ['~:hockey:a', '~:hockey:b'] });
    expect(runTransforms([['make-ni', 'hockey', 'players']], { players: [1] })).toEqual({});
  });
  it('is namespace aware (docs examples)', () => {
    const withNi = (transforms: unknown[], source: Record<string, unknown>) => {
      const out = runRules({ default: [['add', '::_id', 'x'], ...transforms] }, source, { namespaces: NI });
      const { _id, ...rest } = out[0]!;
      void _id;
      return rest;
    };
    const ages = { age: 36, 'x:age': 36, 'xyz:age': 36 };
    expect(withNi([['copy', 'age']], ages)).toEqual(ages);
    expect(withNi([['copy', 'x*:*e', '*y*:*e']], ages)).toEqual({ 'x:age': 36 });
    const three = { age: 36, 'x:age': 36, 'y:age': 36 };
    expect(withNi([['copy', '*'], ['remove', 'age']], three)).toEqual({});
    expect(withNi([['copy', '*'], ['remove', 'x*:age']], three)).toEqual({ age: 36, 'y:age': 36 });
    expect(withNi([['copy', '*'], ['remove', 'x:age']], three)).toEqual({ age: 36, 'y:age': 36 });
    const as = { a: 1, 'x:a': 2, 'xyz:a': 3 };
    expect(withNi([['rename', 'a', 'b']], as)).toEqual({ b: 1, 'x:b': 2, 'xyz:b': 3 });
    expect(withNi([['rename', 'a', 'z:b']], as)).toEqual({ 'z:b': [1, 2, 3] });
    expect(withNi([['rename', 'x:a', 'x:b']], as)).toEqual({ 'x:b': 2 });
    const refs = { referee: 'john.doe', 'x:referee': 'john.c.doe' };
    expect(withNi([['make-ni', 'soccer', 'referee']], refs)).toEqual({ 'referee-ni': '~:soccer:john.doe', 'x:referee-ni': '~:soccer:john.c.doe' });
    expect(withNi([['make-ni', 'soccer', 'referee', 'ref']], refs)).toEqual({ ref: '~:soccer:john.doe', 'x:ref': '~:soccer:john.c.doe' });
    expect(withNi([['make-ni', 'soccer', 'x:referee']], refs)).toEqual({ 'x:referee-ni': '~:soccer:john.c.doe' });
    expect(withNi([['make-ni', 'soccer', 'x:referee', 'ref']], refs)).toEqual({ 'x:ref': '~:soccer:john.c.doe' });
    expect(withNi([['make-ni', 'soccer', 'x:referee', 'y:ref']], refs)).toEqual({ 'y:ref': '~:soccer:john.c.doe' });
  });
  it('path is namespace aware', () => {
    const d = { a: 1, 'foo:a': 2, 'bar:a': [3, 4] };
    const unq = compileDtl({ rules: { default: [['add', '::_id', 'x'], ['add', '::v', ['path', 'a', '_S.d']], ['add', '::q', ['path', 'foo:a', '_S.d']]] } });
    const ctx = testContext({ namespaces: { enabled: true, property: 'bar', identity: 'foo' } });
    expect(unq.run({ d }, ctx)[0]).toMatchObject({ v: [1, 2, 3, 4], q: 2 });
    const esc = compileDtl({ rules: { default: [['add', '::_id', 'x'], ['add', '::v', ['path', '::a', '_S.d']], ['add', '::w', ['path', ':a', '_S.d']]] } });
    expect(esc.run({ d }, ctx)[0]).toMatchObject({ v: 1, w: [3, 4] });
  });
});

describe('merge, merge-union, create, create-child', () => {
  it('merges dicts, later wins, root _-properties skipped', () => {
    expect(runTransforms([['merge', ['list', { a: 1 }, { a: 2, b: 3, _x: 1 }]]])).toEqual({ a: 2, b: 3 });
    expect(runTransforms([['merge-union', ['list', { a: 1 }, { a: 2, b: 3 }]]])).toEqual({ a: [1, 2], b: 3 });
  });
  it('create emits extra entities after the target; create-child fills $children', () => {
    const out = runRules({ default: [['copy', '_id'], ['create', '_S.orders'], ['create-child', '_S.orders']] }, { _id: 'p', orders: [{ _id: 'o1' }, 'x'] });
    expect(out).toEqual([{ _id: 'p', $children: [{ _id: 'o1' }] }, { _id: 'o1' }]);
    expect(runRules({ default: [['copy', '_id'], ['create', ['apply', 'order', '_S.orders']]], order: [['add', '_id', ['concat', 'o-', '_S.n']]] }, { _id: 'p', orders: [{ n: '1' }] })).toEqual([
      { _id: 'p' },
      { _id: 'o-1' },
    ]);
  });
  it('create of a dict without _id fails unless id_required is false', () => {
    expect(() => runRules({ default: [['copy', '_id'], ['create', { a: 1 }]] }, { _id: 'p' })).toThrow(/without a string "_id"/);
    expect(runRules({ default: [['copy', '_id'], ['create', { a: 1 }]] }, { _id: 'p' }, { id_required: false })).toEqual([{ _id: 'p' }]);
  });
});

describe('filter, discard, if, case, case-eq, comment, fail!', () => {
  it('filter emits a _filtered target, discard emits nothing; created entities stay', () => {
    expect(runRules({ default: [['copy', '_id'], ['filter', ['gt', '_S.age', 42]], ['add', 'after', 1]] }, { _id: 'a', age: 10 })).toEqual([{ _id: 'a', _filtered: true }]);
    expect(runRules({ default: [['copy', '_id'], ['filter', ['gt', '_S.age', 42]], ['add', 'after', 1]] }, { _id: 'a', age: 50 })).toEqual([{ _id: 'a', after: 1 }]);
    expect(runRules({ default: [['copy', '_id'], ['filter']] }, { _id: 'a' })).toEqual([{ _id: 'a', _filtered: true }]);
    expect(runRules({ default: [['copy', '_id'], ['create', { _id: 'c' }], ['discard']] }, { _id: 'a' })).toEqual([{ _id: 'c' }]);
    expect(runRules({ default: [['copy', '_id'], ['discard', ['eq', '_S.type', 'person']]] }, { _id: 'a', type: 'person' })).toEqual([{ _id: 'a' }]);
  });
  it('if/case/case-eq apply transform branches', () => {
    const ifRule = ['if', ['gt', '_S.age', 18], [['add', 'type', 'adult'], ['add', 'is_adult', true]], ['add', 'type', 'child']];
    expect(runTransforms([ifRule], { age: 20 })).toEqual({ type: 'adult', is_adult: true });
    expect(runTransforms([ifRule], { age: 2 })).toEqual({ type: 'child' });
    expect(runTransforms([['if', ['eq', '_S.type', 'person'], [['add', 'type', 'person'], ['copy', ['list', 'name', 'age']]]]], { type: 'x' })).toEqual({});
    const caseRule = [
      'case',
      ['gte', '_S.age', 18], ['add', 'group', 'adult'],
      ['gte', '_S.age', 13], ['add', 'group', 'teenager'],
      ['gte', '_S.age', 2], ['add', 'group', 'toddler'],
      ['lt', '_S.age', 2], ['add', 'group', 'baby'],
      ['add', 'group', 'unknown'],
    ];
    expect(runTransforms([caseRule], { age: 14 })).toEqual({ group: 'teenager' });
    expect(runTransforms([caseRule], {})).toEqual({ group: 'unknown' });
    const caseEq = ['case-eq', '_S.country', 'NO', ['add', 'country', 'Norway'], 'SE', ['add', 'country', 'Sweden'], ['add', 'country', 'Other']];
    expect(runTransforms([caseEq], { country: 'SE' })).toEqual({ country: 'Sweden' });
    expect(runTransforms([caseEq], { country: 'DK' })).toEqual({ country: 'Other' });
    expect(runTransforms([['case-eq', '_S.d', 45, ['add', 'c', 'DK']]], { d: 1 })).toEqual({});
  });
  it('comment does nothing and fail! fails', () => {
    expect(runTransforms([['comment', 'a', ['not-evaluated']]])).toEqual({});
    expect(() => runTransforms([['fail!', 'Processing stopped']])).toThrow(/Processing stopped/);
  });
  it('a filter in an applied rule drops that value from the result', () => {
    const out = runRules({ default: [['copy', '_id'], ['add', 'big', ['apply', 'big', '_S.items']]], big: [['filter', ['gt', '_S.n', 1]], ['copy', 'n']] }, { _id: 'a', items: [{ n: 1 }, { n: 2 }] });
    expect(out).toEqual([{ _id: 'a', big: [{ n: 2 }] }]);
  });
});

describe('rules, variables and the entity boundary', () => {
  it('requires a string _id on the target unless id_required is false', () => {
    expect(() => runRules({ default: [['add', 'a', 1]] }, { _id: 'x' })).toThrow(/no string "_id"/);
    expect(runRules({ default: [['add', 'a', 1]] }, { _id: 'x' }, { id_required: false })).toEqual([]);
  });
  it('propagates _deleted from the source unless the rules set it', () => {
    expect(runRules({ default: [['copy', '_id']] }, { _id: 'x', _deleted: true })).toEqual([{ _id: 'x', _deleted: true }]);
    expect(runRules({ default: [['copy', '_id'], ['add', '_deleted', false]] }, { _id: 'x', _deleted: true })).toEqual([{ _id: 'x', _deleted: false }]);
    const off = compileDtl({ rules: { default: [['copy', '_id']] } }, { propagateDeleted: false });
    expect(off.run({ _id: 'x', _deleted: true }, testContext())).toEqual([{ _id: 'x' }]);
  });
  it('_T sees earlier transforms, _P and _R reach the parent and root contexts', () => {
    const out = runRules(
      {
        default: [['copy', '_id'], ['add', 'n', 1], ['add', 'm', ['+', '_T.n', 1]], ['add', 'kids', ['apply', 'kid', '_S.kids']]],
        kid: [['add', 'parent', '_P._S._id'], ['add', 'root_n', '_R._T.n'], ['add', 'grand', ['apply', 'grand', '_S.toys']]],
        grand: [['add', 'gp', '_P._P._S._id'], ['add', 'p', '_P._S.name']],
      },
      { _id: 'r', kids: [{ name: 'k', toys: [{}] }] },
    );
    expect(out).toEqual([{ _id: 'r', n: 1, m: 2, kids: [{ parent: 'r', root_n: 1, grand: [{ gp: 'r', p: 'k' }] }] }]);
  });
  it('apply on a single value returns a single result', () => {
    expect(runRules({ default: [['copy', '_id'], ['add', 'b', ['apply', 'based-on', '_S.']]], 'based-on': [['copy', '*', ['list', '_*', '$*']]] }, { _id: 'a', x: 1 })).toEqual([
      { _id: 'a', b: { x: 1 } },
    ]);
  });
  it('compiles once: unknown functions and wrong arity fail before anything runs', () => {
    expect(() => compileDtl({ rules: { default: [['add', 'x', ['nope', 1]]] } })).toThrow(/invalid DTL rules/);
    try {
      compileDtl({ rules: { other: [] } });
    } catch (error) {
      expect((error as { details: string[] }).details).toEqual(['$.rules: DTL rules have no "default" rule (it is mandatory) [dtl-missing-default]']);
    }
  });
  it('unsupported functions fail only when evaluated, with a clear message', () => {
    const dtl = compileDtl({ rules: { default: [['copy', '_id'], ['if', false, ['add', 'h', ['curie', 'x']]]] } });
    expect(dtl.run({ _id: 'a' }, testContext())).toEqual([{ _id: 'a' }]);
    expect(() => evalExpr(['curie', 'v'])).toThrow(/not supported by sesamflow's offline evaluator/);
  });
});

describe('hops, apply-hops, lookup-entity', () => {
  const datasets = {
    orders: [
      { _id: '200', cust_id: '1', amount: 500, type: 'BILLING', lines: [{ product_id: 'p1' }, { product_id: 'p2' }] },
      { _id: '100', cust_id: '1', amount: 320, type: 'SHIPPING', lines: [{ product_id: 'p2' }] },
      { _id: '300', cust_id: '2', amount: 1, type: 'BILLING' },
      { _id: '400', cust_id: '1', amount: 9, _deleted: true },
    ],
    product: [
      { _id: 'p1', product_id: 'p1', name: 'Pen' },
      { _id: 'p2', product_id: 'p2', name: 'Ink' },
    ],
    Person: [
      { _id: 'mum', children: ['kid1', 'kid2'], gender: 'female', hobbies: ['h1'] },
      { _id: 'kid1', children: ['gk'], gender: 'female', hobbies: ['h2'] },
      { _id: 'kid2', gender: 'male', hobbies: ['h3'] },
      { _id: 'gk', gender: 'female', hobbies: ['h1'] },
    ],
    Hobby: [
      { _id: 'h1', name: 'chess' },
      { _id: 'h2', name: 'golf' },
      { _id: 'h3', name: 'tennis' },
    ],
  };
  it('reproduces the annotated example (apply-hops, sorted, count, filter)', () => {
    const rules = {
      default: [
        ['copy', '_id'],
        ['add', 'type', 'customer'],
        ['add', 'name', ['upper', '_S.name']],
        ['add', 'orders', ['sorted', '_.amount', ['apply-hops', 'order', { datasets: ['orders o'], where: [['eq', '_S._id', 'o.cust_id']] }]]],
        ['add', 'order_count', ['count', '_T.orders']],
        ['filter', ['gt', '_T.order_count', 10]],
      ],
      order: [['copy', '_id'], ['add', 'amount', '_S.amount']],
    };
    expect(runRules(rules, { _id: '1', name: 'John Smith', age: 25 }, { datasets })).toEqual([
      {
        _id: '1',
        type: 'customer',
        name: 'JOHN SMITH',
        orders: [{ _id: '100', amount: 320 }, { _id: '200', amount: 500 }],
        order_count: 2,
        _filtered: true,
      },
    ]);
  });
  it('joins with filters, multiple aliases, return expressions and ordering by _id', () => {
    const h = (spec: unknown, source: Record<string, unknown>) => evalExpr(['hops', spec], source, { datasets });
    expect(h({ datasets: ['orders o'], where: ['eq', '_S._id', 'o.cust_id'] }, { _id: '1' })).toEqual([datasets.orders[1], datasets.orders[0]]);
    expect(h({ datasets: ['orders o'], where: [['eq', '_S._id', 'o.cust_id'], ['eq', 'o.type', 'BILLING']] }, { _id: '1' })).toEqual([datasets.orders[0]]);
    expect(h({ datasets: ['orders o', 'product p'], where: [['eq', '_S._id', 'o.cust_id'], ['eq', 'o.lines.product_id', 'p.product_id']], return: 'p.name' }, { _id: '1' })).toEqual([
      // Rows in _id order (order 100 → p2, order 200 → p1, p2); hops results are distinct.
      'Ink',
      'Pen',
    ]);
    expect(h({ datasets: ['orders o', 'product p'], where: [['eq', '_S._id', 'o.cust_id'], ['eq', 'o.lines.product_id', 'p.product_id']] }, { _id: '1' })).toEqual([
      datasets.product[1],
      datasets.product[0],
    ]);
    expect(h({ datasets: ['orders o'], where: ['eq', '_S.ids', 'o._id'] }, { ids: ['300', '200', 'nope', null] })).toEqual([datasets.orders[0], datasets.orders[2]]);
    expect(h({ datasets: ['orders o'], where: ['eq', ['upper', '_S.t'], 'o.type'], return: 'o._id' }, { t: 'shipping' })).toEqual(['100']);
    expect(h({ datasets: ['orders o'], where: ['eq', '_S._id', 'o.cust_id'] }, { _id: null })).toEqual([]);
  });
  it('chains specs and recurses', () => {
    const spec = [
      'hops',
      { datasets: ['Person p'], where: [['eq', '_S.children', 'p._id'], ['eq', 'p.gender', 'female']], recurse: true },
      { datasets: ['Hobby h'], where: ['eq', '_S.hobbies', 'h._id'], return: 'h.name' },
    ];
    // The recursion includes its root (exclude_root false): mum, kid1, gk → chess, golf (chess deduped per input only).
    expect(evalExpr(spec, datasets.Person[0]!, { datasets })).toEqual(['chess', 'golf']);
    const exclude = ['hops', { datasets: ['Person p'], where: [['eq', '_S.children', 'p._id']], recurse: true, exclude_root: true, max_depth: 1 }];
    expect(evalExpr(exclude, datasets.Person[0]!, { datasets })).toEqual([datasets.Person[1], datasets.Person[2]]);
  });
  it('never reaches deleted entities and uses the dataset index for joins', () => {
    let scans = 0;
    let lookups = 0;
    const ctx = testContext({ datasets });
    const wrapped = {
      ...ctx,
      dataset: (id: string) => {
        const d = ctx.dataset(id)!;
        return {
          get: (x: string) => d.get(x),
          all: () => (scans++, d.all()),
          lookup: (p: string, v: unknown) => (lookups++, d.lookup(p, v)),
        };
      },
    };
    const dtl = compileDtl({ rules: { default: [['copy', '_id'], ['add', 'o', ['hops', { datasets: ['orders o'], where: ['eq', '_S._id', 'o.cust_id'] }]]] } });
    const [out] = dtl.run({ _id: '1' }, wrapped);
    expect((out!.o as { _id: string }[]).map((o) => o._id)).toEqual(['100', '200']);
    expect({ scans, lookups }).toEqual({ scans: 0, lookups: 1 });
  });
  it('lookup-entity returns the entity or null', () => {
    expect(evalExpr(['lookup-entity', 'product', 'p1'], {}, { datasets })).toEqual(datasets.product[0]);
    expect(evalExpr(['lookup-entity', 'product', 'nope'], {}, { datasets })).toBeNull();
    expect(() => evalExpr(['lookup-entity', 'missing', 'x'], {}, { datasets })).toThrow(/dataset "missing" is not available/);
  });
});

describe('namespaced _S.$ids and single expressions', () => {
  it('_S.$ids wraps _S._id as a NI when the root source has no $ids and NIs are on', () => {
    const rules = { default: [['add', '::_id', 'x'], ['add', '::ids', '_S.$ids']] };
    const on = { namespaces: { enabled: true, identity: 'crm', property: 'crm' } };
    expect(runRules(rules, { _id: '1' }, on)[0]!.ids).toEqual(['~:crm:1']);
    expect(runRules(rules, { _id: 'crm:1' }, on)[0]!.ids).toEqual(['~:crm:1']);
    expect(runRules(rules, { _id: '1', $ids: ['~:a:1'] }, on)[0]!.ids).toEqual(['~:a:1']);
    expect(runRules({ default: [['copy', '_id'], ['add', 'ids', '_S.$ids']] }, { _id: '1' })[0]!.ids).toBeNull();
  });
  it('compileDtlExpression evaluates one expression with aliases (merge equality sides)', async () => {
    const { compileDtlExpression } = await import('../../src/dtl/index');
    const side = compileDtlExpression(['lower', 'b.email'], { aliases: ['a', 'b'] });
    expect(side({ aliases: { b: { email: 'X@Y.NO' } } }, testContext())).toBe('x@y.no');
    expect(compileDtlExpression('a.x', { aliases: ['a'] })({ aliases: { a: { x: [1, 2] } } }, testContext())).toEqual([1, 2]);
    expect(() => compileDtlExpression(['lowr', 'b.email'])).toThrow(/invalid DTL expression/);
  });
});
