// Loads the system schemas into one Ajv (draft 2020-12) and resolves refs for the tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type Schema = { [key: string]: unknown };
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const systemSchemas = (system: string): { file: string; schema: Schema }[] => {
  const dir = path.join(repoRoot, 'systems', system, 'schemas');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => ({ file: `systems/${system}/schemas/${f}`, schema: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Schema }));
};

export const allSchemas = [...systemSchemas('customcrm'), ...systemSchemas('poweroffice')];
const byId = new Map(allSchemas.map(({ schema }) => [schema.$id as string, schema]));

export const schemaById = (id: string): Schema => {
  const schema = byId.get(id);
  if (!schema) throw new Error(`no schema ${id}`);
  return schema;
};

const BASE = 'https://schemas.sesamflow.invalid/';
/** Follows one $ref (relative to the schema whose $id is `fromId`). */
export const resolveRef = (ref: string, fromId: string): { id: string; node: Schema } => {
  const url = new URL(ref, new URL(fromId, BASE));
  const pointer = url.hash.replace(/^#/, '');
  url.hash = '';
  const id = url.href.slice(BASE.length);
  let node: unknown = schemaById(id);
  for (const key of pointer.split('/').slice(1)) node = (node as Schema)[key];
  return { id, node: node as Schema };
};

export const makeAjv = () => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-createOnly', schemaType: 'boolean' });
  for (const { schema } of allSchemas) ajv.addSchema(schema);
  return ajv;
};
