// The node client against a hostile or broken node: oversized bodies, zip bombs, redirects,
// echoed credentials and garbage. Every failure is exit 3 with a message, never an internal error.
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/node/client';
import { NodeLimitError, NodeRedirectError } from '../../src/node/errors';
import { startFakeNode, type FakeNode } from './fake-node';
import { cleanupTemp, metadata, run, tempDir, writeProject, useInstantSleeps } from './helpers';

let node: FakeNode;
let other: FakeNode;
let cwd: string;
let env: Record<string, string>;

useInstantSleeps();
beforeEach(async () => {
  node = await startFakeNode({ config: [metadata, { _id: 'p', type: 'pipe', source: { type: 'embedded', entities: [] } }], env: { 'node-env': 'old' } });
  other = await startFakeNode({ jwt: node.jwt });
  cwd = tempDir();
  writeProject(cwd);
  env = { NODE: node.url, JWT: node.jwt };
});
afterEach(async () => {
  await node.close();
  await other.close();
  cleanupTemp();
});

const MiB = 1024 * 1024;
const client = (overrides: Partial<ConstructorParameters<typeof NodeClient>[0]> = {}) =>
  new NodeClient({ node: node.url, jwt: node.jwt, sleep: async () => {}, random: () => 0, maxAttempts: 1, ...overrides });
const caught = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
};
const noInternalError = (r: { err: string }) => {
  expect(r.err).not.toContain('internal error');
  expect(r.err).not.toMatch(/\n\s+at /);
};

describe('response size limits', () => {
  it('abandons a streamed body past the limit instead of buffering it whole', async () => {
    let written = 0;
    let aborted = false;
    node.queue('GET /api/config', {
      raw: (res) => {
        res.writeHead(200, { 'Content-Type': 'application/zip' });
        const chunk = Buffer.alloc(64 * 1024);
        const pump = () => {
          // 200 MiB would be sent if the client kept reading.
          while (written < 200 * MiB && !aborted) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (aborted = true));
        pump();
      },
    });
    const error = await caught(client({ maxResponseBytes: 2 * MiB }).getConfigZip());
    expect(error).toBeInstanceOf(NodeLimitError);
    expect(error.message).toBe(`the node's answer to GET ${node.url}/api/config: larger than 2 MiB; nothing more was read`);
    expect(written).toBeLessThan(100 * MiB);
  });

  it('refuses a declared Content-Length over the limit (CLI: exit 3, --max-response-mb)', async () => {
    node.queue('GET /api/env', { status: 200, body: JSON.stringify({ big: 'x'.repeat(3 * MiB) }) });
    const r = await run(['diff', '--max-response-mb', '1'], { cwd, env });
    expect(r.err).toContain(`error the node's answer to GET ${node.url}/api/env: larger than 1 MiB; nothing more was read`);
    expect(r.err).toContain('--max-response-mb');
    expect(r.code).toBe(3);
    noInternalError(r);
  });

  it('stops a zip bomb at the unzipped limit (download and status exit 3)', async () => {
    // 20 MiB of zeros deflate to about 20 KiB.
    const bomb = zipSync({ 'pipes/p.conf.json': new Uint8Array(20 * MiB) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    for (const command of [['download', '--out', 'dl'], ['status']]) {
      node.queue('GET /api/config', { status: 200, body: bomb });
      const r = await run([...command, '--max-response-mb', '4'], { cwd, env });
      expect(r.err).toContain('error the node config: the archive unzips to more than 4 MiB (limit)');
      expect(r.code).toBe(3);
      noInternalError(r);
    }
  });
});

describe('redirects', () => {
  it('a 307 on PUT /api/env is not followed: nothing reaches the other host, the upload fails with exit 3', async () => {
    node.queue('PUT /api/env', { status: 307, headers: { Location: `${other.url}/api/env` } });
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain(`the node answered PUT ${node.url}/api/env with a redirect (HTTP 307) to ${other.url}/api/env; sesamflow does not follow it`);
    expect(r.err).toContain('writes are never redirected, so nothing was sent to the new location');
    expect(r.code).toBe(3);
    expect(other.requests).toEqual([]);
    expect(node.requests.filter((q) => q.path === '/api/config' && q.method === 'PUT')).toEqual([]);
    noInternalError(r);
  });

  it('a GET redirect to another origin is refused; one to the same origin is followed', async () => {
    node.queue('GET /api/env', { status: 302, headers: { Location: `${other.url}/api/env` } });
    const error = await caught(client().getEnv());
    expect(error).toBeInstanceOf(NodeRedirectError);
    expect(other.requests).toEqual([]);
    node.queue('GET /api/env', { status: 301, headers: { Location: '/api/env?moved=1' } });
    expect(await client().getEnv()).toEqual({ 'node-env': 'old' });
    expect(node.requests.at(-1)!.query).toEqual({ moved: '1' });
  });

  it('a retried PUT /api/config sends the whole zip again (no detached buffer)', async () => {
    node.queue('PUT /api/config', { status: 503, body: { message: 'busy' } });
    const r = await run(['upload'], { cwd, env });
    expect(r.err).not.toContain('detached');
    expect(r.code).toBe(0);
    const puts = node.requests.filter((q) => q.method === 'PUT' && q.path === '/api/config');
    expect(puts).toHaveLength(2);
    expect(puts[1]!.body.equals(puts[0]!.body)).toBe(true);
    expect(puts[1]!.body.length).toBeGreaterThan(100);
  });
});

describe('messages quoted from the node are masked', () => {
  it('a 200 with a non-JSON body that echoes the request headers does not print the JWT', async () => {
    const otherJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJlLW90aGVy';
    node.queue('GET /api/env', { status: 200, body: `Authorization: Bearer ${node.jwt}\nX-Forwarded: ${otherJwt}\nCookie: session=abc123` });
    const r = await run(['diff'], { cwd, env });
    expect(r.err).toContain('expected JSON');
    expect(r.err).not.toContain(node.jwt);
    expect(r.err).not.toContain(otherJwt);
    expect(r.err).not.toContain('abc123');
    expect(r.err).toContain('******');
    expect(r.code).toBe(3);
  });

  it('an error body that quotes the JWT or a password URL is masked (401 and 500)', async () => {
    node.queue('GET /api/config', { status: 401, body: { message: `token ${node.jwt} expired` } });
    const auth = await run(['diff'], { cwd, env });
    expect(auth.code).toBe(3);
    expect(auth.err).not.toContain(node.jwt);
    node.queue('GET /api/config', ...Array(4).fill({ status: 500, body: { message: 'cannot reach postgres://admin:hunter2@db:5432/x' } }));
    const server = await run(['diff'], { cwd, env });
    expect(server.code).toBe(3);
    expect(server.err).toContain('postgres://admin:******@db:5432/x');
    expect(server.err).not.toContain('hunter2');
  });
});

describe('a node sending garbage: exit 3 with a message, never an internal error', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const cases: [string, string, unknown][] = [
    ['random bytes as the config zip', 'GET /api/config', new Uint8Array([80, 75, 3, 4, 1, 2, 3])],
    ['a zip entry that is not JSON', 'GET /api/config', zipSync({ 'pipes/x.conf.json': new TextEncoder().encode('nope') })],
    ['a zip entry that is a list', 'GET /api/config', zipSync({ 'pipes/x.conf.json': new TextEncoder().encode('[1]') })],
    ['a zip entry nested 100 000 levels', 'GET /api/config', zipSync({ 'pipes/x.conf.json': new TextEncoder().encode(`{"_id":"x","a":${deep(100_000)}}`) })],
    ['env as a list', 'GET /api/env', [1, 2]],
    ['env as HTML', 'GET /api/env', '<html>oops</html>'],
    ['env nested 200 000 levels', 'GET /api/env', `{"a":${deep(200_000)}}`],
  ];
  for (const command of ['download', 'status', 'upload']) {
    it.each(cases)(`${command}: %s`, async (_name, route, body) => {
      node.queue(route, ...Array(4).fill({ status: 200, body }));
      const r = await run(command === 'download' ? [command, '--out', 'dl'] : [command], { cwd, env });
      noInternalError(r);
      expect(r.err).toMatch(/error (the node config: |the node answered HTTP 200 on GET )/);
      expect(r.code).toBe(3);
    });
  }

  it('validation_errors of an odd shape are read defensively', async () => {
    node.rejectWith = [{ 'posted-config': 'x', 'config-errors': [{ level: 'error', msg: { nested: true } }, 'junk'] }, 7];
    const r = await run(['upload'], { cwd, env });
    noInternalError(r);
    expect(r.code).toBe(1);
    expect(r.out).toContain('{"nested":true}');
  });
});
