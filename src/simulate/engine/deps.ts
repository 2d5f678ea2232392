// Dependency tracking for hops: while a pipe's transforms run on source entity S, every
// `lookup(path, value)` into dataset D is recorded as (D, path, value) → S. When D later
// changes, each changed entity's old and new values at the recorded paths name the source
// entities whose output may change; those are re-run on the pipe's next run.
import { entityPathValues, type DatasetView, type Entity } from '../../dtl/index';
import { indexKey, type Dataset } from './dataset';

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
   * source id → what it recorded on its last run, flat: a channel followed by the join key, or
   * a dataset id (a scan) followed by null. No object per lookup.
   */
  private readonly bySource = new Map<string, (Channel | string | null)[]>();
  /** dataset → offset up to which its changes have been turned into re-runs. */
  private readonly offsets = new Map<string, number>();
  private current: string | undefined;

  constructor(private readonly excluded: ReadonlySet<string>) {}

  /**
   * What the current source records in this run (compared with its last run at the end): the
   * first `freshLength` items of a scratch list kept between runs, copied only when it is new.
   */
  private readonly fresh: (Channel | string | null)[] = [];
  private freshLength = 0;

  /** `sourceId` is about to run: what it looks up from now on is recorded for it. */
  begin(sourceId: string | undefined): void {
    this.current = sourceId;
    this.freshLength = 0;
  }

  /**
   * The current source is done: its lookups replace those of its last run. Most runs look up
   * the same keys as the last one, which is then kept as it is.
   */
  end(): void {
    const source = this.current;
    this.current = undefined;
    if (source === undefined) return;
    const n = this.freshLength;
    const old = this.bySource.get(source);
    if (old && sameRecords(old, this.fresh, n)) return;
    if (old) this.forget(source, old);
    if (n === 0) {
      this.bySource.delete(source);
      return;
    }
    const fresh = this.fresh.slice(0, n);
    for (let i = 0; i < n; i += 2) {
      const what = fresh[i]!;
      if (typeof what === 'string') this.addScan(what, source);
      else addSource(what.keys, fresh[i + 1] as string, source);
    }
    this.bySource.set(source, fresh);
  }

  private forget(source: string, old: (Channel | string | null)[]): void {
    for (let i = 0; i < old.length; i += 2) {
      const what = old[i]!;
      if (typeof what === 'string') {
        this.scans.get(what)?.delete(source);
        continue;
      }
      const key = old[i + 1] as string;
      const ids = what.keys.get(key);
      if (typeof ids === 'string') {
        if (ids === source) what.keys.delete(key);
      } else if (ids) {
        ids.delete(source);
        if (ids.size === 0) what.keys.delete(key);
      }
    }
  }

  private addScan(dataset: string, source: string): void {
    let s = this.scans.get(dataset);
    if (!s) this.scans.set(dataset, (s = new Set()));
    s.add(source);
  }

  private channel(dataset: string, path: string): Channel {
    let paths = this.channels.get(dataset);
    if (!paths) this.channels.set(dataset, (paths = new Map()));
    let channel = paths.get(path);
    if (!channel) paths.set(path, (channel = { path, keys: new Map() }));
    return channel;
  }

  private record(what: Channel | string, key: string | null): void {
    const n = this.freshLength;
    this.fresh[n] = what;
    this.fresh[n + 1] = key;
    this.freshLength = n + 2;
  }

  private recordLookup(channel: Channel, key: string): void {
    if (this.current !== undefined) this.record(channel, key);
  }

  private recordScan(dataset: string): void {
    if (this.current !== undefined) this.record(dataset, null);
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
        const key = indexKey(value);
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
      d.versionsSince(from, (version, replaced) => {
        for (const { path, keys } of paths.values()) {
          if (keys.size === 0) continue;
          collect(keys, version, path, dirty);
          if (replaced) collect(keys, replaced, path, dirty);
        }
      });
    }
    return dirty;
  }

  /** Offsets the tracker has turned into re-runs so far (what it still needs from each dataset). */
  readOffsets(into: (dataset: string, offset: number) => void): void {
    for (const [id, o] of this.offsets) into(id, o);
  }

  /** Starts tracking `dataset` from its current offset (called before a pipe's first lookups). */
  touch(dataset: Dataset): void {
    if (this.offsets.has(dataset.id)) return;
    this.offsets.set(dataset.id, dataset.offset);
    // Changes from here on are read with the values they replaced (see dirtySources).
    dataset.keepsPrevious = true;
  }
}

type Sources = string | Set<string>;

function addSource(keys: Map<string, Sources>, key: string, source: string): void {
  const ids = keys.get(key);
  if (ids === undefined) keys.set(key, source);
  else if (typeof ids === 'string') {
    if (ids !== source) keys.set(key, new Set([ids, source]));
  } else ids.add(source);
}

/** The same lookups in the same order (join keys of strings are often the very same string). */
function sameRecords(a: readonly (Channel | string | null)[], b: readonly (Channel | string | null)[], n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function collect(keys: Map<string, Sources>, entity: Entity, path: string, into: Set<string>): void {
  for (const v of entityPathValues(entity, path)) {
    const ids = keys.get(indexKey(v));
    if (typeof ids === 'string') into.add(ids);
    else if (ids) for (const s of ids) into.add(s);
  }
}
