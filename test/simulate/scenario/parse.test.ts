import { afterAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseScenario } from '../../../src/simulate/scenario/parse';
import { removeTempDirs, runCli, tempDir } from '../../helpers/cli';

const stores = { customcrm: ['customer', 'contact'], poweroffice: ['customers'] };
const parse = (text: string) => parseScenario(text, 'scen.yaml', stores);
const err = (text: string) => {
  try {
    parse(text);
  } catch (error) {
    return { message: (error as Error).message, kind: (error as { kind?: string }).kind };
  }
  throw new Error('expected a parse error');
};

describe('scenario parsing', () => {
  it('parses every step kind of the scenario format', () => {
    const s = parse(`
name: all kinds
steps:
  - given:
      customcrm:
        customer:
          - {id: cu-1, name: Fjord AS, updated_at: 2026-01-01T10:00:00+00:00}
  - sync: {}
  - expect:
      poweroffice:
        customers:
          - match: {Name: Fjord AS}
          - match: {Name: Other}
            count: 0
  - edit:
      poweroffice:
        customers:
          - where: {Name: Fjord AS}
            set: {PhoneNumber: "+47"}
  - sync: {expect_writes: {customcrm: 1, poweroffice: 0}, max_rounds: 5}
  - delete:
      customcrm:
        customer:
          - where: {id: cu-1}
  - sync:
  - expect:
      customcrm:
        contact: {none: true}
`);
    expect(s.name).toBe('all kinds');
    expect(s.pending).toBeUndefined();
    expect(s.steps.map((x) => x.kind)).toEqual(['given', 'sync', 'expect', 'edit', 'sync', 'delete', 'sync', 'expect']);
    const given = s.steps[0]!;
    // YAML 1.2 core schema: an unquoted timestamp stays a string.
    expect(given.kind === 'given' && given.records.customcrm!.customer![0]!.updated_at).toBe('2026-01-01T10:00:00+00:00');
    expect(s.steps[2]).toMatchObject({ expectations: { poweroffice: { customers: [{ match: { Name: 'Fjord AS' }, count: 1 }, { count: 0 }] } } });
    expect(s.steps[4]).toMatchObject({ expectWrites: { customcrm: 1, poweroffice: 0 }, maxRounds: 5 });
    expect(s.steps[6]).toMatchObject({ kind: 'sync', expectWrites: undefined });
    expect(s.steps[7]).toMatchObject({ expectations: { customcrm: { contact: 'none' } } });
    expect(s.steps[3]!.line).toBe(15);
  });

  it('reads pending and defaults the name to the file name', () => {
    const s = parse('pending: generator bug 3\nsteps:\n  - sync: {}\n');
    expect(s).toMatchObject({ name: 'scen', pending: 'generator bug 3' });
  });

  it.each([
    ['name: x\nsteps:\n  - given: [\n', /scen\.yaml: line \d+: invalid YAML/],
    ['- just a list\n', /scen\.yaml: line 1: a scenario must be a mapping/],
    ['name: x\nsteps: []\n', /"steps" must be a non-empty list/],
    ['name: x\nflavour: y\nsteps:\n  - sync: {}\n', /unknown top-level key "flavour"/],
    ['name: x\nsteps:\n  - sync: {}\n  - wait: 3\n', /scen\.yaml: step 2 \(wait\): line 4: unknown step kind "wait"/],
    ['name: x\nsteps:\n  - {sync: {}, expect: {}}\n', /step 1 \(sync\+expect\): line 3: a step must have exactly one kind/],
    ['name: x\nsteps:\n  - given:\n      sap:\n        customer: []\n', /step 1 \(given\): line 5: unknown system "sap" \(known: customcrm, poweroffice\)/],
    ['name: x\nsteps:\n  - given:\n      customcrm:\n        invoice: []\n', /step 1 \(given\): line 5: unknown datatype "invoice" for system customcrm/],
    ['name: x\nsteps:\n  - given:\n      customcrm:\n        customer: {id: 1}\n', /step 1 \(given\).*expected a list/],
    ['name: x\nsteps:\n  - edit:\n      customcrm:\n        customer:\n          - where: {id: 1}\n', /step 1 \(edit\).*"set" is required/],
    ['name: x\nsteps:\n  - expect:\n      customcrm:\n        customer:\n          - match: {id: 1}\n            count: -1\n', /step 1 \(expect\): line 7: count must be a whole number >= 0/],
    ['name: x\nsteps:\n  - expect:\n      customcrm:\n        customer: {none: false}\n', /"none" must be true/],
    ['name: x\nsteps:\n  - sync: {expect_writes: {customcrm: many}}\n', /step 1 \(sync\).*expect_writes\.customcrm must be a whole number/],
    ['name: x\nsteps:\n  - sync: {max_rounds: 0}\n', /max_rounds must be a whole number >= 1/],
    ['name: x\nsteps:\n  - sync: {rounds: 3}\n', /step 1 \(sync\).*unknown key "rounds"/],
  ])('rejects bad input with file, step and line: %s', (text, pattern) => {
    const e = err(text);
    expect(e.message).toMatch(pattern);
    expect(e.kind).toBe('input');
  });
});

describe('sesamflow test: bad scenario files', () => {
  afterAll(removeTempDirs);

  it('exits 2 naming the file and the step', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.yaml'), 'name: bad\nsteps:\n  - sync: {}\n  - teleport: {}\n');
    const r = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path.join(dir, 'bad.yaml')}: step 2 (teleport): line 4: unknown step kind "teleport"`);
  });

  it('exits 2 when a given record cannot be stored at all', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'orphan.yaml'), 'name: orphan\nsteps:\n  - given:\n      poweroffice:\n        contactperson:\n          - {Id: 1, FirstName: Per}\n');
    const r = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path.join(dir, 'orphan.yaml')}: step 1 (given): line 3: poweroffice contactperson[0]: needs ContactId: its insert URL names it`);
  });

  it('exits 2 when a given record does not fit its read schema (wrong type, missing required field)', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'typed.yaml'),
      'name: typed\nsteps:\n  - given:\n      customcrm:\n        customer:\n          - {id: cu-1, name: Fjord AS, is_person: "no", updated_at: "2026-01-01T10:00:00+00:00"}\n',
    );
    const r = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path.join(dir, 'typed.yaml')}: step 1 (given): line 3: customcrm customer[0]: does not fit the Customer read schema: /is_person: must be boolean`);
    await writeFile(path.join(dir, 'typed.yaml'), 'name: typed\nsteps:\n  - given:\n      poweroffice:\n        product:\n          - {Id: 1, Code: A, UnitPrice: "cheap"}\n');
    const r2 = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('poweroffice product[0]: does not fit the Product read schema: /UnitPrice: must be number');
  });

  it('exits 2 for a system or datatype named like an object member (__proto__, toString)', async () => {
    const dir = await tempDir();
    for (const [file, body] of [
      ['proto.yaml', 'name: p\nsteps:\n  - given:\n      __proto__:\n        customer: []\n'],
      ['tostring.yaml', 'name: t\nsteps:\n  - expect:\n      toString:\n        customer: {none: true}\n'],
      ['dt.yaml', 'name: d\nsteps:\n  - expect:\n      customcrm:\n        constructor: {none: true}\n'],
    ]) {
      await writeFile(path.join(dir, file!), body!);
      const r = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--filter', file!]);
      expect(r.code, file).toBe(2);
      expect(r.err, file).toMatch(/unknown (system|datatype)/);
      expect(r.err, file).not.toContain('internal error');
      await rm(path.join(dir, file!));
    }
  });

  it('exits 2 for a missing folder and for a folder without scenarios', async () => {
    const missing = await runCli(['test', '--scenarios', '/nonexistent/scenarios', '--config', 'generated']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read scenario folder /nonexistent/scenarios');
    const empty = await runCli(['test', '--scenarios', await tempDir(), '--config', 'generated']);
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no scenario files \(\*\.yaml\)/);
  });
});
