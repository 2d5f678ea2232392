// The resolved integration model: definitions joined with their systems, namespaces and
// schemas, checked at run time (the twin of the type checks, for definitions that were not type
// checked). Both the pipe compiler and the docs read it.

import type { Concept, DataflowDefinition, Mapping, Side } from '../model/dataflow';
import { SchemaSet } from '../model/schema';
import { type CallSite, type SourceSite, formatSite, isSourceSite } from '../model/site';
import type { DatatypeDefinition, SystemDefinition } from '../model/system';
import { didYouMean } from '../suggest';

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

/** A problem in the TypeScript definitions, located by file (and line) and the mapping it concerns. */
export interface DefinitionProblem {
  readonly file: string;
  readonly where: string;
  readonly message: string;
  readonly site?: SourceSite;
}

/** `pipes/x.ts:12:5: mapping 'a' / 'B': message` */
export const formatDefinitionProblem = (p: DefinitionProblem): string => `${p.site ? formatSite(p.site) : p.file}: ${p.where}: ${p.message}`;

/** Concept names become pipe ids (`global-<concept>`). */
const CONCEPT_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A mapping's insert-only rule for one target side. */
export const insertOnlyInto = (m: Mapping, target: Side): boolean =>
  (m.kind === 'property' && m.insertOnly === true) || (m.kind === 'reference' && m.erpInsertOnly === true && target === 'erp');

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

  const sideModel = (side: Side, datatype: DatatypeDefinition | undefined, file: string, site: CallSite | undefined): SideModel | undefined => {
    const located = { file, ...(isSourceSite(site) ? { site } : {}) };
    if (!datatype || typeof datatype !== 'object' || typeof datatype.name !== 'string') {
      problems.push({ ...located, where: side, message: `the ${side} datatype is missing (${String(datatype)}): name a datatype that a systems/<system>/index.ts defines and registers` });
      return undefined;
    }
    const system = sortedSystems.find((s) => s.id === datatype.systemId && Object.hasOwn(s.datatypes, datatype.name));
    if (!system) {
      problems.push({ ...located, where: side, message: `datatype '${datatype.name}' belongs to no loaded system (is it registered in its system's datatypes?)` });
      return undefined;
    }
    return { side, system, datatype, ns: `${system.id}-${datatype.name}`, schemas: schemaSets.get(system.id)! };
  };

  const flows: FlowModel[] = [];
  const build = (definition: DataflowDefinition, file: string, parent?: FlowModel): void => {
    const crm = sideModel('crm', definition.crm, file, definition.site);
    const erp = sideModel('erp', definition.erp, file, definition.site);
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
  const paired = new Map<string, FlowModel>();
  for (const f of flows) {
    const located = { file: f.file, ...(isSourceSite(f.definition.site) ? { site: f.definition.site } : {}) };
    if (typeof f.concept !== 'string' || !CONCEPT_NAME.test(f.concept)) {
      problems.push({ ...located, where: `concept '${String(f.concept)}'`, message: 'a concept is a lower-case name (letters, digits, single hyphens): it names the global-<concept> pipe' });
    } else if (byConcept.has(f.concept)) {
      problems.push({ ...located, where: `concept '${f.concept}'`, message: `dataflow ${byConcept.get(f.concept)!.definition.id} already uses this concept: each concept has one dataflow` });
    } else byConcept.set(f.concept, f);
    for (const side of [f.crm, f.erp]) {
      const other = paired.get(side.ns);
      if (other) problems.push({ ...located, where: side.side, message: `${side.system.name} ${side.datatype.label} is already paired in dataflow ${other.definition.id}` });
      else paired.set(side.ns, f);
      // The two sides of a child flow are children of the two sides of its parent flow.
      const parentSide = f.parent ? sideOf(f.parent, side.side) : undefined;
      const declared = side.datatype.parent?.datatype;
      if (parentSide && declared !== parentSide.datatype.name) {
        problems.push({ ...located, where: side.side, message: `${side.system.name} ${side.datatype.label} is a child flow's datatype, so its definition must declare parent '${parentSide.datatype.name}' (it declares ${declared ? `'${declared}'` : 'none'})` });
      }
      if (!parentSide && declared) {
        problems.push({ ...located, where: side.side, message: `${side.system.name} ${side.datatype.label} lives inside '${declared}' records: pair it in a child flow (children) of the dataflow of '${declared}'` });
      }
    }
  }
  // Concepts declared by every dataflow, also those whose sides did not resolve (no follow-on errors).
  const declared = new Set<string>();
  const collect = (d: DataflowDefinition) => {
    declared.add(d.concept);
    for (const c of d.children ?? []) collect(c);
  };
  for (const d of dataflows) collect(d);
  for (const f of flows) problems.push(...checkFlow(f, declared));
  return { model: { systems: sortedSystems, flows, byConcept }, problems };
}

/** The run-time twin of the type checks: every mapped path exists, fits, and may be written. One message per mistake. */
function checkFlow(flow: FlowModel, concepts: ReadonlySet<Concept>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const at = (site: CallSite | undefined, where: string, message: string) =>
    problems.push({ file: flow.file, where, message, ...(isSourceSite(site) ? { site } : isSourceSite(flow.definition.site) ? { site: flow.definition.site } : {}) });
  const name = (side: SideModel) => `${side.system.name} ${side.datatype.label}`;
  const readable = (side: SideModel, path: string, site: CallSite | undefined, where: string) => {
    const p = side.schemas.property(side.datatype.schema, path);
    if (!p) at(site, where, `'${path}' is not a property of ${name(side)}${didYouMean(path, side.schemas.paths(side.datatype.schema))}`);
    return p;
  };
  /** Whether `path` may be written into `side` (given an insert-only rule), or why not. */
  const writable = (side: SideModel, path: string, site: CallSite | undefined, where: string, insertOnly: boolean) => {
    if (insertOnly && side.datatype.pathOnly?.includes(path.split('.')[0]!)) return;
    const p = side.schemas.property(side.datatype.writeSchema, path);
    const read = side.schemas.property(side.datatype.schema, path);
    if (!p || p.readOnly || (side.datatype.writeSchema === side.datatype.schema && read?.readOnly)) {
      at(site, where, `'${path}' is read-only in ${name(side)}: it is never written`);
    } else if (!insertOnly && side.schemas.createOnly(side.datatype.writeSchema, path)) {
      at(site, where, `'${path}' can only be set on create in ${name(side)}: map it with { insertOnly: true }`);
    }
  };

  for (const c of flow.definition.mergeCriteria) {
    const where = `merge criterion '${c.crm}' / '${c.erp}'`;
    readable(flow.crm, c.crm, c.site, where);
    readable(flow.erp, c.erp, c.site, where);
  }
  for (const m of flow.definition.mappings) {
    if (m.kind === 'external-key') {
      const holder = sideOf(flow, m.holder);
      // Keys are written when the holder's record is created.
      if (readable(holder, m.property, m.site, `key '${m.property}'`)) writable(holder, m.property, m.site, `key '${m.property}'`, true);
      continue;
    }
    if (m.kind === 'derived') {
      const target = sideOf(flow, m.side);
      if (readable(target, m.target, m.site, `mapping '${m.target}'`)) writable(target, m.target, m.site, `mapping '${m.target}'`, false);
      continue;
    }
    const where = `mapping '${m.crm}' / '${m.erp}'`;
    const c = readable(flow.crm, m.crm, m.site, where);
    const e = readable(flow.erp, m.erp, m.site, where);
    if (e && flowsInto(m, 'erp')) writable(flow.erp, m.erp, m.site, where, insertOnlyInto(m, 'erp'));
    if (c && flowsInto(m, 'crm')) writable(flow.crm, m.crm, m.site, where, insertOnlyInto(m, 'crm') || m.kind === 'reference');
    if (m.kind === 'reference') {
      if (!concepts.has(m.concept)) at(m.site, where, `references concept '${m.concept}', which no dataflow defines${didYouMean(m.concept, concepts)}`);
      continue;
    }
    if (c && e && !m.toErpValues && !m.toCrmValues && !m.assumeCompatible && !typesFit(c.types, e.types, m.invert)) {
      at(m.site, where, `types do not fit: ${c.types.join('|') || 'any'} ↔ ${e.types.join('|') || 'any'}`);
    }
  }
  for (const cond of flow.definition.conditions) readable(sideOf(flow, cond.side), cond.property, cond.site, `condition on '${cond.property}'`);
  return problems;
}

export function typesFit(a: readonly string[], b: readonly string[], invert?: boolean): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const norm = (t: string) => (t === 'integer' ? 'number' : t);
  if (invert) return a.every((t) => t === 'boolean') && b.every((t) => t === 'boolean');
  return a.some((t) => b.map(norm).includes(norm(t)));
}
