// The invariants, checked on the emulated systems after a sync against the model:
//   - every record the model has on a side is there (no more: no duplicates), its mapped
//     properties and references are what the rules give, its external key was written only if
//     the sync created it;
//   - no two records of a store share a merge key or an external key;
//   - every reference names an existing record.
import type { JsonRecord } from '../../../src/simulate/scenario/parse';
import type { World } from '../../../src/simulate/scenario/run';
import { type Entity, FOLLOW, type Model } from './model';
import { KINDS, SIDES, SPECS, SYSTEM, getPath, isEmpty, other, sameValue, type Kind, type Side } from './spec';

/** The id each record has on each side, learnt from the systems as the history runs. */
export type Bindings = Map<string, Partial<Record<Side, string | number>>>;

export interface Violation {
  message: string;
  /** An expectation the same state fails (for the printed scenario). */
  expect?: { side: Side; datatype: string; match: JsonRecord; count: number };
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function nested(path: string, value: unknown): JsonRecord {
  const segs = path.split('.');
  let out: unknown = value;
  for (const s of segs.reverse()) out = { [s]: out };
  return out as JsonRecord;
}

const sameId = (a: unknown, b: unknown) => a !== undefined && a !== null && b !== undefined && b !== null && String(a) === String(b);

export class Checker {
  private cache = new Map<string, JsonRecord[]>();
  /** The last PowerOffice value a CRM row followed (it keeps it when the PowerOffice record is deleted). */
  private readonly followed = new Map<string, unknown>();

  constructor(
    private readonly world: World,
    readonly bindings: Bindings,
  ) {}

  private records(side: Side, kind: Kind): JsonRecord[] {
    const k = `${side}/${kind}`;
    let r = this.cache.get(k);
    if (!r) this.cache.set(k, (r = this.world.systems[SYSTEM[side]]!.records(SPECS[kind].datatype[side])));
    return r;
  }

  private bind(e: Entity, side: Side, id: unknown): void {
    const b = this.bindings.get(e.key) ?? {};
    b[side] = id as string | number;
    this.bindings.set(e.key, b);
  }

  /** A locator of `e` on `side` for messages and expectations (ids resolved). */
  locator(e: Entity, side: Side): JsonRecord {
    const spec = SPECS[e.kind];
    const rec = e.sides[side]!;
    const id = this.bindings.get(e.key)?.[side];
    if (rec.origin === 'user' || id !== undefined) return { [spec.idField[side]]: id ?? e.userId[side]! };
    if (side === 'crm') return { [spec.erpKey]: this.bindings.get(e.key)?.po ?? null };
    if (spec.crmKey) return { [spec.crmKey]: this.bindings.get(e.key)?.crm ?? null };
    return { Code: rec.values.Code ?? null };
  }

  private label(e: Entity, side: Side): string {
    return `${SYSTEM[side]} ${SPECS[e.kind].datatype[side]} ${show(this.locator(e, side)).replace(/"/g, '')}`;
  }

  /** Finds (and binds) the record of `e` on `side`; a violation when it is missing or there twice. */
  private find(e: Entity, side: Side, out: Violation[]): JsonRecord | undefined {
    const spec = SPECS[e.kind];
    const rec = e.sides[side]!;
    const records = this.records(side, e.kind);
    const idField = spec.idField[side];
    const bound = this.bindings.get(e.key)?.[side];
    let candidates: JsonRecord[];
    let how: string;
    if (bound !== undefined || rec.origin === 'user') {
      const id = bound ?? e.userId[side];
      candidates = records.filter((r) => sameId(r[idField], id));
      how = `${idField} ${show(id)}`;
    } else if (side === 'crm') {
      const poId = this.bindings.get(e.key)?.po;
      candidates = records.filter((r) => sameId(r[spec.erpKey], poId));
      how = `${spec.erpKey} ${show(poId)}, the sync having created it from PowerOffice`;
    } else if (spec.crmKey) {
      const crmId = this.bindings.get(e.key)?.crm;
      const parent = e.parent ? this.bindings.get(e.parent)?.po : undefined;
      candidates = records.filter((r) => sameId(r[spec.crmKey!], crmId) && (e.parent === undefined || sameId(r.SalesOrderId, parent)));
      how = `${spec.crmKey} ${show(crmId)}, the sync having created it from the CRM`;
    } else {
      const code = String(rec.values.Code ?? '').trim();
      candidates = records.filter((r) => String(r.Code ?? '').trim() === code);
      how = `Code ${show(code)}, the sync having created it from the CRM`;
    }
    const where = this.locator(e, side);
    if (candidates.length === 1) {
      this.bind(e, side, candidates[0]![idField]);
      return candidates[0];
    }
    out.push({
      message: `${e.key}: ${candidates.length === 0 ? 'missing' : `${candidates.length} records`} in ${SYSTEM[side]} ${spec.datatype[side]} (by ${how})`,
      expect: { side, datatype: spec.datatype[side], match: where, count: 1 },
    });
    return undefined;
  }

  check(model: Model): Violation[] {
    this.cache.clear();
    const out: Violation[] = [];
    const actual = new Map<string, Partial<Record<Side, JsonRecord>>>();
    // Records the user created are found by their ids first; the copies the sync made, by the keys it wrote.
    for (const kind of KINDS)
      for (const origin of ['user', 'sync'] as const)
        for (const e of model.of(kind))
          for (const side of SIDES) {
            const rec = e.sides[side];
            if (!rec || rec.deleted || rec.origin !== origin) continue;
            const found = this.find(e, side, out);
            if (found) actual.set(e.key, { ...actual.get(e.key), [side]: found });
          }
    for (const e of model.entities) {
      const a = actual.get(e.key);
      if (!a) continue;
      for (const side of SIDES) if (a[side]) this.compare(e, side, a[side]!, a.po, a[other(side)], out);
    }
    for (const kind of KINDS) for (const side of SIDES) this.store(model, kind, side, out);
    return out;
  }

  private compare(e: Entity, side: Side, rec: JsonRecord, po: JsonRecord | undefined, counterpart: JsonRecord | undefined, out: Violation[]): void {
    const spec = SPECS[e.kind];
    const m = e.sides[side]!;
    const where = this.locator(e, side);
    const mismatch = (path: string, expected: unknown, found: unknown, why: string) => {
      out.push({
        message: `${e.key}: ${this.label(e, side)} ${path} is ${show(found)}, expected ${show(expected)} (${why})`,
        expect: { side, datatype: spec.datatype[side], match: { ...where, ...nested(path, isEmpty(expected) ? null : expected) }, count: 1 },
      });
    };
    for (const row of spec.rows) {
      const path = side === 'crm' ? row.crm : row.po;
      if (side === 'po' && row.computed) continue;
      let expected = m.values[path];
      const key = `${e.key}|${row.crm}`;
      if (expected === FOLLOW) {
        // The CRM follows PowerOffice's computed value; an emptied one does not overwrite it.
        const computed = po ? getPath(po, row.po) : undefined;
        if (!isEmpty(computed)) this.followed.set(key, computed);
        expected = this.followed.get(key);
      }
      const found = getPath(rec, path);
      if (!sameValue(found, expected)) {
        const there = counterpart ? `; ${SYSTEM[other(side)]} has ${show(getPath(counterpart, side === 'crm' ? row.po : row.crm))}` : '';
        mismatch(path, expected, found, `${row.dir === 'both' ? '↔' : row.dir === 'toErp' ? '→' : '←'}${row.insertOnly ? ' insert-only' : ''}${there}`);
      }
    }
    for (const ref of spec.refs) {
      const path = side === 'crm' ? ref.crm : ref.po;
      const target = ref.mode === 'parent' ? e.parent! : m.refs[ref.name];
      const found = rec[path];
      if (target === null || target === undefined) {
        if (!isEmpty(found)) mismatch(path, null, found, `reference to ${ref.target}: none expected`);
        continue;
      }
      const id = this.bindings.get(target)?.[side];
      if (id === undefined) continue;
      if (!sameId(found, id)) mismatch(path, id, found, `reference to ${target}`);
    }
    // External keys go into records the sync creates, and are never written into the others.
    const keyProp = side === 'crm' ? spec.erpKey : spec.crmKey;
    if (keyProp) {
      // CRM lines are written with their whole order: a linked one carries its PowerOffice id.
      const carries = m.origin === 'sync' || (side === 'crm' && spec.erpKeyOnEveryLinked === true && e.sides.po !== undefined && !e.sides.crm!.deleted);
      const expected = carries ? this.bindings.get(e.key)?.[other(side)] : undefined;
      const found = rec[keyProp];
      if (carries ? expected !== undefined && !sameId(found, expected) : !isEmpty(found))
        mismatch(keyProp, expected, found, carries ? 'external key of a record the sync created' : 'no external key in a record the user created');
    }
  }

  /** Per store: no records beyond the model's, no shared merge or external keys, references resolve. */
  private store(model: Model, kind: Kind, side: Side, out: Violation[]): void {
    const spec = SPECS[kind];
    const records = this.records(side, kind);
    const dt = spec.datatype[side];
    const idField = spec.idField[side];
    const known = new Set(model.of(kind).map((e) => this.bindings.get(e.key)?.[side]).filter((x) => x !== undefined).map(String));
    const expected = model.of(kind).filter((e) => model.on(e, side)).length;
    if (records.length > expected) {
      const extra = records.filter((r) => !known.has(String(r[idField])));
      out.push({ message: `${SYSTEM[side]} ${dt} holds ${records.length} records, expected ${expected}; not from the history: ${extra.map((r) => show(r)).join(', ')}` });
    }
    const keys: { name: string; of: (r: JsonRecord) => unknown }[] = [];
    for (const row of spec.rows) {
      if (!row.mergeKey) continue;
      const p = side === 'crm' ? row.crm : row.po;
      keys.push({ name: p, of: (r) => (isEmpty(r[p]) ? undefined : row.mergeKey === 'lower' ? String(r[p]).trim().toLowerCase() : String(r[p]).trim()) });
    }
    const ext = side === 'crm' ? spec.erpKey : spec.crmKey;
    if (ext) keys.push({ name: ext, of: (r) => (isEmpty(r[ext]) ? undefined : kind === 'line' && side === 'po' ? `${String(r.SalesOrderId)}/${String(r[ext])}` : String(r[ext])) });
    for (const key of keys) {
      const seen = new Map<unknown, JsonRecord>();
      for (const r of records) {
        const k = key.of(r);
        if (k === undefined) continue;
        const before = seen.get(k);
        if (before)
          out.push({
            message: `${SYSTEM[side]} ${dt}: ${show(before[idField])} and ${show(r[idField])} share ${key.name} ${show(k)}`,
            expect: { side, datatype: dt, match: { [key.name]: r[key.name] }, count: 1 },
          });
        else seen.set(k, r);
      }
    }
    for (const ref of spec.refs) {
      const p = side === 'crm' ? ref.crm : ref.po;
      const targets = this.records(side, ref.target);
      const targetId = SPECS[ref.target].idField[side];
      for (const r of records) {
        if (isEmpty(r[p])) continue;
        if (!targets.some((t) => sameId(t[targetId], r[p])))
          out.push({ message: `${SYSTEM[side]} ${dt} ${show(r[idField])}: ${p} ${show(r[p])} names no ${SPECS[ref.target].datatype[side]} record` });
      }
    }
  }
}
