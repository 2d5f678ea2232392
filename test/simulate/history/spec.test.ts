// The random histories' knowledge of the mappings (spec.ts) against the dataflow definitions:
// every row of pipes/ is modelled with the same direction, tables and options, and nothing else
// is, so a row added to a dataflow cannot be silently left out of the histories.
import { describe, expect, it } from 'vitest';
import type { DataflowDefinition } from '../../../src/model';
import contactFlow from '../../../pipes/contact-contactperson';
import customerFlow from '../../../pipes/customer-customers';
import orderFlow from '../../../pipes/order-salesorders';
import productFlow from '../../../pipes/product-product';
import { SPECS, type KindSpec } from './spec';

/** Rows the histories leave out on purpose, with the reason. */
const NOT_MODELLED: Record<string, string> = {
  'customer-customers InvoiceDeliveryType': 'a PowerOffice default derived from the e-mails, not a value either side edits',
};

const flows: DataflowDefinition[] = [customerFlow, contactFlow, productFlow, orderFlow, ...orderFlow.children];

function specOf(flow: DataflowDefinition): KindSpec {
  const spec = Object.values(SPECS).find((s) => s.dataflow === flow.id);
  if (!spec) throw new Error(`no history spec for dataflow ${flow.id}`);
  return spec;
}

describe('random-history spec', () => {
  it.each(flows.map((f) => [f.id, f] as const))('%s: every mapping row is modelled as defined', (_id, flow) => {
    const spec = specOf(flow);
    expect(spec.datatype).toEqual({ crm: flow.crm.name, po: flow.erp.name });
    const rows = new Set(spec.rows);
    const refs = new Set(spec.refs);
    for (const m of flow.mappings) {
      if (m.kind === 'property') {
        const row = spec.rows.find((r) => r.crm === m.crm && r.po === m.erp);
        expect(row, `${flow.id}: row ${m.crm} ↔ ${m.erp}`).toBeDefined();
        rows.delete(row!);
        expect({ dir: row!.dir, insertOnly: row!.insertOnly === true, invert: row!.invert === true, toErp: row!.toErp, toCrm: row!.toCrm }, `${flow.id}: ${m.crm}`).toEqual({
          dir: m.direction,
          insertOnly: m.insertOnly === true,
          invert: m.invert === true,
          toErp: m.toErpValues,
          toCrm: m.toCrmValues,
        });
      } else if (m.kind === 'reference') {
        const ref = spec.refs.find((r) => r.crm === m.crm && r.po === m.erp);
        expect(ref, `${flow.id}: reference ${m.crm} ↔ ${m.erp}`).toBeDefined();
        refs.delete(ref!);
        expect(ref!.required, `${flow.id}: ${m.crm} required`).toBe(m.requiredBy.length > 0);
        // The parent of a child is set once, on insert, on both sides.
        if (ref!.mode !== 'parent') expect(ref!.mode === 'insertOnlyPo', `${flow.id}: ${m.crm} erpInsertOnly`).toBe(m.erpInsertOnly === true);
      } else if (m.kind === 'external-key') {
        expect(m.holder === 'crm' ? spec.erpKey : spec.crmKey, `${flow.id}: external key ${m.property}`).toBe(m.property);
      } else {
        expect(NOT_MODELLED[`${flow.id} ${m.target}`], `${flow.id}: derived ${m.target}`).toBeDefined();
      }
    }
    expect([...rows].map((r) => r.crm), `${flow.id}: modelled rows the dataflow does not have`).toEqual([]);
    expect([...refs].filter((r) => r.mode !== 'parent').map((r) => r.crm), `${flow.id}: modelled references the dataflow does not have`).toEqual([]);
    const keys = flow.mergeCriteria.map((c) => `${c.crm}=${c.erp}:${c.normalise}`);
    expect(spec.rows.filter((r) => r.mergeKey).map((r) => `${r.crm}=${r.po}:${r.mergeKey}`)).toEqual(keys);
  });
});
