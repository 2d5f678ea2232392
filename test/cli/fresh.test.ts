// Nothing the CLI caches outlives what it was built from: an edited JSON Schema is seen by the
// very next `sesamflow test` run of the real binary (no cache to clear).
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';
import { customerScenario } from '../helpers/scenarios';

afterAll(removeTempDirs);

const run = async (cwd: string, args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO, 'src/cli/bin.mjs'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
};

const SCENARIO = customerScenario('a CRM customer reaches PowerOffice', 'Fjord AS');

describe('fresh by construction', () => {
  it('a schema edit is seen by the next test run', async () => {
    const dir = await tempDir('sesamflow-fresh-');
    for (const name of ['src', 'node_modules', 'templates']) await symlink(path.join(REPO, name), path.join(dir, name));
    for (const name of ['systems', 'pipes']) await cp(path.join(REPO, name), path.join(dir, name), { recursive: true });
    await mkdir(path.join(dir, 'scenarios'));
    await writeFile(path.join(dir, 'scenarios/customer.yaml'), SCENARIO);

    const before = await run(dir, ['test', '--scenarios', 'scenarios']);
    expect(before.out + before.err).toContain('1 passed, 0 failed');
    expect(before.code).toBe(0);

    // PowerOffice now takes names of at most 3 characters: the emulated API must refuse "Fjord AS".
    const file = path.join(dir, 'systems/poweroffice/schemas/customers.schema.json');
    const schema = JSON.parse(await readFile(file, 'utf8'));
    schema.$defs.write.properties.Name.maxLength = 3;
    await writeFile(file, JSON.stringify(schema, null, 2));

    const after = await run(dir, ['test', '--scenarios', 'scenarios']);
    expect(after.code).toBe(1);
    expect(after.out).toContain('0 passed, 1 failed');
    expect(after.out + after.err).toMatch(/Name/);
  });
});
