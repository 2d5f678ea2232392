// The model of a history: every record the user created, as it is on each side (mapped
// properties, references as entity keys, and when it last changed), and what a sync does to
// them according to the decided rules:
//
//   - per record the side changed last wins every ↔ row (instants; at the same instant the CRM
//     side wins), except that an empty value never overwrites a non-empty one;
//   - → rows flow from the CRM only, ← rows from PowerOffice only (PowerOffice computes order
//     amounts, numbers and stock), insert-only rows only when the target record is created;
//   - a record is created on the other side with its origin's values (and the external key),
//     once its references resolve there; a cancelled CRM order is never sent;
//   - deletes are never propagated; a contact's PowerOffice owner never changes;
//   - a Confirmed PowerOffice order and its lines are not updated (held back) unless the change
//     sets the order back to Draft;
//   - order lines have no change time of their own: a line takes its order's change time when
//     its own content changed; and a line's change does not make its order's own values newer.
//
// Change times are logical: records the user gives with an explicit timestamp (before the first
// sync) keep that instant; every other user action and every write of a sync is later than
// everything before it, like the logical clock of the simulator.
import { LOCKED_STATUS, SPECS, isEmpty, other, sameValue, type Kind, type Row, type Side } from './spec';

/** A PowerOffice value the system computes (not predicted: the check reads it). */
export const COMPUTED = '\u0000computed';
/** A CRM value that follows PowerOffice's computed value. */
export const FOLLOW = '\u0000follow';

/** Change times of clock-stamped actions are above every explicit instant (ms since 1970). */
const BASE = 1e13;

export interface SideRec {
  /** Row values in this side's representation, by this side's property path. */
  values: Record<string, unknown>;
  /** References as entity keys (null = none), by reference name. */
  refs: Record<string, string | null>;
  /** When the record's own content last changed (lines: their order's time when it did). */
  mark: number;
  /** The change time the system shows: an order's moves with its lines too (equals `mark` otherwise). */
  raw: number;
  deleted: boolean;
  /** Created here by the user, or by the sync from the other side. */
  origin: 'user' | 'sync';
  /** The record as the last sync left it (what the sync knows of it once it is deleted). */
  seen?: { values: Record<string, unknown>; refs: Record<string, string | null>; mark: number; raw: number };
}

export interface Entity {
  key: string;
  kind: Kind;
  /** Creation number within its kind: ids and value pools come from it. */
  n: number;
  /** Ids the user gave (on the sides the user created it). */
  userId: Partial<Record<Side, string | number>>;
  sides: Partial<Record<Side, SideRec>>;
  /** Lines: their order. */
  parent?: string;
  /** A CRM order set to cancelled: nothing more is done with it. */
  frozen: boolean;
  /** Edited (or lines edited) by the user since the last sync. */
  touched: Record<Side, boolean>;
  /** Created on the second side by the user, not linked by a sync yet (its merge criteria must stay). */
  pendingTwin: boolean;
}

const clone = <T>(v: T): T => structuredClone(v);

export function toPo(row: Row, v: unknown): unknown {
  if (isEmpty(v)) return undefined;
  if (row.invert) return !(v as boolean);
  if (row.toErp) return Object.hasOwn(row.toErp, String(v)) ? (row.toErp[String(v)] ?? undefined) : undefined;
  return v;
}

export function toCrm(row: Row, v: unknown): unknown {
  if (isEmpty(v)) return undefined;
  if (row.invert) return !(v as boolean);
  if (row.toCrm) return Object.hasOwn(row.toCrm, String(v)) ? (row.toCrm[String(v)] ?? undefined) : undefined;
  return v;
}

const first = (...vs: unknown[]): unknown => vs.find((v) => !isEmpty(v));

/** As the sync compares a record with the version it read last: a missing value reads as null. */
function contentChanged(rec: SideRec): boolean {
  if (!rec.seen) return true;
  const same = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
  return !same(rec.values, rec.seen.values) || !same(rec.refs, rec.seen.refs);
}

export class Model {
  entities: Entity[] = [];
  private clock = 0;
  syncs = 0;
  private readonly counters: Record<Kind, number> = { customer: 0, contact: 0, product: 0, order: 0, line: 0 };
  /** Orders whose PowerOffice record was Confirmed when the current sync started. */
  private lockedAtStart = new Set<string>();

  snapshot(): Model {
    const m = new Model();
    m.entities = clone(this.entities);
    m.clock = this.clock;
    m.syncs = this.syncs;
    Object.assign(m.counters, this.counters);
    return m;
  }

  private now(): number {
    return BASE + ++this.clock;
  }

  get(key: string): Entity {
    const e = this.entities.find((x) => x.key === key);
    if (!e) throw new Error(`model: no entity ${key}`);
    return e;
  }

  of(kind: Kind): Entity[] {
    return this.entities.filter((e) => e.kind === kind);
  }

  count(kind: Kind): number {
    return this.counters[kind];
  }

  /** The record exists on `side` and was not deleted there. */
  on(e: Entity, side: Side): boolean {
    const r = e.sides[side];
    return r !== undefined && !r.deleted;
  }

  /** Not deleted anywhere (and exists somewhere). */
  alive(e: Entity): boolean {
    return (e.sides.crm !== undefined || e.sides.po !== undefined) && !e.sides.crm?.deleted && !e.sides.po?.deleted;
  }

  linked(e: Entity): boolean {
    return this.on(e, 'crm') && this.on(e, 'po');
  }

  /**
   * Entities that reference `e` and may still be written: alive on a side, or deleted on one
   * after a sync read them and not on the other yet (they still go; deletes are never read).
   * Lines of an order do not count: they go with it.
   */
  referrers(e: Entity): Entity[] {
    return this.entities.filter((x) => {
      const pending = (['crm', 'po'] as const).some((s) => x.sides[s]?.deleted === true && x.sides[s]!.seen !== undefined && x.sides[other(s)] === undefined);
      if (x === e || !(this.on(x, 'crm') || this.on(x, 'po') || pending)) return false;
      return SPECS[x.kind].refs.some((ref) => ref.mode !== 'parent' && (x.sides.crm?.refs[ref.name] === e.key || x.sides.po?.refs[ref.name] === e.key));
    });
  }

  lines(order: Entity): Entity[] {
    return this.entities.filter((x) => x.kind === 'line' && x.parent === order.key);
  }

  /** The order of a line, or the entity itself. */
  orderOf(e: Entity): Entity {
    return e.kind === 'line' ? this.get(e.parent!) : e;
  }

  /** PowerOffice holds the order Confirmed. */
  poLocked(e: Entity): boolean {
    const order = this.orderOf(e);
    return this.on(order, 'po') && order.sides.po!.values.SalesOrderStatus === LOCKED_STATUS;
  }

  // ---- user actions ---------------------------------------------------------------------------

  /** A record created by the user on one side (`at`: an explicit instant, else the clock). */
  create(kind: Kind, side: Side, values: Record<string, unknown>, refs: Record<string, string | null>, at?: number, parent?: string): Entity {
    const n = ++this.counters[kind];
    const key = `${kind}#${n}`;
    const e: Entity = { key, kind, n, userId: { [side]: SPECS[kind].id[side](n) }, sides: {}, frozen: false, touched: { crm: false, po: false }, pendingTwin: false };
    if (parent) e.parent = parent;
    this.entities.push(e);
    this.addSide(e, side, values, refs, at);
    return e;
  }

  /** The same record created by the user on the other side too (linked by its merge criteria). */
  twin(e: Entity, side: Side, values: Record<string, unknown>, refs: Record<string, string | null>, at?: number): void {
    e.userId[side] = SPECS[e.kind].id[side](e.n);
    e.pendingTwin = true;
    this.addSide(e, side, values, refs, at);
  }

  private addSide(e: Entity, side: Side, values: Record<string, unknown>, refs: Record<string, string | null>, at: number | undefined): void {
    const mark = e.kind === 'line' ? 0 : (at ?? this.now());
    e.sides[side] = { values: clone(values), refs: { ...refs }, mark, raw: mark, deleted: false, origin: 'user' };
    e.touched[side] = true;
    if (e.kind === 'order' && side === 'crm' && values.status === 'cancelled') e.frozen = true;
    if (e.kind === 'line') this.touchOrder(e, side, at);
  }

  private touchOrder(line: Entity, side: Side, at?: number): void {
    const order = this.get(line.parent!);
    const rec = order.sides[side]!;
    // A line changes its order's change time, not the order's own values.
    rec.raw = at ?? this.now();
    order.touched[side] = true;
  }

  /** A user edit of mapped rows (by this side's path) and references on one side. */
  edit(e: Entity, side: Side, values: Record<string, unknown>, refs: Record<string, string | null> = {}): void {
    const rec = e.sides[side]!;
    for (const [path, v] of Object.entries(values)) {
      if (v === undefined) delete rec.values[path];
      else rec.values[path] = v;
    }
    Object.assign(rec.refs, refs);
    e.touched[side] = true;
    if (e.kind === 'line') this.touchOrder(e, side);
    else {
      rec.raw = this.now();
      // An order's own change time moves only when the sync reads a change of its own content.
      if (e.kind !== 'order') rec.mark = rec.raw;
    }
    if (e.kind === 'order' && side === 'crm' && rec.values.status === 'cancelled') e.frozen = true;
  }

  /** A user delete on one side (an order takes its lines with it). */
  remove(e: Entity, side: Side): void {
    if (e.kind === 'line' && this.on(this.get(e.parent!), side)) this.touchOrder(e, side);
    this.forget(e, side);
    if (e.kind === 'order') for (const l of this.lines(e)) if (l.sides[side] && !l.sides[side]!.deleted) this.forget(l, side);
  }

  /**
   * Deletes are never seen by a sync: a record it read stays as it read it (changes made since
   * are lost with it); one it never read is as if it never was.
   */
  private forget(e: Entity, side: Side): void {
    const rec = e.sides[side]!;
    if (!rec.seen) {
      delete e.sides[side];
      delete e.userId[side];
      return;
    }
    rec.values = rec.seen.values;
    rec.refs = rec.seen.refs;
    rec.mark = rec.seen.mark;
    rec.raw = rec.seen.raw;
    rec.deleted = true;
  }

  // ---- the sync -------------------------------------------------------------------------------

  /** What one `sync` step does, to its fixpoint. */
  sync(): void {
    this.syncs++;
    // The sync reads every change first: an order whose own content differs from what it read
    // last time takes the change time the system shows for it; a line, its order's.
    for (const e of this.of('order')) for (const rec of Object.values(e.sides)) if (!rec.deleted && contentChanged(rec)) rec.mark = rec.raw;
    for (const e of this.of('line')) {
      for (const side of ['crm', 'po'] as const) {
        const rec = e.sides[side];
        const order = this.get(e.parent!).sides[side];
        if (rec && !rec.deleted && order && contentChanged(rec)) rec.mark = rec.raw = order.raw;
      }
    }
    this.lockedAtStart = new Set(this.of('order').filter((o) => this.poLocked(o)).map((o) => o.key));
    let rounds = 0;
    for (;;) {
      let changed = false;
      for (const kind of ['customer', 'product', 'contact', 'order', 'line'] as const) for (const e of this.of(kind)) changed = this.step(e) || changed;
      if (!changed) break;
      if (++rounds > 12) throw new Error('model: the sync does not settle (a rule that flip-flops)');
    }
    for (const e of this.entities) {
      e.touched = { crm: false, po: false };
      e.pendingTwin = false;
      for (const rec of Object.values(e.sides)) if (!rec.deleted) rec.seen = { values: clone(rec.values), refs: { ...rec.refs }, mark: rec.mark, raw: rec.raw };
    }
  }

  private step(e: Entity): boolean {
    const c = e.sides.crm;
    const p = e.sides.po;
    if (c && p) return this.update(e, c, p);
    // A record the sync read and could not send yet still goes once it can, even if it was
    // deleted since: deletes are never read (see `forget`).
    const s: Side | undefined = c ? 'crm' : p ? 'po' : undefined;
    if (!s) return false;
    const t = other(s);
    if (this.insertBlocked(e, s, t)) return false;
    this.insert(e, s, t);
    if (e.kind === 'order') for (const l of this.lines(e)) if (l.sides[s] && !l.sides[t] && !this.insertBlocked(l, s, t)) this.insert(l, s, t, false);
    return true;
  }

  /** Why `e` (on `s`) cannot be created on `t` now: references not there, a cancelled or held order. */
  private insertBlocked(e: Entity, s: Side, t: Side): boolean {
    const spec = SPECS[e.kind];
    const rec = e.sides[s]!;
    for (const ref of spec.refs) {
      const target = rec.refs[ref.name];
      if (target === null || target === undefined) {
        if (ref.required) return true;
        continue;
      }
      if (!this.on(this.get(target), t)) return true;
    }
    if (e.kind === 'order' && s === 'crm' && rec.values.status === 'cancelled') return true;
    if (e.kind === 'line' && t === 'po' && this.poHeld(this.get(e.parent!))) return true;
    return false;
  }

  /** No writes to PowerOffice for this order (and its lines): cancelled in the CRM, or locked there and staying locked. */
  private poHeld(order: Entity): boolean {
    const c = order.sides.crm;
    if (c && c.values.status === 'cancelled') return true;
    if (!this.lockedAtStart.has(order.key) || !c || !order.sides.po) return false;
    return this.desiredPoStatus(order) === LOCKED_STATUS;
  }

  private desiredPoStatus(order: Entity): unknown {
    const c = order.sides.crm!;
    const p = order.sides.po!;
    const row = SPECS.order.rows.find((r) => r.po === 'SalesOrderStatus')!;
    const cp = toPo(row, c.values.status);
    const pp = isEmpty(p.values.SalesOrderStatus) ? undefined : p.values.SalesOrderStatus;
    return c.mark >= p.mark ? first(cp, pp) : first(pp, cp);
  }

  private insert(e: Entity, s: Side, t: Side, touchParent = true): void {
    const spec = SPECS[e.kind];
    const src = e.sides[s]!;
    const values: Record<string, unknown> = {};
    for (const row of spec.rows) {
      const from = s === 'crm' ? row.crm : row.po;
      const to = t === 'crm' ? row.crm : row.po;
      if (t === 'po' && row.computed) {
        values[to] = COMPUTED;
        continue;
      }
      if (row.dir === 'toErp' && s === 'po') continue;
      if (row.dir === 'toCrm' && s === 'crm') continue;
      if (row.computed && t === 'crm') {
        if (this.computedPresent(row, src.values)) values[to] = FOLLOW;
        continue;
      }
      const v = t === 'po' ? toPo(row, src.values[from]) : toCrm(row, src.values[from]);
      if (!isEmpty(v)) values[to] = v;
    }
    if (e.kind === 'line' && t === 'po') this.productDefaults(e, values);
    const refs: Record<string, string | null> = {};
    for (const ref of spec.refs) refs[ref.name] = src.refs[ref.name] ?? null;
    const order = e.kind === 'line' ? this.get(e.parent!).sides[t]! : undefined;
    const mark = touchParent || !order ? this.now() : order.raw;
    e.sides[t] = { values, refs, mark, raw: mark, deleted: false, origin: 'sync' };
    if (order && touchParent) order.raw = mark;
  }

  /** PowerOffice fills a new line's text and prices from its product when they are not sent. */
  private productDefaults(line: Entity, values: Record<string, unknown>): void {
    const product = this.get(line.sides.crm!.refs.product!).sides.po!.values;
    const defaults: [string, string][] = [
      ['Description', 'Name'],
      ['ProductUnitPrice', 'UnitPrice'],
      ['ProductUnitCost', 'UnitCost'],
    ];
    for (const [lineProp, productProp] of defaults) if (isEmpty(values[lineProp]) && !isEmpty(product[productProp])) values[lineProp] = product[productProp];
  }

  private computedPresent(row: Row, poValues: Record<string, unknown>): boolean {
    return row.computed?.presentWith === undefined || !isEmpty(poValues[row.computed.presentWith]);
  }

  /** Both sides exist: latest wins, per row kind; writes where the desired state differs. */
  private update(e: Entity, c: SideRec, p: SideRec): boolean {
    if (c.deleted && p.deleted) return false;
    const spec = SPECS[e.kind];
    const crmWins = c.mark >= p.mark;
    const toC: Record<string, unknown> = {};
    const toP: Record<string, unknown> = {};
    for (const row of spec.rows) {
      const cv = c.values[row.crm];
      const pv = p.values[row.po];
      if (row.insertOnly) continue;
      if (row.dir === 'toErp') {
        const d = first(toPo(row, cv), pv);
        if (d !== undefined && !sameValue(d, pv)) toP[row.po] = d;
      } else if (row.dir === 'toCrm') {
        const d = row.computed ? (this.computedPresent(row, p.values) ? FOLLOW : undefined) : first(toCrm(row, pv), cv);
        if (d !== undefined && !sameValue(d, cv)) toC[row.crm] = d;
      } else {
        const cp = toPo(row, cv);
        const pp = isEmpty(pv) ? undefined : pv;
        const dP = crmWins ? first(cp, pp) : first(pp, cp);
        if (dP !== undefined && !sameValue(dP, pv)) toP[row.po] = dP;
        // A CRM value that means the same PowerOffice value is kept (won → Draft ← draft).
        const keep = !isEmpty(cv) && pp !== undefined && sameValue(cp, pp) ? cv : toCrm(row, pv);
        const dC = crmWins ? first(cv, toCrm(row, pv)) : first(keep, cv);
        if (dC !== undefined && !sameValue(dC, cv)) toC[row.crm] = dC;
      }
    }
    const refC: Record<string, string | null> = {};
    const refP: Record<string, string | null> = {};
    let crmBlocked = c.deleted;
    let poBlocked = p.deleted || this.poHeld(this.orderOf(e));
    for (const ref of spec.refs) {
      if (ref.mode === 'parent') continue;
      const cr = c.refs[ref.name] ?? null;
      const pr = p.refs[ref.name] ?? null;
      const dC = ref.mode === 'insertOnlyPo' ? (cr ?? pr) : crmWins ? (cr ?? pr) : (pr ?? cr);
      const dP = ref.mode === 'insertOnlyPo' ? pr : crmWins ? (cr ?? pr) : (pr ?? cr);
      if (dC !== cr) {
        if (dC !== null && !this.on(this.get(dC), 'crm')) crmBlocked = true;
        refC[ref.name] = dC;
      }
      if (dP !== pr) {
        if (dP !== null && !this.on(this.get(dP), 'po')) poBlocked = true;
        refP[ref.name] = dP;
      }
      // A reference the other side has but this side cannot translate holds this side's record back.
      if (pr !== null && !this.on(this.get(pr), 'crm')) crmBlocked = true;
      if (cr !== null && !this.on(this.get(cr), 'po')) poBlocked = true;
    }
    if (e.kind === 'line' && !this.on(this.get(e.parent!), 'crm')) crmBlocked = true;
    const c1 = !crmBlocked && this.write(e, 'crm', toC, refC);
    const p1 = !poBlocked && this.write(e, 'po', toP, refP);
    return c1 || p1;
  }

  /** A write of the sync to one side (a line's write is its order's change). */
  private write(e: Entity, side: Side, values: Record<string, unknown>, refs: Record<string, string | null>): boolean {
    if (Object.keys(values).length === 0 && Object.keys(refs).length === 0) return false;
    const rec = e.sides[side]!;
    Object.assign(rec.values, values);
    Object.assign(rec.refs, refs);
    rec.mark = rec.raw = this.now();
    if (e.kind === 'line') this.get(e.parent!).sides[side]!.raw = rec.mark;
    return true;
  }
}
