// Request validation for an emulated system, from the JSON Schemas of its definition: what the
// schema forbids, the emulated API refuses. Validators are made on first use; ajv's compile costs
// more than a whole scenario run, so its standalone code is cached on disk under a key of every
// schema, the ajv version and the options (an edited schema is a new key, never a stale copy).
import ajvPackage from 'ajv/package.json';
import Ajv2020, { _, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import uri from 'ajv/dist/runtime/uri';
import ValidationError from 'ajv/dist/runtime/validation_error';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import { cacheKey, cachedCode } from '../../code-cache';
import type { FieldError } from '../../model/emulator';
import type { SchemaLike } from '../../model/system';

type Schema = Record<string, unknown>;

/** `x-…` annotation keywords used anywhere in the schemas (ajv's strict mode wants them declared). */
function annotationKeywords(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) annotationKeywords(n, out);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-')) out.add(k);
      annotationKeywords(v, out);
    }
  }
  return out;
}

function withoutRequired(node: unknown, deep: boolean, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutRequired(n, deep, false));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'required' && (deep || top)) continue;
    out[k] = deep ? withoutRequired(v, deep, false) : v;
  }
  return out;
}

const AJV_OPTIONS = { strict: true, allowUnionTypes: true, allErrors: true } as const;

/**
 * The function a CommonJS module exports as `default`: a default import of one is the function
 * or, in Node's interop (the bundle), the `exports` object holding it.
 */
function exported(module: unknown): unknown {
  const inner = (m: unknown) => (typeof m === 'object' && m !== null && 'default' in m ? (m as { default: unknown }).default : undefined);
  // fast-uri's exports hold themselves as `default`: one step, or two when that is the function.
  const once = inner(module) ?? module;
  return typeof once === 'function' ? once : (inner(once) ?? once);
}

/** What standalone validators `require` (ajv's runtime helpers and the formats), from the bundle. */
const RUNTIME: Record<string, unknown> = {
  'ajv-formats/dist/formats': { fullFormats },
  'ajv/dist/runtime/equal': { default: exported(equal) },
  'ajv/dist/runtime/ucs2length': { default: exported(ucs2length) },
  'ajv/dist/runtime/uri': { default: exported(uri) },
  'ajv/dist/runtime/validation_error': { default: exported(ValidationError) },
};

/** A validator from ajv's standalone code (a CommonJS module exporting the function). */
function loadValidator(source: string): ValidateFunction {
  const module = { exports: {} as { default?: unknown } };
  const require = (name: string): unknown => {
    if (name in RUNTIME) return RUNTIME[name];
    throw new Error(`standalone validator requires ${name}`);
  };
  new Function('require', 'module', 'exports', source)(require, module, module.exports);
  const validate = module.exports.default;
  if (typeof validate !== 'function') throw new Error('standalone validator exports no function');
  return validate as ValidateFunction;
}

/** Validators kept on disk: every variant of every datatype of a few schema versions. */
const KEEP = 512;

export class SchemaValidators {
  private ajv: Ajv2020 | undefined;
  private readonly byId = new Map<string, Schema>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly properties = new Map<string, Record<string, Schema>>();
  /** The cache key of everything a validator is made from but its ref. */
  private readonly fingerprint: string;

  constructor(private readonly schemas: readonly SchemaLike[]) {
    for (const s of schemas) if (typeof s.$id === 'string') this.byId.set(s.$id, s as Schema);
    this.fingerprint = cacheKey([ajvPackage.version, AJV_OPTIONS, schemas]);
  }

  /** The validator `key`: from the cache, or compiled by `compile` now and cached. */
  private cached(key: string, compile: (ajv: Ajv2020) => ValidateFunction): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = cachedCode('validators', cacheKey([this.fingerprint, key]), () => standaloneCode(this.getAjv(), compile(this.getAjv())), loadValidator, KEEP);
      this.compiled.set(key, v);
    }
    return v;
  }

  private getAjv(): Ajv2020 {
    if (!this.ajv) {
      const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
      addFormats(ajv);
      for (const keyword of annotationKeywords(this.schemas, new Set())) ajv.addKeyword({ keyword });
      for (const s of this.schemas) ajv.addSchema(s as Schema);
      this.ajv = ajv;
    }
    return this.ajv;
  }

  /** The node at `id` or `id#/$defs/name`, following a top-level `$ref`. */
  node(ref: string): Schema {
    const [id, pointer] = ref.split('#');
    let node: unknown = this.byId.get(id!);
    if (!node) throw new Error(`no schema ${id}`);
    for (const key of (pointer ?? '').split('/').filter(Boolean)) node = (node as Schema)[key];
    if (!node || typeof node !== 'object') throw new Error(`no schema node ${ref}`);
    const target = (node as Schema).$ref;
    if (typeof target === 'string' && target.startsWith('#')) return this.node(`${id}${target}`);
    return node as Schema;
  }

  /** The top-level `properties` of a record schema. */
  propertiesOf(ref: string): Record<string, Schema> {
    let props = this.properties.get(ref);
    if (!props) this.properties.set(ref, (props = (this.node(ref).properties ?? {}) as Record<string, Schema>));
    return props;
  }

  /** Validator for a schema node as is (an insert: required properties enforced). */
  full(ref: string): ValidateFunction {
    return this.cached(ref, (ajv) => {
      const v = ajv.getSchema(ref);
      if (!v) throw new Error(`cannot compile schema ${ref}`);
      return v;
    });
  }

  /**
   * Validator for partial updates: the node with its `required` dropped — at the top only
   * (`deep` false: a replaced nested object must still be complete, as with JSON Patch) or
   * everywhere (`deep` true: partial JSON, where `if/then/else` may also require fields).
   */
  partial(ref: string, deep: boolean): ValidateFunction {
    const key = `${ref}~partial${deep ? '-deep' : ''}`;
    return this.cached(key, (ajv) => {
      const [id] = ref.split('#');
      const doc = this.byId.get(id!)!;
      const variant = withoutRequired(this.node(ref), deep) as Schema;
      // Same folder as the original so relative $refs resolve.
      const schema: Schema = { ...variant, $id: key.replace('#', '~').replace(/\/\$defs\//g, '-'), $defs: doc.$defs ?? {} };
      delete schema.$schema;
      return ajv.compile(schema);
    });
  }
}

/** Ajv errors as field errors: unknown fields, missing required ones, type and format errors. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): FieldError[] {
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
      out.push({ field: `${prefix}${field}` || '/', message });
    }
  }
  if (out.length === 0 && errors && errors.length > 0) out.push({ field: `${prefix}${errors[0]!.instancePath}` || '/', message: errors[0]!.message ?? 'invalid' });
  return out;
}
