// Property tests: the evaluator never throws on arbitrary entities — for a representative
// rules set covering every family, and for every DTL transform in generated/pipes (the
// generated enrich/transform pipes), with empty datasets for their hops.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDtl, DtlRuntimeError, MemoryDataset, type DtlContext, type Entity } from '../../src/dtl/index';
import { compareValues, valuesEqual } from '../../src/dtl/values';

const KEYS = ['name', 'email', 'age', 'tags', 'orders', 'amount', 'updated_at', 'kids', 'n', 'x', 'crm:name', '$ids', 'customer_id', 'lines'];

const transitString = fc.constantFrom(
  '~t2020-01-01T00:00:00Z',
  '~t2020-01-01',
  '~:foo:bar',
  '~:bar',
  '~f1.50',
  '~f-0',
  '~rhttp://example.org/x',
  '~u9f598f65-eea5-4906-a8f5-82f6d8e69726',
  '~bYWJj',
  '~',
  '~x',
  '2020-01-01T10:00:00+02:00',
  '0x00ff',
  'true',
  '',
);
const scalar = fc.oneof(fc.string(), transitString, fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 })),
})).v;
const entity = fc
  .tuple(fc.string(), fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), value, { maxKeys: 8 }), fc.option(fc.boolean()))
  .map(([id, props, deleted]) => ({ ...props, _id: id, ...(deleted === null ? {} : { _deleted: deleted }) }) as Entity);

function context(): DtlContext {
  const empty = new MemoryDataset([{ _id: 'e1', name: 'x', customer_id: 'a', $ids: ['~:foo:a'] }]);
  return { dataset: () => empty, now: () => new Date(0), uuid: () => '00000000-0000-4000-8000-000000000000' };
}

/** A rules set that touches every family with arbitrary inputs. */
export const REPRESENTATIVE_RULES: Record<string, unknown> = {
  default: [
    ['copy', '*', ['list', '$*']],
    ['add', 'upper', ['upper', '_S.name']],
    ['add', 'full', ['concat', ['lower', '_S.name'], ' ', ['strip', '_S.email'], ['string', '_S.age']]],
    ['add', 'first', ['coalesce', ['list', '_S.email', '_S.name', 'none']]],
    ['add', 'kind', ['if', ['gt', '_S.age', 18], 'adult', ['case', ['is-null', '_S.age'], 'unknown', 'child']]],
    ['add', 'eq', ['and', ['eq', '_S.x', '_S.n'], ['or', ['neq', '_S.tags', null], ['not', ['in', 'a', '_S.tags']]]]],
    ['add', 'nums', ['list', ['integer', '_S.age'], ['decimal', '_S.amount'], ['float', '_S.n'], ['boolean', '_S.x'], ['hex', '_S.n']]],
    ['add', 'math', ['list', ['+', '_S.age', 1], ['-', '_S.amount', '_S.n'], ['*', '_S.n', 2], ['/', '_S.age', '_S.n'], ['%', '_S.n', 3], ['^', '_S.n', 2]]],
    ['add', 'words', ['list', ['plus', 1, '_S.tags'], ['divide', 0, '_S.tags'], ['round', 1, '_S.tags'], ['ceil', '_S.n'], ['floor', '_S.n'], ['abs', '_S.n'], ['sqrt', '_S.n'], ['sum', '_S.tags']]],
    ['add', 'lists', ['list', ['sorted', '_S.tags'], ['sorted-descending', '_.n', '_S.orders'], ['distinct', '_S.tags'], ['flatten', '_S.tags'], ['combine', '_S.tags', '_S.kids'], ['count', '_S.orders'], ['first', '_S.tags'], ['last', '_S.tags'], ['nth', 1, '_S.tags'], ['reversed', '_S.tags'], ['slice', 1, -1, '_S.tags'], ['min', '_S.tags'], ['max', '_S.tags'], ['enumerate', '_S.tags'], ['insert', 1, '_S.tags', 'x'], ['range', 0, 3]]],
    ['add', 'fns', ['list', ['map', ['upper', '_.'], '_S.tags'], ['filter', ['gt', '_.amount', 1], '_S.orders'], ['group-by', '_.n', '_S.orders'], ['group', '_.n', '_.', '_S.orders'], ['map-dict', ['upper', '_.'], '_.', '_S.kids'], ['map-values', ['string', '_.'], '_S.kids'], ['any', ['is-null', '_.'], '_S.tags'], ['all', '_S.tags']]],
    ['add', 'dicts', ['list', ['dict', 'a', '_S.n'], ['dict', ['items', '_S.kids']], ['keys', '_S.kids'], ['values', '_S.kids'], ['key-values', '_S.kids'], ['has-key', 'n', '_S.kids'], ['path', ['list', 'orders', 'amount'], '_S.'], ['apply-ns', 'ns', '_S.kids'], ['strip-ns', '_S.']]],
    ['add', 'strings', ['list', ['join', ',', '_S.tags'], ['split', ',', '_S.name'], ['ljust', 5, '*', '_S.name'], ['replace', 'a', 'b', '_S.name'], ['substring', 1, '_S.name'], ['matches', 'a*', '_S.tags'], ['length', '_S.name'], ['url-quote', '_S.name'], ['url-unquote', '_S.name']]],
    ['add', 'dates', ['list', ['datetime', '_S.updated_at'], ['datetime-parse', '%Y-%m-%dT%H:%M:%S%z', '_S.updated_at'], ['datetime-format', 'Europe/Oslo', '%Y-%m-%d %H:%M:%S.%f %z', ['datetime', '_S.updated_at']], ['datetime-plus', 'month', 1, ['datetime', '_S.updated_at']], ['datetime-diff', 'day', ['now'], ['datetime', '_S.updated_at']], ['datetime-shift', 'UTC', 'Europe/Oslo', ['datetime', '_S.updated_at']], ['is-datetime', '_S.updated_at']]],
    ['add', 'nis', ['list', ['ni', 'crm', '_S.customer_id'], ['ni', '_S.name'], ['ni-id', '_S.$ids'], ['ni-ns', '_S.$ids'], ['is-ni', '_S.$ids'], ['uri', '_S.name'], ['uuid', '_S.name'], ['bytes', '_S.name'], ['base64-encode', '_S.name'], ['base64-decode', '_S.name']]],
    ['add', 'json', ['list', ['json', '_S.'], ['json-transit', '_S.kids'], ['json-parse', '_S.name'], ['json-transit-parse', 'fallback', '_S.name']]],
    ['add', 'sets', ['list', ['union', '_S.tags', '_S.kids'], ['intersection', '_S.tags', '_S.kids'], ['difference', '_S.tags', '_S.kids'], ['intersects', '_S.tags', '_S.kids'], ['tuples', '_S.tags', '_S.n']]],
    ['add', 'hops', ['apply-hops', 'sub', { datasets: ['anything a'], where: [['eq', '_S.customer_id', 'a.customer_id']] }]],
    ['add', 'lookup', ['lookup-entity', 'anything', ['string', '_S.customer_id']]],
    ['add', 'applied', ['apply', 'sub', '_S.kids']],
    ['add-if', 'maybe', '_S.x'],
    ['default', 'upper', 'never'],
    ['rename', 'name', 'renamed'],
    ['make-ni', 'crm', 'customer_id'],
    ['merge', '_S.kids'],
    ['merge-union', '_S.orders'],
    ['create-child', ['filter', ['is-string', '_._id'], '_S.kids']],
    ['create', ['filter', ['is-string', '_._id'], '_S.kids']],
    ['if', ['is-empty', '_S.tags'], ['add', 'empty', true], [['remove', 'lists'], ['add', 'empty', false]]],
    ['case-eq', '_S.n', 1, ['add', 'one', true], 2, ['add', 'two', true]],
    ['add', '_id', ['string', '_S._id']],
    ['filter', ['neq', '_S.x', 'filtered']],
    ['discard', ['neq', '_S.x', 'discarded']],
  ],
  sub: [['copy', '*'], ['add', 'parent', '_P._S._id'], ['add', 'root', '_R._S._id']],
};

/** Every dtl transform of the generated pipes (the lead's generator output), when present. */
function generatedTransforms(): [string, { rules: Record<string, unknown>; id_required?: boolean }][] {
  const dir = path.resolve(__dirname, '../../generated/pipes');
  if (!existsSync(dir)) return [];
  const out: [string, { rules: Record<string, unknown> }][] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.conf.json')).sort()) {
    const pipe = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { transform?: unknown };
    const transforms = Array.isArray(pipe.transform) ? pipe.transform : pipe.transform ? [pipe.transform] : [];
    transforms.forEach((t, i) => {
      if (t && typeof t === 'object' && (t as { type?: string }).type === 'dtl') out.push([`${file}#${i}`, t as { rules: Record<string, unknown> }]);
    });
  }
  return out;
}

describe('DTL evaluator properties', () => {
  it('never throws on arbitrary entities (representative rules)', () => {
    const dtl = compileDtl({ rules: REPRESENTATIVE_RULES });
    fc.assert(
      fc.property(entity, (e) => {
        const out = dtl.run(e, context());
        expect(Array.isArray(out)).toBe(true);
        // Output stays plain JSON (serialisable, stable through a round trip).
        const text = JSON.stringify(out);
        expect(JSON.stringify(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws with namespaced identifiers on', () => {
    const dtl = compileDtl({ rules: REPRESENTATIVE_RULES });
    fc.assert(
      fc.property(entity, (e) => {
        dtl.run(e, { ...context(), namespaces: { enabled: true, property: 'p', identity: 'i' } });
      }),
      { numRuns: 100 },
    );
  });

  type Named = [string, { rules: Record<string, unknown>; id_required?: boolean } | undefined];
  const found: Named[] = generatedTransforms();
  const generated: Named[] = found.length > 0 ? found : [['(no generated pipes)', undefined]];
  it.each(generated)(
    'never throws on arbitrary entities: %s',
    (_name, transform) => {
      if (!transform) return;
      const dtl = compileDtl(transform);
      fc.assert(
        fc.property(entity, (e) => {
          // A DtlRuntimeError is the pipe failing the way Sesam would (e.g. create-child of a
          // value without _id on malformed input); anything else is an evaluator bug.
          try {
            dtl.run(e, context());
          } catch (error) {
            if (!(error instanceof DtlRuntimeError)) throw error;
          }
        }),
        { numRuns: 50 },
      );
    },
  );

  it('eq is reflexive and symmetric; sorting is a permutation in mixed-type order', () => {
    const eqDtl = compileDtl({ rules: { default: [['add', '_id', 'x'], ['add', 'a', ['eq', '_S.a', '_S.b']], ['add', 'b', ['eq', '_S.b', '_S.a']], ['add', 'r', ['eq', '_S.a', '_S.a']], ['add', 's', ['sorted', '_S.a']]] } }, { propagateDeleted: false });
    fc.assert(
      fc.property(value, value, (a, b) => {
        const [out] = eqDtl.run({ a, b }, context());
        expect(out!.r).toBe(true);
        expect(out!.a).toBe(out!.b);
        if (Array.isArray(a)) {
          const s = out!.s as unknown[];
          expect(s).toHaveLength(a.length);
          for (let i = 1; i < s.length; i++) expect(compareValues(s[i - 1], s[i])).toBeLessThanOrEqual(0);
          for (const x of a) expect(s.some((y) => valuesEqual(x, y))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// Fused rules (one generated function per transform list, src/dtl/eval/fuse.ts) must give exactly
// what the closures give, error messages included, with namespaces off and on.
describe('fused rules give what the closures give', () => {
  const outcome = (dtl: ReturnType<typeof compileDtl>, e: Entity, ns: boolean): unknown => {
    try {
      return dtl.run(e, ns ? { ...context(), namespaces: { enabled: true, property: 'p', identity: 'i' } } : context());
    } catch (error) {
      return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  };
  const same = (rules: Record<string, unknown>, runs: number, id_required?: boolean) => {
    const transform = { rules, ...(id_required === undefined ? {} : { id_required }) };
    const fused = compileDtl(transform, { fuseAfter: 0 });
    const closures = compileDtl(transform, { fuseAfter: Infinity });
    fc.assert(
      fc.property(entity, fc.boolean(), (e, ns) => {
        expect(outcome(fused, e, ns)).toEqual(outcome(closures, e, ns));
      }),
      { numRuns: runs },
    );
  };

  // Names every object inherits, typed strings and nested paths go through the fused code too.
  const NAMES = ['name', 'email', 'tags', 'x', 'n', '_id', 'constructor', 'toString', '__proto__', 'crm:name'];
  const path = fc.oneof(
    fc.constantFrom(...NAMES).map((n) => `_S.${n}`),
    fc.constantFrom(...NAMES).map((n) => `_T.${n}`),
    fc.constantFrom('_S.kids.n', '_S.orders.amount', '_S.', '_T.', '_P._S._id', '_R._S.name'),
  );
  const literal = fc.oneof(fc.constantFrom('a', '', ' ', '~t2020-01-01', true, false, null, 0, 1.5), fc.string({ maxLength: 3 }));
  const expr: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      path,
      literal,
      fc.tuple(fc.constantFrom('lower', 'upper'), tie('e')),
      fc.array(tie('e'), { minLength: 1, maxLength: 4 }).map((xs) => ['concat', ...xs]),
      fc.tuple(fc.constantFrom('eq', 'neq'), tie('e'), fc.constantFrom(true, false, 'a', '', '~:x')),
      fc.tuple(fc.constant('if'), tie('e'), tie('e'), tie('e')),
      fc.tuple(fc.constant('if'), tie('e'), literal, literal),
      fc.array(tie('e'), { minLength: 1, maxLength: 4 }).map((xs) => ['coalesce', ['list', ...xs]]),
      fc.array(tie('e'), { maxLength: 3 }).map((xs) => ['list', ...xs]),
      fc.tuple(fc.constantFrom('and', 'or', 'not'), fc.array(tie('e'), { minLength: 1, maxLength: 3 })).map(([fn, xs]) => [fn, ...xs]),
      fc.tuple(fc.constantFrom('first', 'is-null', 'is-not-null', 'strip', 'lstrip', 'rstrip'), tie('e')),
      fc.tuple(fc.constantFrom('eq', 'gt', 'coalesce'), tie('e'), tie('e')),
      fc.constantFrom(['strip', '\t x \u00a0'], ['lstrip', ' x'], ['rstrip', 'x\n'], ['strip', 'xa', 'axa']),
      // Not written out: called from the fused code.
      fc.tuple(fc.constant('string'), tie('e')),
      fc.tuple(fc.constant('map'), fc.constant(['upper', '_.']), tie('e')),
    ),
  })).e;
  const step: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    s: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constant('add'), fc.constantFrom(...NAMES), expr),
      fc.tuple(fc.constant('copy'), fc.constantFrom(...NAMES)),
      fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }).map((ns) => ['copy', ['list', ...ns]]),
      fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((ns) => ['copy', ['list', ...ns], 'n']),
      // Stopping the list with a status.
      fc.tuple(fc.constant('filter'), expr),
      fc.tuple(fc.constant('discard'), expr),
      fc.constantFrom(['filter'], ['discard']),
      // Not written out: called from the fused code.
      fc.tuple(fc.constant('default'), fc.constantFrom(...NAMES), expr),
      fc.tuple(fc.constant('remove'), fc.constantFrom(...NAMES)),
      // A branch is a list of its own, written into the list around it.
      fc.tuple(fc.constant('if'), expr, fc.array(tie('s'), { maxLength: 3 })),
      fc.tuple(fc.constant('if'), expr, fc.array(tie('s'), { maxLength: 3 }), tie('s')),
    ),
  })).s;

  it('random rules of paths, literals, lower/upper, concat, eq/neq, if, coalesce, list, and/or/not, strip, first, add, copy, filter/discard and nested lists', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), entity, fc.boolean(), (steps, e, ns) => {
        const rules = { default: [['copy', '_id'], ...steps, ['add', 'applied', ['apply', 'sub', '_S.kids']]], sub: steps };
        const fused = compileDtl({ rules, id_required: false }, { fuseAfter: 0 });
        const closures = compileDtl({ rules, id_required: false }, { fuseAfter: Infinity });
        expect(outcome(fused, e, ns)).toEqual(outcome(closures, e, ns));
      }),
      { numRuns: 400 },
    );
  });

  it('the representative rules', () => same(REPRESENTATIVE_RULES, 200));

  it('a rule is written out once it has run often, and gives the same from then on', () => {
    const rules = { default: [['copy', '_id'], ['add', 'n', ['coalesce', ['list', '_S.name', '_S.email']]], ['add', 'kids', ['apply', 'kid', '_S.kids']]], kid: [['add', 'n', ['lower', '_S.n']]] };
    const hot = compileDtl({ rules }, { fuseAfter: 3 });
    const closures = compileDtl({ rules }, { fuseAfter: Infinity });
    fc.assert(
      fc.property(fc.array(entity, { minLength: 5, maxLength: 10 }), (es) => {
        for (const e of es) expect(outcome(hot, e, false)).toEqual(outcome(closures, e, false));
      }),
      { numRuns: 30 },
    );
  });

  it('the DTL of every generated pipe', () => {
    const found = generatedTransforms();
    for (const [, transform] of found) same(transform.rules, 40, transform.id_required);
  });
});
