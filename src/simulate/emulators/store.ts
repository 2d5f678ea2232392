// One emulated table: records by id in insertion order, value indexes (unique keys, parent ids)
// and a change-time ordering for incremental list calls. Kept incremental so a 100 000-record
// simulation stays linear: every write goes through `set`/`delete`, which update the indexes.
import { parseOffsetDateTime } from '../clock';
import { bucketAdd, bucketDelete, bucketItems, type Bucket } from '../buckets';
import type { JsonRecord } from './types';

export type IndexKeys = (record: JsonRecord) => unknown[];

/** An index on one field (null and missing values are not indexed). */
export const field =
  (name: string): IndexKeys =>
  (r) => [r[name]];


/** The values a record was indexed under: a lone value as is, several as an array (an array value itself is never a key). */
type IndexedAs = unknown;

export class RecordStore {
  private readonly byId = new Map<string, JsonRecord>();
  private readonly indexes = new Map<string, Map<unknown, Bucket<string>>>();
  /** Per index: its keys, its values, and the values each record had when it was last stored (records may be mutated in place). */
  private readonly indexList: [keys: IndexKeys, index: Map<unknown, Bucket<string>>, indexedAs: Map<string, IndexedAs>][] = [];
  private ordered: { ms: number; id: string }[] | undefined;

  constructor(
    private readonly changedField: string,
    private readonly idField: string,
    indexKeys: Record<string, IndexKeys> = {},
  ) {
    for (const [name, keys] of Object.entries(indexKeys)) {
      const index = new Map<unknown, Bucket<string>>();
      this.indexes.set(name, index);
      this.indexList.push([keys, index, new Map()]);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): JsonRecord | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  values(): IterableIterator<JsonRecord> {
    return this.byId.values();
  }

  /** Stores (or re-stores after an in-place change) a record under `id`. */
  set(id: string, record: JsonRecord): void {
    this.unindex(id);
    this.byId.set(id, record);
    for (const [keys, index, indexedAs] of this.indexList) {
      let first: unknown;
      let more: unknown[] | undefined;
      for (const v of keys(record)) {
        if (v === undefined || v === null) continue;
        if (first === undefined) first = v;
        else (more ??= [first]).push(v);
        bucketAdd(index, v, id);
      }
      if (more) indexedAs.set(id, more);
      else if (first !== undefined && !Array.isArray(first)) indexedAs.set(id, first);
      else if (first !== undefined) indexedAs.set(id, [first]);
    }
    this.ordered = undefined;
  }

  delete(id: string): boolean {
    if (!this.byId.has(id)) return false;
    this.unindex(id);
    this.byId.delete(id);
    this.ordered = undefined;
    return true;
  }

  private unindex(id: string): void {
    for (const [, index, indexedAs] of this.indexList) {
      const old = indexedAs.get(id);
      if (old === undefined) continue;
      for (const v of Array.isArray(old) ? old : [old]) bucketDelete(index, v, id);
      indexedAs.delete(id);
    }
  }

  /** Whether there is an index `name`. */
  indexed(name: string): boolean {
    return this.indexes.has(name);
  }

  /** Records whose index `name` holds `value`, in insertion order of their ids' first indexing. */
  find(name: string, value: unknown): JsonRecord[] {
    return Array.from(bucketItems(this.indexes.get(name)?.get(value)), (id) => this.byId.get(id)!);
  }

  /** Records changed strictly after `sinceMs` (all when undefined), by change time then id; one page of them. */
  changedAfter(sinceMs: number | undefined, offset = 0, limit = Infinity): JsonRecord[] {
    if (!this.ordered) {
      const rows = [...this.byId.entries()].map(([id, r]) => ({ ms: parseOffsetDateTime(r[this.changedField]) ?? -Infinity, id, r }));
      rows.sort((a, b) => a.ms - b.ms || compareIds(a.r[this.idField], b.r[this.idField]));
      this.ordered = rows.map(({ ms, id }) => ({ ms, id }));
    }
    const rows = this.ordered;
    let start = 0;
    if (sinceMs !== undefined) {
      // First row with ms > sinceMs (binary search: rows are sorted by ms).
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rows[mid]!.ms > sinceMs) hi = mid;
        else lo = mid + 1;
      }
      start = lo;
    }
    const end = limit === Infinity ? rows.length : start + offset + limit;
    return rows.slice(start + offset, end).map(({ id }) => this.byId.get(id)!);
  }
}

function compareIds(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
