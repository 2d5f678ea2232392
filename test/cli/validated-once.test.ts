import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatedMarker, validatedOnce } from '../../src/cli/actions/validated-once';
import { compile, type CompileResult } from '../../src/compile/index';
import { loadDefinitions } from '../../src/compile/load';
import { validatedProject } from '../../src/validated';
import { REPO } from '../helpers/cli';

const failure = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return { message: (error as Error).message, kind: (error as { kind?: string }).kind, details: (error as { details?: string[] }).details };
  }
  throw new Error('expected an error');
};

describe('validating a compiled project once per build', () => {
  it('marks a clean project, and validates again (with the same error, exit 1) anything else', async () => {
    const build = `test build ${process.pid}`;
    const clean = compile(await loadDefinitions(REPO));
    const marker = validatedMarker(clean, build)!;
    rmSync(marker, { force: true });
    expect(await validatedOnce(clean, build)).toBe(clean.project);
    expect(existsSync(marker)).toBe(true);
    expect(await validatedOnce(clean, build)).toBe(clean.project);
    // Another build has no marker of its own.
    expect(existsSync(validatedMarker(clean, `${build} (other)`)!)).toBe(false);

    // The same project with a pipe twice: validated again, the error is validatedProject's.
    const pipe = clean.project.files.find((f) => f.entity.type === 'pipe')!;
    const broken: CompileResult = { ...clean, project: { ...clean.project, files: [...clean.project.files, { ...pipe, path: 'pipes/twice.conf.json' }] } };
    const expected = await failure(() => validatedProject(broken));
    expect(expected).toMatchObject({ kind: 'problems', message: expect.stringMatching(/^the generated config does not validate/) });
    expect(await failure(() => validatedOnce(broken, build))).toEqual(expected);
    expect(existsSync(validatedMarker(broken, build)!)).toBe(false);

    // Definition problems are never marked, whatever the project.
    const problems: CompileResult = { ...clean, problems: [{ ...({} as CompileResult['problems'][number]), message: 'a problem' }] };
    expect(validatedMarker(problems, build)).toBeUndefined();
    expect(await failure(() => validatedOnce(problems, build))).toMatchObject({ kind: 'problems', message: 'the definitions have 1 problem' });
    rmSync(marker, { force: true });
  });

  it('never marks anything when the build cannot be told (running from the sources)', async () => {
    const clean = compile(await loadDefinitions(REPO));
    expect(validatedMarker(clean, null)).toBeUndefined();
    expect(await validatedOnce(clean, null)).toBe(clean.project);
  });

});

describe('definitions for emulated systems only', () => {
  it('loadDefinitions without dataflows gives the same systems and emulators and no dataflow', async () => {
    const all = await loadDefinitions(REPO);
    const emulated = await loadDefinitions(REPO, { dataflows: false });
    expect(all.dataflows.length).toBeGreaterThan(0);
    expect(emulated.dataflows).toEqual([]);
    expect(emulated.systems.map((x) => x.id)).toEqual(all.systems.map((x) => x.id));
    expect(emulated.emulators!.map((x) => x.system)).toEqual(all.emulators!.map((x) => x.system));
  });
});
