// Step 1 of validation: every config entity against our JSON Schema of Sesam
// config. Ajv reports every failed branch of a oneOf/anyOf; the mapping below turns that noise
// into one readable Problem per real mistake, with a `$.a.b[0]` path.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ConfigFile, JsonValue } from '../sesam/project';
import schemaDocument from '../sesam/schemas/sesam-config.schema.json';
// Compiled ahead of time by `npm run types` (ajv standalone, options in src/sesam/config-ajv.ts).
import { validate as precompiled } from '../sesam/types/sesam-config.validate';
import { jsonPath, type Problem } from './problem';
import { didYouMean } from '../suggest';

type SchemaObject = { [key: string]: unknown };

const compiled: { validate: ValidateFunction; schema: SchemaObject } = {
  validate: precompiled as unknown as ValidateFunction,
  schema: schemaDocument as unknown as SchemaObject,
};

/** The schema document. */
export function configSchema(): SchemaObject {
  return compiled.schema;
}

function compiledSchema(): { validate: ValidateFunction; schema: SchemaObject } {
  return compiled;
}

const definitions = (): Record<string, SchemaObject> => (configSchema().definitions ?? {}) as Record<string, SchemaObject>;

/** The `type` values a discriminated oneOf accepts, in schema order. */
function discriminatorValues(parent: SchemaObject): string[] {
  const values: string[] = [];
  for (const branch of (parent.oneOf ?? []) as SchemaObject[]) {
    const ref = typeof branch.$ref === 'string' ? branch.$ref.replace('#/definitions/', '') : undefined;
    const resolved = ref !== undefined ? definitions()[ref] : branch;
    const typeSchema = (resolved?.properties as Record<string, SchemaObject> | undefined)?.type;
    if (typeSchema?.const !== undefined) values.push(String(typeSchema.const));
    for (const v of (typeSchema?.enum ?? []) as unknown[]) values.push(String(v));
  }
  return values;
}

const KIND_BY_TITLE: Record<string, string> = {
  Source: 'source',
  Transform: 'transform',
  Sink: 'sink',
  TypedSink: 'sink',
  SesamConfigEntity: 'config entity',
};

/** JSON pointer → path segments; array indexes become numbers (checked against the value). */
function pointerSegments(pointer: string, root: JsonValue): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let value: JsonValue | undefined = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(key)) {
      segments.push(Number(key));
      value = value[Number(key)];
    } else {
      segments.push(key);
      value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] : undefined;
    }
  }
  return segments;
}

const ENV_PATTERN = '^\\$(ENV|SECRET)\\([^()$]+\\)$';
const ENV_TEXT = 'a whole-value "$ENV(name)" reference';
const PATTERN_TEXT: Record<string, string> = {
  [ENV_PATTERN]: ENV_TEXT,
  '^\\S+\\s+\\S+$': 'a "<dataset-id> <alias>" pair',
  '^(?!system:)[^/]+$': 'a dataset id without "/" that does not start with "system:"',
};

/** What one failed leaf keyword expected, as words ("boolean", "one of ..."). */
function expectation(error: ErrorObject): string {
  if (error.schemaPath.startsWith('#/definitions/EnvReference/')) return ENV_TEXT;
  switch (error.keyword) {
    case 'type':
      return String((error.params as { type: string | string[] }).type).replace(/,/g, ' or ');
    case 'pattern': {
      const pattern = String((error.params as { pattern: string }).pattern);
      return PATTERN_TEXT[pattern] ?? `a string matching ${pattern}`;
    }
    case 'enum':
      return `one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return JSON.stringify((error.params as { allowedValue: unknown }).allowedValue);
    default:
      return error.message ?? error.keyword;
  }
}

const describe = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
const LEAF_KEYWORDS = new Set(['type', 'pattern', 'enum', 'const']);

interface Finding {
  pointer: string;
  message: string;
}

/** A whole-value "$ENV(name)" / "$SECRET(name)": the node substitutes it before it checks the value. */
const WHOLE_REFERENCE = /^\$(ENV|SECRET)\([^()$]+\)$/;
/** A transit-encoded decimal ("~f0.1"), which Sesam reads as a number. */
const TRANSIT_DECIMAL = /^~f[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

const expectsNumber = (error: ErrorObject): boolean =>
  error.keyword === 'type' && /number|integer/.test(String((error.params as { type: unknown }).type));

/**
 * Drops the errors about scalars Sesam accepts in any typed position: a whole-value $ENV/$SECRET
 * reference anywhere (enum, integer, boolean...), a transit decimal where a number is expected.
 * All errors at that exact place concern the one value, so they go together (anyOf/oneOf included).
 */
function acceptedScalars(errors: ErrorObject[]): ErrorObject[] {
  const accepted = new Set<string>();
  for (const error of errors) {
    if (typeof error.data !== 'string' || error.keyword === 'discriminator') continue;
    if (WHOLE_REFERENCE.test(error.data) || (TRANSIT_DECIMAL.test(error.data) && expectsNumber(error))) accepted.add(error.instancePath);
  }
  // "if" only says which of then/else failed; their own errors follow.
  return errors.filter((error) => error.keyword !== 'if' && !(accepted.has(error.instancePath) && error.keyword !== 'discriminator'));
}

/** One readable finding per ajv error (or per group of anyOf/oneOf branch errors). */
function toFindings(allErrors: ErrorObject[]): Finding[] {
  const errors = acceptedScalars(allErrors);
  // Working list; merged anyOf groups replace their members in place.
  const items: ({ error: ErrorObject; finding?: undefined } | { error?: undefined; finding: Finding })[] = errors.map((error) => ({ error }));
  const consumed = new Set<number>();

  for (let i = 0; i < items.length; i++) {
    const error = items[i]?.error;
    if (!error || (error.keyword !== 'anyOf' && error.keyword !== 'oneOf')) continue;
    const at = error.instancePath;
    // Branch errors come before the anyOf/oneOf error itself and lie at or under its instance.
    const members: number[] = [];
    for (let j = i - 1; j >= 0; j--) {
      if (consumed.has(j)) continue;
      const item = items[j]!;
      const pointer = item.error ? item.error.instancePath : item.finding.pointer;
      if (pointer === at || pointer.startsWith(`${at}/`)) members.push(j);
      else break;
    }
    members.reverse(); // back into schema order
    const shallow = members.filter((j) => items[j]!.error && items[j]!.error!.instancePath === at && LEAF_KEYWORDS.has(items[j]!.error!.keyword));
    const deep = members.filter((j) => !shallow.includes(j));
    consumed.add(i);
    if (deep.length > 0) {
      // A branch matched the shape (e.g. the object form of `transform`): its errors are the real ones.
      for (const j of shallow) consumed.add(j);
      continue;
    }
    for (const j of shallow) consumed.add(j);
    // Plain alternatives first, the $ENV escape hatch last: "must be integer or a whole-value $ENV(name) reference".
    const expected = [...new Set(shallow.map((j) => expectation(items[j]!.error!)))].sort((a, b) => Number(a === ENV_TEXT) - Number(b === ENV_TEXT));
    items[i] = { finding: { pointer: at, message: `must be ${expected.join(' or ')}; got ${describe(error.data)}` } };
    consumed.delete(i);
  }

  const findings: Finding[] = [];
  items.forEach((item, index) => {
    if (consumed.has(index)) return;
    if (item.finding) findings.push(item.finding);
    else findings.push(errorFinding(item.error));
  });
  return findings;
}

function errorFinding(error: ErrorObject): Finding {
  const at = error.instancePath;
  const parent = (error.parentSchema ?? {}) as SchemaObject;
  const title = typeof parent.title === 'string' ? parent.title : undefined;
  switch (error.keyword) {
    case 'discriminator': {
      const params = error.params as { error: string; tag: string; tagValue?: unknown };
      const kind = (title && KIND_BY_TITLE[title]) ?? 'component';
      if (params.error === 'mapping') {
        const allowed = discriminatorValues(parent);
        const value = String(params.tagValue);
        return {
          pointer: `${at}/type`,
          message: `unknown ${kind} type ${JSON.stringify(params.tagValue)}${didYouMean(value, allowed)}; expected one of ${allowed.join(', ')}`,
        };
      }
      const data = error.data;
      if (data !== null && typeof data === 'object' && !Array.isArray(data))
        return { pointer: at, message: `${kind} has no string "type"; expected one of ${discriminatorValues(parent).join(', ')}` };
      return { pointer: at, message: `must be a ${kind} object with a "type"; got ${describe(data)}` };
    }
    case 'additionalProperties': {
      const property = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((parent.properties ?? {}) as object);
      const where = title ? ` in ${title}` : '';
      return {
        pointer: `${at}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        message: known.length > 0 ? `unknown property "${property}"${where}${didYouMean(property, known)}` : `unknown property "${property}"${where}`,
      };
    }
    case 'required':
      return { pointer: at, message: `missing required property "${(error.params as { missingProperty: string }).missingProperty}"` };
    case 'not': {
      const dependency = /\/dependencies\/([^/]+)\/not$/.exec(error.schemaPath);
      const other = ((error.schema as SchemaObject | undefined)?.required as string[] | undefined)?.[0];
      if (dependency && other) return { pointer: at, message: `"${dependency[1]}" and "${other}" are mutually exclusive; set only one` };
      return { pointer: at, message: error.message ?? 'is not allowed' };
    }
    case 'type':
    case 'pattern':
    case 'enum':
    case 'const':
      return { pointer: at, message: `must be ${expectation(error)}; got ${describe(error.data)}` };
    default:
      return { pointer: at, message: error.message ?? error.keyword };
  }
}

/** Validates one config file's entity against the schema. */
export function schemaProblems(file: ConfigFile): Problem[] {
  const { validate } = compiledSchema();
  // Called through a plain signature: ajv's type guard would narrow the entity to `never` below.
  if ((validate as (data: unknown) => boolean)(file.entity)) return [];
  const id = typeof file.entity._id === 'string' ? file.entity._id : undefined;
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const finding of toFindings(validate.errors ?? [])) {
    const path = jsonPath(pointerSegments(finding.pointer, file.entity));
    const key = `${path}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ severity: 'error', rule: 'schema', file: file.source ?? file.path, ...(id !== undefined ? { id } : {}), path, message: finding.message });
  }
  return problems;
}
