// Type tests, checked by `npm run typecheck` (tsc) in CI: every `@ts-expect-error` below must
// be an error, so a definition with a misspelled property, a type mismatch or a write to a
// read-only field cannot compile.
import { defineDataflow } from '../../src/model';
import { customcrm } from '../../systems/customcrm';
import { poweroffice } from '../../systems/poweroffice';

defineDataflow({
  id: 'type-tests',
  title: 'type tests',
  concept: 'person',
  crm: customcrm.datatypes.contact,
  erp: poweroffice.datatypes.contactperson,
  mergeCriteria: [
    { crm: 'email', erp: 'EmailAddress', normalise: 'lower' },
    // @ts-expect-error misspelled CRM property in a merge criterion
    { crm: 'emial', erp: 'EmailAddress', normalise: 'lower' },
  ],
  mappings: (m) => [
    m.both('first_name', 'FirstName'),
    // @ts-expect-error misspelled CRM property
    m.both('frist_name', 'FirstName'),
    // @ts-expect-error misspelled PowerOffice property
    m.both('first_name', 'FristName'),
    // @ts-expect-error misspelled nested property
    m.both('address.city', 'MailAddress.Town'),
    // @ts-expect-error type mismatch: string ↔ boolean
    m.both('first_name', 'IsDefault'),
    // @ts-expect-error type mismatch one way: boolean → string
    m.toErp('is_active', 'Title'),
    // @ts-expect-error write to a read-only PowerOffice field (Id)
    m.toErp('first_name', 'Id'),
    // @ts-expect-error write to a read-only PowerOffice field (LastChangedDateTimeOffset)
    m.both('first_name', 'LastChangedDateTimeOffset'),
    // @ts-expect-error ContactId is not writable (owner only in the POST path), so not ↔
    m.both('customer_id', 'ContactId'),
    // @ts-expect-error write to a read-only CRM field (updated_at)
    m.toCrm('updated_at', 'LastChangedDateTimeOffset'),
    // @ts-expect-error a nested object is not a value
    m.both('address', 'MailAddress'),
    m.toCrm('first_name', 'FirstName'),
  ],
});

defineDataflow({
  id: 'type-tests-values',
  title: 'value tables',
  concept: 'product',
  crm: customcrm.datatypes.product,
  erp: poweroffice.datatypes.product,
  mappings: (m) => [
    // @ts-expect-error enum ↔ enum with different values needs value tables
    m.both('type', 'ProductType'),
    m.both('type', 'ProductType', {
      // @ts-expect-error a value table must cover every CRM value ('service' missing)
      toErp: { product: 'Product' },
      toCrm: { Product: 'product', Service: 'service' },
    }),
    m.both('type', 'ProductType', {
      // @ts-expect-error a value table result must be a PowerOffice value
      toErp: { product: 'Product', service: 'Servise' },
      toCrm: { Product: 'product', Service: 'service' },
    }),
    m.both('is_active', 'IsArchived', { invert: true }),
  ],
});

defineDataflow({
  id: 'type-tests-create-only',
  title: 'create-only targets',
  concept: 'organisation',
  crm: customcrm.datatypes.customer,
  erp: poweroffice.datatypes.customers,
  mappings: (m) => [
    // @ts-expect-error a create-only PowerOffice field (PaymentTerm) needs { insertOnly: true }
    m.both('payment_terms_days', 'PaymentTerm'),
    // @ts-expect-error a create-only field one way, too
    m.toErp('payment_terms_days', 'PaymentTerm'),
    m.both('payment_terms_days', 'PaymentTerm', { insertOnly: true }),
    m.toErp('payment_terms_days', 'PaymentTerm', { insertOnly: true }),
    // @ts-expect-error a read-only field stays read-only with insertOnly (IsActive is computed)
    m.toErp('is_archived', 'IsActive', { insertOnly: true }),
  ],
});
