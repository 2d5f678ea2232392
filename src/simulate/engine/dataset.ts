// Versioned in-memory datasets, as a dataset sink writes them: root `_` properties other than
// `_id`/`_deleted` are dropped, equal content (what the content hash stands for) means no new version, every
// version gets the next `_updated` sequence number, and a log of versions lets readers
// continue from an offset. Join indexes (`lookup(path, value)`) are built lazily per path and
// kept up to date on every write, so hopping into a dataset that is being written stays cheap.
import { createHash } from 'node:crypto';
import { entityPathValues, joinKey, type DatasetView, type Entity } from '../../dtl/index';
import { ShapeCache } from '../../dtl/shapes';

/**
 * The join key of a value (DTL `keyOf`: values that join have the same key), without building
 * a new string for the usual ones: a string whose key depends on nothing but the string itself
 * (not a `~t` datetime or `~f` decimal, which are normalised) is its own key. Typed strings
 * that `keyOf` prefixes (`~:` identifiers...) cannot equal another value's key, so no two
 * values share a key here unless they share one there. Indexes and dependency records keep
 * the entity's own string rather than a copy of it.
 */
export function indexKey(value: unknown): string {
  if (typeof value === 'string') {
    const c = value.charCodeAt(0);
    if (c !== 0 && (c !== 126 /* ~ */ || (value.charCodeAt(1) !== 116 /* t */ && value.charCodeAt(1) !== 102 /* f */))) return value;
  }
  return joinKey(value);
}

/** Canonical JSON text of a value: keys sorted, so key order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) s += (i > 0 ? ',' : '') + canonicalJson(value[i]);
        return `${s}]`;
      }
      const keys = Object.keys(value).sort();
      let s = '{';
      let first = true;
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        s += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
        first = false;
      }
      return `${s}}`;
    }
    default:
      return 'null';
  }
}

/**
 * Objects built key by key in scratch lists kept between calls, then made in one go (a fast
 * shape, see shapes.ts): no lists grown push by push for every object. The key list handed on
 * is a copy that is never changed, reused while the keys repeat (entities of one pipe share a
 * few key lists). `keys` and `values` may be read and changed below `length` before `build`.
 */
export class ObjectBuilder {
  readonly keys: string[] = [];
  readonly values: unknown[] = [];
  length = 0;
  private last: readonly string[] = [];
  private readonly shapes = new ShapeCache();

  add(key: string, value: unknown): void {
    const n = this.length;
    this.keys[n] = key;
    this.values[n] = value;
    this.length = n + 1;
  }

  /** The object of the keys and values added since the last build. */
  build(): Record<string, unknown> {
    const n = this.length;
    // The literal reads values by key index: what lies past the n-th is not read.
    const out = this.shapes.object(this.keyList(n), this.values);
    this.values.fill(undefined, 0, n);
    this.length = 0;
    return out;
  }

  private keyList(n: number): readonly string[] {
    const keys = this.keys;
    const last = this.last;
    if (last.length === n) {
      let i = 0;
      while (i < n && last[i] === keys[i]) i++;
      if (i === n) return last;
    }
    return (this.last = keys.slice(0, n));
  }
}

/**
 * The entity as a dataset stores it: root `_` properties other than `_id` and `_deleted` dropped
 * (and `_updated` set, when given). Built in one go so it has a fast shape (see shapes.ts).
 */
export function storedForm(entity: Entity, updated?: number, builder = new ObjectBuilder()): Entity {
  for (const key in entity) {
    if (key.charCodeAt(0) === 95 /* _ */ && key !== '_id' && key !== '_deleted') continue;
    const v = entity[key];
    if (v === undefined) continue;
    // `_deleted` counts only when true (any other value means "not deleted").
    if (key === '_deleted' && v !== true) continue;
    builder.add(key, v);
  }
  if (updated !== undefined) builder.add('_updated', updated);
  return builder.build();
}

/** True when storedForm(entity) would have the same keys and values (nothing to drop). */
function isStoredForm(entity: Entity): boolean {
  for (const key in entity) {
    const v = entity[key];
    if (v === undefined) return false;
    if (key.charCodeAt(0) === 95 /* _ */ && key !== '_id' && (key !== '_deleted' || v !== true)) return false;
  }
  return true;
}

export const contentHash = (stored: Entity): string => createHash('sha1').update(canonicalJson(stored)).digest('base64');

/**
 * Content equality of two stored entities (key order ignored; the generated root `_updated`
 * does not count): the same answer as comparing their content hashes, without serialising
 * and hashing every version written.
 */
export function sameContent(a: unknown, b: unknown, root = true): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i], false)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined || (root && k === '_updated')) continue;
    n++;
    if (!sameContent(v, y[k], false)) return false;
  }
  let m = 0;
  for (const k in y) if (y[k] !== undefined && !(root && k === '_updated')) m++;
  return n === m;
}

/** `sameContent(stored, storedForm(incoming))` without building the stored form first. */
function sameAsStored(stored: Entity, incoming: Entity): boolean {
  let n = 0;
  for (const k in incoming) {
    const v = incoming[k];
    if (v === undefined) continue;
    if (k.charCodeAt(0) === 95 /* _ */ && k !== '_id') {
      if (k !== '_deleted' || v !== true) continue;
    }
    n++;
    if (!sameContent(v, stored[k], false)) return false;
  }
  let m = 0;
  for (const k in stored) if (stored[k] !== undefined && k !== '_updated') m++;
  return n === m;
}

/** Who owns an entity handed to Dataset.write (see there). */
export type Ownership = 'borrowed' | 'owned' | 'stored-form';

export type WriteResult = 'new' | 'unchanged' | 'deleted' | 'ignored';

/** A shared counter so every dataset's versions can be ordered against each other. */
export interface WriteClock {
  next(): number;
}

/**
 * A dataset: the latest version of every entity by id, and the versions written since the
 * readers' lowest offset in write order. A version is the stored entity itself (its `_updated`
 * is its sequence number): no record per version beside it, as the log and the id map hold the
 * same objects.
 */
export class Dataset implements DatasetView {
  private readonly latest = new Map<string, Entity>();
  /** Versions in write order from `base + 1` on (older ones are trimmed once no reader needs them): `log[i]._updated === base + i + 1`. */
  private log: Entity[] = [];
  /** With keepsPrevious: the version each one in the log replaced, at the same index (undefined for a first version). */
  private replacedLog: (Entity | undefined)[] = [];
  private base = 0;
  /** The engine-wide write order (`WriteClock`) of every version written, by sequence number - 1. */
  private readonly times: number[] = [];
  /** path → join key → non-deleted entities (by id) having that value at path. */
  private readonly indexes = new Map<string, Map<string, Bucket>>();
  /** The same indexes as a list, for the walk over all of them on every write. */
  private readonly indexList: [path: string, index: Map<string, Bucket>][] = [];
  private readonly builder = new ObjectBuilder();
  private keeping = false;
  /** Whether the initial offset is set (the dataset counts as populated), per the writing sink's `set_initial_offset`. */
  populated = false;

  constructor(
    readonly id: string,
    private readonly clock: WriteClock = counterClock(),
  ) {}

  /**
   * Whether new versions keep the one they replace (for dependency tracking, which reads the
   * values a change removed). Set by the first tracker that hops into the dataset, before it
   * reads any version: without one, a replaced version is garbage at once.
   */
  get keepsPrevious(): boolean {
    return this.keeping;
  }

  set keepsPrevious(keep: boolean) {
    // The versions already in the log replaced nothing that is kept.
    if (keep && !this.keeping) this.replacedLog = new Array<Entity | undefined>(this.log.length).fill(undefined);
    if (!keep) this.replacedLog = [];
    this.keeping = keep;
  }

  /** Highest `_updated` so far (0 when empty). */
  get offset(): number {
    return this.base + this.log.length;
  }

  /** Number of entities (latest versions, deleted included). */
  get size(): number {
    return this.latest.size;
  }

  /**
   * Writes one entity the way a dataset sink does. `_filtered: true` deletes an existing
   * entity (and is ignored when there is none); an unchanged entity is not a new version.
   * `owned`: 'borrowed' (the default) copies the entity into its stored form; 'owned' means the
   * caller made `entity` for this write and keeps no reference to it, so when it already is in
   * stored form it is stored as is; 'stored-form' also promises it is in stored form.
   */
  write(entity: Entity, owned: Ownership = 'borrowed'): WriteResult {
    const id = entity._id;
    if (typeof id !== 'string') throw new Error(`dataset ${this.id}: entity without a string _id`);
    const current = this.latest.get(id);
    // Most writes of a sync re-write what is there: find that out before copying anything.
    if (current && entity._filtered !== true && sameAsStored(current, entity)) return 'unchanged';
    const seq = this.offset + 1;
    let stored: Entity;
    if (entity._filtered === true) {
      if (!current || current._deleted === true) return 'ignored';
      stored = storedForm({ ...entity, _deleted: true }, seq, this.builder);
      if (sameContent(current, stored)) return 'unchanged';
    } else if (owned === 'stored-form' || (owned === 'owned' && isStoredForm(entity))) {
      // sameAsStored above already said the content differs from the current version.
      stored = entity;
      stored._updated = seq;
    } else stored = storedForm(entity, seq, this.builder);
    this.log.push(stored);
    if (this.keeping) this.replacedLog.push(current);
    this.times.push(this.clock.next());
    this.latest.set(id, stored);
    this.reindex(current, stored, id);
    return stored._deleted === true ? 'deleted' : 'new';
  }

  /** Marks an entity deleted (deletion tracking); no-op when absent or already deleted. */
  delete(id: string): boolean {
    const current = this.latest.get(id);
    if (!current || current._deleted === true) return false;
    return this.write({ ...current, _deleted: true }) === 'deleted';
  }

  get(id: string): Entity | undefined {
    return this.latest.get(id);
  }

  /** The engine-wide write order of the latest version of `id` (merge_datasets `latest` compares it like `_ts`). */
  writtenAt(id: string): number | undefined {
    const e = this.latest.get(id);
    return e === undefined ? undefined : this.times[(e._updated as number) - 1];
  }

  /** Latest version of every entity, in first-write order. */
  all(): Iterable<Entity> {
    return this.latest.values();
  }

  /** Latest entities that are not deleted. */
  *live(): Iterable<Entity> {
    for (const e of this.latest.values()) if (e._deleted !== true) yield e;
  }

  /** Hands every version written after `offset` (exclusive), oldest first, to `each` with the version it replaced (when kept). */
  versionsSince(offset: number, each: (version: Entity, replaced: Entity | undefined) => void): void {
    this.checkReadable(offset);
    const replaced = this.replacedLog;
    for (let i = Math.max(0, offset - this.base); i < this.log.length; i++) each(this.log[i]!, replaced[i]);
  }

  private checkReadable(offset: number): void {
    if (offset < this.base) throw new Error(`dataset ${this.id}: versions before offset ${this.base} were trimmed (asked for ${offset})`);
  }

  /**
   * Forgets versions up to `offset` (every reader is past them), so old versions can be
   * garbage collected. A remaining version keeps the one it replaced (a reader may need the
   * values it replaced).
   */
  trim(offset: number): void {
    const n = Math.min(offset, this.offset) - this.base;
    if (n <= 0) return;
    this.log = this.log.slice(n);
    if (this.keeping) this.replacedLog = this.replacedLog.slice(n);
    this.base += n;
  }

  /**
   * Entities changed after `offset`: each changed id once, at its latest version (what a
   * dataset source with `include_previous_versions: false` reads).
   */
  *changedSince(offset: number): Iterable<Entity> {
    this.checkReadable(offset);
    for (let i = Math.max(0, offset - this.base); i < this.log.length; i++) {
      const e = this.log[i]!;
      if (this.latest.get(e._id as string) === e) yield e;
    }
  }

  ids(): Iterable<string> {
    return this.latest.keys();
  }

  lookup(path: string, value: unknown): Entity[] {
    if (value === null || value === undefined) return [];
    return this.lookupKey(path, indexKey(value));
  }

  /** lookup() by the value's indexKey. */
  lookupKey(path: string, key: string): Entity[] {
    let index = this.indexes.get(path);
    if (!index) index = this.buildIndex(path);
    const bucket = index.get(key);
    if (bucket === undefined) return [];
    if (!(bucket instanceof Map)) return [bucket];
    return bucket.size > 0 ? Array.from(bucket.values()) : [];
  }

  private buildIndex(path: string): Map<string, Bucket> {
    const index = new Map<string, Bucket>();
    for (const [id, e] of this.latest) if (e._deleted !== true) addKeys(index, path, e, id);
    this.indexes.set(path, index);
    this.indexList.push([path, index]);
    return index;
  }

  private reindex(before: Entity | undefined, after: Entity, id: string): void {
    for (let i = 0; i < this.indexList.length; i++) {
      const [path, index] = this.indexList[i]!;
      if (before && before._deleted !== true) {
        for (const v of entityPathValues(before, path)) {
          const k = indexKey(v);
          const bucket = index.get(k);
          if (bucket instanceof Map) bucket.delete(id);
          else if (bucket !== undefined && bucket._id === id) index.delete(k);
        }
      }
      if (after._deleted !== true) addKeys(index, path, after, id);
    }
  }
}

/**
 * The entities (by id) with one value at an index path. Most values belong to one entity, so a
 * lone entity is kept as is (its `_id` is its id) and a Map only made for a second one: far
 * fewer objects for the garbage collector to trace in big datasets.
 */
type Bucket = Entity | Map<string, Entity>;

function addKeys(index: Map<string, Bucket>, path: string, entity: Entity, id: string): void {
  for (const v of entityPathValues(entity, path)) {
    const k = indexKey(v);
    const bucket = index.get(k);
    if (bucket === undefined) index.set(k, entity);
    else if (bucket instanceof Map) bucket.set(id, entity);
    else if (bucket._id === id) index.set(k, entity);
    else index.set(k, new Map([[bucket._id as string, bucket], [id, entity]]));
  }
}

export function counterClock(): WriteClock {
  let n = 0;
  return { next: () => ++n };
}

/** Every dataset of one simulation, created on first use. */
export class DatasetStore {
  private readonly datasets = new Map<string, Dataset>();
  private readonly clock = counterClock();

  get(id: string): Dataset {
    let d = this.datasets.get(id);
    if (!d) {
      d = new Dataset(id, this.clock);
      this.datasets.set(id, d);
    }
    return d;
  }

  has(id: string): boolean {
    return this.datasets.has(id);
  }

  /** Dataset ids, sorted. */
  ids(): string[] {
    return [...this.datasets.keys()].sort();
  }
}
