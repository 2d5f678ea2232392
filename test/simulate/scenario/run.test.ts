import { describe, expect, it } from 'vitest';
import type { EmulatedSystem, JsonRecord } from '../../../src/simulate/emulators/types';
import type { RestSide } from '../../../src/simulate/engine/rest-side';
import { mismatch, subsetMatches } from '../../../src/simulate/match';
import { parseScenario } from '../../../src/simulate/scenario/parse';
import { runScenario, type SimConfig, type WorldFactory } from '../../../src/simulate/scenario/run';

describe('subset matching', () => {
  it('matches nested objects by subset, lists element by element, numbers by value', () => {
    const rec = { id: 'a', n: 2, addr: { city: 'Oslo', zip: '0150' }, lines: [{ q: 1, p: 'x' }, { q: 2 }], none: null };
    expect(subsetMatches(rec, { addr: { city: 'Oslo' } })).toBe(true);
    expect(subsetMatches(rec, { n: 2.0 })).toBe(true);
    expect(subsetMatches(rec, { lines: [{ q: 1 }, { q: 2 }] })).toBe(true);
    expect(subsetMatches(rec, { lines: [{ q: 1 }] })).toBe(false);
    expect(subsetMatches(rec, { missing: null, none: null })).toBe(true);
    expect(subsetMatches(rec, { n: '2' })).toBe(false);
    expect(mismatch(rec, { addr: { city: 'Bergen' } })).toBe('addr.city: expected "Bergen", found "Oslo"');
    expect(mismatch(rec, { lines: [{ q: 1 }, { q: 3 }] })).toBe('lines[1].q: expected 3, found 2');
    expect(mismatch(rec, { phone: '1' })).toBe('phone: missing (expected "1")');
  });

  it('names the first failing path from the root, and says nothing for a match', () => {
    const rec = { a: { b: [{ c: [1, { d: 'x' }] }] }, e: ' ', list: [1] };
    expect(mismatch(rec, { a: { b: [{ c: [1, { d: 'y' }] }] } })).toBe('a.b[0].c[1].d: expected "y", found "x"');
    expect(mismatch(rec, { a: { b: [{ c: [1, { f: 2 }] }] } })).toBe('a.b[0].c[1].f: missing (expected 2)');
    expect(mismatch(rec, { a: { b: 'z' } })).toBe('a.b: expected "z", found [{"c":[1,{"d":"x"}]}]');
    expect(mismatch(rec, { a: [] })).toBe('a: expected a list, found {"b":[{"c":[1,{"d":"x"}]}]}');
    expect(mismatch(rec, { list: { n: 1 } })).toBe('list: expected an object, found [1]');
    expect(mismatch(rec, { list: [1, 2] })).toBe('list: expected 2 element(s), found 1');
    expect(mismatch(rec, { a: null })).toBe('a: expected an empty value, found {"b":[{"c":[1,{"d":"x"}]}]}');
    expect(mismatch(rec, { e: null, a: { b: [{}] } })).toBeUndefined();
    expect(subsetMatches(rec, { e: null, a: { b: [{}] } })).toBe(true);
    // The record itself, and lists at the root.
    expect(mismatch('text', { a: 1 })).toBe('(record): expected an object, found "text"');
    expect(mismatch([{ a: 1 }], [{ a: 2 }])).toBe('[0].a: expected 2, found 1');
    expect(mismatch({ '': { a: 1 } }, { '': { a: 2 } })).toBe('a: expected 2, found 1');
  });
});

/** A minimal system: records per datatype keyed by `id`. */
class FakeSystem implements EmulatedSystem {
  writes = 0;
  rejected = 0;
  readonly log = undefined;
  private readonly stores = new Map<string, JsonRecord[]>();
  constructor(
    readonly id: string,
    readonly datatypes: readonly string[],
  ) {
    for (const d of datatypes) this.stores.set(d, []);
  }
  handle() {
    return { status: 501 };
  }
  records(dt: string) {
    return this.stores.get(dt)!.map((r) => ({ ...r }));
  }
  put(dt: string, record: JsonRecord) {
    const list = this.stores.get(dt)!;
    const i = list.findIndex((r) => r.id === record.id);
    if (i >= 0) list[i] = { ...record };
    else list.push({ ...record });
    return record;
  }
  edit(dt: string, where: JsonRecord, set: JsonRecord) {
    const hits = this.stores.get(dt)!.filter((r) => subsetMatches(r, where));
    for (const r of hits) Object.assign(r, set, { rev: Number(r.rev ?? 0) + 1 });
    return hits.length;
  }
  remove(dt: string, where: JsonRecord) {
    const list = this.stores.get(dt)!;
    const keep = list.filter((r) => !subsetMatches(r, where));
    const n = list.length - keep.length;
    this.stores.set(dt, keep);
    return n;
  }
}

// One pipe pair copying `a` items into `b` items through a share template, and back nothing.
const config: SimConfig = {
  env: {},
  systems: [],
  pipes: [
    { _id: 'a-item-all', type: 'pipe', source: { type: 'rest', system: 'a', operation: 'item' } },
    {
      _id: 'b-item-share',
      type: 'pipe',
      source: { type: 'dataset', dataset: 'a-item-all' },
      batch_size: 1,
      transform: { type: 'template', template: 'transform-share-rest', properties: { system: 'b' } },
    },
  ],
};

const world: WorldFactory = () => {
  const a = new FakeSystem('a', ['item']);
  const b = new FakeSystem('b', ['item']);
  const rest: RestSide = {
    readSource: () => a.records('item').map((r) => ({ ...r, _id: String(r.id) })),
    collect: (_p, es) => es,
    share: (_p, e) => {
      const { _id, _updated, _hash, ...record } = e;
      void _updated;
      void _hash;
      const existing = b.records('item').find((r) => r.id === _id);
      if (!existing || JSON.stringify(existing) !== JSON.stringify(record)) {
        b.put('item', record);
        b.writes++;
      }
      return [e];
    },
    writes: () => ({ a: a.writes, b: b.writes }),
  };
  return { systems: { a, b }, rest };
};

const stores = { a: ['item'], b: ['item'] };
const run = (yaml: string) => runScenario(parseScenario(yaml, 's.yaml', stores), config, world);

describe('scenario runner', () => {
  it('runs given, sync, expect, edit and a zero-write second sync', () => {
    const r = run(`
name: copy
steps:
  - given: {a: {item: [{id: i1, name: One}, {id: i2, name: Two}]}}
  - sync: {expect_writes: {b: 2}}
  - expect:
      b:
        item:
          - match: {name: One}
          - match: {id: i2}
            count: 1
          - match: {name: Three}
            count: 0
  - edit: {a: {item: [{where: {id: i1}, set: {name: Uno}}]}}
  - sync: {expect_writes: {a: 0, b: 1}}
  - sync: {expect_writes: {a: 0, b: 0}}
  - expect: {b: {item: [{match: {id: i1, name: Uno}}]}}
  - delete: {a: {item: [{where: {id: i2}}]}}
  - expect: {a: {item: [{match: {id: i1}}]}}
`);
    expect(r.failure).toBeUndefined();
    expect(r).toMatchObject({ status: 'passed', writes: { a: 0, b: 3 } });
  });

  it('reports a failing expect with the step, what was expected and the store contents', () => {
    const r = run(`
name: wrong
steps:
  - given: {a: {item: [{id: i1, name: One}]}}
  - sync: {}
  - expect: {b: {item: [{match: {name: Eins}}]}}
`);
    expect(r.status).toBe('failed');
    expect(r.failure).toMatchObject({ step: 3, kind: 'expect', line: 6 });
    expect(r.failure!.message).toBe('expected 1 b item record matching {"name":"Eins"}, found 0');
    expect(r.failure!.details[0]).toBe('b item holds 1 record:');
    expect(r.failure!.details.join('\n')).toContain('does not match: name: expected "Eins", found "One"');
  });

  it('fails on wrong write counts, on none with records, and on an edit that matches nothing', () => {
    const writes = run('steps:\n  - given: {a: {item: [{id: i1}]}}\n  - sync: {expect_writes: {b: 0}}\n');
    expect(writes.failure).toMatchObject({ step: 2, kind: 'sync', message: 'unexpected number of writes (b: expected 0 writes, made 1)' });
    const none = run('steps:\n  - given: {a: {item: [{id: i1}]}}\n  - expect: {a: {item: {none: true}}}\n');
    expect(none.failure).toMatchObject({ step: 2, message: 'expected no a item records, found 1' });
    const edit = run('steps:\n  - edit: {a: {item: [{where: {id: nope}, set: {x: 1}}]}}\n');
    expect(edit.failure).toMatchObject({ step: 1, kind: 'edit', message: 'no a item record matches where {"id":"nope"}' });
  });

  it('skips pending scenarios', () => {
    expect(run('pending: waiting for a fix\nsteps:\n  - sync: {}\n')).toMatchObject({ status: 'pending', reason: 'waiting for a fix' });
  });
});

describe('one definition of empty in matches', () => {
  it('an expected null matches a missing key, null, "" and whitespace only — and nothing else', () => {
    for (const actual of [{}, { a: null }, { a: '' }, { a: '  \t' }]) expect(subsetMatches(actual, { a: null }), JSON.stringify(actual)).toBe(true);
    for (const actual of [{ a: 'x' }, { a: 0 }, { a: false }, { a: [] }]) expect(subsetMatches(actual, { a: null }), JSON.stringify(actual)).toBe(false);
  });

  it('object members are not properties of a record', () => {
    expect(subsetMatches({}, { toString: 'x' })).toBe(false);
    expect(mismatch({}, { constructor: 1 })).toBe('constructor: missing (expected 1)');
  });
});
