// Index buckets that hold one item as itself and only several in a Set: most index values
// (ids, unique keys) have one item, and a Set per value would cost far more than the item.
// Items keep the order they were added in. An item is never itself a Set.

export type Bucket<T> = T | Set<T>;

/** Adds `item` under `key` (once). */
export function bucketAdd<K, T>(index: Map<K, Bucket<T>>, key: K, item: T): void {
  const bucket = index.get(key);
  if (bucket === undefined) index.set(key, item);
  else if (bucket instanceof Set) bucket.add(item);
  else if (bucket !== item) index.set(key, new Set([bucket, item]));
}

/** Removes `item` from under `key`; a bucket left with one item holds it as itself again. */
export function bucketDelete<K, T>(index: Map<K, Bucket<T>>, key: K, item: T): void {
  const bucket = index.get(key);
  if (bucket === undefined) return;
  if (!(bucket instanceof Set)) {
    if (bucket === item) index.delete(key);
    return;
  }
  bucket.delete(item);
  if (bucket.size === 1) index.set(key, bucket.values().next().value as T);
  else if (bucket.size === 0) index.delete(key);
}

/** The items of a bucket, in the order they were added. */
export const bucketItems = <T>(bucket: Bucket<T> | undefined): Iterable<T> => (bucket === undefined ? [] : bucket instanceof Set ? bucket : [bucket]);
