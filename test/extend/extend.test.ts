// The integration grows by definitions alone: a copy of this project gets a sixth datatype pair
// (CRM `project` ↔ PowerOffice `projects`) and its dataflow by exactly the steps of the README's
// "Add a dataflow" recipe — schemas, generated types, registrations in systems/*/index.ts, one
// pipes/ file, scenarios — and then type-checks, generates, validates, renders its documents and
// passes every scenario, with src/ untouched. The files it adds are in test/extend/fixture/.
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTypesCommand } from '../../src/sesam/gen-types';
import { REPO, removeTempDirs, runCli, tempDir } from '../helpers/cli';

const FIXTURE = path.join(REPO, 'test/extend/fixture');
let dir: string;

afterAll(removeTempDirs);

async function treeHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (rel: string) => {
    for (const entry of (await readdir(path.join(root, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) await walk(child);
      else hash.update(child).update(await readFile(path.join(root, child)));
    }
  };
  await walk('');
  return hash.digest('hex');
}

/** Registers a datatype in a system's index.ts: its type and schema imports, its schema, its definition. */
async function register(file: string, imports: string[], schemaVar: string, registration: string): Promise<void> {
  let text = await readFile(file, 'utf8');
  const lastImport = [...text.matchAll(/^import .*;$/gm)].at(-1)!;
  const at = lastImport.index! + lastImport[0].length;
  text = `${text.slice(0, at)}\n${imports.join('\n')}${text.slice(at)}`;
  text = text.replace(/^ {2}schemas: \[/m, `  schemas: [\n    ${schemaVar},`);
  text = text.replace(/^ {2}datatypes: \{\n/m, `  datatypes: {\n${registration}`);
  await writeFile(file, text);
}

beforeAll(async () => {
  dir = await tempDir('sesamflow-extend-');
  for (const name of ['src', 'systems', 'pipes', 'templates']) await cp(path.join(REPO, name), path.join(dir, name), { recursive: true });
  await mkdir(path.join(dir, 'test'));
  await cp(path.join(REPO, 'test/scenarios'), path.join(dir, 'test/scenarios'), { recursive: true });
  for (const name of ['package.json', 'tsconfig.json']) await cp(path.join(REPO, name), path.join(dir, name));
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));

  // 1. The JSON Schemas of both datatypes (read and write models).
  for (const f of ['systems/customcrm/schemas/project.schema.json', 'systems/poweroffice/schemas/projects.schema.json']) await cp(path.join(FIXTURE, f), path.join(dir, f));
  // 2. Their TypeScript types (`npm run types`).
  expect(await runTypesCommand([], dir, () => {})).toBe(0);
  // 3. The datatypes registered with their systems.
  await register(
    path.join(dir, 'systems/customcrm/index.ts'),
    ["import type { CrmProject } from './types/project';", "import projectSchema from './schemas/project.schema.json';"],
    'projectSchema',
    await readFile(path.join(FIXTURE, 'systems/customcrm/project.registration.ts.txt'), 'utf8'),
  );
  await register(
    path.join(dir, 'systems/poweroffice/index.ts'),
    [
      "import type { PoProject, PoProjectWrite } from './types/projects';",
      "import type { PoProjectCreateOnly } from './types/projects.readonly';",
      "import projectsSchema from './schemas/projects.schema.json';",
    ],
    'projectsSchema',
    await readFile(path.join(FIXTURE, 'systems/poweroffice/projects.registration.ts.txt'), 'utf8'),
  );
  // 4. The dataflow, and 5. its scenarios.
  await cp(path.join(FIXTURE, 'pipes/project-projects.ts'), path.join(dir, 'pipes/project-projects.ts'));
  for (const f of await readdir(path.join(FIXTURE, 'test/scenarios'))) await cp(path.join(FIXTURE, 'test/scenarios', f), path.join(dir, 'test/scenarios', f));
}, 120_000);

describe('a sixth dataflow by definitions alone', () => {
  it('type-checks (the definitions and the new types)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const roots = config.fileNames.filter((f) => /\/(systems|pipes)\//.test(f));
    expect(roots.some((f) => f.endsWith('pipes/project-projects.ts'))).toBe(true);
    const program = ts.createProgram(roots, config.options);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
  }, 120_000);

  it('generates, with the new pipes and the global of the new concept', async () => {
    const run = await runCli(['generate'], dir);
    expect(run.err).not.toContain('error');
    expect(run.code).toBe(0);
    const pipes = await readdir(path.join(dir, 'generated/pipes'));
    for (const id of ['customcrm-project-all', 'customcrm-project-transform', 'poweroffice-projects-share', 'global-project']) expect(pipes).toContain(`${id}.conf.json`);
  });

  it('validates', async () => {
    const run = await runCli(['validate', 'generated'], dir);
    expect(run.code).toBe(0);
  });

  it('renders the documents with the new section', async () => {
    const run = await runCli(['docs'], dir);
    expect(run.code).toBe(0);
    const doc = await readFile(path.join(dir, 'generated/docs/customcrm-powerofficego.rst'), 'utf8');
    expect(doc).toContain('CustomCRM Project to PowerOfficeGO Projects');
  });

  it('passes every scenario, the new ones included', async () => {
    const run = await runCli(['test'], dir);
    expect(run.out).toMatch(/✓ a CRM project reaches PowerOffice with its customer/);
    expect(run.out).toMatch(/✓ a PowerOffice project reaches the CRM, and an edit there comes back/);
    expect(run.out).toMatch(/ 0 failed/);
    expect(run.code).toBe(0);
  });

  it('left src/ untouched', async () => {
    expect(await treeHash(path.join(dir, 'src'))).toBe(await treeHash(path.join(REPO, 'src')));
  });
});
