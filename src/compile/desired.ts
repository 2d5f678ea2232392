// The heart of every `-transform` pipe: DTL that computes, from a merged global entity, the
// desired value of each target property. Rules applied to every mapping row:
//   - the most recently changed side wins (`_y_wins` compares the two sides' change times);
//   - an empty value (missing, null, "" or whitespace only) never overwrites a non-empty one
//     (both sides read empty values as null, then coalesce);
//   - one-way rows only ever flow from their source side;
//   - references are translated through the referenced concept's global to the target's id,
//     and a record whose reference does not resolve yet is held back (discarded, not failed);
//   - insert-only rows and external keys are sent when the target record is created, never as
//     updates: a record that came from the other system links through its origin and the merge
//     criteria, and is not patched with a key afterwards (the API may refuse it).
// Reads wrap in `first` because records merged from one system twice carry lists.

import * as d from '../dtl/builder';
import type { Expr, Rule, Transform } from '../dtl/builder';
import type { PropertyMapping, Side } from '../model/dataflow';
import { type FlowModel, type IntegrationModel, type SideModel, flowsInto, insertOnlyInto, other, pathOn, sideOf } from './model';
import { type Origin, conditionOrigin, mappingOrigin, traced } from './provenance';
import { globalId, lastModifiedProp, nsProp, refProp } from './names';

/** What a desired-state block writes and the named rules it needs. */
export interface DesiredState {
  readonly transforms: Transform[];
  /** Named rules used by the transforms (reference resolution, embedded children). */
  readonly rules: Record<string, Rule>;
  /** Top-level target properties written, in mapping order. */
  readonly properties: string[];
  /** Top-level properties written only when the target record is created (every row into them is insert-only). */
  readonly insertOnly: string[];
  /** Object-valued target properties and the sub-properties written into them. */
  readonly nested: ReadonlyMap<string, readonly string[]>;
  /** The target's parent record is locked (a child of a locked record is not written): when, and why. */
  readonly parentLock?: { readonly locked: Expr; readonly reason: string };
  /** The definitions behind each top-level target property. */
  readonly origins: ReadonlyMap<string, readonly Origin[]>;
  /** Embedded only: when the child must wait (a reference not in the target yet), its parent waits whole. */
  readonly waits: readonly Expr[];
}

export interface DesiredOptions {
  /** Embedded in the parent's record (order lines inside an order): the parent reference is implicit. */
  readonly embedded?: boolean;
}

/** Reads a raw record value of one side from the global entity `_S`. */
export const read = (side: SideModel, path: string): Expr => d.first(d.S(nsProp(side, path)));

/**
 * The one definition of an empty value: missing, `null`, `""` or only whitespace — all read as
 * null, so that an empty value never overwrites a non-empty one and is never sent as a change.
 */
export const nonEmpty = (value: Expr): Expr => d.ifElse(d.eq(d.strip(value), ''), null, value);

/** A record value of one side, empty values read as null. */
export const readValue = (side: SideModel, path: string): Expr => nonEmpty(read(side, path));

const scratch = (name: string) => `_${name.replace(/\./g, '__')}`;

/** Converts a source-side value into the target side's terms (value tables, inversion). */
function convert(m: PropertyMapping, into: Side, value: Expr): Expr {
  const table = into === 'erp' ? m.toErpValues : m.toCrmValues;
  if (table) {
    const pairs = Object.entries(table).flatMap(([from, to]) => [from, (to ?? null) as Expr]);
    return d.caseEq(value, ...pairs, null);
  }
  if (m.invert) return d.ifElse(d.isNull(value), null, d.not(value));
  return value;
}

/** `ni-id` of the first of `ids` in namespace `ns`, typed as the target system keys it. */
export function idIn(ids: Expr, target: SideModel): Expr {
  const id = d.niId(d.first(d.filterValues(d.eq(d.niNs(d.it()), target.ns), ids)));
  return target.datatype.keyType === 'integer' ? d.integer(id) : id;
}

/** Properties the target's write model requires. */
const requiredOnWrite = (x: SideModel): readonly string[] => {
  const schema = x.schemas.deref(x.schemas.get(x.datatype.writeSchema), x.datatype.writeSchema.split('#')[0]!).schema;
  return (schema.required ?? []) as readonly string[];
};

/** Why a change to a locked record is held back (stays in the transform dataset as `sesam_held_back`). */
export const lockReason = (side: SideModel, lock: NonNullable<SideModel['datatype']['lock']>): string =>
  `held back: the ${side.system.name} ${side.datatype.label} record is locked (${lock.reason})`;

/** Name of the rule that turns a referenced global entity into `{id: <target id>}`. */
const refRule = (target: SideModel) => `ref-${target.ns}`;

export function desiredState(model: IntegrationModel, flow: FlowModel, into: Side, options: DesiredOptions = {}): DesiredState {
  const x = sideOf(flow, into);
  const y = sideOf(flow, other(into));
  const transforms: Transform[] = [];
  const rules: Record<string, Rule> = {};
  const properties: string[] = [];
  const updatable = new Set<string>();
  let parentLock: DesiredState['parentLock'];
  const waits: Expr[] = [];
  const nested = new Map<string, { sub: string; value: string }[]>();
  const origins = new Map<string, Origin[]>();
  const note = (top: string, origin: Origin) => origins.set(top, [...(origins.get(top) ?? []), origin]);
  // Inside a parent's record (order lines) an empty value is left out rather than sent as null:
  // the API validates each line field by its own type.
  const put = options.embedded ? d.addIf : d.add;

  // Which side changed last decides ↔ rows (change times are datetimes: instants, whatever their
  // offsets); a side without a record never wins. At the same instant the crm side wins, on both
  // sides, so that the two never keep different values.
  const later = into === 'erp' ? d.gte : d.gt;
  transforms.push(
    d.add('_y_lm', d.first(d.S(lastModifiedProp(y)))),
    d.add('_x_lm', d.first(d.S(lastModifiedProp(x)))),
    d.add('_y_wins', d.or(d.isNull(d.T('_x_lm')), d.and(d.isNotNull(d.T('_y_lm')), later(d.T('_y_lm'), d.T('_x_lm'))))),
  );

  /** Adds a computed value for a target path (nested paths gather into their top-level object). */
  const set = (path: string, value: Expr, origin: Origin) => {
    const [top, ...rest] = path.split('.') as [string, ...string[]];
    note(top, origin);
    if (rest.length === 0) {
      transforms.push(traced(put(top, value), origin));
      if (!properties.includes(top)) properties.push(top);
      return;
    }
    const name = scratch(path);
    transforms.push(traced(d.add(name, value), origin));
    const list = nested.get(top) ?? [];
    list.push({ sub: rest.join('.'), value: d.T(name) });
    nested.set(top, list);
  };
  const targetRef = (path: string) => (path.includes('.') ? d.T(scratch(path)) : d.T(path));

  /** Latest wins, empty never overwrites: the desired value of a ↔ row. */
  const latestWins = (fromY: Expr, current: Expr): Expr =>
    d.ifElse(d.T('_y_wins'), d.coalesce(fromY, current), d.coalesce(current, fromY));

  for (const m of flow.definition.mappings) {
    if (!flowsInto(m, into)) continue;
    if (m.kind !== 'external-key' && !insertOnlyInto(m, into)) updatable.add((m.kind === 'derived' ? m.target : pathOn(m, into)).split('.')[0]!);
    const origin = mappingOrigin(flow, m);
    switch (m.kind) {
      case 'property': {
        const current = readValue(x, pathOn(m, into));
        const source = readValue(y, pathOn(m, other(into)));
        let fromY = convert(m, into, source);
        if (m.toErpValues && m.toCrmValues) {
          // Lossy value tables: keep the target's value when it already means the same thing.
          fromY = d.ifElse(d.eq(convert(m, other(into), current), source), current, fromY);
        }
        set(pathOn(m, into), m.direction === 'both' ? latestWins(fromY, current) : d.coalesce(fromY, current), origin);
        break;
      }
      case 'reference': {
        if (options.embedded && m.concept === flow.parent?.concept) break;
        const referenced = model.byConcept.get(m.concept)!;
        const target = sideOf(referenced, into);
        const resolved = scratch(`ref_${pathOn(m, into)}`);
        const yRef = d.S(refProp(y, pathOn(m, other(into))));
        const lock = target.datatype.lock;
        rules[refRule(target)] = [
          traced(d.add('id', idIn(d.S('$ids'), target)), origin),
          // Whether the referenced record is locked in the target (its children may not change then).
          ...(lock ? [d.add('locked', d.in_(read(target, lock.property), d.list(...lock.values)))] : []),
        ];
        if (lock && x.datatype.parent?.datatype === target.datatype.name) {
          parentLock = { locked: d.eq(d.first(d.T(resolved, 'locked')), true), reason: lockReason(target, lock) };
        }
        transforms.push(
          traced(
            d.add(resolved, d.applyHops(refRule(target), { datasets: [`${globalId(m.concept)} ref`], where: [d.eq(yRef, d.alias('ref', '$ids'))] })),
            origin,
          ),
        );
        const fromY = d.first(d.T(resolved, 'id'));
        const current = read(x, pathOn(m, into));
        const path = pathOn(m, into);
        // An owner PowerOffice takes only on insert cannot move there, so neither side's record
        // follows the other once it exists: PowerOffice keeps its owner, the CRM keeps a move.
        const fixed = m.erpInsertOnly === true;
        set(path, fixed ? d.coalesce(current, fromY) : m.direction === 'both' ? latestWins(fromY, current) : d.coalesce(fromY, current), origin);
        // Held back until the referenced record exists in the target; a reference the target
        // requires (declared, or required by its write schema) holds the record back even when empty.
        const required = m.requiredBy.includes(into) || requiredOnWrite(x).includes(path);
        if (options.embedded) {
          // A child written inside its parent keeps its current reference meanwhile (leaving it
          // out would remove it from the parent).
          transforms.push(traced(d.discard(required ? d.isNotNull(targetRef(path)) : d.or(d.isNull(d.first(yRef)), d.isNotNull(targetRef(path)))), origin));
          // It cannot go out with its old reference either: that would make this side the latest
          // and undo the change on the other side. Its parent waits whole (transform.ts).
          waits.push(d.and(d.isNotNull(d.first(yRef)), d.isNull(fromY)));
        } else {
          // The whole record waits, even when the target holds another value: sending the other
          // changes without this one would make the target the latest side, and undo the change.
          const resolves = d.or(d.isNull(d.first(yRef)), d.isNotNull(fromY));
          transforms.push(traced(d.discard(required ? d.and(resolves, d.isNotNull(targetRef(path))) : resolves), origin));
        }
        break;
      }
      case 'external-key': {
        // The holder keeps a key it already has; otherwise it gets the other side's id.
        set(m.property, d.coalesce(read(x, m.property), read(y, y.datatype.primaryKey)), origin);
        break;
      }
      case 'derived':
        break;
    }
  }

  for (const [top, subs] of nested) {
    transforms.push(traced(put(top, nestedObject(subs)), ...(origins.get(top) ?? [])));
    if (!properties.includes(top)) properties.push(top);
  }

  for (const m of flow.definition.mappings) {
    if (m.kind !== 'derived' || m.side !== into) continue;
    const empty = d.and(...m.whenAllEmpty.map((p) => d.isNull(targetRef(p))));
    set(m.target, d.ifElse(empty, m.value, readValue(x, m.target)), mappingOrigin(flow, m));
  }
  return {
    transforms,
    rules,
    properties,
    insertOnly: properties.filter((p) => !updatable.has(p) && !x.datatype.pathOnly?.includes(p)),
    nested: new Map([...nested].map(([top, subs]) => [top, subs.map((s) => s.sub)] as const)),
    ...(parentLock ? { parentLock } : {}),
    origins,
    waits,
  };
}

/** An object built from sub-values, or null when all of them are empty (nothing to send). */
export function nestedObject(subs: readonly { sub: string; value: Expr }[]): Expr {
  return d.ifElse(
    d.and(...subs.map((s) => d.isNull(s.value))),
    null,
    d.dict(...subs.flatMap((s) => [s.sub, s.value])),
  );
}

/** Hold-back rules from the flow's send conditions on the source side. */
export function conditionTransforms(flow: FlowModel, into: Side): Transform[] {
  return flow.definition.conditions
    .filter((c) => c.side !== into)
    .map((c) => traced(d.discard(d.not(d.in_(read(sideOf(flow, c.side), c.property), d.list(...c.notIn)))), conditionOrigin(flow, c)));
}

