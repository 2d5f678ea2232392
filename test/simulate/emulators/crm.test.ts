import { beforeEach, describe, expect, it } from 'vitest';
import type { RestEmulator } from '../../../src/simulate/emulators';
import { bodyOf, call, crmEmulator } from './helpers';

let crm: RestEmulator;
beforeEach(() => {
  crm = crmEmulator({ log: true });
});

const seed = () => {
  crm.put('customer', { id: 'cu-1', name: 'Fjord AS', is_person: false, updated_at: '2026-01-01T09:00:00+00:00' });
  crm.put('product', { id: 'pr-1', name: 'Widget', sku: 'W-1', updated_at: '2026-01-01T09:00:00+00:00' });
};

describe('CRM emulator: POST', () => {
  it('assigns a string id and created_at/updated_at from the clock, answers 201', () => {
    const r = call(crm, 'POST', 'customers', { name: 'Fjord AS', is_person: false });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: 'cu-1001', name: 'Fjord AS', is_person: false, created_at: '2026-01-01T10:00:00+00:00', updated_at: '2026-01-01T10:00:00+00:00' });
    expect(bodyOf(call(crm, 'POST', 'customers', { name: 'B' }))).toMatchObject({ id: 'cu-1002', updated_at: '2026-01-01T10:00:01+00:00' });
    expect(crm.writes).toBe(2);
  });

  it('skips ids that given records already hold', () => {
    crm.put('contact', { id: 'ct-1001', customer_id: 'cu-1', first_name: 'A', last_name: 'B' });
    seed();
    expect(bodyOf(call(crm, 'POST', 'contacts', { customer_id: 'cu-1', first_name: 'C', last_name: 'D' })).id).toBe('ct-1002');
  });

  it('rejects unknown fields, wrong types and read-only fields with 400 naming the field', () => {
    for (const [body, field, message] of [
      [{ name: 'X', colour: 'red' }, '/colour', 'unknown field'],
      [{ name: 42 }, '/name', 'must be string'],
      [{ name: 'X', id: 'cu-9' }, '/id', 'read-only field'],
      [{ name: 'X', updated_at: '2026-01-01T10:00:00+00:00' }, '/updated_at', 'read-only field'],
      [{ name: 'X', created_at: '2026-01-01T10:00:00+00:00' }, '/created_at', 'read-only field'],
    ] as const) {
      const r = call(crm, 'POST', 'customers', body);
      expect(r.status).toBe(400);
      expect(bodyOf(r).errors).toContainEqual({ field, message });
      expect(String(bodyOf(r).detail)).toContain(field);
    }
    expect(crm.writes).toBe(0);
    expect(crm.rejected).toBe(5);
    expect(crm.records('customer')).toEqual([]);
  });

  it('rejects missing required fields on POST (including the is_person branch)', () => {
    let r = call(crm, 'POST', 'customers', { is_person: false });
    expect(r.status).toBe(400);
    expect(bodyOf(r).errors).toContainEqual({ field: '/name', message: 'required field is missing' });
    r = call(crm, 'POST', 'customers', { is_person: true, first_name: 'Ola' });
    expect(bodyOf(r).errors).toContainEqual({ field: '/last_name', message: 'required field is missing' });
    seed();
    r = call(crm, 'POST', 'contacts', { customer_id: 'cu-1', first_name: 'Ola' });
    expect(r.status).toBe(400);
    expect(bodyOf(r).errors).toContainEqual({ field: '/last_name', message: 'required field is missing' });
  });

  it('rejects references to records that do not exist', () => {
    const r = call(crm, 'POST', 'contacts', { customer_id: 'cu-404', first_name: 'A', last_name: 'B' });
    expect(r.status).toBe(400);
    expect(bodyOf(r).errors).toEqual([{ field: '/customer_id', message: 'customer "cu-404" does not exist' }]);
  });

  it('creates an order with its lines in one call, assigning line ids', () => {
    seed();
    const r = call(crm, 'POST', 'orders', { customer_id: 'cu-1', status: 'draft', lines: [{ product_id: 'pr-1', quantity: 2, unit_price: 10 }, { line_type: 'text', description: 'Note' }] });
    expect(r.status).toBe(201);
    expect(bodyOf(r).lines).toEqual([
      { id: 'ol-1001', product_id: 'pr-1', quantity: 2, unit_price: 10 },
      { id: 'ol-1002', line_type: 'text', description: 'Note' },
    ]);
    expect(crm.records('orderline')).toEqual([
      { id: 'ol-1001', product_id: 'pr-1', quantity: 2, unit_price: 10, order_id: 'or-1001' },
      { id: 'ol-1002', line_type: 'text', description: 'Note', order_id: 'or-1001' },
    ]);
  });

  it('refuses a line id on a new order and a line product that does not exist', () => {
    seed();
    let r = call(crm, 'POST', 'orders', { customer_id: 'cu-1', lines: [{ id: 'ol-1', quantity: 1 }] });
    expect(r.status).toBe(400);
    expect(bodyOf(r).errors).toContainEqual(expect.objectContaining({ field: '/lines/0/id' }));
    r = call(crm, 'POST', 'orders', { customer_id: 'cu-1', lines: [{ product_id: 'pr-9', quantity: 1 }] });
    expect(bodyOf(r).errors).toEqual([{ field: '/lines/0/product_id', message: 'product "pr-9" does not exist' }]);
  });

  it('refuses duplicate unique keys with 409', () => {
    seed();
    const r = call(crm, 'POST', 'products', { name: 'Other', sku: 'W-1' });
    expect(r.status).toBe(409);
    expect(bodyOf(r).detail).toMatch(/sku "W-1" is already used by product pr-1/);
  });
});

describe('CRM emulator: GET', () => {
  it('lists records changed strictly after updated_since, sorted by updated_at then id, in 1-based pages', () => {
    crm.put('customer', { id: 'b', name: 'B', updated_at: '2026-01-01T08:00:00+00:00' });
    crm.put('customer', { id: 'a', name: 'A', updated_at: '2026-01-01T08:00:00+00:00' });
    crm.put('customer', { id: 'c', name: 'C', updated_at: '2026-01-01T07:00:00+00:00' });
    crm.put('customer', { id: 'd', name: 'D', updated_at: '2026-01-01T10:00:00+01:00' }); // = 09:00Z
    const ids = (q: Record<string, string>) => (call(crm, 'GET', 'customers', undefined, q).body as { id: string }[]).map((r) => r.id);
    expect(ids({})).toEqual(['c', 'a', 'b', 'd']);
    expect(ids({ updated_since: '2026-01-01T07:00:00+00:00' })).toEqual(['a', 'b', 'd']);
    expect(ids({ updated_since: '2026-01-01T08:00:00+00:00' })).toEqual(['d']);
    expect(ids({ page: '1', page_size: '3' })).toEqual(['c', 'a', 'b']);
    expect(ids({ page: '2', page_size: '3' })).toEqual(['d']);
    expect(ids({ page: '3', page_size: '3' })).toEqual([]);
  });

  it('answers 400 for a bad updated_since or page and 404 for a missing record or resource', () => {
    expect(call(crm, 'GET', 'customers', undefined, { updated_since: 'yesterday' }).status).toBe(400);
    expect(call(crm, 'GET', 'customers', undefined, { page: '0' }).status).toBe(400);
    expect(call(crm, 'GET', 'customers/nope').status).toBe(404);
    expect(call(crm, 'GET', 'invoices').status).toBe(404);
    seed();
    expect(bodyOf(call(crm, 'GET', 'customers/cu-1')).name).toBe('Fjord AS');
  });
});

describe('CRM emulator: PATCH', () => {
  it('updates partially, stamps updated_at and returns the record', () => {
    seed();
    const r = call(crm, 'PATCH', 'customers/cu-1', { phone: '+47 22 00 00 00' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'cu-1', name: 'Fjord AS', phone: '+47 22 00 00 00', updated_at: '2026-01-01T10:00:00+00:00' });
    expect(crm.writes).toBe(1);
  });

  it('does not require required fields but still refuses read-only, unknown and mistyped ones', () => {
    seed();
    expect(call(crm, 'PATCH', 'customers/cu-1', { email: 'x@y.no' }).status).toBe(200);
    expect(bodyOf(call(crm, 'PATCH', 'customers/cu-1', { id: 'cu-2' })).errors).toEqual([{ field: '/id', message: 'read-only field' }]);
    expect(bodyOf(call(crm, 'PATCH', 'customers/cu-1', { nick: 'x' })).errors).toEqual([{ field: '/nick', message: 'unknown field' }]);
    expect(call(crm, 'PATCH', 'customers/cu-1', { is_archived: 'yes' }).status).toBe(400);
    expect(call(crm, 'PATCH', 'customers/cu-9', { email: 'x' }).status).toBe(404);
  });

  it('replaces the whole line list, keeping ids of existing lines and assigning new ones', () => {
    seed();
    crm.put('order', { id: 'or-1', customer_id: 'cu-1', lines: [{ id: 'l-1', quantity: 1 }, { id: 'l-2', quantity: 2 }], updated_at: '2026-01-01T09:00:00+00:00' });
    const r = call(crm, 'PATCH', 'orders/or-1', { lines: [{ id: 'l-2', quantity: 5 }, { quantity: 7, order_id: 'or-1' }] });
    expect(r.status).toBe(200);
    expect(bodyOf(r).lines).toEqual([{ id: 'l-2', quantity: 5 }, { quantity: 7, id: 'ol-1001' }]);
    const bad = call(crm, 'PATCH', 'orders/or-1', { lines: [{ id: 'l-1', quantity: 1 }] });
    expect(bad.status).toBe(400);
    expect(bodyOf(bad).errors).toContainEqual(expect.objectContaining({ field: '/lines/0/id' }));
  });
});

describe('CRM emulator: stores', () => {
  it('put keeps given ids and timestamps and stamps missing ones', () => {
    const kept = crm.put('customer', { id: 'cu-1', name: 'A', updated_at: '2026-01-01T09:00:00+00:00' });
    expect(kept).toEqual({ id: 'cu-1', name: 'A', updated_at: '2026-01-01T09:00:00+00:00', created_at: '2026-01-01T09:00:00+00:00' });
    const stamped = crm.put('customer', { name: 'B' });
    expect(stamped).toMatchObject({ id: 'cu-1001', updated_at: '2026-01-01T10:00:00+00:00', created_at: '2026-01-01T10:00:00+00:00' });
    crm.put('customer', { id: 'cu-1', name: 'A2', updated_at: '2026-01-01T09:30:00+00:00' });
    expect(crm.records('customer').map((r) => r.name)).toEqual(['A2', 'B']);
  });

  it('edit stamps a new change time for each record; orderline edits stamp their order', () => {
    seed();
    crm.put('order', { id: 'or-1', customer_id: 'cu-1', lines: [{ id: 'l-1', quantity: 1 }], updated_at: '2026-01-01T09:00:00+00:00' });
    expect(crm.edit('customer', { name: 'Fjord AS' }, { phone: '1' })).toBe(1);
    expect(crm.records('customer')[0]).toMatchObject({ phone: '1', updated_at: '2026-01-01T10:00:00+00:00' });
    expect(crm.edit('orderline', { id: 'l-1' }, { quantity: 4 })).toBe(1);
    expect(crm.records('order')[0]).toMatchObject({ lines: [{ id: 'l-1', quantity: 4 }], updated_at: '2026-01-01T10:00:01+00:00' });
    expect(crm.writes).toBe(0); // edits are not API writes
  });

  it('edit and remove change only the records that match; records() hands out copies', () => {
    seed();
    crm.put('customer', { id: 'cu-2', name: 'Other AS', email: 'a@b.no' });
    crm.put('order', { id: 'or-1', customer_id: 'cu-1', lines: [{ id: 'l-1', quantity: 1 }, { id: 'l-2', quantity: 2 }] });
    const before = crm.records('customer');
    expect(crm.edit('customer', { name: 'Other AS' }, { phone: '2' })).toBe(1);
    expect(crm.edit('orderline', { quantity: 2 }, { quantity: 5 })).toBe(1);
    expect(crm.edit('customer', { name: 'Nobody' }, { phone: '3' })).toBe(0);
    expect(crm.records('customer').map((r) => [r.id, r.phone ?? null])).toEqual([
      ['cu-1', null],
      ['cu-2', '2'],
    ]);
    expect(crm.records('orderline').map((r) => [r.id, r.quantity, r.order_id])).toEqual([
      ['l-1', 1, 'or-1'],
      ['l-2', 5, 'or-1'],
    ]);
    // A copy handed out earlier neither changed with the store nor changes it.
    expect(before.map((r) => r.phone ?? null)).toEqual([null, null]);
    before[0]!.name = 'changed outside';
    expect(crm.records('customer')[0]!.name).toBe('Fjord AS');
    expect(crm.remove('orderline', { id: 'l-1' })).toBe(1);
    expect(crm.records('order')[0]!.lines).toEqual([{ id: 'l-2', quantity: 5 }]);
    expect(crm.remove('customer', { name: 'Other AS' })).toBe(1);
    expect(crm.records('customer').map((r) => r.id)).toEqual(['cu-1']);
  });

  it('remove deletes matching records; an unknown datatype is an input error', () => {
    seed();
    expect(crm.remove('customer', { id: 'cu-1' })).toBe(1);
    expect(crm.records('customer')).toEqual([]);
    expect(() => crm.records('contactperson')).toThrow(/unknown datatype "contactperson" for system customcrm; known: contact, customer, order, orderline, product/);
  });

  it('logs requests when asked', () => {
    call(crm, 'GET', 'customers');
    expect(crm.log).toMatchObject([{ method: 'GET', path: 'customers', query: {}, status: 200, response: [] }]);
  });
});
