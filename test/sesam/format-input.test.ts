// `sesamflow format` refuses input it cannot read faithfully: non-UTF-8 bytes (rewriting would
// turn them into U+FFFD) and JSON nested deeper than Sesam reads; a UTF-8 BOM is accepted.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatJson, formatJsonText, formatJsonTextTo, isCanonical } from '../../src/sesam/format';
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

describe('large files (the formatted text comes in pieces)', () => {
  /** A config of many entities (over 1 MiB: formatted again straight into the file), canonical except for the key order of the last one. */
  const bigConfig = () => {
    const entities = Array.from({ length: 6000 }, (_, i) => ({ _id: `pipe-${i}`, type: 'pipe', source: { type: 'dataset', dataset: `ds-${i}` }, transform: { type: 'dtl', rules: { default: [['copy', '*'], ['add', 'n', i]] } } }));
    const canonical = formatJson(entities);
    const changed = canonical.replace('{\n  "_id": "pipe-5999",\n  "type": "pipe",', '{\n  "type": "pipe",\n  "_id": "pipe-5999",');
    expect(canonical.length).toBeGreaterThan(1 << 20);
    return { canonical, changed };
  };

  it('formatJsonTextTo hands on the same text as formatJsonText, in more than one piece', () => {
    const { canonical, changed } = bigConfig();
    expect(changed).not.toBe(canonical);
    const pieces: string[] = [];
    formatJsonTextTo(changed, 'big.json', (piece) => pieces.push(piece));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(formatJsonText(changed));
    expect(pieces.join('')).toBe(canonical);
    expect(isCanonical(canonical)).toBe(true);
    expect(isCanonical(changed)).toBe(false);
    expect(isCanonical(`${canonical} `)).toBe(false);
  });

  it('format rewrites a large file that differs only near its end, whole; --check leaves it as it is (exit 1)', async () => {
    const dir = await tempDir('sesamflow-format-');
    const { canonical, changed } = bigConfig();
    await writeFile(path.join(dir, 'big.json'), changed);
    const check = await runCli(['format', '--check', 'big.json'], dir);
    expect(check.code).toBe(1);
    expect(check.err).toContain('not canonical big.json');
    expect(await readFile(path.join(dir, 'big.json'), 'utf8')).toBe(changed);
    const { code, err } = await runCli(['format', 'big.json'], dir);
    expect(code).toBe(0);
    expect(err).toContain('1 rewritten, 0 already canonical');
    expect(await readFile(path.join(dir, 'big.json'), 'utf8')).toBe(canonical);
    const again = await runCli(['format', '--check', 'big.json'], dir);
    expect(again.code).toBe(0);
    expect(again.err).toContain('0 to rewrite, 1 already canonical');
  });

  it('a file that is the canonical text plus trailing text is rewritten without it', async () => {
    const dir = await tempDir('sesamflow-format-');
    const { canonical } = bigConfig();
    await writeFile(path.join(dir, 'big.json'), `${canonical}\n\n`);
    const { code } = await runCli(['format', 'big.json'], dir);
    expect(code).toBe(0);
    expect(await readFile(path.join(dir, 'big.json'), 'utf8')).toBe(canonical);
  });
});
