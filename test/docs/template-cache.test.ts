// Templates are compiled once and kept, precompiled, in node_modules/.cache/sesamflow/templates
// under a key of their text: a later run renders from there, and a damaged entry is compiled again.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

afterAll(removeTempDirs);

const CACHE = path.join(REPO, 'node_modules', '.cache', 'sesamflow', 'templates');
const docs = async (out: string) => {
  await promisify(execFile)(process.execPath, [path.join(REPO, 'src/cli/bin.mjs'), 'docs', '--out', out], { cwd: REPO });
  const names = (await readdir(out)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(path.join(out, n), 'utf8')] as const)));
};

describe('the template cache', () => {
  it('renders the same documents from the cache, and compiles a damaged entry again', async () => {
    const first = await docs(await tempDir('sesamflow-docs-'));
    const cached = (await readdir(CACHE)).filter((n) => n.endsWith('.js'));
    expect(cached.length).toBeGreaterThanOrEqual(4); // two document templates, two partials
    expect(await docs(await tempDir('sesamflow-docs-'))).toEqual(first);

    for (const name of cached) await writeFile(path.join(CACHE, name), 'this is not { JavaScript');
    expect(await docs(await tempDir('sesamflow-docs-'))).toEqual(first);
    // The entries of the current templates are whole again (entries of other template texts may stay as they are).
    const repaired = (await Promise.all(cached.map((name) => readFile(path.join(CACHE, name), 'utf8')))).filter((text) => text.startsWith('{'));
    expect(repaired.length).toBeGreaterThanOrEqual(4);
  });
});
