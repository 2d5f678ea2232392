import { describe, expect, it } from 'vitest';
import { DatasetStore } from '../../../src/simulate/engine/dataset';
import { MergeSource, type MergeConfig } from '../../../src/simulate/engine/merge';

const ctx = () => ({ dataset: () => undefined, now: () => new Date(0), uuid: () => 'u' });

function setup(config: Partial<MergeConfig> & { datasets: string[] }) {
  const store = new DatasetStore();
  const merge = new MergeSource('global-x', { version: 2, ...config } as MergeConfig, ctx);
  const read = () => merge.read((id) => store.get(id));
  const write = (ds: string, e: Record<string, unknown>) => store.get(ds).write(e);
  return { store, merge, read, write };
}

const ids = (es: Record<string, unknown>[]) => es.map((e) => e._id).sort();

describe('merge source (version 2)', () => {
  it('merges transitively through any rule and overlapping values (join semantics)', () => {
    const m = setup({
      datasets: ['a A', 'b B', 'c C'],
      equality: [
        ['eq', 'A.email', 'B.mail'],
        ['eq', 'B.code', 'C.code'],
      ],
      identity: 'first',
    });
    m.write('a', { _id: 'a1', email: ['x@y', 'z@y'] });
    m.write('b', { _id: 'b1', mail: 'z@y', code: 'K' });
    m.write('c', { _id: 'c1', code: ['Q', 'K'] });
    m.write('c', { _id: 'c2', code: 'Q' });
    const out = m.read();
    expect(out).toHaveLength(2);
    const merged = out.find((e) => e._id === 'a1')!;
    expect(merged.$ids).toEqual(['~:a1', '~:b1', '~:c1']);
    // c2 shares "Q" only with c1 (same alias, no rule between C and C): not merged.
    expect(out.find((e) => e._id === 'c2')).toBeDefined();
  });

  it('never matches on null or empty lists', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']], identity: 'first' });
    m.write('a', { _id: 'a1', k: null });
    m.write('b', { _id: 'b1', k: null });
    m.write('a', { _id: 'a2', k: [] });
    m.write('b', { _id: 'b2', k: [] });
    expect(ids(m.read())).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('equality_sets chain their paths, expressions run through DTL', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality_sets: [['A.k', 'B.k']], equality: [['eq', ['lower', 'A.mail'], 'B.mail']], identity: 'first' });
    m.write('a', { _id: 'a1', mail: 'X@Y' });
    m.write('b', { _id: 'b1', mail: 'x@y' });
    m.write('a', { _id: 'a2', k: 1 });
    m.write('b', { _id: 'b2', k: 1 });
    expect(ids(m.read())).toEqual(['a1', 'a2']);
  });

  it('composite identity joins offset|id pairs ordered by dataset then id', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']] });
    m.write('b', { _id: 'b2', k: 1 });
    m.write('a', { _id: 'a1', k: 1 });
    m.write('b', { _id: 'b1', k: 1 });
    m.write('a', { _id: 'a9', k: 2 });
    expect(ids(m.read())).toEqual(['0|a1|1|b1|1|b2', '0|a9']);
  });

  it('strategy default unions values like merge-union; compact dedupes and unwraps; list keeps the entities', () => {
    const input = (m: ReturnType<typeof setup>) => {
      m.write('a', { _id: 'a1', k: 1, x: 1 });
      m.write('b', { _id: 'b1', k: 1, y: [2, 1] });
      m.write('c', { _id: 'c1', k: 1, y: 2, z: [3, 3], _tmp: 'not merged' });
    };
    const base = { datasets: ['a A', 'b B', 'c C'], equality_sets: [['A.k', 'B.k', 'C.k']], identity: 'first' };
    const d = setup({ ...base, strategy: 'default' });
    input(d);
    expect(d.read()).toEqual([{ _id: 'a1', k: [1, 1, 1], x: 1, y: [2, 1, 2], z: [3, 3], $ids: ['~:a1', '~:b1', '~:c1'] }]);
    const c = setup({ ...base, strategy: 'compact' });
    input(c);
    expect(c.read()).toEqual([{ _id: 'a1', k: 1, x: 1, y: [2, 1], z: 3, $ids: ['~:a1', '~:b1', '~:c1'] }]);
    const l = setup({ ...base, strategy: 'list' });
    input(l);
    const [listed] = l.read();
    expect(listed!.$merged).toEqual([
      { k: 1, x: 1 },
      { k: 1, y: [2, 1] },
      { k: 1, y: 2, z: [3, 3] },
    ]);
  });

  it('merges each component on its own when one read merges several (no values carried over)', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']], identity: 'first' });
    m.write('a', { _id: 'a1', k: 1, x: 'a1' });
    m.write('b', { _id: 'b1', k: 1, x: 'b1', y: 1 });
    m.write('a', { _id: 'a2', k: 2, x: 'a2' });
    m.write('b', { _id: 'b2', k: 2, x: 'b2' });
    m.write('a', { _id: 'a3', k: 3, x: 'a3', y: [] });
    m.write('b', { _id: 'b4', k: 4, y: 2 });
    const out = m.read().sort((p, q) => String(p._id).localeCompare(String(q._id)));
    expect(out).toEqual([
      { _id: 'a1', k: [1, 1], x: ['a1', 'b1'], y: 1, $ids: ['~:a1', '~:b1'] },
      { _id: 'a2', k: [2, 2], x: ['a2', 'b2'], $ids: ['~:a2', '~:b2'] },
      { _id: 'a3', k: 3, x: 'a3', y: [], $ids: ['~:a3'] },
      { _id: 'b4', k: 4, y: 2, $ids: ['~:b4'] },
    ]);
  });

  it('$ids is the union of the inputs $ids (or the NI of _id)', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']], identity: 'first' });
    m.write('a', { _id: 'a1', k: 1, $ids: ['~:sys-a:1', '~:shared:9'] });
    m.write('b', { _id: 'b1', k: 1, $ids: ['~:shared:9', '~:sys-b:2'] });
    expect(m.read()[0]!.$ids).toEqual(['~:sys-a:1', '~:shared:9', '~:sys-b:2']);
  });

  it('emits the old id as deleted and $replaced when a merged entity gets a new _id', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']], identity: 'first' });
    m.write('b', { _id: 'b1', k: 1 });
    expect(ids(m.read())).toEqual(['b1']);
    m.write('a', { _id: 'a1', k: 1 });
    const out = m.read();
    expect(out).toContainEqual({ _id: 'b1', _deleted: true, $replaced: true });
    expect(out.find((e) => e._id === 'a1')!.$ids).toEqual(['~:a1', '~:b1']);
  });

  it('splits a component when a link goes away, and only re-emits what changed', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']], identity: 'first' });
    m.write('a', { _id: 'a1', k: 1 });
    m.write('b', { _id: 'b1', k: 1 });
    m.write('a', { _id: 'a2', k: 2 });
    expect(ids(m.read())).toEqual(['a1', 'a2']);
    expect(m.read()).toEqual([]);
    m.write('b', { _id: 'b1', k: 3 });
    const out = m.read();
    expect(ids(out)).toEqual(['a1', 'b1']);
    expect(out.find((e) => e._id === 'a1')!.$ids).toEqual(['~:a1']);
  });

  it('outputs deleted inputs on their own, deleted, and re-merges the rest', () => {
    const m = setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'B.k']], identity: 'first' });
    m.write('a', { _id: 'a1', k: 1 });
    m.write('b', { _id: 'b1', k: 1 });
    m.read();
    m.write('a', { _id: 'a1', k: 1, _deleted: true });
    const out = m.read();
    expect(out).toContainEqual({ _id: 'a1', k: 1, _deleted: true });
    expect(out).toContainEqual(expect.objectContaining({ _id: 'b1', $ids: ['~:b1'] }));
  });

  it('rejects an equality side that names no alias', () => {
    expect(() => setup({ datasets: ['a A', 'b B'], equality: [['eq', 'A.k', 'X.k']] })).toThrow(/exactly one alias/);
  });
});
