// Index buckets: one item as itself, several in a Set, in the order they came.
import { describe, expect, it } from 'vitest';
import { bucketAdd, bucketDelete, bucketItems, type Bucket } from '../../src/simulate/buckets';

describe('index buckets', () => {
  it('hold one item as itself, several in order, each once', () => {
    const index = new Map<string, Bucket<string>>();
    bucketAdd(index, 'k', 'a');
    expect(index.get('k')).toBe('a');
    bucketAdd(index, 'k', 'a');
    expect(index.get('k')).toBe('a');
    bucketAdd(index, 'k', 'b');
    bucketAdd(index, 'k', 'c');
    bucketAdd(index, 'k', 'b');
    expect([...bucketItems(index.get('k'))]).toEqual(['a', 'b', 'c']);
  });

  it('go back to the lone item, then away, as items are removed; removing what is not there changes nothing', () => {
    const index = new Map<string, Bucket<string>>();
    for (const id of ['a', 'b', 'c']) bucketAdd(index, 'k', id);
    bucketDelete(index, 'k', 'x');
    bucketDelete(index, 'other', 'a');
    bucketDelete(index, 'k', 'b');
    expect([...bucketItems(index.get('k'))]).toEqual(['a', 'c']);
    bucketDelete(index, 'k', 'a');
    expect(index.get('k')).toBe('c');
    bucketDelete(index, 'k', 'x');
    expect(index.get('k')).toBe('c');
    bucketDelete(index, 'k', 'c');
    expect(index.has('k')).toBe(false);
    expect([...bucketItems(index.get('k'))]).toEqual([]);
  });
});
