// What the random histories know about the integration: per kind of record (customers, contacts,
// products, orders, order lines) the two datatypes, how ids look, the mapped rows with their
// direction and value tables, the references, and which values a user may type on each side.
//
// Written from the decided sync rules and the mapping tables, not from the compiler; a test
// (spec.test.ts) checks that every mapping row of the dataflow definitions is here with the same
// direction, tables and options, so a row added to pipes/ is not silently left out.

export type Side = 'crm' | 'po';
export const SIDES: readonly Side[] = ['crm', 'po'];
export const other = (s: Side): Side => (s === 'crm' ? 'po' : 'crm');
export const SYSTEM: Record<Side, string> = { crm: 'customcrm', po: 'poweroffice' };

export type Kind = 'customer' | 'contact' | 'product' | 'order' | 'line';
/** Processing order: referenced kinds first. */
export const KINDS: readonly Kind[] = ['customer', 'product', 'contact', 'order', 'line'];

export type Direction = 'both' | 'toErp' | 'toCrm';

/** Values a user may give a row on one side; `[]` = not typed on that side. */
type Pool = (slot: number) => readonly unknown[];

export interface Row {
  /** Property path on each side (dots for nested properties). */
  crm: string;
  po: string;
  dir: Direction;
  insertOnly?: boolean;
  invert?: boolean;
  toErp?: Readonly<Record<string, unknown>>;
  toCrm?: Readonly<Record<string, unknown>>;
  /** Non-empty values a user types (per side); the first is the one shrinking goes to. */
  values: { crm: Pool; po: Pool };
  /** Empty values a user may type on each side (those the side's schema allows). */
  empties: { crm: readonly unknown[]; po: readonly unknown[] };
  /** Must be non-empty when the record is created (the target refuses an insert without it). */
  required?: boolean;
  /** PowerOffice computes it (← only); present only when this PowerOffice row is non-empty (else always). */
  computed?: { presentWith?: string };
  /** Value every created record has, never edited (e.g. a company customer). */
  fixed?: { crm: unknown; po: unknown };
  /** Merge criterion (linking by value). */
  mergeKey?: 'lower' | 'trim';
}

export interface RefSpec {
  name: string;
  crm: string;
  po: string;
  target: Kind;
  /** ↔ with latest wins; `insertOnlyPo`: PowerOffice's value is set on insert only and the CRM keeps its own. */
  mode: 'both' | 'insertOnlyPo' | 'parent';
  required: boolean;
}

export interface KindSpec {
  kind: Kind;
  /** Dataflow id of the definition (for the coverage test). */
  dataflow: string;
  datatype: Record<Side, string>;
  idField: Record<Side, string>;
  /** Ids a user gives records created on each side, per creation number. */
  id: Record<Side, (n: number) => string | number>;
  /** The CRM property holding the PowerOffice id of records the sync created in the CRM. */
  erpKey: string;
  /** The CRM records are rewritten whole by the sync (lines inside their order): every linked one gets `erpKey`. */
  erpKeyOnEveryLinked?: boolean;
  /** The PowerOffice property holding the CRM id of records the sync created in PowerOffice. */
  crmKey?: string;
  refs: readonly RefSpec[];
  rows: readonly Row[];
  /** How many records of the kind a history may create. */
  slots: number;
}

const same = (f: Pool): { crm: Pool; po: Pool } => ({ crm: f, po: f });
const none: Pool = () => [];
const EMPTY_STR = [null, '', '  '] as const;
const TEXT_ONLY = ['', '  '] as const;

function text(crm: string, po: string, values: Pool, opts: Partial<Row> = {}): Row {
  return { crm, po, dir: 'both', values: same(values), empties: { crm: EMPTY_STR, po: EMPTY_STR }, ...opts };
}

const hex = (n: number) => n.toString(16).padStart(12, '0');

function address(crmBase: string, poBase: string, slot: (i: number) => string): Row[] {
  return [
    text(`${crmBase}.line1`, `${poBase}.AddressLine1`, (i) => [`${slot(i)}gate 1`, `${slot(i)}veien 2`]),
    text(`${crmBase}.line2`, `${poBase}.AddressLine2`, () => ['Postboks 7', 'c/o Lager']),
    // PowerOffice wants a zip code and a city with every address: never emptied there, and in the
    // CRM only once the record is on both sides (the other side's value then stays).
    text(`${crmBase}.postal_code`, `${poBase}.ZipCode`, () => ['5003', '0150'], { required: true, empties: { crm: EMPTY_STR, po: [] } }),
    text(`${crmBase}.city`, `${poBase}.City`, () => ['Bergen', 'Oslo'], { required: true, empties: { crm: EMPTY_STR, po: [] } }),
    text(`${crmBase}.country_code`, `${poBase}.CountryCode`, () => ['NO', 'SE'], { empties: { crm: [null], po: EMPTY_STR } }),
  ];
}

export const CUSTOMER: KindSpec = {
  kind: 'customer',
  dataflow: 'customer-customers',
  datatype: { crm: 'customer', po: 'customers' },
  idField: { crm: 'id', po: 'Id' },
  id: { crm: (n) => `cu-${n}`, po: (n) => 5000 + n },
  erpKey: 'erp_id',
  crmKey: 'ExternalImportReference',
  refs: [],
  slots: 3,
  rows: [
    { crm: 'customer_number', po: 'ExternalNumber', dir: 'toErp', values: { crm: (i) => [100 + 10 * i, 101 + 10 * i], po: (i) => [150 + 10 * i] }, empties: { crm: [null], po: [null] } },
    { crm: 'erp_customer_number', po: 'Number', dir: 'toCrm', computed: {}, values: { crm: (i) => [900 + i], po: none }, empties: { crm: [null], po: [] } },
    { crm: 'is_person', po: 'IsPerson', dir: 'both', fixed: { crm: false, po: false }, values: same(none), empties: { crm: [], po: [] } },
    text('name', 'Name', (i) => [`Kunde ${i} AS`, `Kunde ${i} Holding AS`], { required: true, empties: { crm: TEXT_ONLY, po: EMPTY_STR } }),
    text('legal_name', 'LegalName', (i) => [`Kunde ${i} Aksjeselskap`]),
    text('first_name', 'FirstName', () => ['Kari', 'Per']),
    text('last_name', 'LastName', () => ['Nordmann', 'Hansen']),
    text('date_of_birth', 'DateOfBirth', () => ['1980-01-31', '1990-12-01'], { empties: { crm: [null], po: [null] } }),
    text('organization_number', 'OrganizationNumber', (i) => [`9${i}1234567`, ` 9${i}1234567 `], { mergeKey: 'trim' }),
    text('email', 'EmailAddress', (i) => [`post${i}@kunde.no`, `Post${i}@Kunde.NO`, `salg${i}@kunde.no`], { mergeKey: 'lower' }),
    text('invoice_email', 'InvoiceEmailAddress', (i) => [`faktura${i}@kunde.no`]),
    text('phone', 'PhoneNumber', (i) => [`+47 22 00 00 0${i}`, `+47 900 00 00${i}`]),
    text('website', 'WebsiteUrl', (i) => [`https://kunde${i}.no`, `https://www.kunde${i}.no`]),
    text('currency', 'CurrencyCode', () => ['NOK', 'SEK', 'EUR'], { empties: { crm: [null], po: EMPTY_STR } }),
    { crm: 'payment_terms_days', po: 'PaymentTerm', dir: 'both', insertOnly: true, values: same(() => [14, 30]), empties: { crm: [null], po: [null] } },
    ...address('address', 'MailAddress', (i) => `Kunde${i}`),
    { crm: 'is_archived', po: 'IsArchived', dir: 'both', values: same(() => [false, true]), empties: { crm: [], po: [null] } },
  ],
};

export const CONTACT: KindSpec = {
  kind: 'contact',
  dataflow: 'contact-contactperson',
  datatype: { crm: 'contact', po: 'contactperson' },
  idField: { crm: 'id', po: 'Id' },
  id: { crm: (n) => `ct-${n}`, po: (n) => 6000 + n },
  erpKey: 'erp_id',
  crmKey: 'ExternalCode',
  refs: [{ name: 'customer', crm: 'customer_id', po: 'ContactId', target: 'customer', mode: 'insertOnlyPo', required: true }],
  slots: 3,
  rows: [
    // Strings in both write models (null refused), required on insert on both sides.
    text('first_name', 'FirstName', (i) => [`Kari${i}`, `Kari${i}-Anne`], { required: true, empties: { crm: TEXT_ONLY, po: TEXT_ONLY } }),
    text('last_name', 'LastName', (i) => [`Berg${i}`, `Dal${i}`], { required: true, empties: { crm: TEXT_ONLY, po: TEXT_ONLY } }),
    text('email', 'EmailAddress', (i) => [`kontakt${i}@kunde.no`, `Kontakt${i}@KUNDE.no`, `k${i}@firma.no`], { mergeKey: 'lower' }),
    text('phone', 'PhoneNumber', (i) => [`+47 400 00 00${i}`, `+47 401 00 00${i}`]),
    text('job_title', 'Title', () => ['CEO', 'Innkjøper']),
    { crm: 'is_primary', po: 'IsDefault', dir: 'both', values: same(() => [true, false]), empties: { crm: [], po: [null] } },
    { crm: 'is_active', po: 'IsActive', dir: 'both', values: same(() => [true, false]), empties: { crm: [], po: [null] } },
    ...address('address', 'MailAddress', (i) => `Kontakt${i}`),
  ],
};

export const PRODUCT: KindSpec = {
  kind: 'product',
  dataflow: 'product-product',
  datatype: { crm: 'product', po: 'product' },
  idField: { crm: 'id', po: 'Id' },
  id: { crm: (n) => `pr-${n}`, po: (n) => 7000 + n },
  erpKey: 'erp_id',
  refs: [],
  slots: 2,
  rows: [
    // Unique on both sides: emptied only to null where the schema allows it (two "" would collide).
    text('sku', 'Code', (i) => [`SKU-${i}`, ` SKU-${i} `, `SKU-${i}B`], { required: true, mergeKey: 'trim', empties: { crm: [], po: [null] } }),
    text('name', 'Name', (i) => [`Vare ${i}`, `Vare ${i} (ny)`], { required: true, empties: { crm: TEXT_ONLY, po: TEXT_ONLY } }),
    text('description', 'Description', () => ['Kaffe 500 g', 'Te 100 g']),
    {
      crm: 'type',
      po: 'ProductType',
      dir: 'both',
      toErp: { product: 'Product', service: 'Service' },
      toCrm: { Product: 'product', Service: 'service' },
      values: { crm: () => ['product', 'service'], po: () => ['Product', 'Service'] },
      empties: { crm: [], po: [null] },
    },
    { crm: 'unit_price', po: 'UnitPrice', dir: 'both', values: same(() => [129.5, 59, 100]), empties: { crm: [], po: [null] } },
    { crm: 'unit_cost', po: 'UnitCost', dir: 'both', values: same(() => [60.25, 30]), empties: { crm: [null], po: [null] } },
    text('unit', 'UnitOfMeasureCode', () => ['EA', 'KGM', 'HUR'], { empties: { crm: EMPTY_STR, po: [null] } }),
    text('gtin', 'Gtin', (i) => [`703801000000${i}`]),
    { crm: 'is_active', po: 'IsArchived', dir: 'both', invert: true, values: same(() => [true, false]), empties: { crm: [], po: [null] } },
    { crm: 'is_stock_item', po: 'IsStockItem', dir: 'both', values: same(() => [true, false]), empties: { crm: [], po: [null] } },
    { crm: 'stock_on_hand', po: 'StockOnHand', dir: 'toCrm', values: { crm: () => [7], po: () => [12, 0, 40] }, empties: { crm: [null], po: [null] } },
    { crm: 'stock_available', po: 'StockAvailable', dir: 'toCrm', computed: { presentWith: 'StockOnHand' }, values: { crm: () => [3], po: none }, empties: { crm: [null], po: [] } },
  ],
};

export const ORDER_STATUS_TO_ERP = { draft: 'Draft', won: 'Draft', confirmed: 'Confirmed', invoiced: 'Confirmed', cancelled: null } as const;
export const LOCKED_STATUS = 'Confirmed';

export const ORDER: KindSpec = {
  kind: 'order',
  dataflow: 'order-salesorders',
  datatype: { crm: 'order', po: 'salesorders' },
  idField: { crm: 'id', po: 'Id' },
  id: { crm: (n) => `or-${n}`, po: (n) => `9b2f0c1e-0000-4000-8000-${hex(0xa00 + n)}` },
  erpKey: 'erp_id',
  crmKey: 'ExternalImportReference',
  refs: [
    { name: 'customer', crm: 'customer_id', po: 'CustomerId', target: 'customer', mode: 'both', required: true },
    { name: 'contact', crm: 'contact_id', po: 'CustomerReferenceContactPersonId', target: 'contact', mode: 'both', required: false },
  ],
  slots: 3,
  rows: [
    // Unique in the CRM: one number per order.
    { crm: 'order_number', po: 'ImportedOrderNo', dir: 'toErp', values: { crm: (i) => [500 + 10 * i, 501 + 10 * i], po: (i) => [550 + 10 * i] }, empties: { crm: [], po: [null] } },
    { crm: 'erp_order_number', po: 'SalesOrderNo', dir: 'toCrm', computed: {}, values: { crm: (i) => [990 + i], po: none }, empties: { crm: [null], po: [] } },
    text('your_reference', 'CustomerReference', () => ['Per', 'Kari']),
    text('order_date', 'SalesOrderDate', () => ['2026-01-05', '2026-02-01'], { required: true, empties: { crm: [], po: [null] } }),
    text('delivery_date', 'DeliveryDate', () => ['2026-01-20', '2026-03-01'], { empties: { crm: [null], po: [null] } }),
    text('currency', 'CurrencyCode', () => ['NOK', 'EUR'], { empties: { crm: [], po: EMPTY_STR } }),
    text('po_number', 'PurchaseOrderReference', (i) => [`PO-${i}1`, `PO-${i}2`]),
    text('contract_number', 'ContractNo', (i) => [`K-${i}`]),
    {
      crm: 'status',
      po: 'SalesOrderStatus',
      dir: 'both',
      toErp: ORDER_STATUS_TO_ERP,
      toCrm: { Draft: 'draft', Confirmed: 'confirmed' },
      required: true,
      values: { crm: () => ['draft', 'won', 'confirmed', 'invoiced', 'cancelled'], po: () => ['Draft', 'Confirmed'] },
      empties: { crm: [], po: [] },
    },
    { crm: 'total_net', po: 'NetAmount', dir: 'toCrm', computed: {}, values: { crm: () => [1], po: none }, empties: { crm: [], po: [] } },
    { crm: 'total_gross', po: 'TotalAmount', dir: 'toCrm', computed: {}, values: { crm: () => [2], po: none }, empties: { crm: [], po: [] } },
  ],
};

export const LINE: KindSpec = {
  kind: 'line',
  dataflow: 'orderline-salesorderlines',
  datatype: { crm: 'orderline', po: 'salesorderlines' },
  idField: { crm: 'id', po: 'Id' },
  id: { crm: (n) => `ol-${n}`, po: (n) => `9b2f0c1e-0000-4000-8000-${hex(0xb00 + n)}` },
  erpKey: 'erp_line_id',
  erpKeyOnEveryLinked: true,
  crmKey: 'ExternalImportReference',
  refs: [
    { name: 'order', crm: 'order_id', po: 'SalesOrderId', target: 'order', mode: 'parent', required: true },
    { name: 'product', crm: 'product_id', po: 'ProductId', target: 'product', mode: 'both', required: false },
  ],
  slots: 8,
  rows: [
    {
      crm: 'line_type',
      po: 'LineType',
      dir: 'both',
      toErp: { normal: 'Normal', text: 'Text' },
      toCrm: { Normal: 'normal', Text: 'text', Summary: null, InvoiceFee: null, TotalHours: null },
      required: true,
      values: { crm: () => ['normal', 'text'], po: () => ['Normal', 'Text'] },
      empties: { crm: [], po: [null] },
    },
    text('description', 'Description', () => ['Kaffe', 'Te', 'Levering fredag'], { required: true, empties: { crm: TEXT_ONLY, po: EMPTY_STR } }),
    // PowerOffice wants a quantity on every line with a product: never emptied there.
    { crm: 'quantity', po: 'Quantity', dir: 'both', required: true, values: same(() => [1, 2, 10]), empties: { crm: [], po: [] } },
    { crm: 'unit_price', po: 'ProductUnitPrice', dir: 'both', required: true, values: same(() => [129.5, 59]), empties: { crm: [], po: [null] } },
    { crm: 'unit_cost', po: 'ProductUnitCost', dir: 'both', required: true, values: same(() => [60, 30]), empties: { crm: [null], po: [null] } },
    { crm: 'discount_percent', po: 'Allowance', dir: 'both', values: same(() => [0, 10]), empties: { crm: [null], po: [null] } },
    { crm: 'sort_order', po: 'SortOrder', dir: 'both', required: true, values: same(() => [0, 1, 2]), empties: { crm: [], po: [null] } },
  ],
};

export const SPECS: Record<Kind, KindSpec> = { customer: CUSTOMER, contact: CONTACT, product: PRODUCT, order: ORDER, line: LINE };

/** Given-record timestamps for records created before the first sync: instants in several offsets (A = B = D, C later, E earliest). */
export const EXPLICIT_TIMES: readonly string[] = [
  '2026-03-01T08:00:00Z',
  '2026-03-01T10:00:00+02:00',
  '2026-03-01T07:00:00-02:00',
  '2026-03-01T09:00:00+01:00',
  '2026-03-01T12:00:00+05:00',
];

/** Missing, null, "" or whitespace only (the one definition of empty). */
export const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Equal values, all empties equal; numbers by value, objects by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function getPath(record: Record<string, unknown> | undefined, path: string): unknown {
  let v: unknown = record;
  for (const seg of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = Object.hasOwn(v, seg) ? (v as Record<string, unknown>)[seg] : undefined;
  }
  return v;
}
