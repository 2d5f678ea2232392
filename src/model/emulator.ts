// The emulation API: what is special about a system's API beyond what its definition and JSON
// Schemas already say. The simulator builds one generic emulated REST API per system from the
// definition (routes from the operations, ids per key type, change timestamps, read-only /
// create-only / required / unknown fields from the schemas, unique keys, references, locks,
// parent/child records, paging, `since`, JSON Patch or partial JSON updates); a system's
// `emulator.ts` adds the rest as small declarations and hooks (computed values, number series,
// extra checks, the API's error body).

import type { DatatypeDefinition, SystemDefinition } from './system';

export type EmulatedRecord = Record<string, unknown>;

/** One refused field: a JSON pointer (`/MailAddress/City`) and why. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Read access to the emulated system's records, for hooks. Records must not be changed. */
export interface EmulatorContext {
  /** The change time stamped on the record being written (ISO 8601 with offset). */
  readonly now: string;
  /** The record of `datatype` with this primary key, if any. */
  get(datatype: string, id: unknown): EmulatedRecord | undefined;
  /** Records of `datatype` whose top-level `property` equals `value`. */
  find(datatype: string, property: string, value: unknown): EmulatedRecord[];
  /** The child records of `childDatatype` that belong to the parent record with this primary key. */
  children(childDatatype: string, parentId: unknown): EmulatedRecord[];
}

/** A write the emulated API is about to accept. */
export interface WriteEvent {
  readonly op: 'insert' | 'update';
  /** The record as it will be stored; a hook may complete it (e.g. resolve a code to an id). */
  readonly record: EmulatedRecord;
  /** The record before an update. */
  readonly previous?: EmulatedRecord;
  /** JSON pointer prefix of this record in the request body (`/SalesOrderLines/0` for a line sent with its order). */
  readonly at: string;
}

/** Why `compute` runs: an API write, or a record put into the store by a scenario step. */
export type ComputeReason = 'insert' | 'update' | 'given' | 'edit';

export interface DatatypeEmulation {
  /** How new primary keys look: a counter (integer keys; `prefix` for string keys) or UUIDs. Default: a counter from 1. */
  readonly ids?: { readonly first?: number; readonly prefix?: string } | 'uuid';
  /** Properties stamped with the creation time. */
  readonly createdAt?: readonly string[];
  /** Properties numbered from a series on insert when not given (`{ Number: 10000 }`). */
  readonly series?: Readonly<Record<string, number>>;
  /** Status of a successful insert (default 201). */
  readonly insertStatus?: number;
  /** Extra rules: field errors refuse the write with 400. Runs after the schema checks. */
  check?(event: WriteEvent, ctx: EmulatorContext): readonly FieldError[];
  /** Values the system computes, after every write; for given records only where missing. */
  compute?(record: EmulatedRecord, ctx: EmulatorContext, reason: ComputeReason, previous?: EmulatedRecord): void;
}

export interface EmulatorDefinition {
  /** `_id` of the emulated system. */
  readonly system: string;
  /** The API's error body (default: RFC 7807 `{type, title, status, detail, errors}`). */
  problem?(status: number, title: string, detail: string, errors?: readonly FieldError[]): unknown;
  /** Status of an empty list page: 200 with `[]` (default) or 204 without a body. */
  readonly emptyListStatus?: 200 | 204;
  /** Page size when the call gives none, and the largest accepted (default 100 and 1000). */
  readonly paging?: { readonly defaultSize: number; readonly maxSize: number };
  /** Literal URL segments match whatever their case (ASP.NET routing). */
  readonly caseInsensitivePaths?: boolean;
  readonly datatypes?: Readonly<Record<string, DatatypeEmulation>>;
}

type DatatypeNames<S> = S extends SystemDefinition<infer D> ? keyof D & string : string;

/** Declares what is special about a system's emulated API. Default-export it from `systems/<name>/emulator.ts`. */
export function defineEmulator<S extends SystemDefinition<Record<string, DatatypeDefinition<any, any>>>>(
  system: S,
  spec: Omit<EmulatorDefinition, 'system' | 'datatypes'> & { readonly datatypes?: { readonly [K in DatatypeNames<S>]?: DatatypeEmulation } },
): EmulatorDefinition {
  return { ...spec, system: system.id } as EmulatorDefinition;
}
