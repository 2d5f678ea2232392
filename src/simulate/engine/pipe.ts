// One pipe at simulation time: its source (read incrementally), its transforms (compiled
// once), and its sink. `run()` processes what is new since the last run — changed source
// entities plus the ones whose hops saw a change — and writes the results.
import {
  applyNamespaces,
  applyNsConfig,
  compileDtl,
  stripNamespaces,
  type DtlContext,
  type Entity,
} from '../../dtl/index';
import { SesamflowError } from '../../errors';
import { CallFailure } from '../rest/operation';
import type { Dataset, DatasetStore, Ownership } from './dataset';
import { DependencyTracker } from './deps';
import { MergeSource } from './merge';
import type { RestSide, TemplateContext } from './rest-side';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface PipeEnvironment {
  readonly store: DatasetStore;
  readonly rest: RestSide;
  readonly now: () => Date;
  readonly uuid: () => string;
  readonly env: Record<string, unknown>;
  /** Node metadata default for `namespaced_identifiers`. */
  readonly namespacedIdentifiers: boolean;
  /** Record the ids of written entities in run results. */
  readonly trace?: boolean;
}

/** A call that failed the pipe run (the entity is retried on the next run). */
export interface PipeFailure {
  pipe: string;
  /** The source entity the run stopped at (undefined: the source itself failed). */
  entity: string | undefined;
  failure: CallFailure;
}

/** What one run of a pipe did. */
export interface PipeRunResult {
  pipe: string;
  /** Source entities processed. */
  read: number;
  /** New versions written to the sink (deletes included). */
  written: number;
  /** Ids of the entities written, when the engine traces. */
  writtenIds?: string[];
  /** The call that stopped the run, if one did. */
  failed?: PipeFailure;
}

type Step = (entity: Entity) => Entity[];

/** Datasets a DTL rules object reads through hops, apply-hops and lookup-entity. */
export function hopDatasets(raw: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(raw)) {
    const fn = raw[0];
    if (fn === 'hops' || fn === 'apply-hops') {
      for (const spec of raw.slice(fn === 'hops' ? 1 : 2))
        if (isObject(spec) && Array.isArray(spec.datasets))
          for (const d of spec.datasets) if (typeof d === 'string') out.add(d.trim().split(/\s+/)[0]!);
    }
    if (fn === 'lookup-entity' && typeof raw[1] === 'string') out.add(raw[1]);
    for (const x of raw) hopDatasets(x, out);
  } else if (isObject(raw)) for (const v of Object.values(raw)) hopDatasets(v, out);
  return out;
}

/**
 * Compiled DTL by transform config object: the same config (every scenario of a test run)
 * compiles once. Compiled rules keep no state between runs; the object is the whole key.
 */
const compiledTransforms = new WeakMap<object, ReturnType<typeof compileDtl>>();

/** hopDatasets of a rules object, once per object. */
const hopsByRules = new WeakMap<object, readonly string[]>();
function hopsOf(rules: unknown): readonly string[] {
  if (!isObject(rules)) return [...hopDatasets(rules)];
  let found = hopsByRules.get(rules);
  if (!found) hopsByRules.set(rules, (found = [...hopDatasets(rules)]));
  return found;
}

const resolveEnv = (v: unknown, env: Record<string, unknown>): unknown =>
  typeof v === 'string' ? v.replace(/\$ENV\(([^)]+)\)/g, (_m, name: string) => String(env[name] ?? '')) : v;

export class Pipe {
  readonly id: string;
  readonly source: Json;
  readonly sinkDataset: string | undefined;
  /** Datasets read through the source (strong dependencies). */
  readonly sourceDatasets: string[];
  /** Datasets read through hops (strong) and template share datasets (weak: run after). */
  readonly hopDatasets: string[];
  readonly templateDatasets: string[];
  /** True when a transform writes to a system (transform-share-rest). */
  readonly writesSystem: boolean;

  private readonly steps: Step[] = [];
  /** The last step is DTL: every output is a new top-level object nobody else holds (nested values may be shared). */
  private lastStepIsDtl = false;
  private readonly deps: DependencyTracker;
  private readonly dtlContext: DtlContext;
  private readonly templateContext: TemplateContext;
  private readonly merge: MergeSource | undefined;
  private readonly batchSize: number;
  private readonly deletionTracking: boolean;
  private readonly initialOffset: string;
  private readonly addNs: ReturnType<typeof applyNsConfig> | undefined;
  private readonly removeNs: boolean;
  private readonly restState: Record<string, unknown> = {};
  private readonly offsets = new Map<string, number>();
  /** Source entities not done because a call failed: re-read (latest version) on the next run. */
  private retry: string[] = [];

  constructor(
    readonly config: Json,
    private readonly envm: PipeEnvironment,
  ) {
    this.id = String(config._id);
    const fail = (msg: string) => new SesamflowError(`pipe ${this.id}: ${msg}`, 'input');
    let source = config.source;
    if (isObject(source) && source.type === 'conditional') {
      const value = String(resolveEnv(source.condition, envm.env));
      const alt = isObject(source.alternatives) ? source.alternatives[value] : undefined;
      if (!isObject(alt)) throw fail(`conditional source has no alternative for "${value}"`);
      source = alt;
    }
    if (!isObject(source)) throw fail('has no source');
    this.source = source;

    const sink = config.sink === undefined ? { type: 'dataset' } : config.sink;
    if (!isObject(sink)) throw fail('sink must be an object');
    if (sink.type === 'dataset') this.sinkDataset = typeof sink.dataset === 'string' ? sink.dataset : this.id;
    else if (sink.type !== 'null') throw fail(`sink type "${String(sink.type)}" is not supported by the simulator (dataset, null)`);
    this.deletionTracking = sink.deletion_tracking !== false;
    this.initialOffset = typeof sink.set_initial_offset === 'string' ? sink.set_initial_offset : 'if-source-populated';
    if (this.sinkDataset && this.initialOffset === 'onload') envm.store.get(this.sinkDataset).populated = true;
    this.batchSize = typeof config.batch_size === 'number' && config.batch_size > 0 ? config.batch_size : 100;

    const nsOn = typeof config.namespaced_identifiers === 'boolean' ? config.namespaced_identifiers : envm.namespacedIdentifiers;
    const namespaces = isObject(config.namespaces) ? config.namespaces : {};
    const propertyNs = typeof namespaces.property === 'string' ? namespaces.property : this.id;
    const identityNs = typeof namespaces.identity === 'string' ? namespaces.identity : this.id;
    const addDefault = nsOn && ['embedded', 'csv', 'sql', 'ldap', 'kafka', 'json', 'http_endpoint'].includes(String(source.type));
    this.addNs =
      (config.add_namespaces ?? addDefault) === true
        ? applyNsConfig({ property_namespace: propertyNs, identity_namespace: identityNs })
        : undefined;
    this.removeNs = config.remove_namespaces === true;

    this.deps = new DependencyTracker(new Set(this.sinkDataset ? [this.sinkDataset] : []));
    const store = envm.store;
    this.dtlContext = {
      dataset: (id) => this.deps.view(store.get(id)),
      now: envm.now,
      uuid: envm.uuid,
      namespaces: { enabled: nsOn, property: propertyNs, identity: identityNs },
    };
    this.templateContext = { pipeId: this.id, dataset: (id) => this.deps.view(store.get(id)), dtl: this.dtlContext };

    // Source datasets.
    const t = String(source.type);
    switch (t) {
      case 'dataset':
        if (typeof source.dataset !== 'string') throw fail('dataset source needs "dataset"');
        this.sourceDatasets = [source.dataset];
        break;
      case 'merge':
        this.merge = new MergeSource(this.id, source as never, () => this.dtlContext);
        this.sourceDatasets = [...this.merge.inputs];
        break;
      case 'merge_datasets':
      case 'union_datasets':
        if (!Array.isArray(source.datasets)) throw fail(`${t} source needs "datasets"`);
        this.sourceDatasets = source.datasets.map(String);
        if (t === 'union_datasets') throw fail('union_datasets sources are not supported by the simulator');
        break;
      case 'embedded':
        if (!Array.isArray(source.entities)) throw fail('embedded source needs "entities"');
        this.sourceDatasets = [];
        break;
      case 'rest':
        this.sourceDatasets = [];
        break;
      default:
        throw fail(`source type "${t}" is not supported by the simulator (dataset, merge, merge_datasets, embedded, rest, conditional)`);
    }

    // Transforms.
    const transforms = config.transform === undefined ? [] : Array.isArray(config.transform) ? config.transform : [config.transform];
    const hops = new Set<string>();
    const templates = new Set<string>();
    let writesSystem = false;
    transforms.forEach((tr, i) => {
      if (!isObject(tr)) throw fail(`transform [${i}] must be an object`);
      const where = `transform${transforms.length > 1 ? `[${i}]` : ''}`;
      switch (tr.type) {
        case 'dtl': {
          if (!isObject(tr.rules)) throw fail(`${where}: dtl transform needs "rules"`);
          let compiled = compiledTransforms.get(tr);
          try {
            if (!compiled) compiledTransforms.set(tr, (compiled = compileDtl(tr as { rules: Json; id_required?: boolean })));
          } catch (error) {
            if (error instanceof SesamflowError) throw new SesamflowError(`pipe ${this.id} ${where}: ${error.message}`, error.kind, error.details);
            throw error;
          }
          for (const d of hopsOf(tr.rules)) hops.add(d);
          this.steps.push((e) => compiled.run(e, this.dtlContext));
          this.lastStepIsDtl = i === transforms.length - 1;
          break;
        }
        case 'template': {
          const props = isObject(tr.properties) ? tr.properties : {};
          if (typeof props.share_dataset === 'string') templates.add(props.share_dataset);
          // Payload rewrite rules may hop (e.g. into the global, to block a second insert).
          for (const d of hopsOf(props.rewrite_rules_payload)) hops.add(d);
          if (tr.template === 'transform-collect-rest') this.steps.push((e) => envm.rest.collect(props, [e], this.templateContext));
          else if (tr.template === 'transform-share-rest') {
            writesSystem = true;
            this.steps.push((e) => envm.rest.share(props, e, this.templateContext));
          }
          else throw fail(`${where}: template "${String(tr.template)}" is not supported by the simulator`);
          break;
        }
        case 'emit_children':
          this.steps.push((e) => {
            const kids = e.$children;
            if (!Array.isArray(kids)) return [];
            return kids.filter((k): k is Entity => isObject(k) && typeof k._id === 'string');
          });
          break;
        default:
          throw fail(`${where}: transform type "${String(tr.type)}" is not supported by the simulator (dtl, template, emit_children)`);
      }
    });
    this.writesSystem = writesSystem;
    this.hopDatasets = [...hops].sort();
    this.templateDatasets = [...templates].filter((d) => d !== this.sinkDataset).sort();
  }

  /** Reports, per dataset, the offset this pipe has read up to (older versions it no longer needs). */
  readOffsets(into: (dataset: string, offset: number) => void): void {
    for (const id of this.sourceDatasets) if (this.source.type !== 'merge') into(id, this.offsets.get(id) ?? 0);
    this.merge?.readOffsets(into);
    this.deps.readOffsets(into);
  }

  get isRestSource(): boolean {
    return this.source.type === 'rest';
  }

  private ds(id: string): Dataset {
    return this.envm.store.get(id);
  }

  /** True when a run could do something (new input, hop changes, or a non-incremental source). */
  pending(): boolean {
    if (this.retry.length > 0) return true;
    if (this.sinkDataset && this.initialOffset !== 'never' && !this.ds(this.sinkDataset).populated && this.sourcePopulated()) return true;
    switch (this.source.type) {
      case 'dataset': {
        const id = this.sourceDatasets[0]!;
        return this.ds(id).offset > (this.offsets.get(id) ?? 0) || this.deps.pending((d) => this.ds(d));
      }
      case 'merge':
        return this.merge!.pending((d) => this.ds(d));
      case 'merge_datasets':
        return this.sourceDatasets.some((id) => this.ds(id).offset > (this.offsets.get(id) ?? 0));
      default:
        return true;
    }
  }

  /** Source entities to process this run, and whether this is a full read (for deletion tracking). */
  private read(): { entities: Entity[]; full: boolean } {
    const s = this.source;
    switch (s.type) {
      case 'dataset': {
        const id = this.sourceDatasets[0]!;
        const ds = this.ds(id);
        const from = this.offsets.get(id) ?? 0;
        const dirty = this.deps.dirtySources((d) => this.ds(d));
        const out: Entity[] = [];
        const seen = new Set<string>();
        // Entities a failed call left undone go first, in their latest version.
        for (const rid of this.retry) {
          const e = ds.get(rid);
          if (e && !seen.has(rid)) {
            seen.add(rid);
            out.push(e);
          }
        }
        this.retry = [];
        for (const e of ds.changedSince(from)) {
          const eid = e._id as string;
          if (seen.has(eid)) continue;
          seen.add(eid);
          out.push(e);
        }
        this.offsets.set(id, ds.offset);
        for (const sid of dirty) {
          if (seen.has(sid)) continue;
          const e = ds.get(sid);
          if (e) out.push(e);
        }
        const entities = s.include_replaced === false ? out.filter((e) => e.$replaced !== true) : out;
        return { entities, full: false };
      }
      case 'merge':
        return { entities: this.merge!.read((d) => this.ds(d)), full: false };
      case 'merge_datasets':
        return { entities: this.readMergeDatasets(), full: false };
      case 'embedded':
        return { entities: (s.entities as unknown[]).filter(isObject), full: true };
      case 'rest':
        return { entities: this.envm.rest.readSource(this.id, s, this.restState), full: s.supports_since !== true };
      default:
        return { entities: [], full: false };
    }
  }

  private readMergeDatasets(): Entity[] {
    const changed = new Set<string>();
    for (const id of this.sourceDatasets) {
      const ds = this.ds(id);
      for (const e of ds.changedSince(this.offsets.get(id) ?? 0)) changed.add(e._id as string);
      this.offsets.set(id, ds.offset);
    }
    const strategy = this.source.strategy ?? 'latest';
    const out: Entity[] = [];
    for (const eid of changed) {
      if (strategy === 'all') {
        const merged: Entity = { _id: eid };
        let live = false;
        for (const id of this.sourceDatasets) {
          const e = this.ds(id).get(eid);
          if (e) merged[id] = e;
          if (e && e._deleted !== true) live = true;
        }
        if (!live) merged._deleted = true;
        out.push(merged);
      } else {
        let best: { ts: number; entity: Entity } | undefined;
        for (const id of this.sourceDatasets) {
          const ds = this.ds(id);
          const ts = ds.writtenAt(eid);
          if (ts !== undefined && (!best || ts > best.ts)) best = { ts, entity: ds.get(eid)! };
        }
        if (best) out.push(best.entity);
      }
    }
    return out;
  }

  /** A source counts as populated once its datasets are (non-dataset sources: after their first read). */
  private sourcePopulated(): boolean {
    return this.sourceDatasets.every((id) => this.ds(id).populated);
  }

  run(): PipeRunResult {
    const sink = this.sinkDataset ? this.ds(this.sinkDataset) : undefined;
    if (sink && this.initialOffset === 'initially') sink.populated = true;
    const result = this.process(sink);
    if (sink && (this.initialOffset === 'always' || (this.initialOffset === 'if-source-populated' && this.sourcePopulated()))) sink.populated = true;
    return result;
  }

  private process(sink: Dataset | undefined): PipeRunResult {
    let source;
    try {
      source = this.read();
    } catch (error) {
      // The source itself failed (a list call): nothing read, its state unchanged; the next run reads again.
      if (error instanceof CallFailure) return { pipe: this.id, read: 0, written: 0, failed: { pipe: this.id, entity: undefined, failure: error } };
      throw error;
    }
    const { entities, full } = source;
    const result: PipeRunResult = { pipe: this.id, read: entities.length, written: 0, ...(this.envm.trace ? { writtenIds: [] } : {}) };
    if (entities.length === 0 && !full) return result;
    const seen = full && this.deletionTracking && sink ? new Set<string>() : undefined;
    // A merge source builds a new entity for every output: with nothing in between, the sink may keep it as is.
    const owned: Ownership =
      this.merge !== undefined && this.steps.length === 0 && !this.removeNs && !this.addNs
        ? this.merge.emitsStoredForm
          ? 'stored-form'
          : 'owned'
        : this.lastStepIsDtl && !this.removeNs
          ? 'owned'
          : 'borrowed';
    let batch: Entity[] = [];
    const flush = () => {
      if (sink)
        for (const e of batch) {
          seen?.add(String(e._id));
          const r = sink.write(e, owned);
          if (r === 'new' || r === 'deleted') {
            result.written++;
            result.writtenIds?.push(String(e._id));
          }
        }
      batch = [];
    };
    for (let index = 0; index < entities.length; index++) {
      const entity = entities[index]!;
      const sourceId = typeof entity._id === 'string' ? entity._id : undefined;
      this.deps.begin(sourceId);
      let out: Entity[] = [this.addNs ? applyNamespaces(entity, this.addNs) : entity];
      try {
        for (const step of this.steps) {
          if (out.length === 1) out = step(out[0]!);
          else {
            const next: Entity[] = [];
            for (const e of out) next.push(...step(e));
            out = next;
          }
          if (out.length === 0) break;
        }
      } catch (error) {
        if (error instanceof CallFailure) {
          // As a node's pump: what was done is kept, this entity and the rest wait for the next run.
          flush();
          this.retry = entities.slice(index).flatMap((e) => (typeof e._id === 'string' ? [e._id] : []));
          result.failed = { pipe: this.id, entity: sourceId, failure: error };
          return result;
        }
        const where = `pipe ${this.id}, source entity ${JSON.stringify(entity._id ?? null)}`;
        if (error instanceof SesamflowError) throw new SesamflowError(`${where}: ${error.message}`, error.kind, error.details);
        throw new SesamflowError(`${where}: ${error instanceof Error ? error.message : String(error)}`, 'problems');
      } finally {
        this.deps.end();
      }
      for (const e of out) {
        if (typeof e._id !== 'string') continue;
        batch.push(this.removeNs ? (stripNamespaces(e) as Entity) : e);
      }
      if (batch.length >= this.batchSize) flush();
    }
    flush();
    if (seen && sink) {
      for (const id of [...sink.ids()]) if (!seen.has(id) && sink.delete(id)) result.written++;
    }
    return result;
  }
}
