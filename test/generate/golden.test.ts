// Golden files: each dataflow's pipes and systems (parsed JSON compared with the committed
// files in test/golden/<dataflow>/), and the whole generated/ tree byte for byte.
// Update after an intended change: `npm run test:update` (sets UPDATE_GOLDEN=1).
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Generated, generate } from '../../src/generate';
import { formatJson } from '../../src/sesam/format';
import { writeOutput } from '../../src/write/index';
import { REPO, removeTempDirs, tempDir } from '../helpers/cli';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN = path.join(REPO, 'test/golden');

let generated: Generated;
beforeAll(async () => {
  generated = await generate(REPO);
});
afterAll(removeTempDirs);

/** The config files a dataflow owns (by definition file), plus the systems it uses. */
function filesOf(flowFile: string) {
  const { project, origins } = generated.result;
  return project.files.filter((f) => origins[String(f.entity._id)] === flowFile || f.path.startsWith('systems/'));
}

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

describe('golden files per dataflow', () => {
  const flows = ['contact-contactperson', 'customer-customers', 'order-salesorders', 'product-product'];
  for (const flow of flows) {
    it(`${flow}: pipes and systems match test/golden/${flow}/`, async () => {
      const files = filesOf(`pipes/${flow}.ts`);
      expect(files.filter((f) => f.path.startsWith('pipes/')).length).toBeGreaterThan(5);
      const dir = path.join(GOLDEN, flow);
      if (UPDATE) {
        await rm(dir, { recursive: true, force: true });
        for (const f of files) {
          await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
          await writeFile(path.join(dir, f.path), formatJson(f.entity));
        }
      }
      const committed = await listFiles(dir);
      expect(committed, `golden files of ${flow} (run npm run test:update after an intended change)`).toEqual(files.map((f) => f.path).sort());
      for (const f of files) {
        const golden = JSON.parse(await readFile(path.join(dir, f.path), 'utf8'));
        expect(f.entity, `${f.path} differs from test/golden/${flow}/${f.path}`).toEqual(golden);
      }
    });
  }
});

describe('whole generated/ tree', () => {
  it('generating into an empty folder gives exactly the committed generated/, byte for byte', async () => {
    const out = await tempDir();
    await writeOutput(out, generated.files);
    const produced = await listFiles(out);
    expect(produced).toEqual(await listFiles(path.join(REPO, 'generated')));
    for (const file of produced) {
      const expected = await readFile(path.join(REPO, 'generated', file), 'utf8');
      expect(await readFile(path.join(out, file), 'utf8'), file).toBe(expected);
    }
  });

  it('holds both systems, node metadata, both env profiles and every pipe the design names', () => {
    const paths = generated.files.map((f) => f.path);
    for (const p of ['node-metadata.conf.json', 'systems/customcrm.conf.json', 'systems/poweroffice.conf.json', 'test-env.json', 'prod-env.json']) {
      expect(paths).toContain(p);
    }
    const chain = (ns: string, steps: string[]) => steps.map((s) => `pipes/${ns}-${s}.conf.json`);
    const full = ['all', 'collect', 'enrich', 'transform', 'share'];
    const expected = [
      ...['customcrm-contact', 'customcrm-customer', 'customcrm-order', 'customcrm-product'].flatMap((ns) => chain(ns, full)),
      ...['poweroffice-contactperson', 'poweroffice-customers', 'poweroffice-salesorders', 'poweroffice-product'].flatMap((ns) => chain(ns, full)),
      ...chain('customcrm-orderline', ['split', 'collect', 'enrich']),
      ...chain('poweroffice-salesorderlines', ['split', 'collect', 'enrich', 'transform', 'share']),
      ...['person', 'organisation', 'order', 'orderline', 'product'].map((c) => `pipes/global-${c}.conf.json`),
    ];
    expect(paths.filter((p) => p.startsWith('pipes/')).sort()).toEqual(expected.sort());
  });
});
