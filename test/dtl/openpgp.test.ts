// encrypt-pgp / decrypt-pgp: the synchronous OpenPGP subset (RSA keys, SEIPD messages). The
// fixtures were made with GnuPG 2.2 (an RSA-2048 key with an encryption subkey, protected with
// the passphrase "test-pass"; messages with the default, ZIP, ZLIB and no compression). GnuPG
// also decrypts what encrypt-pgp writes (checked by hand when this was written).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalExpr, thrown } from './helpers';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'openpgp', name), 'utf8');
const PUBLIC = fixture('public.asc');
const PRIVATE = fixture('private.asc');

describe('decrypt-pgp', () => {
  it.each([
    ['message-default.asc', 'secret message æøå'],
    ['message-zip.asc', 'compressed with zip'],
    ['message-zlib.asc', 'compressed with zlib'],
    ['message-none.asc', 'compressed with none'],
  ])('decrypts %s made by GnuPG', (file, text) => {
    expect(evalExpr(['decrypt-pgp', '_S.key', 'test-pass', '_S.message'], { key: PRIVATE, message: fixture(file) })).toBe(text);
  });

  it('is vectorised and drops values that are not strings', () => {
    const messages = [fixture('message-zip.asc'), 1, fixture('message-none.asc')];
    expect(evalExpr(['decrypt-pgp', '_S.key', 'test-pass', '_S.messages'], { key: PRIVATE, messages })).toEqual(['compressed with zip', 'compressed with none']);
  });

  it.each([
    [['decrypt-pgp', '_S.key', 'wrong', '_S.message'], { message: fixture('message-zip.asc') }, '"decrypt-pgp": wrong passphrase for the private key'],
    [['decrypt-pgp', '_S.key', 'test-pass', '_S.message'], { message: fixture('message-bzip2.asc') }, '"decrypt-pgp": compression algorithm 3 is not supported (none, ZIP and ZLIB are)'],
    [['decrypt-pgp', '_S.key', 'test-pass', '_S.message'], { message: fixture('message-zip.asc').replace(/\n[A-Za-z0-9+/]{64}\n/, (l) => `\n${l[1] === 'A' ? 'B' : 'A'}${l.slice(2)}`) }, '"decrypt-pgp": the armour checksum does not match (the text was changed or cut)'],
    [['decrypt-pgp', '_S.key', 'test-pass', 'not a message'], {}, '"decrypt-pgp": expected an ASCII-armoured MESSAGE ("-----BEGIN PGP MESSAGE-----")'],
    [['decrypt-pgp', PUBLIC, 'test-pass', '_S.message'], { message: fixture('message-zip.asc') }, '"decrypt-pgp": expected an ASCII-armoured PRIVATE KEY BLOCK ("-----BEGIN PGP PRIVATE KEY BLOCK-----")'],
    [['decrypt-pgp', '$SECRET(pgp-key)', 'test-pass', 'x'], {}, '"decrypt-pgp": $SECRET(pgp-key) cannot be resolved offline (secrets live on the Sesam node)'],
    [['decrypt-pgp', '_S.key', '$SECRET(pass)', 'x'], {}, '"decrypt-pgp": $SECRET(pass) cannot be resolved offline (secrets live on the Sesam node)'],
  ])('%j refuses with a precise message', (expr, source, message) => {
    expect(thrown(() => evalExpr(expr, { key: PRIVATE, ...source })).message).toBe(message);
  });
});

describe('encrypt-pgp', () => {
  it('writes an armoured message that decrypt-pgp (and GnuPG) reads back', () => {
    const message = evalExpr(['encrypt-pgp', '_S.pub', 'hello ✓'], { pub: PUBLIC }) as string;
    expect(message).toMatch(/^-----BEGIN PGP MESSAGE-----\n\n[A-Za-z0-9+/=\n]+\n=[A-Za-z0-9+/]{4}\n-----END PGP MESSAGE-----\n$/);
    expect(evalExpr(['decrypt-pgp', '_S.key', 'test-pass', '_S.m'], { key: PRIVATE, m: message })).toBe('hello ✓');
  });

  it('is vectorised over strings (serialise other values with json-transit first)', () => {
    const out = evalExpr(['decrypt-pgp', '_S.key', 'test-pass', ['encrypt-pgp', '_S.pub', ['list', 'a', 2, ['json-transit', { b: 1 }]]]], { pub: PUBLIC, key: PRIVATE });
    expect(out).toEqual(['a', '{"b": 1}']);
  });

  it('refuses a key that is not an armoured public key', () => {
    expect(thrown(() => evalExpr(['encrypt-pgp', 'OpenPGP_public_key', 'x'])).message).toBe(
      '"encrypt-pgp": expected an ASCII-armoured PUBLIC KEY BLOCK ("-----BEGIN PGP PUBLIC KEY BLOCK-----")',
    );
  });
});
