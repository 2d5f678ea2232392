// `global-<concept>`: one merge over both systems' enrich datasets. Records merge on their
// origin (the sync inserted one from the other), on external keys and on the merge criteria.
import * as d from '../../dtl/builder';
import type { Expr } from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import { type FlowModel, pathOn, sideOf } from '../model';
import { globalId, keyProp, nsProp, originProp, pipeId } from '../names';
import { criterionOrigin, mappingOrigin, traced } from '../provenance';

export function globalPipe(flow: FlowModel): JsonObject {
  const { crm, erp } = flow;
  const equality: Expr[] = [
    d.eq(d.alias('crm', originProp(crm)), d.alias('erp', '_id')),
    d.eq(d.alias('erp', originProp(erp)), d.alias('crm', '_id')),
  ];
  for (const m of flow.definition.mappings) {
    if (m.kind !== 'external-key') continue;
    const holder = sideOf(flow, m.holder);
    const owner = m.holder === 'crm' ? erp : crm;
    equality.push(
      traced(
        d.eq(d.alias(holder === crm ? 'crm' : 'erp', nsProp(holder, m.property)), d.alias(owner === crm ? 'crm' : 'erp', nsProp(owner, owner.datatype.primaryKey))),
        mappingOrigin(flow, m),
      ),
    );
  }
  for (const c of flow.definition.mergeCriteria) {
    equality.push(traced(d.eq(d.alias('crm', keyProp(crm, pathOn(c, 'crm'))), d.alias('erp', keyProp(erp, pathOn(c, 'erp')))), criterionOrigin(flow, c)));
  }
  return {
    _id: globalId(flow.concept),
    type: 'pipe',
    description: `Every ${flow.crm.system.name} ${flow.crm.datatype.label} and ${flow.erp.system.name} ${flow.erp.datatype.label}, merged: one entity per real-world ${flow.concept}.`,
    source: {
      type: 'merge',
      version: 2,
      datasets: [`${pipeId(crm, 'enrich')} crm`, `${pipeId(erp, 'enrich')} erp`],
      equality,
      identity: 'first',
      // Union of values: namespaced properties never collide, and lists stay lists.
      strategy: 'default',
    },
    namespaced_identifiers: false,
  } as unknown as JsonObject;
}
