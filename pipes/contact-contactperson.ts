// Dataflow 1 — CRM Contact ↔ PowerOffice ContactPerson.
import { defineDataflow } from 'sesamflow';
import { customcrm } from '../systems/customcrm';
import { poweroffice } from '../systems/poweroffice';

export default defineDataflow({
  id: 'contact-contactperson',
  title: 'CustomCRM Contact to PowerOfficeGO Contactperson',
  concept: 'person',
  crm: customcrm.datatypes.contact,
  erp: poweroffice.datatypes.contactperson,
  mergeCriteria: (k) => [k.on('email', 'EmailAddress', 'lower')],
  mappings: (m) => [
    m.crmKeyIn('ExternalCode', { note: 'the CRM id, so the link survives a lost share dataset' }),
    m.erpKeyIn('erp_id', { note: 'the PowerOffice id, so a record the sync created links back even when the answer to its insert was lost' }),
    m.reference('customer_id', 'ContactId', 'organisation', {
      requiredBy: ['erp'],
      erpInsertOnly: true,
      note: 'the owning customer; PowerOffice takes it only in the insert URL',
    }),
    m.both('first_name', 'FirstName'),
    m.both('last_name', 'LastName'),
    m.both('email', 'EmailAddress', { note: 'merge criterion (lower-cased)' }),
    m.both('phone', 'PhoneNumber'),
    m.both('job_title', 'Title'),
    m.both('is_primary', 'IsDefault'),
    m.both('is_active', 'IsActive'),
    m.both('address.line1', 'MailAddress.AddressLine1'),
    m.both('address.line2', 'MailAddress.AddressLine2'),
    m.both('address.postal_code', 'MailAddress.ZipCode', { note: 'required by PowerOffice when an address is sent' }),
    m.both('address.city', 'MailAddress.City', { note: 'required by PowerOffice when an address is sent' }),
    m.both('address.country_code', 'MailAddress.CountryCode'),
  ],
  limitations: [
    'A contact that moves to another customer is not moved in PowerOffice: a contact person\'s owner cannot be changed by PATCH. Move it by hand in PowerOffice.',
  ],
});
