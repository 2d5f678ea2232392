// Two runs of the real binary (bin.mjs → tsx → main), with credentials from a .syncconfig.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, startFakeNode, type FakeNode } from './fake-node';
import { cleanupTemp, collect, enrich, metadata, system, tempDir, writeProject } from './helpers';

const bin = path.resolve(__dirname, '../../src/cli/bin.mjs');

function spawnCli(args: string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, NODE: '', JWT: '', NO_COLOR: '1' };
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let node: FakeNode;
let cwd: string;
beforeEach(async () => {
  node = await startFakeNode({ config: [metadata, system, collect] });
  cwd = tempDir();
  writeProject(cwd);
});
afterEach(async () => {
  await node.close();
  cleanupTemp();
});

describe('sesamflow binary', () => {
  it('upload --dry-run with credentials from .syncconfig sends nothing and exits 0', async () => {
    writeFileSync(path.join(cwd, '.syncconfig'), `NODE="${node.url}"\nJWT="${node.jwt}"\n`);
    const result = await spawnCli(['upload', '--dry-run'], cwd);
    expect(result.err).toContain(`node ${node.url}/api (node URL and JWT from ${path.join(cwd, '.syncconfig')})`);
    expect(result.code).toBe(0);
    expect(result.out).toContain('[+] pipe poweroffice-customers-enrich');
    expect(node.mutating()).toEqual([]);
  });

  it('status against a closed port exits 3 without a stack trace', async () => {
    const port = await closedPort();
    const result = await spawnCli(['status', '--node', `http://127.0.0.1:${port}`, '--jwt', 'x', '--retries', '0'], cwd);
    expect(result.code).toBe(3);
    expect(result.err).toContain('cannot reach the node');
    expect(result.err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
