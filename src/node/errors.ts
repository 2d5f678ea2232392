// Typed failures of the Sesam node client. All are SesamflowError kind 'node' (exit 3): the
// node, the network or the credentials failed, not the user's config. A 400 rejection of an
// uploaded config is not an error here: the upload returns it as a result (exit 1).
import { SesamflowError } from '../errors';

/** 401/403: the JWT is missing, expired, for another node, or lacks permissions. */
export class NodeAuthError extends SesamflowError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly nodeMessage: string,
  ) {
    super(`the node refused the JWT (HTTP ${status}) on ${method} ${url}${nodeMessage ? `: ${nodeMessage}` : ''}`, 'node', [
      status === 401
        ? 'hint: the JWT is missing, malformed or expired, or it was issued for another node; create a new one in the Sesam portal (subscription > JWT) and pass it with --jwt, JWT or .syncconfig'
        : 'hint: the JWT is valid but lacks permission for this operation; it needs the "group:Admin" (or a deploy-capable) role on this subscription',
    ]);
    this.name = 'NodeAuthError';
  }
}

/** Any other unexpected HTTP status, with the node's own message. */
export class NodeApiError extends SesamflowError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly nodeMessage: string,
    /** Parsed JSON body when the node sent one. */
    readonly body?: unknown,
  ) {
    super(`the node answered HTTP ${status} on ${method} ${url}${nodeMessage ? `: ${nodeMessage}` : ''}`, 'node');
    this.name = 'NodeApiError';
  }
}

/** Connection refused, DNS failure, TLS failure, connection reset. */
export class NodeNetworkError extends SesamflowError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the node: ${method} ${url} failed (${reason})`, 'node', [
      'hint: check the node URL (--node, NODE or .syncconfig) and the network; the URL is normalised to https://<host>/api',
    ]);
    this.name = 'NodeNetworkError';
  }
}

/** A request (or a wait such as the deploy poll) took longer than allowed. */
export class NodeTimeoutError extends SesamflowError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    details: readonly string[] = [],
  ) {
    super(`${what} timed out after ${formatSeconds(timeoutMs)}`, 'node', details);
    this.name = 'NodeTimeoutError';
  }
}

const formatSeconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

/** A response larger than allowed (body or unzipped archive). */
export class NodeLimitError extends SesamflowError {
  constructor(what: string, detail: string) {
    super(`${what}: ${detail}; nothing more was read`, 'node', [
      'hint: a Sesam config is far smaller; check the node URL, or raise the limit with --max-response-mb if the config really is that large',
    ]);
    this.name = 'NodeLimitError';
  }
}

/** A 3xx answer that is not followed: writes are never redirected, and nothing goes to another origin. */
export class NodeRedirectError extends SesamflowError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly location: string,
  ) {
    super(`the node answered ${method} ${url} with a redirect (HTTP ${status}) to ${location || '(no location)'}; sesamflow does not follow it`, 'node', [
      method === 'GET'
        ? 'redirects are followed only to the same scheme, host and port; use the final node URL with --node (NODE or .syncconfig)'
        : 'writes are never redirected, so nothing was sent to the new location; use the final node URL with --node (NODE or .syncconfig)',
    ]);
    this.name = 'NodeRedirectError';
  }
}
