// Request validation for the emulators, from the same JSON Schemas the generator uses
// (systems/*/schemas): what the schema forbids, the emulated API refuses.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import crmAddress from '../../../systems/customcrm/schemas/address.schema.json';
import crmContact from '../../../systems/customcrm/schemas/contact.schema.json';
import crmCustomer from '../../../systems/customcrm/schemas/customer.schema.json';
import crmOrder from '../../../systems/customcrm/schemas/order.schema.json';
import crmOrderline from '../../../systems/customcrm/schemas/orderline.schema.json';
import crmProduct from '../../../systems/customcrm/schemas/product.schema.json';
import poAddress from '../../../systems/poweroffice/schemas/address.schema.json';
import poContactaddress from '../../../systems/poweroffice/schemas/contactaddress.schema.json';
import poContactperson from '../../../systems/poweroffice/schemas/contactperson.schema.json';
import poCustomers from '../../../systems/poweroffice/schemas/customers.schema.json';
import poEnums from '../../../systems/poweroffice/schemas/enums.schema.json';
import poProduct from '../../../systems/poweroffice/schemas/product.schema.json';
import poSalesorderlines from '../../../systems/poweroffice/schemas/salesorderlines.schema.json';
import poSalesorders from '../../../systems/poweroffice/schemas/salesorders.schema.json';

type Schema = Record<string, unknown>;

const ALL_SCHEMAS: Schema[] = [
  crmAddress,
  crmContact,
  crmCustomer,
  crmOrder,
  crmOrderline,
  crmProduct,
  poAddress,
  poContactaddress,
  poContactperson,
  poCustomers,
  poEnums,
  poProduct,
  poSalesorderlines,
  poSalesorders,
] as Schema[];

const byId = new Map(ALL_SCHEMAS.map((s) => [s.$id as string, s]));

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function getAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    ajv.addKeyword({ keyword: 'x-postOnly', schemaType: 'boolean' });
    for (const s of ALL_SCHEMAS) ajv.addSchema(s);
  }
  return ajv;
}

/** The schema document with `$id` (e.g. "poweroffice/customers"). */
export function schemaDocument(id: string): Schema {
  const s = byId.get(id);
  if (!s) throw new Error(`no schema ${id}`);
  return s;
}

/** The node at `id` or `id#/$defs/name`. */
export function schemaNode(ref: string): Schema {
  const [id, pointer] = ref.split('#');
  let node: unknown = schemaDocument(id!);
  for (const key of (pointer ?? '').split('/').filter(Boolean)) node = (node as Schema)[key];
  if (!node || typeof node !== 'object') throw new Error(`no schema node ${ref}`);
  return node as Schema;
}

/** The `properties` of a schema node. */
const propertiesByRef = new Map<string, Record<string, Schema>>();
export function schemaProperties(ref: string): Record<string, Schema> {
  let props = propertiesByRef.get(ref);
  if (!props) propertiesByRef.set(ref, (props = (schemaNode(ref).properties ?? {}) as Record<string, Schema>));
  return props;
}

/** Validator for a schema node as is (POST: required properties enforced). */
export function validatorFor(ref: string): ValidateFunction {
  let v = compiled.get(ref);
  if (!v) {
    const a = getAjv();
    v = a.getSchema(ref);
    if (!v) throw new Error(`cannot compile schema ${ref}`);
    compiled.set(ref, v);
  }
  return v;
}

function withoutRequired(node: unknown, deep: boolean, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutRequired(n, deep, false));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'required' && (deep || top)) continue;
    // Property maps hold names, not keywords: recurse into their values only.
    out[k] = deep ? withoutRequired(v, deep, false) : v;
  }
  return out;
}

/**
 * Validator for partial updates: the node with its `required` dropped — at the top only
 * (`deep` false: a replaced nested object must still be complete, as PowerOffice wants) or
 * everywhere (`deep` true: the CRM's PATCH, where `if/then/else` also require fields).
 */
export function partialValidatorFor(ref: string, deep: boolean): ValidateFunction {
  const key = `${ref}~partial${deep ? '-deep' : ''}`;
  let v = compiled.get(key);
  if (!v) {
    const [id] = ref.split('#');
    const doc = schemaDocument(id!);
    const variant = withoutRequired(schemaNode(ref), deep) as Schema;
    // Same folder as the original so relative $refs ("address", "#/$defs/accrualWrite") resolve.
    const schema: Schema = { ...variant, $id: key.replace('#', '~').replace(/\/\$defs\//g, '-'), $defs: doc.$defs ?? {} };
    delete schema.$schema;
    v = getAjv().compile(schema);
    compiled.set(key, v);
  }
  return v;
}

export interface FieldError {
  /** JSON pointer of the offending field, e.g. "/MailAddress/City". */
  field: string;
  message: string;
}

/** Ajv errors as field errors: unknown fields, missing required ones, type and format errors. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let field = e.instancePath;
    let message: string;
    if (e.keyword === 'additionalProperties') {
      field = `${e.instancePath}/${String((e.params as { additionalProperty: string }).additionalProperty)}`;
      message = 'unknown field';
    } else if (e.keyword === 'required') {
      field = `${e.instancePath}/${String((e.params as { missingProperty: string }).missingProperty)}`;
      message = 'required field is missing';
    } else if (e.keyword === 'if' || e.keyword === 'anyOf') {
      continue; // the branch errors say what is wrong
    } else if (e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null') {
      continue; // the "or null" branch of a nullable object: the other branch's errors matter
    } else {
      message = e.message ?? e.keyword;
    }
    const key = `${field}|${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field: field || '/', message });
    }
  }
  if (out.length === 0 && errors && errors.length > 0) out.push({ field: errors[0]!.instancePath || '/', message: errors[0]!.message ?? 'invalid' });
  return out;
}
