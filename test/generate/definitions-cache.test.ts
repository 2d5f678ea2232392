// The definitions are bundled by esbuild only when something they are built from changed: the
// bundle of the last run is reused while every file esbuild read, the folders they lie in and the
// project's package.json and tsconfig.json are as they were. Files changed moments before a build
// are never trusted to be in it (a file's change time cannot be set back, so the tests that need
// reuse narrow that window to nothing).
import { cp, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { definitionCache, loadDefinitions } from '../../src/compile/load';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

afterAll(removeTempDirs);

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Sets the times of `paths` (files and folders) an hour back, as files not touched lately are. */
const age = (...paths: string[]) => Promise.all(paths.map((p) => utimes(p, HOUR_AGO, HOUR_AGO)));

/** A project with its own systems/ and pipes/ (src/ and node_modules/ linked), all of it an hour old. */
async function oldProject(): Promise<string> {
  const dir = await tempDir('sesamflow-defcache-');
  for (const name of ['src', 'node_modules', 'templates']) await symlink(path.join(REPO, name), path.join(dir, name));
  for (const name of ['systems', 'pipes']) await cp(path.join(REPO, name), path.join(dir, name), { recursive: true });
  await ageTree(dir);
  return dir;
}

async function ageTree(dir: string): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) await walk(path.join(d, e.name));
      await age(path.join(d, e.name));
    }
  };
  await walk(dir);
  await age(dir);
}

const customerSchema = (dir: string) => path.join(dir, 'systems/customcrm/schemas/customer.schema.json');
const maxLengthOfName = async (dir: string) => {
  const { systems } = await loadDefinitions(dir);
  const customcrm = systems.find((s) => s.id === 'customcrm')!;
  const schema = customcrm.schemas.find((s) => s.$id === 'customcrm/customer') as { properties: { name: { maxLength?: number } } };
  return schema.properties.name.maxLength;
};

describe('the definitions bundle cache', () => {
  it('reuses the bundle while nothing changed, and builds again after an edit, whatever its time stamps', async () => {
    definitionCache.racyMs = -60_000; // here: every file counts as old enough
    onTestFinished(() => {
      definitionCache.racyMs = 2000;
    });
    const dir = await oldProject();
    const before = definitionCache.builds;
    await loadDefinitions(dir);
    expect(definitionCache.builds).toBe(before + 1);
    await loadDefinitions(dir);
    expect(definitionCache.builds).toBe(before + 1); // reused

    // An imported JSON Schema edited (its modification time set back, as a copy may do): built again, and the edit is seen.
    const schema = JSON.parse(await readFile(customerSchema(dir), 'utf8'));
    schema.properties.name.maxLength = 7;
    await writeFile(customerSchema(dir), JSON.stringify(schema, null, 2));
    await age(customerSchema(dir));
    expect(await maxLengthOfName(dir)).toBe(7);
    expect(definitionCache.builds).toBe(before + 2);

    // A new file next to the definitions (it could change what an import resolves to): built again.
    await ageTree(dir);
    await loadDefinitions(dir);
    const builds = definitionCache.builds;
    await writeFile(path.join(dir, 'systems/customcrm/notes.ts'), 'export const x = 1;\n');
    await loadDefinitions(dir);
    expect(definitionCache.builds).toBe(builds + 1);
  });

  it('never reuses a bundle of files changed just before it was built', async () => {
    const dir = await oldProject();
    const flow = path.join(dir, 'pipes/customer-customers.ts');
    await writeFile(flow, await readFile(flow, 'utf8')); // saved just now
    const before = definitionCache.builds;
    await loadDefinitions(dir);
    await loadDefinitions(dir);
    expect(definitionCache.builds).toBe(before + 2);
  });
});
