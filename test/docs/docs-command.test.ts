import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDocs } from '../../src/docs/index';
import { removeTempDirs, runCli, tempDir } from '../helpers/cli';
import { compiled } from './golden';

afterAll(removeTempDirs);

describe('sesamflow docs', () => {
  it('writes the four documents, then leaves them alone when nothing changed', async () => {
    const out = await tempDir();
    const first = await runCli(['docs', '--out', out, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out).written).toEqual([
      'customcrm-powerofficego.rst',
      'customcrm-powerofficego.md',
      'powerofficego-customcrm.rst',
      'powerofficego-customcrm.md',
    ]);
    expect((await readdir(out)).sort()).toEqual([
      'customcrm-powerofficego.md',
      'customcrm-powerofficego.rst',
      'powerofficego-customcrm.md',
      'powerofficego-customcrm.rst',
    ]);
    // Same bytes as generate puts into generated/docs/.
    const expected = renderDocs(await compiled()).find((f) => f.path === 'docs/customcrm-powerofficego.rst')!.content;
    expect(await readFile(path.join(out, 'customcrm-powerofficego.rst'), 'utf8')).toBe(expected);

    const second = await runCli(['docs', '--out', out, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ written: [], unchanged: expect.arrayContaining(['customcrm-powerofficego.rst']) });
    expect(second.err).toContain('0 written, 4 unchanged');
  });

  it('an output path that is a file is bad input: exit 2', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'a-file');
    await (await import('node:fs/promises')).writeFile(file, 'x');
    const run = await runCli(['docs', '--out', file]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^error .*a-file is a file, not a folder: choose a folder to write into/);
    expect(run.err).not.toContain('internal error');
  });

  it('--help shows examples', async () => {
    const run = await runCli(['docs', '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('$ sesamflow docs --out /tmp/docs');
  });
});
