// Real public Sesam configs (official connectors, sesam-py's own test projects, training and
// tutorial repositories) in test/validate/corpus/<folder>/, each with validate-expected.json:
// the number of errors and warnings `validate` reports, and every error grouped by reason
// (rule, file, path, message) with a note on why a node would refuse it too or why it cannot work.
// `before` records what the validator reported on the same folder before it learned to judge
// configs like a node (connectors expanded with sesam-py's own expander).
// Regenerate counts and reasons after an intended change: UPDATE_GOLDEN=1 (keeps notes and `before`).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFolder, type Problem } from '../../src/validate/index';

const CORPUS = path.join(import.meta.dirname, 'corpus');
const EXPECTED = 'validate-expected.json';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Reason {
  count: number;
  rule: string;
  file: string;
  path: string;
  message: string;
  why?: string;
}

interface Expected {
  source: string;
  before?: { errors: number; warnings: number; note?: string };
  errors: number;
  warnings: number;
  reasons: Reason[];
}

/** Errors grouped by everything but the entity id (one template expands into many pipes). */
function reasonsOf(problems: Problem[]): Omit<Reason, 'why'>[] {
  const groups = new Map<string, Omit<Reason, 'why'>>();
  for (const p of problems.filter((x) => x.severity === 'error')) {
    const key = JSON.stringify([p.rule, p.file, p.path, p.message]);
    const group = groups.get(key) ?? { count: 0, rule: p.rule, file: p.file, path: p.path, message: p.message };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()];
}

const folders = (await readdir(CORPUS, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('validate on real public Sesam configs (test/validate/corpus)', () => {
  it('has the corpus', () => {
    expect(folders.length).toBeGreaterThanOrEqual(20);
  });

  for (const folder of folders)
    it(`${folder}: errors and their reasons are pinned`, async () => {
      const file = path.join(CORPUS, folder, EXPECTED);
      const expected = JSON.parse(await readFile(file, 'utf8')) as Expected;
      const { problems, checked } = await validateFolder(path.join(CORPUS, folder));
      expect(checked).not.toContain(EXPECTED);
      const errors = problems.filter((p) => p.severity === 'error').length;
      const actual = { errors, warnings: problems.length - errors, reasons: reasonsOf(problems) };
      if (UPDATE) {
        const why = new Map(expected.reasons.map((r) => [JSON.stringify([r.rule, r.file, r.path, r.message]), r.why]));
        const reasons = actual.reasons.map((r) => ({ ...r, why: why.get(JSON.stringify([r.rule, r.file, r.path, r.message])) ?? 'TODO' }));
        await writeFile(file, `${JSON.stringify({ ...expected, ...actual, reasons }, null, 2)}\n`);
        return;
      }
      expect({ errors: actual.errors, warnings: actual.warnings }).toEqual({ errors: expected.errors, warnings: expected.warnings });
      expect(actual.reasons).toEqual(expected.reasons.map(({ why: _why, ...r }) => r));
      for (const r of expected.reasons) expect(r.why, `${folder}: say why "${r.message}" is a real error`).toMatch(/\w{10}/);
    });
});
