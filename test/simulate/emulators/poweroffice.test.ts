import { beforeEach, describe, expect, it } from 'vitest';
import type { RestEmulator } from '../../../src/simulate/emulators';
import { bodyOf, call, poEmulator } from './helpers';

let po: RestEmulator;
beforeEach(() => {
  po = poEmulator();
});

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const customer = () => bodyOf(call(po, 'POST', 'Customers', { Name: 'Fjord AS', EmailAddress: 'post@fjord.no' }));
const product = (body: Record<string, unknown> = { Name: 'Widget', Code: 'W-1', UnitPrice: 100 }) => bodyOf(call(po, 'POST', 'Products', body));

describe('PowerOffice emulator: customers', () => {
  it('POST assigns int64 Id and Number, stamps the offsets, answers 201', () => {
    const r = call(po, 'POST', 'Customers', { Name: 'Fjord AS' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      Name: 'Fjord AS',
      Id: 10001,
      Number: 10000,
      ContactCreatedDateTimeOffset: '2026-01-01T10:00:00+00:00',
      CustomerCreatedDateTimeOffset: '2026-01-01T10:00:00+00:00',
      LastChangedDateTimeOffset: '2026-01-01T10:00:00+00:00',
      IsActive: true,
    });
    expect(bodyOf(call(po, 'POST', 'Customers', { Name: 'B' })).Id).toBe(10002);
  });

  it('refuses read-only, unknown and mistyped fields with a ProblemDetails body', () => {
    for (const [body, field, message] of [
      [{ Name: 'X', Id: 5 }, '/Id', 'read-only field'],
      [{ Name: 'X', LastChangedDateTimeOffset: '2026-01-01T10:00:00+00:00' }, '/LastChangedDateTimeOffset', 'read-only field'],
      [{ Name: 'X', IsActive: true }, '/IsActive', 'read-only field'],
      [{ Name: 'X', Colour: 'red' }, '/Colour', 'unknown field'],
      [{ Name: 7 }, '/Name', 'must be string,null'],
    ] as const) {
      const r = call(po, 'POST', 'Customers', body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ Title: 'One or more validation errors occurred.', Status: 400 });
      expect((bodyOf(r).Errors as Record<string, string[]>)[field]).toEqual([message]);
      expect(String(bodyOf(r).Detail)).toContain(field);
    }
    expect(po.rejected).toBe(5);
    expect(po.writes).toBe(0);
  });

  it('requires ZipCode and City when MailAddress is sent', () => {
    const r = call(po, 'POST', 'Customers', { Name: 'X', MailAddress: { AddressLine1: 'Gate 1', City: 'Oslo' } });
    expect(r.status).toBe(400);
    expect(bodyOf(r).Errors).toEqual({ '/MailAddress/ZipCode': ['required field is missing'] });
  });

  it('refuses a duplicate ExternalImportReference or ExternalNumber with 409', () => {
    call(po, 'POST', 'Customers', { Name: 'A', ExternalImportReference: 'cu-1', ExternalNumber: 5 });
    let r = call(po, 'POST', 'Customers', { Name: 'B', ExternalImportReference: 'cu-1' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ Title: 'Conflict', Status: 409, Detail: 'ExternalImportReference "cu-1" is already used by customers 10001' });
    r = call(po, 'POST', 'Customers', { Name: 'B', ExternalNumber: 5 });
    expect(r.status).toBe(409);
    const b = bodyOf(call(po, 'POST', 'Customers', { Name: 'B', ExternalImportReference: 'cu-2' }));
    expect(call(po, 'PATCH', `Customers/${String(b.Id)}`, [{ op: 'replace', path: '/ExternalImportReference', value: 'cu-1' }]).status).toBe(409);
  });

  it('PATCH applies JSON Patch, stamps LastChangedDateTimeOffset and refuses read-only and POST-only fields', () => {
    const c = customer();
    const r = call(po, 'PATCH', 'Customers/10001', [
      { op: 'replace', path: '/PhoneNumber', value: '+47 22 00 00 00' },
      { op: 'replace', path: '/MailAddress', value: { City: 'Oslo', ZipCode: '0150' } },
      { op: 'remove', path: '/EmailAddress' },
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ Id: c.Id, PhoneNumber: '+47 22 00 00 00', MailAddress: { City: 'Oslo', ZipCode: '0150' }, LastChangedDateTimeOffset: '2026-01-01T10:00:01+00:00' });
    expect(bodyOf(r)).not.toHaveProperty('EmailAddress');
    expect(bodyOf(call(po, 'PATCH', 'Customers/10001', [{ op: 'replace', path: '/Number', value: 'x' }])).Errors).toEqual({ '/Number': ['must be integer,null'] });
    expect(bodyOf(call(po, 'PATCH', 'Customers/10001', [{ op: 'replace', path: '/Id', value: 3 }])).Errors).toEqual({ '/Id': ['read-only field'] });
    expect(bodyOf(call(po, 'PATCH', 'Customers/10001', [{ op: 'replace', path: '/SubLedgerNumberSeriesId', value: null }])).Errors).toEqual({ '/SubLedgerNumberSeriesId': ['can only be set on create'] });
    expect(call(po, 'PATCH', 'Customers/10001', { PhoneNumber: '1' }).status).toBe(400); // not a JSON Patch document
    expect(call(po, 'PATCH', 'Customers/10001', [{ op: 'replace', path: '/MailAddress', value: { City: 'Oslo' } }]).status).toBe(400);
    expect(call(po, 'PATCH', 'Customers/99', [{ op: 'replace', path: '/Name', value: 'x' }]).status).toBe(404);
    expect(po.writes).toBe(2);
  });
});

describe('PowerOffice emulator: lists', () => {
  it('pages with PageNumber/PageSize, filters lastChangedDateTimeOffsetGreaterThan exclusively, 204 when empty', () => {
    po.put('customers', { Id: 3, Name: 'C', LastChangedDateTimeOffset: '2026-01-01T08:00:00+00:00' });
    po.put('customers', { Id: 1, Name: 'A', LastChangedDateTimeOffset: '2026-01-01T08:00:00+00:00' });
    po.put('customers', { Id: 2, Name: 'B', LastChangedDateTimeOffset: '2026-01-01T09:00:00+00:00' });
    const ids = (q: Record<string, string>) => {
      const r = call(po, 'GET', 'Customers', undefined, q);
      return r.status === 204 ? 204 : (r.body as { Id: number }[]).map((c) => c.Id);
    };
    expect(ids({})).toEqual([1, 3, 2]);
    expect(ids({ PageNumber: '1', PageSize: '2' })).toEqual([1, 3]);
    expect(ids({ PageNumber: '2', PageSize: '2' })).toEqual([2]);
    expect(ids({ PageNumber: '3', PageSize: '2' })).toBe(204);
    expect(ids({ lastChangedDateTimeOffsetGreaterThan: '2026-01-01T08:00:00+00:00' })).toEqual([2]);
    expect(ids({ lastchangeddatetimeoffsetgreaterthan: '2026-01-01T09:00:00+00:00' })).toBe(204);
    expect(call(po, 'GET', 'Customers', undefined, { PageSize: '20001' }).status).toBe(400);
    expect(call(po, 'GET', 'Customers', undefined, { lastChangedDateTimeOffsetGreaterThan: 'soon' }).status).toBe(400);
  });
});

describe('PowerOffice emulator: contact persons', () => {
  it('takes the owner only from the POST path, requires FirstName and LastName', () => {
    customer();
    let r = call(po, 'POST', 'ContactPersons/10001', { FirstName: 'Kari', LastName: 'Nordmann', ExternalCode: 'ct-1' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ Id: 20001, ContactId: 10001, FirstName: 'Kari', CreatedDateTimeOffset: '2026-01-01T10:00:01+00:00' });
    r = call(po, 'POST', 'ContactPersons/10001', { FirstName: 'Kari', LastName: 'N', ContactId: 10001 });
    expect(bodyOf(r).Errors).toEqual({ '/ContactId': ['read-only field'] });
    r = call(po, 'POST', 'ContactPersons/10001', { FirstName: 'Kari' });
    expect(bodyOf(r).Errors).toEqual({ '/LastName': ['required field is missing'] });
    expect(call(po, 'POST', 'ContactPersons/555', { FirstName: 'A', LastName: 'B' }).status).toBe(404);
    expect(call(po, 'POST', 'ContactPersons', { FirstName: 'A', LastName: 'B' }).status).toBe(405);
  });

  it('cannot move a contact person by PATCH; ExternalCode is unique; lookups need the right owner', () => {
    customer();
    call(po, 'POST', 'ContactPersons/10001', { FirstName: 'A', LastName: 'B', ExternalCode: 'ct-1' });
    expect(bodyOf(call(po, 'PATCH', 'ContactPersons/10001/20001', [{ op: 'replace', path: '/ContactId', value: 10002 }])).Errors).toEqual({ '/ContactId': ['read-only field'] });
    expect(call(po, 'POST', 'ContactPersons/10001', { FirstName: 'C', LastName: 'D', ExternalCode: 'ct-1' }).status).toBe(409);
    expect(call(po, 'GET', 'ContactPersons/10001/20001').status).toBe(200);
    expect(call(po, 'GET', 'ContactPersons/10002/20001').status).toBe(404);
    const r = call(po, 'PATCH', 'ContactPersons/10001/20001', [{ op: 'replace', path: '/Title', value: 'CEO' }]);
    expect(r.body).toMatchObject({ Title: 'CEO', ContactId: 10001 });
  });

  it('refuses contact persons for private-person customers', () => {
    call(po, 'POST', 'Customers', { IsPerson: true, FirstName: 'Ola', LastName: 'N' });
    expect(call(po, 'POST', 'ContactPersons/10001', { FirstName: 'A', LastName: 'B' }).status).toBe(400);
  });
});

describe('PowerOffice emulator: products', () => {
  it('POST answers 200 (not 201), requires Name, Code is unique', () => {
    const r = call(po, 'POST', 'Products', { Name: 'Widget', Code: 'W-1', StockOnHand: 5 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ Id: 30001, StockAvailable: 5, StockOnHandLastChangedDatetimeOffset: '2026-01-01T10:00:00+00:00' });
    expect(bodyOf(call(po, 'POST', 'Products', { Code: 'W-2' })).Errors).toEqual({ '/Name': ['required field is missing'] });
    expect(call(po, 'POST', 'Products', { Name: 'Other', Code: 'W-1' }).status).toBe(409);
    expect(bodyOf(call(po, 'POST', 'Products', { Name: 'X', StockAvailable: 1 })).Errors).toEqual({ '/StockAvailable': ['read-only field'] });
    expect(bodyOf(call(po, 'PATCH', 'Products/30001', [{ op: 'replace', path: '/ProductGroupCode', value: 'G' }])).Errors).toEqual({ '/ProductGroupCode': ['can only be set on create'] });
  });
});

describe('PowerOffice emulator: sales orders', () => {
  const order = () =>
    call(po, 'POST', 'SalesOrders/Complete', {
      CustomerId: 10001,
      ExternalImportReference: 'or-1',
      SalesOrderStatus: 'Draft',
      SalesOrderLines: [
        { ProductId: 30001, Quantity: 2, Allowance: 10, ExternalImportReference: 'ol-1' },
        { ProductCode: 'W-1', Quantity: 1, ProductUnitPrice: 50, Description: 'Special' },
      ],
    });

  it('creates header and lines in one call with UUIDs, SalesOrderNo and computed amounts', () => {
    customer();
    product();
    const r = order();
    expect(r.status).toBe(201);
    const body = bodyOf(r);
    expect(body).toMatchObject({ Id: uuid(1), SalesOrderNo: 1001, CustomerId: 10001, CustomerNo: 10000, NetAmount: 230, TotalAmount: 287.5, LineCount: 2, IsCreatedByCurrentIntegration: true });
    expect(body.SalesOrderLines).toEqual([
      expect.objectContaining({ Id: uuid(2), SalesOrderId: uuid(1), ProductId: 30001, ProductCode: 'W-1', Description: 'Widget', ProductUnitPrice: 100, NetAmount: 180, TotalAmount: 225 }),
      expect.objectContaining({ Id: uuid(3), ProductId: 30001, Description: 'Special', NetAmount: 50 }),
    ]);
    // The list and the header lookup have no lines; /Complete and the lines store do.
    expect(call(po, 'GET', 'SalesOrders').body).toEqual([expect.not.objectContaining({ SalesOrderLines: expect.anything() })]);
    expect(bodyOf(call(po, 'GET', `SalesOrders/${uuid(1)}`))).not.toHaveProperty('SalesOrderLines');
    expect((bodyOf(call(po, 'GET', `SalesOrders/${uuid(1)}/Complete`)).SalesOrderLines as unknown[]).length).toBe(2);
    expect(po.records('salesorderlines').map((l) => l.SalesOrderId)).toEqual([uuid(1), uuid(1)]);
    expect(po.records('salesorders')[0]).not.toHaveProperty('SalesOrderLines');
  });

  it('refuses unknown customers and products, missing quantity, read-only line fields and duplicates', () => {
    customer();
    product();
    let r = call(po, 'POST', 'SalesOrders/Complete', { CustomerId: 99 });
    expect(bodyOf(r).Errors).toEqual({ '/CustomerId': ['customers 99 does not exist'] });
    r = call(po, 'POST', 'SalesOrders/Complete', { CustomerId: 10001, SalesOrderLines: [{ ProductId: 30001 }] });
    expect(bodyOf(r).Errors).toEqual({ '/SalesOrderLines/0/Quantity': ['Quantity is required when a product is set'] });
    r = call(po, 'POST', 'SalesOrders/Complete', { CustomerId: 10001, SalesOrderLines: [{ Id: uuid(9), Quantity: 1 }] });
    expect(bodyOf(r).Errors).toEqual({ '/SalesOrderLines/0/Id': ['read-only field'] });
    r = call(po, 'POST', 'SalesOrders/Complete', { CustomerId: 10001, SalesOrderLines: [{ ExternalImportReference: 'x' }, { ExternalImportReference: 'x' }] });
    expect(r.status).toBe(409);
    expect(order().status).toBe(201);
    expect(order().status).toBe(409); // ExternalImportReference of the order again
    expect(call(po, 'POST', 'SalesOrders', { CustomerId: 10001 }).status).toBe(405);
  });

  it('header PATCH refuses lines; line endpoints add and change lines and move the order change time', () => {
    customer();
    product();
    order();
    const id = uuid(1);
    expect(bodyOf(call(po, 'PATCH', `SalesOrders/${id}`, [{ op: 'replace', path: '/SalesOrderLines', value: [] }])).Errors).toEqual({ '/SalesOrderLines': ['can only be set on create'] });
    let r = call(po, 'PATCH', `SalesOrders/${id}`, [{ op: 'replace', path: '/PurchaseOrderReference', value: 'PO-7' }]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ PurchaseOrderReference: 'PO-7', LastChangedDateTimeOffset: '2026-01-01T10:00:03+00:00' });
    r = call(po, 'POST', `SalesOrders/${id}/Lines`, { ProductId: 30001, Quantity: 1, ExternalImportReference: 'ol-9' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ Id: uuid(4), SalesOrderId: id, NetAmount: 100 });
    expect(call(po, 'POST', `SalesOrders/${id}/Lines`, { Quantity: 1, ExternalImportReference: 'ol-9' }).status).toBe(409);
    r = call(po, 'PATCH', `SalesOrders/${id}/Lines/${uuid(4)}`, [{ op: 'replace', path: '/Quantity', value: 3 }]);
    expect(r.body).toMatchObject({ Quantity: 3, NetAmount: 300 });
    expect(bodyOf(call(po, 'PATCH', `SalesOrders/${id}/Lines/${uuid(4)}`, [{ op: 'replace', path: '/ProductCode', value: 'W-1' }])).Errors).toEqual({ '/ProductCode': ['can only be set on create'] });
    expect(bodyOf(call(po, 'GET', `SalesOrders/${id}/Lines/${uuid(4)}`)).Quantity).toBe(3);
    expect(call(po, 'GET', `SalesOrders/${id}/Lines/${uuid(99)}`).status).toBe(404);
    const header = bodyOf(call(po, 'GET', `SalesOrders/${id}`));
    expect(header).toMatchObject({ NetAmount: 530, LineCount: 3, LastChangedDateTimeOffset: '2026-01-01T10:00:05+00:00' });
  });

  it('a Confirmed order is locked until it is set back to Draft', () => {
    customer();
    product();
    order();
    const id = uuid(1);
    call(po, 'PATCH', `SalesOrders/${id}`, [{ op: 'replace', path: '/SalesOrderStatus', value: 'Confirmed' }]);
    expect(call(po, 'PATCH', `SalesOrders/${id}`, [{ op: 'replace', path: '/ContractNo', value: 'C' }]).status).toBe(400);
    expect(call(po, 'POST', `SalesOrders/${id}/Lines`, { Quantity: 1 }).status).toBe(400);
    expect(call(po, 'PATCH', `SalesOrders/${id}`, [{ op: 'replace', path: '/SalesOrderStatus', value: 'Draft' }, { op: 'replace', path: '/ContractNo', value: 'C' }]).status).toBe(200);
    const unlocked = poEmulator({ enforceLocks: false });
    unlocked.put('customers', { Id: 1, Name: 'A' });
    unlocked.put('salesorders', { Id: uuid(7), CustomerId: 1, SalesOrderStatus: 'Confirmed' });
    expect(call(unlocked, 'PATCH', `SalesOrders/${uuid(7)}`, [{ op: 'replace', path: '/ContractNo', value: 'C' }]).status).toBe(200);
  });
});

describe('PowerOffice emulator: stores', () => {
  it('put keeps given ids and timestamps, stamps missing ones, splits given order lines', () => {
    const c = po.put('customers', { Id: 500, Name: 'Given', LastChangedDateTimeOffset: '2025-05-05T05:05:05+00:00' });
    expect(c).toMatchObject({ Id: 500, Number: 10000, IsActive: true, CustomerCreatedDateTimeOffset: '2025-05-05T05:05:05+00:00' });
    const o = po.put('salesorders', { CustomerId: 500, SalesOrderLines: [{ Quantity: 2, ProductUnitPrice: 10 }] });
    expect(o).toMatchObject({ Id: uuid(1), SalesOrderNo: 1001, NetAmount: 20, LineCount: 1, LastChangedDateTimeOffset: '2026-01-01T10:00:00+00:00' });
    expect(po.records('salesorderlines')).toEqual([expect.objectContaining({ Id: uuid(2), SalesOrderId: uuid(1), NetAmount: 20 })]);
    expect(() => po.put('salesorderlines', { Quantity: 1 })).toThrow(/needs the SalesOrderId of an existing salesorders record/);
    expect(() => po.put('contactperson', { FirstName: 'A' })).toThrow(/needs ContactId: its insert URL names it/);
  });

  it('edit stamps a new change time; editing a line recomputes and stamps its order', () => {
    po.put('customers', { Id: 1, Name: 'A', LastChangedDateTimeOffset: '2025-01-01T00:00:00+00:00' });
    po.put('salesorders', { Id: uuid(50), CustomerId: 1, LastChangedDateTimeOffset: '2025-01-01T00:00:00+00:00', SalesOrderLines: [{ Id: uuid(51), Quantity: 1, ProductUnitPrice: 10 }] });
    expect(po.edit('customers', { Name: 'A' }, { PhoneNumber: '1' })).toBe(1);
    expect(po.records('customers')[0]).toMatchObject({ PhoneNumber: '1', LastChangedDateTimeOffset: '2026-01-01T10:00:00+00:00' });
    expect(po.edit('salesorderlines', { Id: uuid(51) }, { Quantity: 4 })).toBe(1);
    expect(po.records('salesorders')[0]).toMatchObject({ NetAmount: 40, LastChangedDateTimeOffset: '2026-01-01T10:00:01+00:00' });
    expect(po.remove('salesorders', { Id: uuid(50) })).toBe(1);
    expect(po.records('salesorderlines')).toEqual([]);
  });
});

describe('PowerOffice emulator: edit guard', () => {
  it('refuses editing lines through the order header', () => {
    po.put('customers', { Id: 1, Name: 'A' });
    po.put('salesorders', { Id: uuid(60), CustomerId: 1 });
    expect(() => po.edit('salesorders', { Id: uuid(60) }, { SalesOrderLines: [] })).toThrow(/edit SalesOrderLines through the salesorderlines datatype/);
  });
});
