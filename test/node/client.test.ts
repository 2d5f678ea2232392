import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeClient, normaliseJwt, normaliseNodeUrl, type NodeRequestLog } from '../../src/node/client';
import { NodeApiError, NodeAuthError, NodeNetworkError, NodeTimeoutError } from '../../src/node/errors';
import { SesamflowError } from '../../src/errors';
import { closedPort, startFakeNode, type FakeNode } from './fake-node';

describe('normaliseNodeUrl (as sesam-py)', () => {
  it.each([
    ['datahub-abc.sesam.cloud', 'https://datahub-abc.sesam.cloud/api'],
    ['"datahub-abc.sesam.cloud"', 'https://datahub-abc.sesam.cloud/api'],
    ['https://datahub-abc.sesam.cloud', 'https://datahub-abc.sesam.cloud/api'],
    ['https://datahub-abc.sesam.cloud/', 'https://datahub-abc.sesam.cloud/api'],
    ['https://datahub-abc.sesam.cloud/api', 'https://datahub-abc.sesam.cloud/api'],
    ['http://localhost:9042/api', 'http://localhost:9042/api'],
    ['http://localhost:9042', 'http://localhost:9042/api'],
    // A host that merely starts with "http" is a host like any other.
    ['httpd-node.example', 'https://httpd-node.example/api'],
    ['http-gateway.example:8443', 'https://http-gateway.example:8443/api'],
    ['HTTPS://datahub-abc.sesam.cloud', 'HTTPS://datahub-abc.sesam.cloud/api'],
  ])('%s → %s', (given, expected) => expect(normaliseNodeUrl(given)).toBe(expected));

  it.each([
    ['ftp://datahub-abc.sesam.cloud', 'only https:// (or http://) node URLs are supported'],
    ['file:///etc/passwd', 'only https:// (or http://) node URLs are supported'],
    ['https://user:pw@datahub-abc.sesam.cloud', 'must not contain a user name or password'],
    ['https://exa mple', 'is not a valid URL'],
  ])('refuses %s (input error)', (given, message) => {
    expect(() => normaliseNodeUrl(given)).toThrow(message);
    try {
      normaliseNodeUrl(given);
    } catch (error) {
      expect((error as SesamflowError).kind).toBe('input');
      expect((error as Error).message).not.toContain('pw@');
    }
  });
});

describe('normaliseJwt', () => {
  it.each([
    ['abc.def.ghi', 'abc.def.ghi'],
    ['"abc.def.ghi"', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['"Bearer abc.def.ghi"', 'abc.def.ghi'],
  ])('%s → %s', (given, expected) => expect(normaliseJwt(given)).toBe(expected));
});

describe('NodeClient against a local node', () => {
  let node: FakeNode;
  let sleeps: number[];
  let log: NodeRequestLog[];
  const client = (overrides: Partial<ConstructorParameters<typeof NodeClient>[0]> = {}) =>
    new NodeClient({
      node: node.url,
      jwt: `"bearer ${node.jwt}"`,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      logger: (entry) => log.push(entry),
      ...overrides,
    });

  beforeEach(async () => {
    node = await startFakeNode({ config: [{ _id: 'p', type: 'pipe' }], env: { a: '1' } });
    sleeps = [];
    log = [];
  });
  afterEach(() => node.close());

  it('sends the normalised bearer JWT and Accept headers, and reads JSON and zip config', async () => {
    const c = client();
    expect(c.baseUrl).toBe(`${node.url}/api`);
    expect(await c.getConfig()).toEqual([{ _id: 'p', type: 'pipe' }]);
    const zip = await c.getConfigZip();
    expect(Buffer.from(zip)).toEqual(Buffer.from(node.zip()));
    expect(await c.getEnv()).toEqual({ a: '1' });
    expect(node.requests.map((r) => [r.method, r.path, r.accept])).toEqual([
      ['GET', '/api/config', 'application/json'],
      ['GET', '/api/config', 'application/zip'],
      ['GET', '/api/env', 'application/json'],
    ]);
    expect(node.requests.every((r) => r.authorization === `Bearer ${node.jwt}`)).toBe(true);
  });

  it('retries a 503 burst with exponential backoff and jitter, then succeeds', async () => {
    node.queue('GET /api/env', { status: 503, body: { message: 'busy' } }, { status: 502 }, { status: 500 });
    expect(await client({ baseDelayMs: 100 }).getEnv()).toEqual({ a: '1' });
    expect(node.requests).toHaveLength(4);
    // equal jitter with random 0.5: 3/4 of 100, 200, 400
    expect(sleeps).toEqual([75, 150, 300]);
    expect(log.map((l) => [l.status, l.outcome, l.attempt])).toEqual([
      [503, 'retry', 1],
      [502, 'retry', 2],
      [500, 'retry', 3],
      [200, 'ok', 4],
    ]);
  });

  it('honours Retry-After on 429', async () => {
    node.queue('GET /api/pipes', { status: 429, headers: { 'Retry-After': '7' }, body: { message: 'slow down' } });
    await client().listPipes();
    expect(sleeps).toEqual([7000]);
  });

  it('gives up after the bounded number of attempts with the node message (exit kind node)', async () => {
    node.queue('GET /api/env', ...Array.from({ length: 5 }, () => ({ status: 503, body: { message: 'node is restarting' } })));
    const error = await client({ maxAttempts: 3 }).getEnv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).status).toBe(503);
    expect((error as SesamflowError).kind).toBe('node');
    expect((error as Error).message).toContain('HTTP 503');
    expect((error as Error).message).toContain('node is restarting');
    expect(node.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry 401 and explains the JWT', async () => {
    const error = await client({ jwt: 'wrong-token' }).getConfig().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeAuthError);
    expect((error as NodeAuthError).kind).toBe('node');
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as NodeAuthError).details.join(' ')).toMatch(/expired/);
    expect(node.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('403 gets a permissions hint', async () => {
    node.queue('GET /api/env', { status: 403, body: { message: 'forbidden' } });
    const error = (await client().getEnv().catch((e: unknown) => e)) as NodeAuthError;
    expect(error.details.join(' ')).toMatch(/permission/);
  });

  it('does not retry other 4xx', async () => {
    node.queue('GET /api/env', { status: 404, body: { detail: 'nope' } });
    const error = (await client().getEnv().catch((e: unknown) => e)) as NodeApiError;
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toContain('nope');
    expect(node.requests).toHaveLength(1);
  });

  it('times out a slow response, retries, then reports a timeout', async () => {
    node.queue('GET /api/env', { status: 200, body: {}, delayMs: 3000 }, { status: 200, body: {}, delayMs: 3000 });
    const error = await client({ timeoutMs: 100, maxAttempts: 2 }).getEnv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeTimeoutError);
    expect((error as Error).message).toMatch(/GET .*\/api\/env timed out after 0\.1 s/);
    expect(log.map((l) => l.reason)).toEqual(['timeout', 'timeout']);
  });

  it('recovers when a retry after a timeout is fast', async () => {
    node.queue('GET /api/env', { status: 200, body: { slow: true }, delayMs: 6000 });
    expect(await client({ timeoutMs: 1500 }).getEnv()).toEqual({ a: '1' });
    expect(sleeps).toHaveLength(1);
  });

  it('reports an unreachable node as a network error after retries', async () => {
    const port = await closedPort();
    const error = await client({ node: `http://127.0.0.1:${port}`, maxAttempts: 2 }).getEnv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeNetworkError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as SesamflowError).kind).toBe('node');
    expect(sleeps).toHaveLength(1);
  });

  it('returns a 400 rejection with validation_errors instead of throwing', async () => {
    node.rejectWith = [{ 'posted-config': { _id: 'p', type: 'pipe' }, 'config-errors': [{ level: 'error', msg: 'bad', elements: "$['source']" }] }];
    const result = await client().putConfig(new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]), { force: true });
    expect(result).toEqual({ status: 400, accepted: false, validationErrors: node.rejectWith });
    expect(node.requests[0]!.query).toEqual({ force: 'true' });
    expect(node.requests[0]!.contentType).toBe('application/zip');
  });

  it('a 400 without validation_errors is an API error', async () => {
    node.queue('PUT /api/config', { status: 400, body: { message: 'not a zip' } });
    const error = await client().putConfig(new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as Error).message).toContain('not a zip');
  });

  it('POSTs system secrets (merge) by default and PUTs with replace', async () => {
    node.config = [{ _id: 'crm', type: 'system:rest' }];
    await client().putSystemSecrets('crm', { a: 'x' });
    await client().putSystemSecrets('crm', { b: 'y' });
    expect(node.secrets.crm).toEqual({ a: 'x', b: 'y' });
    await client().putSystemSecrets('crm', { c: 'z' }, { replace: true });
    expect(node.secrets.crm).toEqual({ c: 'z' });
    expect(node.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT']);
  });

  it('never logs the JWT, headers or bodies, and masks the JWT in node messages', async () => {
    node.queue('GET /api/env', { status: 500, body: { message: `bad token ${node.jwt}` } });
    node.config = [{ _id: 'crm', type: 'system:rest' }];
    await client({ maxAttempts: 1 }).getEnv().catch((e: Error) => {
      expect(e.message).not.toContain(node.jwt);
      expect(e.message).toContain('***');
    });
    await client().putSystemSecrets('crm', { key: 'super-secret-value' });
    const logged = JSON.stringify(log);
    expect(logged).not.toContain(node.jwt);
    expect(logged).not.toContain('super-secret-value');
    expect(Object.keys(log[0]!).sort()).toEqual(['attempt', 'method', 'ms', 'outcome', 'reason', 'status', 'url']);
  });
});
