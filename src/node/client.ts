// A small client of the Sesam node REST API (reference/sesam-platform.md §4). Library code: it
// never prints; an injectable logger sees method, URL, status and duration — never headers,
// bodies, the JWT or secret values. Uses Node 20's built-in fetch.
import type { JsonObject, JsonValue } from '../sesam/project';
import { NodeApiError, NodeAuthError, NodeNetworkError, NodeTimeoutError } from './errors';

export interface NodeRequestLog {
  method: string;
  url: string;
  /** HTTP status, absent when the request failed before a response. */
  status?: number;
  ms: number;
  attempt: number;
  /** `retry` when another attempt follows. */
  outcome: 'ok' | 'retry' | 'error';
  /** Short reason for failures (`ECONNREFUSED`, `timeout`, `HTTP 503`). */
  reason?: string;
}

export interface NodeClientOptions {
  /** Node URL as configured: `datahub-x.sesam.cloud`, `https://host`, `http://localhost:9042/api`... */
  node: string;
  /** The JWT, with or without surrounding quotes or a leading `Bearer `. */
  jwt: string;
  /** Per-request timeout, body included. Default 60 s. */
  timeoutMs?: number;
  /** Attempts per request, the first included. Default 4. */
  maxAttempts?: number;
  /** First backoff delay; doubles per attempt. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay (and of an honoured Retry-After). Default 30 s. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  random?: () => number;
  logger?: (entry: NodeRequestLog) => void;
  fetch?: typeof globalThis.fetch;
}

/** One item of `validation_errors` in a PUT /config response (swagger `PipeConfigError` inside). */
export interface NodeConfigError {
  level: string;
  msg: string;
  elements?: string;
}
export interface NodeValidationError {
  'posted-config'?: JsonObject;
  'config-errors'?: NodeConfigError[];
}

export interface PutConfigResult {
  /** 200 (accepted, possibly with warnings) or 400 (rejected). */
  status: number;
  accepted: boolean;
  validationErrors: NodeValidationError[];
}

/** A pipe from GET /pipes; only what the client reads is typed. */
export interface NodePipe {
  _id: string;
  runtime?: { state?: string; [key: string]: unknown };
  config?: { original?: JsonObject; effective?: JsonObject };
}

/** sesam-py's normalisation: drop `"`, add `https://` when there is no scheme, add `/api` when missing. */
export function normaliseNodeUrl(node: string): string {
  // Trailing slashes are dropped first so `https://host/` does not become `https://host//api`.
  let url = node.replaceAll('"', '').trim().replace(/\/+$/, '');
  if (!url.startsWith('http')) url = `https://${url}`;
  if (!url.endsWith('/api')) url = `${url}/api`;
  return url;
}

/** sesam-py's JWT clean-up: surrounding quotes and a leading `bearer `/`Bearer ` are removed. */
export function normaliseJwt(jwt: string): string {
  let token = jwt.trim();
  if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) token = token.slice(1, -1);
  return token.replace(/^bearer\s+/i, '').trim();
}

const RETRYABLE = (status: number) => status === 429 || (status >= 500 && status <= 599);

interface RequestSpec {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  query?: Record<string, string>;
  accept?: string;
  body?: Uint8Array | string;
  contentType?: string;
  /** Non-2xx statuses handed back to the caller instead of thrown. */
  passStatus?: readonly number[];
}

interface RawResponse {
  status: number;
  bytes: Uint8Array;
  contentType: string;
}

export class NodeClient {
  readonly baseUrl: string;
  private readonly jwt: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly logger: (entry: NodeRequestLog) => void;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(options: NodeClientOptions) {
    this.baseUrl = normaliseNodeUrl(options.node);
    this.jwt = normaliseJwt(options.jwt);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? (() => {});
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** `host[:port]` of the node, for backup folder names and messages. */
  get host(): string {
    return new URL(this.baseUrl).host;
  }

  async getApiRoot(): Promise<JsonObject> {
    return this.expectObject(await this.json({ method: 'GET', path: '/' }), 'GET /');
  }

  /** GET /config as JSON: the array of config entities (pipes, systems, node metadata). */
  async getConfig(): Promise<JsonObject[]> {
    const body = await this.json({ method: 'GET', path: '/config' });
    if (!Array.isArray(body) || !body.every(isObject)) throw this.shapeError('GET /config', 'a JSON array of config entities');
    return body as JsonObject[];
  }

  /** GET /config as a zip archive (what `sesam download` reads). */
  async getConfigZip(): Promise<Uint8Array> {
    const response = await this.send({ method: 'GET', path: '/config', accept: 'application/zip' });
    return response.bytes;
  }

  /** PUT /config with a zip: replaces the whole config. A 400 with `validation_errors` is returned, not thrown. */
  async putConfig(zip: Uint8Array, options: { force?: boolean } = {}): Promise<PutConfigResult> {
    const response = await this.send({
      method: 'PUT',
      path: '/config',
      query: { force: options.force ? 'true' : 'false' },
      body: zip,
      contentType: 'application/zip',
      passStatus: [400],
    });
    const body = parseJsonOrUndefined(response.bytes);
    const validationErrors = isObject(body) && Array.isArray(body.validation_errors) ? (body.validation_errors as NodeValidationError[]) : undefined;
    if (response.status === 400 && validationErrors === undefined) {
      // A 400 without the documented shape is a plain API error.
      throw new NodeApiError(400, 'PUT', this.url('/config', { force: String(Boolean(options.force)) }), this.messageOf(response.bytes), body);
    }
    return { status: response.status, accepted: response.status < 300, validationErrors: validationErrors ?? [] };
  }

  async getEnv(): Promise<JsonObject> {
    return this.expectObject(await this.json({ method: 'GET', path: '/env' }), 'GET /env');
  }

  /** PUT /env replaces the whole set of environment variables (as sesam-py's upload does). */
  async putEnv(env: Record<string, JsonValue>): Promise<void> {
    await this.send({ method: 'PUT', path: '/env', body: JSON.stringify(env), contentType: 'application/json' });
  }

  async listPipes(): Promise<NodePipe[]> {
    const body = await this.json({ method: 'GET', path: '/pipes' });
    if (!Array.isArray(body) || !body.every(isObject)) throw this.shapeError('GET /pipes', 'a JSON array of pipes');
    return body as unknown as NodePipe[];
  }

  /**
   * System-local secrets. Default POST: adds or overwrites the given names and keeps the
   * system's other secrets; `replace: true` uses PUT, which deletes every secret not given.
   */
  async putSystemSecrets(systemId: string, secrets: Record<string, string>, options: { replace?: boolean } = {}): Promise<void> {
    await this.send({
      method: options.replace ? 'PUT' : 'POST',
      path: `/systems/${encodeURIComponent(systemId)}/secrets`,
      body: JSON.stringify(secrets),
      contentType: 'application/json',
    });
  }

  // ---- transport -------------------------------------------------------------------------

  private async json(spec: RequestSpec): Promise<unknown> {
    const response = await this.send({ accept: 'application/json', ...spec });
    const text = new TextDecoder().decode(response.bytes);
    try {
      return JSON.parse(text);
    } catch {
      throw new NodeApiError(response.status, spec.method, this.url(spec.path, spec.query), `expected JSON, got ${JSON.stringify(text.slice(0, 120))}`);
    }
  }

  private url(path: string, query?: Record<string, string>): string {
    const search = query && Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '';
    return `${this.baseUrl}${path}${search}`;
  }

  private async send(spec: RequestSpec): Promise<RawResponse> {
    const url = this.url(spec.path, spec.query);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.jwt}`,
      Accept: spec.accept ?? 'application/json',
    };
    if (spec.contentType) headers['Content-Type'] = spec.contentType;

    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.maxAttempts;
      const started = performance.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let response: RawResponse;
      try {
        const res = await this.fetchImpl(url, { method: spec.method, headers, body: spec.body, signal: controller.signal });
        // The body is read under the same timer: a node that stalls mid-body also times out.
        const bytes = new Uint8Array(await res.arrayBuffer());
        response = { status: res.status, bytes, contentType: res.headers.get('content-type') ?? '' };
        const retryAfter = res.headers.get('retry-after');
        clearTimeout(timer);
        const ms = Math.round(performance.now() - started);
        if (res.status >= 200 && res.status < 300) {
          this.logger({ method: spec.method, url, status: res.status, ms, attempt, outcome: 'ok' });
          return response;
        }
        if (res.status === 401 || res.status === 403) {
          this.logger({ method: spec.method, url, status: res.status, ms, attempt, outcome: 'error', reason: `HTTP ${res.status}` });
          throw new NodeAuthError(res.status, spec.method, url, this.messageOf(bytes));
        }
        if (RETRYABLE(res.status) && !last) {
          this.logger({ method: spec.method, url, status: res.status, ms, attempt, outcome: 'retry', reason: `HTTP ${res.status}` });
          await this.sleep(this.delayFor(attempt, retryAfter));
          continue;
        }
        if (spec.passStatus?.includes(res.status)) {
          this.logger({ method: spec.method, url, status: res.status, ms, attempt, outcome: 'ok' });
          return response;
        }
        this.logger({ method: spec.method, url, status: res.status, ms, attempt, outcome: 'error', reason: `HTTP ${res.status}` });
        throw new NodeApiError(res.status, spec.method, url, this.messageOf(bytes), parseJsonOrUndefined(bytes));
      } catch (error) {
        clearTimeout(timer);
        if (error instanceof NodeAuthError || error instanceof NodeApiError) throw error;
        const ms = Math.round(performance.now() - started);
        const timedOut = controller.signal.aborted;
        const reason = timedOut ? 'timeout' : networkReason(error);
        this.logger({ method: spec.method, url, ms, attempt, outcome: last ? 'error' : 'retry', reason });
        if (!last) {
          await this.sleep(this.delayFor(attempt, null));
          continue;
        }
        if (timedOut) {
          throw new NodeTimeoutError(`${spec.method} ${url}`, this.timeoutMs, [
            `gave up after ${attempt} attempt(s); raise --timeout or --retries if the node is slow`,
          ]);
        }
        throw new NodeNetworkError(spec.method, url, reason);
      }
    }
  }

  /** Exponential backoff with "equal jitter": half fixed, half random; Retry-After wins when given. */
  private delayFor(attempt: number, retryAfter: string | null): number {
    const honoured = parseRetryAfter(retryAfter);
    if (honoured !== undefined) return Math.min(honoured, this.maxDelayMs);
    const exponential = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential / 2 + (exponential / 2) * this.random());
  }

  /** The node's message from an error body: JSON `message`/`detail`/`title`/`error`, else the text. Never the JWT. */
  private messageOf(bytes: Uint8Array): string {
    const text = new TextDecoder().decode(bytes).trim();
    const body = parseJsonOrUndefined(bytes);
    let message = text;
    if (isObject(body)) {
      const field = ['message', 'detail', 'title', 'error'].map((k) => body[k]).find((v) => typeof v === 'string' && v !== '');
      if (typeof field === 'string') message = field;
    }
    if (this.jwt) message = message.split(this.jwt).join('***');
    return message.length > 500 ? `${message.slice(0, 500)}…` : message;
  }

  private expectObject(body: unknown, what: string): JsonObject {
    if (!isObject(body)) throw this.shapeError(what, 'a JSON object');
    return body;
  }

  private shapeError(what: string, expected: string): NodeApiError {
    const [method = 'GET', path = '/'] = what.split(' ');
    return new NodeApiError(200, method, this.url(path), `unexpected response: expected ${expected}`);
  }
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonOrUndefined(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return cause.code;
    if (cause?.message) return cause.message;
    return error.message;
  }
  return String(error);
}
