// Every mapping row of the four dataflows appears in the generated DTL in each direction its
// row allows (and in no other), and no read-only field is ever written.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowsInto, other, pathOn, sideOf, type FlowModel, type SideModel } from '../../src/compile/model';
import { type Generated, generate } from '../../src/generate';
import type { Side } from '../../src/model/dataflow';
import type { JsonObject } from '../../src/sesam/project';
import { REPO } from '../helpers/cli';

let generated: Generated;
beforeAll(async () => {
  generated = await generate(REPO);
});

const entity = (id: string): JsonObject => {
  const f = generated.result.project.files.find((x) => x.entity._id === id);
  if (!f) throw new Error(`no config entity ${id}`);
  return f.entity;
};
const rulesOf = (id: string) => (entity(id).transform as { rules: Record<string, unknown[]> }).rules;

/** All `add` and `add-if` transforms of a rule set, as [target property, value expression] pairs. */
function adds(rules: Record<string, unknown[]>): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (node: unknown) => {
    if (!Array.isArray(node)) return;
    if ((node[0] === 'add' || node[0] === 'add-if') && typeof node[1] === 'string') out.push([node[1], node[node.length - 1]]);
    for (const child of node) walk(child);
  };
  for (const rule of Object.values(rules)) walk(rule);
  return out;
}

/** Where the rows of a flow written into `into` live: its own transform, or its parent's (embedded lines). */
function transformFor(flow: FlowModel, into: Side): string[] {
  const x = sideOf(flow, into);
  const ids: string[] = [];
  if (x.datatype.operations.insert) ids.push(`${x.ns}-transform`);
  if (flow.parent) ids.push(`${sideOf(flow.parent, into).ns}-transform`);
  return ids;
}

const scratchName = (path: string) => (path.includes('.') ? `_${path.replace(/\./g, '__')}` : path);
const reads = (expr: unknown, side: SideModel, path: string) => JSON.stringify(expr).includes(`"_S.${side.ns}:${path}"`);

describe('every mapping row is in the generated DTL, in exactly the directions it allows', () => {
  it('covers every dataflow of pipes/ (and their children)', () => {
    const files = readdirSync(path.join(REPO, 'pipes')).filter((f) => f.endsWith('.ts')).map((f) => `pipes/${f}`).sort();
    expect([...new Set(generated.result.model.flows.map((f) => f.file))].sort()).toEqual(files);
    expect(generated.result.model.flows.filter((f) => !f.parent).map((f) => `pipes/${f.definition.id}.ts`).sort()).toEqual(files);
  });

  for (const into of ['erp', 'crm'] as const) {
    it(`rows that flow into ${into === 'erp' ? 'PowerOffice' : 'the CRM'} are written there from the other side's value`, () => {
      let checked = 0;
      for (const flow of generated.result.model.flows) {
        const x = sideOf(flow, into);
        const y = sideOf(flow, other(into));
        const all = transformFor(flow, into).flatMap((id) => adds(rulesOf(id)));
        for (const m of flow.definition.mappings) {
          if (m.kind !== 'property' && m.kind !== 'reference') continue;
          const target = scratchName(pathOn(m, into));
          const written = all.filter(([name]) => name === target);
          if (flowsInto(m, into)) {
            const source = m.kind === 'reference' ? `sesam_ref_${pathOn(m, other(into)).replace(/\./g, '_')}` : pathOn(m, other(into));
            const found =
              m.kind === 'reference'
                ? all.some(([, v]) => reads(v, y, source)) && written.length > 0
                : written.some(([, v]) => reads(v, y, source));
            // Embedded lines do not repeat the parent reference: the parent is implicit.
            const implicitParent = m.kind === 'reference' && flow.parent && m.concept === flow.parent.concept && !x.datatype.operations.insert;
            if (!implicitParent) expect(found, `${flow.definition.id}: ${m.crm} ${m.direction} ${m.erp} into ${into}`).toBe(true);
            checked++;
          } else {
            expect(written.some(([, v]) => reads(v, y, pathOn(m, other(into)))), `${flow.definition.id}: ${m.crm} must not flow into ${into}`).toBe(false);
          }
        }
      }
      expect(checked).toBeGreaterThan(20);
    });
  }
});

describe('no read-only field is ever written, and create-only ones only on insert', () => {
  // Every share pipe of generated/ (one per written datatype).
  const shares = readdirSync(path.join(REPO, 'generated/pipes')).filter((f) => f.endsWith('-share.conf.json')).map((f) => f.slice(0, -'-share.conf.json'.length)).sort();
  it.each(shares)('%s: inserts and updates carry only write-model properties', (ns) => checkWrites(ns));

  function checkWrites(ns: string) {
    const flowModel = generated.result.model.flows.find((f) => f.crm.ns === ns || f.erp.ns === ns)!;
    const side = flowModel.crm.ns === ns ? flowModel.crm : flowModel.erp;
    const share = entity(`${ns}-share`) as { transform: { properties: { rewrite_rules_payload: Record<string, unknown[]> } } };
    const payloadRules = share.transform.properties.rewrite_rules_payload;
    const inserted = (payloadRules['insert-payload'] as [string, string][]).map(([, p]) => p);
    const updated = adds({ changed: payloadRules.changed as unknown[] }).map(([p]) => p);
    expect(inserted.length).toBeGreaterThan(3);
    for (const p of inserted) expect(side.schemas.property(side.datatype.writeSchema, p), `${ns}: ${p} is not in the write model`).toBeDefined();
    for (const p of updated) {
      expect(side.schemas.property(side.datatype.writeSchema, p), `${ns}: ${p} is not in the write model`).toBeDefined();
      expect(side.schemas.property(side.datatype.schema, p)?.readOnly ?? false, `${ns}: ${p} is read-only`).toBe(false);
      expect(side.schemas.createOnly(side.datatype.writeSchema, p), `${ns}: ${p} may only be sent on insert`).toBe(false);
    }
  }
});
