// Before an upload replaces anything, the node's current config (the zip exactly as GET
// /api/config returned it) and env vars are saved locally:
//
//   <root>/<node-host>/<NNNN>-<hash>/config.zip   the node's config, byte for byte
//                                   /env.json     the node's env vars, canonical format
//                                   /backup.json  node URL, profile, SHA-256 of both
//
// <root> defaults to `.sesamflow-backup` in the working folder (git-ignored). NNNN is a
// counter (one more than the highest existing backup of that node, so `ls` sorts them in
// order) and <hash> the first 12 hex digits of the SHA-256 of config.zip + env.json. No wall
// clock is used, in names or contents. When the newest backup of the node already holds the
// same bytes it is reused instead of duplicated.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatJson } from '../sesam/format';
import type { JsonObject } from '../sesam/project';

export interface Backup {
  dir: string;
  configZip: Uint8Array;
  env: JsonObject;
  reused: boolean;
}

/** `host:port` → a safe folder name (`127.0.0.1_9042`). */
export const hostFolder = (host: string): string => host.replace(/[^A-Za-z0-9.-]/g, '_');

export function writeBackup(root: string, host: string, nodeUrl: string, profile: string, configZip: Uint8Array, env: JsonObject): Backup {
  const nodeDir = path.join(root, hostFolder(host));
  const envText = formatJson(env);
  const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
  const configSha = sha(configZip);
  const envSha = sha(envText);
  const hash = sha(`${configSha}\n${envSha}\n`).slice(0, 12);

  const existing = existsSync(nodeDir)
    ? readdirSync(nodeDir)
        .map((name) => /^(\d{4,})-([0-9a-f]{12})$/.exec(name))
        .filter((m): m is RegExpExecArray => m !== null)
        .sort((a, b) => Number(a[1]) - Number(b[1]))
    : [];
  const newest = existing.at(-1);
  if (newest && newest[2] === hash) return { dir: path.join(nodeDir, newest[0]), configZip, env, reused: true };

  const next = String((newest ? Number(newest[1]) : 0) + 1).padStart(4, '0');
  const dir = path.join(nodeDir, `${next}-${hash}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.zip'), configZip);
  writeFileSync(path.join(dir, 'env.json'), envText);
  writeFileSync(
    path.join(dir, 'backup.json'),
    formatJson({ node: nodeUrl, profile, config_zip_sha256: configSha, env_json_sha256: envSha }),
  );
  return { dir, configZip, env, reused: false };
}
