// Provenance to the line: every property a transform or share pipe writes from a mapping row is
// traced to the definition line of that row; the reverse lookup lists every place a line
// produced; generated/.sesamflow-provenance.json carries the same, deterministically.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowsInto, pathOn, sideOf } from '../../src/compile/model';
import { nodesFrom, selectTrace, traceAll, type Located } from '../../src/compile/provenance';
import { type Generated, generate } from '../../src/generate';
import { formatSite, isSourceSite } from '../../src/model/site';
import { REPO, runCli } from '../helpers/cli';

let generated: Generated;
let entries: Located[];
beforeAll(async () => {
  generated = await generate(REPO);
  entries = traceAll(generated.result.project.files.map((f) => ({ path: f.path, entity: f.entity })));
});

type Rule = unknown[];
const addsOf = (rules: unknown): string[] =>
  (Array.isArray(rules) ? (rules as Rule[]) : []).filter((t) => Array.isArray(t) && (t[0] === 'add' || t[0] === 'add-if') && typeof t[1] === 'string').map((t) => t[1] as string);

describe('explain: every mapping-derived property of every transform and share pipe', () => {
  it('is traced to the line of its mapping row', () => {
    let checked = 0;
    for (const flow of generated.result.model.flows) {
      for (const into of ['crm', 'erp'] as const) {
        const x = sideOf(flow, into);
        if (!x.datatype.operations.insert) continue;
        for (const m of flow.definition.mappings) {
          if (!flowsInto(m, into) || !isSourceSite(m.site)) continue;
          const target = m.kind === 'external-key' ? m.property : m.kind === 'derived' ? m.target : pathOn(m, into);
          const top = target.split('.')[0]!;
          for (const pipe of [`${x.ns}-transform`, `${x.ns}-share`]) {
            const file = `pipes/${pipe}.conf.json`;
            const entity = generated.result.project.files.find((f) => f.path === file)!.entity as { transform: { rules?: Record<string, unknown>; properties?: { rewrite_rules_payload: Record<string, unknown> } } };
            const written = pipe.endsWith('-transform') ? addsOf(entity.transform.rules!.default) : addsOf(entity.transform.properties!.rewrite_rules_payload['insert-payload']);
            if (!written.includes(top) && !written.includes(`_${target.replace(/\./g, '__')}`)) continue;
            const hits = selectTrace(entries.filter((e) => e.file === file), target.includes('.') && pipe.endsWith('-transform') ? target : top);
            expect(hits.some((h) => h.definitions.includes(formatSite(m.site as never))), `${file} ${target} → ${formatSite(m.site as never)}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('every top-level add of a transform pipe that is not bookkeeping is traced', () => {
    for (const f of generated.result.project.files.filter((f) => f.path.endsWith('-transform.conf.json'))) {
      const rules = (f.entity as { transform: { rules: { default: unknown } } }).transform.rules;
      for (const name of addsOf(rules.default)) {
        if (name.startsWith('$') || name === '_id' || ['_ids', '_y_lm', '_x_lm', '_y_wins'].includes(name)) continue;
        const property = name.startsWith('_') && !name.startsWith('_ref_') ? name.slice(1).replace(/__/g, '.') : name;
        if (name.startsWith('_ref_')) continue; // a resolved reference: traced on its own add (checked above through the target)
        const traced = entries.some((e) => e.file === f.path && e.path.startsWith('$.transform.rules.default[') && e.property === property);
        expect(traced, `${f.path}: ${name}`).toBe(true);
      }
    }
  });
});

describe('explain: the reverse, and the side file', () => {
  it('a mapping line lists every generated place it affects', () => {
    const text = readFileSync(path.join(REPO, 'pipes/customer-customers.ts'), 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes("m.both('phone', 'PhoneNumber')")) + 1;
    const places = nodesFrom(entries, 'pipes/customer-customers.ts', line).map((e) => `${e.file} ${e.property}`);
    expect(places).toEqual(
      expect.arrayContaining([
        'pipes/poweroffice-customers-transform.conf.json PhoneNumber',
        'pipes/poweroffice-customers-share.conf.json PhoneNumber',
        'pipes/customcrm-customer-transform.conf.json phone',
        'pipes/customcrm-customer-share.conf.json phone',
      ]),
    );
  });

  it('the CLI finds both ways, and says when nothing is traced (exit 1) or the pipe is unknown (exit 2)', async () => {
    const forward = await runCli(['explain', 'poweroffice-customers-transform', 'PhoneNumber']);
    expect(forward.code).toBe(0);
    expect(forward.out).toMatch(/pipes\/customer-customers\.ts:\d+:\d+ {2}m\.both\('phone', 'PhoneNumber'\),/);
    const line = readFileSync(path.join(REPO, 'pipes/customer-customers.ts'), 'utf8').split('\n').findIndex((l) => l.includes("m.both('phone'")) + 1;
    const reverse = await runCli(['explain', `pipes/customer-customers.ts:${line}`, '--json']);
    expect(reverse.code).toBe(0);
    expect((JSON.parse(reverse.out) as Located[]).length).toBeGreaterThanOrEqual(4);
    const nothing = await runCli(['explain', 'poweroffice-customers-transform', '$.description']);
    expect(nothing.code).toBe(1);
    expect(nothing.err).toContain('is traced to a definition');
    const unknown = await runCli(['explain', 'poweroffice-customer-transform']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('did you mean "poweroffice-customers-transform"');
  });

  it('generated/.sesamflow-provenance.json holds the same traces', () => {
    const side = JSON.parse(readFileSync(path.join(REPO, 'generated/.sesamflow-provenance.json'), 'utf8')) as { files: Record<string, Omit<Located, 'file'>[]> };
    const fromFile = Object.entries(side.files).flatMap(([file, list]) => list.map((e) => ({ file, ...e })));
    expect(fromFile.length).toBe(entries.length);
    expect(new Set(fromFile.map((e) => `${e.file} ${e.path}`))).toEqual(new Set(entries.map((e) => `${e.file} ${e.path}`)));
  });
});
