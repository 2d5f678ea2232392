// Every bad-input path of generate/validate/format: the message names where the problem is,
// and the exit code is the documented one (1 problems found, 2 bad usage or unreadable input).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatJson } from '../../src/sesam/format';
import { REPO, projectCopy, removeTempDirs, runCli, tempDir } from '../helpers/cli';

afterAll(removeTempDirs);

/** The contact dataflow replaced by one with the given mapping rows (line 8 holds them: `mappings: (m: any) => [m.both(…` puts the call at column 28). */
const badFlow = (body: string, crm = 'customcrm.datatypes.contact') => ({
  'contact-contactperson.ts': `
import { defineDataflow } from '../src/model';
import { customcrm } from '../systems/customcrm';
import { poweroffice } from '../systems/poweroffice';
export default defineDataflow({
  id: 'contact-contactperson', title: 'broken', concept: 'person',
  crm: ${crm}, erp: poweroffice.datatypes.contactperson,
  mappings: (m: any) => [${body}],
});
`,
});
const FLOW = 'pipes/contact-contactperson.ts';

/** A copy of generated/ with one file replaced or added. */
async function configWith(files: Record<string, unknown>): Promise<string> {
  const dir = await tempDir();
  const src = path.join(REPO, 'generated');
  for (const sub of ['', 'pipes', 'systems']) await mkdir(path.join(dir, sub), { recursive: true });
  const { readdir } = await import('node:fs/promises');
  for (const sub of ['pipes', 'systems']) {
    for (const f of await readdir(path.join(src, sub))) await writeFile(path.join(dir, sub, f), await readFile(path.join(src, sub, f)));
  }
  for (const f of ['node-metadata.conf.json', 'test-env.json', 'prod-env.json']) await writeFile(path.join(dir, f), await readFile(path.join(src, f)));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), typeof content === 'string' ? content : formatJson(content));
  return dir;
}

async function pipe(id: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(REPO, 'generated/pipes', `${id}.conf.json`), 'utf8'));
}

describe('generate: broken definitions', () => {
  it('a mapping to a property that does not exist: exit 1, one message with file:line:col and a suggestion', async () => {
    // The type checker rejects this at compile time; `any` here shows the run-time check too.
    const dir = await projectCopy(badFlow(`m.both('frist_name', 'FirstName')`));
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(1);
    expect(run.err).toContain('the definitions have 1 problem\n');
    expect(run.err).toMatch(new RegExp(`${FLOW}:8:\\d+: mapping 'frist_name' / 'FirstName': 'frist_name' is not a property of Custom CRM Contact \\(did you mean "first_name"\\?\\)`));
    expect(run.err).not.toContain('read-only'); // no follow-on message for the same mistake
    expect(run.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a write to a read-only PowerOffice field: exit 1, names it and where', async () => {
    const dir = await projectCopy(badFlow(`m.toErp('first_name', 'LastChangedDateTimeOffset')`));
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(new RegExp(`${FLOW}:8:\\d+: mapping 'first_name' / 'LastChangedDateTimeOffset': 'LastChangedDateTimeOffset' is read-only in PowerOffice Go Contactperson: it is never written`));
  });

  it('a create-only field mapped without insertOnly: exit 1, says how to map it', async () => {
    const customers = await projectCopy({
      'customer-customers.ts': (await readFile(path.join(REPO, 'pipes/customer-customers.ts'), 'utf8')).replace("{ insertOnly: true, note:", '{ note:'),
    });
    const run2 = await runCli(['generate'], customers);
    expect(run2.code).toBe(1);
    expect(run2.err).toMatch(/pipes\/customer-customers\.ts:\d+:\d+: mapping 'payment_terms_days' \/ 'PaymentTerm': 'PaymentTerm' can only be set on create in PowerOffice Go Customers: map it with \{ insertOnly: true \}/);
  });

  it('a dataflow naming a datatype its system does not have: exit 1, located, no internal error', async () => {
    const dir = await projectCopy(badFlow(`m.both('first_name', 'FirstName')`, '(customcrm.datatypes as any).project'));
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(new RegExp(`${FLOW}:5:\\d+: crm: the crm datatype is missing \\(undefined\\)`));
    expect(run.err).not.toContain('internal error');
    expect(run.err).not.toContain('references concept'); // no follow-on noise
  });

  it('a type mismatch: exit 1', async () => {
    const dir = await projectCopy(badFlow(`m.both('first_name', 'IsDefault')`));
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(1);
    expect(run.err).toContain("mapping 'first_name' / 'IsDefault': types do not fit: string ↔ boolean");
  });

  it('a definition that does not compile: exit 2, names file, line and column', async () => {
    const dir = await projectCopy({ 'broken.ts': `import { nothing } from '../src/nowhere';\nexport default nothing;\n` });
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(2);
    expect(run.err).toContain('the definitions do not compile');
    expect(run.err).toContain('pipes/broken.ts:1:25: Could not resolve "../src/nowhere"');
  });

  it('a definition that throws while loading: exit 2, names the file', async () => {
    const dir = await projectCopy({ 'broken.ts': `throw new Error('no CRM today');\n` });
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(2);
    expect(run.err).toContain('pipes/broken.ts: the definition does not load: no CRM today');
  });

  it('a pipes/ file without a dataflow: exit 2', async () => {
    const dir = await projectCopy({ 'broken.ts': `export default { hello: 'world' };\n` });
    const run = await runCli(['generate'], dir);
    expect(run.code).toBe(2);
    expect(run.err).toContain('pipes/broken.ts: has no default export made with defineDataflow');
  });

  it('a folder that is not a project: exit 2', async () => {
    const run = await runCli(['generate'], await tempDir());
    expect(run.code).toBe(2);
    expect(run.err).toContain('is this a sesamflow project?');
  });

  it('refuses to write into a non-empty folder it does not own: exit 2, nothing written', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'notes.txt'), 'mine');
    const run = await runCli(['generate', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('has no .sesamflow-manifest.json: refusing to write');
    expect(await readFile(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--check on a stale folder: exit 1, lists the files, writes nothing', async () => {
    const out = await tempDir();
    expect((await runCli(['generate', '--out', out])).code).toBe(0);
    const target = path.join(out, 'pipes/global-person.conf.json');
    await writeFile(target, '{}\n');
    await writeFile(path.join(out, 'pipes/orphan.conf.json'), '{}\n');
    const run = await runCli(['generate', '--out', out, '--check']);
    expect(run.code).toBe(1);
    expect(run.err).toContain('changed pipes/global-person.conf.json');
    expect(await readFile(target, 'utf8')).toBe('{}\n');
    // A file the generator never wrote is not its business: neither listed nor removed.
    expect(run.err).not.toContain('orphan');
  });

  it('removes its own orphaned files but never others', async () => {
    const out = await tempDir();
    expect((await runCli(['generate', '--out', out])).code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, '.sesamflow-manifest.json'), 'utf8'));
    manifest.files.push('pipes/old-pipe.conf.json', '../outside.txt');
    await writeFile(path.join(out, '.sesamflow-manifest.json'), JSON.stringify(manifest));
    await writeFile(path.join(out, 'pipes/old-pipe.conf.json'), '{}\n');
    await writeFile(path.join(out, 'pipes/mine.conf.json'), '{}\n');
    const outside = path.join(path.dirname(out), 'outside.txt');
    await writeFile(outside, 'keep');
    const run = await runCli(['generate', '--out', out, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).removed).toEqual(['pipes/old-pipe.conf.json']);
    expect(await readFile(path.join(out, 'pipes/mine.conf.json'), 'utf8')).toBe('{}\n');
    expect(await readFile(outside, 'utf8')).toBe('keep');
  });
});

describe('validate: broken configs', () => {
  it('invalid pipe JSON: exit 1, file and line:column', async () => {
    const dir = await configWith({ 'pipes/global-person.conf.json': '{\n  "_id": "global-person",\n  "type": "pipe"\n  "source": {}\n}\n' });
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/pipes\/global-person\.conf\.json.*4:3/);
  });

  it('a dangling dataset reference: exit 1, names file, _id and JSON path', async () => {
    const p = await pipe('global-person');
    (p.source as { datasets: string[] }).datasets[0] = 'customcrm-contakt-enrich crm';
    const dir = await configWith({ 'pipes/global-person.conf.json': p });
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('pipes/global-person.conf.json (_id global-person) $.source.datasets[0]');
    expect(run.out).toContain('customcrm-contakt-enrich');
  });

  it('an unknown DTL function: exit 1, names file, _id and JSON path', async () => {
    const p = await pipe('customcrm-contact-enrich');
    const rules = (p.transform as { rules: { default: unknown[] } }).rules;
    rules.default.push(['add', 'x', ['lowercase', '_S.email']]);
    const dir = await configWith({ 'pipes/customcrm-contact-enrich.conf.json': p });
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    const index = rules.default.length - 1;
    expect(run.out).toContain(`pipes/customcrm-contact-enrich.conf.json (_id customcrm-contact-enrich) $.transform.rules.default[${index}]`);
    expect(run.out).toContain('lowercase');
  });

  it('an unreadable folder: exit 2', async () => {
    const run = await runCli(['validate', path.join(await tempDir(), 'missing')]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/missing/);
  });

  it('the generated config validates with no errors and no warnings', async () => {
    const run = await runCli(['validate', path.join(REPO, 'generated'), '--strict']);
    expect(run.code, run.out + run.err).toBe(0);
  });
});

describe('format', () => {
  it('--check passes on generated/ and fails on a non-canonical file, which it then rewrites', async () => {
    expect((await runCli(['format', '--check', path.join(REPO, 'generated')])).code).toBe(0);
    const dir = await configWith({ 'pipes/global-person.conf.json': JSON.stringify(await pipe('global-person'), null, 4) });
    const check = await runCli(['format', '--check', dir]);
    expect(check.code).toBe(1);
    expect(check.err).toContain('global-person.conf.json');
    expect((await runCli(['format', dir])).code).toBe(0);
    expect(await readFile(path.join(dir, 'pipes/global-person.conf.json'), 'utf8')).toBe(await readFile(path.join(REPO, 'generated/pipes/global-person.conf.json'), 'utf8'));
  });

  it('a file that is not JSON: exit 2 with file:line:column', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'x.json'), '{"a": 1,,}');
    const run = await runCli(['format', path.join(dir, 'x.json')]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/x\.json:1:\d+/);
  });
});
