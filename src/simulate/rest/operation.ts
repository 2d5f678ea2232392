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

/** Thrown by an emulated system (a fault) when a call gets no answer: the request may or may not have been applied. */
export class NoAnswer extends Error {
  constructor(readonly applied: boolean) {
    super(applied ? 'the call was applied but its response was lost (timeout)' : 'the call timed out');
    this.name = 'NoAnswer';
  }
}

/**
 * A call that failed the way a node's pump fails on it: the entity is not done and is retried on
 * the pipe's next run. Transient failures (timeouts, 5xx, 429 after the retries) may succeed
 * later; a refusal (another 4xx) will not.
 */
export class CallFailure extends SesamflowError {
  constructor(
    readonly system: string,
    readonly method: string,
    readonly path: string,
    readonly status: number | 'timeout',
    readonly body: unknown,
  ) {
    super(`${method} ${path} on ${system} ${status === 'timeout' ? 'timed out' : `answered ${status}`}${body === undefined ? '' : `: ${JSON.stringify(body).slice(0, 300)}`}`, 'problems');
    this.name = 'CallFailure';
  }

  get transient(): boolean {
    return this.status === 'timeout' || this.status === 429 || this.status >= 500;
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

// Parsed status code lists, by their text (the same few lists are checked on every call).
const matchers = new Map<string, (status: number) => boolean>();
function cachedMatcher(spec: string): (status: number) => boolean {
  let m = matchers.get(spec);
  if (!m) matchers.set(spec, (m = statusCodeMatcher(spec)));
  return m;
}

const hasTemplate = (s: string) => s.includes('{{') || s.includes('{%') || s.includes('{#');
type Pairs = [string, string][];
const pairsOf = (templates: unknown): Pairs => Object.entries((templates ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]);

/** What a call needs from an operation's config, read once per operation (config objects are not changed while a simulation runs). */
interface PreparedOperation {
  url: string;
  method: string;
  params: Pairs;
  /** System then operation headers; `staticHeaders` when none is a template. */
  headers: Pairs;
  staticHeaders: Record<string, string> | undefined;
  allowed: string;
  /** How often a 429 answer is retried (the system's `rate_limiting_retries`). */
  rateLimitRetries: number;
}
const prepared = new WeakMap<JsonObject, WeakMap<JsonObject, PreparedOperation>>();

function prepare(system: JsonObject, op: JsonObject): PreparedOperation {
  let bySystem = prepared.get(op);
  if (!bySystem) prepared.set(op, (bySystem = new WeakMap()));
  let p = bySystem.get(system);
  if (!p) {
    const headers = [...pairsOf(system.headers), ...pairsOf(op.headers)];
    p = {
      url: String(op.url ?? ''),
      method: String(op.method ?? 'GET').toUpperCase(),
      params: pairsOf(op.params),
      headers,
      staticHeaders: headers.some(([, v]) => hasTemplate(v)) ? undefined : Object.fromEntries(headers),
      allowed: String(op.allowed_status_codes ?? '200-299'),
      rateLimitRetries: typeof system.rate_limiting_retries === 'number' ? system.rate_limiting_retries : 0,
    };
    bySystem.set(system, p);
  }
  return p;
}

export function callOperation(
  world: RestWorld,
  systemId: string,
  operationId: string,
  vars: OperationVars,
  body?: unknown,
  options: CallOptions = {},
): OperationResult {
  const system = world.config(systemId);
  const op = prepare(system, operationConfig(world, systemId, operationId));
  const context = vars.properties === undefined ? { properties: {}, ...vars } : vars;
  let url = renderTemplate(op.url, context);
  if (url.charCodeAt(0) === 47 /* / */) url = url.replace(/^\/+/, '');
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query: Record<string, string> = {};
  if (q >= 0) {
    const queryString = url.slice(q + 1).split('?', 1)[0]!;
    if (queryString) for (const [k, v] of new URLSearchParams(queryString)) query[k] = v;
  }
  for (const [k, v] of op.params) query[k] = renderTemplate(v, context);
  if (options.params) Object.assign(query, options.params);
  const headers: Record<string, string> = op.staticHeaders ? { ...op.staticHeaders } : {};
  if (!op.staticHeaders) for (const [k, v] of op.headers) headers[k] = renderTemplate(v, context);
  if (options.headers) Object.assign(headers, options.headers);
  const request: HttpRequest = body === undefined ? { method: op.method, path, query, headers } : { method: op.method, path, query, headers, body };
  const target = world.system(systemId);
  let response;
  // 429: the node waits (Retry-After) and tries again, up to the system's rate_limiting_retries.
  for (let attempt = 0; ; attempt++) {
    try {
      response = target.handle(request);
    } catch (error) {
      if (error instanceof NoAnswer) throw new CallFailure(systemId, op.method, path, 'timeout', undefined);
      throw error;
    }
    if (response.status !== 429 || attempt >= op.rateLimitRetries) break;
  }
  if (response.status === 429 || response.status >= 500) throw new CallFailure(systemId, op.method, path, response.status, response.body);
  const allowed = cachedMatcher(options.allowedStatusCodes ?? op.allowed)(response.status);
  return response.body === undefined ? { status: response.status, allowed, request } : { status: response.status, body: response.body, allowed, request };
}
