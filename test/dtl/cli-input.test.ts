// `sesamflow dtl` on hostile input: non-UTF-8 files, a BOM, JSON nested 100 000 deep and a rule
// that applies itself forever each get a located message and the documented exit code.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from '../helpers/cli';
import { evalExpr, thrown } from './helpers';

let dir = '';
const dtl = (...args: string[]) => runCli(['dtl', ...args], dir);

beforeAll(async () => {
  dir = await tempDir('sesamflow-dtl-input-');
  await writeFile(path.join(dir, 'rules.json'), '{"default": [["copy", "*"]]}');
  await writeFile(path.join(dir, 'in.json'), '[{"_id": "1"}]');
  await writeFile(path.join(dir, 'latin.json'), Buffer.from('[{"_id": "Bj\xf8rn"}]', 'latin1'));
  await writeFile(path.join(dir, 'bom.json'), '\ufeff[{"_id": "1", "name": "Bjørn"}]');
  await writeFile(path.join(dir, 'deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  await writeFile(path.join(dir, 'recursive.json'), '{"default": [["copy", "_id"], ["add", "x", ["apply", "r", "_S."]]], "r": [["add", "y", ["apply", "r", "_S."]]]}');
});
afterAll(removeTempDirs);

describe('evaluator limits (an error for that entity, not a crash or a hang)', () => {
  it.each([
    [['ljust', 2147483647, 'x', 'a'], '"ljust": WIDTH 2147483647 is larger than the 1000000 characters a value may have offline'],
    [['^', ['^', 9, 100000], 100000], '"^": the result would have about 31699300000 bits, more than the 1000000 an integer may have offline'],
  ])('%j', (expr, message) => {
    expect(thrown(() => evalExpr(expr)).message).toBe(message);
  });
  it('gives null for a decimal exponent it cannot expand and for datetimes beyond any calendar', () => {
    expect(evalExpr(['decimal', '1e999999999'])).toBeNull();
    expect(evalExpr(['datetime-plus', 'year', 2147483647, '~t2020-01-01T00:00:00Z'])).toBeNull();
  });
});

describe('sesamflow dtl input', () => {
  it('refuses a non-UTF-8 input file with its line:column (exit 2)', async () => {
    const { code, out, err } = await dtl('--rules', 'rules.json', '--input', 'latin.json');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^error input file .*latin\.json: not valid UTF-8 at 1:13 \(byte offset 12: 0xf8 0x72 0x6e 0x22\); Sesam config is UTF-8/);
  });

  it('refuses a non-UTF-8 rules file (exit 2)', async () => {
    const { code, err } = await dtl('--rules', 'latin.json', '--input', 'in.json');
    expect(code).toBe(2);
    expect(err).toMatch(/^error rules file .*latin\.json: not valid UTF-8 at 1:13/);
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const { code, out } = await dtl('--rules', 'rules.json', '--input', 'bom.json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([{ _id: '1', name: 'Bjørn' }]);
  });

  it('refuses JSON nested 100 000 deep with its place, without crashing (exit 2)', async () => {
    for (const args of [['--rules', 'deep.json', '--input', 'in.json'], ['--rules', 'rules.json', '--input', 'deep.json']]) {
      const { code, err } = await dtl(...args);
      expect(code).toBe(2);
      expect(err).toMatch(/deep\.json:1:1001: invalid JSON: nesting deeper than 1000 levels/);
      expect(err).not.toContain('internal error');
    }
  });

  it('stops a rule that applies itself forever with a located error (exit 1)', async () => {
    const { code, out, err } = await dtl('--rules', 'recursive.json', '--input', 'in.json');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('error in.json[0] (_id "1"): rule "r" is applied more than 256 levels deep ($.rules.r[0][2]); a rule that applies itself needs a condition that stops it\n');
  });
});
