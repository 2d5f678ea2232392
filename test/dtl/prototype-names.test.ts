// Entities are plain data: "constructor", "toString", "__proto__" and the other names every
// JavaScript object inherits are ordinary property names in DTL, through every way of reading
// or writing a property.
import { describe, expect, it } from 'vitest';
import { parseDtlJson } from '../../src/dtl/json';
import { evalExpr, runRules } from './helpers';

const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

/** The prototype was not replaced: a plain object, or an entity whose prototype chain is empty. */
function plainData(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as object | null;
  return proto === Object.prototype || proto === null || (Object.getOwnPropertyNames(proto).length === 0 && Object.getPrototypeOf(proto) === null);
}

/** A source entity with no such properties, and one where each name is an own property. */
const empty = { _id: 'e' };
const withAll = (): Record<string, unknown> => parseDtlJson(`{"_id": "w", ${NAMES.map((n, i) => `"${n}": ${i + 1}`).join(', ')}}`, 'test') as Record<string, unknown>;

describe.each(NAMES)('the property name %s', (name) => {
  const value = NAMES.indexOf(name) + 1;

  it('path reads on _S, _T, _P, _R, _ and hop aliases see only own properties', () => {
    for (const [source, expected] of [
      [empty, null],
      [withAll(), value],
    ] as const) {
      expect(evalExpr(`_S.${name}`, source)).toBe(expected);
      expect(evalExpr(['is-null', `_S.${name}`], source)).toBe(expected === null);
      const [t] = runRules(
        {
          default: [
            ['copy', '_id'],
            ['add', 'fromT', `_T.${name}`],
            ['add', 'fromR', `_R._S.${name}`],
            ['add', 'fromP', ['apply', 'child', '_S.']],
            ['add', 'fromU', ['map', `_.${name}`, ['list', '_S.']]],
            ['add', 'fromPath', ['path', name, '_S.']],
            ['add', 'hasKey', ['has-key', name, '_S.']],
            ['add', 'fromHop', ['hops', { datasets: ['things t'], where: [['eq', '_S._id', 't._id']], return: `t.${name}` }]],
          ],
          child: [['add', 'v', `_P._S.${name}`]],
        },
        source,
        { datasets: { things: [source as Record<string, unknown>] } },
      );
      expect(t!.fromT).toBeNull();
      expect(t!.fromR).toBe(expected);
      expect((t!.fromP as Record<string, unknown>).v).toBe(expected);
      expect(t!.fromU).toEqual([expected]);
      expect(t!.fromPath).toBe(expected);
      expect(t!.hasKey).toBe(expected !== null);
      expect(t!.fromHop).toEqual(expected === null ? [] : [expected]);
    }
  });

  it('add, dict, rename, copy, merge, default, add-if and create keep it as a key (and never touch the prototype)', () => {
    const [t, created] = runRules(
      {
        default: [
          ['copy', '*'],
          ['add', name, 'added'],
          ['add', 'd', ['dict', name, 1]],
          ['add', 'd2', ['dict', ['list', ['list', name, 2]]]],
          ['add', 'm', ['apply', 'merged', '_S.']],
          ['rename', name, `renamed-${name}`],
          ['add', 'ks', ['keys', ['dict', name, 1]]],
          ['create', ['dict', '_id', 'c', name, 'created']],
        ],
        merged: [['merge', ['dict', name, 'merged']], ['default', 'x', 1], ['add-if', 'y', 1]],
      },
      withAll(),
    );
    // merge skips names that start with "_" (root "_" properties), so __proto__ is not merged.
    const merged = name.startsWith('_') ? [] : [t!.m];
    for (const o of [t!, t!.d, t!.d2, ...merged, created!] as Record<string, unknown>[]) {
      expect(plainData(o)).toBe(true);
      expect(Object.prototype.hasOwnProperty.call(o, name)).toBe(true);
    }
    expect(t![name]).toBe('added');
    expect(t![`renamed-${name}`]).toBe(value);
    expect((t!.d as Record<string, unknown>)[name]).toBe(1);
    expect((t!.d2 as Record<string, unknown>)[name]).toBe(2);
    if (!name.startsWith('_')) expect((t!.m as Record<string, unknown>)[name]).toBe('merged');
    expect(t!.ks).toEqual([name]);
    expect(created![name]).toBe('created');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('target entities inherit nothing', () => {
    const [t] = runRules({ default: [['copy', '_id']] }, empty);
    expect(name in t!).toBe(false);
    expect(plainData(t!)).toBe(true);
  });

  it('remove, copy with patterns, items, values, map-dict and group-by treat it as data', () => {
    const src = withAll();
    expect(evalExpr(['keys', '_S.'], src)).toEqual(['_id', ...NAMES]);
    expect(evalExpr(['values', ['dict', name, 7]])).toEqual([7]);
    expect(evalExpr(['items', ['dict', name, 7]])).toEqual([[name, 7]]);
    expect(evalExpr(['map-dict', '_.', '_.', ['dict', name, 7]])).toEqual(parseDtlJson(`{"${name}": 7}`, 'test'));
    expect(Object.keys(evalExpr(['group-by', '_.', ['string', '_.'], ['list', name]]) as object)).toEqual([name]);
    const [t] = runRules({ default: [['copy', '*'], ['remove', name]] }, src);
    expect(Object.prototype.hasOwnProperty.call(t, name)).toBe(false);
    const [c] = runRules({ default: [['copy', '_id'], ['copy', name]] }, src);
    expect(c![name]).toBe(value);
  });
});
