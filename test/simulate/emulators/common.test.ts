import { describe, expect, it } from 'vitest';
import { PatchError, applyJsonPatch, matchesSubset, parseJsonPatch } from '../../../src/simulate/emulators';

describe('JSON Patch', () => {
  it('applies replace, add and remove on top-level properties; replacing an object replaces it whole', () => {
    const doc = { Name: 'A', MailAddress: { City: 'Oslo', ZipCode: '0150', AddressLine1: 'Gate 1' }, Phone: '1' };
    const ops = parseJsonPatch([
      { op: 'replace', path: '/Name', value: 'B' },
      { op: 'replace', path: '/MailAddress', value: { City: 'Bergen', ZipCode: '5003' } },
      { op: 'add', path: '/EmailAddress', value: 'a@b.no' },
      { op: 'remove', path: '/Phone' },
    ]);
    expect(applyJsonPatch(doc, ops)).toEqual({ Name: 'B', MailAddress: { City: 'Bergen', ZipCode: '5003' }, EmailAddress: 'a@b.no' });
    expect(doc.Name).toBe('A'); // input untouched
  });

  it('walks nested paths and unescapes ~1 and ~0', () => {
    const out = applyJsonPatch({ a: { 'x/y': 1, 'm~n': 2 } }, parseJsonPatch([
      { op: 'replace', path: '/a/x~1y', value: 3 },
      { op: 'remove', path: '/a/m~0n' },
    ]));
    expect(out).toEqual({ a: { 'x/y': 3 } });
  });

  it('refuses malformed documents', () => {
    expect(() => parseJsonPatch({ op: 'replace' })).toThrow(PatchError);
    expect(() => parseJsonPatch([{ op: 'move', path: '/a', from: '/b' }])).toThrow(/not supported/);
    expect(() => parseJsonPatch([{ op: 'replace', path: 'Name', value: 1 }])).toThrow(/must name a property|must start/);
    expect(() => parseJsonPatch([{ op: 'replace', path: '/Name' }])).toThrow(/needs a value/);
    expect(() => applyJsonPatch({}, parseJsonPatch([{ op: 'replace', path: '/a/b', value: 1 }]))).toThrow(/not an object/);
  });
});

describe('matchesSubset', () => {
  it('matches nested subsets, lists element by element, numbers by value', () => {
    const rec = { a: 1, b: { c: 'x', d: 2 }, l: [{ p: 1, q: 2 }, { p: 3 }] };
    expect(matchesSubset(rec, { a: 1.0, b: { c: 'x' } })).toBe(true);
    expect(matchesSubset(rec, { l: [{ p: 1 }, { p: 3 }] })).toBe(true);
    expect(matchesSubset(rec, { l: [{ p: 1 }] })).toBe(false);
    expect(matchesSubset(rec, { a: '1' })).toBe(false);
    expect(matchesSubset(rec, { missing: null })).toBe(true);
    expect(matchesSubset(rec, { missing: 'x' })).toBe(false);
  });
});
