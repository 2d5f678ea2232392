// hash128: the documented examples (hub/dtl/dtl-functions-misc.rst), published MurmurHash3
// x64_128 vectors, vectorisation, seeds and argument errors.
import { describe, expect, it } from 'vitest';
import { murmur3x64_128 } from '../../src/dtl/eval/hash';
import { BigInteger } from '../../src/dtl/values';
import { stringifyDtl } from '../../src/dtl/json';
import { evalExpr, thrown } from './helpers';

const ABC = new BigInteger(79267961763742113019008347020647561319n);
const DEF = new BigInteger(114697464648834432121201791580882983835n);


describe('murmur3x64_128', () => {
  it('matches mmh3.hash128 (unsigned, (h2 << 64) | h1)', () => {
    expect(murmur3x64_128(Buffer.from('abc')).toString()).toBe('79267961763742113019008347020647561319');
    expect(murmur3x64_128(Buffer.from('foo')).toString()).toBe('168394135621993849475852668931176482145');
  });
  it('matches the canonical x64_128 vector (digest bytes 6c1b07bc…437a, read little-endian)', () => {
    const h = murmur3x64_128(Buffer.from('The quick brown fox jumps over the lazy dog'));
    expect(h.toString(16)).toBe('7a433ca9c49a9347e34bbc7bbc071b6c');
  });
  it('hashes the empty input with seed 0 to 0 and covers every tail length', () => {
    expect(murmur3x64_128(new Uint8Array(0))).toBe(0n);
    const seen = new Set<bigint>();
    for (let n = 1; n <= 33; n++) seen.add(murmur3x64_128(Buffer.alloc(n, 0x61)));
    expect(seen.size).toBe(33);
    for (const h of seen) expect(h < 1n << 128n && h >= 0n).toBe(true);
  });
  it('uses the seed (masked to 32 bits, like the C reference)', () => {
    const data = Buffer.from('abc');
    expect(murmur3x64_128(data, 0)).toBe(murmur3x64_128(data));
    expect(murmur3x64_128(data, 42)).not.toBe(murmur3x64_128(data));
    expect(murmur3x64_128(data, -1)).toBe(murmur3x64_128(data, 0xffffffff));
  });
});

describe('hash128 (DTL)', () => {
  it('doc: ["hash128", "murmur3", "abc"] → 79267961763742113019008347020647561319, an exact integer printed as a JSON integer', () => {
    expect(evalExpr(['hash128', 'murmur3', 'abc'])).toEqual(ABC);
    expect(evalExpr(['is-integer', ['hash128', 'murmur3', 'abc']])).toBe(true);
    expect(evalExpr(['is-decimal', ['hash128', 'murmur3', 'abc']])).toBe(false);
    expect(stringifyDtl(evalExpr(['hash128', 'murmur3', 'abc']))).toBe('79267961763742113019008347020647561319');
    expect(evalExpr(['string', ['hash128', 'murmur3', 'abc']])).toBe('79267961763742113019008347020647561319');
  });
  it('doc: combine of "abc", 123, "def" → the two string hashes, the integer ignored', () => {
    // The page shows [[abc, def]] (doubly nested); every other vectorised function returns a
    // flat list for a list argument, so we read the extra brackets as a docs erratum.
    expect(evalExpr(['hash128', 'murmur3', ['combine', 'abc', 123, 'def']])).toEqual([ABC, DEF]);
  });
  it('equals the integer in comparisons', () => {
    expect(evalExpr(['eq', ['hash128', 'murmur3', 'abc'], ['decimal', '79267961763742113019008347020647561319']])).toBe(true);
  });
  it('hashes bytes values by content (same as the UTF-8 string)', () => {
    expect(evalExpr(['hash128', 'murmur3', ['bytes', 'abc']])).toEqual(ABC);
    expect(evalExpr(['hash128', 'murmur3', ['bytes', 'æøå']])).toEqual(evalExpr(['hash128', 'murmur3', 'æøå']));
  });
  it('drops values of other types; a single wrong-typed value gives null', () => {
    expect(evalExpr(['hash128', 'murmur3', ['list', 1, 'abc', null, true, { a: 1 }, '~:ns:abc', 'def']])).toEqual([ABC, DEF]);
    expect(evalExpr(['hash128', 'murmur3', 123])).toBeNull();
    expect(evalExpr(['hash128', 'murmur3', '_S.missing'])).toBeNull();
    expect(evalExpr(['hash128', 'murmur3', ['list']])).toEqual([]);
  });
  it('takes an optional integer SEED', () => {
    expect(evalExpr(['hash128', 'murmur3', 0, 'abc'])).toEqual(ABC);
    const seeded = evalExpr(['hash128', 'murmur3', 42, 'abc']);
    expect(seeded).toEqual(new BigInteger(murmur3x64_128(Buffer.from('abc'), 42)));
    expect(seeded).not.toEqual(ABC);
  });
  it('reads values from the source entity', () => {
    expect(evalExpr(['hash128', 'murmur3', '_S.name'], { name: 'abc' })).toEqual(ABC);
  });
  it('rejects another algorithm when evaluated', () => {
    const e = thrown(() => evalExpr(['hash128', 'md5', 'abc']));
    expect(e.message).toBe('"hash128": unsupported algorithm "md5" (the only algorithm is "murmur3")');
    expect(e.kind).toBe('problems');
  });
  it('rejects a non-integer SEED when evaluated', () => {
    const e = thrown(() => evalExpr(['hash128', 'murmur3', 'x', 'abc']));
    expect(e.message).toBe('"hash128": SEED must be an integer, got "x"');
    expect(e.kind).toBe('problems');
  });
  it.each([[['hash128', 'murmur3']], [['hash128', 'murmur3', 1, 'a', 'b']]])('arity error for %j', (expr) => {
    const e = thrown(() => evalExpr(expr));
    expect(e.kind).toBe('problems');
    expect(e.details.join('\n')).toMatch(/"hash128" takes 2 to 3 arguments, got \d \[dtl-arity\]/);
  });
});
