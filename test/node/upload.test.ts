import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandSeams } from '../../src/node/command-options';
import { formatJson } from '../../src/sesam/format';
import type { JsonObject } from '../../src/sesam/project';
import { buildConfigZip } from '../../src/sesam/zip';
import { loadProject } from '../../src/validate/load';
import { closedPort, startFakeNode, type FakeNode } from './fake-node';
import { cleanupTemp, collect, enrich, metadata, run, system, tempDir, testEnv, writeProject } from './helpers';

const previousPipe: JsonObject = { _id: 'legacy-pipe', type: 'pipe', source: { type: 'embedded', entities: [] } };
const previousEnv: JsonObject = { 'node-env': 'old' };
let node: FakeNode;
let cwd: string;
let dir: string;
let env: Record<string, string>;
let sleeps: number[];

beforeAll(() => {
  commandSeams.client = { sleep: async () => {}, random: () => 0 };
  commandSeams.sleep = async (ms) => void sleeps.push(ms);
});
afterAll(() => {
  commandSeams.client = {};
  delete commandSeams.sleep;
});

beforeEach(async () => {
  node = await startFakeNode({ config: [metadata, previousPipe], env: previousEnv });
  cwd = tempDir();
  dir = writeProject(cwd);
  env = { NODE: node.url, JWT: node.jwt };
  sleeps = [];
});
afterEach(async () => {
  await node.close();
  cleanupTemp();
});

const backups = () => {
  const root = path.join(cwd, '.sesamflow-backup', `127.0.0.1_${node.port}`);
  return existsSync(root) ? readdirSync(root).map((name) => path.join(root, name)) : [];
};

describe('sesamflow upload', () => {
  it('backs up, PUTs env and a deterministic zip, waits for the deploy, exits 0', async () => {
    node.deployPolls = 2;
    const previousZip = node.zip();
    const result = await run(['upload'], { cwd, env });
    expect(result.err).not.toContain('error');
    expect(result.code).toBe(0);

    expect(node.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/config',
      'GET /api/env',
      'PUT /api/env',
      'PUT /api/config',
      'GET /api/pipes',
      'GET /api/pipes',
      'GET /api/pipes',
    ]);
    // The env body is the profile file's content.
    expect(JSON.parse(node.requests[2]!.body.toString('utf8'))).toEqual(testEnv);
    expect(node.requests[2]!.contentType).toBe('application/json');
    // The zip is exactly the deterministic zip of the project, with the expected entries.
    const put = node.requests[3]!;
    expect(put.contentType).toBe('application/zip');
    expect(put.query).toEqual({ force: 'false' });
    const { project } = await loadProject(dir);
    expect(put.body.equals(Buffer.from(buildConfigZip(project)))).toBe(true);
    const entries = unzipSync(new Uint8Array(put.body));
    expect(Object.keys(entries)).toEqual([
      'node-metadata.conf.json',
      'pipes/poweroffice-customers-collect.conf.json',
      'pipes/poweroffice-customers-enrich.conf.json',
      'systems/poweroffice.conf.json',
    ]);
    expect(new TextDecoder().decode(entries['systems/poweroffice.conf.json'])).toBe(formatJson(system));
    // The node now has the new config; the deploy was polled with progress.
    expect(node.config).toEqual(expect.arrayContaining([collect, enrich]));
    expect(result.err).toContain('waiting for deploy: 2 of 2 pipe(s) deploying');
    expect(result.err).toContain('deployed: 2 pipe(s), none deploying');
    expect(sleeps).toEqual([2000, 2000]);
    // Backup: the node's zip byte for byte, and its env.
    const [backup] = backups();
    expect(backups()).toHaveLength(1);
    expect(path.basename(backup!)).toMatch(/^0001-[0-9a-f]{12}$/);
    expect(readFileSync(path.join(backup!, 'config.zip')).equals(Buffer.from(previousZip))).toBe(true);
    expect(readFileSync(path.join(backup!, 'env.json'), 'utf8')).toBe(formatJson(previousEnv));
    expect(JSON.parse(readFileSync(path.join(backup!, 'backup.json'), 'utf8'))).toMatchObject({ node: `${node.url}/api`, profile: 'test' });
    expect(result.out).toContain(`uploaded 4 config entities and test-env.json to ${node.url}/api`);
    expect(result.out).toContain('3 to add, 0 to change, 1 to delete, 1 unchanged');
  });

  it('numbers backups and reuses an identical newest one', async () => {
    expect((await run(['upload'], { cwd, env })).code).toBe(0);
    expect((await run(['upload'], { cwd, env })).code).toBe(0);
    expect((await run(['upload'], { cwd, env })).code).toBe(0);
    // second backup holds the new config; the third upload finds the same node state
    expect(backups().map((b) => path.basename(b).slice(0, 4)).sort()).toEqual(['0001', '0002']);
  });

  it('--dry-run prints the diff and sends nothing', async () => {
    const result = await run(['upload', '--dry-run'], { cwd, env: { ...env, SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY: 's3cr3t-value' } });
    expect(result.code).toBe(0);
    expect(node.mutating()).toEqual([]);
    expect(node.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(result.out).toContain('[-] pipe legacy-pipe (pipes/legacy-pipe.conf.json) — on the node only: an upload DELETES it');
    expect(result.out).toContain('[+] pipe poweroffice-customers-collect');
    expect(result.out).toContain('[~] node-env: "old" → "test"');
    expect(result.out).toContain('secrets for system poweroffice: poweroffice-client-key (values not shown)');
    expect(result.out + result.err).not.toContain('s3cr3t-value');
    expect(result.err).toContain('dry run: nothing was sent to the node');
    expect(backups()).toEqual([]);
    expect(node.config).toEqual([metadata, previousPipe]);
  });

  it('--json --dry-run gives the diff as JSON', async () => {
    const result = await run(['upload', '--dry-run', '--json'], { cwd, env });
    const parsed = JSON.parse(result.out) as { status: string; diff: { differs: boolean; entities: { id: string; change: string }[] } };
    expect(parsed.status).toBe('dry-run');
    expect(parsed.diff.differs).toBe(true);
    expect(parsed.diff.entities).toContainEqual(expect.objectContaining({ id: 'legacy-pipe', change: 'removed' }));
  });

  it('a rejected upload prints the errors by _id and definition, keeps the backup, restores env, exits 1', async () => {
    writeFileSync(
      path.join(dir, '.sesamflow-manifest.json'),
      // The writer's format: origins maps _id → definition file.
      JSON.stringify({ generatedBy: 'sesamflow generate', files: [], origins: { 'poweroffice-customers-enrich': 'pipes/customer-customers.ts' } }),
    );
    node.rejectWith = [
      {
        'posted-config': enrich,
        'config-errors': [
          { level: 'warning', msg: 'the pipe has no sink', elements: "$['sink']" },
          { level: 'error', msg: "'ni' takes a namespace", elements: "$['transform']['rules']['default'][1]" },
        ],
      },
      { 'posted-config': collect, 'config-errors': [{ level: 'error', msg: 'unknown operation', elements: "$['source']['operation']" }] },
    ];
    const result = await run(['upload'], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      [
        'pipes/poweroffice-customers-collect.conf.json (_id poweroffice-customers-collect)',
        "  error   $['source']['operation']: unknown operation",
        'pipes/poweroffice-customers-enrich.conf.json (_id poweroffice-customers-enrich) <- defined in pipes/customer-customers.ts',
        "  error   $['transform']['rules']['default'][1]: 'ni' takes a namespace",
        "  warning $['sink']: the pipe has no sink",
        '',
      ].join('\n'),
    );
    expect(result.err).toContain('error the node rejected the config: 2 error(s), 1 warning(s); nothing was deployed');
    expect(result.err).toMatch(/previous config and env are backed up in \.sesamflow-backup\/127\.0\.0\.1_\d+\/0001-/);
    expect(result.err).toContain('the previous env vars were put back');
    expect(backups()).toHaveLength(1);
    expect(existsSync(path.join(backups()[0]!, 'config.zip'))).toBe(true);
    // env: profile first, then the backup restored; config unchanged; no deploy polling
    const envPuts = node.requests.filter((r) => r.method === 'PUT' && r.path === '/api/env').map((r) => JSON.parse(r.body.toString('utf8')));
    expect(envPuts).toEqual([testEnv, previousEnv]);
    expect(node.env).toEqual(previousEnv);
    expect(node.config).toEqual([metadata, previousPipe]);
    expect(node.requests.some((r) => r.path === '/api/pipes')).toBe(false);
  });

  it('an accepted upload with node errors exits 1; warnings alone exit 0', async () => {
    node.acceptWith = [{ 'posted-config': collect, 'config-errors': [{ level: 'warning', msg: 'slow source', elements: "$['source']" }] }];
    const warned = await run(['upload'], { cwd, env });
    expect(warned.code).toBe(0);
    expect(warned.out).toContain("  warning $['source']: slow source");
    node.acceptWith = [{ 'posted-config': collect, 'config-errors': [{ level: 'error', msg: 'broken', elements: '$' }] }];
    const failed = await run(['upload', '--force'], { cwd, env });
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('the node accepted the config but reports 1 error(s)');
    expect(node.requests.filter((r) => r.path === '/api/config' && r.method === 'PUT').at(-1)!.query).toEqual({ force: 'true' });
  });

  it('refuses an invalid config before contacting the node (exit 1)', async () => {
    writeFileSync(path.join(dir, 'pipes', 'poweroffice-customers-enrich.conf.json'), formatJson({ ...enrich, source: { type: 'dataset', dataset: 'no-such-dataset' } }));
    const result = await run(['upload'], { cwd, env: {} });
    expect(result.code).toBe(1);
    expect(result.err).toContain('upload refused: the config has');
    expect(result.err).toContain('no-such-dataset');
    expect(node.requests).toEqual([]);
  });

  it('uploads secrets from SESAMFLOW_SECRET_* variables without printing them', async () => {
    const result = await run(['upload', '--verbose'], { cwd, env: { ...env, SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY: 's3cr3t-value' } });
    expect(result.code).toBe(0);
    const post = node.requests.find((r) => r.path === '/api/systems/poweroffice/secrets')!;
    expect(post.method).toBe('POST');
    expect(JSON.parse(post.body.toString('utf8'))).toEqual({ 'poweroffice-client-key': 's3cr3t-value' });
    expect(node.secrets).toEqual({ poweroffice: { 'poweroffice-client-key': 's3cr3t-value' } });
    expect(result.out).toContain('secrets for system poweroffice: poweroffice-client-key');
    expect(result.out + result.err).not.toContain('s3cr3t-value');
    expect(result.out + result.err).not.toContain(node.jwt);
    expect(result.err).toContain('POST /api/systems/poweroffice/secrets (poweroffice-client-key)');
  });

  it('--no-secrets skips them', async () => {
    const result = await run(['upload', '--no-secrets'], { cwd, env: { ...env, SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY: 'x' } });
    expect(result.code).toBe(0);
    expect(node.requests.some((r) => r.path.includes('/secrets'))).toBe(false);
  });

  it('a secret for an unknown system or a malformed name is bad input (exit 2), nothing sent', async () => {
    const unknown = await run(['upload'], { cwd, env: { ...env, SESAMFLOW_SECRET_CRM__KEY: 'x' } });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('SESAMFLOW_SECRET_CRM__KEY names system "crm", which is not in the config');
    const malformed = await run(['upload'], { cwd, env: { ...env, SESAMFLOW_SECRET_POWEROFFICE_KEY: 'x' } });
    expect(malformed.code).toBe(2);
    expect(malformed.err).toContain('SESAMFLOW_SECRET_POWEROFFICE_KEY does not follow');
    expect(node.requests).toEqual([]);
  });

  it('a missing profile file is bad input (exit 2)', async () => {
    const result = await run(['upload', '--profile', 'prod'], { cwd, env });
    expect(result.code).toBe(2);
    expect(result.err).toContain('no env profile "prod": expected generated/prod-env.json');
    expect(node.requests).toEqual([]);
  });

  it('missing credentials are bad usage (exit 2) naming the sources', async () => {
    const result = await run(['upload'], { cwd, env: {} });
    expect(result.code).toBe(2);
    expect(result.err).toContain('error no Sesam node URL and JWT given');
    expect(result.err).toContain('NODE and JWT');
    expect(result.err).toContain('.syncconfig');
  });

  it('a bad JWT exits 3 with a hint and changes nothing', async () => {
    const result = await run(['upload'], { cwd, env: { ...env, JWT: 'expired.jwt.token' } });
    expect(result.code).toBe(3);
    expect(result.err).toContain('the node refused the JWT (HTTP 401)');
    expect(result.err).toContain('hint:');
    expect(result.err).not.toContain('expired.jwt.token');
    expect(node.mutating()).toEqual([]);
  });

  it('an unreachable node exits 3', async () => {
    const port = await closedPort();
    const result = await run(['upload', '--retries', '1'], { cwd, env: { ...env, NODE: `http://127.0.0.1:${port}` } });
    expect(result.code).toBe(3);
    expect(result.err).toContain('cannot reach the node');
    expect(result.err).toContain('ECONNREFUSED');
  });

  it('retries a 503 burst on PUT /api/config and succeeds', async () => {
    node.queue('PUT /api/config', { status: 503, body: { message: 'busy' } }, { status: 429, headers: { 'Retry-After': '1' } });
    const result = await run(['upload'], { cwd, env });
    expect(result.code).toBe(0);
    expect(node.requests.filter((r) => r.method === 'PUT' && r.path === '/api/config')).toHaveLength(3);
    expect(result.err).toMatch(/retrying after PUT .*\/api\/config\?force=false -> 503/);
  });

  it('a deploy that never ends times out with exit 3, keeping the backup', async () => {
    node.deployPolls = 1000;
    const result = await run(['upload', '--deploy-timeout', '5'], { cwd, env });
    expect(result.code).toBe(3);
    expect(result.err).toContain('waiting for the deploy timed out after 5 s');
    expect(result.err).toContain('still deploying: poweroffice-customers-collect, poweroffice-customers-enrich');
    expect(backups()).toHaveLength(1);
  });

  it('a slow node times out per request (exit 3)', async () => {
    node.queue('GET /api/config', { status: 200, body: [], delayMs: 5000 });
    const result = await run(['upload', '--timeout', '0.2', '--retries', '0'], { cwd, env });
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/GET .*\/api\/config timed out after 0\.2 s/);
  });
});
