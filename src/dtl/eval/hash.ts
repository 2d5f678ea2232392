// hash128: 128-bit MurmurHash3 (x64 variant) of strings (UTF-8) and bytes, as Sesam's
// ["hash128", "murmur3", SEED?, VALUES]. The result is the unsigned 128-bit integer Python's
// mmh3.hash128 gives: (h2 << 64) | h1, an exact int (a BigInteger above 2^53) that prints as a
// JSON integer.
import { SKIP, firstValue, intValue, isPlainString, kindOf, vmap, type Value } from '../values';
import { DtlRuntimeError, type ExprFactory } from './core';

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

const mul64 = (a: bigint, b: bigint): bigint => (a * b) & MASK64;
const add64 = (a: bigint, b: bigint): bigint => (a + b) & MASK64;
const rotl64 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK64;

/** Final avalanche of one 64-bit lane. */
function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = mul64(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = mul64(k, 0xc4ceb9fe1a85ec53n);
  k ^= k >> 33n;
  return k;
}

/** Little-endian 64-bit word of `data` starting at `offset`, using only the first `count` bytes. */
function readLane(data: Uint8Array, offset: number, count: number): bigint {
  let k = 0n;
  for (let i = count - 1; i >= 0; i--) k = (k << 8n) | BigInt(data[offset + i]!);
  return k;
}

// The per-lane mixing of a 64-bit key word before it is folded into h1 / h2.
const mixK1 = (k1: bigint): bigint => mul64(rotl64(mul64(k1, C1), 31n), C2);
const mixK2 = (k2: bigint): bigint => mul64(rotl64(mul64(k2, C2), 33n), C1);

/** MurmurHash3_x64_128 of `data` with a 32-bit seed, as the unsigned 128-bit integer (h2 << 64) | h1. */
export function murmur3x64_128(data: Uint8Array, seed = 0): bigint {
  const seed32 = BigInt.asUintN(32, BigInt(seed));
  let h1 = seed32;
  let h2 = seed32;
  const blocks = Math.floor(data.length / 16);

  // Body: 16-byte blocks as two little-endian 64-bit words.
  for (let b = 0; b < blocks; b++) {
    const k1 = readLane(data, b * 16, 8);
    const k2 = readLane(data, b * 16 + 8, 8);
    h1 ^= mixK1(k1);
    h1 = add64(mul64(add64(rotl64(h1, 27n), h2), 5n), 0x52dce729n);
    h2 ^= mixK2(k2);
    h2 = add64(mul64(add64(rotl64(h2, 31n), h1), 5n), 0x38495ab5n);
  }

  // Tail: the last 0–15 bytes, zero-padded; bytes 8.. go to the second lane.
  const tail = blocks * 16;
  const rest = data.length - tail;
  if (rest > 8) h2 ^= mixK2(readLane(data, tail + 8, rest - 8));
  if (rest > 0) h1 ^= mixK1(readLane(data, tail, Math.min(rest, 8)));

  // Finalisation.
  const len = BigInt(data.length);
  h1 ^= len;
  h2 ^= len;
  h1 = add64(h1, h2);
  h2 = add64(h2, h1);
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = add64(h1, h2);
  h2 = add64(h2, h1);
  return (h2 << 64n) | h1;
}

/** The bytes hash128 hashes: UTF-8 of strings, the content of bytes values; undefined for other kinds. */
function hashInput(v: Value): Uint8Array | undefined {
  if (isPlainString(v)) return Buffer.from(v, 'utf8');
  if (kindOf(v) === 'bytes') return Buffer.from((v as string).slice(2), 'base64');
  return undefined;
}

const hash128: ExprFactory = (a) => {
  const algorithm = a.e(0);
  const seedExpr = a.raw.length > 2 ? a.e(1) : undefined;
  const values = a.e(a.raw.length > 2 ? 2 : 1);
  return (f) => {
    const alg = firstValue(algorithm(f));
    if (alg !== 'murmur3')
      throw new DtlRuntimeError(`"hash128": unsupported algorithm ${JSON.stringify(alg)} (the only algorithm is "murmur3")`);
    let seed = 0;
    if (seedExpr) {
      const s = firstValue(seedExpr(f));
      if (typeof s !== 'number' || !Number.isInteger(s))
        throw new DtlRuntimeError(`"hash128": SEED must be an integer, got ${JSON.stringify(s)}`);
      seed = s;
    }
    return vmap(values(f), (v) => {
      const data = hashInput(v);
      return data ? intValue(murmur3x64_128(data, seed)) : SKIP;
    });
  };
};

export const hashFunctions: Record<string, ExprFactory> = { hash128 };
