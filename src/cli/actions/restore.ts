// `sesamflow restore <backup-dir>`: put a node back to a backup that upload (or restore) wrote.
import path from 'node:path';
import { commandSeams, type ConnectionOptions } from '../../node/command-options';
import { clientFor } from '../../node/connect';
import { diffToJson, renderDiff, summaryLine } from '../../node/diff';
import { restore } from '../../node/restore';
import { type Io, colors, printJson } from '../io';

export interface RestoreCommandOptions extends ConnectionOptions {
  dryRun?: boolean;
  anyNode?: boolean;
  deployTimeout: number;
  backupDir: string;
}

export async function restoreCommand(io: Io, backup: string, options: RestoreCommandOptions): Promise<void> {
  const client = clientFor(options, io);
  const result = await restore({
    client,
    dir: path.resolve(io.cwd, backup),
    shownDir: backup,
    anyNode: options.anyNode === true,
    dryRun: options.dryRun === true,
    backupRoot: path.resolve(io.cwd, options.backupDir),
    deployTimeoutMs: options.deployTimeout * 1000,
    ...(commandSeams.sleep ? { sleep: commandSeams.sleep } : {}),
    progress: (line) => io.err(`${line}\n`),
  });
  if (options.json) printJson(io, { status: result.status, backup, node: client.baseUrl, diff: diffToJson(result.diff), ...(result.before ? { before: result.before.dir } : {}) });
  else if (result.status === 'dry-run') io.out(renderDiff(result.diff, colors(io)));
  if (result.status === 'dry-run') {
    io.err('dry run: nothing was sent to the node\n');
    return;
  }
  if (!options.json) io.out(`restored ${backup} to ${client.baseUrl}: ${summaryLine(result.diff)}\n`);
}
