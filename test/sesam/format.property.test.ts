import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJson, formatJsonText, isCanonical } from '../../src/sesam/format';

// Keys that exercise every ordering group: conventional, internal (_x, $audit), $-keys, unicode.
const keyArb = fc.oneof(
  fc.constantFrom(
    '_id', 'type', 'name', 'description', 'source', 'sink', 'transform', 'pump', 'metadata', 'system',
    'datasets', 'where', 'return', 'default', '_deleted', '_updated', '_', '$audit', '$principals-from-user',
    '$ids', '$', 'a', 'B', 'é', '！', '😀', '__proto__', 'constructor', 'a b',
  ),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary-ascii', maxLength: 4 }).map((s) => `_${s}`),
  fc.string({ unit: 'binary-ascii', maxLength: 4 }).map((s) => `$${s}`),
);

const stringArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.string({ unit: 'binary-ascii', maxLength: 10 }),
  fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\t', '\n', '  ', '\u2028', '\u007f', '\u0000'),
);

// Safe integers and non-integer doubles: the numbers whose JSON.stringify text Python would read
// back as the same kind of number (int vs float).
const numberArb = fc.oneof(
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.constantFrom(0.1, 1e-7, 1.5e-20, 0.0001, 0.00001, 5e-324, 1.7976931348623157e308, -2.5),
);

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    numberArb,
    stringArb,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('json'), { maxLength: 5 }),
  object: fc
    .uniqueArray(fc.tuple(keyArb, tie('json')), { maxLength: 6, selector: ([key]) => key })
    .map((entries) => toObject(entries as Array<[string, unknown]>)),
}));

/** Own data properties, also for `__proto__` (an object literal or Object.fromEntries would not). */
function toObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** The same value with every object's keys inserted in reverse order. */
const reversedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return toObject(Object.entries(value).reverse().map(([key, item]) => [key, reversedKeys(item)]));
  }
  return value;
};

/** Compares as JSON data, ignoring key order (sorted key lists, then values). */
const sameJson = (a: unknown, b: unknown): boolean => {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keysA = Object.keys(a).sort();
    const keysB = Object.keys(b).sort();
    return (
      keysA.length === keysB.length &&
      keysA.every((key, i) => key === keysB[i] && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    );
  }
  return Object.is(a, b);
};

const runs = { numRuns: 400 };

describe('formatJson properties', () => {
  it('(a) parses back to the same data', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(sameJson(JSON.parse(formatJson(value)), value)).toBe(true);
      }),
      runs,
    );
  });

  it('(a) also for fast-check jsonValue', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(sameJson(JSON.parse(formatJson(value)), JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
      runs,
    );
  });

  it('(b) is idempotent through formatJsonText, so its output is canonical', () => {
    fc.assert(
      fc.property(fc.oneof(json, fc.jsonValue()), (value) => {
        const text = formatJson(value);
        expect(formatJsonText(text)).toBe(text);
        expect(isCanonical(text)).toBe(true);
      }),
      runs,
    );
  });

  it('(c) ends with exactly one newline and contains no tab or carriage return', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = formatJson(value);
        expect(text.endsWith('\n')).toBe(true);
        expect(text.endsWith('\n\n')).toBe(false);
        expect(text).not.toMatch(/[\t\r]/);
        expect(text.trimEnd().split('\n').every((line) => line === line.trimEnd())).toBe(true);
      }),
      runs,
    );
  });

  it('(d) does not depend on key insertion order', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(formatJson(reversedKeys(value))).toBe(formatJson(value));
      }),
      runs,
    );
  });

  it('(d) any permutation of an object\'s entries gives the same text', () => {
    const entriesArb = fc.uniqueArray(fc.tuple(keyArb, json), { maxLength: 8, selector: ([key]) => key });
    fc.assert(
      fc.property(
        entriesArb.chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })),
        ),
        ([entries, shuffled]) => {
          expect(formatJson(toObject(shuffled as Array<[string, unknown]>))).toBe(formatJson(toObject(entries as Array<[string, unknown]>)));
        },
      ),
      runs,
    );
  });

  it('formatJsonText gives the same text whatever the input layout', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(0, 1, 4, '\t'), (value, indent) => {
        expect(formatJsonText(JSON.stringify(value, null, indent))).toBe(formatJson(value));
      }),
      runs,
    );
  });
});
