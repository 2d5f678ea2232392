// The custom CRM API of DESIGN §4.2, in memory: JSON, snake_case, string ids, `updated_at` on
// every record, lines embedded in their order. It refuses what its JSON Schemas refuse (unknown
// fields, wrong types, missing required fields on POST), read-only fields (`id`, `created_at`,
// `updated_at`; a line `id` only when it names an existing line of that order), references to
// records that do not exist, and duplicates of its unique keys (product `sku`, order
// `order_number`).
import { inputError } from '../../errors';
import type { LogicalClock } from '../clock';
import { parseOffsetDateTime } from '../clock';
import { EmulatorBase } from './base';
import { checkDatatype, clone, intParam, isRecord, lookupParam, matchesSubset, ok } from './common';
import { fieldErrors, partialValidatorFor, schemaProperties, validatorFor, type FieldError } from './schemas';
import { RecordStore, field } from './store';
import type { EmulatorOptions, HttpRequest, HttpResponse, JsonRecord } from './types';

type Stored = 'contact' | 'customer' | 'order' | 'product';

const RESOURCES: Record<string, Stored> = { contacts: 'contact', customers: 'customer', orders: 'order', products: 'product' };
const ID_PREFIX: Record<Stored | 'line', string> = { contact: 'ct', customer: 'cu', order: 'or', product: 'pr', line: 'ol' };
/** Unique business keys per store (null never collides). */
const UNIQUE: Partial<Record<Stored, string[]>> = { product: ['sku'], order: ['order_number'] };
const FIRST_ID = 1001;

export const CRM_DATATYPES = ['contact', 'customer', 'order', 'orderline', 'product'] as const;

function problem(status: number, title: string, detail: string, errors?: FieldError[]): HttpResponse {
  return { status, body: { type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) } };
}

const badRequest = (errors: FieldError[]) =>
  problem(400, 'Bad Request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);

export class CrmEmulator extends EmulatorBase {
  readonly id: string;
  readonly datatypes = CRM_DATATYPES;
  private readonly stores = new Map<Stored, RecordStore>(
    (['contact', 'customer', 'order', 'product'] as const).map((d) => [d, this.newStore(d)]),
  );
  private readonly counters = new Map<string, number>();

  constructor(clock: LogicalClock, options: EmulatorOptions & { id?: string } = {}) {
    super(clock, options);
    this.id = options.id ?? 'customcrm';
  }

  private newStore(datatype: Stored): RecordStore {
    const indexes = Object.fromEntries((UNIQUE[datatype] ?? []).map((f) => [f, field(f)]));
    // Line ids are unique across orders: the index finds a line's order and free ids.
    if (datatype === 'order') indexes.lineId = (r) => ((r.lines as JsonRecord[] | undefined) ?? []).map((l) => l.id);
    return new RecordStore('updated_at', 'id', indexes);
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  protected route(req: HttpRequest, segments: string[]): HttpResponse {
    const datatype = RESOURCES[segments[0] ?? ''];
    if (!datatype || segments.length > 2) return problem(404, 'Not Found', `no resource /${segments.join('/')}`);
    const store = this.store(datatype);
    if (segments.length === 1) {
      if (req.method === 'GET') return this.list(datatype, req.query);
      if (req.method === 'POST') return this.create(datatype, req.body);
      return problem(405, 'Method Not Allowed', `${req.method} /${segments[0]} is not supported`);
    }
    const id = segments[1]!;
    const current = store.get(id);
    if (!current) return problem(404, 'Not Found', `${datatype} ${id} does not exist`);
    switch (req.method) {
      case 'GET':
        return ok(current);
      case 'PATCH':
        return this.update(datatype, current, req.body);
      case 'DELETE':
        store.delete(id);
        return { status: 204 };
      default:
        return problem(405, 'Method Not Allowed', `${req.method} /${segments[0]}/{id} is not supported`);
    }
  }

  private list(datatype: Stored, query: Record<string, string>): HttpResponse {
    const page = intParam(query, 'page', 1);
    const pageSize = intParam(query, 'page_size', 100, 1000);
    if (typeof page === 'string') return problem(400, 'Bad Request', page);
    if (typeof pageSize === 'string') return problem(400, 'Bad Request', pageSize);
    const sinceRaw = lookupParam(query, 'updated_since');
    let since: number | undefined;
    if (sinceRaw !== undefined && sinceRaw !== '') {
      since = parseOffsetDateTime(sinceRaw);
      if (since === undefined) return problem(400, 'Bad Request', `updated_since must be an ISO 8601 date-time with offset, got ${JSON.stringify(sinceRaw)}`);
    }
    return ok(this.store(datatype).changedAfter(since, (page - 1) * pageSize, pageSize));
  }

  private create(datatype: Stored, body: unknown): HttpResponse {
    const errors = this.checkWrite(datatype, body, undefined);
    if (errors.length > 0) return badRequest(errors);
    const record = clone(body as JsonRecord);
    const conflict = this.uniqueConflict(datatype, record, undefined);
    if (conflict) return conflict;
    record.id = this.newId(datatype);
    if (datatype === 'order') record.lines = this.withLineIds(record.lines);
    const at = this.clock.stamp();
    record.created_at = at;
    record.updated_at = at;
    this.store(datatype).set(record.id as string, record);
    return ok(record, 201);
  }

  private update(datatype: Stored, current: JsonRecord, body: unknown): HttpResponse {
    const errors = this.checkWrite(datatype, body, current);
    if (errors.length > 0) return badRequest(errors);
    const patch = clone(body as JsonRecord);
    const next = { ...current, ...patch };
    const conflict = this.uniqueConflict(datatype, next, current.id as string);
    if (conflict) return conflict;
    // `lines` replaces the whole list: lines with an id keep it, the others get new ones.
    if (datatype === 'order' && 'lines' in patch) next.lines = this.withLineIds(patch.lines);
    next.updated_at = this.clock.stamp();
    this.store(datatype).set(current.id as string, next);
    return ok(next);
  }

  /** Everything the API refuses in a POST (current undefined) or PATCH body, as field errors. */
  private checkWrite(datatype: Stored, body: unknown, current: JsonRecord | undefined): FieldError[] {
    if (!isRecord(body)) return [{ field: '/', message: 'the body must be a JSON object' }];
    const errors: FieldError[] = [];
    const properties = schemaProperties(`customcrm/${datatype}`);
    for (const key of Object.keys(body)) {
      if (properties[key]?.readOnly === true) errors.push({ field: `/${key}`, message: 'read-only field' });
    }
    if (datatype === 'order' && Array.isArray(body.lines)) {
      const existing = new Set(((current?.lines as JsonRecord[] | undefined) ?? []).map((l) => l.id));
      body.lines.forEach((line, i) => {
        if (!isRecord(line)) return;
        if ('id' in line && !existing.has(line.id)) {
          errors.push({ field: `/lines/${i}/id`, message: 'read-only field: only an existing line of this order may be named by id' });
        }
        if (line.order_id !== undefined && line.order_id !== null && line.order_id !== current?.id) {
          errors.push({ field: `/lines/${i}/order_id`, message: 'a line belongs to the order it is sent in' });
        }
      });
    }
    const validate = current ? partialValidatorFor(`customcrm/${datatype}`, true) : validatorFor(`customcrm/${datatype}`);
    if (!validate(body)) errors.push(...fieldErrors(validate.errors));
    if (errors.length > 0) return errors;
    errors.push(...this.referenceErrors(datatype, body));
    return errors;
  }

  /** References must name existing records (the CRM keeps referential integrity). */
  private referenceErrors(datatype: Stored, body: JsonRecord): FieldError[] {
    const errors: FieldError[] = [];
    const mustExist = (field: string, value: unknown, target: Stored) => {
      if (value === undefined || value === null) return;
      if (!this.store(target).has(String(value))) errors.push({ field, message: `${target} ${JSON.stringify(value)} does not exist` });
    };
    if (datatype === 'contact') mustExist('/customer_id', body.customer_id, 'customer');
    if (datatype === 'order') {
      mustExist('/customer_id', body.customer_id, 'customer');
      mustExist('/contact_id', body.contact_id, 'contact');
      if (Array.isArray(body.lines)) body.lines.forEach((l, i) => isRecord(l) && mustExist(`/lines/${i}/product_id`, l.product_id, 'product'));
    }
    return errors;
  }

  private uniqueConflict(datatype: Stored, record: JsonRecord, selfId: string | undefined): HttpResponse | undefined {
    for (const key of UNIQUE[datatype] ?? []) {
      const value = record[key];
      if (value === undefined || value === null) continue;
      for (const other of this.store(datatype).find(key, value)) {
        if (other.id !== selfId) {
          return problem(409, 'Conflict', `${key} ${JSON.stringify(value)} is already used by ${datatype} ${String(other.id)}`, [
            { field: `/${key}`, message: 'must be unique' },
          ]);
        }
      }
    }
    return undefined;
  }

  // ---- stores ---------------------------------------------------------------------------------

  private store(datatype: Stored): RecordStore {
    return this.stores.get(datatype)!;
  }

  private newId(kind: Stored | 'line'): string {
    const taken = (id: string) => (kind === 'line' ? this.store('order').find('lineId', id).length > 0 : this.store(kind).has(id));
    let n = this.counters.get(kind) ?? FIRST_ID;
    while (taken(`${ID_PREFIX[kind]}-${n}`)) n++;
    this.counters.set(kind, n + 1);
    return `${ID_PREFIX[kind]}-${n}`;
  }

  /** Lines as stored: without `order_id` (implied by the order), every line with an id. */
  private withLineIds(lines: unknown): JsonRecord[] {
    if (!Array.isArray(lines)) return [];
    return lines.map((raw) => {
      const { order_id: _orderId, ...line } = raw as JsonRecord;
      return 'id' in line && line.id !== null ? line : { ...line, id: this.newId('line') };
    });
  }

  private stored(datatype: string): Stored {
    checkDatatype(this.id, this.datatypes, datatype);
    return datatype as Stored;
  }

  records(datatype: string): JsonRecord[] {
    if (datatype === 'orderline') return this.flatLines().map(({ line }) => clone(line));
    return [...this.store(this.stored(datatype)).values()].map(clone);
  }

  /** Every line with its order's id, for matching and `records('orderline')`. */
  private flatLines(): { order: JsonRecord; index: number; line: JsonRecord }[] {
    const out: { order: JsonRecord; index: number; line: JsonRecord }[] = [];
    for (const order of this.store('order').values()) {
      ((order.lines as JsonRecord[] | undefined) ?? []).forEach((l, index) => out.push({ order, index, line: { ...l, order_id: order.id } }));
    }
    return out;
  }

  put(datatype: string, input: JsonRecord): JsonRecord {
    if (datatype === 'orderline') return this.putLine(input);
    const dt = this.stored(datatype);
    const record = clone(input);
    if (record.id === undefined || record.id === null) record.id = this.newId(dt);
    record.id = String(record.id);
    if (record.updated_at === undefined) record.updated_at = record.created_at ?? this.clock.stamp();
    if (record.created_at === undefined) record.created_at = record.updated_at;
    if (dt === 'order') record.lines = this.withLineIds(record.lines ?? []);
    this.store(dt).set(record.id as string, record);
    return clone(record);
  }

  private putLine(input: JsonRecord): JsonRecord {
    const order = this.store('order').get(String(input.order_id));
    if (!order) throw inputError(`customcrm orderline needs the order_id of an existing order, got ${JSON.stringify(input.order_id ?? null)}`);
    const [line] = this.withLineIds([input]);
    const lines = ((order.lines as JsonRecord[] | undefined) ?? []).slice();
    const at = lines.findIndex((l) => l.id === line!.id);
    if (at >= 0) lines[at] = line!;
    else lines.push(line!);
    order.lines = lines;
    order.updated_at = this.clock.stamp();
    this.store('order').set(order.id as string, order);
    return { ...clone(line!), order_id: order.id };
  }

  edit(datatype: string, where: JsonRecord, set: JsonRecord): number {
    if (datatype === 'orderline') {
      const hits = this.flatLines().filter(({ line }) => matchesSubset(line, where));
      const touched = new Set<JsonRecord>();
      for (const { order, index, line } of hits) {
        const { order_id: _o, ...rest } = { ...line, ...clone(set) };
        (order.lines as JsonRecord[])[index] = rest;
        touched.add(order);
      }
      for (const order of touched) {
        order.updated_at = this.clock.stamp();
        this.store('order').set(order.id as string, order);
      }
      return hits.length;
    }
    const dt = this.stored(datatype);
    const store = this.store(dt);
    const hits = [...store.values()].filter((r) => matchesSubset(r, where));
    for (const r of hits) {
      const next = { ...r, ...clone(set) };
      if (dt === 'order' && 'lines' in set) next.lines = this.withLineIds(set.lines);
      // An explicit updated_at in `set` wins, so scenarios can stage conflicting edits.
      next.updated_at = 'updated_at' in set ? set.updated_at : this.clock.stamp();
      store.set(r.id as string, next);
    }
    return hits.length;
  }

  remove(datatype: string, where: JsonRecord): number {
    if (datatype === 'orderline') {
      const hits = this.flatLines().filter(({ line }) => matchesSubset(line, where));
      const touched = new Set<JsonRecord>();
      for (const { order, line } of hits) {
        order.lines = (order.lines as JsonRecord[]).filter((l) => l.id !== line.id);
        touched.add(order);
      }
      for (const order of touched) {
        order.updated_at = this.clock.stamp();
        this.store('order').set(order.id as string, order);
      }
      return hits.length;
    }
    const store = this.store(this.stored(datatype));
    const hits = [...store.values()].filter((r) => matchesSubset(r, where));
    for (const r of hits) store.delete(r.id as string);
    return hits.length;
  }
}
