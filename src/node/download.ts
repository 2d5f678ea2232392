// `sesamflow download`: the node's config and env written as `sesam download` writes them:
// every zip entry re-serialised in the canonical format, node metadata cleaned of the scheduler
// flags sesam-py's upload injects, env vars to `<profile>-env.json`, and local
// `pipes/*.conf.json` / `systems/*.conf.json` that the node no longer has removed — only those,
// only inside the output folder.
//
// The node is not trusted: only `node-metadata.conf.json`, `pipes/<_id>.conf.json`,
// `systems/<_id>.conf.json` and the profile's env file are written, with names derived from
// validated `_id`s; an entry whose name disagrees, duplicates or unusable ids stop the download
// before anything is written. A node without pipes (or one that would delete most local files)
// is refused unless --force. Writes are atomic and stay inside the folder (write/safe.ts).
//
// One deliberate difference: sesam-py writes the env file with a UTF-8 byte order mark
// (`encoding="utf-8-sig"`); we write it without one, like the generator does. sesam-py reads
// both.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { SesamflowError } from '../errors';
import { formatJson, formatJsonText } from '../sesam/format';
import type { JsonObject } from '../sesam/project';
import { readConfigZip, showName, type ZipConfigEntry } from '../sesam/zip';
import { OwnedFolder, unsafeFileName } from '../write/safe';
import { isObject, nodeZipOptions, type NodeClient } from './client';

export const METADATA_FILE = 'node-metadata.conf.json';

export interface DownloadResult {
  written: string[];
  unchanged: string[];
  removed: string[];
  /** Entries that are not node metadata, a pipe or a system (not written). */
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

export interface DownloadOptions {
  /** Allow a download that would delete every local pipe (or many of the local files). */
  force?: boolean;
}

/** Where an entity from the node is written: derived from its type and validated `_id`, never from the zip entry name. */
function targetOf(entity: JsonObject): { path?: string; problem?: string } {
  if (entity.type === 'metadata') return { path: METADATA_FILE };
  const folder = entity.type === 'pipe' ? 'pipes' : typeof entity.type === 'string' && entity.type.startsWith('system:') ? 'systems' : undefined;
  if (!folder) return {};
  const why = unsafeFileName(entity._id);
  if (why) return { problem: `_id ${showName(typeof entity._id === 'string' ? entity._id : JSON.stringify(entity._id ?? null))} cannot be a file name: ${why}` };
  return { path: `${folder}/${entity._id as string}.conf.json` };
}

/** More than this share of the local pipe and system files deleted by one download needs --force. */
const DELETE_SHARE = 0.5;
/** ...when there are at least this many of them. */
const DELETE_MINIMUM = 4;

export async function download(client: NodeClient, outDir: string, profile: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const entries = readConfigZip(await client.getConfigZip(), 'the node config', nodeZipOptions(client));
  const env = await client.getEnv();
  const envFile = `${profile}-env.json`;
  if (unsafeFileName(envFile)) throw new SesamflowError(`profile ${JSON.stringify(profile)} cannot name a file`, 'input');

  // 1. Every entry is checked before anything is written.
  const result: DownloadResult = { written: [], unchanged: [], removed: [], skipped: [] };
  const problems: string[] = [];
  const targets = new Map<string, ZipConfigEntry>();
  const folded = new Map<string, string>();
  for (const entry of entries) {
    const { path: target, problem } = targetOf(entry.entity);
    if (problem) {
      problems.push(`entry ${showName(entry.path)}: ${problem}`);
      continue;
    }
    if (!target) {
      result.skipped.push(entry.path);
      continue;
    }
    if (entry.path !== target) {
      problems.push(`entry ${showName(entry.path)} holds ${String(entry.entity.type)} ${showName(String(entry.entity._id))}, whose file is ${showName(target)}: conflicting names`);
      continue;
    }
    const key = target.toLowerCase();
    if (folded.has(key)) {
      problems.push(`entries ${showName(folded.get(key)!)} and ${showName(entry.path)} ${folded.get(key) === entry.path ? 'are duplicates' : 'differ only in letter case (one would overwrite the other on macOS and Windows)'}`);
      continue;
    }
    folded.set(key, entry.path);
    targets.set(target, entry);
  }
  if (problems.length > 0) {
    throw new SesamflowError(`the node config cannot be written safely (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was written`, 'node', [
      ...problems.slice(0, 20),
      ...(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []),
    ]);
  }

  const root = await OwnedFolder.open(outDir, { create: false });
  const localMetadata = readLocalMetadata(outDir);
  const files = new Map<string, string>();
  for (const [target, entry] of targets) {
    try {
      files.set(target, canonicalEntryText(entry, localMetadata));
    } catch (error) {
      throw new SesamflowError(`the node config: entry ${showName(entry.path)} cannot be formatted (${(error as Error).message}); nothing was written`, 'node');
    }
  }
  files.set(envFile, formatJson(env));

  // 2. What would be deleted: `*.conf.json` files directly in pipes/ and systems/ (like sesam-py).
  const local: string[] = [];
  for (const folder of ['pipes', 'systems']) {
    const dir = path.join(root.real, folder);
    const list = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of list) if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.conf.json')) local.push(`${folder}/${entry.name}`);
  }
  const stale = local.filter((rel) => !files.has(rel)).sort();
  const nodePipes = [...targets.keys()].filter((t) => t.startsWith('pipes/')).length;
  const localPipes = local.filter((rel) => rel.startsWith('pipes/')).length;
  if (!options.force && stale.length > 0) {
    const empty = nodePipes === 0 && localPipes > 0;
    const many = local.length >= DELETE_MINIMUM && stale.length > local.length * DELETE_SHARE;
    if (empty || many) {
      throw new SesamflowError(
        `refusing to delete ${stale.length} of ${local.length} local pipe and system files: ${empty ? 'the node has no pipes' : `the node lacks more than ${DELETE_SHARE * 100}% of them`} (an empty or wrong node?); nothing was written`,
        'problems',
        [`node ${client.baseUrl}: ${nodePipes} pipe(s), ${targets.size - nodePipes} other entities`, 'check --node (NODE or .syncconfig), or pass --force to download anyway'],
      );
    }
  }

  // 3. Resolve every target (symlinks that lead out are refused) before changing anything.
  for (const rel of [...files.keys(), ...stale]) await root.resolve(rel);
  for (const [rel, text] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if ((await root.read(rel)) === text) {
      result.unchanged.push(rel);
      continue;
    }
    await root.write(rel, text);
    result.written.push(rel);
  }
  for (const rel of stale) if (await root.remove(rel)) result.removed.push(rel);
  return result;
}
