// Before an upload (or a restore) replaces anything, the node's current config (the zip exactly
// as GET /api/config returned it) and env vars are saved locally:
//
//   <root>/<node-host>/<NNNN>-<hash>/config.zip   the node's config, byte for byte
//                                   /env.json     the node's env vars, canonical format
//                                   /backup.json  node URL, profile, SHA-256 of both
//
// <root> defaults to `.sesamflow-backup` in the working folder (git-ignored). NNNN is a
// counter (one more than the highest existing backup of that node, so `ls` sorts them in
// order) and <hash> the first 12 hex digits of the SHA-256 of config.zip + env.json. No wall
// clock is used, in names or contents. When the newest backup of the node already holds the
// same bytes, and still verifies, it is reused instead of duplicated.
//
// env.json holds env var values such as passwords: folders are created 0700 and files 0600
// (private to the user), and each file is written atomically, backup.json last.
import { createHash } from 'node:crypto';
import { chmod, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { inputError } from '../errors';
import { formatJson } from '../sesam/format';
import type { JsonObject } from '../sesam/project';
import { parseUntrustedJson } from '../sesam/untrusted-json';
import { OwnedFolder } from '../write/safe';
import { isObject } from './client';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export interface Backup {
  dir: string;
  configZip: Uint8Array;
  env: JsonObject;
  reused: boolean;
  /** Why the newest backup could not be reused although it should have matched. */
  damaged?: string;
}

/** What backup.json records. */
export interface BackupInfo {
  node: string;
  profile: string;
  config_zip_sha256: string;
  env_json_sha256: string;
}

/** `host:port` → a safe folder name (`127.0.0.1_9042`). */
export const hostFolder = (host: string): string => host.replace(/[^A-Za-z0-9.-]/g, '_');

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
const backupHash = (configSha: string, envSha: string) => sha(`${configSha}\n${envSha}\n`).slice(0, 12);

export async function writeBackup(root: string, host: string, nodeUrl: string, profile: string, configZip: Uint8Array, env: JsonObject): Promise<Backup> {
  const folder = await OwnedFolder.open(root, { create: true, mode: DIR_MODE });
  // An older sesamflow created the root 0755: tighten it, so nothing inside is readable by others.
  await chmod(folder.real, DIR_MODE).catch(() => undefined);
  const nodeName = hostFolder(host);
  const envText = formatJson(env);
  const configSha = sha(configZip);
  const envSha = sha(envText);
  const hash = backupHash(configSha, envSha);

  const existing = (await readdir(path.join(folder.real, nodeName)).catch(() => [] as string[]))
    .map((name) => /^(\d{4,})-([0-9a-f]{12})$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  const newest = existing.at(-1);
  let damaged: string | undefined;
  if (newest && newest[2] === hash) {
    const dir = path.join(folder.real, nodeName, newest[0]);
    try {
      const verified = await readBackup(dir);
      if (verified.info.config_zip_sha256 === configSha && verified.info.env_json_sha256 === envSha) return { dir, configZip, env, reused: true };
      damaged = 'it holds other content than its name says';
    } catch (error) {
      damaged = (error as Error).message;
    }
  }

  const next = String((newest ? Number(newest[1]) : 0) + 1).padStart(4, '0');
  const rel = `${nodeName}/${next}-${hash}`;
  const info: BackupInfo = { node: nodeUrl, profile, config_zip_sha256: configSha, env_json_sha256: envSha };
  const options = { mode: FILE_MODE, dirMode: DIR_MODE };
  await folder.write(`${rel}/config.zip`, configZip, options);
  await folder.write(`${rel}/env.json`, envText, options);
  // Written last: a backup folder without backup.json is incomplete and never reused.
  await folder.write(`${rel}/backup.json`, formatJson(info as unknown as JsonObject), options);
  const dir = path.join(folder.real, ...rel.split('/'));
  for (const d of [path.join(folder.real, nodeName), dir]) await chmod(d, DIR_MODE).catch(() => undefined);
  return { dir, configZip, env, reused: false, ...(damaged ? { damaged } : {}) };
}

export interface LoadedBackup {
  dir: string;
  info: BackupInfo;
  configZip: Uint8Array;
  env: JsonObject;
}

/** Reads a backup folder and checks both files against the SHA-256 sums in backup.json (input error when damaged). */
export async function readBackup(dir: string, shown = dir): Promise<LoadedBackup> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(path.join(dir, name));
    } catch (error) {
      throw inputError(`backup ${shown} is incomplete or unreadable: ${name} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  };
  const infoParsed = parseUntrustedJson((await read('backup.json')).toString('utf8'));
  const info = 'value' in infoParsed ? infoParsed.value : undefined;
  if (!isObject(info) || typeof info.node !== 'string' || typeof info.config_zip_sha256 !== 'string' || typeof info.env_json_sha256 !== 'string')
    throw inputError(`backup ${shown} is damaged: backup.json is not what sesamflow writes`);
  const configZip = new Uint8Array(await read('config.zip'));
  const envBytes = await read('env.json');
  if (sha(configZip) !== info.config_zip_sha256) throw inputError(`backup ${shown} is damaged: config.zip does not match its SHA-256 in backup.json`);
  if (sha(envBytes) !== info.env_json_sha256) throw inputError(`backup ${shown} is damaged: env.json does not match its SHA-256 in backup.json`);
  const envParsed = parseUntrustedJson(envBytes.toString('utf8'));
  if (!('value' in envParsed) || !isObject(envParsed.value)) throw inputError(`backup ${shown} is damaged: env.json is not a JSON object`);
  return {
    dir,
    info: { node: info.node, profile: String(info.profile ?? ''), config_zip_sha256: info.config_zip_sha256, env_json_sha256: info.env_json_sha256 },
    configZip,
    env: envParsed.value,
  };
}
