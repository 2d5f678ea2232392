// Dependency tracking for hops: while a pipe's transforms run on source entity S, every
// `lookup(path, value)` into dataset D is recorded as (D, path, value) → S. When D later
// changes, each changed entity's old and new values at the recorded paths name the source
// entities whose output may change; those are re-run on the pipe's next run.
import { entityPathValues, joinKey, type DatasetView, type Entity } from '../../dtl/index';
import type { Dataset } from './dataset';

interface Recorded {
  dataset: string;
  path: string | null;
  key: string;
}

export class DependencyTracker {
  /** dataset → path → join key → source ids (a lone id as a string: most keys have one reader). */
  private readonly byKey = new Map<string, Map<string, Map<string, Sources>>>();
  /** dataset → source ids that scanned the whole dataset. */
  private readonly scans = new Map<string, Set<string>>();
  /** source id → what it recorded on its last run (cleared when it runs again). */
  private readonly bySource = new Map<string, Recorded[]>();
  /** dataset → offset up to which its changes have been turned into re-runs. */
  private readonly offsets = new Map<string, number>();
  current: string | undefined;

  constructor(private readonly excluded: ReadonlySet<string>) {}

  /** Forgets what `sourceId` depended on (it is about to run again). */
  reset(sourceId: string): void {
    const old = this.bySource.get(sourceId);
    if (!old) return;
    for (const r of old) {
      if (r.path === null) this.scans.get(r.dataset)?.delete(sourceId);
      else {
        const keys = this.byKey.get(r.dataset)?.get(r.path);
        const ids = keys?.get(r.key);
        if (typeof ids === 'string') {
          if (ids === sourceId) keys!.delete(r.key);
        } else ids?.delete(sourceId);
      }
    }
    this.bySource.delete(sourceId);
  }

  private record(dataset: string, path: string | null, key: string): void {
    const source = this.current;
    if (source === undefined || this.excluded.has(dataset)) return;
    if (path === null) {
      let s = this.scans.get(dataset);
      if (!s) this.scans.set(dataset, (s = new Set()));
      if (s.has(source)) return;
      s.add(source);
    } else {
      let paths = this.byKey.get(dataset);
      if (!paths) this.byKey.set(dataset, (paths = new Map()));
      let keys = paths.get(path);
      if (!keys) paths.set(path, (keys = new Map()));
      const ids = keys.get(key);
      if (ids === undefined) keys.set(key, source);
      else if (typeof ids === 'string') {
        if (ids === source) return;
        keys.set(key, new Set([ids, source]));
      } else {
        if (ids.has(source)) return;
        ids.add(source);
      }
    }
    let list = this.bySource.get(source);
    if (!list) this.bySource.set(source, (list = []));
    list.push({ dataset, path, key });
  }

  private readonly views = new Map<Dataset, DatasetView>();

  /** A view of `dataset` that records the lookups made through it. */
  view(dataset: Dataset): DatasetView {
    let view = this.views.get(dataset);
    if (!view) this.views.set(dataset, (view = this.makeView(dataset)));
    return view;
  }

  private makeView(dataset: Dataset): DatasetView {
    const id = dataset.id;
    if (this.excluded.has(id)) return dataset;
    return {
      get: (entityId) => dataset.get(entityId),
      all: () => {
        this.touch(dataset);
        this.record(id, null, '');
        return dataset.all();
      },
      lookup: (path, value) => {
        this.touch(dataset);
        if (value !== null && value !== undefined) this.record(id, path, joinKey(value));
        return dataset.lookup(path, value);
      },
    };
  }

  /** Datasets this pipe has hopped into (and has not yet caught up with). */
  trackedDatasets(): string[] {
    return [...new Set([...this.byKey.keys(), ...this.scans.keys()])];
  }

  /** Marks `dataset` as seen up to its current offset (first contact: nothing to re-run). */
  private offsetOf(dataset: Dataset): number {
    const o = this.offsets.get(dataset.id);
    return o === undefined ? dataset.offset : o;
  }

  /** True when a tracked dataset has changed since it was last checked. */
  pending(get: (id: string) => Dataset): boolean {
    for (const id of this.trackedDatasets()) {
      const d = get(id);
      if (d.offset > this.offsetOf(d)) return true;
    }
    return false;
  }

  /** Source ids to re-run because datasets they hopped into changed; advances the offsets. */
  dirtySources(get: (id: string) => Dataset): Set<string> {
    const dirty = new Set<string>();
    for (const id of this.trackedDatasets()) {
      const d = get(id);
      const from = this.offsetOf(d);
      this.offsets.set(id, d.offset);
      if (d.offset <= from) continue;
      const scanners = this.scans.get(id);
      if (scanners && scanners.size > 0) for (const s of scanners) dirty.add(s);
      const paths = this.byKey.get(id);
      if (!paths || paths.size === 0) continue;
      for (const v of d.versionsSince(from)) {
        for (const [path, keys] of paths) {
          if (keys.size === 0) continue;
          collect(keys, v.entity, path, dirty);
          if (v.previous) collect(keys, v.previous.entity, path, dirty);
        }
      }
    }
    return dirty;
  }

  /** Offsets the tracker has turned into re-runs so far (what it still needs from each dataset). */
  readOffsets(into: (dataset: string, offset: number) => void): void {
    for (const [id, o] of this.offsets) into(id, o);
  }

  /** Starts tracking `dataset` from its current offset (called before a pipe's first lookups). */
  touch(dataset: Dataset): void {
    if (!this.offsets.has(dataset.id)) this.offsets.set(dataset.id, dataset.offset);
  }
}

type Sources = string | Set<string>;

function collect(keys: Map<string, Sources>, entity: Entity, path: string, into: Set<string>): void {
  for (const v of entityPathValues(entity, path)) {
    const ids = keys.get(joinKey(v));
    if (typeof ids === 'string') into.add(ids);
    else if (ids) for (const s of ids) into.add(s);
  }
}
