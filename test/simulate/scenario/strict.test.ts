// Strict scenarios: a refused write fails its sync step unless declared, a declared refusal
// must happen, and --trace shows the calls of a failing scenario.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from '../../helpers/cli';

afterAll(removeTempDirs);

// Two CRM customers with the same customer number: PowerOffice keeps ExternalNumber unique.
const scenario = (sync: string) => `name: duplicate customer numbers
steps:
  - given:
      customcrm:
        customer:
          - {id: cu-1, name: A AS, customer_number: 1001, is_person: false, updated_at: "2026-01-01T10:00:00+00:00"}
          - {id: cu-2, name: B AS, customer_number: 1001, is_person: false, updated_at: "2026-01-01T10:00:00+00:00"}
  - sync: ${sync}
`;

async function run(sync: string, extra: string[] = []) {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'dup.yaml'), scenario(sync));
  return runCli(['test', '--scenarios', dir, '--config', 'generated', ...extra]);
}

describe('strict scenarios', () => {
  it('a refused write fails the sync step, naming the call and the answer (exit 1)', async () => {
    const r = await run('{}');
    expect(r.code).toBe(1);
    // The pump retries the refused insert on every run, and every retry is refused again.
    expect(r.out).toMatch(/step 2 \(sync\), line 8: \d+ writes were refused or expected differently \(declare an expected refusal with expect_refused\)/);
    expect(r.out).toMatch(/poweroffice refused POST Customers \(409\): .*ExternalNumber 1001 is already used/);
  });

  it('passes when the step declares the refusal, and reports it', async () => {
    const r = await run('{expect_refused: [{system: poweroffice, method: POST, url: Customers}]}');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/poweroffice refused \d+ writes, as declared/);
  });

  it('fails when a declared refusal does not happen', async () => {
    const r = await run('{expect_refused: [{system: poweroffice, method: POST, url: Customers}, {system: customcrm, method: PATCH, url: "customers/*"}]}');
    expect(r.code).toBe(1);
    expect(r.out).toContain('expected customcrm to refuse PATCH customers/*, but it refused no such call');
  });

  it('--trace shows every call of the failing step, in order, with bodies and statuses', async () => {
    const r = await run('{}', ['--trace']);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    const refusedAt = lines.findIndex((l) => /poweroffice POST Customers \{.*"ExternalImportReference":"cu-2".*\} → 409/.test(l));
    const firstAt = lines.findIndex((l) => /poweroffice POST Customers \{.*"ExternalImportReference":"cu-1".*\} → 201/.test(l));
    expect(firstAt).toBeGreaterThan(-1);
    expect(refusedAt).toBeGreaterThan(firstAt);
    expect(r.out).toMatch(/step 2 \(sync\), line 8:\n {6}customcrm GET contacts\?page=1&page_size=100 → 200/);
    expect(r.out).toMatch(/round \d+: poweroffice-customers-share wrote /);
  });

  it('--json carries the refusals and the trace', async () => {
    const r = await run('{expect_refused: [{system: poweroffice, method: POST, url: Customers}]}', ['--json', '--trace']);
    const [result] = JSON.parse(r.out) as { refused: Record<string, number>; trace: { calls: { status: unknown }[] }[] }[];
    expect(result!.refused.poweroffice).toBeGreaterThan(0);
    expect(result!.trace[1]!.calls.some((c) => c.status === 409)).toBe(true);
  });

  it('bad fault and refusal declarations are exit 2 with the location', async () => {
    const dir = await tempDir();
    for (const [body, message] of [
      ['  - faults: {poweroffice: [{method: POST, url: Customers, fail: 418}]}', 'fail must be one of 429, 500, timeout, lost-response, found number 418'],
      ['  - faults: {poweroffice: [{method: FETCH, url: Customers, fail: 500}]}', 'method must be * or one of GET, POST, PUT, PATCH, DELETE, found string "FETCH"'],
      ['  - faults: {nowhere: [{method: POST, url: x, fail: 500}]}', 'unknown system "nowhere"'],
      ['  - faults: {poweroffice: [{method: POST, url: x, fail: 500, probability: 2}]}', 'probability must be a number in (0, 1], found number 2'],
      ['  - sync: {expect_refused: [{system: poweroffice, method: POST}]}', '"url" is required'],
      ['  - sync: {allow_unsettled: yes}', 'allow_unsettled must be true or false'],
    ] as const) {
      await writeFile(path.join(dir, 'bad.yaml'), `name: bad\nsteps:\n${body}\n`);
      const r = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
      expect(r.code, body).toBe(2);
      expect(r.err, body).toContain(`${path.join(dir, 'bad.yaml')}: step 1`);
      expect(r.err, body).toContain(message);
    }
  });
});
