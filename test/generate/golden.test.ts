// generated/ is the golden copy: generating into an empty folder must give it back byte for
// byte (after an intended change, run `npm run generate` and review the diff of generated/).
// The per-dataflow views below are read from it and from the definitions, so that adding a
// dataflow needs no change here.
import { readdirSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowModel, SideModel } from '../../src/compile/model';
import { type Generated, generate } from '../../src/generate';
import { writeOutput } from '../../src/write/index';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

let generated: Generated;
let manifest: { origins: Record<string, string> };
beforeAll(async () => {
  generated = await generate(REPO);
  manifest = JSON.parse(await readFile(path.join(REPO, 'generated/.sesamflow-manifest.json'), 'utf8')) as typeof manifest;
});
afterAll(removeTempDirs);

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full, base)));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/**
 * The pipes a dataflow must have, from the naming rules: per side `<sys>-<dt>-all` (or `-split`
 * for a child datatype), `-collect`, `-enrich`, and `-transform` + `-share` where the datatype
 * has an insert endpoint; one `global-<concept>`.
 */
function expectedPipes(flow: FlowModel): string[] {
  const chain = (side: SideModel) => [
    side.datatype.parent ? `${side.ns}-split` : `${side.ns}-all`,
    `${side.ns}-collect`,
    `${side.ns}-enrich`,
    ...(side.datatype.operations.insert ? [`${side.ns}-transform`, `${side.ns}-share`] : []),
  ];
  return [...chain(flow.crm), ...chain(flow.erp), `global-${flow.concept}`];
}

describe('generated/ is the golden copy', () => {
  it('generating into an empty folder gives exactly the committed generated/, byte for byte', async () => {
    const out = await tempDir();
    await writeOutput(out, generated.files);
    const produced = await listFiles(out);
    expect(produced).toEqual(await listFiles(path.join(REPO, 'generated')));
    for (const file of produced) {
      const expected = await readFile(path.join(REPO, 'generated', file), 'utf8');
      expect(await readFile(path.join(out, file), 'utf8'), `${file} differs from generated/${file}: run npm run generate and review the diff`).toBe(expected);
    }
  });

  it('holds every system of the definitions, node metadata and both env profiles', () => {
    const paths = generated.files.map((f) => f.path);
    for (const s of generated.result.model.systems) expect(paths).toContain(`systems/${s.id}.conf.json`);
    for (const p of ['node-metadata.conf.json', 'test-env.json', 'prod-env.json']) expect(paths).toContain(p);
  });

  it('has exactly the pipes the naming rules give for the dataflows, each traced to its definition file', () => {
    const expected = generated.result.model.flows.flatMap((flow) => expectedPipes(flow).map((id) => [id, flow.file] as const));
    const committed = Object.entries(manifest.origins).filter(([id]) => generated.result.project.files.some((f) => f.entity._id === id && f.entity.type === 'pipe'));
    expect(Object.fromEntries(committed)).toEqual(Object.fromEntries(expected));
  });

  it.each(generatedFlows())('%s: each of its pipes is in generated/pipes/', async (flowFile) => {
    const flows = generated.result.model.flows.filter((f) => f.file === flowFile);
    expect(flows.length).toBeGreaterThan(0);
    for (const id of flows.flatMap(expectedPipes)) {
      const text = await readFile(path.join(REPO, 'generated/pipes', `${id}.conf.json`), 'utf8');
      expect((JSON.parse(text) as { _id: string })._id).toBe(id);
    }
  });
});

/** Definition files of the dataflows, discovered from pipes/. */
function generatedFlows(): string[] {
  return readdirSync(path.join(REPO, 'pipes'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => `pipes/${f}`);
}
