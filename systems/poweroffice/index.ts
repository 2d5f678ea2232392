// PowerOffice Go, API v2 only: PascalCase JSON, int64 ids (UUID strings for
// sales orders and their lines), paging with PageNumber/PageSize, changes since
// `lastChangedDateTimeOffsetGreaterThan`, JSON Patch updates, 10 requests/s per subscription key.

import { defineDatatype, defineSystem, type RestOperation } from 'sesamflow';
import type { PoContactPerson, PoContactPersonWrite } from './types/contactperson';
import type { PoContactPersonCreateOnly } from './types/contactperson.readonly';
import type { PoCustomer, PoCustomerWrite } from './types/customers';
import type { PoCustomerCreateOnly } from './types/customers.readonly';
import type { PoProduct, PoProductWrite } from './types/product';
import type { PoProductCreateOnly } from './types/product.readonly';
import type { PoSalesOrderLine, PoSalesOrderLineWrite } from './types/salesorderlines';
import type { PoSalesOrderLineCreateOnly } from './types/salesorderlines.readonly';
import type { PoSalesOrder, PoSalesOrderWrite } from './types/salesorders';
import type { PoSalesOrderCreateOnly } from './types/salesorders.readonly';
import addressSchema from './schemas/address.schema.json';
import contactaddressSchema from './schemas/contactaddress.schema.json';
import contactpersonSchema from './schemas/contactperson.schema.json';
import customersSchema from './schemas/customers.schema.json';
import enumsSchema from './schemas/enums.schema.json';
import productSchema from './schemas/product.schema.json';
import salesorderlinesSchema from './schemas/salesorderlines.schema.json';
import salesordersSchema from './schemas/salesorders.schema.json';

const PAGE_SIZE = 1000;
const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' } as const;

const list = (path: string): RestOperation => ({
  method: 'GET',
  url: path,
  list: {
    pageSize: PAGE_SIZE,
    pageParam: 'PageNumber',
    pageSizeParam: 'PageSize',
    sinceParam: 'lastChangedDateTimeOffsetGreaterThan',
    idExpression: '{{ Id }}',
    updatedExpression: '{{ LastChangedDateTimeOffset }}',
  },
});

/** Plain resources: GET list, GET one, POST, PATCH with a JSON Patch document. */
const resource = (path: string) => ({
  list: list(path),
  lookup: { method: 'GET', url: `${path}/{{ entity.Id }}` },
  insert: { method: 'POST', url: path },
  update: { method: 'PATCH', url: `${path}/{{ entity.Id }}`, headers: JSON_PATCH },
} satisfies Record<string, RestOperation>);

const common = { primaryKey: 'Id', keyType: 'integer', updatedAt: 'LastChangedDateTimeOffset' } as const;

export const poweroffice = defineSystem({
  id: 'poweroffice',
  name: 'PowerOffice Go',
  shortName: 'PowerOffice',
  description: 'PowerOffice Go API v2: customers, contact persons, sales orders with lines and products.',
  urlPattern: '$ENV(poweroffice-base-url)/v2/%s',
  headers: { 'Ocp-Apim-Subscription-Key': '$SECRET(poweroffice-subscription-key)' },
  oauth2: {
    clientId: '$SECRET(poweroffice-application-key)',
    clientSecret: '$SECRET(poweroffice-client-key)',
    tokenUrl: '$ENV(poweroffice-base-url)/OAuth/Token',
    // The token endpoint also wants the subscription key.
    tokenHeaders: { 'Ocp-Apim-Subscription-Key': '$SECRET(poweroffice-subscription-key)' },
  },
  verifySsl: true,
  // 10 requests/s per subscription key; over it PowerOffice answers 429 — wait and retry.
  rateLimiting: { retries: 10, delaySeconds: 1 },
  updateStyle: 'json-patch',
  env: {
    test: { 'poweroffice-base-url': 'https://goapi.poweroffice.net/Demo' },
    prod: { 'poweroffice-base-url': 'https://goapi.poweroffice.net' },
  },
  secrets: ['poweroffice-application-key', 'poweroffice-client-key', 'poweroffice-subscription-key'],
  schemas: [
    addressSchema,
    contactaddressSchema,
    contactpersonSchema,
    customersSchema,
    enumsSchema,
    productSchema,
    salesorderlinesSchema,
    salesordersSchema,
  ],
  datatypes: {
    contactperson: defineDatatype<PoContactPerson, PoContactPersonWrite, PoContactPersonCreateOnly>()({
      name: 'contactperson',
      label: 'Contactperson',
      ...common,
      schema: 'poweroffice/contactperson',
      writeSchema: 'poweroffice/contactperson#/$defs/write',
      // A contact person belongs to one customer, named only in the POST path.
      pathOnly: ['ContactId'],
      unique: ['ExternalCode'],
      references: { ContactId: 'customers' },
      operations: {
        list: list('ContactPersons'),
        lookup: { method: 'GET', url: "ContactPersons/{{ entity['$source'].ContactId }}/{{ entity.Id }}" },
        insert: { method: 'POST', url: "ContactPersons/{{ entity['$source'].ContactId }}" },
        update: { method: 'PATCH', url: "ContactPersons/{{ entity['$source'].ContactId }}/{{ entity.Id }}", headers: JSON_PATCH },
      },
    }),
    customers: defineDatatype<PoCustomer, PoCustomerWrite, PoCustomerCreateOnly>()({
      name: 'customers',
      label: 'Customers',
      ...common,
      schema: 'poweroffice/customers',
      writeSchema: 'poweroffice/customers#/$defs/write',
      operations: resource('Customers'),
      unique: ['ExternalImportReference', 'ExternalNumber', 'Number'],
    }),
    salesorders: defineDatatype<PoSalesOrder, PoSalesOrderWrite, PoSalesOrderCreateOnly>()({
      name: 'salesorders',
      label: 'Salesorders',
      ...common,
      keyType: 'string',
      schema: 'poweroffice/salesorders',
      writeSchema: 'poweroffice/salesorders#/$defs/write',
      // The list has headers only; the lookup of /Complete brings the lines.
      lookupOnCollect: true,
      unique: ['ExternalImportReference'],
      references: { CustomerId: 'customers', CustomerReferenceContactPersonId: 'contactperson' },
      // PowerOffice refuses changes to a Confirmed order and its lines.
      lock: { property: 'SalesOrderStatus', values: ['Confirmed'], reason: 'a Confirmed sales order cannot be changed; set SalesOrderStatus back to Draft first' },
      operations: {
        list: list('SalesOrders'),
        lookup: { method: 'GET', url: 'SalesOrders/{{ entity.Id }}/Complete' },
        // A new order goes in with its lines in one call.
        insert: { method: 'POST', url: 'SalesOrders/Complete' },
        update: { method: 'PATCH', url: 'SalesOrders/{{ entity.Id }}', headers: JSON_PATCH },
      },
    }),
    salesorderlines: defineDatatype<PoSalesOrderLine, PoSalesOrderLineWrite, PoSalesOrderLineCreateOnly>()({
      name: 'salesorderlines',
      label: 'Salesorderlines',
      primaryKey: 'Id',
      keyType: 'string',
      schema: 'poweroffice/salesorderlines',
      writeSchema: 'poweroffice/salesorderlines#/$defs/write',
      parent: { datatype: 'salesorders', property: 'SalesOrderLines', key: 'SalesOrderId' },
      pathOnly: ['SalesOrderId'],
      unique: [{ property: 'ExternalImportReference', within: 'parent' }],
      references: { ProductId: 'product' },
      operations: {
        lookup: { method: 'GET', url: "SalesOrders/{{ entity['$source'].SalesOrderId }}/Lines/{{ entity.Id }}" },
        insert: { method: 'POST', url: "SalesOrders/{{ entity['$source'].SalesOrderId }}/Lines" },
        update: { method: 'PATCH', url: "SalesOrders/{{ entity['$source'].SalesOrderId }}/Lines/{{ entity.Id }}", headers: JSON_PATCH },
      },
    }),
    product: defineDatatype<PoProduct, PoProductWrite, PoProductCreateOnly>()({
      name: 'product',
      label: 'Product',
      ...common,
      schema: 'poweroffice/product',
      writeSchema: 'poweroffice/product#/$defs/write',
      operations: resource('Products'),
      unique: ['Code'],
    }),
  },
});
