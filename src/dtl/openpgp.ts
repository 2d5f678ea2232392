// The OpenPGP subset DTL's encrypt-pgp / decrypt-pgp need, synchronous and built on node:crypto
// (OpenPGP libraries for JavaScript are asynchronous; the evaluator is not):
//   - keys: ASCII-armoured v4 RSA keys (the encryption subkey, else the primary key); secret keys
//     unprotected or protected with a passphrase (S2K simple, salted or iterated+salted; AES or
//     3DES; SHA-1 or checksum protection), as GnuPG exports them;
//   - messages: RSA public-key encrypted session keys (v3, PKCS#1 v1.5) and symmetrically
//     encrypted integrity-protected data (SEIPD v1: AES-CFB + SHA-1 MDC), holding a literal data
//     packet, optionally compressed (ZIP or ZLIB). encrypt-pgp writes AES-256, uncompressed, ASCII
//     armour.
// Anything else (ECC keys, AEAD/v2 packets, BZip2, messages without integrity protection) is
// refused with a message saying so.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inflateRawSync, inflateSync } from 'node:zlib';

export class OpenPgpError extends Error {}

// ---- armour -------------------------------------------------------------------------------

function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** The bytes of the first "-----BEGIN PGP <kind>-----" block in `text`. */
export function dearmor(text: string, kinds: readonly string[]): Uint8Array {
  const begin = /-----BEGIN PGP ([A-Z ]+)-----\r?\n/.exec(text);
  if (!begin || !kinds.includes(begin[1]!)) throw new OpenPgpError(`expected an ASCII-armoured ${kinds.join(' or ')} ("-----BEGIN PGP ${kinds[0]}-----")`);
  const rest = text.slice(begin.index + begin[0].length);
  const end = rest.indexOf('-----END PGP');
  if (end < 0) throw new OpenPgpError('the armour has no "-----END PGP" line');
  const lines = rest.slice(0, end).split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const body = lines.slice(blank < 0 ? 0 : blank + 1).filter((l) => l.trim() !== '');
  const checksum = body.length > 0 && body[body.length - 1]!.startsWith('=') ? body.pop()! : undefined;
  const bytes = Buffer.from(body.join(''), 'base64');
  if (checksum !== undefined && Buffer.from(checksum.slice(1), 'base64').readUIntBE(0, 3) !== crc24(bytes))
    throw new OpenPgpError('the armour checksum does not match (the text was changed or cut)');
  return bytes;
}

function armor(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  const crc = Buffer.alloc(3);
  crc.writeUIntBE(crc24(bytes), 0, 3);
  return `-----BEGIN PGP MESSAGE-----\n\n${lines.join('\n')}\n=${crc.toString('base64')}\n-----END PGP MESSAGE-----\n`;
}

// ---- packets ------------------------------------------------------------------------------

interface Packet {
  tag: number;
  body: Buffer;
}

function packets(data: Uint8Array): Packet[] {
  const buf = Buffer.from(data);
  const out: Packet[] = [];
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new OpenPgpError('truncated OpenPGP data');
  };
  while (pos < buf.length) {
    const header = buf[pos++]!;
    if (!(header & 0x80)) throw new OpenPgpError('not OpenPGP data (bad packet header)');
    if (header & 0x40) {
      const tag = header & 0x3f;
      const chunks: Buffer[] = [];
      for (;;) {
        need(1);
        const first = buf[pos++]!;
        let length: number;
        let partial = false;
        if (first < 192) length = first;
        else if (first < 224) {
          need(1);
          length = ((first - 192) << 8) + buf[pos++]! + 192;
        } else if (first === 255) {
          need(4);
          length = buf.readUInt32BE(pos);
          pos += 4;
        } else {
          length = 1 << (first & 0x1f);
          partial = true;
        }
        need(length);
        chunks.push(buf.subarray(pos, pos + length));
        pos += length;
        if (!partial) break;
      }
      out.push({ tag, body: Buffer.concat(chunks) });
    } else {
      const tag = (header >> 2) & 0x0f;
      const type = header & 3;
      let length: number;
      if (type === 3) length = buf.length - pos;
      else {
        const size = [1, 2, 4][type]!;
        need(size);
        length = buf.readUIntBE(pos, size);
        pos += size;
      }
      need(length);
      out.push({ tag, body: buf.subarray(pos, pos + length) });
      pos += length;
    }
  }
  return out;
}

function packet(tag: number, body: Uint8Array): Buffer {
  const n = body.length;
  const length = n < 192 ? Buffer.from([n]) : n < 8384 ? Buffer.from([((n - 192) >> 8) + 192, (n - 192) & 0xff]) : Buffer.from([255, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([0xc0 | tag]), length, body]);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  byte(): number {
    if (this.pos >= this.buf.length) throw new OpenPgpError('truncated OpenPGP packet');
    return this.buf[this.pos++]!;
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new OpenPgpError('truncated OpenPGP packet');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  mpi(): bigint {
    const bits = (this.byte() << 8) | this.byte();
    const b = this.bytes((bits + 7) >> 3);
    return b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`);
  }
}

const toBytes = (n: bigint, length: number): Buffer => Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex');
const mpiBytes = (n: bigint): Buffer => {
  const hex = n.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const bits = n === 0n ? 0 : n.toString(2).length;
  return Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), bytes]);
};

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

// ---- keys ---------------------------------------------------------------------------------

interface RsaKey {
  keyId: Buffer;
  n: bigint;
  e: bigint;
  encrypt: boolean;
  /** Secret part, when read from a secret key and decrypted. */
  d?: bigint;
  /** The packet body after the public part (secret keys), for deferred decryption. */
  secret?: Buffer;
}

const RSA_ALGOS = new Set([1, 2, 3]);
const MAX_RSA_BITS = 16_384;

function publicPart(body: Buffer, tag: number): { key: RsaKey | undefined; end: number } {
  const r = new Reader(body);
  const version = r.byte();
  if (version !== 4) throw new OpenPgpError(`version ${version} keys are not supported (only v4 RSA keys)`);
  r.bytes(4); // creation time
  const algo = r.byte();
  if (!RSA_ALGOS.has(algo)) return { key: undefined, end: body.length };
  const n = r.mpi();
  const e = r.mpi();
  if (n.toString(2).length > MAX_RSA_BITS || e.toString(2).length > MAX_RSA_BITS) throw new OpenPgpError(`RSA keys of more than ${MAX_RSA_BITS} bits are not supported`);
  const end = r.pos;
  const fingerprint = createHash('sha1').update(Buffer.from([0x99, end >> 8, end & 0xff])).update(body.subarray(0, end)).digest();
  return { key: { keyId: fingerprint.subarray(12), n, e, encrypt: algo !== 3 && (tag === 14 || tag === 7) }, end };
}

/** RSA keys of an armoured key block: encryption subkeys first, then the primary key. */
function readKeys(text: string, secret: boolean): RsaKey[] {
  const keys: RsaKey[] = [];
  const tags = secret ? [5, 7] : [6, 14];
  for (const p of packets(dearmor(text, secret ? ['PRIVATE KEY BLOCK'] : ['PUBLIC KEY BLOCK']))) {
    if (!tags.includes(p.tag)) continue;
    const { key, end } = publicPart(p.body, p.tag);
    if (!key) continue;
    if (secret) key.secret = p.body.subarray(end);
    keys.push(key);
  }
  if (keys.length === 0) throw new OpenPgpError('the key block has no RSA key (only RSA keys are supported offline)');
  return keys.sort((a, b) => Number(b.encrypt) - Number(a.encrypt));
}

const CIPHERS: Record<number, { name: string; keyLength: number; blockSize: number }> = {
  2: { name: 'des-ede3', keyLength: 24, blockSize: 8 },
  7: { name: 'aes-128', keyLength: 16, blockSize: 16 },
  8: { name: 'aes-192', keyLength: 24, blockSize: 16 },
  9: { name: 'aes-256', keyLength: 32, blockSize: 16 },
};
const HASHES: Record<number, string> = { 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };

function cipherOf(algo: number) {
  const c = CIPHERS[algo];
  if (!c) throw new OpenPgpError(`symmetric algorithm ${algo} is not supported (AES-128/192/256 and 3DES are)`);
  return c;
}

/** The key an S2K specifier derives from the passphrase (RFC 4880 3.7.1). */
function s2k(r: Reader, passphrase: string, keyLength: number): Buffer {
  const type = r.byte();
  const hashName = HASHES[r.byte()];
  if (!hashName) throw new OpenPgpError('the secret key uses a hash algorithm that is not supported');
  const salt = type === 1 || type === 3 ? r.bytes(8) : Buffer.alloc(0);
  if (type !== 0 && type !== 1 && type !== 3) throw new OpenPgpError(`S2K type ${type} is not supported (GnuPG's gnu-dummy keys have no secret part)`);
  const c = type === 3 ? r.byte() : 0;
  const data = Buffer.concat([salt, Buffer.from(passphrase, 'utf8')]);
  const count = type === 3 ? Math.max((16 + (c & 15)) << ((c >> 4) + 6), data.length) : data.length;
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < keyLength; i++) {
    const h = createHash(hashName).update(Buffer.alloc(i));
    let left = count;
    const block = data.length > 0 ? Buffer.concat(Array(Math.max(1, Math.floor(65536 / data.length))).fill(data)) : data;
    while (left > 0 && block.length > 0) {
      const take = Math.min(left, block.length);
      h.update(block.subarray(0, take));
      left -= take;
    }
    out.push(h.digest());
  }
  return Buffer.concat(out).subarray(0, keyLength);
}

function cfb(decrypt: boolean, algo: number, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = cipherOf(algo);
  const name = `${c.name}-cfb`;
  const f = decrypt ? createDecipheriv(name, key, iv) : createCipheriv(name, key, iv);
  return Buffer.concat([f.update(data), f.final()]);
}

/** Decrypts a secret RSA key's d with the passphrase. */
function unlock(key: RsaKey, passphrase: string): bigint {
  const r = new Reader(key.secret!);
  const usage = r.byte();
  let plain: Buffer;
  if (usage === 0) plain = r.bytes(r.buf.length - r.pos);
  else if (usage === 254 || usage === 255) {
    const algo = r.byte();
    const { keyLength, blockSize } = cipherOf(algo);
    const k = s2k(r, passphrase, keyLength);
    const iv = r.bytes(blockSize);
    plain = cfb(true, algo, k, iv, r.bytes(r.buf.length - r.pos));
    const body = plain.subarray(0, plain.length - (usage === 254 ? 20 : 2));
    const check = plain.subarray(body.length);
    const ok = usage === 254 ? createHash('sha1').update(body).digest().equals(check) : check.readUInt16BE(0) === body.reduce((s, b) => (s + b) & 0xffff, 0);
    if (!ok) throw new OpenPgpError('wrong passphrase for the private key');
    plain = body;
  } else throw new OpenPgpError(`secret key protection ${usage} is not supported`);
  return new Reader(plain).mpi();
}

// ---- messages -----------------------------------------------------------------------------

const SESSION_ALGO = 9; // AES-256

/** encrypt-pgp: an armoured OpenPGP message for the key's encryption key. */
export function encryptPgp(publicKey: string, text: string): string {
  const key = readKeys(publicKey, false)[0]!;
  const sessionKey = randomBytes(32);
  const checksum = sessionKey.reduce((s, b) => (s + b) & 0xffff, 0);
  const m = Buffer.concat([Buffer.from([SESSION_ALGO]), sessionKey, Buffer.from([checksum >> 8, checksum & 0xff])]);
  const k = (key.n.toString(16).length + 1) >> 1;
  const ps = Buffer.from(Array.from(randomBytes(k - m.length - 3), (b) => b || 1));
  const em = Buffer.concat([Buffer.from([0, 2]), ps, Buffer.from([0]), m]);
  const c = modPow(BigInt(`0x${em.toString('hex')}`), key.e, key.n);
  const pkesk = packet(1, Buffer.concat([Buffer.from([3]), key.keyId, Buffer.from([1]), mpiBytes(c)]));
  const data = Buffer.from(text, 'utf8');
  const literal = packet(11, Buffer.concat([Buffer.from([0x62, 0, 0, 0, 0, 0]), data]));
  const prefix = randomBytes(16);
  const plain = Buffer.concat([prefix, prefix.subarray(14), literal, Buffer.from([0xd3, 0x14])]);
  const mdc = createHash('sha1').update(plain).digest();
  const encrypted = cfb(false, SESSION_ALGO, sessionKey, Buffer.alloc(16), Buffer.concat([plain, mdc]));
  return armor(Buffer.concat([pkesk, packet(18, Buffer.concat([Buffer.from([1]), encrypted]))]));
}

function literalData(inner: Packet[]): string {
  for (const p of inner) {
    if (p.tag === 11) {
      const r = new Reader(p.body);
      r.byte(); // format
      r.bytes(r.byte()); // file name
      r.bytes(4); // date
      return r.buf.subarray(r.pos).toString('utf8');
    }
    if (p.tag === 8) {
      const algo = p.body[0];
      const data = p.body.subarray(1);
      if (algo === 0) return literalData(packets(data));
      if (algo === 1) return literalData(packets(inflateRawSync(data)));
      if (algo === 2) return literalData(packets(inflateSync(data)));
      throw new OpenPgpError(`compression algorithm ${algo} is not supported (none, ZIP and ZLIB are)`);
    }
  }
  throw new OpenPgpError('the message holds no literal data');
}

/** decrypt-pgp: the text of an armoured OpenPGP message. */
export function decryptPgp(privateKey: string, passphrase: string, message: string): string {
  const keys = readKeys(privateKey, true);
  const parts = packets(dearmor(message, ['MESSAGE']));
  let session: { algo: number; key: Buffer } | undefined;
  for (const p of parts.filter((x) => x.tag === 1)) {
    const r = new Reader(p.body);
    if (r.byte() !== 3) continue;
    const keyId = r.bytes(8);
    if (!RSA_ALGOS.has(r.byte())) continue;
    const c = r.mpi();
    const key = keys.find((k) => k.keyId.equals(keyId)) ?? (keyId.every((b) => b === 0) ? keys[0] : undefined);
    if (!key) continue;
    const k = (key.n.toString(16).length + 1) >> 1;
    const em = toBytes(modPow(c, (key.d ??= unlock(key, passphrase)), key.n), k);
    const sep = em.indexOf(0, 2);
    if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new OpenPgpError('the session key does not decrypt with this private key');
    const m = em.subarray(sep + 1);
    const sessionKey = m.subarray(1, m.length - 2);
    if (m.readUInt16BE(m.length - 2) !== sessionKey.reduce((s, b) => (s + b) & 0xffff, 0)) throw new OpenPgpError('the session key does not decrypt with this private key');
    session = { algo: m[0]!, key: sessionKey };
    break;
  }
  if (!session) throw new OpenPgpError('the message is not encrypted for this private key (or only with algorithms other than RSA)');
  const seipd = parts.find((x) => x.tag === 18);
  if (!seipd) throw new OpenPgpError(parts.some((x) => x.tag === 9 || x.tag === 20) ? 'the message has no integrity protection (or uses AEAD), which is not supported' : 'the message holds no encrypted data');
  if (seipd.body[0] !== 1) throw new OpenPgpError(`encrypted data version ${seipd.body[0]} (AEAD) is not supported`);
  const { blockSize } = cipherOf(session.algo);
  const plain = cfb(true, session.algo, session.key, Buffer.alloc(blockSize), seipd.body.subarray(1));
  if (plain[blockSize - 2] !== plain[blockSize] || plain[blockSize - 1] !== plain[blockSize + 1]) throw new OpenPgpError('wrong session key (the quick check failed)');
  const body = plain.subarray(0, plain.length - 20);
  if (!createHash('sha1').update(body).digest().equals(plain.subarray(plain.length - 20)) || body[body.length - 2] !== 0xd3)
    throw new OpenPgpError('the message was modified (integrity check failed)');
  return literalData(packets(body.subarray(blockSize + 2, body.length - 2)));
}
