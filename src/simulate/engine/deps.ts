// Dependency tracking for hops: while a pipe's transforms run on source entity S, every
// `lookup(path, value)` into dataset D is recorded as (D, path, value) → S. When D later
// changes, each changed entity's old and new values at the recorded paths name the source
// entities whose output may change; those are re-run on the pipe's next run.
import { entityPathValues, joinKey, type DatasetView, type Entity } from '../../dtl/index';
import type { Dataset } from './dataset';

/** The lookups into one dataset at one path: join key → source ids (a lone id as a string: most keys have one reader). */
interface Channel {
  readonly path: string;
  readonly keys: Map<string, Sources>;
}

export class DependencyTracker {
  /** dataset → path → its channel. */
  private readonly channels = new Map<string, Map<string, Channel>>();
  /** dataset → source ids that scanned the whole dataset. */
  private readonly scans = new Map<string, Set<string>>();
  /**
   * source id → what it recorded on its last run (cleared when it runs again), flat: a channel
   * followed by the join key, or a dataset id (a scan) followed by null. No object per lookup.
   */
  private readonly bySource = new Map<string, (Channel | string | null)[]>();
  /** dataset → offset up to which its changes have been turned into re-runs. */
  private readonly offsets = new Map<string, number>();
  current: string | undefined;

  constructor(private readonly excluded: ReadonlySet<string>) {}

  /** Forgets what `sourceId` depended on (it is about to run again). */
  reset(sourceId: string): void {
    const old = this.bySource.get(sourceId);
    if (!old) return;
    for (let i = 0; i < old.length; i += 2) {
      const what = old[i]!;
      if (typeof what === 'string') {
        this.scans.get(what)?.delete(sourceId);
        continue;
      }
      const key = old[i + 1] as string;
      const ids = what.keys.get(key);
      if (typeof ids === 'string') {
        if (ids === sourceId) what.keys.delete(key);
      } else ids?.delete(sourceId);
    }
    this.bySource.delete(sourceId);
  }

  private channel(dataset: string, path: string): Channel {
    let paths = this.channels.get(dataset);
    if (!paths) this.channels.set(dataset, (paths = new Map()));
    let channel = paths.get(path);
    if (!channel) paths.set(path, (channel = { path, keys: new Map() }));
    return channel;
  }

  private recordLookup(channel: Channel, key: string): void {
    const source = this.current;
    if (source === undefined) return;
    const ids = channel.keys.get(key);
    if (ids === undefined) channel.keys.set(key, source);
    else if (typeof ids === 'string') {
      if (ids === source) return;
      channel.keys.set(key, new Set([ids, source]));
    } else {
      if (ids.has(source)) return;
      ids.add(source);
    }
    this.remember(source, channel, key);
  }

  private recordScan(dataset: string): void {
    const source = this.current;
    if (source === undefined) return;
    let s = this.scans.get(dataset);
    if (!s) this.scans.set(dataset, (s = new Set()));
    if (s.has(source)) return;
    s.add(source);
    this.remember(source, dataset, null);
  }

  private remember(source: string, what: Channel | string, key: string | null): void {
    const list = this.bySource.get(source);
    if (list) list.push(what, key);
    else this.bySource.set(source, [what, key]);
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
    // One channel per path, found once per path rather than once per lookup.
    const byPath = new Map<string, Channel>();
    let touched = false;
    const touch = () => {
      if (touched) return;
      touched = true;
      this.touch(dataset);
    };
    return {
      get: (entityId) => dataset.get(entityId),
      all: () => {
        touch();
        this.recordScan(id);
        return dataset.all();
      },
      lookup: (path, value) => {
        if (value === null || value === undefined) return [];
        touch();
        let channel = byPath.get(path);
        if (!channel) byPath.set(path, (channel = this.channel(id, path)));
        const key = joinKey(value);
        this.recordLookup(channel, key);
        return dataset.lookupKey(path, key);
      },
    };
  }

  /** Datasets this pipe has hopped into (and has not yet caught up with). */
  trackedDatasets(): string[] {
    return [...new Set([...this.channels.keys(), ...this.scans.keys()])];
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
      const paths = this.channels.get(id);
      if (!paths || paths.size === 0) continue;
      for (const v of d.versionsSince(from)) {
        for (const { path, keys } of paths.values()) {
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
