// The one writer of sesamflow's cache files (kept parses, validation markers, generated code):
// whole files only, the most recent few kept, and a cache that cannot be written is no error.
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keepFile } from '../../../src/code-cache';
import { removeTempDirs, tempDir } from '../../helpers/cli';

describe('keepFile', () => {
  afterAll(removeTempDirs);

  it('writes the file whole into a folder it makes, leaving no temporary file', async () => {
    const dir = path.join(await tempDir(), 'a', 'b');
    keepFile(path.join(dir, 'k.bin'), new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path.join(dir, 'k.bin'))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['k.bin']);
  });

  it('keeps the most recent files of the same extension only, and no other file is touched', async () => {
    const dir = await tempDir();
    for (let i = 0; i < 4; i++) {
      writeFileSync(path.join(dir, `old${i}.ok`), '');
      utimesSync(path.join(dir, `old${i}.ok`), 1_000 + i, 1_000 + i);
    }
    writeFileSync(path.join(dir, 'other.js'), '');
    utimesSync(path.join(dir, 'other.js'), 1, 1);
    keepFile(path.join(dir, 'new.ok'), '', 3);
    expect(readdirSync(dir).sort()).toEqual(['new.ok', 'old2.ok', 'old3.ok', 'other.js']);
  });

  it('says nothing and throws nothing when the cache cannot be written (its folder is a file)', async () => {
    const dir = await tempDir();
    writeFileSync(path.join(dir, 'blocked'), 'a file, not a folder');
    expect(() => keepFile(path.join(dir, 'blocked', 'k.ok'), '', 2)).not.toThrow();
    expect(readFileSync(path.join(dir, 'blocked'), 'utf8')).toBe('a file, not a folder');
  });
});
