// The definition API for systems and their datatypes. A definition is plain data plus phantom
// types; the compiler turns it into a `system:rest` entity and the pipes, and the simulator
// builds an emulated API from it (ids, timestamps, unique keys, references, locks).

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One REST operation of a system (Sesam `system:rest` `operations.<id>`). URLs are Jinja. */
export interface RestOperation {
  readonly method: HttpMethod;
  /** Relative URL (Jinja), substituted into the system's `url_pattern`. */
  readonly url: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** List operations: paging and change tracking. */
  readonly list?: {
    readonly pageSize: number;
    /** Query parameter of the page number (pages count from 1). */
    readonly pageParam: string;
    /** Query parameter of the page size. */
    readonly pageSizeParam: string;
    /** Query parameter carrying the change timestamp (`since`). */
    readonly sinceParam: string;
    /** Jinja expressions for `_id` and `_updated` of listed records. */
    readonly idExpression: string;
    readonly updatedExpression: string;
  };
}

/** How updates are sent: JSON Patch documents (PowerOffice v2) or partial JSON (the CRM's PATCH). */
export type UpdateStyle = 'json-patch' | 'partial-json';

export interface DatatypeDefinition<Read = unknown, Write = unknown, CreateOnly extends string = string> {
  /** Datatype name in pipe ids: lower case, no delimiters (`contactperson`). */
  readonly name: string;
  /** Human label used in documents (`Contactperson`). */
  readonly label: string;
  /** Primary key property of the API record. */
  readonly primaryKey: string;
  /** Type of the primary key as the API uses it (int64 ids vs string/UUID ids). */
  readonly keyType: 'string' | 'integer';
  /** Change timestamp property (ISO 8601 with offset) → `$last-modified`; children take their parent's. */
  readonly updatedAt?: string;
  /** `$id` (with optional `#/$defs/x` pointer) of the read model's JSON Schema in the system's `schemas`. */
  readonly schema: string;
  /** `$id` of the write model's JSON Schema: what insert and update may send. */
  readonly writeSchema: string;
  /** Operations of this datatype; a child datatype split out of its parent has only some. */
  readonly operations: {
    readonly list?: RestOperation;
    readonly lookup?: RestOperation;
    readonly insert?: RestOperation;
    readonly update?: RestOperation;
  };
  /** Set when the records live inside a parent's records (order lines). */
  readonly parent?: {
    readonly datatype: string;
    /** Property of the parent holding the child records (`lines`, `SalesOrderLines`). */
    readonly property: string;
    /** Property added to each split child naming its parent's primary key (`order_id`, `SalesOrderId`). */
    readonly key: string;
  };
  /** The list returns partial records; collect reads each record whole with the lookup operation. */
  readonly lookupOnCollect?: boolean;
  /** Top-level properties that only travel in the insert URL, never in a payload (`ContactId`). */
  readonly pathOnly?: readonly string[];
  /**
   * Properties whose values the API keeps unique among the records of this datatype (a missing
   * or null value never collides). `{ property, within: 'parent' }` is unique among the children
   * of one parent record only.
   */
  readonly unique?: readonly (string | { readonly property: string; readonly within: 'parent' })[];
  /** Properties holding the primary key of a record of another datatype of the same system, which must exist. */
  readonly references?: Readonly<Record<string, string>>;
  /**
   * The API refuses changes to a record while `property` holds one of `values` (and to its
   * children), except a change of `property` itself to another value (which unlocks it).
   */
  readonly lock?: { readonly property: string; readonly values: readonly (string | number | boolean)[]; readonly reason: string };
  /** `_id` of the owning system; set by `defineSystem`. */
  readonly systemId?: string;
  /** Phantom type carriers: never set at run time. */
  readonly __read?: Read;
  readonly __write?: Write;
  readonly __createOnly?: CreateOnly;
}

/** The subset of JSON Schema the compiler reads (properties, types, readOnly, required). */
export interface SchemaLike {
  readonly $id?: string;
  readonly title?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaLike>>;
  readonly items?: SchemaLike;
  readonly required?: readonly string[];
  readonly readOnly?: boolean;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, SchemaLike>>;
  readonly definitions?: Readonly<Record<string, SchemaLike>>;
  readonly description?: string;
  readonly [key: string]: unknown;
}

export interface SystemDefinition<D extends Record<string, DatatypeDefinition<any, any, any>> = Record<string, DatatypeDefinition<any, any, any>>> {
  /** `_id` of the system and namespace prefix of its pipes. */
  readonly id: string;
  readonly name: string;
  /** Short name for table headers in the documents (`CRM property`); default: `name`. */
  readonly shortName?: string;
  readonly description: string;
  readonly urlPattern: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly oauth2?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly tokenUrl: string;
    readonly tokenHeaders?: Readonly<Record<string, string>>;
  };
  readonly verifySsl: boolean;
  readonly rateLimiting?: { readonly retries: number; readonly delaySeconds: number };
  readonly updateStyle: UpdateStyle;
  /** Env values per profile; every `$ENV(x)` of the system must be here. */
  readonly env: { readonly test: Readonly<Record<string, string>>; readonly prod: Readonly<Record<string, string>> };
  /** Names of the `$SECRET(x)`s the system uses (values are never in the repo). */
  readonly secrets: readonly string[];
  /** Every JSON Schema of the system's datatypes (resolved by `$id`, `$ref`s between them allowed). */
  readonly schemas: readonly SchemaLike[];
  readonly datatypes: D;
  /** Where the definition lives, for error messages (set by the loader). */
  readonly file?: string;
  /** The name it is exported under from its file (set by the loader). */
  readonly exportName?: string;
}

export function defineSystem<const D extends Record<string, DatatypeDefinition<any, any, any>>>(
  definition: SystemDefinition<D>,
): SystemDefinition<D> {
  // Each datatype remembers its system, so dataflows can name it by reference alone.
  const datatypes = Object.fromEntries(
    Object.entries(definition.datatypes).map(([key, dt]) => [key, { ...dt, systemId: definition.id }]),
  ) as unknown as D;
  return { ...definition, datatypes };
}

/**
 * Declares a datatype with its read and write record types, and the write model's create-only
 * property paths (`x-createOnly` in the schema; the generated `CreateOnlyPath` type). Curried so
 * the types are given explicitly and the rest is inferred:
 * `defineDatatype<PoCustomer, PoCustomerWrite, PoCustomerCreateOnly>()({...})`.
 */
export const defineDatatype =
  <Read, Write = Read, CreateOnly extends string = never>() =>
  (definition: Omit<DatatypeDefinition<Read, Write, CreateOnly>, '__read' | '__write' | '__createOnly'>): DatatypeDefinition<Read, Write, CreateOnly> =>
    definition;
