import { describe, expect, it } from 'vitest';
import { RecordStore, field } from '../../../src/simulate/emulators/store';

const ids = (records: Record<string, unknown>[]) => records.map((r) => r.id);

describe('RecordStore indexes', () => {
  it('finds records by a value, one or many, in the order they were first indexed under it', () => {
    const store = new RecordStore('changed', 'id', { parent: field('parent'), tags: (r) => (Array.isArray(r.tags) ? r.tags : []) });
    store.set('a', { id: 'a', parent: 'p1', tags: ['x', 'y', 'x'] });
    store.set('b', { id: 'b', parent: 'p1', tags: ['y'] });
    store.set('c', { id: 'c', parent: 'p2', tags: null });
    store.set('d', { id: 'd', parent: null });
    expect(ids(store.find('parent', 'p1'))).toEqual(['a', 'b']);
    expect(ids(store.find('parent', 'p2'))).toEqual(['c']);
    expect(store.find('parent', null)).toEqual([]);
    expect(ids(store.find('tags', 'x'))).toEqual(['a']);
    expect(ids(store.find('tags', 'y'))).toEqual(['a', 'b']);
    expect(store.find('nope', 'p1')).toEqual([]);
  });

  it('re-indexes a record changed in place and forgets deleted ones', () => {
    const store = new RecordStore('changed', 'id', { parent: field('parent'), tags: (r) => (Array.isArray(r.tags) ? r.tags : []) });
    const a = { id: 'a', parent: 'p1', tags: ['x', 'y'] };
    store.set('a', a);
    store.set('b', { id: 'b', parent: 'p1', tags: ['y'] });
    a.parent = 'p2';
    a.tags = ['z'];
    store.set('a', a);
    expect(ids(store.find('parent', 'p1'))).toEqual(['b']);
    expect(ids(store.find('parent', 'p2'))).toEqual(['a']);
    expect(store.find('tags', 'x')).toEqual([]);
    expect(ids(store.find('tags', 'y'))).toEqual(['b']);
    expect(store.delete('b')).toBe(true);
    expect(store.delete('b')).toBe(false);
    expect(store.find('parent', 'p1')).toEqual([]);
    expect(store.find('tags', 'y')).toEqual([]);
    // A value that went from one record to two and back keeps working.
    store.set('c', { id: 'c', parent: 'p2' });
    expect(ids(store.find('parent', 'p2'))).toEqual(['a', 'c']);
    store.delete('a');
    expect(ids(store.find('parent', 'p2'))).toEqual(['c']);
    store.set('e', { id: 'e', parent: 'p2' });
    expect(ids(store.find('parent', 'p2'))).toEqual(['c', 'e']);
  });
});
