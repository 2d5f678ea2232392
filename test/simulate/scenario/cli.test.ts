import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { removeTempDirs, runCli, tempDir } from '../../helpers/cli';
import { customerScenario, FAILING_SCENARIO } from '../../helpers/scenarios';

const PASSING = customerScenario('customer goes to PowerOffice', 'Fjord AS', '  - sync: {expect_writes: {customcrm: 0, poweroffice: 0}}\n');
const FAILING = FAILING_SCENARIO;
const PENDING = `name: waits for a fix
pending: generator bug
steps:
  - sync: {}
`;

async function scenarios(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe('sesamflow test', () => {
  afterAll(removeTempDirs);

  it('prints a line per scenario and a summary, exit 1 when one fails', async () => {
    const dir = await scenarios({ 'a-pass.yaml': PASSING, 'b-fail.yaml': FAILING, 'c-pending.yaml': PENDING });
    const r = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^✓ customer goes to PowerOffice \(.*a-pass\.yaml\)$/);
    expect(lines[1]).toMatch(/^✗ expects the wrong name \(.*b-fail\.yaml\)$/);
    expect(lines[2]).toBe('    step 3 (expect), line 8: expected 1 poweroffice customers record matching {"Name":"Fjell AS"}, found 0');
    expect(r.out).toContain('does not match: Name: expected "Fjell AS", found "Fjord AS"');
    expect(r.out).toMatch(/○ waits for a fix \(.*c-pending\.yaml\) pending: generator bug/);
    expect(r.out.trimEnd().split('\n').pop()).toBe('1 passed, 1 failed, 1 pending');
  });

  it('exits 0 when every scenario passes, filters by name, and reports JSON', async () => {
    const dir = await scenarios({ 'a-pass.yaml': PASSING, 'b-fail.yaml': FAILING });
    const ok = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--filter', 'a-pass']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('1 passed, 0 failed');
    const json = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--json']);
    expect(json.code).toBe(1);
    const results = JSON.parse(json.out) as { status: string; failure?: { step: number } }[];
    expect(results.map((x) => x.status)).toEqual(['passed', 'failed']);
    expect(results[1]!.failure!.step).toBe(3);
  });

  it('exits 2 when --config is not a generated folder', async () => {
    const empty = await tempDir();
    const r = await runCli(['test', '--config', empty]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`config folder ${empty} has no pipes`);
    const missing = await runCli(['test', '--config', '/nonexistent/generated']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read config folder /nonexistent/generated');
  });

  it('exits 2 when the filter matches nothing', async () => {
    const dir = await scenarios({ 'a-pass.yaml': PASSING });
    const r = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--filter', 'nothing-like-this']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('matches "nothing-like-this"');
  });
});

describe('sesamflow simulate', () => {
  afterAll(removeTempDirs);

  it('runs the pipes once over the inputs and writes every produced dataset', async () => {
    const input = await tempDir();
    const out = path.join(await tempDir(), 'out');
    await writeFile(
      path.join(input, 'customcrm-customer-collect.json'),
      JSON.stringify([{ _id: 'cu-1', id: 'cu-1', name: 'Fjord AS', email: 'post@fjord.no', is_person: false, updated_at: '2026-01-01T10:00:00+00:00', '$last-modified': '~t2026-01-01T10:00:00Z' }]),
    );
    const r = await runCli(['simulate', '--input', input, '--out', out, '--config', 'generated', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).datasets).toMatchObject({ 'global-organisation': 1, 'poweroffice-customers-transform': 1 });
    const transform = JSON.parse(await readFile(path.join(out, 'poweroffice-customers-transform.json'), 'utf8'));
    expect(transform).toEqual([expect.objectContaining({ _id: 'customcrm-customer:cu-1', Name: 'Fjord AS', ExternalImportReference: 'cu-1', $origin: 'customcrm-customer:cu-1' })]);
    expect(transform[0]._hash).toBeUndefined();
  });

  it('exits 2 for unreadable or malformed inputs', async () => {
    const missing = await runCli(['simulate', '--input', '/nonexistent/in', '--config', 'generated']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read --input folder /nonexistent/in');
    const dir = await tempDir();
    await mkdir(path.join(dir, 'x'));
    await writeFile(path.join(dir, 'customcrm-customer-collect.json'), '{"not": "a list"}');
    const bad = await runCli(['simulate', '--input', dir, '--config', 'generated']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('customcrm-customer-collect.json must hold a JSON array of entities');
    await writeFile(path.join(dir, 'customcrm-customer-collect.json'), '[]');
    await writeFile(path.join(dir, 'no-such-dataset.json'), '[]');
    const unknown = await runCli(['simulate', '--input', dir, '--config', 'generated']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no pipe reads or writes a dataset "no-such-dataset"');
  });
});
