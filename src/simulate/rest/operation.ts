// Runs one operation of a `system:rest` config against an emulated system: renders the
// operation's Jinja url, params and headers, sends the request, checks the status against
// allowed_status_codes. The emulator gets the path relative to the system base: what the
// operation's url puts in place of url_pattern's `%s` (the `$ENV(...)` base, and for PowerOffice
// its `/v2`, are the real host's business).
import { SesamflowError } from '../../errors';
import type { EmulatedSystem, HttpRequest } from '../emulators/types';
import { renderTemplate } from './template';

export type JsonObject = Record<string, unknown>;

export interface RestWorld {
  system(id: string): EmulatedSystem;
  /** The `system:rest` config entity (e.g. generated/systems/poweroffice.conf.json). */
  config(id: string): JsonObject;
}

/** Jinja variables of an operation: `entity`, `properties`, `since`, `page`, and any others. */
export interface OperationVars {
  entity?: unknown;
  properties?: unknown;
  since?: unknown;
  page?: number;
  [name: string]: unknown;
}

export interface OperationResult {
  status: number;
  body?: unknown;
  /** The status is inside the allowed status codes. */
  allowed: boolean;
  /** The request as sent (for messages and logs). */
  request: HttpRequest;
}

export interface CallOptions {
  /** Overrides the operation's allowed_status_codes (default "200-299"). */
  allowedStatusCodes?: string;
  /** Extra query parameters (e.g. the since value of a REST source). */
  params?: Record<string, string>;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** Thrown when a call answers with a status outside allowed_status_codes where Sesam fails the pipe. */
export class RestCallError extends SesamflowError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message, 'problems');
    this.name = 'RestCallError';
  }
}

/** The operation config of a system, or an error naming the known ones. */
export function operationConfig(world: RestWorld, systemId: string, operationId: string): JsonObject {
  const operations = (world.config(systemId).operations ?? {}) as Record<string, JsonObject>;
  const op = operations[operationId];
  if (!op) {
    throw new SesamflowError(`system ${systemId} has no operation "${operationId}" (known: ${Object.keys(operations).sort().join(', ')})`, 'problems');
  }
  return op;
}

/** "200-299", "100-599", "200-299,404", "200 204" → a predicate on status codes. */
export function statusCodeMatcher(spec: string): (status: number) => boolean {
  const ranges: [number, number][] = [];
  for (const part of spec.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) throw new SesamflowError(`invalid status code list ${JSON.stringify(spec)}`, 'problems');
    ranges.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return (status) => ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

const renderAll = (templates: unknown, vars: object): Record<string, string> =>
  Object.fromEntries(Object.entries((templates ?? {}) as Record<string, unknown>).map(([k, v]) => [k, renderTemplate(String(v), vars)]));

export function callOperation(
  world: RestWorld,
  systemId: string,
  operationId: string,
  vars: OperationVars,
  body?: unknown,
  options: CallOptions = {},
): OperationResult {
  const system = world.config(systemId);
  const op = operationConfig(world, systemId, operationId);
  const context = { properties: {}, ...vars };
  const url = renderTemplate(String(op.url ?? ''), context).replace(/^\/+/, '');
  const [path, queryString] = url.split('?', 2) as [string, string | undefined];
  const query: Record<string, string> = {};
  if (queryString) for (const [k, v] of new URLSearchParams(queryString)) query[k] = v;
  Object.assign(query, renderAll(op.params, context), options.params ?? {});
  const headers = { ...renderAll(system.headers, context), ...renderAll(op.headers, context), ...(options.headers ?? {}) };
  const request: HttpRequest = { method: String(op.method ?? 'GET').toUpperCase(), path, query, headers, ...(body === undefined ? {} : { body }) };
  const response = world.system(systemId).handle(request);
  const allowed = statusCodeMatcher(options.allowedStatusCodes ?? String(op.allowed_status_codes ?? '200-299'))(response.status);
  return { status: response.status, ...(response.body === undefined ? {} : { body: response.body }), allowed, request };
}
