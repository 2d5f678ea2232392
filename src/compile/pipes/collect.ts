// `<sys>-<dt>-collect`: the connector's output contract. transform-collect-rest links records
// that the sync inserted back to their origin; `$last-modified` comes from the change time.
//
// A parent record (an order) gets a new change time only when its own content changed: a
// system moves a parent's change time when one of its children changes (a line written by the
// sync, say), and that must not make the parent's own values look newer than the other side's.
// Its children take the parent's change time as the system gives it (the split pipe).
import * as d from '../../dtl/builder';
import type { Expr } from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import type { SideModel } from '../model';
import { operationId, pipeId } from '../names';

export function collectPipe(side: SideModel, options: { hasShare: boolean; lookup: boolean; children?: readonly string[] }): JsonObject {
  const source = side.datatype.parent ? pipeId(side, 'split') : pipeId(side, 'all');
  const share = pipeId(side, 'share');
  const transforms: JsonObject[] = [];
  if (options.hasShare) {
    transforms.push({
      type: 'template',
      template: 'transform-collect-rest',
      properties: {
        rest_system: side.system.id,
        primary_key: side.datatype.primaryKey,
        share_dataset: share,
        ...(options.lookup ? { operation_lookup: operationId(side, 'lookup') } : {}),
      },
    });
  }
  const updatedAt = side.datatype.updatedAt;
  const rules = [d.copy('*'), ...(updatedAt ? lastModified(side, updatedAt, options.children ?? []) : [])];
  transforms.push({ type: 'dtl', rules: { default: rules } } as unknown as JsonObject);
  return {
    _id: pipeId(side, 'collect'),
    type: 'pipe',
    description: `${side.system.name} ${side.datatype.label} records as the API returns them, with their origin and change time.`,
    source: { type: 'dataset', dataset: source },
    transform: transforms,
    ...(options.hasShare ? { exclude_completeness: [share] } : {}),
    namespaced_identifiers: false,
  };
}

function lastModified(side: SideModel, updatedAt: string, children: readonly string[]) {
  const changed: Expr = d.datetime(d.S(updatedAt));
  if (children.length === 0) return [d.add('$last-modified', changed)];
  // Its own content: what a writer can set, children aside.
  const schema = side.datatype.schema;
  const own = side.schemas.propertyNames(schema).filter((name) => !children.includes(name) && side.schemas.property(schema, name)?.readOnly !== true);
  const self = pipeId(side, 'collect');
  const key = side.datatype.primaryKey;
  return [
    d.add('_previous', d.first(d.hops({ datasets: [`${self} previous`], where: [d.eq(d.S(key), d.alias('previous', key))] }))),
    d.add(
      '$last-modified',
      d.ifElse(d.and(d.isNotNull(d.T('_previous')), ...own.map((name) => d.eq(d.T(name), d.T('_previous', name)))), d.T('_previous', '$last-modified'), changed),
    ),
    d.remove('_previous'),
  ];
}
