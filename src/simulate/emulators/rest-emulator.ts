// One generic emulated REST API, built from a system definition (and its optional emulation
// spec): the routes come from the datatypes' operations, the rules from their JSON Schemas and
// declarations. In memory, deterministic (ids from counters, times from the logical clock).
//
// What it enforces for every system:
//   - ids per key type (counters, prefixed counters or UUIDs), never reused;
//   - change timestamps (`updatedAt`) and creation stamps on every write; children without a
//     timestamp of their own move their parent's;
//   - read-only fields (not in the write model, or `readOnly`), unknown fields, create-only
//     fields (`x-createOnly`) in updates, required fields on insert, types and formats;
//   - unique keys (per datatype, or among the children of one parent) and references;
//   - locks (a record, and its children, refuse changes while the lock property holds a locked value);
//   - parent/child records: children without endpoints live inside their parent's record,
//     children with endpoints in their own store, inserted with their parent or on their own;
//   - paging and `since` on list calls; updates as JSON Patch or partial JSON per the system.
import { inputError } from '../../errors';
import type { DatatypeEmulation, EmulatorContext, EmulatorDefinition, FieldError, WriteEvent } from '../../model/emulator';
import type { DatatypeDefinition, RestOperation, SystemDefinition } from '../../model/system';
import { type LogicalClock, parseOffsetDateTime } from '../clock';
import {
  PatchError,
  applyJsonPatch,
  clone,
  intParam,
  isRecord,
  isWriteMethod,
  lookupParam,
  matchesSubset,
  nextCallSeq,
  parseJsonPatch,
  pointerSegments,
  setOwn,
  type PatchOperation,
} from './common';
import { SchemaValidators, fieldErrors } from './schemas';
import { type IndexKeys, RecordStore } from './store';
import type { EmulatedSystem, EmulatorOptions, HttpRequest, HttpResponse, JsonRecord, RequestLogEntry } from './types';

type Schema = Record<string, unknown>;
type Segment = { literal: string } | { field: string };
type RouteKind = 'list' | 'lookup' | 'insert' | 'update' | 'get' | 'delete';

interface Route {
  readonly method: string;
  readonly segments: readonly Segment[];
  readonly dt: Datatype;
  readonly kind: RouteKind;
}

const present = (v: unknown) => v !== undefined && v !== null;
const has = (o: object, k: string) => Object.hasOwn(o, k);
const UUID_PREFIX = '00000000-0000-4000-8000-';

/** A datatype as the emulator runs it: its definition, schemas, hooks and store. */
class Datatype {
  readonly name: string;
  readonly idField: string;
  readonly read: Record<string, Schema>;
  readonly write: Record<string, Schema>;
  readonly hooks: DatatypeEmulation;
  parent: Datatype | undefined;
  /** Children inside this datatype's records (no endpoints of their own). */
  readonly embedded: Datatype[] = [];
  /** Children in their own store, pointing at this datatype's records by their parent key. */
  readonly separate: Datatype[] = [];
  store: RecordStore | undefined;
  counter = 0;
  readonly seriesNext = new Map<string, number>();

  constructor(
    readonly def: DatatypeDefinition,
    readonly schemas: SchemaValidators,
    hooks: DatatypeEmulation | undefined,
  ) {
    this.name = def.name;
    this.idField = def.primaryKey;
    this.read = schemas.propertiesOf(def.schema);
    this.write = schemas.propertiesOf(def.writeSchema);
    this.hooks = hooks ?? {};
  }

  /** Lives inside its parent's records. */
  get isEmbedded(): boolean {
    return this.parent !== undefined && this.def.operations.insert === undefined;
  }

  get parentKey(): string | undefined {
    return this.def.parent?.key;
  }

  get parentProperty(): string | undefined {
    return this.def.parent?.property;
  }

  uniqueTop(): string[] {
    return (this.def.unique ?? []).filter((u): u is string => typeof u === 'string');
  }

  uniqueWithinParent(): string[] {
    return (this.def.unique ?? []).flatMap((u) => (typeof u === 'string' ? [] : [u.property]));
  }
}

/** Schema validators by the schema list they are built from: every emulator of a system in a run shares its compiled ones. */
const validators = new WeakMap<readonly unknown[], SchemaValidators>();
function validatorsFor(schemas: SystemDefinition['schemas']): SchemaValidators {
  let v = validators.get(schemas);
  if (!v) validators.set(schemas, (v = new SchemaValidators(schemas)));
  return v;
}

export class RestEmulator implements EmulatedSystem {
  readonly id: string;
  readonly datatypes: readonly string[];
  writes = 0;
  rejected = 0;
  readonly log: RequestLogEntry[] | undefined;
  private readonly byName = new Map<string, Datatype>();
  private readonly routes: Route[] = [];
  private readonly spec: EmulatorDefinition;
  private uuidCounter = 1;

  constructor(
    readonly system: SystemDefinition,
    spec: EmulatorDefinition | undefined,
    private readonly clock: LogicalClock,
    options: EmulatorOptions = {},
  ) {
    this.id = system.id;
    this.spec = spec ?? { system: system.id };
    this.log = options.log ? [] : undefined;
    this.enforceLocks = options.enforceLocks !== false;
    const schemas = validatorsFor(system.schemas);
    for (const def of Object.values(system.datatypes)) this.byName.set(def.name, new Datatype(def, schemas, this.spec.datatypes?.[def.name]));
    for (const dt of this.byName.values()) {
      const parentName = dt.def.parent?.datatype;
      if (!parentName) continue;
      const parent = this.byName.get(parentName);
      if (!parent) throw inputError(`${system.id} ${dt.name}: its parent datatype '${parentName}' is not a datatype of the system`);
      dt.parent = parent;
      (dt.isEmbedded ? parent.embedded : parent.separate).push(dt);
    }
    for (const dt of this.byName.values()) if (!dt.isEmbedded) dt.store = new RecordStore(dt.def.updatedAt ?? dt.parent?.def.updatedAt ?? '', dt.idField, this.indexesOf(dt));
    this.datatypes = [...this.byName.keys()];
    for (const dt of this.byName.values()) this.addRoutes(dt);
    // Most literal segments first: `SalesOrders/Complete` before `SalesOrders/{Id}`.
    this.routes.sort((a, b) => literalCount(b) - literalCount(a));
  }

  private readonly enforceLocks: boolean;

  private indexesOf(dt: Datatype): Record<string, IndexKeys> {
    const fields = new Set([...dt.uniqueTop(), ...Object.keys(dt.hooks.series ?? {})]);
    if (dt.parentKey && !dt.isEmbedded) fields.add(dt.parentKey);
    const indexes: Record<string, IndexKeys> = {};
    for (const f of fields) indexes[f] = (r) => [r[f]];
    // Ids of embedded children are unique across all parents.
    for (const child of dt.embedded) {
      indexes[`~${child.name}`] = (r) => ((r[child.parentProperty!] as JsonRecord[] | undefined) ?? []).map((c) => c[child.idField]);
    }
    return indexes;
  }

  // ---- routes ---------------------------------------------------------------------------------

  private addRoutes(dt: Datatype): void {
    const ops = dt.def.operations;
    const add = (kind: RouteKind, op: RestOperation | undefined, method = op?.method) => {
      if (!op || !method) return;
      this.routes.push({ method, segments: parseUrl(this.id, dt.name, op.url), dt, kind });
    };
    add('list', ops.list);
    add('lookup', ops.lookup);
    add('insert', ops.insert);
    add('update', ops.update);
    // The record's own URL also answers GET (without separately stored children) and DELETE.
    if (ops.update) {
      const same = ops.lookup && ops.lookup.url === ops.update.url;
      if (!same) add('get', ops.update, 'GET');
      add('delete', ops.update, 'DELETE');
    }
  }

  private match(method: string, segments: string[]): { route: Route; captures: Map<string, string> } | undefined {
    const fold = this.spec.caseInsensitivePaths === true;
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      const captures = new Map<string, string>();
      const ok = route.segments.every((s, i) => {
        const actual = segments[i]!;
        if ('literal' in s) return fold ? s.literal.toLowerCase() === actual.toLowerCase() : s.literal === actual;
        if (actual === '') return false;
        captures.set(s.field, actual);
        return true;
      });
      if (ok) return { route, captures };
    }
    return undefined;
  }

  handle(req: HttpRequest): HttpResponse {
    const method = req.method.toUpperCase();
    let path = req.path;
    if (path.charCodeAt(0) === 47 || path.charCodeAt(path.length - 1) === 47 /* / */) path = path.replace(/^\/+|\/+$/g, '');
    const request: HttpRequest = { method, path, query: { ...req.query }, headers: { ...req.headers }, body: clone(req.body) };
    const segments = path === '' ? [] : path.split('/');
    for (let i = 0; i < segments.length; i++) {
      if (!segments[i]!.includes('%')) continue;
      try {
        segments[i] = decodeURIComponent(segments[i]!);
      } catch {
        // A malformed escape is just an unknown path.
      }
    }
    const res = this.route(request, segments);
    const answer: HttpResponse = res.body === undefined ? { status: res.status } : { status: res.status, body: clone(res.body) };
    if (isWriteMethod(method)) {
      if (res.status >= 200 && res.status < 300) this.writes++;
      else if (res.status >= 400 && res.status < 500) this.rejected++;
    }
    this.log?.push({
      seq: nextCallSeq(),
      method,
      path,
      query: request.query,
      ...(req.body === undefined ? {} : { body: clone(req.body) }),
      status: answer.status,
      ...(answer.body === undefined ? {} : { response: clone(answer.body) }),
    });
    return answer;
  }

  private route(req: HttpRequest, segments: string[]): HttpResponse {
    const found = this.match(req.method, segments);
    if (!found) {
      const anyMethod = this.routes.some((r) => r.segments.length === segments.length && this.match(r.method, segments)?.route === r);
      return anyMethod
        ? this.problem(405, 'Method Not Allowed', `${req.method} /${segments.join('/')} is not supported`)
        : this.problem(404, 'Not Found', `no endpoint /${segments.join('/')}`);
    }
    const { route, captures } = found;
    const dt = route.dt;
    if (route.kind === 'list') return this.list(dt, req.query);
    if (route.kind === 'insert') return this.insert(dt, req.body, captures);
    const located = this.locate(dt, captures);
    if ('status' in located) return located;
    const { record, parent } = located;
    switch (route.kind) {
      case 'lookup':
        return this.ok(this.fullView(dt, record));
      case 'get':
        return this.ok(record);
      case 'update':
        return this.update(dt, record, parent, req.body);
      case 'delete':
        return this.delete(dt, record, parent);
    }
    return this.problem(405, 'Method Not Allowed', `${req.method} is not supported here`);
  }

  /** The record a URL names: its id, and every other captured field must match it. */
  private locate(dt: Datatype, captures: Map<string, string>): { record: JsonRecord; parent: JsonRecord | undefined } | HttpResponse {
    const id = captures.get(dt.idField);
    const record = id === undefined ? undefined : dt.store?.get(id);
    const label = `${dt.def.label} ${id ?? ''}`.trim();
    if (!record) return this.problem(404, 'Not Found', `${label} was not found`);
    for (const [field, value] of captures) {
      if (field !== dt.idField && String(record[field]) !== value) return this.problem(404, 'Not Found', `${label} was not found`);
    }
    const parent = dt.parent && dt.parentKey ? dt.parent.store?.get(String(record[dt.parentKey])) : undefined;
    return { record, parent };
  }

  // ---- answers --------------------------------------------------------------------------------

  private ok(body: unknown, status = 200): HttpResponse {
    return { status, body };
  }

  private problem(status: number, title: string, detail: string, errors?: readonly FieldError[]): HttpResponse {
    const body = this.spec.problem
      ? this.spec.problem(status, title, detail, errors)
      : { type: 'about:blank', title, status, detail, ...(errors ? { errors: [...errors] } : {}) };
    return { status, body };
  }

  private badRequest(errors: readonly FieldError[]): HttpResponse {
    return this.problem(400, this.spec.problem ? 'One or more validation errors occurred.' : 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }

  // ---- views ----------------------------------------------------------------------------------

  /** A record with its separately stored children (what an insert or a lookup answers). */
  private fullView(dt: Datatype, record: JsonRecord): JsonRecord {
    if (dt.separate.length === 0) return record;
    const out = { ...record };
    for (const child of dt.separate) setOwn(out, child.parentProperty!, this.childrenOf(child, record[dt.idField]));
    return out;
  }

  private childrenOf(child: Datatype, parentId: unknown): JsonRecord[] {
    if (child.isEmbedded) {
      const parent = child.parent!.store!.get(String(parentId));
      return ((parent?.[child.parentProperty!] as JsonRecord[] | undefined) ?? []).map((c) => ({ ...c, [child.parentKey!]: parent![child.parent!.idField] }));
    }
    return child.store!.find(child.parentKey!, parentId);
  }

  // ---- list -----------------------------------------------------------------------------------

  private list(dt: Datatype, query: Record<string, string>): HttpResponse {
    const spec = dt.def.operations.list?.list;
    const paging = this.spec.paging ?? { defaultSize: 100, maxSize: 1000 };
    const page = spec ? intParam(query, spec.pageParam, 1) : 1;
    const size = spec ? intParam(query, spec.pageSizeParam, paging.defaultSize, paging.maxSize) : paging.maxSize;
    if (typeof page === 'string') return this.problem(400, 'Bad Request', page);
    if (typeof size === 'string') return this.problem(400, 'Bad Request', size);
    let since: number | undefined;
    const sinceRaw = spec ? lookupParam(query, spec.sinceParam) : undefined;
    if (sinceRaw !== undefined && sinceRaw !== '') {
      since = parseOffsetDateTime(sinceRaw);
      if (since === undefined) return this.problem(400, 'Bad Request', `${spec!.sinceParam} must be an ISO 8601 date-time with offset, got ${JSON.stringify(sinceRaw)}`);
    }
    const rows = dt.store!.changedAfter(since, (page - 1) * size, size);
    if (rows.length === 0 && this.spec.emptyListStatus === 204) return { status: 204 };
    return this.ok(dt.def.lookupOnCollect ? rows : rows.map((r) => this.fullView(dt, r)));
  }

  // ---- write checks ---------------------------------------------------------------------------

  /** Read-only, unknown and (in updates) create-only top-level fields of a write body. */
  private accessErrors(dt: Datatype, body: JsonRecord, prefix: string, update: boolean, skip?: string): FieldError[] {
    const errors: FieldError[] = [];
    for (const key of Object.keys(body)) {
      if (key === skip) continue;
      const w = has(dt.write, key) ? dt.write[key] : undefined;
      if (!w || w.readOnly === true) errors.push({ field: `${prefix}/${key}`, message: has(dt.read, key) ? 'read-only field' : 'unknown field' });
      else if (update && w['x-createOnly'] === true) errors.push({ field: `${prefix}/${key}`, message: 'can only be set on create' });
    }
    return errors;
  }

  /** Children sent inside a parent's write body: access rules, and which existing children they may name. */
  private childBodyErrors(parent: Datatype, body: JsonRecord, current: JsonRecord | undefined): FieldError[] {
    const errors: FieldError[] = [];
    for (const child of [...parent.embedded, ...parent.separate]) {
      const items = body[child.parentProperty!];
      if (!Array.isArray(items)) continue;
      const existing = new Set(current ? this.childrenOf(child, current[parent.idField]).map((c) => c[child.idField]) : []);
      items.forEach((item, i) => {
        if (!isRecord(item)) return;
        const at = `/${child.parentProperty}/${i}`;
        const embedded = child.isEmbedded;
        errors.push(...this.accessErrors(child, item, at, false, embedded ? child.idField : undefined).filter((e) => !(embedded && e.field === `${at}/${child.parentKey}`)));
        if (embedded && has(item, child.idField) && present(item[child.idField]) && !existing.has(item[child.idField])) {
          errors.push({ field: `${at}/${child.idField}`, message: `read-only field: only an existing ${child.def.label.toLowerCase()} of this ${parent.def.label.toLowerCase()} may be named by ${child.idField}` });
        }
        const key = item[child.parentKey!];
        if (embedded && present(key) && key !== current?.[parent.idField]) {
          errors.push({ field: `${at}/${child.parentKey}`, message: `a ${child.def.label.toLowerCase()} belongs to the ${parent.def.label.toLowerCase()} it is sent in` });
        }
      });
    }
    return errors;
  }

  private schemaErrors(dt: Datatype, body: unknown, mode: 'insert' | 'update'): FieldError[] {
    const validate = mode === 'insert' ? dt.schemas.full(dt.def.writeSchema) : dt.schemas.partial(dt.def.writeSchema, this.system.updateStyle === 'partial-json');
    return validate(body) ? [] : fieldErrors(validate.errors);
  }

  /** Declared references of `record` (only the `fields` given, when given) must name existing records. */
  private referenceErrors(dt: Datatype, record: JsonRecord, prefix: string, fields?: Iterable<string>): FieldError[] {
    const errors: FieldError[] = [];
    const refs = dt.def.references ?? {};
    for (const field of fields ?? Object.keys(refs)) {
      const target = has(refs, field) ? refs[field] : undefined;
      const value = record[field];
      if (!target || !present(value)) continue;
      const other = this.byName.get(target);
      if (!other?.store?.has(String(value))) errors.push({ field: `${prefix}/${field}`, message: `${target} ${JSON.stringify(value)} does not exist` });
    }
    for (const child of dt.embedded) {
      const items = record[child.parentProperty!];
      if (Array.isArray(items)) items.forEach((c, i) => isRecord(c) && errors.push(...this.referenceErrors(child, c, `${prefix}/${child.parentProperty}/${i}`)));
    }
    return errors;
  }

  private context(at: string): EmulatorContext {
    return {
      now: at,
      get: (datatype, id) => (present(id) ? this.dt(datatype).store?.get(String(id)) : undefined),
      find: (datatype, property, value) => {
        const store = this.dt(datatype).store;
        if (!store) return [];
        return store.indexed(property) ? store.find(property, value) : [...store.values()].filter((r) => r[property] === value);
      },
      children: (childDatatype, parentId) => this.childrenOf(this.dt(childDatatype), parentId),
    };
  }

  private dt(name: string): Datatype {
    const dt = this.byName.get(name);
    if (!dt) throw inputError(`unknown datatype "${name}" for system ${this.id}; known: ${this.datatypes.join(', ')}`);
    return dt;
  }

  private check(dt: Datatype, event: WriteEvent, ctx: EmulatorContext): FieldError[] {
    return [...(dt.hooks.check?.(event, ctx) ?? [])];
  }

  /** A value that another record of the datatype (or a sibling) already holds → 409. */
  private uniqueConflict(dt: Datatype, record: JsonRecord, selfId: unknown, siblings: readonly JsonRecord[], at = ''): HttpResponse | undefined {
    const conflict = (field: string, detail: string) => this.problem(409, 'Conflict', detail, [{ field: `${at}/${field}`, message: 'must be unique' }]);
    for (const field of dt.uniqueTop()) {
      const value = record[field];
      if (!present(value) || !dt.store) continue;
      const other = dt.store.find(field, value).find((r) => String(r[dt.idField]) !== String(selfId));
      if (other) return conflict(field, `${field} ${JSON.stringify(value)} is already used by ${dt.name} ${String(other[dt.idField])}`);
    }
    for (const field of dt.uniqueWithinParent()) {
      const value = record[field];
      if (!present(value)) continue;
      const other = siblings.find((s) => s !== record && (selfId === undefined || String(s[dt.idField]) !== String(selfId)) && s[field] === value);
      if (other) return conflict(field, `${field} ${JSON.stringify(value)} is already used by another ${dt.def.label.toLowerCase()} of the same ${dt.parent!.def.label.toLowerCase()}`);
    }
    return undefined;
  }

  /** Why a record (or a child of a locked parent) may not change, or undefined. */
  private lockReason(dt: Datatype, record: JsonRecord | undefined): string | undefined {
    if (!this.enforceLocks || !record) return undefined;
    const lock = dt.def.lock;
    if (lock && lock.values.includes(record[lock.property] as string)) return `${dt.def.label} ${String(record[dt.idField])} is locked: ${lock.reason}`;
    return undefined;
  }

  private locked(reason: string): HttpResponse {
    return this.problem(400, 'Locked', reason);
  }

  // ---- insert ---------------------------------------------------------------------------------

  private insert(dt: Datatype, body: unknown, captures: Map<string, string>): HttpResponse {
    let parent: JsonRecord | undefined;
    const fromPath: JsonRecord = {};
    for (const [field, value] of captures) {
      if (field === dt.parentKey && dt.parent) {
        parent = dt.parent.store!.get(value);
        if (!parent) return this.problem(404, 'Not Found', `${dt.parent.def.label} ${value} was not found`);
        fromPath[field] = parent[dt.parent.idField];
        continue;
      }
      const target = dt.def.references?.[field];
      if (target) {
        const other = this.dt(target).store!.get(value);
        if (!other) return this.problem(404, 'Not Found', `${this.dt(target).def.label} ${value} was not found`);
        fromPath[field] = other[this.dt(target).idField];
      } else {
        fromPath[field] = value;
      }
    }
    if (!isRecord(body)) return this.badRequest([{ field: '/', message: 'the body must be a JSON object' }]);
    const errors = [...this.accessErrors(dt, body, '', false), ...this.childBodyErrors(dt, body, undefined)];
    const flagged = new Set(errors.map((e) => e.field));
    errors.push(...this.schemaErrors(dt, body, 'insert').filter((e) => !flagged.has(e.field)));
    if (errors.length > 0) return this.badRequest(errors);
    if (parent) {
      const reason = this.lockReason(dt.parent!, parent);
      if (reason) return this.locked(reason);
    }

    const at = this.clock.iso();
    const ctx = this.context(at);
    const record = this.readable(dt, body);
    Object.assign(record, fromPath);
    const children = dt.separate.map((child) => ({
      child,
      records: (Array.isArray(body[child.parentProperty!]) ? (body[child.parentProperty!] as JsonRecord[]) : []).map((c) => this.readable(child, c)),
    }));
    const refErrors = this.referenceErrors(dt, record, '');
    refErrors.push(...this.check(dt, { op: 'insert', record, at: '' }, ctx));
    for (const { child, records } of children) {
      records.forEach((c, i) => {
        const where = `/${child.parentProperty}/${i}`;
        refErrors.push(...this.referenceErrors(child, c, where), ...this.check(child, { op: 'insert', record: c, at: where }, ctx));
      });
    }
    if (refErrors.length > 0) return this.badRequest(refErrors);
    const siblings = parent ? this.childrenOf(dt, parent[dt.parent!.idField]) : [];
    const conflict = this.uniqueConflict(dt, record, undefined, siblings);
    if (conflict) return conflict;
    for (const { child, records } of children) {
      for (const [i, c] of records.entries()) {
        const dup = this.uniqueConflict(child, c, undefined, records, `/${child.parentProperty}/${i}`);
        if (dup) return dup;
      }
    }

    // Accepted: one change time for the whole write.
    this.clock.stamp();
    record[dt.idField] = this.newId(dt);
    this.number(dt, record);
    for (const f of dt.hooks.createdAt ?? []) record[f] = at;
    if (dt.def.updatedAt) record[dt.def.updatedAt] = at;
    for (const child of dt.embedded) if (has(record, child.parentProperty!)) record[child.parentProperty!] = this.withChildIds(child, record[child.parentProperty!]);
    dt.store!.set(String(record[dt.idField]), record);
    for (const { child, records } of children) {
      for (const c of records) this.storeChild(child, c, record, ctx, 'insert');
    }
    dt.hooks.compute?.(record, ctx, 'insert');
    dt.store!.set(String(record[dt.idField]), record);
    if (parent) this.touchParent(dt, parent, at);
    return this.ok(this.fullView(dt, record), dt.hooks.insertStatus ?? 201);
  }

  /** The fields of a write body that the read model has: what the stored record gets. */
  private readable(dt: Datatype, body: JsonRecord): JsonRecord {
    const out: JsonRecord = {};
    const separate = new Set(dt.separate.map((c) => c.parentProperty));
    for (const k of Object.keys(body)) if (has(dt.read, k) && !separate.has(k)) setOwn(out, k, clone(body[k]));
    return out;
  }

  private storeChild(child: Datatype, record: JsonRecord, parent: JsonRecord, ctx: EmulatorContext, reason: 'insert' | 'given'): void {
    if (!present(record[child.idField]) || reason === 'insert') record[child.idField] = this.newId(child);
    record[child.parentKey!] = parent[child.parent!.idField];
    child.store!.set(String(record[child.idField]), record);
    this.compute(child, record, ctx, reason);
    child.store!.set(String(record[child.idField]), record);
  }

  /** A child changed: its parent shows the change (time and computed values). */
  private touchParent(child: Datatype, parent: JsonRecord, at: string): void {
    const dt = child.parent!;
    if (dt.def.updatedAt) parent[dt.def.updatedAt] = at;
    dt.hooks.compute?.(parent, this.context(at), 'update');
    dt.store!.set(String(parent[dt.idField]), parent);
  }

  // ---- update ---------------------------------------------------------------------------------

  private update(dt: Datatype, current: JsonRecord, parent: JsonRecord | undefined, body: unknown): HttpResponse {
    const lock = dt.def.lock;
    const unlocks = lock !== undefined && this.sets(body, lock.property, (v) => !lock.values.includes(v as string));
    const reason = (unlocks ? undefined : this.lockReason(dt, current)) ?? (parent ? this.lockReason(dt.parent!, parent) : undefined);
    if (reason) return this.locked(reason);
    const result = this.system.updateStyle === 'json-patch' ? this.patchedJson(dt, current, body) : this.patchedPartial(dt, current, body);
    if ('status' in result) return result;
    const { next, touched } = result;
    const at = this.clock.iso();
    const ctx = this.context(at);
    const errors = [...this.referenceErrors(dt, next, '', touched), ...this.check(dt, { op: 'update', record: next, previous: current, at: '' }, ctx)];
    if (errors.length > 0) return this.badRequest(errors);
    const siblings = parent ? this.childrenOf(dt, parent[dt.parent!.idField]) : [];
    const conflict = this.uniqueConflict(dt, next, current[dt.idField], siblings);
    if (conflict) return conflict;
    this.clock.stamp();
    if (dt.def.updatedAt) next[dt.def.updatedAt] = at;
    dt.hooks.compute?.(next, ctx, 'update', current);
    dt.store!.set(String(current[dt.idField]), next);
    if (parent) this.touchParent(dt, parent, at);
    return this.ok(next);
  }

  /** Whether a write body sets `property` to a value passing `test` (JSON Patch or partial JSON). */
  private sets(body: unknown, property: string, test: (v: unknown) => boolean): boolean {
    if (Array.isArray(body)) return body.some((op) => isRecord(op) && op.path === `/${property}` && op.op !== 'remove' && test(op.value));
    return isRecord(body) && has(body, property) && test(body[property]);
  }

  /** A JSON Patch document applied to the record's write view (one `replace` per top-level property). */
  private patchedJson(dt: Datatype, current: JsonRecord, body: unknown): { next: JsonRecord; touched: Set<string> } | HttpResponse {
    let ops: PatchOperation[];
    try {
      ops = parseJsonPatch(body);
    } catch (e) {
      if (e instanceof PatchError) return this.badRequest([{ field: '/', message: e.message }]);
      throw e;
    }
    const touched = new Set<string>();
    const errors: FieldError[] = [];
    for (const op of ops) {
      const top = pointerSegments(op.path)[0]!;
      touched.add(top);
      errors.push(...this.accessErrors(dt, { [top]: null }, '', true));
    }
    if (errors.length > 0) return this.badRequest(errors);
    const view: JsonRecord = {};
    for (const k of Object.keys(current)) if (has(dt.write, k)) setOwn(view, k, current[k]);
    let patched: JsonRecord;
    try {
      patched = applyJsonPatch(view, ops);
    } catch (e) {
      if (e instanceof PatchError) return this.badRequest([{ field: '/', message: e.message }]);
      throw e;
    }
    const changed: JsonRecord = {};
    for (const k of touched) if (has(patched, k)) setOwn(changed, k, patched[k]);
    const typeErrors = this.schemaErrors(dt, changed, 'update');
    if (typeErrors.length > 0) return this.badRequest(typeErrors);
    const next = clone(current);
    for (const k of touched) {
      if (has(patched, k)) setOwn(next, k, patched[k]);
      else delete next[k];
    }
    return { next, touched };
  }

  /** A partial JSON body merged over the record (children lists replace the old ones whole). */
  private patchedPartial(dt: Datatype, current: JsonRecord, body: unknown): { next: JsonRecord; touched: Set<string> } | HttpResponse {
    if (!isRecord(body)) return this.badRequest([{ field: '/', message: 'the body must be a JSON object' }]);
    const errors = [...this.accessErrors(dt, body, '', true), ...this.childBodyErrors(dt, body, current)];
    const flagged = new Set(errors.map((e) => e.field));
    errors.push(...this.schemaErrors(dt, body, 'update').filter((e) => !flagged.has(e.field)));
    if (errors.length > 0) return this.badRequest(errors);
    const next = { ...current };
    for (const [k, v] of Object.entries(clone(body))) setOwn(next, k, v);
    for (const child of dt.embedded) if (has(body, child.parentProperty!)) next[child.parentProperty!] = this.withChildIds(child, body[child.parentProperty!]);
    return { next, touched: new Set(Object.keys(body)) };
  }

  private delete(dt: Datatype, record: JsonRecord, parent: JsonRecord | undefined): HttpResponse {
    const reason = this.lockReason(dt, record) ?? (parent ? this.lockReason(dt.parent!, parent) : undefined);
    if (reason) return this.locked(reason);
    const id = record[dt.idField];
    for (const other of this.byName.values()) {
      for (const [field, target] of Object.entries(other.def.references ?? {})) {
        if (target !== dt.name || !other.store) continue;
        const user = [...other.store.values()].find((r) => r[field] === id);
        if (user) return this.problem(409, 'Conflict', `${dt.def.label} ${String(id)} is in use by ${other.def.label} ${String(user[other.idField])}`);
      }
    }
    const at = this.clock.stamp();
    this.removeRecord(dt, record);
    if (parent) this.touchParent(dt, parent, at);
    return { status: 204 };
  }

  private removeRecord(dt: Datatype, record: JsonRecord): void {
    for (const child of dt.separate) for (const c of this.childrenOf(child, record[dt.idField])) child.store!.delete(String(c[child.idField]));
    dt.store!.delete(String(record[dt.idField]));
  }

  // ---- ids and numbers ------------------------------------------------------------------------

  private newId(dt: Datatype): unknown {
    const ids = dt.hooks.ids;
    if (ids === 'uuid') {
      let id: string;
      do id = `${UUID_PREFIX}${(this.uuidCounter++).toString(16).padStart(12, '0')}`;
      while (this.idTaken(id));
      return id;
    }
    const integer = dt.def.keyType === 'integer';
    const prefix = ids?.prefix ?? (integer ? '' : `${dt.name}-`);
    if (dt.counter === 0) dt.counter = ids?.first ?? 1;
    for (;;) {
      const n = dt.counter++;
      const id = integer ? n : `${prefix}${n}`;
      if (!this.idTakenIn(dt, id)) return id;
    }
  }

  private idTakenIn(dt: Datatype, id: unknown): boolean {
    if (dt.isEmbedded) return dt.parent!.store!.find(`~${dt.name}`, id).length > 0;
    return dt.store!.has(String(id));
  }

  private idTaken(id: string): boolean {
    for (const dt of this.byName.values()) if (dt.hooks.ids === 'uuid' && this.idTakenIn(dt, id)) return true;
    return false;
  }

  /** Series numbers (`Number`, `SalesOrderNo`) for the properties that have none. */
  private number(dt: Datatype, record: JsonRecord): void {
    for (const [field, first] of Object.entries(dt.hooks.series ?? {})) {
      if (present(record[field])) continue;
      let n = Math.max(first, dt.seriesNext.get(field) ?? first);
      while (dt.store!.find(field, n).length > 0) n++;
      dt.seriesNext.set(field, n + 1);
      record[field] = n;
    }
  }

  /** Embedded children as stored: without the parent key (implied), each with an id. */
  private withChildIds(child: Datatype, items: unknown): JsonRecord[] {
    if (!Array.isArray(items)) return [];
    return items.map((raw) => {
      const item = clone(raw as JsonRecord);
      delete item[child.parentKey!];
      if (!present(item[child.idField])) item[child.idField] = this.newId(child);
      return item;
    });
  }

  private compute(dt: Datatype, record: JsonRecord, ctx: EmulatorContext, reason: 'insert' | 'given' | 'edit'): void {
    if (!dt.hooks.compute) return;
    if (reason !== 'given') {
      dt.hooks.compute(record, ctx, reason);
      return;
    }
    // Given records keep the computed values they bring.
    const computed = clone(record);
    dt.hooks.compute(computed, ctx, 'given');
    for (const [k, v] of Object.entries(computed)) if (!has(record, k)) setOwn(record, k, v);
  }

  // ---- scenario access ------------------------------------------------------------------------

  records(datatype: string): JsonRecord[] {
    return this.held(this.dt(datatype)).map(clone);
  }

  /** The records as held (embedded ones with their parent's key), not copied: for reading only. */
  private held(dt: Datatype): JsonRecord[] {
    if (dt.isEmbedded) return [...dt.parent!.store!.values()].flatMap((p) => this.childrenOf(dt, p[dt.parent!.idField]));
    return [...dt.store!.values()];
  }

  /** The records that match `where` (an edit or delete step's), as held: read, never changed. */
  private matching(dt: Datatype, where: JsonRecord): JsonRecord[] {
    return this.held(dt).filter((r) => matchesSubset(r, where));
  }

  put(datatype: string, input: JsonRecord): JsonRecord {
    const dt = this.dt(datatype);
    const at = this.clock.iso();
    const ctx = this.context(at);
    const record = clone(input);
    if (dt.parent) {
      const key = dt.parentKey!;
      const parent = dt.parent.store!.get(String(record[key]));
      if (!parent) throw inputError(`needs the ${key} of an existing ${dt.parent.name} record, got ${JSON.stringify(record[key] ?? null)}`);
      if (dt.isEmbedded) {
        const [child] = this.withChildIds(dt, [record]);
        const list = ((parent[dt.parentProperty!] as JsonRecord[] | undefined) ?? []).slice();
        const i = list.findIndex((c) => c[dt.idField] === child![dt.idField]);
        if (i >= 0) list[i] = child!;
        else list.push(child!);
        this.checkGiven(dt, { ...child!, [key]: parent[dt.parent.idField] });
        parent[dt.parentProperty!] = list;
        this.clock.stamp();
        this.touchParent(dt, parent, at);
        return { ...clone(child!), [key]: parent[dt.parent.idField] };
      }
      this.storeChild(dt, record, parent, ctx, 'given');
      this.checkGiven(dt, record, () => dt.store!.delete(String(record[dt.idField])));
      this.clock.stamp();
      this.touchParent(dt, parent, at);
      return clone(record);
    }
    for (const field of this.pathFields(dt)) {
      if (!present(record[field])) throw inputError(`needs ${field}: its insert URL names it`);
    }
    const separate = dt.separate.map((child) => ({ child, items: Array.isArray(record[child.parentProperty!]) ? (record[child.parentProperty!] as JsonRecord[]) : undefined }));
    for (const child of dt.separate) delete record[child.parentProperty!];
    if (!present(record[dt.idField])) record[dt.idField] = this.newId(dt);
    if (dt.def.keyType === 'string') record[dt.idField] = String(record[dt.idField]);
    const updated = dt.def.updatedAt;
    const created = dt.hooks.createdAt ?? [];
    if (updated && record[updated] === undefined) record[updated] = created.map((f) => record[f]).find((v) => v !== undefined) ?? this.clock.stamp();
    for (const f of created) if (record[f] === undefined) record[f] = updated ? record[updated] : at;
    this.number(dt, record);
    for (const child of dt.embedded) record[child.parentProperty!] = this.withChildIds(child, record[child.parentProperty!] ?? []);
    const id = String(record[dt.idField]);
    dt.store!.set(id, record);
    for (const { child, items } of separate) {
      if (!items) continue;
      for (const old of this.childrenOf(child, record[dt.idField])) child.store!.delete(String(old[child.idField]));
      for (const item of items) this.storeChild(child, clone(item), record, ctx, 'given');
    }
    this.compute(dt, record, ctx, 'given');
    this.checkGiven(dt, record, () => this.removeRecord(dt, record));
    for (const child of dt.separate) for (const c of this.childrenOf(child, record[dt.idField])) this.checkGiven(child, c, () => this.removeRecord(dt, record));
    dt.store!.set(id, record);
    return clone(record);
  }

  /**
   * A given record must be what the system could hold: its read schema (types, formats, required
   * fields) applies. `undo` takes a half-stored record back out before the error is thrown.
   */
  private checkGiven(dt: Datatype, record: JsonRecord, undo?: () => void): void {
    const validate = dt.schemas.full(dt.def.schema);
    if (validate(record)) return;
    undo?.();
    const errors = fieldErrors(validate.errors);
    throw inputError(`does not fit the ${dt.def.label} read schema: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }

  /** Fields an insert URL names (`ContactId` in `ContactPersons/{{ … ContactId }}`). */
  private pathFields(dt: Datatype): string[] {
    const insert = dt.def.operations.insert;
    if (!insert) return [];
    return parseUrl(this.id, dt.name, insert.url).flatMap((s) => ('field' in s && s.field !== dt.idField ? [s.field] : []));
  }

  edit(datatype: string, where: JsonRecord, set: JsonRecord): number {
    const dt = this.dt(datatype);
    for (const child of dt.separate) {
      if (has(set, child.parentProperty!)) throw inputError(`${this.id} ${dt.name}: edit ${child.parentProperty} through the ${child.name} datatype`);
    }
    const hits = this.matching(dt, where);
    const ctx = () => this.context(this.clock.iso());
    for (const hit of hits) {
      if (dt.isEmbedded) {
        const parent = dt.parent!.store!.get(String(hit[dt.parentKey!]))!;
        const list = (parent[dt.parentProperty!] as JsonRecord[]).slice();
        const i = list.findIndex((c) => c[dt.idField] === hit[dt.idField]);
        const next = { ...list[i]!, ...clone(set) };
        delete next[dt.parentKey!];
        list[i] = next;
        parent[dt.parentProperty!] = list;
        const at = this.clock.stamp();
        this.touchParent(dt, parent, at);
        continue;
      }
      const current = dt.store!.get(String(hit[dt.idField]))!;
      const next = { ...current, ...clone(set) };
      for (const child of dt.embedded) if (has(set, child.parentProperty!)) next[child.parentProperty!] = this.withChildIds(child, set[child.parentProperty!]);
      const updated = dt.def.updatedAt;
      const explicit = updated !== undefined && has(set, updated);
      const at = explicit ? this.clock.iso() : this.clock.stamp();
      // An explicit change time in `set` wins, so scenarios can stage conflicting edits.
      if (updated) next[updated] = explicit ? set[updated] : at;
      this.compute(dt, next, ctx(), 'edit');
      dt.store!.set(String(current[dt.idField]), next);
      if (dt.parent) {
        const parent = dt.parent.store!.get(String(next[dt.parentKey!]));
        if (parent) this.touchParent(dt, parent, explicit ? this.clock.stamp() : at);
      }
    }
    return hits.length;
  }

  remove(datatype: string, where: JsonRecord): number {
    const dt = this.dt(datatype);
    const hits = this.matching(dt, where);
    for (const hit of hits) {
      if (dt.isEmbedded) {
        const parent = dt.parent!.store!.get(String(hit[dt.parentKey!]))!;
        parent[dt.parentProperty!] = (parent[dt.parentProperty!] as JsonRecord[]).filter((c) => c[dt.idField] !== hit[dt.idField]);
        this.touchParent(dt, parent, this.clock.stamp());
        continue;
      }
      const record = dt.store!.get(String(hit[dt.idField]));
      if (!record) continue;
      this.removeRecord(dt, record);
      if (dt.parent) {
        const parent = dt.parent.store!.get(String(record[dt.parentKey!]));
        if (parent) this.touchParent(dt, parent, this.clock.stamp());
      }
    }
    return hits.length;
  }
}

const literalCount = (r: Route) => r.segments.filter((s) => 'literal' in s).length;

/**
 * An operation URL as a route: literal segments, and `{{ … }}` segments naming the record field
 * they hold (the last name in the expression: `entity['$source'].ContactId` → `ContactId`).
 */
export function parseUrl(systemId: string, datatype: string, url: string): Segment[] {
  const path = url.split('?')[0]!.replace(/^\/+|\/+$/g, '');
  if (path === '') return [];
  return path.split('/').map((segment) => {
    if (!segment.includes('{')) return { literal: segment };
    const m = /^\{\{(.*)\}\}$/.exec(segment.trim());
    const names = m ? m[1]!.split('|')[0]!.match(/[A-Za-z_][A-Za-z0-9_]*/g) : null;
    if (!names) throw inputError(`${systemId} ${datatype}: cannot emulate the URL ${JSON.stringify(url)}: a segment must be plain text or one {{ expression }}`);
    return { field: names[names.length - 1]! };
  });
}
