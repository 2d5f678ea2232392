// Encryption functions with round-trip semantics on node:crypto:
//   encrypt / decrypt          symmetric Fernet with a password KEY
//   encrypt-pki / decrypt-pki  RSA (PEM keys; the docs say RSA 2048)
// The docs (hub/dtl/dtl-functions-encryption.rst) do not pin Sesam's exact parameters, so
// ciphertexts made here round-trip here but are NOT guaranteed to decrypt in Sesam (or the
// reverse):
//   - Fernet: how Sesam turns the password into a Fernet key is undocumented. We use
//     SHA-256(password UTF-8) as the 32-byte Fernet key (signing key = first 16 bytes,
//     AES-128 key = last 16 bytes). The token itself follows the Fernet spec.
//   - PKI: the RSA padding is undocumented. We use OAEP with SHA-256 (and MGF1-SHA-256).
// encrypt-pgp / decrypt-pgp use the synchronous OpenPGP subset in src/dtl/openpgp.ts (RSA keys;
// OpenPGP libraries for JavaScript are asynchronous and the evaluator is not).
// Ciphertexts are bytes values ("~b…"); decryption gives UTF-8 strings. Only strings are
// encrypted (the docs ask callers to serialise other values with json/json-transit first);
// values of other kinds are dropped. "$SECRET(…)" keys cannot be resolved offline.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  constants,
  type KeyObject,
} from 'node:crypto';
import { OpenPgpError, decryptPgp as openpgpDecrypt, encryptPgp as openpgpEncrypt } from '../openpgp';
import { SKIP, firstValue, isPlainString, kindOf, vmap, type Value } from '../values';
import { DtlRuntimeError, type Expr, type ExprFactory, type Frame } from './core';

const FERNET_VERSION = 0x80;

/** The key argument as a string; secrets are a node-side feature. */
function keyText(name: string, what: string, expr: Expr, f: Frame): string {
  const k = firstValue(expr(f));
  if (typeof k !== 'string' || k === '') throw new DtlRuntimeError(`"${name}": ${what} must be a non-empty string`);
  if (/^\$SECRET\(/.test(k))
    throw new DtlRuntimeError(`"${name}": ${k} cannot be resolved offline (secrets live on the Sesam node)`);
  return k;
}

// ---- Fernet (https://github.com/fernet/spec) -------------------------------------------------

function fernetKeys(password: string): { signing: Buffer; encryption: Buffer } {
  // Assumption (undocumented in Sesam): the Fernet key is SHA-256 of the password.
  const key = createHash('sha256').update(password, 'utf8').digest();
  return { signing: key.subarray(0, 16), encryption: key.subarray(16, 32) };
}

/** A Fernet token (URL-safe base64 text) for `plaintext`. */
export function fernetEncrypt(password: string, plaintext: string, now: Date): string {
  const { signing, encryption } = fernetKeys(password);
  const header = Buffer.alloc(9);
  header[0] = FERNET_VERSION;
  header.writeBigUInt64BE(BigInt(Math.floor(now.getTime() / 1000)), 1);
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', encryption, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const body = Buffer.concat([header, iv, ciphertext]);
  const hmac = createHmac('sha256', signing).update(body).digest();
  // Fernet tokens are URL-safe base64 with padding (Python's base64.urlsafe_b64encode).
  return Buffer.concat([body, hmac]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The plaintext of a Fernet token, or undefined when the token is malformed or the key is wrong. */
export function fernetDecrypt(password: string, token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+=*$/.test(token)) return undefined;
  const raw = Buffer.from(token.replace(/=+$/, ''), 'base64url');
  // version (1) + timestamp (8) + IV (16) + at least one AES block (16) + HMAC (32)
  if (raw.length < 73 || raw[0] !== FERNET_VERSION || (raw.length - 57) % 16 !== 0) return undefined;
  const { signing, encryption } = fernetKeys(password);
  const body = raw.subarray(0, raw.length - 32);
  const expected = createHmac('sha256', signing).update(body).digest();
  if (!timingSafeEqual(expected, raw.subarray(raw.length - 32))) return undefined;
  try {
    const decipher = createDecipheriv('aes-128-cbc', encryption, body.subarray(9, 25));
    return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

const bytesValue = (b: Buffer): string => `~b${b.toString('base64')}`;
const bytesOf = (v: Value): Buffer => Buffer.from((v as string).slice(2), 'base64');

const encrypt: ExprFactory = (a) => {
  const key = a.e(0);
  const values = a.e(1);
  return (f) => {
    const password = keyText('encrypt', 'KEY', key, f);
    const now = f.run.ctx.now();
    // The token's ASCII text is the content of the bytes value.
    return vmap(values(f), (v) =>
      isPlainString(v) ? bytesValue(Buffer.from(fernetEncrypt(password, v, now), 'ascii')) : SKIP,
    );
  };
};

const decrypt: ExprFactory = (a) => {
  const key = a.e(0);
  const values = a.e(1);
  return (f) => {
    const password = keyText('decrypt', 'KEY', key, f);
    return vmap(values(f), (v) => {
      // Tokens arrive as bytes values (what encrypt returns) or as their text.
      const token = kindOf(v) === 'bytes' ? bytesOf(v).toString('ascii') : isPlainString(v) ? v : undefined;
      if (token === undefined) return SKIP;
      const plain = fernetDecrypt(password, token);
      if (plain === undefined) throw new DtlRuntimeError('"decrypt": invalid token or wrong KEY');
      return plain;
    });
  };
};

// ---- RSA ----------------------------------------------------------------------------------------

// Parsed keys by PEM text: parsing is far slower than one RSA operation.
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();

function rsaKey(name: string, pem: string, kind: 'public' | 'private'): KeyObject {
  const cache = kind === 'public' ? publicKeys : privateKeys;
  let key = cache.get(pem);
  if (!key) {
    try {
      key = kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
    } catch {
      throw new DtlRuntimeError(`"${name}": ${kind === 'public' ? 'PUBLIC_KEY' : 'PRIVATE_KEY'} is not a PEM RSA ${kind} key`);
    }
    if (key.asymmetricKeyType !== 'rsa') throw new DtlRuntimeError(`"${name}": the key is not an RSA key`);
    if (cache.size > 64) cache.clear();
    cache.set(pem, key);
  }
  return key;
}

// Assumption (undocumented in Sesam): OAEP padding with SHA-256.
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

const encryptPki: ExprFactory = (a) => {
  const keyExpr = a.e(0);
  const values = a.e(1);
  return (f) => {
    const key = rsaKey('encrypt-pki', keyText('encrypt-pki', 'PUBLIC_KEY', keyExpr, f), 'public');
    return vmap(values(f), (v) => {
      if (!isPlainString(v)) return SKIP;
      try {
        return bytesValue(publicEncrypt({ key, ...OAEP }, Buffer.from(v, 'utf8')));
      } catch {
        throw new DtlRuntimeError('"encrypt-pki": the value is too long for the RSA key (use encrypt-pgp for large data)');
      }
    });
  };
};

const decryptPki: ExprFactory = (a) => {
  const keyExpr = a.e(0);
  const values = a.e(1);
  return (f) => {
    const key = rsaKey('decrypt-pki', keyText('decrypt-pki', 'PRIVATE_KEY', keyExpr, f), 'private');
    return vmap(values(f), (v) => {
      if (kindOf(v) !== 'bytes') return SKIP;
      try {
        return privateDecrypt({ key, ...OAEP }, bytesOf(v)).toString('utf8');
      } catch {
        throw new DtlRuntimeError('"decrypt-pki": the value was not encrypted for this PRIVATE_KEY');
      }
    });
  };
};

// ---- OpenPGP (src/dtl/openpgp.ts: RSA keys, SEIPD messages) ---------------------------------

/** Runs an OpenPGP step, turning its refusals into DTL errors that name the function. */
function pgp<T>(name: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof OpenPgpError) throw new DtlRuntimeError(`"${name}": ${error.message}`);
    throw error;
  }
}

const encryptPgp: ExprFactory = (a) => {
  const keyExpr = a.e(0);
  const values = a.e(1);
  return (f) => {
    const key = keyText('encrypt-pgp', 'PUBLIC_KEY', keyExpr, f);
    return vmap(values(f), (v) => (isPlainString(v) ? pgp('encrypt-pgp', () => openpgpEncrypt(key, v)) : SKIP));
  };
};

const decryptPgp: ExprFactory = (a) => {
  const keyExpr = a.e(0);
  const passphraseExpr = a.e(1);
  const values = a.e(2);
  return (f) => {
    const key = keyText('decrypt-pgp', 'PRIVATE_KEY', keyExpr, f);
    const passphrase = firstValue(passphraseExpr(f));
    if (typeof passphrase === 'string' && /^\$SECRET\(/.test(passphrase))
      throw new DtlRuntimeError(`"decrypt-pgp": ${passphrase} cannot be resolved offline (secrets live on the Sesam node)`);
    const pass = typeof passphrase === 'string' ? passphrase : '';
    return vmap(values(f), (v) => (isPlainString(v) ? pgp('decrypt-pgp', () => openpgpDecrypt(key, pass, v)) : SKIP));
  };
};

export const cryptoFunctions: Record<string, ExprFactory> = {
  encrypt,
  decrypt,
  'encrypt-pki': encryptPki,
  'decrypt-pki': decryptPki,
  'encrypt-pgp': encryptPgp,
  'decrypt-pgp': decryptPgp,
};
