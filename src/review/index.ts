// What a change does to the integration, computed from the definitions before and after (not a
// text diff): per dataflow the mapping rows, merge criteria, references and conditions added,
// removed or changed; the pipes and systems added or removed; env and secret names. Rendered as
// Markdown for a pull request comment, or as JSON.
import type { CompileResult } from '../compile/index';
import type { FlowModel } from '../compile/model';
import type { DataflowDefinition, Mapping, MergeCriterion, SendCondition } from '../model/dataflow';

export interface Change {
  readonly kind: 'added' | 'removed' | 'changed';
  /** What changed, in words (`mapping 'phone' ↔ 'PhoneNumber'`). */
  readonly what: string;
  /** For a change: before → after, per aspect. */
  readonly details?: readonly string[];
}

export interface Review {
  /** Per dataflow id: its changes (a dataflow added or removed is one change). */
  readonly dataflows: Readonly<Record<string, readonly Change[]>>;
  readonly pipes: readonly Change[];
  readonly systems: readonly Change[];
  readonly env: readonly Change[];
  readonly secrets: readonly Change[];
}

const arrow = (d: string) => (d === 'both' ? '↔' : d === 'toErp' ? '→' : '←');

/** A mapping row's identity (what it maps) and its description. */
function mappingKey(m: Mapping): string {
  switch (m.kind) {
    case 'property':
    case 'reference':
      return `${m.kind} ${m.crm} ${m.erp}`;
    case 'external-key':
      return `key ${m.holder} ${m.property}`;
    case 'derived':
      return `default ${m.side} ${m.target}`;
  }
}

function mappingLabel(m: Mapping): string {
  switch (m.kind) {
    case 'property':
      return `mapping \`${m.crm}\` ${arrow(m.direction)} \`${m.erp}\`${m.insertOnly ? ' (insert only)' : ''}`;
    case 'reference':
      return `reference \`${m.crm}\` ${arrow(m.direction)} \`${m.erp}\` (${m.concept})`;
    case 'external-key':
      return `external key \`${m.property}\` (${m.holder === 'erp' ? 'the crm id in the erp record' : 'the erp id in the crm record'})`;
    case 'derived':
      return `default \`${m.target}\` = ${JSON.stringify(m.value)}`;
  }
}

/** The aspects of a mapping row a reviewer cares about, in words. */
function mappingAspects(m: Mapping): Record<string, string> {
  const out: Record<string, string> = {};
  if (m.kind === 'property' || m.kind === 'reference') out.direction = arrow(m.direction);
  if (m.kind === 'property') {
    if (m.toErpValues) out['value table →'] = JSON.stringify(m.toErpValues);
    if (m.toCrmValues) out['value table ←'] = JSON.stringify(m.toCrmValues);
    if (m.invert) out.invert = 'yes';
    if (m.insertOnly) out['insert only'] = 'yes';
    if (m.assumeCompatible) out['assumed compatible'] = m.assumeCompatible;
  }
  if (m.kind === 'reference') {
    out.concept = m.concept;
    if (m.requiredBy.length > 0) out['required by'] = m.requiredBy.join(', ');
    if (m.erpInsertOnly) out['erp insert only'] = 'yes';
  }
  if (m.kind === 'derived') {
    out.value = JSON.stringify(m.value);
    out['when empty'] = m.whenAllEmpty.join(', ');
  }
  return out;
}

/** Items keyed, compared by their aspects: added, removed, changed. */
function compare<T>(before: readonly T[], after: readonly T[], key: (x: T) => string, label: (x: T) => string, aspects: (x: T) => Record<string, string>): Change[] {
  const old = new Map(before.map((x) => [key(x), x]));
  const now = new Map(after.map((x) => [key(x), x]));
  const changes: Change[] = [];
  for (const [k, x] of now) {
    const was = old.get(k);
    if (!was) {
      changes.push({ kind: 'added', what: label(x) });
      continue;
    }
    const a = aspects(was);
    const b = aspects(x);
    const details = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((name) => a[name] !== b[name])
      .map((name) => `${name}: ${a[name] ?? '—'} → ${b[name] ?? '—'}`);
    if (details.length > 0) changes.push({ kind: 'changed', what: label(x), details });
  }
  for (const [k, x] of old) if (!now.has(k)) changes.push({ kind: 'removed', what: label(x) });
  return changes;
}

const criterionLabel = (c: MergeCriterion) => `merge criterion \`${c.crm}\` = \`${c.erp}\``;
const criterionAspects = (c: MergeCriterion) => ({ normalise: c.normalise, ...(c.fallback ? { fallback: 'yes' } : {}) });
const conditionLabel = (c: SendCondition) => `condition: ${c.side} \`${c.property}\` not in …`;
const conditionAspects = (c: SendCondition) => ({ 'not in': JSON.stringify(c.notIn) });

/** The changes inside one dataflow (its children are reviewed as dataflows of their own). */
function flowChanges(before: DataflowDefinition, after: DataflowDefinition): Change[] {
  const changes: Change[] = [];
  if (before.concept !== after.concept) changes.push({ kind: 'changed', what: 'concept', details: [`${before.concept} → ${after.concept}`] });
  const side = (d: DataflowDefinition) => `${d.crm.systemId}/${d.crm.name} ↔ ${d.erp.systemId}/${d.erp.name}`;
  if (side(before) !== side(after)) changes.push({ kind: 'changed', what: 'datatypes', details: [`${side(before)} → ${side(after)}`] });
  changes.push(...compare(before.mappings, after.mappings, mappingKey, mappingLabel, mappingAspects));
  changes.push(...compare(before.mergeCriteria, after.mergeCriteria, (c) => `${c.crm} ${c.erp}`, criterionLabel, criterionAspects));
  changes.push(...compare(before.conditions, after.conditions, (c) => `${c.side} ${c.property}`, conditionLabel, conditionAspects));
  return changes;
}

const byId = (flows: readonly FlowModel[]) => new Map(flows.map((f) => [f.definition.id, f.definition]));
const names = (values: Iterable<string>) => [...new Set(values)].sort();

function setChanges(before: Iterable<string>, after: Iterable<string>, label: (x: string) => string): Change[] {
  const a = new Set(before);
  const b = new Set(after);
  return [...names(b).filter((x) => !a.has(x)).map((x) => ({ kind: 'added' as const, what: label(x) })), ...names(a).filter((x) => !b.has(x)).map((x) => ({ kind: 'removed' as const, what: label(x) }))];
}

export function reviewChange(before: CompileResult, after: CompileResult): Review {
  const old = byId(before.model.flows);
  const now = byId(after.model.flows);
  const dataflows: Record<string, Change[]> = {};
  for (const id of names([...old.keys(), ...now.keys()])) {
    const a = old.get(id);
    const b = now.get(id);
    const changes = !a ? [{ kind: 'added' as const, what: `dataflow \`${id}\` (${b!.title})` }] : !b ? [{ kind: 'removed' as const, what: `dataflow \`${id}\` (${a.title})` }] : flowChanges(a, b);
    if (changes.length > 0) dataflows[id] = changes;
  }
  const ids = (r: CompileResult, type: (t: string) => boolean) => r.project.files.filter((f) => type(String(f.entity.type))).map((f) => String(f.entity._id));
  const isPipe = (t: string) => t === 'pipe';
  const isSystem = (t: string) => t.startsWith('system');
  const envNames = (r: CompileResult) => Object.values(r.project.env).flatMap((e) => Object.keys(e));
  const secretNames = (r: CompileResult) => r.model.systems.flatMap((s) => s.secrets.map((n) => `${s.id}: ${n}`));
  return {
    dataflows,
    pipes: setChanges(ids(before, isPipe), ids(after, isPipe), (x) => `pipe \`${x}\``),
    systems: setChanges(ids(before, isSystem), ids(after, isSystem), (x) => `system \`${x}\``),
    env: setChanges(envNames(before), envNames(after), (x) => `env \`${x}\``),
    secrets: setChanges(secretNames(before), secretNames(after), (x) => `secret \`${x}\``),
  };
}

export const isEmptyReview = (r: Review): boolean =>
  Object.keys(r.dataflows).length + r.pipes.length + r.systems.length + r.env.length + r.secrets.length === 0;

const line = (c: Change) => [`- ${c.kind} ${c.what}`, ...(c.details ?? []).map((d) => `  - ${d}`)];

/** The review as Markdown (a pull request comment). */
export function reviewMarkdown(r: Review, base: string): string {
  const out = [`## Integration changes since \`${base}\``, ''];
  if (isEmptyReview(r)) return `${[...out, 'No change to the dataflows, pipes, systems, env or secret names.'].join('\n')}\n`;
  for (const [id, changes] of Object.entries(r.dataflows)) out.push(`### Dataflow \`${id}\``, '', ...changes.flatMap(line), '');
  for (const [title, changes] of [
    ['Pipes', r.pipes],
    ['Systems', r.systems],
    ['Env vars', r.env],
    ['Secrets', r.secrets],
  ] as const) {
    if (changes.length > 0) out.push(`### ${title}`, '', ...changes.flatMap(line), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
