import { describe, expect, it } from 'vitest';
import { allSchemas, makeAjv } from './schema-fixtures';

const ajv = makeAjv();
const validate = (ref: string, record: unknown) => {
  const fn = ajv.getSchema(ref);
  if (!fn) throw new Error(`no schema ${ref}`);
  const ok = fn(record) as boolean;
  return { ok, errors: (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
};

const crmAddress = { line1: 'Storgata 1', line2: null, postal_code: '0150', city: 'Oslo', country_code: 'NO' };
const samples: Record<string, unknown> = {
  'customcrm/address': crmAddress,
  'customcrm/customer': {
    id: 'c-1', customer_number: 1001, erp_customer_number: 10001, is_person: false, name: 'Acme AS', legal_name: 'Acme AS',
    first_name: null, last_name: null, date_of_birth: null, organization_number: '999888777', country_code: 'NO',
    email: 'post@acme.no', invoice_email: null, phone: '+47 22 00 00 00', website: 'https://acme.no', currency: 'NOK',
    address: crmAddress, is_archived: false, created_at: '2026-01-01T10:00:00+01:00', updated_at: '2026-02-01T10:00:00+01:00',
  },
  'customcrm/contact': {
    id: 'p-1', customer_id: 'c-1', first_name: 'Kari', last_name: 'Nordmann', email: 'kari@acme.no', phone: null, job_title: 'CFO',
    is_primary: true, is_active: true, address: null, created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-02T10:00:00Z',
  },
  'customcrm/product': {
    id: 'pr-1', sku: 'BA-12', name: 'Big blue box', description: null, type: 'product', unit_price: 100.5, unit_cost: 50,
    unit: 'EA', gtin: null, is_active: true, is_stock_item: true, stock_on_hand: 12, created_at: '2026-01-01T10:00:00Z', updated_at: '2026-01-01T10:00:00Z',
  },
  'customcrm/orderline': {
    id: 'l-1', order_id: 'o-1', product_id: 'pr-1', line_type: 'normal', description: 'Box', quantity: 2, unit_price: 100.5,
    unit_cost: null, discount_percent: 10, sort_order: 0, erp_line_id: '38ecfc1a-bf51-448f-99a8-a61bc5771109',
  },
  'customcrm/order': {
    id: 'o-1', order_number: 5001, customer_id: 'c-1', contact_id: 'p-1', status: 'won', order_date: '2026-03-01', delivery_date: null,
    currency: 'NOK', your_reference: null, po_number: 'PO-77', contract_number: null, total_net: 180.9, total_gross: 226.13,
    erp_order_number: null, lines: [{ id: 'l-1', product_id: 'pr-1', line_type: 'normal', description: 'Box', quantity: 2, unit_price: 100.5, sort_order: 0 }],
    created_at: '2026-03-01T09:00:00+01:00', updated_at: '2026-03-01T09:00:00+01:00',
  },
  'poweroffice/enums': 'EA',
  'poweroffice/address': { AddressLine1: 'Storgata 1', AddressLine2: null, City: 'Oslo', CountryCode: 'NO', ZipCode: '0150' },
  'poweroffice/address#/$defs/write': { City: 'Oslo', ZipCode: '0150' },
  'poweroffice/contactaddress': { Id: 77, AddressLine1: 'Storgata 1', City: 'Oslo', ZipCode: '0150', CountryCode: 'NO', ExternalCode: null, LastChangedDateTimeOffset: '2026-01-01T10:00:00Z' },
  'poweroffice/contactaddress#/$defs/write': { AddressLine1: 'Storgata 1', City: 'Oslo', ZipCode: '0150' },
  'poweroffice/customers': {
    Id: 123, Number: 10001, ExternalNumber: 1001, ExternalImportReference: 'c-1', Name: 'Acme AS', IsPerson: false, EmailAddress: 'post@acme.no',
    MailAddress: { Id: 77, City: 'Oslo', ZipCode: '0150', CountryCode: 'NO' }, InvoiceDeliveryType: 'PdfByEmail', IsArchived: false, IsActive: true,
    ContactGroupIds: [1, 2], CustomerSince: '2020-01-01', LastChangedDateTimeOffset: '2026-01-01T10:00:00.1234567+00:00', CreatedFromImportJournalId: null,
  },
  'poweroffice/customers#/$defs/write': {
    ExternalImportReference: 'c-1', ExternalNumber: 1001, Name: 'Acme AS', IsPerson: false, InvoiceDeliveryType: 'Print',
    MailAddress: { City: 'Oslo', ZipCode: '0150' }, SubLedgerNumberSeriesId: '38ecfc1a-bf51-448f-99a8-a61bc5771109', DepartmentCode: 'D1',
  },
  'poweroffice/contactperson': { Id: 5, ContactId: 123, FirstName: 'Kari', LastName: 'Nordmann', EmailAddress: 'kari@acme.no', ExternalCode: 'p-1', IsDefault: true, MailAddress: null },
  'poweroffice/contactperson#/$defs/write': { FirstName: 'Kari', LastName: 'Nordmann', ExternalCode: 'p-1', MailAddress: { City: 'Oslo', ZipCode: '0150' } },
  'poweroffice/salesorderlines': {
    Id: '11111111-2222-4333-8444-555555555555', SalesOrderId: '38ecfc1a-bf51-448f-99a8-a61bc5771109', LineType: 'Normal', ProductId: 9, ProductCode: 'BA-12',
    Quantity: 2, ProductUnitPrice: 100.5, Allowance: 10, UnitOfMeasureCode: 'EA', SortOrder: 0, VatId: 3, VatRate: 0.25, Accrual: null,
  },
  'poweroffice/salesorderlines#/$defs/write': { LineType: 'Text', Description: 'Thanks', SortOrder: 1, ExternalImportReference: 'l-2', Accrual: { FromDate: '2026-01-01', ToDate: '2026-12-31', IsActive: true } },
  'poweroffice/salesorders': {
    Id: '38ecfc1a-bf51-448f-99a8-a61bc5771109', SalesOrderNo: 42, SalesOrderStatus: 'Draft', CustomerId: 123, SalesOrderDate: '2026-03-01', NetAmount: 180.9,
    SalesOrderLines: [{ Id: '11111111-2222-4333-8444-555555555555', LineType: 'Normal', Quantity: 2 }],
  },
  'poweroffice/salesorders#/$defs/write': {
    CustomerId: 123, ExternalImportReference: 'o-1', ImportedOrderNo: 5001, SalesOrderStatus: 'Confirmed', SalesOrderDate: '2026-03-01',
    SalesOrderLines: [{ ProductId: 9, Quantity: 2, ExternalImportReference: 'l-1', UnitOfMeasureCode: 'HUR' }],
  },
  'poweroffice/product': { Id: 9, Code: 'BA-12', Name: 'Big blue box', ProductType: 'Product', UnitPrice: 100.5, StockOnHand: 12, StockAvailable: 10, IsArchived: false, StockOnHandLastChangedDatetimeOffset: null },
  'poweroffice/product#/$defs/write': { Code: 'BA-12', Name: 'Big blue box', ProductType: 'Service', UnitOfMeasureCode: 'E35', ProductGroupCode: 'PG1' },
};

// Records that must fail, with the reason in the name.
const invalid: [string, string, unknown][] = [
  ['customcrm/customer', 'company without name', { is_person: false, country_code: 'NO' }],
  ['customcrm/customer', 'person without last name', { is_person: true, first_name: 'Kari', country_code: 'NO' }],
  ['customcrm/customer', 'lower-case country code', { name: 'Acme', country_code: 'no' }],
  ['customcrm/contact', 'no customer_id', { first_name: 'Kari', last_name: 'Nordmann' }],
  ['customcrm/order', 'unknown status', { customer_id: 'c-1', status: 'lost' }],
  ['customcrm/order', 'line with an unknown field', { customer_id: 'c-1', lines: [{ id: 'l-1', colour: 'red' }] }],
  ['customcrm/orderline', 'negative sort_order', { sort_order: -1 }],
  ['customcrm/orderline', 'id longer than 50', { id: 'x'.repeat(51) }],
  ['customcrm/product', 'no name', { sku: 'A' }],
  ['customcrm/product', 'sku longer than 100', { name: 'A', sku: 'x'.repeat(101) }],
  ['poweroffice/customers', 'string id', { Id: '123' }],
  ['poweroffice/customers', 'unknown delivery type', { Id: 1, InvoiceDeliveryType: 'Fax' }],
  ['poweroffice/customers', 'ExternalImportReference too long', { Id: 1, ExternalImportReference: 'x'.repeat(51) }],
  ['poweroffice/customers#/$defs/write', 'read-only Id', { Id: 1, Name: 'Acme' }],
  ['poweroffice/customers#/$defs/write', 'address without City', { MailAddress: { ZipCode: '0150' } }],
  ['poweroffice/contactperson#/$defs/write', 'no LastName', { FirstName: 'Kari' }],
  ['poweroffice/contactperson#/$defs/write', 'ContactId (path only)', { FirstName: 'Kari', LastName: 'N', ContactId: 1 }],
  ['poweroffice/salesorders', 'integer Id', { Id: 1 }],
  ['poweroffice/salesorders#/$defs/write', 'read-only SalesOrderNo', { SalesOrderNo: 1 }],
  ['poweroffice/salesorders#/$defs/write', 'line with read-only VatRate', { SalesOrderLines: [{ VatRate: 0.25 }] }],
  ['poweroffice/salesorderlines', 'unknown unit', { Id: '11111111-2222-4333-8444-555555555555', UnitOfMeasureCode: 'XXX' }],
  ['poweroffice/product#/$defs/write', 'no Name', { Code: 'A' }],
  ['poweroffice/product#/$defs/write', 'Name longer than 400', { Name: 'x'.repeat(401) }],
  ['poweroffice/product#/$defs/write', 'read-only StockAvailable', { Name: 'A', StockAvailable: 3 }],
  ['poweroffice/enums', 'not an enum value', 'Box'],
];

describe('system schemas', () => {
  it('all compile under ajv strict mode (draft 2020-12)', () => {
    const fresh = makeAjv();
    for (const { file, schema } of allSchemas) {
      expect(() => fresh.compile(schema), file).not.toThrow();
      expect(fresh.getSchema(schema.$id as string), file).toBeDefined();
    }
  });

  it('every schema file has a sample', () => {
    for (const { schema } of allSchemas) expect(Object.keys(samples)).toContain(schema.$id);
  });

  it.each(Object.entries(samples))('%s accepts its sample record', (ref, record) => {
    expect(validate(ref, record)).toEqual({ ok: true, errors: [] });
  });

  it.each(Object.entries(samples).filter(([, r]) => typeof r === 'object'))('%s rejects an unknown field', (ref, record) => {
    const result = validate(ref, { ...(record as object), NotAField: 1 });
    expect(result.ok).toBe(false);
    expect(result.errors).toContain(' must NOT have additional properties');
  });

  it.each(Object.entries(samples).filter(([, r]) => typeof r === 'object'))('%s rejects a wrong type', (ref, record) => {
    const [field] = Object.keys(record as object);
    const value = (record as Record<string, unknown>)[field!];
    const wrong = typeof value === 'string' ? 12 : 'twelve';
    expect(validate(ref, { ...(record as object), [field!]: wrong }).ok).toBe(false);
  });

  it.each(invalid)('%s rejects: %s', (ref, _reason, record) => {
    expect(validate(ref, record).ok).toBe(false);
  });
});
