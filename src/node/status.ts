// `sesamflow status`: is the local folder what the node runs? Compared as `sesam status` does
// (sesam-py's status command): the raw text of every local config file against the
// canonical format of the node's entity (after the same metadata clean-up as download), and the
// canonical form of the local env profile against the node's env. So "in sync" means a
// `sesam download` would not change a byte. Patches are masked (mask.ts) on both sides.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { formatJson, formatJsonText } from '../sesam/format';
import type { JsonObject } from '../sesam/project';
import { readConfigZip } from '../sesam/zip';
import { nodeZipOptions, type NodeClient } from './client';
import { maskEnv, maskJsonText } from './mask';
import { canonicalEntryText, METADATA_FILE, readLocalMetadata } from './download';

export type FileState = 'in-sync' | 'differs' | 'local-only' | 'node-only';

export interface StatusFile {
  path: string;
  state: FileState;
  /** Unified diff local → node, for `differs`. */
  patch?: string;
}

export interface StatusResult {
  inSync: boolean;
  files: StatusFile[];
  env: StatusFile;
}

/** The config files sesam-py would zip: root metadata plus `*.conf.json` under pipes/ and systems/, recursively. */
export function localConfigFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (existsSync(path.join(dir, METADATA_FILE))) files.set(METADATA_FILE, readFileSync(path.join(dir, METADATA_FILE), 'utf8'));
  const walk = (rel: string) => {
    const abs = path.join(dir, ...rel.split('/'));
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.conf.json')) files.set(child, readFileSync(path.join(abs, entry.name), 'utf8'));
    }
  };
  walk('pipes');
  walk('systems');
  return files;
}

export async function status(client: NodeClient, dir: string, profile: string): Promise<StatusResult> {
  const entries = readConfigZip(await client.getConfigZip(), 'the node config', nodeZipOptions(client));
  const remoteEnv = await client.getEnv();
  const localMetadata = readLocalMetadata(dir);
  const local = localConfigFiles(dir);
  const remote = new Map(entries.map((e) => [e.path, canonicalEntryText(e, localMetadata)]));

  const names = [...new Set([...local.keys(), ...remote.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: StatusFile[] = names.map((name) => {
    const mine = local.get(name);
    const theirs = remote.get(name);
    if (mine === undefined) return { path: name, state: 'node-only' };
    if (theirs === undefined) return { path: name, state: 'local-only' };
    if (mine === theirs) return { path: name, state: 'in-sync' };
    return { path: name, state: 'differs', patch: patch(name, maskJsonText(mine), maskJsonText(theirs)) };
  });

  const envFile = `${profile}-env.json`;
  const envPath = path.join(dir, envFile);
  // A missing profile compares as an empty set of variables.
  const localEnvText = existsSync(envPath) ? formatJsonText(readFileSync(envPath, 'utf8'), envFile) : formatJson({});
  const remoteEnvText = formatJson(remoteEnv);
  const env: StatusFile =
    localEnvText === remoteEnvText
      ? { path: envFile, state: 'in-sync' }
      : { path: envFile, state: 'differs', patch: patch(envFile, maskEnvText(localEnvText), maskEnvText(remoteEnvText)) };

  return { inSync: env.state === 'in-sync' && files.every((f) => f.state === 'in-sync'), files, env };
}

const patch = (name: string, mine: string, theirs: string): string =>
  mine === theirs
    ? `(only secret values differ in ${name}; not shown)\n`
    : createTwoFilesPatch(`local/${name}`, `node/${name}`, mine, theirs, undefined, undefined, { context: 3 });

/** Env values are masked (by name and by shape) before a patch is shown. */
const maskEnvText = (text: string): string => formatJson(maskEnv(JSON.parse(text) as JsonObject));

export function renderStatus(result: StatusResult, withPatches: boolean): string {
  const lines: string[] = [];
  const describe: Record<FileState, string> = {
    'in-sync': 'in sync',
    differs: 'differs from the node',
    'local-only': 'local only (not on the node)',
    'node-only': 'on the node only (not local)',
  };
  for (const file of [...result.files, result.env]) {
    if (file.state === 'in-sync') continue;
    lines.push(`${file.path}: ${describe[file.state]}`);
    if (withPatches && file.patch) lines.push(file.patch.trimEnd());
  }
  const inSyncCount = result.files.filter((f) => f.state === 'in-sync').length;
  lines.push(
    result.inSync
      ? `In sync: ${inSyncCount} config file(s) and ${result.env.path} match the node`
      : `NOT in sync: ${result.files.length - inSyncCount} of ${result.files.length} config file(s) differ${result.env.state === 'in-sync' ? '' : `, ${result.env.path} differs`}`,
  );
  return `${lines.join('\n')}\n`;
}
