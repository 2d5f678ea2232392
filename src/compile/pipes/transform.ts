// `<sys>-<dt>-transform`: the connector's input contract — the desired state of each target
// record in the target's own property names, with references resolved to the target's ids.
// The namespace split: a global entity that already holds a record of the target updates that
// record (`$based_on` = the values as collected); otherwise it becomes an insert that carries
// its origin and `$ids`.
import * as d from '../../dtl/builder';
import type { Expr, Rule, Transform } from '../../dtl/builder';
import type { Side } from '../../model/dataflow';
import type { JsonObject } from '../../sesam/project';
import { conditionTransforms, desiredState, idIn, lockReason, nestedObject, nonEmpty, read } from '../desired';
import { type FlowModel, type IntegrationModel, type SideModel, sideOf } from '../model';
import { type Origin, traced } from '../provenance';
import { formatSite, isSourceSite } from '../../model/site';
import { globalId, nsProp, pipeId, refProp } from '../names';

/** Children written inside their parent's record (CRM lines always; PowerOffice lines on insert). */
export interface EmbeddedChildren {
  readonly property: string;
  readonly alwaysWritten: boolean;
  readonly sortBy: string;
}

export function embeddedChildren(flow: FlowModel, into: Side): { child: FlowModel; spec: EmbeddedChildren }[] {
  return flow.children.map((child) => {
    const x = sideOf(child, into);
    const sort = child.definition.mappings.find((m) => m.kind === 'property' && /sort/i.test(m.crm));
    return {
      child,
      spec: {
        property: x.datatype.parent!.property,
        // A child without endpoints of its own is only ever written with its parent.
        alwaysWritten: x.datatype.operations.insert === undefined,
        sortBy: sort && sort.kind === 'property' ? (into === 'crm' ? sort.crm : sort.erp) : x.datatype.primaryKey,
      },
    };
  });
}

/** The transform pipe and the properties its inserts and updates carry (for the share pipe). */
export interface TransformOutput {
  readonly pipe: JsonObject;
  readonly writes: { readonly insert: readonly string[]; readonly update: readonly string[] };
  /** The definitions behind each written property. */
  readonly origins: ReadonlyMap<string, readonly Origin[]>;
  /** Some entities may be held back (`sesam_held_back`): the share pipe must skip those. */
  readonly holds: boolean;
}

/** The property that holds the reason a change is held back. */
export const HELD_BACK = 'sesam_held_back';
/** On an embedded child, while the parent must wait for it (never leaves the transform). */
const WAITS = 'sesam_waits';

export function transformPipe(model: IntegrationModel, flow: FlowModel, into: Side): TransformOutput {
  const x = sideOf(flow, into);
  const desired = desiredState(model, flow, into);
  const rules: Record<string, Rule> = { ...desired.rules };
  const sendable = desired.properties.filter((p) => !x.datatype.pathOnly?.includes(p));
  // Insert-only values go out when the record is created; a linked record never gets them.
  const updateProperties = sendable.filter((p) => !desired.insertOnly.includes(p));
  const insertOnly: Transform[] = [];
  const insertProperties = [...sendable];
  const childTransforms: Transform[] = [];
  // Children of this record that exist on the other side only, per child flow written on its own.
  const pendingChildren: { label: string; list: Expr }[] = [];

  const embedded = embeddedChildren(flow, into);
  for (const { child, spec } of embedded) {
    const cx = sideOf(child, into);
    const childState = desiredState(model, child, into, { embedded: true });
    Object.assign(rules, childState.rules);
    const ruleName = `child-${cx.ns}`;
    rules[ruleName] = [
      ...childState.transforms,
      ...(spec.alwaysWritten
        ? [
            d.ifThen(d.isNotEmpty(ownIds(cx)), d.add(cx.datatype.primaryKey, idIn(d.S('$ids'), cx))),
            // A child deleted from the parent stays deleted (deletes are never propagated): a
            // child whose own id the parent no longer holds is left out, not named again.
            d.discard(d.or(d.not(d.isNotEmpty(ownIds(cx))), d.in_(d.T(cx.datatype.primaryKey), d.pathOf(cx.datatype.primaryKey, d.P('_S', nsProp(x, spec.property)))))),
          ]
        : []),
      ...(spec.alwaysWritten && childState.waits.length > 0 ? [d.add(WAITS, d.or(...childState.waits))] : []),
      d.remove('_*'),
    ];
    // The children of this record in the child concept's global, as either side names its parent.
    const childHops = (['crm', 'erp'] as const).map((s) => {
      const side = sideOf(child, s);
      const parentRef = child.definition.mappings.find((m) => m.kind === 'reference' && m.concept === flow.concept);
      const refPath = parentRef && parentRef.kind === 'reference' ? (s === 'crm' ? parentRef.crm : parentRef.erp) : side.datatype.parent!.key;
      return { datasets: [`${globalId(child.concept)} child`], where: [d.eq(d.S('$ids'), d.alias('child', refProp(side, refPath)))] };
    });
    const children = d.sorted(d.it(spec.sortBy), d.distinct(d.combine(...childHops.map((h) => d.applyHops(ruleName, h)))));
    if (spec.alwaysWritten) {
      childTransforms.push(traced(d.add(spec.property, children), childOrigin(child)));
      if (childState.waits.length > 0) {
        // A child whose reference is not in the target yet holds back the whole record (it is
        // written with all its children); the mark is taken off the children that go out.
        rules[`without-waits-${cx.ns}`] = [d.copy('*', WAITS)];
        childTransforms.push(
          d.discard(d.not(d.in_(true, d.pathOf(WAITS, d.T(spec.property))))),
          traced(d.add(spec.property, d.apply(`without-waits-${cx.ns}`, d.T(spec.property))), childOrigin(child)),
        );
      }
      updateProperties.push(spec.property);
      insertProperties.push(spec.property);
      rules[`based-on-${cx.ns}`] = [
        d.add(cx.datatype.primaryKey, d.S(cx.datatype.primaryKey)),
        // Shaped like the desired lines: empty values left out.
        ...childState.properties.map((p) => d.addIf(p, basedOnValue(childState.nested.get(p), d.S(p)))),
      ];
    } else {
      // After the insert, children go through their own endpoints: one not there yet is pending
      // (which matters only to a record that can lock).
      if (x.datatype.lock) {
        rules[`pending-${cx.ns}`] = [d.discard(d.not(d.isNotEmpty(ownIds(cx)))), d.add('pending', true)];
        pendingChildren.push({ label: cx.datatype.label, list: d.combine(...childHops.map((h) => d.applyHops(`pending-${cx.ns}`, h))) });
      }
      insertOnly.push(
        traced(d.add(spec.property, children), childOrigin(child)),
        // Created with all its children or not yet: a child held back (its reference not in the
        // target yet) could not be added later to a record that is locked on creation.
        d.discard(d.eq(d.count(d.T(spec.property)), d.count(d.distinct(d.combine(...childHops.map((h) => d.hops(h))))))),
      );
      insertProperties.push(spec.property);
    }
  }

  // `$based_on` holds the values as collected (the connector contract: the share's optimistic
  // lock compares it with the record it looks up). `collected` shapes them like the desired
  // values (empty values as null) to tell whether anything changed.
  rules['based-on'] = updateProperties.map((p) => d.add(p, embedded.some((c) => c.spec.property === p) ? d.S(nsProp(x, p)) : d.first(d.S(nsProp(x, p)))));
  rules.collected = updateProperties.map((p) => {
    const child = embedded.find((c) => c.spec.property === p);
    if (child) {
      const cx = sideOf(child.child, into);
      return d.add(p, d.sorted(d.it(child.spec.sortBy), d.apply(`based-on-${cx.ns}`, d.S(nsProp(x, p)))));
    }
    return traced(d.add(p, basedOnValue(desired.nested.get(p), d.first(d.S(nsProp(x, p))))), ...(desired.origins.get(p) ?? []));
  });
  // A desired value that means what the record holds (an empty value is null, "" or spaces)
  // takes the collected value itself: unchanged for the share, and for the lock below.
  const asCollected: Transform[] = updateProperties.map((p) =>
    d.add(p, d.ifElse(d.eq(d.T(p), d.T('_collected', p)), d.T('$based_on', p), d.T(p))),
  );

  // Locks: a change to a locked record (or to a child of a locked record) is held back — the
  // entity stays in this dataset with the reason in `sesam_held_back`, and the share pipe skips it.
  const lock = x.datatype.lock;
  // Only an actual change is held back (a linked record whose desired state differs from the collected one).
  const changed = d.or(...updateProperties.map((p) => d.neq(d.T(p), d.T('$based_on', p))));
  const ownLock: Transform[] = lock
    ? [
        d.ifThen(
          d.and(
            d.in_(read(x, lock.property), d.list(...lock.values)),
            // A change that unlocks the record (the lock property to another value) goes out.
            desired.properties.includes(lock.property) ? d.in_(d.T(lock.property), d.list(...lock.values)) : true,
            changed,
          ),
          d.add(HELD_BACK, lockReason(x, lock)),
        ),
      ]
    : [];
  // A change that locks the record waits while children of it are still to be created here: once
  // locked, they could not be added (they go first, then the record locks).
  const lockAfterChildren: Transform[] =
    lock && desired.properties.includes(lock.property) && pendingChildren.length > 0
      ? [
          d.ifThen(
            d.and(
              d.not(d.in_(read(x, lock.property), d.list(...lock.values))),
              d.in_(d.T(lock.property), d.list(...lock.values)),
              d.isNotEmpty(d.combine(...pendingChildren.map((c) => c.list))),
            ),
            d.add(HELD_BACK, `held back: the change would lock the ${x.system.name} ${x.datatype.label} record before its new ${pendingChildren.map((c) => c.label).join(', ')} records are created (they cannot be added to a locked record)`),
          ),
        ]
      : [];
  const parentLocked = desired.parentLock;
  const parentLockOnInsert: Transform[] = parentLocked ? [d.ifThen(parentLocked.locked, d.add(HELD_BACK, parentLocked.reason))] : [];
  const parentLockOnUpdate: Transform[] = parentLocked ? [d.ifThen(d.and(parentLocked.locked, changed), d.add(HELD_BACK, parentLocked.reason))] : [];

  const defaultRule: Transform[] = [
    d.comment(`Desired state of ${x.system.name} ${x.datatype.label} records from global-${flow.concept}.`),
    // Deletes are never propagated: a deleted (or merge-replaced) global entity sends nothing.
    d.discard(d.and(d.neq(d.S('_deleted'), true), d.neq(d.S('$replaced'), true))),
    ...conditionTransforms(flow, into),
    d.add('_ids', ownIds(x)),
    ...desired.transforms,
    ...childTransforms,
    d.ifThen(
      d.isNotEmpty(d.T('_ids')),
      [
        d.add('_id', d.concat(`${x.ns}:`, d.niId(d.first(d.T('_ids'))))),
        d.add(x.datatype.primaryKey, idIn(d.S('$ids'), x)),
        d.add('$based_on', d.apply('based-on', d.S())),
        d.add('_collected', d.apply('collected', d.S())),
        ...asCollected,
        d.add('$based_on_properties', d.list(...updateProperties)),
        ...desired.insertOnly.map((p) => d.remove(p)),
        ...ownLock,
        ...lockAfterChildren,
        ...parentLockOnUpdate,
      ],
      [d.add('_id', d.S('_id')), d.add('$origin', d.S('_id')), d.add('$ids', d.S('$ids')), ...insertOnly, ...parentLockOnInsert],
    ),
  ];
  const pipe = {
    _id: pipeId(x, 'transform'),
    type: 'pipe',
    description: `Desired state of ${x.system.name} ${x.datatype.label} records: updates of linked records, inserts of new ones.`,
    source: { type: 'dataset', dataset: globalId(flow.concept) },
    transform: { type: 'dtl', rules: { default: defaultRule, ...rules } },
    namespaced_identifiers: false,
  } as unknown as JsonObject;
  return { pipe, writes: { insert: insertProperties, update: updateProperties }, origins: desired.origins, holds: lock !== undefined || desired.parentLock !== undefined };
}

/** The origin of the child records embedded in a parent's record: the child dataflow's definition. */
const childOrigin = (child: FlowModel): Origin => ({
  rule: `child records of dataflow '${child.definition.id}'`,
  at: isSourceSite(child.definition.site) ? formatSite(child.definition.site) : child.file,
});

/** The target's own ids among the global entity's `$ids` (namespace split). */
const ownIds = (x: SideModel): Expr => d.filterValues(d.eq(d.niNs(d.it()), x.ns), d.S('$ids'));

/** The collected value, shaped like the desired one so that "in sync" compares equal. */
function basedOnValue(subs: readonly string[] | undefined, value: Expr): Expr {
  if (!subs) return nonEmpty(value);
  return nestedObject(subs.map((sub) => ({ sub, value: nonEmpty(d.first(pathIn(value, sub))) })));
}
const pathIn = (value: Expr, sub: string): Expr => (typeof value === 'string' ? `${value}.${sub}` : d.pathOf(sub, value));
