// Every mapping of the definitions appears in the documents, in the rows its direction allows,
// and nothing else does. The expected rows are computed here from the definitions directly,
// not through src/docs, so a slip in the docs model shows up.
import { describe, expect, it } from 'vitest';
import type { FlowModel } from '../../src/compile/model';
import type { Mapping } from '../../src/model/dataflow';
import { renderDocs } from '../../src/docs/index';
import { compiled } from './golden';
import { type ParsedTable, mdTables, rstTables } from './tables';

interface Expected {
  crm: string;
  erp: string;
  direction: '↔' | '→' | '←';
  reachesCrm: boolean;
}

function expectedRow(flow: FlowModel, m: Mapping): Expected {
  switch (m.kind) {
    case 'property':
    case 'reference':
      return {
        crm: m.crm,
        erp: m.erp,
        direction: m.direction === 'both' ? '↔' : m.direction === 'toErp' ? '→' : '←',
        reachesCrm: m.direction !== 'toErp',
      };
    case 'external-key':
      return m.holder === 'erp'
        ? { crm: flow.crm.datatype.primaryKey, erp: m.property, direction: '→', reachesCrm: false }
        : { crm: m.property, erp: flow.erp.datatype.primaryKey, direction: '←', reachesCrm: true };
    case 'derived':
      return { crm: '—', erp: m.target, direction: m.side === 'erp' ? '→' : '←', reachesCrm: m.side === 'crm' };
  }
}

const reverseTitle = (title: string) => title.split(' to ').reverse().join(' to ');
const docs = async () => Object.fromEntries(renderDocs(await compiled()).map((f) => [f.path, f.content]));

function checkForward(tables: ParsedTable[], flows: readonly FlowModel[]) {
  expect(tables.map((t) => t.section)).toEqual(flows.map((f) => f.definition.title));
  for (const [i, flow] of flows.entries()) {
    const table = tables[i]!;
    expect(table.header.slice(0, 3)).toEqual(['CRM property', 'PowerOffice property', 'PowerOffice data type']);
    const expected = flow.definition.mappings.map((m) => expectedRow(flow, m)).map((e) => [e.crm, e.erp, e.direction].join(' | '));
    const actual = table.rows.map((r) => [r[0], r[1], r[3]].join(' | '));
    expect(actual, flow.definition.title).toEqual(expected);
    for (const r of table.rows) expect(r[2], `${flow.definition.title}: type of ${r[1]}`).not.toMatch(/^(|unknown)$/);
  }
}

function checkReverse(tables: ParsedTable[], flows: readonly FlowModel[]) {
  expect(tables.map((t) => t.section)).toEqual(flows.map((f) => reverseTitle(f.definition.title)));
  for (const [i, flow] of flows.entries()) {
    const table = tables[i]!;
    expect(table.header.slice(0, 3)).toEqual(['PowerOffice property', 'CRM property', 'CRM data type']);
    const expected = flow.definition.mappings
      .map((m) => expectedRow(flow, m))
      .filter((e) => e.reachesCrm)
      .map((e) => [e.erp, e.crm, e.direction === '↔' ? '↔' : '→'].join(' | '));
    const actual = table.rows.map((r) => [r[0], r[1], r[3]].join(' | '));
    expect(actual, flow.definition.title).toEqual(expected);
  }
}

describe('mapping rows in the documents', () => {
  it('the forward RST lists every mapping once, with its direction, and nothing else', async () => {
    const { model } = await compiled();
    checkForward(rstTables((await docs())['docs/customcrm-powerofficego.rst']!), model.flows);
  });

  it('the forward Markdown twin has the same rows', async () => {
    const { model } = await compiled();
    checkForward(mdTables((await docs())['docs/customcrm-powerofficego.md']!), model.flows);
  });

  it('the reverse RST lists exactly the mappings whose values reach the CRM', async () => {
    const { model } = await compiled();
    checkReverse(rstTables((await docs())['docs/powerofficego-customcrm.rst']!), model.flows);
  });

  it('the reverse Markdown twin has the same rows', async () => {
    const { model } = await compiled();
    checkReverse(mdTables((await docs())['docs/powerofficego-customcrm.md']!), model.flows);
  });

  it('one-way rows: PowerOffice-owned stock is only in the reverse document as a → row, customer_number only forward', async () => {
    const d = await docs();
    const forward = rstTables(d['docs/customcrm-powerofficego.rst']!).flatMap((t) => t.rows);
    const reverse = rstTables(d['docs/powerofficego-customcrm.rst']!).flatMap((t) => t.rows);
    expect(forward.find((r) => r[1] === 'StockOnHand')?.[3]).toBe('←');
    expect(reverse.find((r) => r[0] === 'StockOnHand')?.[3]).toBe('→');
    expect(forward.find((r) => r[0] === 'customer_number')?.[3]).toBe('→');
    expect(reverse.some((r) => r[1] === 'customer_number')).toBe(false);
    expect(reverse.some((r) => r[0] === 'InvoiceDeliveryType')).toBe(false);
  });
});
