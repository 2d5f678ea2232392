// The resolved integration model: definitions joined with their systems, namespaces and
// schemas, checked at run time (DESIGN §6.3). Both the pipe compiler and the docs read it.

import type { Concept, DataflowDefinition, Mapping, Side } from '../model/dataflow';
import { SchemaSet } from '../model/schema';
import type { DatatypeDefinition, SystemDefinition } from '../model/system';

export interface SideModel {
  readonly side: Side;
  readonly system: SystemDefinition;
  readonly datatype: DatatypeDefinition;
  /** `<system>-<datatype>`: pipe id prefix, property namespace and NI namespace. */
  readonly ns: string;
  readonly schemas: SchemaSet;
}

export interface FlowModel {
  readonly definition: DataflowDefinition;
  readonly concept: Concept;
  readonly crm: SideModel;
  readonly erp: SideModel;
  readonly parent?: FlowModel;
  readonly children: readonly FlowModel[];
  /** Definition file, for messages (`pipes/contact-contactperson.ts`). */
  readonly file: string;
}

export interface IntegrationModel {
  readonly systems: readonly SystemDefinition[];
  /** Every flow, parents before their children, in definition order. */
  readonly flows: readonly FlowModel[];
  readonly byConcept: ReadonlyMap<Concept, FlowModel>;
}

/** A problem in the TypeScript definitions, located by file and the mapping it concerns. */
export interface DefinitionProblem {
  readonly file: string;
  readonly where: string;
  readonly message: string;
}

export const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');
export const sideOf = (flow: FlowModel, side: Side): SideModel => (side === 'crm' ? flow.crm : flow.erp);
export const pathOn = (m: { crm: string; erp: string }, side: Side): string => (side === 'crm' ? m.crm : m.erp);

/** True when values of this mapping flow into `target`. */
export const flowsInto = (m: Mapping, target: Side): boolean => {
  if (m.kind === 'external-key') return m.holder === target;
  if (m.kind === 'derived') return m.side === target;
  return m.direction === 'both' || m.direction === (target === 'erp' ? 'toErp' : 'toCrm');
};

export function buildModel(
  systems: readonly SystemDefinition[],
  dataflows: readonly DataflowDefinition[],
): { model: IntegrationModel; problems: DefinitionProblem[] } {
  const problems: DefinitionProblem[] = [];
  const sortedSystems = [...systems].sort((a, b) => a.id.localeCompare(b.id));
  const schemaSets = new Map(sortedSystems.map((s) => [s.id, new SchemaSet(s.schemas)] as const));

  const sideModel = (side: Side, datatype: DatatypeDefinition, file: string): SideModel | undefined => {
    const system = sortedSystems.find((s) => s.id === datatype.systemId && s.datatypes[datatype.name] !== undefined);
    if (!system) {
      problems.push({ file, where: side, message: `datatype '${datatype.name}' belongs to no loaded system` });
      return undefined;
    }
    return { side, system, datatype, ns: `${system.id}-${datatype.name}`, schemas: schemaSets.get(system.id)! };
  };

  const flows: FlowModel[] = [];
  const build = (definition: DataflowDefinition, file: string, parent?: FlowModel): void => {
    const crm = sideModel('crm', definition.crm, file);
    const erp = sideModel('erp', definition.erp, file);
    if (!crm || !erp) return;
    const children: FlowModel[] = [];
    const flow: FlowModel = { definition, concept: definition.concept, crm, erp, children, file, ...(parent ? { parent } : {}) };
    flows.push(flow);
    for (const child of definition.children) {
      const before = flows.length;
      build(child, file, flow);
      if (flows.length > before) children.push(flows[before]!);
    }
  };
  for (const d of dataflows) build(d, d.file ?? `pipes/${d.id}.ts`);

  const byConcept = new Map<Concept, FlowModel>();
  for (const f of flows) {
    if (byConcept.has(f.concept)) problems.push({ file: f.file, where: `concept '${f.concept}'`, message: 'two dataflows use the same global concept' });
    else byConcept.set(f.concept, f);
  }
  for (const f of flows) problems.push(...checkFlow(f, byConcept));
  return { model: { systems: sortedSystems, flows, byConcept }, problems };
}

/** The run-time twin of the type checks: every mapped path exists, fits, and is writable. */
function checkFlow(flow: FlowModel, byConcept: ReadonlyMap<Concept, FlowModel>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const at = (where: string, message: string) => problems.push({ file: flow.file, where, message });
  const readable = (side: SideModel, path: string, where: string) => {
    const p = side.schemas.property(side.datatype.schema, path);
    if (!p) at(where, `'${path}' is not a property of ${side.system.name} ${side.datatype.label}`);
    return p;
  };
  const writable = (side: SideModel, path: string, where: string, insertOnly = false) => {
    const top = path.split('.')[0]!;
    if (insertOnly && side.datatype.pathOnly?.includes(top)) return;
    const p = side.schemas.property(side.datatype.writeSchema, path);
    const read = side.schemas.property(side.datatype.schema, path);
    if (!p || read?.readOnly) at(where, `'${path}' is read-only in ${side.system.name} ${side.datatype.label}: it is never written`);
  };

  for (const c of flow.definition.mergeCriteria) {
    readable(flow.crm, c.crm, `merge criterion '${c.crm}'`);
    readable(flow.erp, c.erp, `merge criterion '${c.erp}'`);
  }
  for (const m of flow.definition.mappings) {
    if (m.kind === 'external-key') {
      const holder = sideOf(flow, m.holder);
      readable(holder, m.property, `key '${m.property}'`);
      writable(holder, m.property, `key '${m.property}'`);
      continue;
    }
    if (m.kind === 'derived') {
      writable(sideOf(flow, m.side), m.target, `mapping '${m.target}'`);
      continue;
    }
    const where = `mapping '${m.crm}' / '${m.erp}'`;
    const c = readable(flow.crm, m.crm, where);
    const e = readable(flow.erp, m.erp, where);
    if (flowsInto(m, 'erp')) writable(flow.erp, m.erp, where, m.kind === 'reference' && m.erpInsertOnly === true);
    if (flowsInto(m, 'crm')) writable(flow.crm, m.crm, where, m.kind === 'reference');
    if (m.kind === 'reference') {
      if (!byConcept.has(m.concept)) at(where, `references concept '${m.concept}', which no dataflow defines`);
      continue;
    }
    if (c && e && !m.toErpValues && !m.toCrmValues && !m.assumeCompatible && !typesFit(c.types, e.types, m.invert)) {
      at(where, `types do not fit: ${c.types.join('|') || 'any'} ↔ ${e.types.join('|') || 'any'}`);
    }
  }
  for (const cond of flow.definition.conditions) readable(sideOf(flow, cond.side), cond.property, `condition on '${cond.property}'`);
  return problems;
}

function typesFit(a: readonly string[], b: readonly string[], invert?: boolean): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const norm = (t: string) => (t === 'integer' ? 'number' : t);
  if (invert) return a.every((t) => t === 'boolean') && b.every((t) => t === 'boolean');
  return a.some((t) => b.map(norm).includes(norm(t)));
}
