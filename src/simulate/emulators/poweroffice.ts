// PowerOffice Go v2 (reference/sesam-talk-poweroffice.md §2), in memory: Customers,
// ContactPersons, SalesOrders with their lines, Products. PascalCase, int64 ids from counters,
// UUIDs (deterministic, from a counter) for sales orders and lines, LastChangedDateTimeOffset
// stamped on every write, JSON Patch updates, ProblemDetails errors.
//
// Refused like the API refuses them: unknown and read-only fields (the read model's readOnly and
// anything outside the write model), POST-only fields (`x-postOnly`) in a PATCH, missing required
// fields on POST, wrong types, duplicate integrator keys (customer ExternalImportReference and
// ExternalNumber, order ExternalImportReference, line ExternalImportReference within its order,
// contact person ExternalCode, product Code) and references to records that do not exist.
// A contact person's owner is given only by the POST path. Lists answer 204 when empty.
//
// Simplifications, on purpose: every line is taxed at 25 % VAT; a line change moves its order's
// LastChangedDateTimeOffset (lines have no change time of their own, and the sync reads lines
// through their order); properties that were never set are left out of responses instead of null.
import { inputError } from '../../errors';
import type { LogicalClock } from '../clock';
import { parseOffsetDateTime } from '../clock';
import { EmulatorBase } from './base';
import {
  PatchError,
  applyJsonPatch,
  checkDatatype,
  clone,
  intParam,
  isRecord,
  lookupParam,
  matchesSubset,
  money,
  ok,
  parseJsonPatch,
  pointerSegments,
  type PatchOperation,
} from './common';
import { fieldErrors, partialValidatorFor, schemaProperties, validatorFor, type FieldError } from './schemas';
import { RecordStore, field } from './store';
import type { EmulatorOptions, HttpRequest, HttpResponse, JsonRecord } from './types';

/** Indexed fields: unique integrator keys, numbers, and parent ids. */
const INDEXED: Record<Datatype, string[]> = {
  customers: ['ExternalImportReference', 'ExternalNumber', 'Number'],
  contactperson: ['ExternalCode', 'ContactId'],
  product: ['Code'],
  salesorders: ['ExternalImportReference', 'SalesOrderNo', 'CustomerId'],
  salesorderlines: ['SalesOrderId'],
};

export const POWEROFFICE_DATATYPES = ['contactperson', 'customers', 'salesorders', 'salesorderlines', 'product'] as const;
type Datatype = (typeof POWEROFFICE_DATATYPES)[number];

const FIRST_ID: Record<'customers' | 'contactperson' | 'product', number> = { customers: 10001, contactperson: 20001, product: 30001 };
const FIRST_CUSTOMER_NUMBER = 10000;
const FIRST_SALES_ORDER_NO = 1001;
const VAT_RATE = 0.25;
const MAX_PAGE_SIZE = 20000;
const DEFAULT_PAGE_SIZE = 5000;

const SCHEMA: Record<Datatype, string> = {
  customers: 'poweroffice/customers',
  contactperson: 'poweroffice/contactperson',
  salesorders: 'poweroffice/salesorders',
  salesorderlines: 'poweroffice/salesorderlines',
  product: 'poweroffice/product',
};

/** The write model of each datatype (what POST and PATCH bodies are checked against). */
const WRITE_SCHEMA = Object.fromEntries(Object.entries(SCHEMA).map(([d, ref]) => [d, `${ref}#/$defs/write`])) as Record<Datatype, string>;

export interface PowerOfficeEmulatorOptions extends EmulatorOptions {
  id?: string;
  /** A Confirmed sales order refuses changes until it is set back to Draft (default true, as the API). */
  lockConfirmedOrders?: boolean;
}

function problem(status: number, title: string, detail: string, errors?: FieldError[]): HttpResponse {
  const body: JsonRecord = { Type: `https://httpstatuses.io/${status}`, Title: title, Status: status, Detail: detail };
  if (errors) {
    const byField: Record<string, string[]> = {};
    for (const e of errors) (byField[e.field] ??= []).push(e.message);
    body.Errors = byField;
  }
  return { status, body };
}

const notAllowed = (method: string, seg: string[]) => problem(405, 'Method Not Allowed', `${method} /${seg.join('/')} is not supported`);
const validationProblem = (errors: FieldError[]) =>
  problem(400, 'One or more validation errors occurred.', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
const notFound = (what: string) => problem(404, 'Not Found', `${what} was not found`);
const conflict = (field: string, detail: string) => problem(409, 'Conflict', detail, [{ field, message: 'must be unique' }]);

/** Read-only, POST-only and unknown top-level fields of a write body. */
function accessErrors(body: JsonRecord, datatype: Datatype, prefix: string, patch: boolean): FieldError[] {
  const write = schemaProperties(WRITE_SCHEMA[datatype]);
  const read = schemaProperties(SCHEMA[datatype]);
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    const w = write[key];
    if (!w) errors.push({ field: `${prefix}/${key}`, message: key in read ? 'read-only field' : 'unknown field' });
    else if (patch && w['x-postOnly'] === true) errors.push({ field: `${prefix}/${key}`, message: 'can only be set on POST' });
  }
  return errors;
}

function schemaErrors(body: unknown, datatype: Datatype, partial: boolean): FieldError[] {
  const ref = WRITE_SCHEMA[datatype];
  const validate = partial ? partialValidatorFor(ref, false) : validatorFor(ref);
  return validate(body) ? [] : fieldErrors(validate.errors);
}

/** The properties the read model has: what a POST body contributes to the stored record. */
function readable(body: JsonRecord, datatype: Datatype): JsonRecord {
  const read = schemaProperties(SCHEMA[datatype]);
  const out: JsonRecord = {};
  for (const k of Object.keys(body)) if (k in read) out[k] = body[k];
  return out;
}

const present = (v: unknown) => v !== undefined && v !== null;

export class PowerOfficeEmulator extends EmulatorBase {
  readonly id: string;
  readonly datatypes = POWEROFFICE_DATATYPES;
  private readonly lockConfirmed: boolean;
  private readonly stores = new Map<Datatype, RecordStore>(
    POWEROFFICE_DATATYPES.map((d) => [d, new RecordStore('LastChangedDateTimeOffset', 'Id', Object.fromEntries(INDEXED[d].map((f) => [f, field(f)])))]),
  );
  private readonly counters = new Map<string, number>();

  constructor(clock: LogicalClock, options: PowerOfficeEmulatorOptions = {}) {
    super(clock, options);
    this.id = options.id ?? 'poweroffice';
    this.lockConfirmed = options.lockConfirmedOrders !== false;
  }

  // ---- routing --------------------------------------------------------------------------------

  protected route(req: HttpRequest, seg: string[]): HttpResponse {
    const [resource, a, b, c] = [seg[0]?.toLowerCase(), seg[1], seg[2], seg[3]];
    const m = req.method;
    const n = seg.length;
    switch (resource) {
      case 'customers':
        if (n === 1) return m === 'GET' ? this.list('customers', req.query) : m === 'POST' ? this.postCustomer(req.body) : notAllowed(m, seg);
        if (n === 2) return this.single('customers', a!, m, req.body);
        break;
      case 'products':
        if (n === 1) return m === 'GET' ? this.list('product', req.query) : m === 'POST' ? this.postProduct(req.body) : notAllowed(m, seg);
        if (n === 2) return this.single('product', a!, m, req.body);
        break;
      case 'contactpersons':
        if (n === 1) return m === 'GET' ? this.list('contactperson', req.query) : notAllowed(m, seg);
        if (n === 2) return m === 'POST' ? this.postContactPerson(a!, req.body) : notAllowed(m, seg);
        if (n === 3) {
          const person = this.get('contactperson', b!);
          if (!person || String(person.ContactId) !== a) return notFound(`Contact person ${b} of contact ${a}`);
          return this.single('contactperson', b!, m, req.body);
        }
        break;
      case 'salesorders':
        if (n === 1) return m === 'GET' ? this.list('salesorders', req.query) : notAllowed(m, seg);
        if (n === 2 && a!.toLowerCase() === 'complete') return m === 'POST' ? this.postSalesOrder(req.body) : notAllowed(m, seg);
        if (n === 2) return this.single('salesorders', a!, m, req.body);
        if (n === 3 && b!.toLowerCase() === 'complete') {
          if (m !== 'GET') return notAllowed(m, seg);
          const order = this.get('salesorders', a!);
          return order ? ok(this.complete(order)) : notFound(`Sales order ${a}`);
        }
        if (b?.toLowerCase() === 'lines') {
          const order = this.get('salesorders', a!);
          if (!order) return notFound(`Sales order ${a}`);
          if (n === 3) return m === 'GET' ? ok(this.linesOf(a!)) : m === 'POST' ? this.postLine(order, req.body) : notAllowed(m, seg);
          if (n === 4) {
            const line = this.get('salesorderlines', c!);
            if (!line || line.SalesOrderId !== a) return notFound(`Sales order line ${c} of order ${a}`);
            return this.lineCall(order, line, m, req.body);
          }
        }
        break;
    }
    return problem(404, 'Not Found', `no endpoint /${seg.join('/')}`);
  }

  /** GET, PATCH, DELETE of one customer, contact person, product or sales order header. */
  private single(datatype: Datatype, id: string, method: string, body: unknown): HttpResponse {
    const current = this.get(datatype, id);
    if (!current) return notFound(`${datatype} ${id}`);
    if (method === 'GET') return ok(current);
    if (method === 'PATCH') return this.patch(datatype, current, body);
    if (method === 'DELETE') return this.delete(datatype, current);
    return problem(405, 'Method Not Allowed', `${method} is not supported here`);
  }

  private list(datatype: Datatype, query: Record<string, string>): HttpResponse {
    const page = intParam(query, 'PageNumber', 1);
    const size = intParam(query, 'PageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    if (typeof page === 'string') return problem(400, 'Bad Request', page);
    if (typeof size === 'string') return problem(400, 'Bad Request', size);
    const sinceRaw = lookupParam(query, 'lastChangedDateTimeOffsetGreaterThan');
    let since: number | undefined;
    if (sinceRaw !== undefined && sinceRaw !== '') {
      since = parseOffsetDateTime(sinceRaw);
      if (since === undefined) return problem(400, 'Bad Request', `lastChangedDateTimeOffsetGreaterThan must be a date-time with offset, got ${JSON.stringify(sinceRaw)}`);
    }
    const rows = this.store(datatype).changedAfter(since, (page - 1) * size, size);
    // The API answers an empty list with 204 No Content.
    return rows.length === 0 ? { status: 204 } : ok(rows);
  }

  // ---- POST -----------------------------------------------------------------------------------

  private checkPost(datatype: Datatype, body: unknown): FieldError[] {
    if (!isRecord(body)) return [{ field: '/', message: 'the body must be a JSON object' }];
    const errors = accessErrors(body, datatype, '', false);
    if (datatype === 'salesorders' && Array.isArray(body.SalesOrderLines)) {
      body.SalesOrderLines.forEach((l, i) => isRecord(l) && errors.push(...accessErrors(l, 'salesorderlines', `/SalesOrderLines/${i}`, false)));
    }
    const flagged = new Set(errors.map((e) => e.field));
    errors.push(...schemaErrors(body, datatype, false).filter((e) => !flagged.has(e.field)));
    return errors;
  }

  private postCustomer(body: unknown): HttpResponse {
    const errors = this.checkPost('customers', body);
    if (errors.length > 0) return validationProblem(errors);
    const input = body as JsonRecord;
    const dup = this.customerConflict(input, undefined);
    if (dup) return dup;
    const record = readable(input, 'customers');
    record.Id = this.nextInt('customers');
    if (!present(record.Number)) record.Number = this.nextCounter('customerNumber', FIRST_CUSTOMER_NUMBER, 'customers', 'Number');
    const at = this.clock.stamp();
    record.ContactCreatedDateTimeOffset = at;
    record.CustomerCreatedDateTimeOffset = at;
    record.LastChangedDateTimeOffset = at;
    this.computeCustomer(record);
    this.store('customers').set(String(record.Id), record);
    return ok(record, 201);
  }

  private postContactPerson(contactId: string, body: unknown): HttpResponse {
    const owner = this.get('customers', contactId);
    if (!owner) return notFound(`Contact ${contactId}`);
    const errors = this.checkPost('contactperson', body);
    if (errors.length > 0) return validationProblem(errors);
    if (owner.IsPerson === true) return validationProblem([{ field: '/contactId', message: 'only company contacts have contact persons' }]);
    const input = body as JsonRecord;
    const dup = this.uniqueIn('contactperson', 'ExternalCode', input.ExternalCode, undefined);
    if (dup) return dup;
    const record = readable(input, 'contactperson');
    record.Id = this.nextInt('contactperson');
    record.ContactId = owner.Id;
    const at = this.clock.stamp();
    record.CreatedDateTimeOffset = at;
    record.LastChangedDateTimeOffset = at;
    this.store('contactperson').set(String(record.Id), record);
    return ok(record, 201);
  }

  private postProduct(body: unknown): HttpResponse {
    const errors = this.checkPost('product', body);
    if (errors.length > 0) return validationProblem(errors);
    const input = body as JsonRecord;
    const dup = this.uniqueIn('product', 'Code', input.Code, undefined);
    if (dup) return dup;
    const record = readable(input, 'product');
    record.Id = this.nextInt('product');
    const at = this.clock.stamp();
    record.CreatedDateTimeOffset = at;
    record.LastChangedDateTimeOffset = at;
    if (present(record.StockOnHand)) record.StockOnHandLastChangedDatetimeOffset = at;
    this.computeProduct(record);
    this.store('product').set(String(record.Id), record);
    // POST /Products answers 200, not 201 (as the API does).
    return ok(record, 200);
  }

  private postSalesOrder(body: unknown): HttpResponse {
    const errors = this.checkPost('salesorders', body);
    if (errors.length > 0) return validationProblem(errors);
    const input = body as JsonRecord;
    const header = readable(input, 'salesorders');
    delete header.SalesOrderLines;
    const refErrors = this.resolveOrderReferences(header, true);
    const lineInputs = (Array.isArray(input.SalesOrderLines) ? input.SalesOrderLines : []) as JsonRecord[];
    const lines = lineInputs.map((l) => readable(l, 'salesorderlines'));
    lines.forEach((line, i) => refErrors.push(...this.resolveLineReferences(line, `/SalesOrderLines/${i}`, true)));
    if (refErrors.length > 0) return validationProblem(refErrors);
    const dup = this.uniqueIn('salesorders', 'ExternalImportReference', header.ExternalImportReference, undefined);
    if (dup) return dup;
    const seenRefs = new Set<unknown>();
    for (const [i, line] of lines.entries()) {
      if (!present(line.ExternalImportReference)) continue;
      if (seenRefs.has(line.ExternalImportReference)) {
        return conflict(`/SalesOrderLines/${i}/ExternalImportReference`, `ExternalImportReference ${JSON.stringify(line.ExternalImportReference)} is used twice in the order`);
      }
      seenRefs.add(line.ExternalImportReference);
    }
    header.Id = this.nextUuid();
    header.SalesOrderNo = this.nextCounter('salesOrderNo', FIRST_SALES_ORDER_NO, 'salesorders', 'SalesOrderNo');
    header.IsCreatedByCurrentIntegration = true;
    const at = this.clock.stamp();
    header.CreatedDateTimeOffset = at;
    header.LastChangedDateTimeOffset = at;
    this.store('salesorders').set(header.Id as string, header);
    for (const line of lines) this.storeNewLine(header, line);
    this.computeOrder(header);
    return ok(this.complete(header), 201);
  }

  private postLine(order: JsonRecord, body: unknown): HttpResponse {
    const errors = this.checkPost('salesorderlines', body);
    if (errors.length > 0) return validationProblem(errors);
    const locked = this.lockedProblem(order);
    if (locked) return locked;
    const line = readable(body as JsonRecord, 'salesorderlines');
    const refErrors = this.resolveLineReferences(line, '', true);
    if (refErrors.length > 0) return validationProblem(refErrors);
    const dup = this.lineConflict(order.Id as string, line.ExternalImportReference, undefined);
    if (dup) return dup;
    const stored = this.storeNewLine(order, line);
    this.touchOrder(order);
    return ok(stored, 201);
  }

  private storeNewLine(order: JsonRecord, line: JsonRecord): JsonRecord {
    line.Id = this.nextUuid();
    line.SalesOrderId = order.Id;
    this.computeLine(line);
    this.store('salesorderlines').set(line.Id as string, line);
    return line;
  }

  // ---- PATCH / DELETE -------------------------------------------------------------------------

  /** Validates JSON Patch operations against the write model; returns the patched write view or errors. */
  private applyPatch(datatype: Datatype, current: JsonRecord, body: unknown): { next: JsonRecord; touched: Set<string> } | HttpResponse {
    let ops: PatchOperation[];
    try {
      ops = parseJsonPatch(body);
    } catch (e) {
      if (e instanceof PatchError) return validationProblem([{ field: '/', message: e.message }]);
      throw e;
    }
    const touched = new Set<string>();
    const errors: FieldError[] = [];
    for (const op of ops) {
      const top = pointerSegments(op.path)[0]!;
      touched.add(top);
      errors.push(...accessErrors({ [top]: null }, datatype, '', true));
    }
    if (errors.length > 0) return validationProblem(errors);
    const write = schemaProperties(WRITE_SCHEMA[datatype]);
    const view: JsonRecord = {};
    for (const k of Object.keys(current)) if (k in write) view[k] = current[k];
    let patched: JsonRecord;
    try {
      patched = applyJsonPatch(view, ops);
    } catch (e) {
      if (e instanceof PatchError) return validationProblem([{ field: '/', message: e.message }]);
      throw e;
    }
    const changed = Object.fromEntries([...touched].filter((k) => k in patched).map((k) => [k, patched[k]]));
    const typeErrors = schemaErrors(changed, datatype, true);
    if (typeErrors.length > 0) return validationProblem(typeErrors);
    const next = clone(current);
    for (const k of touched) {
      if (k in patched) next[k] = patched[k];
      else delete next[k];
    }
    return { next, touched };
  }

  private patch(datatype: Datatype, current: JsonRecord, body: unknown): HttpResponse {
    if (datatype === 'salesorders') {
      const wantsDraft = Array.isArray(body) && body.some((op) => isRecord(op) && op.path === '/SalesOrderStatus' && op.value === 'Draft');
      const locked = wantsDraft ? undefined : this.lockedProblem(current);
      if (locked) return locked;
    }
    const result = this.applyPatch(datatype, current, body);
    if ('status' in result) return result as HttpResponse;
    const { next } = result;
    const id = String(current.Id);
    if (datatype === 'customers') {
      const dup = this.customerConflict(next, id);
      if (dup) return dup;
      this.computeCustomer(next);
    } else if (datatype === 'contactperson') {
      const dup = this.uniqueIn('contactperson', 'ExternalCode', next.ExternalCode, id);
      if (dup) return dup;
    } else if (datatype === 'product') {
      const dup = this.uniqueIn('product', 'Code', next.Code, id);
      if (dup) return dup;
      if (next.StockOnHand !== current.StockOnHand) next.StockOnHandLastChangedDatetimeOffset = this.clock.iso();
      this.computeProduct(next);
    } else if (datatype === 'salesorders') {
      const refErrors = this.resolveOrderReferences(next, false);
      if (refErrors.length > 0) return validationProblem(refErrors);
      const dup = this.uniqueIn('salesorders', 'ExternalImportReference', next.ExternalImportReference, id);
      if (dup) return dup;
    }
    next.LastChangedDateTimeOffset = this.clock.stamp();
    this.store(datatype).set(id, next);
    return ok(datatype === 'salesorders' ? this.header(next) : next);
  }

  private lineCall(order: JsonRecord, line: JsonRecord, method: string, body: unknown): HttpResponse {
    if (method === 'GET') return ok(line);
    if (method !== 'PATCH' && method !== 'DELETE') return problem(405, 'Method Not Allowed', `${method} is not supported here`);
    const locked = this.lockedProblem(order);
    if (locked) return locked;
    if (method === 'DELETE') {
      this.store('salesorderlines').delete(line.Id as string);
      this.touchOrder(order);
      return { status: 204 };
    }
    const result = this.applyPatch('salesorderlines', line, body);
    if ('status' in result) return result as HttpResponse;
    const { next } = result;
    const refErrors = this.resolveLineReferences(next, '', false);
    if (refErrors.length > 0) return validationProblem(refErrors);
    const dup = this.lineConflict(order.Id as string, next.ExternalImportReference, line.Id as string);
    if (dup) return dup;
    this.computeLine(next);
    this.store('salesorderlines').set(line.Id as string, next);
    this.touchOrder(order);
    return ok(next);
  }

  private delete(datatype: Datatype, current: JsonRecord): HttpResponse {
    const id = String(current.Id);
    if (datatype === 'customers') {
      if (this.store('salesorders').find('CustomerId', current.Id).length > 0) return problem(409, 'Conflict', `customer ${id} has sales orders`);
      for (const p of this.store('contactperson').find('ContactId', current.Id)) this.store('contactperson').delete(String(p.Id));
    }
    if (datatype === 'salesorders') {
      const locked = this.lockedProblem(current);
      if (locked) return locked;
      for (const l of this.linesOf(id)) this.store('salesorderlines').delete(l.Id as string);
    }
    this.store(datatype).delete(id);
    return { status: 204 };
  }

  // ---- rules ----------------------------------------------------------------------------------

  private lockedProblem(order: JsonRecord): HttpResponse | undefined {
    if (!this.lockConfirmed || order.SalesOrderStatus !== 'Confirmed') return undefined;
    return problem(400, 'Sales order is locked', `sales order ${String(order.Id)} is Confirmed; set SalesOrderStatus back to Draft to change it`);
  }

  private customerConflict(record: JsonRecord, selfId: string | undefined): HttpResponse | undefined {
    return (
      this.uniqueIn('customers', 'ExternalImportReference', record.ExternalImportReference, selfId) ??
      this.uniqueIn('customers', 'ExternalNumber', record.ExternalNumber, selfId) ??
      this.uniqueIn('customers', 'Number', record.Number, selfId)
    );
  }

  private uniqueIn(datatype: Datatype, field: string, value: unknown, selfId: string | undefined): HttpResponse | undefined {
    if (!present(value)) return undefined;
    for (const r of this.store(datatype).find(field, value)) {
      if (String(r.Id) !== selfId) {
        return conflict(`/${field}`, `${field} ${JSON.stringify(value)} is already used by ${datatype} ${String(r.Id)}`);
      }
    }
    return undefined;
  }

  private lineConflict(orderId: string, value: unknown, selfId: string | undefined): HttpResponse | undefined {
    if (!present(value)) return undefined;
    const other = this.linesOf(orderId).find((l) => l.Id !== selfId && l.ExternalImportReference === value);
    return other
      ? conflict('/ExternalImportReference', `ExternalImportReference ${JSON.stringify(value)} is already used by line ${String(other.Id)} of the order`)
      : undefined;
  }

  /** Customer (by CustomerId, or CustomerNo on POST) and the buyer's contact person must exist. */
  private resolveOrderReferences(header: JsonRecord, isPost: boolean): FieldError[] {
    const errors: FieldError[] = [];
    let customer: JsonRecord | undefined;
    if (present(header.CustomerId)) {
      customer = this.get('customers', String(header.CustomerId));
      if (!customer) errors.push({ field: '/CustomerId', message: `customer ${String(header.CustomerId)} does not exist` });
    } else if (isPost && present(header.CustomerNo)) {
      customer = this.store('customers').find('Number', header.CustomerNo)[0];
      if (!customer) errors.push({ field: '/CustomerNo', message: `no customer has number ${String(header.CustomerNo)}` });
    } else {
      errors.push({ field: '/CustomerId', message: 'a sales order needs a customer (CustomerId or CustomerNo)' });
    }
    if (customer) {
      header.CustomerId = customer.Id;
      if (present(customer.Number)) header.CustomerNo = customer.Number;
      else delete header.CustomerNo;
    }
    if (present(header.CustomerReferenceContactPersonId) && customer) {
      const person = this.get('contactperson', String(header.CustomerReferenceContactPersonId));
      if (!person || person.ContactId !== customer.Id) {
        errors.push({ field: '/CustomerReferenceContactPersonId', message: `contact person ${String(header.CustomerReferenceContactPersonId)} is not a contact person of customer ${String(customer.Id)}` });
      }
    }
    return errors;
  }

  /** Product (by ProductId, or ProductCode on POST) must exist; Quantity is required with a product; defaults from the product. */
  private resolveLineReferences(line: JsonRecord, prefix: string, isPost: boolean): FieldError[] {
    const errors: FieldError[] = [];
    let product: JsonRecord | undefined;
    if (present(line.ProductId)) {
      product = this.get('product', String(line.ProductId));
      if (!product) errors.push({ field: `${prefix}/ProductId`, message: `product ${String(line.ProductId)} does not exist` });
    } else if (isPost && present(line.ProductCode)) {
      product = this.store('product').find('Code', line.ProductCode)[0];
      if (!product) errors.push({ field: `${prefix}/ProductCode`, message: `no product has code ${JSON.stringify(line.ProductCode)}` });
    }
    if (product) {
      line.ProductId = product.Id;
      if (present(product.Code)) line.ProductCode = product.Code;
      else delete line.ProductCode;
      if (!present(line.Quantity)) errors.push({ field: `${prefix}/Quantity`, message: 'Quantity is required when a product is set' });
      // Documented defaults on creation: the product's name, price and cost.
      if (isPost) {
        if (!present(line.Description) && present(product.Name)) line.Description = product.Name;
        if (!present(line.ProductUnitPrice) && present(product.UnitPrice)) line.ProductUnitPrice = product.UnitPrice;
        if (!present(line.ProductUnitCost) && present(product.UnitCost)) line.ProductUnitCost = product.UnitCost;
      }
    } else if (!present(line.ProductId)) {
      delete line.ProductCode;
    }
    return errors;
  }

  private computeCustomer(c: JsonRecord): void {
    c.IsActive = c.IsArchived !== true;
  }

  private computeProduct(p: JsonRecord): void {
    if (present(p.StockOnHand)) p.StockAvailable = p.StockOnHand;
    else delete p.StockAvailable;
  }

  private computeLine(line: JsonRecord): void {
    const qty = typeof line.Quantity === 'number' ? line.Quantity : 0;
    const price = typeof line.ProductUnitPrice === 'number' ? line.ProductUnitPrice : 0;
    const allowance = typeof line.Allowance === 'number' ? line.Allowance : 0;
    const net = money(qty * price * (1 - allowance / 100));
    line.NetAmount = net;
    line.VatRate = VAT_RATE;
    line.VatAmount = money(net * VAT_RATE);
    line.TotalAmount = money(net + (line.VatAmount as number));
  }

  private computeOrder(order: JsonRecord): void {
    const lines = this.linesOf(order.Id as string);
    order.NetAmount = money(lines.reduce((s, l) => s + (typeof l.NetAmount === 'number' ? l.NetAmount : 0), 0));
    order.TotalAmount = money(lines.reduce((s, l) => s + (typeof l.TotalAmount === 'number' ? l.TotalAmount : 0), 0));
    order.LineCount = lines.length;
  }

  /** A line changed: totals follow, and the order shows the change. */
  private touchOrder(order: JsonRecord, at?: string): void {
    this.computeOrder(order);
    order.LastChangedDateTimeOffset = at ?? this.clock.stamp();
    this.store('salesorders').set(String(order.Id), order);
  }

  // ---- stores ---------------------------------------------------------------------------------

  private store(datatype: Datatype): RecordStore {
    return this.stores.get(datatype)!;
  }

  private get(datatype: Datatype, id: string): JsonRecord | undefined {
    return this.store(datatype).get(id);
  }

  private linesOf(orderId: string): JsonRecord[] {
    return this.store('salesorderlines')
      .find('SalesOrderId', orderId)
      .map((l, i) => ({ l, i }))
      .sort((x, y) => (typeof x.l.SortOrder === 'number' ? x.l.SortOrder : x.i) - (typeof y.l.SortOrder === 'number' ? y.l.SortOrder : y.i) || x.i - y.i)
      .map(({ l }) => l);
  }

  private header(order: JsonRecord): JsonRecord {
    const { SalesOrderLines: _lines, ...header } = order;
    return header;
  }

  /** SalesOrderCompleteDto: the header with its lines. */
  private complete(order: JsonRecord): JsonRecord {
    return { ...this.header(order), SalesOrderLines: this.linesOf(order.Id as string) };
  }

  private nextInt(datatype: 'customers' | 'contactperson' | 'product'): number {
    return this.nextCounter(datatype, FIRST_ID[datatype], datatype, 'Id');
  }

  /** Next value of a counter that skips values a given record already holds. */
  private nextCounter(counter: string, first: number, datatype: Datatype, name: string): number {
    const store = this.store(datatype);
    let n = this.counters.get(counter) ?? first;
    while (name === 'Id' ? store.has(String(n)) : store.find(name, n).length > 0) n++;
    this.counters.set(counter, n + 1);
    return n;
  }

  private nextUuid(): string {
    const orders = this.store('salesorders');
    const lines = this.store('salesorderlines');
    let n = this.counters.get('uuid') ?? 1;
    let uuid: string;
    do {
      uuid = `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
    } while (orders.has(uuid) || lines.has(uuid));
    this.counters.set('uuid', n);
    return uuid;
  }

  private datatype(datatype: string): Datatype {
    checkDatatype(this.id, this.datatypes, datatype);
    return datatype as Datatype;
  }

  records(datatype: string): JsonRecord[] {
    return [...this.store(this.datatype(datatype)).values()].map(clone);
  }

  put(datatype: string, input: JsonRecord): JsonRecord {
    const dt = this.datatype(datatype);
    const record = clone(input);
    const lines = dt === 'salesorders' && Array.isArray(record.SalesOrderLines) ? (record.SalesOrderLines as JsonRecord[]) : undefined;
    delete record.SalesOrderLines;
    if (!present(record.Id)) {
      record.Id = dt === 'salesorders' || dt === 'salesorderlines' ? this.nextUuid() : this.nextInt(dt);
    }
    const id = String(record.Id);
    if (dt === 'salesorderlines') {
      const order = this.get('salesorders', String(record.SalesOrderId));
      if (!order) throw inputError(`poweroffice salesorderlines needs the SalesOrderId of an existing sales order, got ${JSON.stringify(record.SalesOrderId ?? null)}`);
      if (!('NetAmount' in record)) this.computeLine(record);
      this.store(dt).set(id, record);
      this.touchOrder(order);
      return clone(record);
    }
    if (dt === 'contactperson' && !present(record.ContactId)) {
      throw inputError('poweroffice contactperson needs the ContactId of its customer');
    }
    if (record.LastChangedDateTimeOffset === undefined) record.LastChangedDateTimeOffset = this.clock.stamp();
    const created = dt === 'customers' ? ['ContactCreatedDateTimeOffset', 'CustomerCreatedDateTimeOffset'] : ['CreatedDateTimeOffset'];
    for (const k of created) if (record[k] === undefined) record[k] = record.LastChangedDateTimeOffset;
    if (dt === 'customers') {
      if (!present(record.Number)) record.Number = this.nextCounter('customerNumber', FIRST_CUSTOMER_NUMBER, 'customers', 'Number');
      if (!('IsActive' in record)) this.computeCustomer(record);
    }
    if (dt === 'product' && !('StockAvailable' in record)) this.computeProduct(record);
    if (dt === 'salesorders' && !present(record.SalesOrderNo)) {
      record.SalesOrderNo = this.nextCounter('salesOrderNo', FIRST_SALES_ORDER_NO, 'salesorders', 'SalesOrderNo');
    }
    this.store(dt).set(id, record);
    if (lines) {
      for (const old of this.linesOf(id)) this.store('salesorderlines').delete(old.Id as string);
      for (const raw of lines) {
        const line = clone(raw);
        if (!present(line.Id)) line.Id = this.nextUuid();
        line.SalesOrderId = id;
        if (!('NetAmount' in line)) this.computeLine(line);
        this.store('salesorderlines').set(String(line.Id), line);
      }
    }
    if (dt === 'salesorders' && !('NetAmount' in record && 'TotalAmount' in record && 'LineCount' in record)) this.computeOrder(record);
    return clone(record);
  }

  edit(datatype: string, where: JsonRecord, set: JsonRecord): number {
    const dt = this.datatype(datatype);
    if (dt === 'salesorders' && 'SalesOrderLines' in set) {
      throw inputError('poweroffice salesorders: edit lines through the salesorderlines datatype, not SalesOrderLines');
    }
    const store = this.store(dt);
    const hits = [...store.values()].filter((r) => matchesSubset(r, where));
    for (const r of hits) {
      const next = { ...r, ...clone(set) };
      if (dt === 'salesorderlines') {
        this.computeLine(next);
        store.set(String(r.Id), next);
        const order = this.get('salesorders', String(next.SalesOrderId));
        if (order) this.touchOrder(order);
        continue;
      }
      if (dt === 'customers') this.computeCustomer(next);
      if (dt === 'product') this.computeProduct(next);
      // An explicit change time in `set` wins, so scenarios can stage conflicting edits.
      next.LastChangedDateTimeOffset = 'LastChangedDateTimeOffset' in set ? set.LastChangedDateTimeOffset : this.clock.stamp();
      store.set(String(r.Id), next);
    }
    return hits.length;
  }

  remove(datatype: string, where: JsonRecord): number {
    const dt = this.datatype(datatype);
    const store = this.store(dt);
    const hits = [...store.values()].filter((r) => matchesSubset(r, where));
    for (const r of hits) {
      store.delete(String(r.Id));
      if (dt === 'salesorders') for (const l of this.linesOf(String(r.Id))) this.store('salesorderlines').delete(l.Id as string);
      if (dt === 'salesorderlines') {
        const order = this.get('salesorders', String(r.SalesOrderId));
        if (order) this.touchOrder(order);
      }
    }
    return hits.length;
  }
}
