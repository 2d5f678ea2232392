// Every field of the CRM's datatypes (with the erp_* fields that hold PowerOffice's ids) and of
// the PowerOffice Go v2 datatypes (checked against the v2 OpenAPI), with its type and access.
import { describe, expect, it } from 'vitest';
import { resolveRef, schemaById, type Schema } from './schema-fixtures';

/** Compact type notation: `integer(int64)|null`, `enum:PoProductType`, `object:PoAddress|null`, `array<…>`. */
const typeOf = (prop: Schema, fromId: string): string => {
  if (typeof prop.$ref === 'string') {
    const target = resolveRef(prop.$ref, fromId).node;
    return `${target.enum ? 'enum' : 'object'}:${String(target.title)}`;
  }
  if (Array.isArray(prop.anyOf)) return (prop.anyOf as Schema[]).map((p) => typeOf(p, fromId)).join('|');
  const types = (Array.isArray(prop.type) ? prop.type : [prop.type]) as string[];
  const main = types.find((t) => t !== 'null');
  if (!main) return 'null';
  const base =
    main === 'array'
      ? `array<${typeOf(prop.items as Schema, fromId)}>`
      : Array.isArray(prop.enum)
        ? `enum(${(prop.enum as unknown[]).filter((v) => v !== null).join('|')})`
        : `${main}${typeof prop.format === 'string' ? `(${prop.format})` : ''}`;
  return types.includes('null') ? `${base}|null` : base;
};

type Access = 'RW' | 'RO' | 'POST'; // POST: read-only when read, settable on POST only
type Row = [field: string, type: string, access: Access];

const I64 = 'integer(int64)|null', I32 = 'integer(int32)|null', STR = 'string|null', DBL = 'number(double)|null';
const BOOL = 'boolean|null', DATE = 'string(date)|null', TS = 'string(date-time)', UUID = 'string(uuid)|null';

const properties = (schema: Schema) => schema.properties as Record<string, Schema>;
const writeModel = (id: string) => resolveRef('#/$defs/write', id).node;

const checkRead = (id: string, rows: Row[]) => {
  const props = properties(schemaById(id));
  expect(Object.keys(props).sort()).toEqual(rows.map(([f]) => f).sort());
  for (const [field, type, access] of rows) {
    expect({ field, type: typeOf(props[field]!, id), readOnly: props[field]!.readOnly === true }).toEqual({
      field,
      type,
      readOnly: access !== 'RW',
    });
  }
};

/** The write model holds RW and POST fields (same type; required ones may be non-null), never RO ones. */
const checkWrite = (id: string, rows: Row[], writeTypes: Record<string, string> = {}, extra: Row[] = []) => {
  const write = writeModel(id);
  const props = properties(write);
  const expected = [...rows.filter(([, , a]) => a !== 'RO'), ...extra];
  expect(Object.keys(props).sort()).toEqual(expected.map(([f]) => f).sort());
  for (const [field, type, access] of expected) {
    const prop = props[field]!;
    expect({ field, type: typeOf(prop, id), readOnly: prop.readOnly === true, postOnly: prop['x-createOnly'] === true }).toEqual({
      field,
      type: writeTypes[field] ?? type,
      readOnly: false,
      postOnly: access === 'POST',
    });
  }
};

const customer: Row[] = [
  ['Id', 'integer(int64)', 'RO'], ['Number', I64, 'RW'], ['ExternalNumber', I64, 'RW'], ['ExternalImportReference', STR, 'RW'],
  ['Name', STR, 'RW'], ['LegalName', STR, 'RW'], ['IsPerson', BOOL, 'RW'], ['FirstName', STR, 'RW'], ['LastName', STR, 'RW'],
  ['DateOfBirth', DATE, 'RW'], ['OrganizationNumber', STR, 'RW'], ['NationalIdNumber', STR, 'RW'], ['EmailAddress', STR, 'RW'],
  ['InvoiceEmailAddress', STR, 'RW'], ['InvoiceEmailAddressCC', STR, 'RW'], ['PaymentReminderEmailAddress', STR, 'RW'],
  ['PhoneNumber', STR, 'RW'], ['WebsiteUrl', STR, 'RW'], ['MailAddress', 'object:PoContactAddress|null', 'RW'], ['CurrencyCode', STR, 'RW'],
  ['InvoiceDeliveryType', 'enum:PoInvoiceDeliveryType', 'RW'], ['ReminderDeliveryType', 'enum:PoReminderDeliveryType', 'RW'],
  ['NoticeOfDebtCollectionDeliveryType', 'enum:PoNoticeOfDebtCollectionDeliveryType', 'RW'], ['IsArchived', BOOL, 'RW'],
  ['IsActive', BOOL, 'RO'], ['IsVatFree', BOOL, 'RW'], ['Allowance', DBL, 'RW'], ['BillableRate', DBL, 'RW'],
  ['PaymentTermId', I64, 'RW'], ['PaymentTerm', I32, 'POST'], ['DeliveryTermId', I64, 'RW'], ['DeliveryTerm', STR, 'POST'],
  ['DepartmentId', I64, 'RW'], ['DepartmentCode', STR, 'POST'], ['InvoiceBrandingThemeId', I64, 'RW'], ['InvoiceBrandingThemeCode', STR, 'POST'],
  ['SalesPersonEmployeeId', I64, 'RW'], ['SalesPersonEmployeeNumber', I64, 'POST'], ['ContactGroupIds', 'array<integer(int64)>|null', 'RW'],
  ['CustomerSince', DATE, 'RW'], ['SendPaymentReminders', BOOL, 'RW'], ['UseInvoiceFee', BOOL, 'RW'], ['TransferToDebtCollectionAgency', BOOL, 'RW'],
  ['DoNotAddLatePaymentFees', BOOL, 'RW'], ['DoNotAddLatePaymentInterest', BOOL, 'RW'], ['DoNotAutomatePaymentNotifications', BOOL, 'RW'],
  ['ContactCreatedDateTimeOffset', TS, 'RO'], ['CustomerCreatedDateTimeOffset', TS, 'RO'], ['LastChangedDateTimeOffset', TS, 'RO'],
  ['CreatedFromImportJournalId', UUID, 'RO'], ['SubledgerAccountId', I64, 'RO'],
];
const contactAddress: Row[] = [
  ['Id', 'integer(int64)', 'RO'], ['AddressLine1', STR, 'RW'], ['AddressLine2', STR, 'RW'], ['ZipCode', STR, 'RW'], ['City', STR, 'RW'],
  ['CountryCode', STR, 'RW'], ['ExternalCode', STR, 'RW'], ['LastChangedDateTimeOffset', TS, 'RO'],
];
const address: Row[] = [['AddressLine1', STR, 'RW'], ['AddressLine2', STR, 'RW'], ['ZipCode', STR, 'RW'], ['City', STR, 'RW'], ['CountryCode', STR, 'RW']];
const contactPerson: Row[] = [
  ['Id', 'integer(int64)', 'RO'], ['ContactId', 'integer(int64)', 'RO'], ['FirstName', STR, 'RW'], ['LastName', STR, 'RW'],
  ['EmailAddress', STR, 'RW'], ['PhoneNumber', STR, 'RW'], ['Title', STR, 'RW'], ['IsDefault', BOOL, 'RW'], ['IsActive', BOOL, 'RW'],
  ['ExternalCode', STR, 'RW'], ['MailAddress', 'object:PoAddress|null', 'RW'], ['CreatedDateTimeOffset', TS, 'RO'], ['LastChangedDateTimeOffset', TS, 'RO'],
];
const salesOrder: Row[] = [
  ['Id', 'string(uuid)', 'RO'], ['SalesOrderNo', I64, 'RO'], ['SalesOrderStatus', 'enum:PoSalesOrderStatus', 'RW'], ['SalesOrderDate', DATE, 'RW'],
  ['DeliveryDate', DATE, 'RW'], ['CustomerId', I64, 'RW'], ['CustomerNo', I64, 'POST'], ['CustomerReferenceContactPersonId', I64, 'RW'],
  ['CustomerReference', STR, 'RW'], ['PurchaseOrderReference', STR, 'RW'], ['ContractNo', STR, 'RW'], ['ExternalImportReference', STR, 'RW'],
  ['ImportedOrderNo', I64, 'RW'], ['CurrencyCode', STR, 'RW'], ['CurrencyExchangeRate', DBL, 'RW'], ['CustomMatchingReference', STR, 'RW'],
  ['RelatedInvoiceNo', I64, 'RW'], ['ContactDeliveryAddressId', I64, 'RW'],
  ['PaymentTermId', I64, 'RW'], ['PaymentTerm', I32, 'POST'], ['DeliveryTermId', I64, 'RW'], ['DeliveryTerm', STR, 'POST'],
  ['DepartmentId', I64, 'RW'], ['DepartmentCode', STR, 'POST'], ['ProjectId', I64, 'RW'], ['ProjectCode', STR, 'POST'],
  ['LocationId', I64, 'RW'], ['LocationCode', STR, 'POST'], ['Dim1Id', I64, 'RW'], ['Dim1Code', STR, 'POST'], ['Dim2Id', I64, 'RW'],
  ['Dim2Code', STR, 'POST'], ['Dim3Id', I64, 'RW'], ['Dim3Code', STR, 'POST'], ['BrandingThemeId', I64, 'RW'], ['BrandingThemeCode', STR, 'POST'],
  ['SalesPersonEmployeeId', I64, 'RW'], ['SalesPersonEmployeeNumber', I64, 'POST'],
  ['NetAmount', DBL, 'RO'], ['TotalAmount', DBL, 'RO'], ['LineCount', I64, 'RO'], ['IsCreatedByCurrentIntegration', BOOL, 'RO'],
  ['CreatedDateTimeOffset', TS, 'RO'], ['LastChangedDateTimeOffset', TS, 'RO'],
  // RO on GET /Complete; the POST /Complete body carries its own line type (see the write check)
  ['SalesOrderLines', 'array<object:PoSalesOrderLine>|null', 'POST'],
];
const salesOrderLine: Row[] = [
  ['Id', 'string(uuid)', 'RO'], ['SalesOrderId', 'string(uuid)', 'RO'], ['LineType', 'enum:PoLineType', 'RW'], ['ProductId', I64, 'RW'],
  ['ProductCode', STR, 'POST'], ['Description', STR, 'RW'], ['Quantity', DBL, 'RW'], ['ProductUnitPrice', DBL, 'RW'], ['ProductUnitCost', DBL, 'RW'],
  ['Allowance', DBL, 'RW'], ['UnitOfMeasureCode', 'enum:PoUnitOfMeasureType', 'RW'], ['SortOrder', I32, 'RW'], ['ExternalImportReference', STR, 'RW'],
  ['UseStandardSalesAccount', BOOL, 'RW'], ['DepartmentId', I64, 'RW'], ['DepartmentCode', STR, 'POST'], ['ProjectId', I64, 'RW'],
  ['ProjectCode', STR, 'POST'], ['LocationId', I64, 'RW'], ['LocationCode', STR, 'POST'], ['Dim1Id', I64, 'RW'], ['Dim1Code', STR, 'POST'],
  ['Dim2Id', I64, 'RW'], ['Dim2Code', STR, 'POST'], ['Dim3Id', I64, 'RW'], ['Dim3Code', STR, 'POST'], ['SellersReferenceEmployeeId', I64, 'RW'],
  ['SellersReferenceEmployeeNo', I64, 'POST'], ['Accrual', 'object:PoAccrual|null', 'RW'], ['VatReturnSpecification', 'enum:PoVatReturnSpecification', 'RW'],
  ['NetAmount', DBL, 'RO'], ['TotalAmount', DBL, 'RO'], ['VatAmount', DBL, 'RO'], ['VatCode', STR, 'RO'], ['VatId', I32, 'RO'], ['VatRate', DBL, 'RO'],
];
const product: Row[] = [
  ['Id', 'integer(int64)', 'RO'], ['Code', STR, 'RW'], ['Name', STR, 'RW'], ['Description', STR, 'RW'], ['ProductType', 'enum:PoProductType', 'RW'],
  ['UnitPrice', DBL, 'RW'], ['UnitCost', DBL, 'RW'], ['UnitOfMeasureCode', 'enum:PoUnitOfMeasureType', 'RW'], ['Gtin', STR, 'RW'],
  ['IsArchived', BOOL, 'RW'], ['IsStockItem', BOOL, 'RW'], ['StockOnHand', DBL, 'RW'], ['StockAvailable', DBL, 'RO'],
  ['ProductGroupId', I64, 'RW'], ['ProductGroupCode', STR, 'POST'], ['StandardSalesAccountId', I64, 'RW'], ['StandardSalesAccount', I64, 'POST'],
  ['OptionalSalesAccountId', I64, 'RW'], ['OptionalSalesAccount', I64, 'POST'],
  ['StandardSalesAccountAgricultureDepartment', 'enum:PoAgricultureDepartment', 'RW'], ['OptionalSalesAccountAgricultureDepartment', 'enum:PoAgricultureDepartment', 'RW'],
  ['CreatedDateTimeOffset', TS, 'RO'], ['LastChangedDateTimeOffset', TS, 'RO'], ['StockOnHandLastChangedDatetimeOffset', 'string(date-time)|null', 'RO'],
  ['CreatedFromImportJournalId', UUID, 'RO'],
];

describe('PowerOffice schemas carry every field with its type and access', () => {
  it('customers (CustomerDto / CustomerPostDto)', () => {
    checkRead('poweroffice/customers', customer);
    checkWrite('poweroffice/customers', customer, { MailAddress: 'object:PoContactAddressWrite|null' }, [['SubLedgerNumberSeriesId', UUID, 'POST']]);
    expect(schemaById('poweroffice/customers').required).toEqual(['Id']);
    expect(writeModel('poweroffice/customers').required).toBeUndefined();
  });
  it('contactaddress (ContactAddressDto / ContactAddressPostDto): ZipCode and City required on POST', () => {
    checkRead('poweroffice/contactaddress', contactAddress);
    checkWrite('poweroffice/contactaddress', contactAddress, { ZipCode: 'string', City: 'string' });
    expect(writeModel('poweroffice/contactaddress').required).toEqual(['City', 'ZipCode']);
  });
  it('address (AddressDto / AddressPostDto)', () => {
    checkRead('poweroffice/address', address);
    checkWrite('poweroffice/address', address, { ZipCode: 'string', City: 'string' });
    expect(writeModel('poweroffice/address').required).toEqual(['City', 'ZipCode']);
  });
  it('contactperson (ContactPersonDto / ContactPersonPostDto): first and last name required on POST', () => {
    checkRead('poweroffice/contactperson', contactPerson);
    checkWrite('poweroffice/contactperson', contactPerson, { FirstName: 'string', LastName: 'string', MailAddress: 'object:PoAddressWrite|null' });
    expect(writeModel('poweroffice/contactperson').required).toEqual(['FirstName', 'LastName']);
  });
  it('salesorders (SalesOrderCompleteDto / SalesOrderCompletePostDto)', () => {
    checkRead('poweroffice/salesorders', salesOrder);
    checkWrite('poweroffice/salesorders', salesOrder, { SalesOrderLines: 'array<object:PoSalesOrderLineWrite>|null' });
  });
  it('salesorderlines (SalesOrderLineDto / SalesOrderLinePostDto)', () => {
    checkRead('poweroffice/salesorderlines', salesOrderLine);
    checkWrite('poweroffice/salesorderlines', salesOrderLine, { Accrual: 'object:PoAccrualWrite|null' });
  });
  it('product (ProductDto / ProductPostDto): Name required on POST', () => {
    checkRead('poweroffice/product', product);
    checkWrite('poweroffice/product', product, { Name: 'string' });
    expect(writeModel('poweroffice/product').required).toEqual(['Name']);
  });

  it.each([
    ['poweroffice/customers', 'ExternalImportReference', 50], ['poweroffice/customers', 'InvoiceEmailAddressCC', 2000],
    ['poweroffice/contactaddress', 'AddressLine1', 200], ['poweroffice/contactaddress', 'AddressLine2', 200],
    ['poweroffice/contactaddress', 'ZipCode', 50], ['poweroffice/contactaddress', 'City', 100], ['poweroffice/contactaddress', 'ExternalCode', 50],
    ['poweroffice/contactperson', 'ExternalCode', 50], ['poweroffice/product', 'Code', 100], ['poweroffice/product', 'Name', 400],
  ] as const)('%s.%s has maxLength %i (read and write)', (id, field, max) => {
    expect(properties(schemaById(id))[field]!.maxLength).toBe(max);
    expect(properties(writeModel(id))[field]!.maxLength).toBe(max);
  });

  it('enums are exactly the OpenAPI members (nullable)', () => {
    const members = (name: string) => (resolveRef(`#/$defs/${name}`, 'poweroffice/enums').node.enum as unknown[]).filter((v) => v !== null);
    expect(members('PoInvoiceDeliveryType')).toEqual(['PdfByEmail', 'Print', 'EHF', 'AvtaleGiro', 'External', 'Efaktura', 'Factoring']);
    expect(members('PoReminderDeliveryType')).toEqual(['PdfByEmail', 'Print']);
    expect(members('PoNoticeOfDebtCollectionDeliveryType')).toEqual(['PdfByEmail', 'Print']);
    expect(members('PoSalesOrderStatus')).toEqual(['Draft', 'Confirmed']);
    expect(members('PoLineType')).toEqual(['Normal', 'Text', 'Summary', 'InvoiceFee', 'TotalHours']);
    expect(members('PoProductType')).toEqual(['Product', 'Service']);
    const units = members('PoUnitOfMeasureType');
    expect(units).toHaveLength(67);
    expect(new Set(units).size).toBe(67);
    for (const unit of ['EA', 'HUR', 'KGM', 'MTR', 'DAY', 'BX', 'E34', 'E35']) expect(units).toContain(unit);
    expect(members('PoAgricultureDepartment')).toEqual(['None', 'Finance', 'Farming', 'Forestry', 'FurAnimals', 'OtherIndustries', 'Private']);
    expect(members('PoVatReturnSpecification')).toHaveLength(7);
  });
});

// CRM: [field, type, readOnly]
type CrmRow = [field: string, type: string, readOnly: boolean];
const crm: Record<string, { rows: CrmRow[]; required: string[] }> = {
  'customcrm/customer': {
    required: [],
    rows: [
      ['id', 'string', true], ['erp_id', 'integer|null', false], ['customer_number', 'integer|null', false], ['erp_customer_number', 'integer|null', false], ['is_person', 'boolean', false],
      ['name', 'string', false], ['legal_name', 'string|null', false], ['first_name', 'string|null', false], ['last_name', 'string|null', false],
      ['date_of_birth', 'string(date)|null', false], ['organization_number', 'string|null', false], ['country_code', 'string', false],
      ['email', 'string|null', false], ['invoice_email', 'string|null', false], ['phone', 'string|null', false], ['website', 'string|null', false],
      ['currency', 'string|null', false], ['payment_terms_days', 'integer|null', false], ['address', 'object:CrmAddress', false], ['is_archived', 'boolean', false],
      ['created_at', 'string(date-time)', true], ['updated_at', 'string(date-time)', true],
    ],
  },
  'customcrm/contact': {
    required: ['customer_id', 'first_name', 'last_name'],
    rows: [
      ['id', 'string', true], ['erp_id', 'integer|null', false], ['customer_id', 'string', false], ['first_name', 'string', false], ['last_name', 'string', false],
      ['email', 'string|null', false], ['phone', 'string|null', false], ['job_title', 'string|null', false], ['is_primary', 'boolean', false],
      ['is_active', 'boolean', false], ['address', 'object:CrmAddress|null', false], ['created_at', 'string(date-time)', true], ['updated_at', 'string(date-time)', true],
    ],
  },
  'customcrm/product': {
    required: ['name'],
    rows: [
      ['id', 'string', true], ['erp_id', 'integer|null', false], ['sku', 'string', false], ['name', 'string', false], ['description', 'string|null', false],
      ['type', 'enum(product|service)', false], ['unit_price', 'number', false], ['unit_cost', 'number|null', false], ['unit', 'string|null', false],
      ['gtin', 'string|null', false], ['is_active', 'boolean', false], ['is_stock_item', 'boolean', false], ['stock_on_hand', 'number|null', false], ['stock_available', 'number|null', false],
      ['created_at', 'string(date-time)', true], ['updated_at', 'string(date-time)', true],
    ],
  },
  'customcrm/order': {
    required: ['customer_id'],
    rows: [
      ['id', 'string', true], ['erp_id', 'string|null', false], ['order_number', 'integer', false], ['customer_id', 'string', false], ['contact_id', 'string|null', false],
      ['status', 'enum(draft|won|confirmed|cancelled|invoiced)', false], ['order_date', 'string(date)', false], ['delivery_date', 'string(date)|null', false],
      ['currency', 'string', false], ['your_reference', 'string|null', false], ['po_number', 'string|null', false], ['contract_number', 'string|null', false],
      ['total_net', 'number', false], ['total_gross', 'number', false], ['erp_order_number', 'integer|null', false],
      ['lines', 'array<object:CrmOrderLine>', false], ['created_at', 'string(date-time)', true], ['updated_at', 'string(date-time)', true],
    ],
  },
  'customcrm/orderline': {
    required: [],
    rows: [
      ['id', 'string', true], ['order_id', 'string', false], ['product_id', 'string|null', false], ['line_type', 'enum(normal|text)', false],
      ['description', 'string', false], ['quantity', 'number', false], ['unit_price', 'number', false], ['unit_cost', 'number|null', false],
      ['discount_percent', 'number|null', false], ['sort_order', 'integer', false], ['erp_line_id', 'string(uuid)|null', false],
    ],
  },
  'customcrm/address': {
    required: [],
    rows: [['line1', 'string|null', false], ['line2', 'string|null', false], ['postal_code', 'string|null', false], ['city', 'string|null', false], ['country_code', 'string|null', false]],
  },
};

// The erp_* fields are read-only for CRM users but written by the sync, so not `readOnly`.
describe('CRM schemas carry every field (plus the erp_* fields)', () => {
  it.each(Object.entries(crm))('%s', (id, { rows, required }) => {
    const schema = schemaById(id);
    const props = properties(schema);
    expect(Object.keys(props)).toEqual(rows.map(([f]) => f));
    for (const [field, type, readOnly] of rows) {
      expect({ field, type: typeOf(props[field]!, id), readOnly: props[field]!.readOnly === true }).toEqual({ field, type, readOnly });
    }
    expect(schema.required ?? []).toEqual(required);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.title).toMatch(/^Crm[A-Z]/);
  });

  it('length limits that PowerOffice imposes are kept on the CRM side', () => {
    expect(properties(schemaById('customcrm/product')).sku!.maxLength).toBe(100);
    expect(properties(schemaById('customcrm/product')).name!.maxLength).toBe(400);
    expect(properties(schemaById('customcrm/orderline')).id!.maxLength).toBe(50);
  });
});
