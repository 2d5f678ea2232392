import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandSeams } from '../../src/node/command-options';
import { cleanNodeMetadata } from '../../src/node/download';
import { formatJson } from '../../src/sesam/format';
import type { JsonObject } from '../../src/sesam/project';
import { startFakeNode, type FakeNode } from './fake-node';
import { cleanupTemp, collect, enrich, metadata, run, system, tempDir, testEnv, writeProject } from './helpers';

// What the node holds after a `sesam upload` (which injects scheduler flags into the metadata).
const nodeMetadata: JsonObject = {
  _id: 'node',
  type: 'metadata',
  task_manager: { disable_user_pipes: true },
  global_defaults: { eager_load_microservices: false },
};
let node: FakeNode;
let cwd: string;
let env: Record<string, string>;

beforeAll(() => {
  commandSeams.client = { sleep: async () => {} };
});
afterAll(() => {
  commandSeams.client = {};
});
beforeEach(async () => {
  node = await startFakeNode({ config: [nodeMetadata, system, collect, enrich], env: testEnv });
  cwd = tempDir();
  env = { NODE: node.url, JWT: node.jwt };
});
afterEach(async () => {
  await node.close();
  cleanupTemp();
});

describe('cleanNodeMetadata (sesam-py remove_task_manager_settings)', () => {
  it('drops injected flags the local metadata does not have, with their empty sections', () => {
    expect(cleanNodeMetadata(nodeMetadata, undefined)).toEqual({ _id: 'node', type: 'metadata' });
  });
  it('restores the local values', () => {
    const local = { _id: 'node', type: 'metadata', task_manager: { disable_user_pipes: false }, global_defaults: { eager_load_microservices: true } };
    expect(cleanNodeMetadata(nodeMetadata, local)).toEqual(local);
  });
  it('leaves values sesam-py does not inject alone', () => {
    const remote = { _id: 'node', type: 'metadata', task_manager: { disable_user_pipes: false, x: 1 }, global_defaults: { enable_cpp_extensions: true } };
    expect(cleanNodeMetadata(remote, undefined)).toEqual(remote);
  });
});

describe('sesamflow download', () => {
  it('writes the canonical files, cleans metadata, removes only stale pipe/system files', async () => {
    const out = path.join(cwd, 'snapshot');
    mkdirSync(path.join(out, 'pipes'), { recursive: true });
    writeFileSync(path.join(out, 'pipes', 'stale.conf.json'), '{"_id": "stale", "type": "pipe"}');
    writeFileSync(path.join(out, 'pipes', 'notes.md'), 'keep me');
    writeFileSync(path.join(out, 'README.md'), 'keep me too');

    const result = await run(['download', '--out', 'snapshot'], { cwd, env });
    expect(result.code).toBe(0);
    expect(node.mutating()).toEqual([]);
    expect(readFileSync(path.join(out, 'pipes', 'poweroffice-customers-enrich.conf.json'), 'utf8')).toBe(formatJson(enrich));
    expect(readFileSync(path.join(out, 'systems', 'poweroffice.conf.json'), 'utf8')).toBe(formatJson(system));
    expect(readFileSync(path.join(out, 'node-metadata.conf.json'), 'utf8')).toBe(formatJson({ _id: 'node', type: 'metadata' }));
    expect(readFileSync(path.join(out, 'test-env.json'), 'utf8')).toBe(formatJson(testEnv));
    expect(existsSync(path.join(out, 'pipes', 'stale.conf.json'))).toBe(false);
    expect(readFileSync(path.join(out, 'pipes', 'notes.md'), 'utf8')).toBe('keep me');
    expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toBe('keep me too');
    expect(result.out).toContain('removed snapshot/pipes/stale.conf.json');
    expect(result.out).toContain('written snapshot/pipes/poweroffice-customers-collect.conf.json');

    // A second download changes nothing.
    const again = await run(['download', '--out', 'snapshot', '--json'], { cwd, env });
    expect(JSON.parse(again.out)).toMatchObject({ written: [], removed: [], unchanged: expect.arrayContaining(['test-env.json']) });
  });

  it('restores the local metadata flags over the injected ones', async () => {
    const dir = writeProject(cwd);
    expect((await run(['download'], { cwd, env })).code).toBe(0);
    expect(readFileSync(path.join(dir, 'node-metadata.conf.json'), 'utf8')).toBe(formatJson(metadata));
  });

  it('a bad JWT exits 3 and writes nothing', async () => {
    const result = await run(['download', '--out', 'x'], { cwd, env: { ...env, JWT: 'bad' } });
    expect(result.code).toBe(3);
    expect(existsSync(path.join(cwd, 'x'))).toBe(false);
  });
});

describe('sesamflow status', () => {
  it('is in sync (exit 0) with what was uploaded, and after a download', async () => {
    writeProject(cwd);
    expect((await run(['upload'], { cwd, env })).code).toBe(0);
    const result = await run(['status'], { cwd, env });
    expect(result.out).toBe('In sync: 4 config file(s) and test-env.json match the node\n');
    expect(result.code).toBe(0);

    expect((await run(['download', '--out', 'snap'], { cwd, env })).code).toBe(0);
    expect((await run(['status', 'snap'], { cwd, env })).code).toBe(0);
  });

  it('compares bytes: a non-canonical layout is out of sync (exit 1), with --diff and --json', async () => {
    const dir = writeProject(cwd);
    node.config = [metadata, system, collect, enrich];
    writeFileSync(path.join(dir, 'pipes', 'poweroffice-customers-collect.conf.json'), JSON.stringify(collect, null, 4));
    writeFileSync(path.join(dir, 'pipes', 'local-only.conf.json'), formatJson({ _id: 'local-only', type: 'pipe' }));
    node.config.push({ _id: 'node-only', type: 'pipe' });
    node.env = { ...testEnv, 'poweroffice-client-secret': 'remote-value', 'node-env': 'prod' };

    const text = await run(['status', '--diff'], { cwd, env });
    expect(text.code).toBe(1);
    expect(text.out).toContain('pipes/poweroffice-customers-collect.conf.json: differs from the node');
    expect(text.out).toContain('--- local/pipes/poweroffice-customers-collect.conf.json');
    expect(text.out).toContain('pipes/local-only.conf.json: local only (not on the node)');
    expect(text.out).toContain('pipes/node-only.conf.json: on the node only (not local)');
    expect(text.out).toContain('test-env.json: differs from the node');
    expect(text.out).toContain('+  "node-env": "prod",');
    expect(text.out).not.toContain('remote-value');
    expect(text.err).toContain('is NOT in sync with');

    const json = await run(['status', '--json'], { cwd, env });
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out) as { inSync: boolean; files: { path: string; state: string }[] };
    expect(parsed.inSync).toBe(false);
    expect(parsed.files).toEqual([
      { path: 'node-metadata.conf.json', state: 'in-sync' },
      { path: 'pipes/local-only.conf.json', state: 'local-only' },
      { path: 'pipes/node-only.conf.json', state: 'node-only' },
      { path: 'pipes/poweroffice-customers-collect.conf.json', state: 'differs' },
      { path: 'pipes/poweroffice-customers-enrich.conf.json', state: 'in-sync' },
      { path: 'systems/poweroffice.conf.json', state: 'in-sync' },
    ]);
  });
});

describe('sesamflow diff', () => {
  it('exits 0 without --fail, 1 with --fail when the node differs', async () => {
    writeProject(cwd, [metadata, system, collect, { ...enrich, description: 'changed' }]);
    node.config = [metadata, system, collect, enrich];
    const plain = await run(['diff'], { cwd, env });
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('[~] pipe poweroffice-customers-enrich');
    expect(plain.out).toContain('[+] description: "changed"');
    const failing = await run(['diff', '--fail'], { cwd, env });
    expect(failing.code).toBe(1);
    expect(failing.err).toContain('generated differs from the node (--fail)');
    expect(node.mutating()).toEqual([]);
  });

  it('--fail passes (exit 0) when nothing differs; --json reports differs false', async () => {
    writeProject(cwd);
    node.config = [metadata, system, collect, enrich];
    const result = await run(['diff', '--fail', '--json'], { cwd, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ differs: false, unchanged: 4, env: [] });
  });

  it('an unreadable config file is refused (exit 1); a bad JWT exits 3', async () => {
    const dir = writeProject(cwd);
    const bad = await run(['diff', '--node', env.NODE!, '--jwt', 'wrong'], { cwd, env });
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('HTTP 401');
    writeFileSync(path.join(dir, 'pipes', 'broken.conf.json'), '{');
    const broken = await run(['diff'], { cwd, env });
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('pipes/broken.conf.json');
  });
});

describe('canonicalEntryText', () => {
  it('keeps the number text Python would print (byte-compatible with sesam download)', async () => {
    const { canonicalEntryText } = await import('../../src/node/download');
    const text = canonicalEntryText({ path: 'pipes/p.conf.json', text: '{"type":"pipe","batch_size":1.0,"_id":"p","big":12345678901234567890}', entity: {} }, undefined);
    expect(text).toBe('{\n  "_id": "p",\n  "type": "pipe",\n  "batch_size": 1.0,\n  "big": 12345678901234567890\n}\n');
  });
});

describe('sesamflow diff without a profile file', () => {
  it('compares the config and says env vars were not compared', async () => {
    writeProject(cwd, [metadata, system, collect, enrich], {});
    node.config = [metadata, system, collect, enrich];
    const result = await run(['diff', '--fail'], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.err).toContain('no generated/test-env.json: env vars are not compared');
    expect(node.requests.some((r) => r.path === '/api/env')).toBe(false);
  });
});
