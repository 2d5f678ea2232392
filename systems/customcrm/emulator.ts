// What the emulated custom CRM does beyond its definition and schemas: readable prefixed ids
// (`cu-1001`, `ol-1001`, …) and the `created_at` stamp. Everything else (read-only and unknown
// fields, required fields, unique keys, references, lines inside their order, partial updates,
// paging with `updated_since`) follows from the definition.
import { defineEmulator } from 'sesamflow';
import { customcrm } from './index';

const created = { createdAt: ['created_at'] };

export default defineEmulator(customcrm, {
  datatypes: {
    contact: { ids: { prefix: 'ct-', first: 1001 }, ...created },
    customer: { ids: { prefix: 'cu-', first: 1001 }, ...created },
    order: { ids: { prefix: 'or-', first: 1001 }, ...created },
    orderline: { ids: { prefix: 'ol-', first: 1001 } },
    product: { ids: { prefix: 'pr-', first: 1001 }, ...created },
  },
});
