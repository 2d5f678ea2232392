// A simple in-memory DatasetView with lazily built join indexes, for tests, the `dtl` CLI and
// small simulations. Indexes are keyed by path and dropped whenever the contents change.
import type { DatasetView, Entity } from './eval/core';
import { entityPathValues } from './path';
import { keyOf } from './values';

export class MemoryDataset implements DatasetView {
  private readonly byId = new Map<string, Entity>();
  private readonly indexes = new Map<string, Map<string, Entity[]>>();

  constructor(entities: Iterable<Entity> = []) {
    for (const e of entities) this.put(e);
  }

  /** Adds or replaces an entity (by `_id`). */
  put(entity: Entity): void {
    this.byId.set(String(entity._id), entity);
    this.indexes.clear();
  }

  get(id: string): Entity | undefined {
    return this.byId.get(id);
  }

  all(): Iterable<Entity> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  lookup(path: string, value: unknown): Entity[] {
    let index = this.indexes.get(path);
    if (!index) {
      index = new Map();
      for (const e of this.byId.values()) {
        // Deleted entities are not indexed (joins never reach them).
        if (e._deleted === true) continue;
        const seen = new Set<string>();
        for (const v of entityPathValues(e, path)) {
          const k = keyOf(v);
          if (seen.has(k)) continue;
          seen.add(k);
          const bucket = index.get(k);
          if (bucket) bucket.push(e);
          else index.set(k, [e]);
        }
      }
      this.indexes.set(path, index);
    }
    return index.get(keyOf(value)) ?? [];
  }
}
