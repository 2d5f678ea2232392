// Provenance: which definition line produced which part of the generated config. The compiler
// tags the DTL nodes it builds from a mapping row, merge criterion, reference or condition (in a
// WeakMap beside them: invisible to the serializer, and the nodes keep their shapes); after
// compiling, the tags are read back with the JSON path of each node. `sesamflow explain` and generated/.sesamflow-provenance.json show them.
import type { DataflowDefinition, Mapping, MergeCriterion, SendCondition } from '../model/dataflow';
import { type SourceSite, formatSite, isSourceSite } from '../model/site';

/** One definition that produced a node: what rule, and where it was written. */
export interface Origin {
  readonly rule: string;
  /** `pipes/x.ts:27:5`, or the definition file when no line is known. */
  readonly at: string;
}

/** The origins of each tagged node (a node copied is a new node, untagged). */
const ORIGINS = new WeakMap<object, Origin[]>();

/** Marks `node` as produced by `origins` (added to any it has). Returns the node. */
export function traced<T>(node: T, ...origins: readonly Origin[]): T {
  if (origins.length === 0 || node === null || typeof node !== 'object') return node;
  const all = [...(ORIGINS.get(node) ?? [])];
  for (const o of origins) if (!all.some((x) => x.rule === o.rule && x.at === o.at)) all.push(o);
  ORIGINS.set(node, all);
  return node;
}

const at = (site: unknown, file: string): string => (isSourceSite(site as SourceSite | undefined) ? formatSite(site as SourceSite) : file);

/** The origin of a mapping row of a dataflow. */
export function mappingOrigin(flow: { definition: DataflowDefinition; file: string }, m: Mapping): Origin {
  const arrow = (d: string) => (d === 'both' ? '↔' : d === 'toErp' ? '→' : '←');
  switch (m.kind) {
    case 'property':
      return { rule: `mapping '${m.crm}' ${arrow(m.direction)} '${m.erp}'${m.insertOnly ? ' (insert only)' : ''}`, at: at(m.site, flow.file) };
    case 'reference':
      return { rule: `reference '${m.crm}' ${arrow(m.direction)} '${m.erp}' (${m.concept})`, at: at(m.site, flow.file) };
    case 'external-key':
      return { rule: `external key '${m.property}' (the ${m.holder === 'erp' ? 'crm' : 'erp'} id, written on insert)`, at: at(m.site, flow.file) };
    case 'derived':
      return { rule: `default '${m.target}' = ${JSON.stringify(m.value)} when ${m.whenAllEmpty.join(', ')} empty`, at: at(m.site, flow.file) };
  }
}

export const criterionOrigin = (flow: { file: string }, c: MergeCriterion): Origin => ({
  rule: `merge criterion '${c.crm}' = '${c.erp}' (${c.normalise}${c.fallback ? ', fallback' : ''})`,
  at: at(c.site, flow.file),
});

export const conditionOrigin = (flow: { file: string }, c: SendCondition): Origin => ({
  rule: `condition: ${c.side} '${c.property}' not in ${c.notIn.map((v) => JSON.stringify(v)).join(', ')}`,
  at: at(c.site, flow.file),
});

/** One traced node of a generated file. */
export interface TraceEntry {
  /** JSON path in the file: `$.transform.rules.default[12]`. */
  readonly path: string;
  /** The property an `add` / `add-if` writes (scratch names read back as paths: `MailAddress.City`). */
  readonly property?: string;
  readonly rules: readonly string[];
  readonly definitions: readonly string[];
}

const unscratch = (name: string) => (name.startsWith('_') && !name.startsWith('_ref_') ? name.slice(1).replace(/__/g, '.') : name);
const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** Every traced node of one config entity, in document order. */
export function traceOf(entity: unknown): TraceEntry[] {
  const out: TraceEntry[] = [];
  // The path as its pieces (`[3]`, `.rules`); made into a string only where a node is tagged.
  const pieces: string[] = ['$'];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    const origins = ORIGINS.get(node);
    if (origins && origins.length > 0) {
      const list = Array.isArray(node) ? (node as unknown[]) : undefined;
      const name = list && (list[0] === 'add' || list[0] === 'add-if') && typeof list[1] === 'string' ? unscratch(list[1]) : undefined;
      out.push({ path: pieces.join(''), ...(name ? { property: name } : {}), rules: origins.map((o) => o.rule), definitions: [...new Set(origins.map((o) => o.at))] });
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (v === null || typeof v !== 'object') continue;
        pieces.push(`[${i}]`);
        walk(v);
        pieces.pop();
      }
    } else {
      for (const k of Object.keys(node)) {
        const v: unknown = (node as Record<string, unknown>)[k];
        if (v === null || typeof v !== 'object') continue;
        pieces.push(key(k));
        walk(v);
        pieces.pop();
      }
    }
  };
  walk(entity);
  return out;
}

export function provenanceFile(files: readonly { path: string; entity: unknown }[]): string {
  const byFile: Record<string, TraceEntry[]> = {};
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const entries = traceOf(f.entity);
    if (entries.length > 0) byFile[f.path] = entries;
  }
  return `${JSON.stringify({ generatedBy: 'sesamflow generate', files: byFile }, null, 2)}\n`;
}

/** A traced node with the file it is in. */
export interface Located extends TraceEntry {
  readonly file: string;
}

/** Every traced node of every generated file. */
export function traceAll(files: readonly { path: string; entity: unknown }[]): Located[] {
  return files.flatMap((f) => traceOf(f.entity).map((e) => ({ file: f.path, ...e })));
}

/**
 * The nodes of one generated file that `selector` names: a property (`PhoneNumber`,
 * `MailAddress.City`) or a JSON path — the traced node at that path or the nearest one above it,
 * and every traced node below it. No selector: all of the file's nodes.
 */
export function selectTrace(entries: readonly Located[], selector: string | undefined): Located[] {
  if (selector === undefined) return [...entries];
  if (!selector.startsWith('$')) return entries.filter((e) => e.property === selector || e.property?.endsWith(`:${selector}`));
  const below = entries.filter((e) => e.path === selector || e.path.startsWith(`${selector}[`) || e.path.startsWith(`${selector}.`));
  if (below.length > 0) return below;
  const above = entries.filter((e) => selector.startsWith(`${e.path}[`) || selector.startsWith(`${e.path}.`));
  return above.length > 0 ? [above.sort((a, b) => b.path.length - a.path.length)[0]!] : [];
}

/** The nodes a definition line produced (`file` relative to the project, `line` 1-based). */
export function nodesFrom(entries: readonly Located[], file: string, line: number): Located[] {
  return entries.filter((e) => e.definitions.some((d) => d.startsWith(`${file}:${line}:`) || d === file));
}
