import { describe, expect, it } from 'vitest';
import { joinKey } from '../../../src/dtl/index';
import { Dataset, canonicalJson, contentHash, counterClock, indexKey, sameContent, storedForm } from '../../../src/simulate/engine/dataset';

/** What the most recent version of `ds` replaced, as dependency tracking reads it. */
function lastReplaced(ds: Dataset): Record<string, unknown> | undefined {
  let replaced: Record<string, unknown> | undefined;
  ds.versionsSince(ds.offset - 1, (_version, r) => (replaced = r));
  return replaced;
}

describe('Dataset', () => {
  it('hashes content independent of key order and ignores generated root _ properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe('{"a":{"c":null,"d":[1,2]},"b":1}');
    expect(contentHash(storedForm({ _id: 'x', a: 1, b: 2 }))).toBe(contentHash(storedForm({ b: 2, a: 1, _id: 'x', _updated: 7, _tmp: 'scratch' })));
  });

  it('compares content like the hash does: key order ignored, values and list order not', () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }],
      [{ a: 1 }, { a: 1, b: 1 }],
      [{ a: [1, 2] }, { a: [2, 1] }],
      [{ a: null }, { a: 0 }],
      [{ a: {} }, { a: [] }],
      [{ a: '1' }, { a: 1 }],
    ];
    for (const [x, y] of cases) expect(sameContent(x, y)).toBe(canonicalJson(x) === canonicalJson(y));
  });

  it('strips root _ properties except _id and _deleted, keeps nested ones', () => {
    const ds = new Dataset('d');
    ds.write({ _id: 'a', _tmp: 1, _ts: 5, x: { _inner: 1 }, _deleted: false });
    const e = ds.get('a')!;
    expect(e._tmp).toBeUndefined();
    expect(e._ts).toBeUndefined();
    expect(e._deleted).toBeUndefined();
    expect(e.x).toEqual({ _inner: 1 });
    expect(e._updated).toBe(1);
  });

  it('writes a new version only when the content changed', () => {
    const ds = new Dataset('d');
    expect(ds.write({ _id: 'a', v: 1 })).toBe('new');
    expect(ds.write({ v: 1, _id: 'a', _scratch: true, _deleted: false })).toBe('unchanged');
    expect(ds.write({ _id: 'a', v: 1, extra: undefined })).toBe('unchanged');
    expect(ds.write({ _id: 'a', v: 1, _deleted: true })).toBe('deleted');
    expect(ds.write({ _id: 'a', v: 1 })).toBe('new');
    expect(ds.offset).toBe(3);
    expect(ds.write({ _id: 'a', v: 2 })).toBe('new');
    expect(ds.offset).toBe(4);
    expect(ds.get('a')!._updated).toBe(4);
    // Nobody hops into this dataset: a replaced version is not kept.
    expect(lastReplaced(ds)).toBeUndefined();
    ds.keepsPrevious = true;
    expect(ds.write({ _id: 'a', v: 3 })).toBe('new');
    expect(lastReplaced(ds)!.v).toBe(2);
    expect(ds.write({ _id: 'b', v: 1 })).toBe('new');
    expect(lastReplaced(ds)).toBeUndefined();
  });

  it('_filtered deletes an existing entity and is ignored otherwise', () => {
    const ds = new Dataset('d');
    expect(ds.write({ _id: 'a', v: 1, _filtered: true })).toBe('ignored');
    expect(ds.size).toBe(0);
    ds.write({ _id: 'a', v: 1 });
    expect(ds.write({ _id: 'a', v: 1, _filtered: true })).toBe('deleted');
    expect(ds.get('a')!._deleted).toBe(true);
    expect(ds.write({ _id: 'a', v: 1, _filtered: true })).toBe('ignored');
  });

  it('reads changes since an offset, each id once at its latest version', () => {
    const ds = new Dataset('d');
    ds.write({ _id: 'a', v: 1 });
    ds.write({ _id: 'b', v: 1 });
    ds.write({ _id: 'a', v: 2 });
    expect([...ds.changedSince(0)].map((e) => [e._id, e.v])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
    expect([...ds.changedSince(2)].map((e) => e._id)).toEqual(['a']);
    expect([...ds.changedSince(3)]).toEqual([]);
  });

  it('keeps lookup indexes up to date and never indexes deleted entities', () => {
    const ds = new Dataset('d');
    ds.write({ _id: 'a', refs: ['x', 'y'] });
    ds.write({ _id: 'b', refs: 'y' });
    expect(ds.lookup('refs', 'y').map((e) => e._id)).toEqual(['a', 'b']);
    ds.write({ _id: 'a', refs: ['x'] });
    expect(ds.lookup('refs', 'y').map((e) => e._id)).toEqual(['b']);
    expect(ds.lookup('refs', 'x').map((e) => e._id)).toEqual(['a']);
    ds.write({ _id: 'b', refs: 'y', _deleted: true });
    expect(ds.lookup('refs', 'y')).toEqual([]);
    expect(ds.lookup('refs', null)).toEqual([]);
  });

  it('joins typed values as DTL does: identifiers as themselves, datetimes and decimals by value, never a string with a number', () => {
    const ds = new Dataset('d');
    ds.write({ _id: 'a', ref: '~:crm:1', at: '~t2026-01-01T10:00:00Z', amount: '~f1.0' });
    ds.write({ _id: 'b', ref: ['~:crm:2', '~:crm:1'], at: '~t2026-01-01T11:00:00Z', amount: 2 });
    ds.write({ _id: 'c', ref: 'crm:1', at: '2026-01-01T10:00:00Z', amount: '1' });
    const ids = (path: string, value: unknown) => ds.lookup(path, value).map((e) => e._id);
    expect(ids('ref', '~:crm:1')).toEqual(['a', 'b']);
    expect(ids('ref', 'crm:1')).toEqual(['c']);
    expect(ids('at', '~t2026-01-01T10:00:00.000Z')).toEqual(['a']);
    expect(ids('amount', 1)).toEqual(['a']);
    expect(ids('amount', '~f2')).toEqual(['b']);
    expect(ids('amount', '1')).toEqual(['c']);
    // The index key is a key for the same join classes as DTL's own: equal exactly when those are.
    const values = ['~:a:b', '~ufoo', '~rhttp://x', '~tnot-a-date', '~fx', '~t2026-01-01T10:00:00Z', '~t2026-01-01T10:00:00.000Z', '~f1', 1, '1', 'plain', '\u0000x', '~', '', true, null];
    for (const x of values) for (const y of values) expect(indexKey(x) === indexKey(y)).toBe(joinKey(x as never) === joinKey(y as never));
  });

  it('tells the engine-wide write order of the latest version of an id (merge_datasets latest)', () => {
    const clock = counterClock();
    const x = new Dataset('x', clock);
    const y = new Dataset('y', clock);
    x.write({ _id: 'a', v: 1 });
    y.write({ _id: 'a', v: 1 });
    x.write({ _id: 'b', v: 1 });
    expect([x.writtenAt('a'), y.writtenAt('a'), x.writtenAt('b'), y.writtenAt('b')]).toEqual([1, 2, 3, undefined]);
    x.write({ _id: 'a', v: 2 });
    x.trim(x.offset);
    expect(x.writtenAt('a')).toBe(4);
    expect(x.write({ _id: 'a', v: 2 })).toBe('unchanged');
    expect(x.writtenAt('a')).toBe(4);
  });

  it('delete() marks an entity deleted once', () => {
    const ds = new Dataset('d');
    ds.write({ _id: 'a', v: 1 });
    expect(ds.delete('a')).toBe(true);
    expect(ds.delete('a')).toBe(false);
    expect(ds.get('a')).toMatchObject({ _id: 'a', v: 1, _deleted: true });
  });

  it('trims versions every reader is past but keeps what remaining versions replaced', () => {
    const ds = new Dataset('d');
    ds.keepsPrevious = true;
    ds.write({ _id: 'a', v: 1 });
    ds.write({ _id: 'a', v: 2 });
    ds.write({ _id: 'b', v: 1 });
    ds.trim(2);
    expect(ds.offset).toBe(3);
    const since = (offset: number) => {
      const seen: [unknown, unknown][] = [];
      ds.versionsSince(offset, (e, replaced) => seen.push([e._id, replaced?.v]));
      return seen;
    };
    expect(since(2)).toEqual([['b', undefined]]);
    expect(() => [...ds.changedSince(1)]).toThrow(/trimmed/);
    expect(() => since(1)).toThrow(/trimmed/);
    ds.write({ _id: 'a', v: 3 });
    const [latest] = [...ds.changedSince(3)];
    expect(latest).toMatchObject({ _id: 'a', v: 3, _updated: 4 });
    expect(since(2)).toEqual([['b', undefined], ['a', 2]]);
    // Once its version is trimmed, what it replaced is gone too.
    ds.trim(4);
    expect(since(4)).toEqual([]);
    expect(() => since(3)).toThrow(/trimmed/);
  });
});
