// Dataflow 2 — CRM Customer ↔ PowerOffice Customers (a person customer maps to IsPerson; customer_number → ExternalNumber).
import { defineDataflow } from 'sesamflow';
import { customcrm } from '../systems/customcrm';
import { poweroffice } from '../systems/poweroffice';

export default defineDataflow({
  id: 'customer-customers',
  title: 'CustomCRM Customer to PowerOfficeGO Customers',
  concept: 'organisation',
  crm: customcrm.datatypes.customer,
  erp: poweroffice.datatypes.customers,
  mergeCriteria: (k) => [
    k.on('organization_number', 'OrganizationNumber', 'trim'),
    k.on('email', 'EmailAddress', 'lower', { fallback: true }),
  ],
  mappings: (m) => [
    m.crmKeyIn('ExternalImportReference', { note: 'the CRM id, so the link survives a lost share dataset' }),
    m.erpKeyIn('erp_id', { note: 'the PowerOffice id, so a record the sync created links back even when the answer to its insert was lost' }),
    m.toErp('customer_number', 'ExternalNumber', { note: 'PowerOffice "External Code"; avoids its number series rule on Number' }),
    m.toCrm('erp_customer_number', 'Number', { note: 'the PowerOffice customer number, read-only for CRM users' }),
    m.both('is_person', 'IsPerson'),
    m.both('name', 'Name'),
    m.both('legal_name', 'LegalName'),
    m.both('first_name', 'FirstName', { note: 'persons' }),
    m.both('last_name', 'LastName', { note: 'persons' }),
    m.both('date_of_birth', 'DateOfBirth', { note: 'persons' }),
    m.both('organization_number', 'OrganizationNumber', { note: 'merge criterion (trimmed)' }),
    m.both('email', 'EmailAddress', { note: 'merge criterion (lower-cased) when there is no organisation number' }),
    m.both('invoice_email', 'InvoiceEmailAddress'),
    m.both('phone', 'PhoneNumber'),
    m.both('website', 'WebsiteUrl'),
    m.both('currency', 'CurrencyCode'),
    m.both('payment_terms_days', 'PaymentTerm', { insertOnly: true, note: 'PowerOffice takes it only when the customer is created' }),
    m.both('address.line1', 'MailAddress.AddressLine1'),
    m.both('address.line2', 'MailAddress.AddressLine2'),
    m.both('address.postal_code', 'MailAddress.ZipCode', { note: 'required by PowerOffice when an address is sent' }),
    m.both('address.city', 'MailAddress.City', { note: 'required by PowerOffice when an address is sent' }),
    m.both('address.country_code', 'MailAddress.CountryCode'),
    m.both('is_archived', 'IsArchived', { note: 'PowerOffice refuses to archive a customer with a balance' }),
    m.erpDefault('InvoiceDeliveryType', 'Print', ['EmailAddress', 'InvoiceEmailAddress'],
      'PowerOffice refuses e-mail delivery without an address: Print when the customer has neither e-mail'),
  ],
});
