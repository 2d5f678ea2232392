// `sesamflow new datatype` + `new dataflow`: what they write type-checks, generates and passes
// its scenario skeletons at once, in a copy of this project.
import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeTempDirs, runCli, tempDir } from '../helpers/cli';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('sesamflow-new-');
  for (const name of ['systems', 'pipes', 'templates']) await cp(path.join(REPO, name), path.join(dir, name), { recursive: true });
  await mkdir(path.join(dir, 'test'));
  await cp(path.join(REPO, 'test/scenarios'), path.join(dir, 'test/scenarios'), { recursive: true });
  for (const name of ['package.json', 'tsconfig.json']) await cp(path.join(REPO, name), path.join(dir, name));
  for (const name of ['node_modules', 'src']) await symlink(path.join(REPO, name), path.join(dir, name));
}, 60_000);
afterAll(removeTempDirs);

describe('new datatype and new dataflow', () => {
  it('add a datatype on each side and pair them', async () => {
    const crm = await runCli(['new', 'datatype', 'customcrm', 'project'], dir);
    expect(crm.err).toContain('created systems/customcrm/schemas/project.schema.json');
    expect(crm.err).toContain('updated systems/customcrm/index.ts');
    expect(crm.code).toBe(0);
    expect((await runCli(['new', 'datatype', 'poweroffice', 'projects', '--resource', 'Projects'], dir)).code).toBe(0);
    const flow = await runCli(['new', 'dataflow', 'project', 'projects'], dir);
    expect(flow.code).toBe(0);
    const text = await readFile(path.join(dir, 'pipes/project-projects.ts'), 'utf8');
    expect(text).toContain("m.both('name', 'Name'),");
    expect(await readFile(path.join(dir, 'systems/poweroffice/types/projects.ts'), 'utf8')).toContain('export interface PoProjects');
  });

  it('the result type-checks', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const roots = config.fileNames.filter((f) => /\/(systems|pipes)\//.test(f));
    const errors = ts.getPreEmitDiagnostics(ts.createProgram(roots, config.options)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
  }, 120_000);

  it('generates, and its scenario skeletons pass', async () => {
    expect((await runCli(['generate'], dir)).code).toBe(0);
    const run = await runCli(['test', '--filter', 'project-projects'], dir);
    expect(run.out).toContain('2 passed, 0 failed');
    expect(run.code).toBe(0);
  });

  it('refuses what it cannot do, with exit 2 and nothing written', async () => {
    for (const [args, message] of [
      [['new', 'datatype', 'nosystem', 'x'], "no system 'nosystem'"],
      [['new', 'datatype', 'customcrm', 'project'], "already has a datatype 'project'"],
      [['new', 'datatype', 'customcrm', 'Bad-Name'], 'a datatype name is lower-case letters and digits'],
      [['new', 'dataflow', 'project', 'projects'], "a dataflow 'project-projects' already exists"],
      [['new', 'dataflow', 'customer', 'nothing'], "no datatype 'nothing'"],
      [['new', 'dataflow', 'customer', 'customers'], "a dataflow 'customer-customers' already exists"],
      [['new', 'dataflow', 'customer', 'poweroffice/product', '--concept', 'x'], 'customcrm/customer is already paired in dataflow customer-customers'],
    ] as const) {
      const run = await runCli([...args], dir);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err, args.join(' ')).toContain(message);
    }
  });
});
