// encrypt/decrypt (Fernet with a password) and encrypt-pki/decrypt-pki (RSA, PEM keys):
// the documented round trips (hub/dtl/dtl-functions-encryption.rst), Fernet spec conformance,
// vectorisation and errors. encrypt-pgp/decrypt-pgp: see openpgp.test.ts.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fernetDecrypt, fernetEncrypt } from '../../src/dtl/eval/crypto';
import { evalExpr, thrown } from './helpers';


// Made by Python's cryptography.fernet.Fernet(urlsafe_b64encode(sha256(b"secret"))).encrypt("från python").
const PYTHON_TOKEN = 'gAAAAABrBzkLPhI3Ax5G66zYvOb-DFvYVHPlgRPNbS5pLtVZBPKAAGo9cp4c4acxhA4c79g6jOS5paRk4fedyEpM6Ty56-Yfhw==';
const bytesOfText = (s: string) => `~b${Buffer.from(s, 'ascii').toString('base64')}`;

describe('Fernet', () => {
  it('decrypts a token made by the reference (Python) implementation', () => {
    expect(fernetDecrypt('secret', PYTHON_TOKEN)).toBe('från python');
    expect(fernetDecrypt('other', PYTHON_TOKEN)).toBeUndefined();
  });
  it('writes spec tokens: version 0x80, big-endian seconds, 16-byte IV, whole AES blocks, HMAC', () => {
    const token = fernetEncrypt('secret', 'hello', new Date('2030-01-01T00:00:00Z'));
    expect(token).toMatch(/^[A-Za-z0-9_-]+=*$/);
    const raw = Buffer.from(token, 'base64url');
    expect(raw[0]).toBe(0x80);
    expect(raw.readBigUInt64BE(1)).toBe(1893456000n);
    expect(raw.length).toBe(1 + 8 + 16 + 16 + 32);
    expect(fernetDecrypt('secret', token)).toBe('hello');
  });
  it('rejects tampered and malformed tokens', () => {
    const token = fernetEncrypt('k', 'hello', new Date(0));
    const raw = Buffer.from(token, 'base64url');
    raw[30] = raw[30]! ^ 1;
    expect(fernetDecrypt('k', raw.toString('base64url'))).toBeUndefined();
    expect(fernetDecrypt('k', 'not a token')).toBeUndefined();
    expect(fernetDecrypt('k', 'gAAA')).toBeUndefined();
  });
});

describe('encrypt / decrypt (DTL)', () => {
  it('encrypt returns bytes values, one per string', () => {
    const out = evalExpr(['encrypt', 'secret', ['list', 'a', 'b', 'c']]);
    expect(Array.isArray(out) && out.length).toBe(3);
    for (const v of out as string[]) expect(v).toMatch(/^~b[A-Za-z0-9+/]+=*$/);
    expect(evalExpr(['is-bytes', ['encrypt', 'secret', 'a']])).toBe(true);
  });
  it('doc: ["decrypt", "secret", ["encrypt", "secret", ["list", "a", "b", "c"]]] → ["a", "b", "c"]', () => {
    expect(evalExpr(['decrypt', 'secret', ['encrypt', 'secret', ['list', 'a', 'b', 'c']]])).toEqual(['a', 'b', 'c']);
  });
  it('round-trips unicode, empty and long strings, and a single value', () => {
    const long = 'x'.repeat(5000);
    expect(evalExpr(['decrypt', 'pw', ['encrypt', 'pw', ['list', 'æøå 😀', '', long]]])).toEqual(['æøå 😀', '', long]);
    expect(evalExpr(['decrypt', 'pw', ['encrypt', 'pw', 'one']])).toBe('one');
  });
  it('decrypts tokens given as bytes or as text (Python-made token)', () => {
    expect(evalExpr(['decrypt', 'secret', bytesOfText(PYTHON_TOKEN)])).toBe('från python');
    expect(evalExpr(['decrypt', 'secret', PYTHON_TOKEN])).toBe('från python');
  });
  it('drops values of other types', () => {
    expect(evalExpr(['encrypt', 'k', 1])).toBeNull();
    expect((evalExpr(['encrypt', 'k', ['list', 1, null, 'a', true, { a: 1 }]]) as unknown[]).length).toBe(1);
    expect(evalExpr(['decrypt', 'k', ['list', 1, null, true]])).toEqual([]);
  });
  it('fails on a wrong KEY', () => {
    const e = thrown(() => evalExpr(['decrypt', 'wrong', ['encrypt', 'secret', 'a']]));
    expect(e.message).toBe('"decrypt": invalid token or wrong KEY');
    expect(e.kind).toBe('problems');
  });
  it('fails on a missing KEY and on $SECRET() keys (not resolvable offline)', () => {
    const e = thrown(() => evalExpr(['encrypt', null, 'a']));
    expect(e.message).toBe('"encrypt": KEY must be a non-empty string');
    expect(e.kind).toBe('problems');
    const s = thrown(() => evalExpr(['encrypt', '$SECRET(secret-name)', 'a']));
    expect(s.message).toBe('"encrypt": $SECRET(secret-name) cannot be resolved offline (secrets live on the Sesam node)');
    expect(s.kind).toBe('problems');
  });
  it.each([[['encrypt', 'k']], [['decrypt', 'k', 'a', 'b']]])('arity error for %j', (expr) => {
    const e = thrown(() => evalExpr(expr));
    expect(e.kind).toBe('problems');
    expect(e.details.join('\n')).toMatch(/"(en|de)crypt" takes 2 arguments, got \d \[dtl-arity\]/);
  });
});

describe('encrypt-pki / decrypt-pki (DTL)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const other = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

  it('keys have the documented headers', () => {
    expect(publicKey.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
    expect(privateKey.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
  });
  it('doc: encrypt-pki of json-transit of a list → a list of 256-byte bytes values', () => {
    const out = evalExpr(['encrypt-pki', publicKey, ['json-transit', ['list', 'a', 'b', 'c']]]) as string[];
    expect(out).toHaveLength(3);
    for (const v of out) expect(Buffer.from(v.slice(2), 'base64')).toHaveLength(256);
    expect(evalExpr(['is-bytes', ['encrypt-pki', publicKey, 'secret-passphrase']])).toBe(true);
  });
  it('doc: json-transit-parse(decrypt-pki(encrypt-pki(json-transit([["a","b","c"]])))) round-trips', () => {
    // The page shows ["a","b","c"]; the json-transit argument is a one-element list, so the
    // vectorised chain gives that list back inside a list.
    const expr = ['json-transit-parse', ['decrypt-pki', privateKey, ['encrypt-pki', publicKey, ['json-transit', ['list', ['list', 'a', 'b', 'c']]]]]];
    expect(evalExpr(expr)).toEqual([['a', 'b', 'c']]);
  });
  it('round-trips single strings and lists; PKCS#8 private keys work too', () => {
    expect(evalExpr(['decrypt-pki', privateKey, ['encrypt-pki', publicKey, 'secret-passphrase']])).toBe('secret-passphrase');
    expect(evalExpr(['decrypt-pki', other.privateKey, ['encrypt-pki', other.publicKey, ['list', 'a', 'æøå']]])).toEqual(['a', 'æøå']);
  });
  it('drops values of other types', () => {
    expect(evalExpr(['encrypt-pki', publicKey, ['list', 1, null, true]])).toEqual([]);
    expect(evalExpr(['encrypt-pki', publicKey, 1])).toBeNull();
    // decrypt-pki takes bytes values only
    expect(evalExpr(['decrypt-pki', privateKey, ['list', 'text', 1]])).toEqual([]);
  });
  it('fails when decrypting with the wrong private key', () => {
    const e = thrown(() => evalExpr(['decrypt-pki', other.privateKey, ['encrypt-pki', publicKey, 'a']]));
    expect(e.message).toBe('"decrypt-pki": the value was not encrypted for this PRIVATE_KEY');
    expect(e.kind).toBe('problems');
  });
  it('fails on values too long for RSA', () => {
    const e = thrown(() => evalExpr(['encrypt-pki', publicKey, 'x'.repeat(300)]));
    expect(e.message).toBe('"encrypt-pki": the value is too long for the RSA key (use encrypt-pgp for large data)');
    expect(e.kind).toBe('problems');
  });
  it('fails on keys that are not PEM RSA keys', () => {
    const e = thrown(() => evalExpr(['encrypt-pki', 'RSA_PEM_public_key', 'a']));
    expect(e.message).toBe('"encrypt-pki": PUBLIC_KEY is not a PEM RSA public key');
    expect(e.kind).toBe('problems');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    expect(thrown(() => evalExpr(['encrypt-pki', ec.publicKey, 'a'])).message).toBe('"encrypt-pki": the key is not an RSA key');
    expect(thrown(() => evalExpr(['decrypt-pki', publicKey, ['encrypt-pki', publicKey, 'a']])).message).toBe(
      '"decrypt-pki": PRIVATE_KEY is not a PEM RSA private key',
    );
  });
  it.each([[['encrypt-pki', 'k']], [['decrypt-pki', 'k', 'a', 'b']]])('arity error for %j', (expr) => {
    const e = thrown(() => evalExpr(expr));
    expect(e.kind).toBe('problems');
    expect(e.details.join('\n')).toMatch(/"(en|de)crypt-pki" takes 2 arguments, got \d \[dtl-arity\]/);
  });
});
