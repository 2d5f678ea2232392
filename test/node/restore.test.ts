// A failed upload never leaves the node half-updated silently, and `sesamflow restore` puts a
// backup back. Failure injection against the local fake node.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/sesam/project';
import { startFakeNode, type FakeNode, type ScriptedReply } from './fake-node';
import { cleanupTemp, collect, enrich, metadata, run, system, tempDir, testEnv, writeProject, useInstantSleeps } from './helpers';

const previousPipe: JsonObject = { _id: 'legacy-pipe', type: 'pipe', source: { type: 'embedded', entities: [] } };
const previousEnv: JsonObject = { 'node-env': 'old', 'db-password': 'old-secret' };
const previousConfig = [metadata, previousPipe];
let node: FakeNode;
let cwd: string;
let env: Record<string, string>;

useInstantSleeps();
beforeEach(async () => {
  node = await startFakeNode({ config: structuredClone(previousConfig), env: structuredClone(previousEnv) });
  cwd = tempDir();
  writeProject(cwd);
  env = { NODE: node.url, JWT: node.jwt };
});
afterEach(async () => {
  await node.close();
  cleanupTemp();
});

const backupRoot = () => path.join(cwd, '.sesamflow-backup', `127.0.0.1_${node.port}`);
const backups = () => (existsSync(backupRoot()) ? readdirSync(backupRoot()).sort().map((name) => path.join(backupRoot(), name)) : []);
const relBackup = (dir: string) => path.relative(cwd, dir);
const nodeIsAsBefore = () => {
  expect(node.env).toEqual(previousEnv);
  expect(node.config).toEqual(previousConfig);
};
const times = (n: number, reply: ScriptedReply) => Array.from({ length: n }, () => reply);
const puts = (route: string) => node.requests.filter((r) => `${r.method} ${r.path}` === route).length;

describe('upload: any failure after the env changed puts it back (and says so)', () => {
  it('connection reset on every PUT /api/config attempt: env and config put back, exit 3', async () => {
    node.queue('PUT /api/config', ...times(4, { reset: true }));
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('error PUT /api/config failed: cannot reach the node: PUT');
    expect(r.err).toContain('the previous env vars and config were put back from the backup: the node is as it was before the upload');
    expect(r.err).toContain(`the node's previous config and env are backed up in ${backups()[0]}`);
    expect(r.code).toBe(3);
    nodeIsAsBefore();
  });

  it('5xx after every retry: put back, exit 3', async () => {
    node.queue('PUT /api/config', ...times(4, { status: 503, body: { message: 'maintenance' } }));
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('error PUT /api/config failed: the node answered HTTP 503');
    expect(r.err).toContain('the node is as it was before the upload');
    expect(r.code).toBe(3);
    nodeIsAsBefore();
  });

  it('a timeout on PUT /api/config: put back, exit 3', async () => {
    node.queue('PUT /api/config', { status: 200, body: { validation_errors: [] }, delayMs: 5_000 });
    const r = await run(['upload', '--timeout', '0.3', '--retries', '0'], { cwd, env });
    expect(r.err).toContain('error PUT /api/config failed: PUT');
    expect(r.err).toContain('timed out after 0.3 s');
    expect(r.err).toContain('the node is as it was before the upload');
    expect(r.code).toBe(3);
    nodeIsAsBefore();
  });

  it('the config applied but its answer lost (reset after applying): the previous config goes back too', async () => {
    node.queue('PUT /api/config', { afterApplying: true, reset: true }, ...times(3, { reset: true }));
    const r = await run(['upload'], { cwd, env });
    expect(r.code).toBe(3);
    expect(r.err).toContain('the node is as it was before the upload');
    nodeIsAsBefore();
  });

  it('a rejected config whose env cannot be put back says so and names the restore command (exit 1)', async () => {
    node.rejectWith = [{ 'posted-config': { _id: 'x' }, 'config-errors': [{ level: 'error', msg: 'no' }] }];
    node.queue('PUT /api/env', { afterApplying: true, status: 200 }, ...times(4, { status: 503 }));
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('WARNING: the env vars of test-env.json are on the node with its PREVIOUS config; putting the previous ones back failed (PUT /api/env failed');
    expect(r.err).toContain(`restore by hand: sesamflow restore ${relBackup(backups()[0]!)}`);
    expect(r.code).toBe(1);
  });

  it('401 on PUT /api/config (config certainly not applied): only the env goes back, exit 3', async () => {
    node.queue('PUT /api/config', { status: 401, body: { message: 'token expired' } });
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('error PUT /api/config failed: the node refused the JWT (HTTP 401)');
    expect(r.err).toContain('the env vars were put back: the node has its previous config and env vars');
    expect(r.code).toBe(3);
    expect(puts('PUT /api/config')).toBe(1);
    nodeIsAsBefore();
  });

  it('400 without validation_errors: only the env goes back, exit 3', async () => {
    node.queue('PUT /api/config', { status: 400, body: { message: 'bad zip' } });
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('error PUT /api/config failed: the node answered HTTP 400');
    expect(r.err).toContain('the env vars were put back');
    expect(r.code).toBe(3);
    nodeIsAsBefore();
  });

  it('PUT /api/env itself lost after applying: the previous env goes back', async () => {
    node.queue('PUT /api/env', { afterApplying: true, reset: true }, ...times(3, { reset: true }));
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('error PUT /api/env failed');
    expect(r.err).toContain('the env vars were put back');
    expect(r.code).toBe(3);
    nodeIsAsBefore();
  });

  it('when putting back fails too, it says what the node has and gives the restore command; `sesamflow restore` then works', async () => {
    node.queue('PUT /api/config', ...times(4, { status: 502 }));
    // The env PUT of the upload succeeds; the one that should put it back fails.
    node.queue('PUT /api/env', { afterApplying: true, status: 200 }, ...times(4, { status: 503 }));
    const r = await run(['upload'], { cwd, env });
    const [backup] = backups();
    expect(r.err).toContain('WARNING: the node may have the NEW config and env vars, or parts of them; putting the previous ones back failed (PUT /api/env failed: the node answered HTTP 503');
    expect(r.err).toContain(`restore by hand: sesamflow restore ${relBackup(backup!)}`);
    expect(r.code).toBe(3);
    expect(node.env).toEqual(testEnv);

    const restored = await run(['restore', relBackup(backup!)], { cwd, env });
    expect(restored.err).not.toContain('error');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain(`restored ${relBackup(backup!)} to ${node.url}/api`);
    nodeIsAsBefore();
  });

  it('a secrets POST failing after the config was accepted says what state the node is in (exit 3)', async () => {
    node.queue('POST /api/systems/poweroffice/secrets', ...times(4, { status: 500, body: { message: 'vault down' } }));
    const r = await run(['upload'], { cwd, env: { ...env, SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY: 'value-never-shown' } });
    expect(r.err).toContain('error POST /api/systems/poweroffice/secrets failed: the node answered HTTP 500');
    expect(r.err).toContain('the node ACCEPTED the new config and the env vars of the profile; they stay (nothing was rolled back)');
    expect(r.err).toContain('secrets set: none; NOT set: poweroffice');
    expect(r.err).toContain(`sesamflow restore ${relBackup(backups()[0]!)}`);
    expect(r.err).not.toContain('value-never-shown');
    expect(r.code).toBe(3);
    expect(node.env).toEqual(testEnv);
    expect(node.config).toEqual(expect.arrayContaining([collect, enrich, system]));
  });
});

describe('sesamflow restore', () => {
  const upload = async () => {
    const r = await run(['upload'], { cwd, env });
    expect(r.code).toBe(0);
    return backups()[0]!;
  };

  it('puts the backup back, backing up the current state first (exit 0)', async () => {
    const backup = await upload();
    expect(node.env).toEqual(testEnv);
    const r = await run(['restore', relBackup(backup)], { cwd, env });
    expect(r.code).toBe(0);
    nodeIsAsBefore();
    expect(r.err).toContain("the node's current state is backed up in");
    expect(backups()).toHaveLength(2);
    // The config zip went back byte for byte, with force=true.
    const put = node.requests.filter((q) => q.method === 'PUT' && q.path === '/api/config').at(-1)!;
    expect(put.query).toEqual({ force: 'true' });
  });

  it('--dry-run shows the diff (masked) and sends nothing', async () => {
    const backup = await upload();
    const before = node.mutating().length;
    const r = await run(['restore', relBackup(backup), '--dry-run'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.out).toContain('[+] pipe legacy-pipe');
    expect(r.out).toContain('db-password: "******"');
    expect(r.out + r.err).not.toContain('old-secret');
    expect(node.mutating()).toHaveLength(before);
  });

  it('refuses a damaged backup, a missing one and one from another node (exit 2), sending nothing', async () => {
    const backup = await upload();
    const before = node.mutating().length;
    const other = await run(['restore', relBackup(backup), '--node', 'http://127.0.0.1:1', '--jwt', node.jwt], { cwd, env: {} });
    expect(other.err).toContain(`was taken from ${node.url}/api, not from http://127.0.0.1:1/api`);
    expect(other.err).toContain('--any-node');
    expect(other.code).toBe(2);
    const missing = await run(['restore', 'no/such/backup'], { cwd, env });
    expect(missing.err).toContain('backup no/such/backup is incomplete or unreadable: backup.json (ENOENT)');
    expect(missing.code).toBe(2);
    writeFileSync(path.join(backup, 'config.zip'), 'tampered');
    const damaged = await run(['restore', relBackup(backup)], { cwd, env });
    expect(damaged.err).toContain('is damaged: config.zip does not match its SHA-256 in backup.json');
    expect(damaged.code).toBe(2);
    expect(node.mutating()).toHaveLength(before);
  });

  it('--help documents it', async () => {
    const r = await run(['restore', '--help'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.out).toContain('sesamflow restore .sesamflow-backup/datahub-xxxx.sesam.cloud/0007-3f2a9c01b2d4');
    expect((await run(['--help'], { cwd, env })).out).toContain('restore');
  });
});

describe('backups', () => {
  it('are private: folders 0700, files 0600, and the upload says so', async () => {
    const r = await run(['upload'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.err).toContain('(private: folders 0700, files 0600)');
    const [backup] = backups();
    for (const dir of [path.join(cwd, '.sesamflow-backup'), backupRoot(), backup!]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const file of ['config.zip', 'env.json', 'backup.json']) expect(statSync(path.join(backup!, file)).mode & 0o777).toBe(0o600);
  });

  it('a damaged newest backup is not reused: a new one is written and the upload says why', async () => {
    node.rejectWith = [{ 'posted-config': { _id: 'x' }, 'config-errors': [{ level: 'error', msg: 'no' }] }];
    expect((await run(['upload'], { cwd, env })).code).toBe(1);
    const [first] = backups();
    writeFileSync(path.join(first!, 'env.json'), '{}');
    const r = await run(['upload'], { cwd, env });
    expect(r.err).toContain('warning: the newest backup was damaged');
    expect(r.err).toContain('env.json does not match its SHA-256 in backup.json');
    expect(r.err).toContain('backup written:');
    expect(backups().map((b) => path.basename(b).slice(0, 4))).toEqual(['0001', '0002']);
  });
});
