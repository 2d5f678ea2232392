// The documented examples of every DTL function page (test/dtl/fixtures/docs-examples.json):
// each expression must give the documented result, with Sesam's types (1 is not 1.0, "~f1" is
// a decimal). Where a page disagrees with how Sesam evaluates it (or with itself), the fixture
// says why in `note` and gives Sesam's result in `sesam`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDtl } from '../../src/dtl/index';
import { parseDtlJson, stringifyDtl } from '../../src/dtl/json';
import { isDict, setOwn, type Value } from '../../src/dtl/values';
import { testContext } from './helpers';

interface Example {
  page: string;
  line: number;
  function: string;
  expression: Value;
  expected: Value;
  input?: Record<string, unknown>;
  /** Namespaced identifiers on, with these namespaces. */
  namespaces?: { identity: string; property: string };
  sesam?: Value;
  note?: string;
  /** Why the example cannot run offline (a secret, a truncated key). */
  skip?: string;
}

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'docs-examples.json');
const { examples } = parseDtlJson(readFileSync(FIXTURE), FIXTURE) as { examples: Example[] };

/** Keys sorted, so dict results compare by content; numbers keep their printed type. */
function canonical(v: Value): Value {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isDict(v)) return v;
  const out: Record<string, Value> = {};
  for (const k of Object.keys(v).sort()) setOwn(out, k, canonical(v[k]));
  return out;
}
const printed = (v: Value) => stringifyDtl(canonical(v ?? null), 0);

function evaluate(example: Example): Value {
  const dtl = compileDtl({ rules: { default: [['add', '_id', 'x'], ['add', example.namespaces ? '::value' : 'value', example.expression]] } }, { propagateDeleted: false });
  const [target] = dtl.run(example.input ?? { _id: 'x' }, testContext(example.namespaces ? { namespaces: { enabled: true, ...example.namespaces } } : {}));
  return target?.value ?? null;
}

describe('DTL reference examples (every function page)', () => {
  it('covers every function page', () => {
    const pages = new Set(examples.map((e) => e.page));
    expect(pages.size).toBeGreaterThanOrEqual(20);
    expect(examples.length).toBeGreaterThanOrEqual(350);
  });
  it('explains every place where Sesam differs from the page', () => {
    for (const e of examples) if (e.sesam !== undefined) expect(e.note?.length ?? 0, `${e.page}:${e.line}`).toBeGreaterThan(20);
  });
  for (const e of examples)
    it.skipIf(e.skip !== undefined)(`${e.page}:${e.line} ${JSON.stringify(e.expression).slice(0, 100)}`, () => {
      expect(printed(evaluate(e))).toBe(printed(e.sesam !== undefined ? e.sesam : e.expected));
    });
});
