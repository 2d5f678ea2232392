// The REST pieces together, with the generated configs and rewrite rules: a CRM customer is read,
// inserted into PowerOffice by the share template, and the collected PowerOffice record links back
// to its origin; running the share again writes nothing.
import { describe, expect, it } from 'vitest';
import { MemoryDataset, type DtlContext } from '../../../src/dtl';
import { collectRestTemplate, emptyShareStats, readRestSource, shareRestTemplate } from '../../../src/simulate/rest';
import { makeWorld, pipeConfig, templateProperties } from './world';

const dtlContext: DtlContext = { dataset: () => new MemoryDataset([]), now: () => new Date('2030-01-01T00:00:00Z'), uuid: () => '00000000-0000-4000-8000-000000000000' };

describe('REST side round trip', () => {
  it('CRM customer → PowerOffice insert → collect links $origin → no second insert', () => {
    const world = makeWorld();
    world.crm.put('customer', { id: 'cu-1', name: 'Fjord AS', email: 'post@fjord.no', is_person: false, updated_at: '2026-01-01T09:00:00+00:00' });
    const crmRead = readRestSource(pipeConfig('customcrm-customer-all').source as Record<string, unknown>, world);
    expect(crmRead.entities.map((e) => e._id)).toEqual(['cu-1']);

    // What poweroffice-customers-transform emits for a record PowerOffice does not have yet.
    const insert = {
      _id: 'customcrm-customer:cu-1',
      $origin: 'customcrm-customer:cu-1',
      $ids: ['~:customcrm-customer:cu-1'],
      ExternalImportReference: 'cu-1',
      Name: 'Fjord AS',
      EmailAddress: 'post@fjord.no',
      IsPerson: false,
      InvoiceDeliveryType: 'PdfByEmail',
    };
    const shareProps = templateProperties('poweroffice-customers-share');
    const shareDataset = new MemoryDataset();
    const stats = emptyShareStats();
    const ctx = { world, dataset: (id: string) => (id === 'poweroffice-customers-share' ? shareDataset : undefined), dtlContext, stats };
    const written = shareRestTemplate(shareProps, insert, ctx);
    expect(written).toMatchObject({ _id: 'customcrm-customer:cu-1', $generated_id: '10001', $origin: 'customcrm-customer:cu-1' });
    shareDataset.put(written!);

    const poRead = readRestSource(pipeConfig('poweroffice-customers-all').source as Record<string, unknown>, world);
    const collected = collectRestTemplate(templateProperties('poweroffice-customers-collect'), poRead.entities, ctx);
    expect(collected).toEqual([expect.objectContaining({ _id: '10001', Name: 'Fjord AS', ExternalImportReference: 'cu-1', $origin: 'customcrm-customer:cu-1' })]);

    expect(shareRestTemplate(shareProps, insert, ctx)).toBeUndefined();
    expect(stats).toMatchObject({ inserted: 1, skipped: 1, failed: 0 });
    expect(world.po.writes).toBe(1);
    expect(world.crm.writes).toBe(0);
  });

  it('a new PowerOffice sales order goes in with its lines in one call', () => {
    const world = makeWorld();
    world.po.put('customers', { Id: 10001, Name: 'Fjord AS' });
    world.po.put('product', { Id: 30001, Name: 'Widget', Code: 'W-1', UnitPrice: 100 });
    const insert = {
      _id: 'customcrm-order:or-1',
      $ids: ['~:customcrm-order:or-1'],
      ExternalImportReference: 'or-1',
      CustomerId: 10001,
      SalesOrderStatus: 'Draft',
      SalesOrderLines: [{ ExternalImportReference: 'ol-1', ProductId: 30001, Quantity: 3, LineType: 'Normal' }],
    };
    const ctx = { world, dataset: () => undefined, dtlContext };
    const out = shareRestTemplate(templateProperties('poweroffice-salesorders-share'), insert, ctx);
    expect(world.po.log!.map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual(['POST SalesOrders/Complete 201']);
    expect(out).toMatchObject({ $generated_id: '00000000-0000-4000-8000-000000000001', response: { NetAmount: 300, LineCount: 1 } });
    expect(world.po.records('salesorderlines')).toEqual([expect.objectContaining({ ExternalImportReference: 'ol-1', SalesOrderId: '00000000-0000-4000-8000-000000000001' })]);
  });
});
