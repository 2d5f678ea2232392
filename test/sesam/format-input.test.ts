// `sesamflow format` refuses input it cannot read faithfully: non-UTF-8 bytes (rewriting would
// turn them into U+FFFD) and JSON nested deeper than Sesam reads; a UTF-8 BOM is accepted.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from '../helpers/cli';

afterAll(removeTempDirs);

describe('format input', () => {
  it('refuses a Latin-1 file with its line:column and leaves it untouched (exit 2)', async () => {
    const dir = await tempDir('sesamflow-format-');
    const bytes = Buffer.from('{\n  "_id": "Bj\xf8rn"\n}\n', 'latin1');
    await writeFile(path.join(dir, 'latin.conf.json'), bytes);
    const { code, out, err } = await runCli(['format', 'latin.conf.json'], dir);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      'error 1 file could not be formatted\n  latin.conf.json: not valid UTF-8 at 2:13 (byte offset 14: 0xf8 0x72 0x6e 0x22); Sesam config is UTF-8: convert the file (e.g. from Latin-1) and try again\n',
    );
    expect(await readFile(path.join(dir, 'latin.conf.json'))).toEqual(bytes);
  });

  it('accepts a UTF-8 byte order mark and writes the file without it', async () => {
    const dir = await tempDir('sesamflow-format-');
    await writeFile(path.join(dir, 'test-env.json'), '\ufeff{"node-env": "test"}');
    const { code } = await runCli(['format', 'test-env.json'], dir);
    expect(code).toBe(0);
    expect(await readFile(path.join(dir, 'test-env.json'), 'utf8')).toBe('{\n  "node-env": "test"\n}\n');
  });

  it('refuses JSON nested 100 000 levels deep with a location, without crashing (exit 2)', async () => {
    const dir = await tempDir('sesamflow-format-');
    await writeFile(path.join(dir, 'deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const { code, err } = await runCli(['format', 'deep.json'], dir);
    expect(code).toBe(2);
    expect(err).toContain("deep.json:1:1001: invalid JSON: nesting deeper than 1000 levels (Sesam's own JSON reader refuses it too)");
    expect(err).not.toContain('internal error');
  });
});
