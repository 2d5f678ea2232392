// `<sys>-<dt>-collect`: the connector's output contract. transform-collect-rest links records
// that the sync inserted back to their origin; `$last-modified` comes from the change time.
import * as d from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import type { SideModel } from '../model';
import { operationId, pipeId } from '../names';

export function collectPipe(side: SideModel, options: { hasShare: boolean; lookup: boolean }): JsonObject {
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
  const rules = [d.copy('*'), ...(side.datatype.updatedAt ? [d.add('$last-modified', d.datetime(d.S(side.datatype.updatedAt)))] : [])];
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
