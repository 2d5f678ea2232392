// The formatter against sesam-py's own format_json (test/bench/reference/jsonformat.py, run by
// Python when python3 is installed): random JSON texts — keys out of order and repeated, escapes,
// nesting, floats, big integers, layouts of every kind — must come out byte for byte the same.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJsonText } from '../../src/sesam/format';

const hasPython = spawnSync('python3', ['-c', 'import json'], { stdio: 'ignore' }).status === 0;
const REFERENCE = path.join(import.meta.dirname, '..', 'bench', 'reference', 'format_reference.py');

const keyArb = fc.oneof(
  fc.constantFrom('_id', 'type', 'name', 'description', 'source', 'sink', 'transform', 'pump', 'default', 'datasets', '_deleted', '_ts', '$audit', '$ids', 'a', 'B', 'é', 'ø', '😀', 'a b', 'q"x', 'b\\s', '\t'),
  fc.string({ maxLength: 4 }),
);
const scalarText = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '0', '-0', '1.0', '1.50', '1E5', '-2.5e-7', '1e16', '0.0001', '12345678901234567890123', '3', '"\\u00e9\\n\\"\\/"', '"x\\ud83d\\ude00"', '""'),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
);
const ws = fc.constantFrom('', ' ', '\n', '\n    ', '\t', ' \r\n ');
/** JSON text built directly (not via JSON.stringify), so keys can repeat and layouts vary. */
const { text } = fc.letrec<{ text: string; array: string; object: string }>((tie) => ({
  text: fc.oneof({ depthSize: 'small' }, scalarText, tie('array'), tie('object')),
  array: fc.tuple(fc.array(fc.tuple(ws, tie('text'), ws), { maxLength: 5 }), ws).map(([items, w]) => `[${w}${items.map(([a, t, b]) => `${a}${t}${b}`).join(',')}]`),
  object: fc
    .tuple(fc.array(fc.tuple(keyArb, ws, tie('text')), { maxLength: 6 }), ws)
    .map(([members, w]) => `{${w}${members.map(([k, s, v]) => `${JSON.stringify(k)}${s}:${s}${v}`).join(',')}${w}}`),
}));

describe.skipIf(!hasPython)('formatJsonText is sesam-py format_json (Python reference)', () => {
  it('gives the same bytes on 300 random JSON texts', async () => {
    const samples = fc.sample(text, { numRuns: 300, seed: 20260101 }) as string[];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sesamflow-format-python-'));
    try {
      const files = await Promise.all(
        samples.map(async (sample, i) => {
          const file = path.join(dir, `${i}.json`);
          await writeFile(file, sample);
          return file;
        }),
      );
      const run = spawnSync('python3', [REFERENCE, ...files], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      for (const [i, sample] of samples.entries()) {
        expect(formatJsonText(sample), `sample ${i}: ${sample}`).toBe(await readFile(files[i]!, 'utf8'));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
