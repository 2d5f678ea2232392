// From abstract commands to a scenario: each command is checked against the model (a command
// that does not apply at that point of the history is skipped, so shrinking never makes a
// history invalid), applied to the model, and written as the scenario step that does it. After
// every sync the model's expected state is kept for the check.
//
// Ids the sync assigns (a PowerOffice customer created from a CRM customer) are unknown until
// the history runs: steps name them with a `Ref` that the running world resolves (and writes
// back into the step, so the printed scenario has the real ids).
//
// Left out on purpose — known limitations of the integration, each found by these histories and
// written down as a scenario in limitations/ that fails today (limitations.test.ts):
//   L1 a failed list read while records created on both sides wait to be linked by their merge
//      criteria: the sync creates the unread one again (a duplicate);
//   L2 a failed list read of one side while a record was edited on both: the sync may write the
//      other side first, which then counts as the later change (the unread edit is lost);
//   L3 changing a merge criterion of records linked by merge criteria only (created on both
//      sides; L3b: a PowerOffice product whose insert answer was lost, as it has no place for
//      the CRM id): they unlink, and each side gets a copy of the other;
//   L4 naming a record deleted on the other side (a line into an order PowerOffice deleted, or
//      naming a product it deleted — also a line deleted in the CRM after a sync read it):
//      deletes are never read, so the sync writes to the gone record and is refused;
//   L5 a record without a value the target requires (an address without zip code or city, a
//      product without name): the target refuses it, and the sync sends it anyway.
//   L6 a lost insert response while a read of that system fails too: the sync inserts
//      again and the system refuses it by its unique external key (409) until a read succeeds
//      (no duplicate; a failed run).
// And what the APIs would refuse from a user anyway: person customers with contact persons, a
// contact person of another customer on an order, changes to a Confirmed PowerOffice order
// other than setting it back to Draft, duplicate skus, a line without quantity; explicit change
// times only before the first sync (a record created later with an older time is never read).
import type { FaultKind, FaultRule, JsonRecord, Scenario, Step } from '../../../src/simulate/scenario/parse';
import { type Entity, Model } from './model';
import { EXPLICIT_TIMES, SPECS, SYSTEM, getPath, isEmpty, other, type Kind, type Row, type Side } from './spec';

/** An id known only once the history runs: the record of `entity` on `side`. */
export class Ref {
  constructor(
    readonly entity: string,
    readonly side: Side,
  ) {}
}

export type CreateKind = 'customer' | 'contact' | 'product' | 'order';

export interface FaultSpec {
  side: Side;
  target: number;
  fail: number;
  times: number;
}

/** Choices are indices taken modulo the candidates at that point, so any value is valid. */
export type Cmd =
  | { t: 'create'; kind: CreateKind; side: Side; pick: number; seed: number; ts: number }
  | { t: 'twin'; pick: number; seed: number; ts: number }
  | { t: 'edit'; side: Side; pick: number; row: number; value: number }
  | { t: 'ref'; side: Side; pick: number; target: number }
  | { t: 'addLine'; side: Side; pick: number; product: number; seed: number }
  | { t: 'delete'; side: Side; pick: number }
  | { t: 'sync' }
  | { t: 'faults'; rules: FaultSpec[] };

export const FAULT_KINDS: readonly FaultKind[] = [429, 500, 'timeout', 'lost-response'];
/** Calls a fault may hit (method and URL glob), per system: list reads, lookups, inserts, updates, or anything. */
export const FAULT_TARGETS: Record<Side, readonly (readonly [string, string])[]> = {
  crm: [
    ...['customers', 'contacts', 'orders', 'products'].flatMap((r) => [['POST', r], ['PATCH', `${r}/*`], ['GET', r], ['GET', `${r}/*`]] as const),
    ['*', '**'],
  ],
  po: [
    ['POST', 'Customers'],
    ['PATCH', 'Customers/*'],
    ['GET', 'Customers'],
    ['GET', 'Customers/*'],
    ['POST', 'ContactPersons/*'],
    ['PATCH', 'ContactPersons/*/*'],
    ['GET', 'ContactPersons'],
    ['GET', 'ContactPersons/*/*'],
    ['POST', 'Products'],
    ['PATCH', 'Products/*'],
    ['GET', 'Products'],
    ['GET', 'Products/*'],
    ['POST', 'SalesOrders/Complete'],
    ['PATCH', 'SalesOrders/*'],
    ['GET', 'SalesOrders'],
    ['GET', 'SalesOrders/*/Complete'],
    ['POST', 'SalesOrders/*/Lines'],
    ['PATCH', 'SalesOrders/*/Lines/*'],
    ['GET', 'SalesOrders/*/Lines/*'],
    ['*', '**'],
  ],
};

export interface Built {
  scenario: Scenario;
  /** The model after each sync step, by step index. */
  expected: Map<number, Model>;
  /** The commands that applied, in order (the others were skipped). */
  applied: Cmd[];
}

/** A small seeded generator (mulberry32) for the values of one created record. */
function rng(seed: number): { next: () => number; int: (n: number) => number; chance: (p: number) => boolean } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Seed 0 (what shrinking goes to) gives the plainest record: first values, required rows only.
  if (seed === 0) return { next: () => 0.99, int: () => 0, chance: () => false };
  return { next, int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

function setPath(record: JsonRecord, path: string, value: unknown): void {
  const segs = path.split('.');
  let o = record;
  for (const s of segs.slice(0, -1)) {
    if (o[s] === null || typeof o[s] !== 'object') o[s] = {};
    o = o[s] as JsonRecord;
  }
  if (value === undefined) delete o[segs[segs.length - 1]!];
  else o[segs[segs.length - 1]!] = value;
}

const path = (row: Row, side: Side) => (side === 'crm' ? row.crm : row.po);
const isAddress = (row: Row) => row.crm.includes('.');
const addressTop = (row: Row, side: Side) => path(row, side).split('.')[0]!;

export class Builder {
  readonly model = new Model();
  private readonly steps: Step[] = [];
  private readonly expected = new Map<number, Model>();
  private readonly applied: Cmd[] = [];
  private faultsSet = false;

  build(cmds: readonly Cmd[], name: string): Built {
    for (const cmd of cmds) if (this.apply(cmd)) this.applied.push(cmd);
    if (this.faultsSet) this.steps.push({ kind: 'faults', line: undefined, faults: {} });
    this.sync();
    this.sync({ customcrm: 0, poweroffice: 0 });
    return { scenario: { file: `${name}.yaml`, name, pending: undefined, seed: 1, steps: this.steps }, expected: this.expected, applied: this.applied };
  }

  private sync(expectWrites?: Record<string, number>): void {
    // L2: no failed read of one side while a record was edited on both.
    if (this.readFaults && this.model.entities.some((e) => e.touched.crm && e.touched.po)) {
      this.steps.push({ kind: 'faults', line: undefined, faults: {} });
      this.readFaults = false;
    }
    this.model.sync();
    this.steps.push({ kind: 'sync', line: undefined, expectWrites, maxRounds: undefined, expectRefused: [], allowUnsettled: false });
    this.expected.set(this.steps.length - 1, this.model.snapshot());
  }

  private apply(cmd: Cmd): boolean {
    switch (cmd.t) {
      case 'sync':
        this.sync();
        return true;
      case 'faults':
        return this.faults(cmd.rules);
      case 'create':
        return this.create(cmd);
      case 'twin':
        return this.twin(cmd);
      case 'edit':
        return this.edit(cmd);
      case 'ref':
        return this.ref(cmd);
      case 'addLine':
        return this.addLine(cmd);
      case 'delete':
        return this.remove(cmd);
    }
  }

  // ---- ids and locators -----------------------------------------------------------------------

  /** The id of `e` on `side` as a step can name it: the user's id, or a Ref to the one the sync gave it. */
  idOf(e: Entity, side: Side): string | number | Ref {
    const rec = e.sides[side];
    if (rec?.origin === 'user') return e.userId[side]!;
    return new Ref(e.key, side);
  }

  /** A `where` that selects `e` on `side`: its own id, or the key the sync wrote when it created it. */
  where(e: Entity, side: Side): JsonRecord {
    const spec = SPECS[e.kind];
    const rec = e.sides[side]!;
    if (rec.origin === 'user') return { [spec.idField[side]]: e.userId[side]! };
    if (side === 'crm') return { [spec.erpKey]: e.userId.po! };
    if (spec.crmKey) return { [spec.crmKey]: e.userId.crm! };
    return { [spec.idField.po]: new Ref(e.key, 'po') };
  }

  // ---- steps ----------------------------------------------------------------------------------

  private given(side: Side, datatype: string, record: JsonRecord): void {
    this.steps.push({ kind: 'given', line: undefined, records: { [SYSTEM[side]]: { [datatype]: [record] } } });
  }

  private faults(rules: readonly FaultSpec[]): boolean {
    const faults: Record<string, FaultRule[]> = {};
    const twins = this.model.entities.some((e) => e.pendingTwin);
    const ruleOf = (r: FaultSpec): FaultRule => {
      const [method, url] = FAULT_TARGETS[r.side][r.target % FAULT_TARGETS[r.side].length]!;
      return { method, url, fail: FAULT_KINDS[r.fail % FAULT_KINDS.length]!, times: r.times, probability: undefined };
    };
    // L6: no failed read (list or look-up) of a side whose inserts may lose their response.
    const lostInserts = new Set(rules.filter((r) => ruleOf(r).fail === 'lost-response' && ['POST', '*'].includes(ruleOf(r).method)).map((r) => r.side));
    this.lostProductInsert ||= rules.some((r) => r.side === 'po' && ruleOf(r).fail === 'lost-response' && ['POST', '*'].includes(ruleOf(r).method) && ['Products', '**'].includes(ruleOf(r).url));
    let reads = false;
    for (const r of rules) {
      const rule = ruleOf(r);
      // Any GET may be a read of changes: lists, and the look-ups collect makes of each record.
      const read = rule.method === 'GET' || rule.method === '*';
      // L1: no failed read while records created on both sides wait to be linked.
      if (read && twins) continue;
      if (read && lostInserts.has(r.side)) continue;
      reads ||= read;
      (faults[SYSTEM[r.side]] ??= []).push(rule);
    }
    if (Object.keys(faults).length === 0) return false;
    this.readFaults = reads;
    this.steps.push({ kind: 'faults', line: undefined, faults });
    this.faultsSet = true;
    return true;
  }

  /** A PowerOffice product insert may have lost its answer (L3: such a pair is linked by its code only). */
  private lostProductInsert = false;

  /** The last faults step may fail a list read (it stays armed until used up or replaced). */
  private readFaults = false;

  /** Customers, contacts, products that may be referred to on `side`: there and deleted nowhere. */
  private usable(kind: Kind, side: Side): Entity[] {
    return this.model.of(kind).filter((e) => this.model.on(e, side) && this.model.alive(e) && !this.model.get(this.model.orderOf(e).key).frozen);
  }

  /** An explicit change time only before the first sync (a later record with an older time would never be read). */
  private at(ts: number): { text: string; ms: number } | undefined {
    if (ts === 0 || this.model.syncs > 0) return undefined;
    const text = EXPLICIT_TIMES[(ts - 1) % EXPLICIT_TIMES.length]!;
    return { text, ms: Date.parse(text) };
  }

  /** Row values of a new record on `side` (in that side's representation, by path). */
  private values(kind: Kind, side: Side, n: number, r: ReturnType<typeof rng>, skip: Set<string> = new Set()): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const spec = SPECS[kind];
    const withAddress = r.chance(0.4);
    for (const row of spec.rows) {
      const p = path(row, side);
      if (skip.has(p)) continue;
      if (row.fixed) {
        out[p] = row.fixed[side];
        continue;
      }
      if ((row.dir === 'toCrm' && side === 'crm') || (row.dir === 'toErp' && side === 'po')) continue;
      const pool = row.values[side](n);
      if (pool.length === 0) continue;
      if (kind === 'order' && p === 'status') {
        out[p] = pool[r.chance(0.5) ? 0 : r.int(pool.length)];
        continue;
      }
      if (isAddress(row)) {
        const part = p.split('.')[1]!;
        if (!withAddress) continue;
        if (/line2|AddressLine2/.test(part) && !r.chance(0.5)) continue;
        out[p] = pool[r.int(pool.length)];
        continue;
      }
      if (row.required || r.chance(0.5)) out[p] = pool[r.int(pool.length)];
      else if (r.chance(0.15) && row.empties[side].length > 0) out[p] = row.empties[side][r.int(row.empties[side].length)];
    }
    return out;
  }

  private record(kind: Kind, side: Side, e: Entity, values: Record<string, unknown>, refs: JsonRecord, ts?: string): JsonRecord {
    const spec = SPECS[kind];
    const rec: JsonRecord = { [spec.idField[side]]: e.userId[side]! };
    for (const [p, v] of Object.entries(values)) setPath(rec, p, v);
    Object.assign(rec, refs);
    if (ts) rec[side === 'crm' ? 'updated_at' : 'LastChangedDateTimeOffset'] = ts;
    return rec;
  }

  private create(cmd: Extract<Cmd, { t: 'create' }>): boolean {
    const { kind, side } = cmd;
    if (this.model.count(kind) >= SPECS[kind].slots) return false;
    const r = rng(cmd.seed);
    const at = this.at(cmd.ts);
    const n = this.model.count(kind) + 1;
    const refs: Record<string, string | null> = {};
    if (kind === 'contact' || kind === 'order') {
      const customers = this.usable('customer', side);
      if (customers.length === 0) return false;
      refs.customer = customers[cmd.pick % customers.length]!.key;
    }
    if (kind === 'order') {
      const contacts = this.contactsOf(refs.customer!, side);
      refs.contact = contacts.length > 0 && r.chance(0.5) ? contacts[r.int(contacts.length)]!.key : null;
    }
    const values = this.values(kind, side, n, r);
    if (kind === 'contact' && isEmpty(values.email) && isEmpty(values.EmailAddress) && r.chance(0.5)) {
      // Most contacts have an e-mail (their merge criterion).
      values[side === 'crm' ? 'email' : 'EmailAddress'] = SPECS.contact.rows.find((x) => x.crm === 'email')!.values[side](n)[0];
    }
    const e = this.model.create(kind, side, values, refs, at?.ms);
    const rec = this.record(kind, side, e, values, this.refFields(kind, side, refs), at?.text);
    if (kind === 'order') {
      const products = this.usable('product', side);
      const count = products.length === 0 ? 0 : 1 + r.int(2);
      const lines: JsonRecord[] = [];
      for (let i = 0; i < count && this.model.count('line') < SPECS.line.slots; i++) {
        const product = products[r.int(products.length)]!;
        const lv = this.values('line', side, this.model.count('line') + 1, r);
        lv[side === 'crm' ? 'sort_order' : 'SortOrder'] = i;
        const line = this.model.create('line', side, lv, { order: e.key, product: product.key }, e.sides[side]!.mark, e.key);
        const lr = this.record('line', side, line, lv, this.refFields('line', side, { product: product.key }));
        lines.push(lr);
      }
      rec[side === 'crm' ? 'lines' : 'SalesOrderLines'] = lines;
    }
    this.given(side, SPECS[kind].datatype[side], rec);
    return true;
  }

  /** Contacts of `customer` that an order may name on `side`: same customer on both sides. */
  private contactsOf(customer: string, side: Side): Entity[] {
    return this.usable('contact', side).filter((k) => SIDES_OF(k).every((s) => k.sides[s]!.refs.customer === customer) && k.sides[side]!.refs.customer === customer);
  }

  private refFields(kind: Kind, side: Side, refs: Record<string, string | null>): JsonRecord {
    const out: JsonRecord = {};
    for (const ref of SPECS[kind].refs) {
      if (ref.mode === 'parent' || !Object.hasOwn(refs, ref.name)) continue;
      const target = refs[ref.name];
      out[side === 'crm' ? ref.crm : ref.po] = target === null || target === undefined ? null : this.idOf(this.model.get(target), side);
    }
    return out;
  }

  private twin(cmd: Extract<Cmd, { t: 'twin' }>): boolean {
    if (this.readFaults) return false;
    const candidates = this.model.entities.filter((e) => {
      if (!['customer', 'contact', 'product'].includes(e.kind) || !this.model.alive(e)) return false;
      const s: Side | undefined = e.sides.crm && !e.sides.po ? 'crm' : e.sides.po && !e.sides.crm ? 'po' : undefined;
      if (!s) return false;
      if (e.kind === 'contact' && !this.model.on(this.model.get(e.sides[s]!.refs.customer!), other(s))) return false;
      return this.mergeValues(e, s) !== undefined;
    });
    if (candidates.length === 0) return false;
    const e = candidates[cmd.pick % candidates.length]!;
    const s: Side = e.sides.crm ? 'crm' : 'po';
    const t = other(s);
    const r = rng(cmd.seed);
    const keys = this.mergeValues(e, s)!;
    const values = this.values(e.kind, t, e.n, r, new Set(SPECS[e.kind].rows.filter((x) => x.mergeKey).map((x) => path(x, t))));
    for (const [p, candidatesForKey] of Object.entries(keys)) values[p] = candidatesForKey[r.int(candidatesForKey.length)];
    const refs: Record<string, string | null> = e.kind === 'contact' ? { customer: e.sides[s]!.refs.customer! } : {};
    const at = this.at(cmd.ts);
    this.model.twin(e, t, values, refs, at?.ms);
    this.given(t, SPECS[e.kind].datatype[t], this.record(e.kind, t, e, values, this.refFields(e.kind, t, refs), at?.text));
    return true;
  }

  /**
   * The merge criteria a twin on the other side gets (values that normalise to the same key):
   * the first criterion `e` has a value for, so both records use the same one.
   */
  private mergeValues(e: Entity, s: Side): Record<string, unknown[]> | undefined {
    const t = other(s);
    for (const row of SPECS[e.kind].rows) {
      if (!row.mergeKey) continue;
      const v = e.sides[s]!.values[path(row, s)];
      if (isEmpty(v)) continue;
      const norm = (x: unknown) => (row.mergeKey === 'lower' ? String(x).trim().toLowerCase() : String(x).trim());
      const variants = row.values[t](e.n).filter((x) => norm(x) === norm(v));
      return variants.length > 0 ? { [path(row, t)]: variants } : undefined;
    }
    return undefined;
  }

  /** Whether `e` may be changed by a user on `side` (rows: `statusOnly` when PowerOffice holds the order Confirmed). */
  private editable(e: Entity, side: Side): 'no' | 'yes' | 'statusOnly' {
    const m = this.model;
    if (!m.on(e, side) || m.orderOf(e).frozen) return 'no';
    if (e.kind === 'line' && !m.on(m.get(e.parent!), side)) return 'no';
    if (side === 'po' && (e.kind === 'order' || e.kind === 'line') && m.poLocked(e)) return e.kind === 'order' ? 'statusOnly' : 'no';
    return 'yes';
  }

  /** Rows a user may set on `side` of `e`, each with the values allowed now. */
  private editChoices(e: Entity, side: Side): { row: Row; values: unknown[] }[] {
    const how = this.editable(e, side);
    if (how === 'no') return [];
    const m = this.model;
    const out: { row: Row; values: unknown[] }[] = [];
    const counterpartGone = e.sides[other(side)]?.deleted === true;
    for (const row of SPECS[e.kind].rows) {
      if (row.fixed || (side === 'po' && row.computed)) continue;
      const p = path(row, side);
      if (how === 'statusOnly' && p !== 'SalesOrderStatus') continue;
      let values = [...row.values[side](e.n)];
      // An emptied value would be filled from a record that is gone, or would leave a record the target refuses.
      // L5: a value the other side requires is emptied only on records a sync has linked, whose
      // other side holds a value (no insert will ever need it).
      const there = e.sides[other(side)];
      const mayEmpty = !counterpartGone && (!row.required || (there?.seen !== undefined && e.sides[side]!.seen !== undefined && !isEmpty(there.values[path(row, other(side))])));
      if (mayEmpty) values.push(...row.empties[side]);
      // L3: records the user created on both sides link by their merge criteria only: those stay.
      if (row.mergeKey && e.sides.crm?.origin === 'user' && e.sides.po?.origin === 'user') continue;
      // L3 too: a PowerOffice product has no place for the CRM id, so one whose insert answer was
      // lost is linked by its code alone.
      if (row.mergeKey && e.kind === 'product' && this.lostProductInsert) continue;
      if (e.kind === 'order' && side === 'crm' && p === 'status') {
        const quiet = !e.touched.po && m.lines(e).every((l) => !l.touched.crm && !l.touched.po);
        if (!quiet) values = values.filter((v) => v !== 'cancelled');
      }
      if (values.length > 0) out.push({ row, values });
    }
    return out;
  }

  private edit(cmd: Extract<Cmd, { t: 'edit' }>): boolean {
    const { side } = cmd;
    const candidates = this.model.entities.filter((e) => this.editChoices(e, side).length > 0);
    if (candidates.length === 0) return false;
    const e = candidates[cmd.pick % candidates.length]!;
    const choices = this.editChoices(e, side);
    const { row, values } = choices[cmd.row % choices.length]!;
    const value = values[cmd.value % values.length];
    const p = path(row, side);
    const set: JsonRecord = {};
    if (isAddress(row)) {
      // The emulators replace a top-level property whole: send the whole address with one part changed.
      // L5: a record without an address gets a whole one.
      const top = addressTop(row, side);
      const current = this.addressOf(e, side);
      const changes: Record<string, unknown> = {};
      if (Object.values(current).every(isEmpty)) {
        for (const r of SPECS[e.kind].rows) {
          if (!isAddress(r) || /line2|AddressLine2/.test(path(r, side))) continue;
          current[path(r, side).split('.')[1]!] = changes[path(r, side)] = r.values[side](e.n)[0];
        }
      }
      const part = p.split('.')[1]!;
      if (Object.keys(changes).length === 0 || !isEmpty(value)) {
        if (value === undefined) delete current[part];
        else current[part] = value;
        changes[p] = value;
      }
      set[top] = current;
      this.model.edit(e, side, changes);
    } else {
      set[p] = value;
      this.model.edit(e, side, { [p]: value });
    }
    this.steps.push({ kind: 'edit', line: undefined, edits: { [SYSTEM[side]]: { [SPECS[e.kind].datatype[side]]: [{ where: this.where(e, side), set }] } } });
    return true;
  }

  /** The address of `e` on `side` as an object, from its row values. */
  private addressOf(e: Entity, side: Side): JsonRecord {
    const out: JsonRecord = {};
    for (const row of SPECS[e.kind].rows) {
      if (!isAddress(row)) continue;
      const v = e.sides[side]!.values[path(row, side)];
      if (v !== undefined) out[path(row, side).split('.')[1]!] = v;
    }
    return out;
  }

  /** Reference changes a user may make on `side`, each with its possible targets. */
  private refChoices(side: Side): { e: Entity; ref: string; targets: (string | null)[] }[] {
    const m = this.model;
    const out: { e: Entity; ref: string; targets: (string | null)[] }[] = [];
    for (const e of m.entities) {
      if (this.editable(e, side) !== 'yes') continue;
      const rec = e.sides[side]!;
      if (e.kind === 'contact' && side === 'crm') {
        // A contact moves to another customer (PowerOffice keeps it where it is); not one an order names.
        const named = m.of('order').some((o) => m.alive(o) && (o.sides.crm?.refs.contact === e.key || o.sides.po?.refs.contact === e.key));
        const targets = this.usable('customer', side).filter((c) => c.key !== rec.refs.customer).map((c) => c.key);
        if (!named && targets.length > 0) out.push({ e, ref: 'customer', targets });
      }
      if (e.kind === 'order') {
        const noContact = (['crm', 'po'] as const).every((s) => !e.sides[s] || e.sides[s]!.refs.contact === null);
        const customers = this.usable('customer', side).filter((c) => c.key !== rec.refs.customer).map((c) => c.key);
        if (noContact && customers.length > 0) out.push({ e, ref: 'customer', targets: customers });
        const sameCustomer = SIDES_OF(e).every((s) => e.sides[s]!.refs.customer === rec.refs.customer);
        if (sameCustomer) {
          const contacts = this.contactsOf(rec.refs.customer!, side).filter((k) => k.key !== rec.refs.contact).map((k) => k.key);
          const targets: (string | null)[] = [...contacts];
          if (rec.refs.contact !== null && !e.sides[other(side)]?.deleted) targets.push(null);
          if (targets.length > 0) out.push({ e, ref: 'contact', targets });
        }
      }
      if (e.kind === 'line') {
        const products = this.usable('product', side).filter((p) => p.key !== rec.refs.product).map((p) => p.key);
        if (products.length > 0) out.push({ e, ref: 'product', targets: products });
      }
    }
    return out;
  }

  private ref(cmd: Extract<Cmd, { t: 'ref' }>): boolean {
    const { side } = cmd;
    const choices = this.refChoices(side);
    if (choices.length === 0) return false;
    const { e, ref, targets } = choices[cmd.pick % choices.length]!;
    const target = targets[cmd.target % targets.length]!;
    const spec = SPECS[e.kind].refs.find((r) => r.name === ref)!;
    this.model.edit(e, side, {}, { [ref]: target });
    const set = { [side === 'crm' ? spec.crm : spec.po]: target === null ? null : this.idOf(this.model.get(target), side) };
    this.steps.push({ kind: 'edit', line: undefined, edits: { [SYSTEM[side]]: { [SPECS[e.kind].datatype[side]]: [{ where: this.where(e, side), set }] } } });
    return true;
  }

  private addLine(cmd: Extract<Cmd, { t: 'addLine' }>): boolean {
    const { side } = cmd;
    if (this.model.count('line') >= SPECS.line.slots) return false;
    // L4: not into an order deleted on the other side.
    const orders = this.model.of('order').filter((o) => this.editable(o, side) === 'yes' && this.model.alive(o));
    const products = this.usable('product', side);
    if (orders.length === 0 || products.length === 0) return false;
    const order = orders[cmd.pick % orders.length]!;
    const product = products[cmd.product % products.length]!;
    const n = this.model.count('line') + 1;
    const values = this.values('line', side, n, rng(cmd.seed));
    const line = this.model.create('line', side, values, { order: order.key, product: product.key }, undefined, order.key);
    const rec = this.record('line', side, line, values, this.refFields('line', side, { product: product.key }));
    const orderRef = SPECS.line.refs.find((r) => r.name === 'order')!;
    rec[side === 'crm' ? orderRef.crm : orderRef.po] = this.idOf(order, side);
    this.given(side, SPECS.line.datatype[side], rec);
    return true;
  }

  private remove(cmd: Extract<Cmd, { t: 'delete' }>): boolean {
    const { side } = cmd;
    const m = this.model;
    // Nothing alive names it; an order's lines that wait to reach this side would name it (L4).
    const candidates = m.entities.filter(
      (e) => this.editable(e, side) === 'yes' && m.referrers(e).length === 0 && m.lines(e).every((l) => !m.on(l, other(side)) || l.sides[side] !== undefined),
    );
    if (candidates.length === 0) return false;
    const e = candidates[cmd.pick % candidates.length]!;
    const where = this.where(e, side);
    m.remove(e, side);
    this.steps.push({ kind: 'delete', line: undefined, deletes: { [SYSTEM[side]]: { [SPECS[e.kind].datatype[side]]: [{ where }] } } });
    return true;
  }
}

/** The sides `e` exists on (deleted or not). */
function SIDES_OF(e: Entity): Side[] {
  return (['crm', 'po'] as const).filter((s) => e.sides[s] !== undefined);
}

export function buildHistory(cmds: readonly Cmd[], name: string): Built {
  return new Builder().build(cmds, name);
}
