// The config zip that PUT /api/config takes and GET /api/config returns. Built
// deterministically: the same project gives the same bytes on any machine, so a backup or a CI
// artefact can be compared by hash (neither sesam-py nor the VS Code extension does this).
import { inflateRawSync } from 'node:zlib';
import { zipSync, type Zippable } from 'fflate';
import { type ErrorKind, inputError, SesamflowError } from '../errors';
import { formatJson } from './format';
import { parseUntrustedJson } from './untrusted-json';
import type { JsonObject, SesamProject } from './project';

/**
 * DOS timestamp of every entry. fflate encodes `mtime` with local-time getters, so the date is
 * built from local-time parts: whatever the machine's time zone, the stored stamp is
 * 1980-01-01 00:00:00, the earliest a zip can hold.
 */
const FIXED_MTIME = () => new Date(1980, 0, 1, 0, 0, 0);
/** Unix `-rw-r--r--`, made by "Unix" (os 3): what `unzip` restores, independent of the umask of the builder. */
const ENTRY_ATTRIBUTES = { os: 3, attrs: 0o644 << 16 } as const;
const DEFLATE_LEVEL = 6;

/** Code-point order, like Python's `sorted` — independent of locale. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A deterministic zip of the given files: sorted entries, fixed timestamps and attributes, deflate. */
export function deterministicZip(files: Record<string, string | Uint8Array>): Uint8Array {
  const entries: Zippable = {};
  for (const name of Object.keys(files).sort(byCodePoint)) {
    const content = files[name]!;
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    entries[name] = [bytes, { level: DEFLATE_LEVEL, mtime: FIXED_MTIME(), ...ENTRY_ATTRIBUTES }];
  }
  // fflate writes entries in the key order of the object; keys are never integer-like here
  // (they contain `.conf.json`), so insertion order is the sorted order.
  return zipSync(entries, { level: DEFLATE_LEVEL, mtime: FIXED_MTIME(), ...ENTRY_ATTRIBUTES });
}

/**
 * The upload zip of a project: `node-metadata.conf.json`, `pipes/<id>.conf.json` and
 * `systems/<id>.conf.json`, each in the canonical format (what `sesam download` gives back).
 * Env profiles are not part of it; they go to PUT /api/env.
 */
export function buildConfigZip(project: SesamProject): Uint8Array {
  const files: Record<string, string> = {};
  for (const file of project.files) {
    if (files[file.path] !== undefined) throw inputError(`two config entities map to the same zip entry ${file.path}`);
    files[file.path] = formatJson(file.entity);
  }
  return deterministicZip(files);
}

export interface ZipConfigEntry {
  /** Entry name as stored, `/`-separated. */
  path: string;
  /** The entry's text, UTF-8 decoded as sent by the node. */
  text: string;
  entity: JsonObject;
}

export interface ZipLimits {
  /** Largest total of unzipped bytes (default 64 MiB). */
  maxBytes?: number;
  /** Most entries (default 100 000). */
  maxEntries?: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** A raw zip entry: its name and unzipped bytes. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/**
 * Reads every file entry of a zip archive within limits. Sizes are checked as declared and
 * again while inflating (zlib stops at the limit), so a zip bomb costs at most `maxBytes` of
 * memory. Encrypted entries, ZIP64 and methods other than stored/deflate are refused.
 */
export function unzipEntries(bytes: Uint8Array, limits: ZipLimits = {}, fail: (message: string) => Error = (m) => new Error(m)): ZipEntry[] {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = limits.maxEntries ?? 100_000;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  // End of central directory: the last signature within the final 64 KiB + 22 bytes.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw fail('not a readable zip archive (no end of central directory)');
  const count = u16(eocd + 10);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw fail('ZIP64 archives are not supported');
  if (count > maxEntries) throw fail(`the archive has ${count} entries, more than the limit of ${maxEntries}`);
  const entries: ZipEntry[] = [];
  let total = 0;
  let at = cdOffset;
  const decoder = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || u32(at) !== 0x02014b50) throw fail('not a readable zip archive (damaged central directory)');
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const compressedSize = u32(at + 20);
    const size = u32(at + 24);
    const nameLength = u16(at + 28);
    const next = at + 46 + nameLength + u16(at + 30) + u16(at + 32);
    const localOffset = u32(at + 42);
    if (next > bytes.length) throw fail('not a readable zip archive (damaged central directory)');
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at = next;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw fail(`entry ${showName(name)} is encrypted`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw fail('ZIP64 archives are not supported');
    if (total + size > maxBytes) throw fail(`the archive unzips to more than ${formatMiB(maxBytes)} (limit)`);
    if (localOffset + 30 > bytes.length || u32(localOffset) !== 0x04034b50) throw fail(`entry ${showName(name)}: damaged local header`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataStart + compressedSize > bytes.length) throw fail(`entry ${showName(name)}: truncated`);
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes - total) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
          throw fail(`the archive unzips to more than ${formatMiB(maxBytes)} (limit)`);
        throw fail(`entry ${showName(name)} cannot be inflated (${(error as Error).message})`);
      }
    } else throw fail(`entry ${showName(name)} uses compression method ${method}, which is not supported`);
    total += data.length;
    if (total > maxBytes) throw fail(`the archive unzips to more than ${formatMiB(maxBytes)} (limit)`);
    entries.push({ name, data });
  }
  return entries;
}

/** An entry name for a message: as is when plain, else quoted with escapes (NUL, control characters), cut at 200 characters. */
export const showName = (name: string): string => {
  const short = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return /^[\x21-\x7e]+$/.test(short) && !short.includes('"') ? short : JSON.stringify(short);
};

export const formatMiB = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/**
 * Reads a config zip (from the node or a backup): every `.json` entry, parsed, sorted by path.
 * Failures are SesamflowErrors of `kind` (input for files, node for what a node sent).
 */
export function readConfigZip(bytes: Uint8Array, source = 'config zip', options: ZipLimits & { kind?: ErrorKind } = {}): ZipConfigEntry[] {
  const fail = (message: string) => new SesamflowError(`${source}: ${message}`, options.kind ?? 'input');
  const raw = unzipEntries(bytes, options, fail);
  const entries: ZipConfigEntry[] = [];
  for (const { name, data } of raw.sort((a, b) => byCodePoint(a.name, b.name))) {
    if (!name.endsWith('.json')) continue;
    const text = new TextDecoder().decode(data).replace(/^\uFEFF/, '');
    const parsed = parseUntrustedJson(text);
    if ('error' in parsed) throw fail(`entry ${showName(name)} is not valid JSON (${parsed.error})`);
    const entity = parsed.value;
    if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) throw fail(`entry ${showName(name)} is not a JSON object`);
    entries.push({ path: name.replaceAll('\\', '/'), text, entity: entity as JsonObject });
  }
  return entries;
}
