// The merge source, version 2 (Sesam's `merge` source with `version: 2`), run incrementally.
// Input entities are nodes; an equality rule `["eq", <alias-a expr>, <alias-b expr>]` links
// a node of a with a node of b when any of their values overlap (join semantics; null and []
// never match). Components of the link graph (found transitively) are the merged entities.
// Each run only recomputes the components that changed inputs belonged to or now reach, emits
// their merged entities, and emits a `_deleted`/`$replaced` marker for every merged `_id` that
// disappeared. Deleted inputs never merge; they are emitted on their own, deleted.
import { compileDtl, joinKey, type DtlContext, type Entity } from '../../dtl/index';
import { SesamflowError } from '../../errors';
import type { Dataset } from './dataset';
import { objectOf } from '../../dtl/shapes';

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
  values: (e: Entity) => unknown[];
}

interface Rule {
  left: Side;
  right: Side;
}

interface Node {
  key: string;
  alias: number;
  id: string;
  entity: Entity;
  /** Join keys per rule side this node is on. */
  keys: SideKeys[];
}

interface SideKeys {
  /** Index of this side: join key → node keys. */
  own: Map<string, NodeKeys>;
  /** Index of the other side of the same rule (where matches are found). */
  other: Map<string, NodeKeys>;
  keys: string[];
}

/** Node keys under one join key: a lone key as a string (the usual case), else a Set. */
type NodeKeys = string | Set<string>;

const nodeKey = (alias: number, id: string) => `${alias}\u0000${id}`;

/** Values of a plain alias path ("crm.x.y") read without the DTL evaluator. */
function pathValues(segments: string[]): (e: Entity) => unknown[] {
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
  private readonly rules: Rule[] = [];
  private readonly identity: 'first' | 'composite';
  private readonly strategy: 'default' | 'compact' | 'list';
  private readonly includeInternal: boolean;

  private readonly offsets: number[];
  private readonly nodes = new Map<string, Node>();
  /** Per rule: [left side index, right side index], join key → node keys. */
  private readonly index: [Map<string, NodeKeys>, Map<string, NodeKeys>][] = [];
  /** node key → merged `_id` it was last emitted under. */
  private readonly outputOf = new Map<string, string>();
  /** merged `_id` → node keys of that component. */
  private readonly members = new Map<string, string[]>();

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
    for (const eq of eqs) {
      this.rules.push({ left: this.side(eq[1]), right: this.side(eq[2]) });
      this.index.push([new Map(), new Map()]);
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
    this.datasetIds.forEach((dsId, alias) => {
      const ds = get(dsId);
      for (const v of ds.changedSince(this.offsets[alias]!)) {
        const key = nodeKey(alias, v.id);
        const old = this.nodes.get(key);
        if (old) {
          this.unindex(old);
          this.nodes.delete(key);
          removed.push(old);
        }
        if (v.entity._deleted === true) {
          deletedOut.push({ alias, entity: v.entity });
          continue;
        }
        const node: Node = { key, alias, id: v.id, entity: v.entity, keys: [] };
        this.rules.forEach((r, ri) => {
          const [left, right] = this.index[ri]!;
          if (r.left.alias === alias) node.keys.push({ own: left, other: right, keys: r.left.values(v.entity).map(joinKey) });
          if (r.right.alias === alias) node.keys.push({ own: right, other: left, keys: r.right.values(v.entity).map(joinKey) });
        });
        this.nodes.set(key, node);
        this.indexNode(node);
        changed.push(node);
      }
      this.offsets[alias] = ds.offset;
    });
    if (changed.length === 0 && removed.length === 0) return [];

    // Seeds: changed nodes and every member of the components they were in.
    const seeds = new Set<string>();
    const oldIds = new Set<string>();
    for (const n of [...changed, ...removed]) {
      seeds.add(n.key);
      const out = this.outputOf.get(n.key);
      if (out !== undefined) {
        oldIds.add(out);
        for (const m of this.members.get(out) ?? []) seeds.add(m);
      }
    }
    const visited = new Set<string>();
    const components: Node[][] = [];
    for (const seed of seeds) {
      if (visited.has(seed) || !this.nodes.has(seed)) continue;
      const comp: Node[] = [];
      const stack = [seed];
      visited.add(seed);
      while (stack.length > 0) {
        const node = this.nodes.get(stack.pop()!)!;
        comp.push(node);
        const prev = this.outputOf.get(node.key);
        if (prev !== undefined) oldIds.add(prev);
        for (const { other, keys } of node.keys) {
          for (const k of keys) {
            const found = other.get(k);
            if (found === undefined) continue;
            if (typeof found === 'string') {
              if (!visited.has(found)) {
                visited.add(found);
                stack.push(found);
              }
            } else
              for (const m of found)
                if (!visited.has(m)) {
                  visited.add(m);
                  stack.push(m);
                }
          }
        }
      }
      components.push(comp);
    }
    for (const n of removed) if (!this.nodes.has(n.key)) this.outputOf.delete(n.key);
    for (const id of oldIds) this.members.delete(id);

    const out: Entity[] = [];
    const newIds = new Set<string>();
    for (const comp of components) {
      comp.sort((a, b) => a.alias - b.alias || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const merged = this.mergeEntities(comp);
      const id = merged._id as string;
      newIds.add(id);
      this.members.set(id, comp.map((n) => n.key));
      for (const n of comp) this.outputOf.set(n.key, id);
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

  private indexNode(node: Node): void {
    for (const { own: idx, keys } of node.keys) {
      for (const k of keys) {
        const bucket = idx.get(k);
        if (bucket === undefined) idx.set(k, node.key);
        else if (typeof bucket !== 'string') bucket.add(node.key);
        else if (bucket !== node.key) idx.set(k, new Set([bucket, node.key]));
      }
    }
  }

  private unindex(node: Node): void {
    for (const { own: idx, keys } of node.keys) {
      for (const k of keys) {
        const bucket = idx.get(k);
        if (bucket === undefined) continue;
        if (typeof bucket === 'string') {
          if (bucket === node.key) idx.delete(k);
          continue;
        }
        bucket.delete(node.key);
        if (bucket.size === 0) idx.delete(k);
      }
    }
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

  private mergeEntities(comp: Node[]): Entity {
    const id = this.identity === 'first' ? comp[0]!.id : comp.map((n) => `${n.alias}|${n.id}`).join('|');
    const ids: unknown[] = [];
    const seenIds = new Set<string>();
    for (const n of comp) {
      const own = n.entity.$ids;
      const list = own === undefined || own === null ? [`~:${n.id}`] : Array.isArray(own) ? own : [own];
      for (const x of list) {
        const k = joinKey(x);
        if (!seenIds.has(k)) {
          seenIds.add(k);
          ids.push(x);
        }
      }
    }
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
    // Keys and values first, the object once at the end (a fast shape: see shapes.ts).
    const keys: string[] = ['_id'];
    const values: unknown[] = [id];
    const at = new Map<string, number>();
    const multi = new Set<number>();
    const internal = this.includeInternal;
    for (let i = 0; i < comp.length; i++) {
      const e = comp[i]!.entity;
      for (const k in e) {
        const v = e[k];
        if (v === undefined || k === '$ids') continue;
        if (k.charCodeAt(0) === 95 /* _ */ && (!internal || k === '_id' || k === '_updated' || k === '_hash' || k === '_deleted')) continue;
        const j = at.get(k);
        if (j === undefined) {
          at.set(k, keys.length);
          keys.push(k);
          values.push(v);
          continue;
        }
        // Values accumulate like merge-union: lists are concatenated, duplicates kept.
        let acc = values[j] as unknown[];
        if (!multi.has(j)) {
          acc = Array.isArray(acc) ? [...acc] : [acc];
          values[j] = acc;
          multi.add(j);
        }
        if (Array.isArray(v)) for (const x of v) acc.push(x);
        else acc.push(v);
      }
    }
    if (this.strategy === 'compact') {
      for (let j = keys.length - 1; j > 0; j--) {
        const v = values[j];
        if (!Array.isArray(v)) continue;
        const seen = new Set<string>();
        const uniq = v.filter((x) => {
          const key = joinKey(x);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        if (uniq.length === 0) {
          keys.splice(j, 1);
          values.splice(j, 1);
        } else values[j] = uniq.length === 1 ? uniq[0] : uniq;
      }
    }
    keys.push('$ids');
    values.push(ids);
    return objectOf(keys, values) as Entity;
  }
}
