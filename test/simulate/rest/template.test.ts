import { describe, expect, it } from 'vitest';
import { callOperation, renderTemplate, statusCodeMatcher } from '../../../src/simulate/rest';
import { makeWorld, systemConfig } from './world';

type Ops = Record<string, { url: string; params?: Record<string, string>; id_expression?: string; updated_expression?: string }>;
const crmOps = systemConfig('customcrm').operations as Ops;
const poOps = systemConfig('poweroffice').operations as Ops;

describe('renderTemplate (Jinja semantics)', () => {
  it('renders the generated operation urls', () => {
    const source = { Id: 20001, ContactId: 10001, SalesOrderId: 'u-1' };
    const entity = { ...source, $source: source };
    expect(renderTemplate(poOps['contactperson-insert']!.url, { entity })).toBe('ContactPersons/10001');
    expect(renderTemplate(poOps['contactperson-lookup']!.url, { entity })).toBe('ContactPersons/10001/20001');
    expect(renderTemplate(poOps['contactperson-update']!.url, { entity })).toBe('ContactPersons/10001/20001');
    expect(renderTemplate(poOps['salesorders-lookup']!.url, { entity: { Id: 'u-9' } })).toBe('SalesOrders/u-9/Complete');
    expect(renderTemplate(poOps['salesorderlines-update']!.url, { entity: { Id: 'l-1', $source: { SalesOrderId: 'u-1' } } })).toBe('SalesOrders/u-1/Lines/l-1');
    expect(renderTemplate(crmOps['contact-update']!.url, { entity: { id: 'ct-1' } })).toBe('contacts/ct-1');
  });

  it('renders paging params and id/updated expressions', () => {
    expect(renderTemplate(poOps['customers-list']!.params!.PageNumber!, { page: 0 })).toBe('1');
    expect(renderTemplate(crmOps['order-list']!.params!.page!, { page: 2 })).toBe('3');
    expect(renderTemplate(poOps['customers-list']!.id_expression!, { Id: 10001 })).toBe('10001');
    expect(renderTemplate(crmOps['order-list']!.updated_expression!, { updated_at: '2026-01-01T10:00:00+00:00' })).toBe('2026-01-01T10:00:00+00:00');
  });

  it('renders undefined as empty (Jinja default Undefined) and does not escape', () => {
    expect(renderTemplate('x/{{ entity.missing }}/{{ nothing.at.all }}', { entity: {} })).toBe('x//');
    expect(renderTemplate('{{ v }}', { v: 'a&b<c>' })).toBe('a&b<c>');
    expect(renderTemplate('plain', {})).toBe('plain');
  });
});

describe('statusCodeMatcher', () => {
  it('reads ranges and lists', () => {
    const m = statusCodeMatcher('200-299, 404');
    expect([200, 299, 404, 300, 500].map(m)).toEqual([true, true, true, false, false]);
    expect(() => statusCodeMatcher('2xx')).toThrow(/invalid status code list/);
  });
});

describe('callOperation', () => {
  it('sends the relative path, rendered params and system + operation headers', () => {
    const world = makeWorld();
    world.po.put('customers', { Id: 10001, Name: 'A' });
    const res = callOperation(world, 'poweroffice', 'contactperson-insert', { entity: { $source: { ContactId: 10001 } } }, { FirstName: 'A', LastName: 'B' });
    expect(res).toMatchObject({ status: 201, allowed: true });
    expect(res.request).toMatchObject({ method: 'POST', path: 'ContactPersons/10001', headers: { 'Ocp-Apim-Subscription-Key': '$SECRET(poweroffice-subscription-key)' } });
    const list = callOperation(world, 'poweroffice', 'customers-list', { page: 0 });
    expect(list.request.query).toEqual({ PageNumber: '1', PageSize: '1000' });
    const upd = callOperation(world, 'poweroffice', 'customers-update', { entity: { Id: 10001 } }, [{ op: 'replace', path: '/Name', value: 'B' }]);
    expect(upd.request.headers['Content-Type']).toBe('application/json-patch+json');
    expect(upd.status).toBe(200);
  });

  it('marks statuses outside allowed_status_codes and names unknown operations', () => {
    const world = makeWorld();
    const res = callOperation(world, 'customcrm', 'customer-lookup', { entity: { id: 'nope' } });
    expect(res).toMatchObject({ status: 404, allowed: false });
    expect(callOperation(world, 'customcrm', 'customer-lookup', { entity: { id: 'nope' } }, undefined, { allowedStatusCodes: '100-599' }).allowed).toBe(true);
    expect(() => callOperation(world, 'customcrm', 'customer-delete', {})).toThrow(/system customcrm has no operation "customer-delete"/);
  });
});
