// Dataflow 3 — CRM Order (with lines) ↔ PowerOffice SalesOrders + SalesOrderLines.
import { defineDataflow } from 'sesamflow';
import { customcrm } from '../systems/customcrm';
import { poweroffice } from '../systems/poweroffice';

const lines = defineDataflow({
  id: 'orderline-salesorderlines',
  title: 'CustomCRM Orderline to PowerOfficeGO Salesorderlines',
  concept: 'orderline',
  crm: customcrm.datatypes.orderline,
  erp: poweroffice.datatypes.salesorderlines,
  mappings: (m) => [
    m.crmKeyIn('ExternalImportReference', { note: 'the CRM line id; unique within the order' }),
    m.erpKeyIn('erp_line_id', { note: 'the PowerOffice line id, so lines written into CRM orders link back' }),
    m.reference('order_id', 'SalesOrderId', 'order', {
      requiredBy: ['erp', 'crm'],
      erpInsertOnly: true,
      note: 'the parent order; PowerOffice takes it only in the URL',
    }),
    m.reference('product_id', 'ProductId', 'product'),
    m.both('line_type', 'LineType', {
      toErp: { normal: 'Normal', text: 'Text' },
      toCrm: { Normal: 'normal', Text: 'text', Summary: null, InvoiceFee: null, TotalHours: null },
    }),
    m.both('description', 'Description'),
    m.both('quantity', 'Quantity'),
    m.both('unit_price', 'ProductUnitPrice', { note: 'excl. VAT' }),
    m.both('unit_cost', 'ProductUnitCost'),
    m.both('discount_percent', 'Allowance'),
    m.both('sort_order', 'SortOrder'),
  ],
});

export default defineDataflow({
  id: 'order-salesorders',
  title: 'CustomCRM Order to PowerOfficeGO Salesorders',
  concept: 'order',
  crm: customcrm.datatypes.order,
  erp: poweroffice.datatypes.salesorders,
  mappings: (m) => [
    m.crmKeyIn('ExternalImportReference', { note: 'the CRM id; PowerOffice allows one order per value' }),
    m.erpKeyIn('erp_id', { note: 'the PowerOffice id, so a record the sync created links back even when the answer to its insert was lost' }),
    m.toErp('order_number', 'ImportedOrderNo', { note: 'visible in the PowerOffice GUI' }),
    m.toCrm('erp_order_number', 'SalesOrderNo'),
    m.reference('customer_id', 'CustomerId', 'organisation', { requiredBy: ['erp', 'crm'] }),
    m.reference('contact_id', 'CustomerReferenceContactPersonId', 'person', {
      note: 'must be a contact person of the order\'s customer',
    }),
    m.both('your_reference', 'CustomerReference'),
    m.both('order_date', 'SalesOrderDate'),
    m.both('delivery_date', 'DeliveryDate'),
    m.both('currency', 'CurrencyCode'),
    m.both('po_number', 'PurchaseOrderReference'),
    m.both('contract_number', 'ContractNo'),
    m.both('status', 'SalesOrderStatus', {
      toErp: { draft: 'Draft', won: 'Draft', confirmed: 'Confirmed', invoiced: 'Confirmed', cancelled: null },
      toCrm: { Draft: 'draft', Confirmed: 'confirmed' },
    }),
    m.toCrm('total_net', 'NetAmount', { note: 'computed by PowerOffice' }),
    m.toCrm('total_gross', 'TotalAmount', { note: 'computed by PowerOffice' }),
  ],
  conditions: (c) => [
    c.notIn('crm', 'status', ['cancelled'], 'a cancelled CRM order is not sent to PowerOffice'),
  ],
  children: [lines],
  limitations: [
    'Deleted order lines are not removed from the other system (deletes are never propagated).',
    'Once PowerOffice has invoiced an order its lines can no longer be changed there.',
  ],
});
