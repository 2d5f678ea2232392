// The config zip that PUT /api/config takes and GET /api/config returns. Built
// deterministically: the same project gives the same bytes on any machine, so a backup or a CI
// artefact can be compared by hash (neither sesam-py nor the VS Code extension does this).
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { inputError } from '../errors';
import { formatJson } from './format';
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

/** Reads a config zip (from the node or a backup): every `.json` entry, parsed, sorted by path. */
export function readConfigZip(bytes: Uint8Array, source = 'config zip'): ZipConfigEntry[] {
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(bytes);
  } catch (error) {
    throw inputError(`${source}: not a readable zip archive (${(error as Error).message})`);
  }
  const entries: ZipConfigEntry[] = [];
  for (const name of Object.keys(raw).sort(byCodePoint)) {
    if (name.endsWith('/') || !name.endsWith('.json')) continue;
    const text = new TextDecoder().decode(raw[name]).replace(/^\uFEFF/, '');
    let entity: unknown;
    try {
      entity = JSON.parse(text);
    } catch (error) {
      throw inputError(`${source}: entry ${name} is not valid JSON (${(error as Error).message})`);
    }
    if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) throw inputError(`${source}: entry ${name} is not a JSON object`);
    entries.push({ path: name.replaceAll('\\', '/'), text, entity: entity as JsonObject });
  }
  return entries;
}
