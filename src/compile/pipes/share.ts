// `<sys>-<dt>-share`: insert and update against the API with transform-share-rest
// (optimistic locking against `$based_on`), one entity per batch, inserts tracked in its own
// sink so they are never sent twice.
import * as d from '../../dtl/builder';
import type { Rule } from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import type { FlowModel, SideModel } from '../model';
import { type Origin, traced } from '../provenance';
import { globalId, operationId, pipeId } from '../names';
import { HELD_BACK } from './transform';

export function sharePipe(
  flow: FlowModel,
  x: SideModel,
  writes: { insert: readonly string[]; update: readonly string[] },
  origins: ReadonlyMap<string, readonly Origin[]>,
  holds = false,
): JsonObject {
  const of = (p: string) => origins.get(p) ?? [];
  // A held-back entity (its record is locked) makes no call: its payload rule discards it.
  const skipHeld = holds ? [d.discard(d.isNull(d.S('$source', HELD_BACK)))] : [];
  // No second insert: when the global entity already holds a record of this system (an insert
  // whose answer was lost, collected since and linked by its external key or merge criteria),
  // the insert is not sent again.
  // (Found by the record's ids: a merge may have given the global entity another _id.)
  const linked = d.filterValues(d.eq(d.niNs(d.it()), x.ns), d.pathOf('$ids', d.hops({ datasets: [`${globalId(flow.concept)} g`], where: [d.eq(d.S('$source', '$ids'), d.alias('g', '$ids'))] })));
  const skipLinked = [d.discard(d.not(d.isNotEmpty(linked)))];
  const changed: Rule = writes.update.map((p) => d.ifThen(d.neq(d.S(p), d.S('$based_on', p)), traced(d.add(p, d.S(p)), ...of(p))));
  const updatePayload =
    x.system.updateStyle === 'json-patch'
      ? d.map(
          d.dict('op', 'replace', 'path', d.concat('/', d.first(d.it())), 'value', d.last(d.it())),
          d.items(d.apply('changed', d.S('$source'))),
        )
      : d.apply('changed', d.S('$source'));
  return {
    _id: pipeId(x, 'share'),
    type: 'pipe',
    description: `Writes ${x.system.name} ${x.datatype.label} records: inserts new ones, updates changed ones.`,
    source: { type: 'dataset', dataset: pipeId(x, 'transform') },
    transform: {
      type: 'template',
      template: 'transform-share-rest',
      properties: {
        rest_system: x.system.id,
        primary_key: x.datatype.primaryKey,
        share_dataset: pipeId(x, 'share'),
        operation_lookup: operationId(x, 'lookup'),
        operation_insert: operationId(x, 'insert'),
        operation_update: operationId(x, 'update'),
        rewrite_rules_payload: {
          rewrite_insert_payload: [...skipHeld, ...skipLinked, d.add('$payload', d.apply('insert-payload', d.S('$source')))],
          rewrite_update_payload: [...skipHeld, d.add('$payload', updatePayload)],
          // Empty values are left out of inserts: the API fills its defaults.
          'insert-payload': writes.insert.map((p) => traced(d.addIf(p, d.S(p)), ...of(p))),
          // One value per changed top-level property (a JSON Patch `replace` each, for PowerOffice).
          changed,
        },
      },
    },
    sink: { type: 'dataset', set_initial_offset: 'onload', deletion_tracking: false },
    batch_size: 1,
    exclude_completeness: [pipeId(x, 'share')],
    namespaced_identifiers: false,
  } as unknown as JsonObject;
}
