// The dataflow documents' content (issue 5), built only from the compiled integration model —
// the same definitions that generate the pipes — never from hand-kept text. The templates in
// templates/ only lay this out (RST or Markdown); all wording that depends on data is here.
//
// Inline text is a list of segments: plain strings are escaped by the output format, `{ code }`
// segments become literals (``x`` in RST, `x` in Markdown).

import { type FlowModel, type IntegrationModel, type SideModel, flowsInto, other, sideOf } from '../compile/model';
import { globalId } from '../compile/names';
import type { Direction, Mapping, ReferenceMapping, Side } from '../model/dataflow';

export type Segment = string | { readonly code: string };
export type Inline = readonly Segment[];

export interface DocRow {
  /** Source-side property (`MailAddress.City`), or `—` for a value set by the integration. */
  readonly source: string;
  readonly target: string;
  /** Target-side data type from the target's read schema (`integer (int64)`, `enum: Draft, Confirmed`). */
  readonly type: string;
  /** Arrow relative to the table's columns: ↔ both ways, → source to target only, ← target to source only. */
  readonly direction: '↔' | '→' | '←';
  readonly notes: Inline;
}

export interface DocSection {
  /** `CustomCRM Contact to PowerOfficeGO Contactperson` (the flow definition's `title`, or its reverse). */
  readonly title: string;
  readonly summary: readonly Inline[];
  readonly rows: readonly DocRow[];
  readonly linking: readonly Inline[];
  readonly references: readonly Inline[];
  readonly conditions: readonly Inline[];
  readonly limitations: readonly Inline[];
  /** Child dataflows (order lines), rendered as subsections of their parent's section. */
  readonly children: readonly DocSection[];
}

export interface DataflowDocument {
  /** File name without extension: `customcrm-powerofficego`. */
  readonly name: string;
  readonly title: string;
  readonly intro: readonly Inline[];
  readonly columns: { readonly source: string; readonly target: string; readonly type: string };
  readonly legend: Inline;
  readonly sections: readonly DocSection[];
}

const code = (c: string): Segment => ({ code: c });

/** Brand words of the section titles: `CustomCRM Contact to PowerOfficeGO Contactperson` → CustomCRM, PowerOfficeGO. */
function brands(flow: FlowModel): { crm: string; erp: string } {
  const [crmPart = '', erpPart = ''] = flow.definition.title.split(' to ');
  return { crm: crmPart.split(' ')[0] || flow.crm.system.name, erp: erpPart.split(' ')[0] || flow.erp.system.name };
}

/** Forward (`into` = erp: CRM → PowerOffice) or reverse (`into` = crm) document. */
export function buildDocument(model: IntegrationModel, into: Side): DataflowDocument {
  const top = model.flows.filter((f) => !f.parent);
  const first = top[0];
  const b = first ? brands(first) : { crm: 'crm', erp: 'erp' };
  const crmSystem = first?.crm.system.name ?? b.crm;
  const erpSystem = first?.erp.system.name ?? b.erp;
  const short = (s: SideModel | undefined, fallback: string) => s?.system.shortName ?? s?.system.name ?? fallback;
  const [crmShort, erpShort] = [short(first?.crm, b.crm), short(first?.erp, b.erp)];
  const [from, to] = into === 'erp' ? [b.crm, b.erp] : [b.erp, b.crm];
  const [fromSystem, toSystem] = into === 'erp' ? [crmSystem, erpSystem] : [erpSystem, crmSystem];
  const sections = top.map((f) => section(model, f, into));
  return {
    name: `${from}-${to}`.toLowerCase(),
    title: into === 'erp' ? `${crmSystem} to ${b.erp} Dataflow` : `${b.erp} to ${crmSystem} Dataflow`,
    intro: [
      [
        `This document lists how records flow from ${fromSystem} to ${toSystem}: one section per dataflow, each with the properties that are synchronised, how records are linked, how references are translated, the conditions under which records are held back or never sent, and known limitations.`,
      ],
      [
        `The sync runs both ways; this document shows the rows whose values reach ${toSystem}. `,
        into === 'erp'
          ? `Its twin, ${b.erp.toLowerCase()}-${b.crm.toLowerCase()}, shows the other direction.`
          : `Its twin, ${b.crm.toLowerCase()}-${b.erp.toLowerCase()}, lists every mapped property.`,
        ` It is generated from the dataflow definitions in `,
        code('pipes/'),
        ` by `,
        code('sesamflow generate'),
        `; do not edit it by hand.`,
      ],
    ],
    columns:
      into === 'erp'
        ? { source: `${crmShort} property`, target: `${erpShort} property`, type: `${erpShort} data type` }
        : { source: `${erpShort} property`, target: `${crmShort} property`, type: `${crmShort} data type` },
    legend: [
      'Direction: ',
      code('↔'),
      ' both ways, ',
      code('→'),
      ` ${from} to ${to} only`,
      ...(into === 'erp' ? [', ', code('←'), ` ${to} to ${from} only`] : []),
      '. Data types are those of the ',
      `${toSystem} read model`,
      '.',
    ],
    sections,
  };
}

function section(model: IntegrationModel, flow: FlowModel, into: Side): DocSection {
  const x = sideOf(flow, into);
  const y = sideOf(flow, other(into));
  const b = brands(flow);
  const [crmPart = '', erpPart = ''] = flow.definition.title.split(' to ');
  const title = into === 'erp' ? flow.definition.title : `${erpPart} to ${crmPart}`;
  const mappings = flow.definition.mappings.filter((m) => into === 'erp' || flowsInto(m, 'crm'));
  const brandOf = (s: SideModel) => (s.side === 'crm' ? b.crm : b.erp);
  const named = (s: SideModel) => `${brandOf(s)} ${s.datatype.label}`;
  const changed = (s: SideModel): Segment[] =>
    s.datatype.updatedAt ? [code(s.datatype.updatedAt)] : [`its ${flow.parent ? sideOf(flow.parent, s.side).datatype.label : 'parent'}'s change time`];

  return {
    title,
    summary: [
      [`Every ${named(y)} record is synchronised with ${article(named(x))} ${named(x)} record, and every ${named(x)} record with ${article(named(y))} ${named(y)} record.`],
      [
        'Once the two are linked they stay in sync wherever they are edited: per record the most recently changed side wins (',
        ...changed(flow.crm),
        ' vs ',
        ...changed(flow.erp),
        '), and an empty value never overwrites a non-empty one.',
      ],
      ...childSummary(flow, into),
    ],
    rows: mappings.map((m) => row(model, flow, m, into)),
    linking: linking(flow),
    references: mappings.filter((m): m is ReferenceMapping => m.kind === 'reference').map((m) => reference(model, flow, m, into)),
    conditions: conditions(model, flow, into),
    limitations: flow.definition.limitations.map((l) => [l]),
    children: flow.children.map((c) => section(model, c, into)),
  };
}

/** How child records travel with their parent, per the target's endpoints. */
function childSummary(flow: FlowModel, into: Side): Inline[] {
  const lines: Inline[] = [];
  const x = sideOf(flow, into);
  if (x.datatype.parent && flow.parent) {
    const parent = sideOf(flow.parent, into);
    const source = sideOf(flow, other(into));
    lines.push([
      `${source.system.name} ${source.datatype.label} records are read out of their ${sideOf(flow.parent, other(into)).datatype.label} records (`,
      code(source.datatype.parent?.property ?? ''),
      '). ',
      x.datatype.operations.insert
        ? `New ${parent.datatype.label} records are created in ${x.system.name} with their lines in one call; lines of existing ones are inserted and updated one by one.`
        : `${x.system.name} has no endpoints for them: they are written inside their ${parent.datatype.label} (`,
      ...(x.datatype.operations.insert ? [] : [code(x.datatype.parent.property), '), and the whole record is sent.']),
    ]);
  }
  return lines;
}

function row(model: IntegrationModel, flow: FlowModel, m: Mapping, into: Side): DocRow {
  const x = sideOf(flow, into);
  const y = sideOf(flow, other(into));
  const arrow = (d: Direction): DocRow['direction'] =>
    d === 'both' ? '↔' : (d === 'toErp') === (into === 'erp') ? '→' : '←';
  const pathOf = (s: SideModel, m2: { crm: string; erp: string }) => (s.side === 'crm' ? m2.crm : m2.erp);
  switch (m.kind) {
    case 'property':
      return {
        source: pathOf(y, m),
        target: pathOf(x, m),
        type: dataType(x, pathOf(x, m)),
        direction: arrow(m.direction),
        notes: propertyNotes(flow, m, into),
      };
    case 'reference': {
      const referenced = model.byConcept.get(m.concept);
      const label = referenced ? `${sideOf(referenced, into).system.name} ${sideOf(referenced, into).datatype.label}` : m.concept;
      return {
        source: pathOf(y, m),
        target: pathOf(x, m),
        type: dataType(x, pathOf(x, m)),
        direction: arrow(m.direction),
        notes: [
          `Reference to ${article(label)} ${label} record, translated to the linked record's id (see References).`,
          ...(m.note ? [` ${capital(m.note)}.`] : []),
        ],
      };
    }
    case 'external-key': {
      const holder = sideOf(flow, m.holder);
      const owner = sideOf(flow, other(m.holder));
      const key = owner.datatype.primaryKey;
      const [source, target] = m.holder === into ? [key, m.property] : [m.property, key];
      return {
        source,
        target,
        type: dataType(x, target),
        direction: m.holder === into ? '→' : '←',
        notes: [
          `The ${owner.system.name} id, written into `,
          code(m.property),
          ` when ${article(holder.datatype.label)} ${holder.datatype.label} record is created; also a merge criterion.`,
          ...(m.note ? [` ${capital(m.note)}.`] : []),
        ],
      };
    }
    case 'derived':
      return {
        source: '—',
        target: m.target,
        type: dataType(x, m.target),
        direction: m.side === into ? '→' : '←',
        notes: [
          'Set to ',
          code(String(m.value)),
          ' when ',
          ...joinCode(m.whenAllEmpty, ' and '),
          m.whenAllEmpty.length > 1 ? ' are empty: ' : ' is empty: ',
          `${m.note}.`,
        ],
      };
  }
}

function propertyNotes(flow: FlowModel, m: Extract<Mapping, { kind: 'property' }>, into: Side): Inline {
  const notes: Segment[] = [];
  const sentence = (...s: Segment[]) => notes.push(...(notes.length ? [' '] : []), ...s);
  if (m.invert) sentence('Inverted: ', code('true'), ' on one side is ', code('false'), ' on the other.');
  const tables: [Side, Readonly<Record<string, unknown>> | undefined][] = [
    ['erp', m.toErpValues],
    ['crm', m.toCrmValues],
  ];
  // The forward document shows both value tables; the reverse one only what reaches the CRM.
  for (const [target, table] of tables) {
    if (!table || (into === 'crm' && target !== 'crm')) continue;
    const s = sideOf(flow, target);
    const pairs = Object.entries(table);
    sentence(`Values to ${s.system.name}: `);
    pairs.forEach(([from, to], i) => {
      notes.push(...(i ? [', '] : []), code(from), ' → ', ...(to === null || to === undefined ? ['not written'] : [code(String(to))]));
    });
    notes.push('.');
  }
  if (m.assumeCompatible) sentence(`Values are taken as they are: ${m.assumeCompatible}.`);
  if (m.insertOnly) sentence(`Set on create only: written when the ${sideOf(flow, into).datatype.label} record is created, never updated; afterwards each side keeps its own value.`);
  if (m.note) sentence(`${capital(m.note)}.`);
  return notes;
}

function linking(flow: FlowModel): Inline[] {
  const lines: Inline[] = [];
  const criteria = flow.definition.mergeCriteria;
  for (const c of criteria) {
    lines.push([
      c.fallback ? 'Else, for records where the criteria above have no value: ' : 'Merge criterion: ',
      code(c.crm),
      ' = ',
      code(c.erp),
      c.normalise === 'lower' ? ', compared lower-cased and trimmed.' : ', compared trimmed.',
    ]);
  }
  if (criteria.length === 0) lines.push(['No merge criterion on values: these records link only by origin and external keys.']);
  lines.push(['Origin: a record inserted by the sync carries the id of the record it came from, and the collected copy merges with it.']);
  for (const m of flow.definition.mappings) {
    if (m.kind !== 'external-key') continue;
    const holder = sideOf(flow, m.holder);
    const owner = sideOf(flow, other(m.holder));
    lines.push([
      `External key: ${holder.system.name} `,
      code(m.property),
      ` holds the ${owner.system.name} `,
      code(owner.datatype.primaryKey),
      `, written when the ${holder.datatype.label} record is created; records whose values match are linked, so links survive a lost share dataset.`,
    ]);
  }
  return lines;
}

function reference(model: IntegrationModel, flow: FlowModel, m: ReferenceMapping, into: Side): Inline {
  const x = sideOf(flow, into);
  const y = sideOf(flow, other(into));
  const target = model.byConcept.get(m.concept);
  const [srcPath, dstPath] = into === 'erp' ? [m.crm, m.erp] : [m.erp, m.crm];
  const parts: Segment[] = [code(srcPath), ' → ', code(dstPath), ': '];
  if (target) {
    const ty = sideOf(target, other(into));
    const tx = sideOf(target, into);
    parts.push(
      `the ${y.system.name} ${ty.datatype.label} `,
      code(ty.datatype.primaryKey),
      ` travels as a namespaced identifier and is translated through `,
      code(globalId(m.concept)),
      ` to the ${tx.system.name} ${tx.datatype.label} `,
      code(tx.datatype.primaryKey),
      ' of the linked record.',
    );
  }
  if (m.requiredBy.includes(into)) parts.push(` Required by ${x.system.name}.`);
  if (into === 'erp' && m.erpInsertOnly) parts.push(` Set only when the ${x.datatype.label} record is created; later changes are not sent.`);
  if (m.direction !== 'both' && !flowsInto(m, into)) parts.push(` Not sent to ${x.system.name}.`);
  if (m.note) parts.push(` ${capital(m.note)}.`);
  return parts;
}

function conditions(model: IntegrationModel, flow: FlowModel, into: Side): Inline[] {
  const x = sideOf(flow, into);
  const y = sideOf(flow, other(into));
  const lines: Inline[] = [];
  for (const c of flow.definition.conditions) {
    if (c.side === into) continue;
    lines.push([
      `${y.system.name} ${y.datatype.label} records whose `,
      code(c.property),
      ' is ',
      ...joinCode(c.notIn.map(String), ' or '),
      ` are never sent to ${x.system.name}: ${c.note}.`,
    ]);
  }
  for (const m of flow.definition.mappings) {
    if (m.kind !== 'reference' || !flowsInto(m, into)) continue;
    const target = model.byConcept.get(m.concept);
    const label = target ? `${sideOf(target, other(into)).datatype.label} record` : 'record';
    const srcPath = into === 'erp' ? m.crm : m.erp;
    lines.push([
      `Held back: ${article(y.datatype.label)} ${y.datatype.label} record whose `,
      code(srcPath),
      ` refers to ${article(label)} ${label} that is not in ${x.system.name} yet is not sent (and does not fail); it goes out once the referenced record is there.`,
      ...(m.requiredBy.includes(into) ? [` ${capital(article(y.datatype.label))} ${y.datatype.label} record without `, code(srcPath), ` is never sent to ${x.system.name}.`] : []),
    ]);
  }
  for (const m of flow.definition.mappings) {
    if (m.kind !== 'property' || !flowsInto(m, into)) continue;
    const table = into === 'erp' ? m.toErpValues : m.toCrmValues;
    const dropped = Object.entries(table ?? {}).filter(([, v]) => v === null || v === undefined).map(([k]) => k);
    if (dropped.length === 0) continue;
    const srcPath = into === 'erp' ? m.crm : m.erp;
    lines.push([code(srcPath), ' values ', ...joinCode(dropped, ', '), ` have no ${x.system.name} counterpart: `, code(into === 'erp' ? m.erp : m.crm), ' is not written for them.']);
  }
  lines.push([
    `Deletes are never propagated: a record deleted in ${y.system.name} stays in ${x.system.name}, and the sync deletes nothing in either system.`,
  ]);
  return lines;
}

/** `integer (int64)`, `string (date)`, `boolean`, `enum: Draft, Confirmed` — from the read schema. */
export function dataType(side: SideModel, path: string): string {
  const p = side.schemas.property(side.datatype.schema, path);
  if (!p) return 'unknown';
  const values = (p.enum ?? []).filter((v) => v !== null).map(String);
  if (values.length > 0) {
    const shown = values.length > MAX_ENUM_SHOWN ? [...values.slice(0, MAX_ENUM_SHOWN), `… (${values.length} values)`] : values;
    return `enum: ${shown.join(', ')}`;
  }
  const types = p.types.length > 0 ? p.types.join(' or ') : 'any';
  const format = typeof p.schema.format === 'string' ? ` (${p.schema.format})` : '';
  return `${types}${format}`;
}

/** Long code lists (units of measure) are cut: the schema holds them all. */
const MAX_ENUM_SHOWN = 8;

function joinCode(values: readonly string[], sep: string): Segment[] {
  return values.flatMap((v, i) => (i ? [sep, code(v)] : [code(v)]));
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `a` or `an` for a label (`an Order`, `a Customer`), by its first letter. */
const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');
