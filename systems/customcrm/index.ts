// The custom CRM: plain JSON over HTTPS, snake_case, string ids, incremental reads
// with `updated_since`, partial updates with PATCH. Order lines have no endpoints of their own:
// they are read and written inside their order.

import { defineDatatype, defineSystem, type RestOperation } from 'sesamflow';
import type { CrmContact } from './types/contact';
import type { CrmCustomer } from './types/customer';
import type { CrmOrder } from './types/order';
import type { CrmOrderLine } from './types/orderline';
import type { CrmProduct } from './types/product';
import addressSchema from './schemas/address.schema.json';
import contactSchema from './schemas/contact.schema.json';
import customerSchema from './schemas/customer.schema.json';
import orderSchema from './schemas/order.schema.json';
import orderlineSchema from './schemas/orderline.schema.json';
import productSchema from './schemas/product.schema.json';

/** What the sync may write: everything but the server-assigned id and timestamps. */
type CrmWrite<T> = Omit<T, 'id' | 'created_at' | 'updated_at'>;

const PAGE_SIZE = 100;

/** The four operations every CRM resource has. */
const resource = (path: string): { list: RestOperation; lookup: RestOperation; insert: RestOperation; update: RestOperation } => ({
  list: {
    method: 'GET',
    url: path,
    list: {
      pageSize: PAGE_SIZE,
      pageParam: 'page',
      pageSizeParam: 'page_size',
      sinceParam: 'updated_since',
      idExpression: '{{ id }}',
      updatedExpression: '{{ updated_at }}',
    },
  },
  lookup: { method: 'GET', url: `${path}/{{ entity.id }}` },
  insert: { method: 'POST', url: path },
  update: { method: 'PATCH', url: `${path}/{{ entity.id }}` },
});

const common = { primaryKey: 'id', keyType: 'string', updatedAt: 'updated_at' } as const;

export const customcrm = defineSystem({
  id: 'customcrm',
  name: 'Custom CRM',
  shortName: 'CRM',
  description: 'The custom CRM: customers, contacts, orders with lines and products (REST, JSON, snake_case).',
  urlPattern: '$ENV(customcrm-base-url)/%s',
  headers: { Authorization: 'Bearer $SECRET(customcrm-api-token)' },
  verifySsl: true,
  rateLimiting: { retries: 5, delaySeconds: 2 },
  updateStyle: 'partial-json',
  env: {
    test: { 'customcrm-base-url': 'https://crm-test.example.com/api/v1' },
    prod: { 'customcrm-base-url': 'https://crm.example.com/api/v1' },
  },
  secrets: ['customcrm-api-token'],
  schemas: [addressSchema, contactSchema, customerSchema, orderSchema, orderlineSchema, productSchema],
  datatypes: {
    contact: defineDatatype<CrmContact, CrmWrite<CrmContact>>()({
      name: 'contact',
      label: 'Contact',
      ...common,
      schema: 'customcrm/contact',
      writeSchema: 'customcrm/contact',
      operations: resource('contacts'),
      unique: ['erp_id'],
      references: { customer_id: 'customer' },
    }),
    customer: defineDatatype<CrmCustomer, CrmWrite<CrmCustomer>>()({
      name: 'customer',
      label: 'Customer',
      ...common,
      schema: 'customcrm/customer',
      writeSchema: 'customcrm/customer',
      operations: resource('customers'),
      unique: ['erp_id'],
    }),
    order: defineDatatype<CrmOrder, CrmWrite<CrmOrder>>()({
      name: 'order',
      label: 'Order',
      ...common,
      schema: 'customcrm/order',
      writeSchema: 'customcrm/order',
      operations: resource('orders'),
      unique: ['order_number', 'erp_id'],
      references: { customer_id: 'customer', contact_id: 'contact' },
    }),
    orderline: defineDatatype<CrmOrderLine, Omit<CrmOrderLine, 'id'>>()({
      name: 'orderline',
      label: 'Orderline',
      primaryKey: 'id',
      keyType: 'string',
      // No timestamp of its own: a line changes with its order and takes the order's.
      schema: 'customcrm/orderline',
      writeSchema: 'customcrm/orderline',
      operations: {},
      parent: { datatype: 'order', property: 'lines', key: 'order_id' },
      references: { product_id: 'product' },
    }),
    product: defineDatatype<CrmProduct, CrmWrite<CrmProduct>>()({
      name: 'product',
      label: 'Product',
      ...common,
      schema: 'customcrm/product',
      writeSchema: 'customcrm/product',
      operations: resource('products'),
      unique: ['sku', 'erp_id'],
    }),
  },
});
