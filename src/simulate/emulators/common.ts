// Helpers of the emulated systems: copying, scenario subset matching, JSON Patch, query parameters.
import { objectOf } from '../../dtl/shapes';
import type { JsonRecord } from './types';

let callSeq = 0;
/** Orders calls across emulated systems and injected faults (for traces). */
export const nextCallSeq = (): number => ++callSeq;

/**
 * Sets an own property, whatever its name: `__proto__` is an ordinary field name in records
 * (a plain assignment would change the object's prototype instead).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * Deep copy of JSON data (faster than structuredClone for the small records the emulators hold).
 * Objects are built in one go, so records of 50 fields keep a fast shape (see dtl/shapes.ts).
 */
export function clone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const keys = Object.keys(value);
  const values: unknown[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = clone((value as Record<string, unknown>)[keys[i]!]);
  return objectOf(keys, values) as T;
}

export const isRecord = (v: unknown): v is JsonRecord => v !== null && typeof v === 'object' && !Array.isArray(v);

export { subsetMatches as matchesSubset } from '../match';

/** One RFC 6902 operation as accepted by the PowerOffice emulator. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Decodes an RFC 6901 pointer ("/MailAddress/City") into its segments. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new PatchError(`path ${JSON.stringify(pointer)} must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export class PatchError extends Error {}

/** Checks the shape of a JSON Patch document; returns the operations or throws PatchError. */
export function parseJsonPatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw new PatchError('the body must be a JSON Patch document (an array of operations)');
  return body.map((raw, i) => {
    if (!isRecord(raw)) throw new PatchError(`operation ${i} must be an object`);
    const { op, path } = raw;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new PatchError(`operation ${i}: op ${JSON.stringify(op)} is not supported (add, replace, remove)`);
    }
    if (typeof path !== 'string' || !path.startsWith('/') || path === '/') throw new PatchError(`operation ${i}: path must name a property, e.g. "/Name"`);
    if (op !== 'remove' && !('value' in raw)) throw new PatchError(`operation ${i}: ${op} needs a value`);
    const extra = Object.keys(raw).filter((k) => !['op', 'path', 'value', 'from'].includes(k));
    if (extra.length > 0) throw new PatchError(`operation ${i}: unknown member ${extra.join(', ')}`);
    return op === 'remove' ? { op, path } : { op, path, value: raw.value };
  });
}

/**
 * Applies operations to a copy of `doc`. A DTO property that is not set reads as null, so
 * `replace` of an unset top-level property is allowed; replacing an object replaces it whole.
 * Nested paths walk into existing objects.
 */
export function applyJsonPatch(doc: JsonRecord, ops: readonly PatchOperation[]): JsonRecord {
  const out = clone(doc);
  for (const op of ops) {
    const segments = pointerSegments(op.path);
    let parent: JsonRecord = out;
    for (const seg of segments.slice(0, -1)) {
      const next = Object.hasOwn(parent, seg) ? parent[seg] : undefined;
      if (!isRecord(next)) throw new PatchError(`path ${op.path}: ${seg} is not an object`);
      parent = next;
    }
    const last = segments[segments.length - 1]!;
    if (op.op === 'remove') {
      if (segments.length > 1 && !Object.hasOwn(parent, last)) throw new PatchError(`path ${op.path} does not exist`);
      delete parent[last];
    } else {
      if (op.op === 'replace' && segments.length > 1 && !Object.hasOwn(parent, last)) throw new PatchError(`path ${op.path} does not exist`);
      setOwn(parent, last, clone(op.value));
    }
  }
  return out;
}

/** A positive integer query parameter, its default when absent, or an error message. */
export function intParam(query: Record<string, string>, name: string, fallback: number, max?: number): number | string {
  const raw = lookupParam(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return `query parameter ${name} must be a positive integer, got ${JSON.stringify(raw)}`;
  const n = Number(raw);
  return max !== undefined && n > max ? `query parameter ${name} must be at most ${max}` : n;
}

/** Query parameters bind case-insensitively (as ASP.NET does). */
export function lookupParam(query: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(query, name)) return query[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(query)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
export const isWriteMethod = (method: string) => WRITE_METHODS.has(method.toUpperCase());

