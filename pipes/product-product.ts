// Dataflow 4 — CRM Product ↔ PowerOffice Product (PowerOffice owns stock: it flows to the CRM only).
import { defineDataflow } from 'sesamflow';
import { customcrm } from '../systems/customcrm';
import { poweroffice } from '../systems/poweroffice';

export default defineDataflow({
  id: 'product-product',
  title: 'CustomCRM Product to PowerOfficeGO Product',
  concept: 'product',
  crm: customcrm.datatypes.product,
  erp: poweroffice.datatypes.product,
  mergeCriteria: (k) => [k.on('sku', 'Code', 'trim')],
  mappings: (m) => [
    m.erpKeyIn('erp_id', { note: 'the PowerOffice id, so a record the sync created links back even when the answer to its insert was lost' }),
    m.both('sku', 'Code', { note: 'merge criterion (trimmed)' }),
    m.both('name', 'Name'),
    m.both('description', 'Description'),
    m.both('type', 'ProductType', {
      toErp: { product: 'Product', service: 'Service' },
      toCrm: { Product: 'product', Service: 'service' },
    }),
    m.both('unit_price', 'UnitPrice', { note: 'excl. VAT' }),
    m.both('unit_cost', 'UnitCost'),
    m.both('unit', 'UnitOfMeasureCode', { assumeCompatible: 'the CRM stores UN/ECE unit codes, the same codes PowerOffice uses' }),
    m.both('gtin', 'Gtin'),
    m.both('is_active', 'IsArchived', { invert: true }),
    m.both('is_stock_item', 'IsStockItem'),
    m.toCrm('stock_on_hand', 'StockOnHand', { note: 'PowerOffice owns stock' }),
    m.toCrm('stock_available', 'StockAvailable', { note: 'on hand minus confirmed orders; PowerOffice owns stock' }),
  ],
});
