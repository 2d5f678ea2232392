// Maps a config `_id` back to the TypeScript definition that produced it, so the node's
// validation errors point at the file an engineer edits. The writer's
// `generated/.sesamflow-manifest.json` holds `origins`: `_id` → definition file. It is read
// tolerantly (a hand-edited or older manifest must not break an upload): besides `origins`,
// any object that names a config file (`path`/`file`, or the key of a map) together with a
// definition (`definition`, `definitionFile`, `source`, `from`, `origin`) is used. Without a
// manifest the generated file path alone is shown.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const MANIFEST_NAME = '.sesamflow-manifest.json';
const DEFINITION_KEYS = ['definition', 'definitionFile', 'definition_file', 'source', 'from', 'origin'];
const PATH_KEYS = ['path', 'file'];

export interface DefinitionMap {
  /** Config `_id` → definition file. */
  byId: Map<string, string>;
  /** Config file path (project-relative) → definition file. */
  byPath: Map<string, string>;
}

/** The definitions the manifest knows; empty maps when there is no usable manifest. */
export function readDefinitionMap(dir: string): DefinitionMap {
  const map = new Map<string, string>();
  const byId = new Map<string, string>();
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_NAME), 'utf8'));
  } catch {
    return { byId, byPath: map };
  }
  const origins = (manifest as { origins?: unknown } | null)?.origins;
  if (typeof origins === 'object' && origins !== null && !Array.isArray(origins))
    for (const [id, definition] of Object.entries(origins)) if (typeof definition === 'string') byId.set(id, definition);
  const visit = (value: unknown, keyName?: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => visit(v));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const definition = DEFINITION_KEYS.map((k) => record[k]).find((v): v is string => typeof v === 'string');
    const file = PATH_KEYS.map((k) => record[k]).find((v): v is string => typeof v === 'string') ?? (keyName?.endsWith('.json') ? keyName : undefined);
    if (definition && file && definition !== file) map.set(file, definition);
    for (const [k, v] of Object.entries(record)) {
      if (typeof v === 'string' && k.endsWith('.conf.json')) map.set(k, v);
      else visit(v, k);
    }
  };
  visit(manifest);
  return { byId, byPath: map };
}
