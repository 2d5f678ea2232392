// Reading the datatype JSON Schemas at run time: the compiler checks every mapped path against
// them (exists, type, read-only) and takes the list of a record's properties from them.

import type { SchemaLike } from './system';

export interface ResolvedProperty {
  readonly schema: SchemaLike;
  /** JSON types allowed (`null` excluded). */
  readonly types: readonly string[];
  readonly readOnly: boolean;
  readonly enum?: readonly unknown[];
}

/** Resolves `$id` / `$id#/$defs/name` references within one system's schemas. */
export class SchemaSet {
  private readonly byId = new Map<string, SchemaLike>();

  constructor(schemas: readonly SchemaLike[]) {
    for (const s of schemas) if (typeof s.$id === 'string') this.byId.set(s.$id, s);
  }

  /** Whether a schema with this `$id` is in the set. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(ref: string, base?: string): SchemaLike {
    const [idPart, pointer] = ref.split('#') as [string, string | undefined];
    const id = idPart === '' ? base ?? '' : this.absolute(idPart, base);
    const root = this.byId.get(id);
    if (!root) throw new Error(`unknown schema '${id}'`);
    if (!pointer) return root;
    let node: unknown = root;
    for (const seg of pointer.split('/').filter(Boolean)) node = (node as Record<string, unknown>)[seg];
    if (!node || typeof node !== 'object') throw new Error(`unknown schema pointer '${ref}'`);
    return node as SchemaLike;
  }

  /** Follows `$ref`, `anyOf`/`oneOf` with a null branch, and `allOf` of one schema. */
  deref(schema: SchemaLike, base: string): { schema: SchemaLike; base: string } {
    let current = schema;
    let currentBase = base;
    for (let i = 0; i < 10; i++) {
      if (typeof current.$ref === 'string') {
        const [idPart] = current.$ref.split('#') as [string];
        const nextBase = idPart === '' ? currentBase : this.absolute(idPart, currentBase);
        current = { ...this.get(current.$ref, currentBase), ...(current.readOnly ? { readOnly: true } : {}) };
        currentBase = nextBase;
        continue;
      }
      const union = (current.anyOf ?? current.oneOf) as SchemaLike[] | undefined;
      if (Array.isArray(union)) {
        const nonNull = union.filter((s) => !(s.type === 'null'));
        if (nonNull.length === 1) {
          current = { ...nonNull[0]!, ...(current.readOnly ? { readOnly: true } : {}) };
          continue;
        }
      }
      break;
    }
    return { schema: current, base: currentBase };
  }

  /** The property at a dotted path of the record schema `ref`, or undefined when it does not exist. */
  property(ref: string, path: string): ResolvedProperty | undefined {
    const base = ref.split('#')[0]!;
    let { schema, base: b } = this.deref(this.get(ref), base);
    let readOnly = false;
    for (const segment of path.split('.')) {
      const next = schema.properties && Object.hasOwn(schema.properties, segment) ? schema.properties[segment] : undefined;
      if (!next) return undefined;
      ({ schema, base: b } = this.deref(next, b));
      readOnly ||= Boolean(next.readOnly || schema.readOnly);
    }
    const t = schema.type;
    const types = (Array.isArray(t) ? t : t === undefined ? [] : [t]).filter((x) => x !== 'null');
    return { schema, types, readOnly, ...(schema.enum ? { enum: schema.enum } : {}) };
  }

  /** Every property path of a record schema (`name`, `address`, `address.city`, …), for suggestions. */
  paths(ref: string): string[] {
    const out: string[] = [];
    const walk = (schema: SchemaLike, base: string, prefix: string, depth: number) => {
      for (const [name, child] of Object.entries(schema.properties ?? {})) {
        const path = prefix ? `${prefix}.${name}` : name;
        out.push(path);
        const resolved = this.deref(child, base);
        if (depth < 4 && resolved.schema.properties) walk(resolved.schema, resolved.base, path, depth + 1);
      }
    };
    const root = this.deref(this.get(ref), ref.split('#')[0]!);
    walk(root.schema, root.base, '', 0);
    return out;
  }

  /** Whether the property at a dotted path of a write model may only be sent on create (`x-createOnly`). */
  createOnly(ref: string, path: string): boolean {
    const base = ref.split('#')[0]!;
    let { schema, base: b } = this.deref(this.get(ref), base);
    for (const segment of path.split('.')) {
      const next = schema.properties && Object.hasOwn(schema.properties, segment) ? schema.properties[segment] : undefined;
      if (!next) return false;
      if (next['x-createOnly'] === true) return true;
      ({ schema, base: b } = this.deref(next, b));
      if (schema['x-createOnly'] === true) return true;
    }
    return false;
  }

  /** Top-level property names of a record schema, in schema order. */
  propertyNames(ref: string): string[] {
    const { schema } = this.deref(this.get(ref), ref.split('#')[0]!);
    return Object.keys(schema.properties ?? {});
  }

  /** Sub-property names of an object-valued property (`MailAddress` → `AddressLine1`, …). */
  subPropertyNames(ref: string, path: string): string[] {
    const p = this.property(ref, path);
    return p ? Object.keys(p.schema.properties ?? {}) : [];
  }

  private absolute(id: string, base?: string): string {
    if (this.byId.has(id) || !base) return id;
    const dir = base.includes('/') ? base.slice(0, base.lastIndexOf('/') + 1) : '';
    return `${dir}${id}`;
  }
}
