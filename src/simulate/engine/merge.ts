// The merge source, version 2 (Sesam's `merge` source with `version: 2`), run incrementally.
// Input entities are nodes; an equality rule `["eq", <alias-a expr>, <alias-b expr>]` links
// a node of a with a node of b when any of their values overlap (join semantics; null and []
// never match). Components of the link graph (found transitively) are the merged entities.
// Each run only recomputes the components that changed inputs belonged to or now reach, emits
// their merged entities, and emits a `_deleted`/`$replaced` marker for every merged `_id` that
// disappeared. Deleted inputs never merge; they are emitted on their own, deleted.
import { compileDtl, joinKey, type DtlContext, type Entity } from '../../dtl/index';
import { bucketAdd, bucketDelete, bucketItems, type Bucket } from '../buckets';
import { ObjectBuilder, indexKey } from './dataset';
import { SesamflowError } from '../../errors';
import type { Dataset } from './dataset';

type Json = Record<string, unknown>;

export interface MergeConfig {
  datasets: string[];
  equality?: unknown[];
  equality_sets?: unknown[];
  identity?: string;
  strategy?: string;
  include_internal_properties?: boolean;
}

interface Side {
  alias: number;
  values: (e: Entity) => readonly unknown[];
}

interface Node {
  readonly alias: number;
  readonly id: string;
  readonly entity: Entity;
  /** Join keys per equality side this node's alias is on (see MergeSource.slots): none, one, or several. */
  readonly keys: (string | readonly string[] | undefined)[];
  /** Merged `_id` this node was last emitted under; undefined once it is no input any more. */
  output: string | undefined;
  /** False once a newer version of the input replaced this node. */
  live: boolean;
}

/** One equality side an alias is on: where its keys go, and where their matches are. */
interface Slot {
  readonly values: (e: Entity) => readonly unknown[];
  readonly own: Map<string, Bucket<Node>>;
  readonly other: Map<string, Bucket<Node>>;
}

const NONE: readonly unknown[] = Object.freeze([]);

const keysAt = (keys: string | readonly string[] | undefined): readonly string[] => (keys === undefined ? [] : typeof keys === 'string' ? [keys] : keys);

/** Values of a plain alias path ("crm.x.y") read without the DTL evaluator. */
function pathValues(segments: string[]): (e: Entity) => readonly unknown[] {
  if (segments.length === 1) {
    // One property (the usual equality side): no list per level.
    const seg = segments[0]!;
    return (e) => {
      const v = e[seg];
      if (v === null || v === undefined) return NONE;
      if (!Array.isArray(v)) return [v];
      return v.filter((x) => x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0));
    };
  }
  return (e) => {
    let cur: unknown[] = [e];
    for (const seg of segments) {
      const next: unknown[] = [];
      for (const c of cur) {
        if (c === null || typeof c !== 'object' || Array.isArray(c)) continue;
        const v = (c as Json)[seg];
        if (v === null || v === undefined) continue;
        if (Array.isArray(v)) for (const x of v) next.push(x);
        else next.push(v);
      }
      cur = next;
    }
    return cur.filter((v) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  };
}

/** Replaces `alias.` paths by `_S.` so an expression side can run through the DTL evaluator. */
function rewriteAlias(raw: unknown, alias: string): unknown {
  if (typeof raw === 'string') return raw.startsWith(`${alias}.`) ? `_S.${raw.slice(alias.length + 1)}` : raw;
  if (Array.isArray(raw)) return raw[0] === 'literal' ? raw : raw.map((x) => rewriteAlias(x, alias));
  return raw;
}

function aliasesIn(raw: unknown, aliases: Map<string, number>, out: Set<string>): Set<string> {
  if (typeof raw === 'string') {
    const dot = raw.indexOf('.');
    if (dot > 0 && aliases.has(raw.slice(0, dot))) out.add(raw.slice(0, dot));
  } else if (Array.isArray(raw) && raw[0] !== 'literal') for (const x of raw.slice(1)) aliasesIn(x, aliases, out);
  return out;
}

export class MergeSource {
  private readonly datasetIds: string[];
  private readonly aliases = new Map<string, number>();
  private readonly identity: 'first' | 'composite';
  private readonly strategy: 'default' | 'compact' | 'list';
  private readonly includeInternal: boolean;

  private readonly offsets: number[];
  /** Per alias: input id → its node. */
  private readonly nodes: Map<string, Node>[];
  /** Per alias: the equality sides it is on. */
  private readonly slots: Slot[][];
  /** merged `_id` → the nodes of that component. */
  private readonly members = new Map<string, Node[]>();

  constructor(
    readonly pipeId: string,
    config: MergeConfig,
    private readonly dtlContext: () => DtlContext,
  ) {
    if (!Array.isArray(config.datasets) || config.datasets.length === 0)
      throw new SesamflowError(`pipe ${pipeId}: merge source needs "datasets"`, 'input');
    this.datasetIds = config.datasets.map((d, i) => {
      const [id, alias] = String(d).trim().split(/\s+/);
      if (!id || !alias) throw new SesamflowError(`pipe ${pipeId}: merge dataset "${d}" must be "<dataset-id> <alias>"`, 'input');
      this.aliases.set(alias, i);
      return id;
    });
    this.offsets = this.datasetIds.map(() => 0);
    this.nodes = this.datasetIds.map(() => new Map());
    this.identity = config.identity === 'composite' || config.identity === undefined ? 'composite' : 'first';
    if (config.identity !== undefined && config.identity !== 'first' && config.identity !== 'composite')
      throw new SesamflowError(`pipe ${pipeId}: merge identity "${config.identity}" is not supported (first, composite)`, 'input');
    const strategy = config.strategy ?? 'default';
    if (strategy !== 'default' && strategy !== 'compact' && strategy !== 'list')
      throw new SesamflowError(`pipe ${pipeId}: merge strategy "${strategy}" is not supported (default, compact, list)`, 'input');
    this.strategy = strategy;
    this.includeInternal = config.include_internal_properties === true;
    const eqs: unknown[][] = [];
    for (const e of config.equality ?? []) {
      if (!Array.isArray(e) || e[0] !== 'eq' || e.length !== 3)
        throw new SesamflowError(`pipe ${pipeId}: merge equality ${JSON.stringify(e)} must be ["eq", A, B]`, 'input');
      eqs.push(e);
    }
    for (const set of config.equality_sets ?? []) {
      if (!Array.isArray(set)) throw new SesamflowError(`pipe ${pipeId}: equality_sets entries must be lists of alias paths`, 'input');
      for (let i = 0; i + 1 < set.length; i++) eqs.push(['eq', set[i], set[i + 1]]);
    }
    this.slots = this.datasetIds.map(() => []);
    for (const eq of eqs) {
      const left = this.side(eq[1]);
      const right = this.side(eq[2]);
      const leftIndex = new Map<string, Bucket<Node>>();
      const rightIndex = new Map<string, Bucket<Node>>();
      this.slots[left.alias]!.push({ values: left.values, own: leftIndex, other: rightIndex });
      this.slots[right.alias]!.push({ values: right.values, own: rightIndex, other: leftIndex });
    }
  }

  private side(raw: unknown): Side {
    const found = aliasesIn(raw, this.aliases, new Set());
    if (found.size !== 1)
      throw new SesamflowError(`pipe ${this.pipeId}: each side of a merge equality must refer to exactly one alias: ${JSON.stringify(raw)}`, 'input');
    const alias = [...found][0]!;
    const index = this.aliases.get(alias)!;
    if (typeof raw === 'string') return { alias: index, values: pathValues(raw.slice(alias.length + 1).split('.')) };
    const dtl = compileDtl({ rules: { default: [['add', '_id', 'side'], ['add', 'v', rewriteAlias(raw, alias)]] } }, { propagateDeleted: false });
    return {
      alias: index,
      values: (e) => {
        const [t] = dtl.run(e, this.dtlContext());
        const v = t?.v;
        if (v === null || v === undefined) return [];
        return (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== undefined);
      },
    };
  }

  /** True when every entity read() returns is already in a dataset's stored form (no `_` properties to drop). */
  get emitsStoredForm(): boolean {
    return !this.includeInternal;
  }

  get inputs(): readonly string[] {
    return this.datasetIds;
  }

  /** Offsets this source has read its inputs up to (what it still needs from each). */
  readOffsets(into: (dataset: string, offset: number) => void): void {
    this.datasetIds.forEach((id, i) => into(id, this.offsets[i]!));
  }

  /** True when some input has versions this source has not read yet. */
  pending(get: (id: string) => Dataset): boolean {
    return this.datasetIds.some((id, i) => get(id).offset > this.offsets[i]!);
  }

  /** Reads what changed in the inputs and returns the merged entities to emit. */
  read(get: (id: string) => Dataset): Entity[] {
    const changed: Node[] = [];
    const removed: Node[] = [];
    const deletedOut: { alias: number; entity: Entity }[] = [];
    for (let alias = 0; alias < this.datasetIds.length; alias++) {
      const ds = get(this.datasetIds[alias]!);
      const nodes = this.nodes[alias]!;
      const slots = this.slots[alias]!;
      for (const entity of ds.changedSince(this.offsets[alias]!)) {
        const id = entity._id as string;
        const old = nodes.get(id);
        if (old) {
          this.unindex(old);
          nodes.delete(id);
          old.live = false;
          removed.push(old);
        }
        if (entity._deleted === true) {
          deletedOut.push({ alias, entity });
          continue;
        }
        const keys: Node['keys'] = new Array(slots.length);
        for (let i = 0; i < slots.length; i++) {
          const values = slots[i]!.values(entity);
          keys[i] = values.length === 0 ? undefined : values.length === 1 ? indexKey(values[0]) : values.map(indexKey);
        }
        const node: Node = { alias, id, entity, keys, output: undefined, live: true };
        nodes.set(id, node);
        this.indexNode(node);
        changed.push(node);
      }
      this.offsets[alias] = ds.offset;
    }
    if (changed.length === 0 && removed.length === 0) return [];

    // Seeds: changed nodes and every member of the components they were in.
    const seeds = new Set<Node>();
    const oldIds = new Set<string>();
    const seed = (n: Node) => {
      seeds.add(n);
      if (n.output === undefined) return;
      oldIds.add(n.output);
      for (const m of this.members.get(n.output) ?? []) seeds.add(m);
    };
    for (const n of changed) seed(n);
    for (const n of removed) seed(n);
    const visited = new Set<Node>();
    const components: Node[][] = [];
    for (const start of seeds) {
      if (visited.has(start) || !start.live) continue;
      const comp: Node[] = [];
      const stack = [start];
      visited.add(start);
      while (stack.length > 0) {
        const node = stack.pop()!;
        comp.push(node);
        if (node.output !== undefined) oldIds.add(node.output);
        this.eachKey(node, (slot, k) => {
          for (const m of bucketItems(slot.other.get(k)))
            if (!visited.has(m)) {
              visited.add(m);
              stack.push(m);
            }
        });
      }
      components.push(comp);
    }
    for (const id of oldIds) this.members.delete(id);

    const out: Entity[] = [];
    const newIds = new Set<string>();
    for (const comp of components) {
      comp.sort((a, b) => a.alias - b.alias || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const merged = this.mergeEntities(comp);
      const id = merged._id as string;
      newIds.add(id);
      this.members.set(id, comp);
      for (const n of comp) n.output = id;
      out.push(merged);
    }
    const deletedIds = new Set<string>();
    // Deleted inputs go out on their own, under the id they would have alone.
    for (const { alias, entity: e } of deletedOut) {
      const id = this.identity === 'first' ? String(e._id) : `${alias}|${String(e._id)}`;
      if (newIds.has(id)) continue;
      deletedIds.add(id);
      out.push({ ...this.contentOf(e), _id: id, _deleted: true });
    }
    for (const id of [...oldIds].sort()) {
      if (newIds.has(id) || deletedIds.has(id)) continue;
      out.push({ _id: id, _deleted: true, $replaced: true });
    }
    return out;
  }

  /** Calls `fn` with each equality slot of the node's alias and each join key the node has in it. */
  private eachKey(node: Node, fn: (slot: Slot, key: string) => void): void {
    const slots = this.slots[node.alias]!;
    for (let i = 0; i < slots.length; i++) {
      const keys = node.keys[i];
      if (keys === undefined) continue;
      for (const k of keysAt(keys)) fn(slots[i]!, k);
    }
  }

  private indexNode(node: Node): void {
    this.eachKey(node, ({ own }, k) => bucketAdd(own, k, node));
  }

  private unindex(node: Node): void {
    this.eachKey(node, ({ own }, k) => bucketDelete(own, k, node));
  }

  /** Properties that take part in merging (root `_` ones only with include_internal_properties). */
  private contentOf(e: Entity): Entity {
    const out: Entity = {};
    for (const [k, v] of Object.entries(e)) {
      if (k.startsWith('_') && k !== '_id' && !(this.includeInternal && k !== '_updated' && k !== '_hash')) continue;
      out[k] = v;
    }
    return out;
  }

  /** The component's `$ids`: each input's own (or `~:<id>`), each value once, in order. */
  private idsOf(comp: Node[]): unknown[] {
    const listOf = (n: Node): readonly unknown[] => {
      const own = n.entity.$ids;
      return own === undefined || own === null ? [`~:${n.id}`] : Array.isArray(own) ? own : [own];
    };
    if (comp.length === 1) {
      const list = listOf(comp[0]!);
      if (list.length <= 1) return [...list];
    }
    const ids: unknown[] = [];
    const seenIds = new Set<string>();
    for (const n of comp) {
      for (const x of listOf(n)) {
        const k = indexKey(x);
        if (!seenIds.has(k)) {
          seenIds.add(k);
          ids.push(x);
        }
      }
    }
    return ids;
  }

  /** Property → where mergeEntities put it in its last call that saw it (see there). */
  private readonly slotOf = new Map<string, { generation: number; at: number }>();
  private generation = 0;

  private mergeEntities(comp: Node[]): Entity {
    const id = this.identity === 'first' ? comp[0]!.id : comp.map((n) => `${n.alias}|${n.id}`).join('|');
    const ids = this.idsOf(comp);
    if (this.strategy === 'list') {
      return {
        _id: id,
        $ids: ids,
        $merged: comp.map((n) => {
          const c = this.contentOf(n.entity);
          if (!this.includeInternal) delete c._id;
          return c;
        }),
      };
    }
    // Keys and values first, the object once at the end (see ObjectBuilder).
    const builder = this.builder;
    const { keys, values } = builder;
    builder.add('_id', id);
    const internal = this.includeInternal;
    // Where each property went: its slot in the scratch map, valid only when stamped with this
    // call's generation (no map per merged entity). A lone input has no property twice.
    const generation = comp.length > 1 ? ++this.generation : 0;
    const slotOf = this.slotOf;
    let multi: Set<number> | undefined;
    for (let i = 0; i < comp.length; i++) {
      const e = comp[i]!.entity;
      for (const k in e) {
        const v = e[k];
        if (v === undefined || k === '$ids') continue;
        if (k.charCodeAt(0) === 95 /* _ */ && (!internal || k === '_id' || k === '_updated' || k === '_hash' || k === '_deleted')) continue;
        if (generation !== 0) {
          let slot = slotOf.get(k);
          if (slot === undefined) slotOf.set(k, (slot = { generation: 0, at: 0 }));
          if (slot.generation === generation) {
            const j = slot.at;
            // Values accumulate like merge-union: lists are concatenated, duplicates kept.
            let acc = values[j] as unknown[];
            if (!multi?.has(j)) {
              acc = Array.isArray(acc) ? [...acc] : [acc];
              values[j] = acc;
              (multi ??= new Set()).add(j);
            }
            if (Array.isArray(v)) for (const x of v) acc.push(x);
            else acc.push(v);
            continue;
          }
          slot.generation = generation;
          slot.at = builder.length;
        }
        builder.add(k, v);
      }
    }
    if (this.strategy === 'compact') {
      // Lists lose repeated values; a list left with one value is that value, an empty one goes.
      let w = 1;
      for (let j = 1; j < builder.length; j++) {
        let v = values[j];
        if (Array.isArray(v)) {
          const seen = new Set<string>();
          const uniq = v.filter((x) => {
            const key = joinKey(x);
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
          if (uniq.length === 0) continue;
          v = uniq.length === 1 ? uniq[0] : uniq;
        }
        keys[w] = keys[j]!;
        values[w++] = v;
      }
      values.fill(undefined, w, builder.length);
      builder.length = w;
    }
    builder.add('$ids', ids);
    return builder.build() as Entity;
  }

  private readonly builder = new ObjectBuilder();
}
