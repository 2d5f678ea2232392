import { describe, expect, it } from 'vitest';
import { collectRestTemplate, readRestSource } from '../../../src/simulate/rest';
import { datasets, makeWorld, pipeConfig, templateProperties } from './world';

describe('collectRestTemplate', () => {
  it('links a record we inserted back to its origin through $generated_id in the share dataset', () => {
    const world = makeWorld();
    const props = templateProperties('customcrm-contact-collect');
    const dataset = datasets({
      'customcrm-contact-share': [
        { _id: 'poweroffice-contactperson:20001', $origin: 'poweroffice-contactperson:20001', $generated_id: 'ct-1001' },
        { _id: 'gone', $origin: 'x', $generated_id: 'ct-1002', _deleted: true },
      ],
    });
    const out = collectRestTemplate(props, [
      { _id: 'ct-1001', id: 'ct-1001', first_name: 'Kari' },
      { _id: 'ct-1002', id: 'ct-1002' },
      { _id: 'ct-7', id: 'ct-7' },
    ], { world, dataset });
    expect(out).toEqual([
      { _id: 'ct-1001', id: 'ct-1001', first_name: 'Kari', $origin: 'poweroffice-contactperson:20001' },
      { _id: 'ct-1002', id: 'ct-1002' },
      { _id: 'ct-7', id: 'ct-7' },
    ]);
    expect(world.crm.log).toEqual([]); // no lookup operation configured: no calls
  });

  it('compares integer primary keys with $generated_id as strings', () => {
    const world = makeWorld();
    const props = templateProperties('poweroffice-customers-collect');
    const dataset = datasets({ 'poweroffice-customers-share': [{ _id: 'customcrm-customer:cu-1', $origin: 'customcrm-customer:cu-1', $generated_id: '10001' }] });
    const [out] = collectRestTemplate(props, [{ _id: '10001', Id: 10001, Name: 'Fjord AS' }], { world, dataset });
    expect(out!.$origin).toBe('customcrm-customer:cu-1');
  });

  it('works without a share dataset yet', () => {
    const world = makeWorld();
    const out = collectRestTemplate(templateProperties('poweroffice-customers-collect'), [{ _id: '1', Id: 1 }], { world, dataset: () => undefined });
    expect(out).toEqual([{ _id: '1', Id: 1 }]);
  });

  it('replaces each entity by the lookup answer (sales orders with their lines), keeping _id and _updated', () => {
    const world = makeWorld();
    world.po.put('customers', { Id: 10001, Name: 'A' });
    world.po.put('salesorders', { CustomerId: 10001, LastChangedDateTimeOffset: '2026-01-01T09:00:00+00:00', SalesOrderLines: [{ Quantity: 1, ProductUnitPrice: 5 }] });
    const listed = readRestSource(pipeConfig('poweroffice-salesorders-all').source as Record<string, unknown>, world).entities;
    expect(listed[0]).not.toHaveProperty('SalesOrderLines');
    const out = collectRestTemplate(templateProperties('poweroffice-salesorders-collect'), listed, { world, dataset: () => undefined });
    expect(out[0]).toMatchObject({ _id: listed[0]!._id, _updated: '2026-01-01T09:00:00+00:00', Id: listed[0]!.Id, SalesOrderLines: [expect.objectContaining({ Quantity: 1, NetAmount: 5 })] });
    expect(world.po.log!.at(-1)!.path).toBe(`SalesOrders/${String(listed[0]!.Id)}/Complete`);
  });

  it('keeps the listed entity when the lookup fails, and the original under original_property', () => {
    const world = makeWorld();
    const props = { ...templateProperties('poweroffice-salesorders-collect'), original_property: '_original' };
    const entity = { _id: 'x', Id: 'x' };
    expect(collectRestTemplate(props, [entity], { world, dataset: () => undefined })).toEqual([{ _id: 'x', Id: 'x', _original: entity }]);
  });
});
