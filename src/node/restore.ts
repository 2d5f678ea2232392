// Putting a node back to a backup (backup.ts): `sesamflow restore <backup-dir>`, and what a
// failed upload does by itself. A restore sends the backup's env vars (PUT /api/env) and then
// its config zip, byte for byte (PUT /api/config?force=true: it is what the node ran before,
// errors and all), and waits for the deploy. Before it changes anything, the node's current
// state is backed up too, so a restore can itself be undone.
import path from 'node:path';
import { inputError, SesamflowError } from '../errors';
import type { JsonObject } from '../sesam/project';
import { readConfigZip } from '../sesam/zip';
import { writeBackup, readBackup, type Backup, type LoadedBackup } from './backup';
import { nodeZipOptions, type NodeClient } from './client';
import { diffConfig, type ConfigDiff } from './diff';
import { NodeApiError, NodeAuthError, NodeRedirectError } from './errors';
import { maskText } from './mask';
import { waitForDeploy } from './deploy';

/** What a backup holds, as the node should be after restoring it. */
export interface RestoreTarget {
  configZip: Uint8Array;
  env: JsonObject;
}

/**
 * Did a failed write certainly leave the node unchanged? Yes for refusals (401/403, other 4xx,
 * a redirect that was not followed); unknown for network errors, timeouts and 5xx, where the
 * node may have applied the request before the answer was lost.
 */
export const certainlyNotApplied = (error: unknown): boolean =>
  error instanceof NodeAuthError || error instanceof NodeRedirectError || (error instanceof NodeApiError && error.status >= 400 && error.status < 500);

const reason = (error: unknown): string => maskText(error instanceof Error ? error.message : String(error));

/** The command that restores `dir` by hand, relative to the working folder when shorter. */
export const restoreCommand = (dir: string, cwd: string): string => {
  const relative = path.relative(cwd, dir);
  const shown = relative && !relative.startsWith('..') && relative.length < dir.length ? relative : dir;
  return `sesamflow restore ${/^[\w./@:+-]+$/.test(shown) ? shown : JSON.stringify(shown)}`;
};

/**
 * Puts env and (unless `envOnly`) config back. Returns undefined when it worked, else why it
 * failed (never throws).
 */
export async function putBack(client: NodeClient, target: RestoreTarget, options: { envOnly?: boolean } = {}): Promise<string | undefined> {
  try {
    await client.putEnv(target.env);
  } catch (error) {
    return `PUT /api/env failed: ${reason(error)}`;
  }
  if (options.envOnly) return undefined;
  try {
    const put = await client.putConfig(target.configZip, { force: true });
    if (!put.accepted) return `PUT /api/config was rejected (HTTP ${put.status})`;
  } catch (error) {
    return `PUT /api/config failed: ${reason(error)}`;
  }
  return undefined;
}

export interface RestoreOptions {
  client: NodeClient;
  /** The backup folder `<root>/<host>/<NNNN>-<hash>`. */
  dir: string;
  /** How to show it in messages. */
  shownDir?: string;
  /** Restore to a node other than the one the backup was taken from. */
  anyNode?: boolean;
  dryRun?: boolean;
  /** Where the node's current state is backed up before the restore. */
  backupRoot: string;
  deployTimeoutMs?: number;
  pollIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  progress?: (line: string) => void;
}

export interface RestoreResult {
  status: 'dry-run' | 'restored';
  backup: LoadedBackup;
  diff: ConfigDiff;
  /** The backup of the node's state before the restore. */
  before?: Backup;
}

export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const { client } = options;
  const progress = options.progress ?? (() => {});
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const shown = options.shownDir ?? options.dir;
  const backup = await readBackup(options.dir, shown);
  // The backup's own zip must be readable before it is sent anywhere.
  const entities = readConfigZip(backup.configZip, `backup ${shown}: config.zip`).map((e) => ({ path: e.path, entity: e.entity }));
  if (backup.info.node !== client.baseUrl && !options.anyNode)
    throw inputError(`backup ${shown} was taken from ${backup.info.node}, not from ${client.baseUrl}`, [
      'restore it to the node it came from, or pass --any-node to restore it to this node anyway',
    ]);

  const [currentZip, currentEnv] = [await client.getConfigZip(), await client.getEnv()];
  const current = readConfigZip(currentZip, 'the node config', nodeZipOptions(client)).map((e) => e.entity);
  const diff = diffConfig(entities, current, { profile: backup.info.profile || '(backup)', local: backup.env, remote: currentEnv });
  if (options.dryRun) return { status: 'dry-run', backup, diff };

  const before = await writeBackup(options.backupRoot, client.host, client.baseUrl, backup.info.profile, currentZip, currentEnv);
  progress(`the node's current state is backed up in ${before.dir}${before.reused ? ' (unchanged, kept)' : ''}`);
  progress(`PUT /api/env (${Object.keys(backup.env).length} variables from ${shown}/env.json)`);
  progress(`PUT /api/config?force=true (${entities.length} entities from ${shown}/config.zip)`);
  const failed = await putBack(client, backup);
  if (failed !== undefined) {
    throw new SesamflowError(`restoring ${shown} failed: ${failed}`, 'node', [
      'the node may now be partly restored; run the same restore again when the node answers',
      `its state before this restore is backed up in ${before.dir}`,
    ]);
  }
  await waitForDeploy(client, options.deployTimeoutMs ?? 600_000, options.pollIntervalMs ?? 2_000, sleep, progress, before.dir);
  return { status: 'restored', backup, diff, before };
}

