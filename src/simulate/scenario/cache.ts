// Parsed scenarios kept on disk: parsing YAML costs far more than reading a kept result, and a
// test run parses every file of the folder. A result is kept under a key of everything it is
// made from (the file's text and shown name, the known stores, the parser's version), so it is
// never stale: an edited file has another key and is parsed again. Only files that parse are
// kept, so every error (with its line and column) comes from the parser itself, as without the
// cache. The parser (and the YAML library) is only loaded when a file is not kept.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { buildIdentity, cacheDir, cacheKey, keepFile } from '../../code-cache';
import type { KnownStores, Scenario } from './parse';

/** Kept parses (a few kilobytes each): enough for several folders of scenarios and their edits. */
const KEEP = 2000;
let pruned = false;
let version: string | null | undefined;

/**
 * The parser's version: the build of sesamflow that runs, or from the sources, the parser's text
 * and the YAML library's version. Null (nothing kept) when neither can be told.
 */
function parserVersion(): string | null {
  if (version === undefined) {
    version = buildIdentity();
    if (version === null) {
      try {
        const hash = createHash('sha256').update(readFileSync(new URL('./parse.ts', import.meta.url)));
        version = hash.update(readFileSync(createRequire(import.meta.url).resolve('yaml/package.json'))).digest('hex');
      } catch {
        version = null;
      }
    }
  }
  return version;
}

const isScenario = (v: unknown, file: string): v is Scenario =>
  typeof v === 'object' && v !== null && (v as Scenario).file === file && typeof (v as Scenario).name === 'string' && Array.isArray((v as Scenario).steps);

/** Where the parse of this text is kept (null: parses are not kept). */
export function keptScenarioPath(text: string, file: string, stores: KnownStores): string | null {
  const v = parserVersion();
  return v === null ? null : join(cacheDir('scenarios'), `${cacheKey([v, file, stores, text])}.bin`);
}

/** `parseScenario(text, file, stores)`, from the kept result when there is one. */
export async function parseScenarioCached(text: string, file: string, stores: KnownStores): Promise<Scenario> {
  const path = keptScenarioPath(text, file, stores);
  if (path !== null) {
    try {
      const kept: unknown = deserialize(readFileSync(path));
      if (isScenario(kept, file)) return kept;
    } catch {
      // Not kept yet, or unreadable: parsed again below.
    }
  }
  const { parseScenario } = await import('./parse');
  const scenario = parseScenario(text, file, stores);
  if (path === null) return scenario;
  // Pruned once a run: a run adds at most its own files.
  keepFile(path, serialize(scenario), pruned ? undefined : KEEP);
  pruned = true;
  return scenario;
}
