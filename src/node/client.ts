// A small client of the Sesam node REST API. Library code: it never prints; an injectable
// logger sees method, URL, status and duration — never headers, bodies, the JWT or secret
// values. Uses Node 20's built-in fetch. A node's answers are untrusted: bodies are read up to
// a size limit, JSON up to a nesting depth, redirects are not followed for writes or to other
// origins, and every message quoted from the node is masked (mask.ts).
import { inputError } from '../errors';
import type { JsonObject, JsonValue } from '../sesam/project';
import { parseUntrustedJson } from '../sesam/untrusted-json';
import { DEFAULT_MAX_BYTES, formatMiB } from '../sesam/zip';
import { NodeApiError, NodeAuthError, NodeLimitError, NodeNetworkError, NodeRedirectError, NodeTimeoutError } from './errors';
import { maskText } from './mask';

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
  /** Largest response body, and largest unzipped config, in bytes. Default 64 MiB. */
  maxResponseBytes?: number;
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

/**
 * sesam-py's normalisation: drop `"`, add `https://` when there is no scheme, add `/api` when
 * missing. Only http and https are accepted; a host that merely begins with "http"
 * (`httpd-node.example`) gets `https://` like any other.
 */
export function normaliseNodeUrl(node: string): string {
  // Trailing slashes are dropped first so `https://host/` does not become `https://host//api`.
  let url = node.replaceAll('"', '').trim().replace(/\/+$/, '');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (scheme === undefined) url = `https://${url}`;
  else if (!/^https?$/i.test(scheme)) throw inputError(`node URL ${JSON.stringify(maskText(node))}: only https:// (or http://) node URLs are supported`);
  if (!url.endsWith('/api')) url = `${url}/api`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw inputError(`node URL ${JSON.stringify(maskText(node))} is not a valid URL`);
  }
  if (parsed.username || parsed.password) throw inputError('the node URL must not contain a user name or password; give the JWT with --jwt, JWT or .syncconfig');
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
  /** Largest response body and unzipped config. */
  readonly maxResponseBytes: number;

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
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_BYTES;
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
    const validationErrors = isObject(body) && Array.isArray(body.validation_errors) ? body.validation_errors.filter(isObject).map(validationError) : undefined;
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
    const parsed = parseUntrustedJson(text);
    if ('value' in parsed) return parsed.value;
    const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    throw new NodeApiError(response.status, spec.method, this.url(spec.path, spec.query), `expected JSON (${parsed.error}), got ${JSON.stringify(this.mask(shown))}`);
  }

  /** Masks secrets (the JWT above all) in text quoted from the node. */
  private mask(text: string): string {
    return maskText(text, this.jwt ? [this.jwt] : []);
  }

  /**
   * The body, read as it arrives and abandoned past the limit (a declared Content-Length over
   * the limit is refused before reading).
   */
  private async readBody(res: Response, what: string): Promise<Uint8Array> {
    const limit = this.maxResponseBytes;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const tooLarge = () => new NodeLimitError(`the node's answer to ${what}`, `larger than ${formatMiB(limit)}`);
    if (Number.isFinite(declared) && declared > limit) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!res.body) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return bytes;
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

    const shownUrl = maskText(url);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.maxAttempts;
      const started = performance.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      let response: RawResponse;
      try {
        // A fresh copy of the body per attempt: fetch may detach the buffer it was given.
        const body = spec.body instanceof Uint8Array ? spec.body.slice() : spec.body;
        const res = await this.fetchWithRedirects(url, { method: spec.method, headers, body, signal: controller.signal }, spec.method);
        // The body is read under the same timer: a node that stalls mid-body also times out.
        const bytes = await this.readBody(res, `${spec.method} ${shownUrl}`);
        response = { status: res.status, bytes, contentType: res.headers.get('content-type') ?? '' };
        const retryAfter = res.headers.get('retry-after');
        clearTimeout(timer);
        const ms = Math.round(performance.now() - started);
        if (res.status >= 200 && res.status < 300) {
          this.logger({ method: spec.method, url: shownUrl, status: res.status, ms, attempt, outcome: 'ok' });
          return response;
        }
        if (res.status === 401 || res.status === 403) {
          this.logger({ method: spec.method, url: shownUrl, status: res.status, ms, attempt, outcome: 'error', reason: `HTTP ${res.status}` });
          throw new NodeAuthError(res.status, spec.method, shownUrl, this.messageOf(bytes));
        }
        if (RETRYABLE(res.status) && !last) {
          this.logger({ method: spec.method, url: shownUrl, status: res.status, ms, attempt, outcome: 'retry', reason: `HTTP ${res.status}` });
          await this.sleep(this.delayFor(attempt, retryAfter));
          continue;
        }
        if (spec.passStatus?.includes(res.status)) {
          this.logger({ method: spec.method, url: shownUrl, status: res.status, ms, attempt, outcome: 'ok' });
          return response;
        }
        this.logger({ method: spec.method, url: shownUrl, status: res.status, ms, attempt, outcome: 'error', reason: `HTTP ${res.status}` });
        throw new NodeApiError(res.status, spec.method, shownUrl, this.messageOf(bytes));
      } catch (error) {
        clearTimeout(timer);
        if (error instanceof NodeAuthError || error instanceof NodeApiError || error instanceof NodeLimitError || error instanceof NodeRedirectError) throw error;
        const ms = Math.round(performance.now() - started);
        const timedOut = controller.signal.aborted;
        const reason = timedOut ? 'timeout' : networkReason(error);
        this.logger({ method: spec.method, url: shownUrl, ms, attempt, outcome: last ? 'error' : 'retry', reason: this.mask(reason) });
        if (!last) {
          await this.sleep(this.delayFor(attempt, null));
          continue;
        }
        if (timedOut) {
          throw new NodeTimeoutError(`${spec.method} ${shownUrl}`, this.timeoutMs, [
            `gave up after ${attempt} attempt(s); raise --timeout or --retries if the node is slow`,
          ]);
        }
        throw new NodeNetworkError(spec.method, shownUrl, this.mask(reason));
      }
    }
  }

  /**
   * fetch without automatic redirects: a 3xx to the same origin is followed for GET (at most 3
   * hops); anything else (a write, another scheme/host/port) is an error and nothing is sent on.
   */
  private async fetchWithRedirects(url: string, init: RequestInit, method: string): Promise<Response> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await this.fetchImpl(current, { ...init, redirect: 'manual' });
      if (res.status < 300 || res.status > 399 || res.status === 304) return res;
      await res.body?.cancel().catch(() => undefined);
      const header = res.headers.get('location') ?? '';
      let target: URL | undefined;
      try {
        target = new URL(header, current);
      } catch {
        target = undefined;
      }
      const sameOrigin = target !== undefined && target.origin === new URL(current).origin;
      if (method !== 'GET' || !sameOrigin || hop >= 3) throw new NodeRedirectError(res.status, method, maskText(url), maskText(target?.href ?? header));
      current = target!.href;
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
    message = message.length > 500 ? `${message.slice(0, 500)}…` : message;
    return this.mask(message);
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

/** How a config zip from this node is read: its size limit, failures as node errors (exit 3). */
export const nodeZipOptions = (client: NodeClient) => ({ kind: 'node' as const, maxBytes: client.maxResponseBytes });

/** One validation_errors item, kept to the documented shape (a node may send anything). */
function validationError(item: JsonObject): NodeValidationError {
  const out: NodeValidationError = {};
  if (isObject(item['posted-config'])) out['posted-config'] = item['posted-config'];
  if (Array.isArray(item['config-errors']))
    out['config-errors'] = item['config-errors'].filter(isObject).map((e) => ({
      level: typeof e.level === 'string' ? e.level : 'error',
      msg: maskText(typeof e.msg === 'string' ? e.msg : JSON.stringify(e.msg ?? '')),
      ...(e.elements !== undefined ? { elements: maskText(String(e.elements)) } : {}),
    }));
  return out;
}

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonOrUndefined(bytes: Uint8Array): unknown {
  const parsed = parseUntrustedJson(new TextDecoder().decode(bytes));
  return 'value' in parsed ? parsed.value : undefined;
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
