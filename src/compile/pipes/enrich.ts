// `<sys>-<dt>-enrich`: the record in the global shape — every property under the record's
// namespace, references as namespaced identifiers, normalised merge keys, change time, origin.
import * as d from '../../dtl/builder';
import type { Expr, Transform } from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import { nonEmpty } from '../desired';
import { type FlowModel, type IntegrationModel, type SideModel, pathOn } from '../model';
import { keyProp, lastModifiedProp, nsProp, originProp, pipeId, refProp } from '../names';
import { criterionOrigin, mappingOrigin, traced } from '../provenance';

export function enrichPipe(model: IntegrationModel, flow: FlowModel, side: SideModel): JsonObject {
  const rules: Transform[] = [
    d.add('_id', d.concat(`${side.ns}:`, d.S('_id'))),
    d.add('$ids', d.list(d.ni(side.ns, d.S('_id')))),
  ];
  for (const name of side.schemas.propertyNames(side.datatype.schema)) rules.push(d.add(nsProp(side, name), d.S(name)));
  if (side.datatype.parent) rules.push(d.add(nsProp(side, side.datatype.parent.key), d.S(side.datatype.parent.key)));
  rules.push(d.add(lastModifiedProp(side), d.S('$last-modified')), d.add(originProp(side), d.S('$origin')));

  // Merge keys, an empty value (null, "" or spaces) being no key; a fallback key exists only when
  // the keys before it are empty ("else").
  const earlier: Expr[] = [];
  for (const c of flow.definition.mergeCriteria) {
    const raw = d.S(pathOn(c, side.side));
    const key = nonEmpty(c.normalise === 'lower' ? d.lower(d.strip(raw)) : d.strip(raw));
    rules.push(traced(d.add(keyProp(side, pathOn(c, side.side)), c.fallback && earlier.length ? d.ifElse(d.and(...earlier.map(d.isNull)), key, null) : key), criterionOrigin(flow, c)));
    earlier.push(key);
  }

  for (const m of flow.definition.mappings) {
    if (m.kind !== 'reference') continue;
    const referenced = model.byConcept.get(m.concept)!;
    const target = side.side === 'crm' ? referenced.crm : referenced.erp;
    const path = pathOn(m, side.side);
    rules.push(traced(d.add(refProp(side, path), d.ni(target.ns, d.string(d.S(path)))), mappingOrigin(flow, m)));
  }
  return {
    _id: pipeId(side, 'enrich'),
    type: 'pipe',
    description: `${side.system.name} ${side.datatype.label} records in the global shape of '${flow.concept}'.`,
    source: { type: 'dataset', dataset: pipeId(side, 'collect') },
    transform: { type: 'dtl', rules: { default: rules } },
    namespaced_identifiers: false,
  } as unknown as JsonObject;
}
