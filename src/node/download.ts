// `sesamflow download`: the node's config and env written as `sesam download` writes them
// (reference/sesam-platform.md §5.3): every zip entry re-serialised in the canonical format,
// node metadata cleaned of the scheduler flags sesam-py's upload injects, env vars to
// `<profile>-env.json`, and local `pipes/*.conf.json` / `systems/*.conf.json` that the node no
// longer has removed — only those, only inside the output folder.
//
// One deliberate difference: sesam-py writes the env file with a UTF-8 byte order mark
// (`encoding="utf-8-sig"`); we write it without one, like the generator does. sesam-py reads
// both.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatJson, formatJsonText } from '../sesam/format';
import type { JsonObject } from '../sesam/project';
import { readConfigZip, type ZipConfigEntry } from '../sesam/zip';
import { isObject, nodeZipOptions, type NodeClient } from './client';

export const METADATA_FILE = 'node-metadata.conf.json';

export interface DownloadResult {
  written: string[];
  unchanged: string[];
  removed: string[];
  /** Entries not written because their name would leave the output folder. */
  skipped: string[];
}

/**
 * sesam-py's `remove_task_manager_settings`: `task_manager.disable_user_pipes: true`,
 * `global_defaults.enable_cpp_extensions: false` and `global_defaults.eager_load_microservices:
 * false` are what its upload injects; each is put back to the local value, or dropped (with its
 * section when it becomes empty) when the local metadata does not have it.
 */
export function cleanNodeMetadata(remote: JsonObject, local: JsonObject | undefined): JsonObject {
  const result = structuredClone(remote);
  const restore = (section: string, key: string, injected: boolean) => {
    const remoteSection = result[section];
    if (!isObject(remoteSection) || remoteSection[key] !== injected) return;
    const localSection = local?.[section];
    if (isObject(localSection) && key in localSection) {
      remoteSection[key] = localSection[key]!;
    } else {
      delete remoteSection[key];
      if (Object.keys(remoteSection).length === 0) delete result[section];
    }
  };
  restore('task_manager', 'disable_user_pipes', true);
  restore('global_defaults', 'enable_cpp_extensions', false);
  restore('global_defaults', 'eager_load_microservices', false);
  return result;
}

/** The local metadata used for the clean-up, or undefined when absent or unreadable (as sesam-py, which then drops the keys). */
export function readLocalMetadata(dir: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(dir, METADATA_FILE), 'utf8').replace(/^\uFEFF/, ''));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The canonical text `sesam download` writes for one zip entry. */
export function canonicalEntryText(entry: ZipConfigEntry, localMetadata: JsonObject | undefined): string {
  if (entry.path === METADATA_FILE) return formatJson(cleanNodeMetadata(entry.entity, localMetadata));
  return formatJsonText(entry.text, entry.path);
}

/** A zip entry name is written only when it stays inside the output folder. */
export const isSafeEntryPath = (name: string): boolean =>
  name !== '' && !name.startsWith('/') && !/^[A-Za-z]:/.test(name) && !name.split('/').some((s) => s === '..' || s === '');

export async function download(client: NodeClient, outDir: string, profile: string): Promise<DownloadResult> {
  const entries = readConfigZip(await client.getConfigZip(), 'the node config', nodeZipOptions(client));
  const env = await client.getEnv();
  const localMetadata = readLocalMetadata(outDir);

  const result: DownloadResult = { written: [], unchanged: [], removed: [], skipped: [] };
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!isSafeEntryPath(entry.path)) {
      result.skipped.push(entry.path);
      continue;
    }
    files.set(entry.path, canonicalEntryText(entry, localMetadata));
  }
  files.set(`${profile}-env.json`, formatJson(env));

  for (const [rel, text] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const target = path.join(outDir, ...rel.split('/'));
    if (existsSync(target) && readFileSync(target, 'utf8') === text) {
      result.unchanged.push(rel);
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    result.written.push(rel);
  }

  // Like sesam-py: only the *.conf.json files directly in pipes/ and systems/ are candidates.
  for (const folder of ['pipes', 'systems']) {
    const dir = path.join(outDir, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = `${folder}/${entry.name}`;
      if (entry.isFile() && entry.name.endsWith('.conf.json') && !files.has(rel)) {
        rmSync(path.join(dir, entry.name));
        result.removed.push(rel);
      }
    }
  }
  result.removed.sort();
  return result;
}
