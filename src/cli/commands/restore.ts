// `sesamflow restore <backup-dir>`: put a node back to a backup that upload (or restore) wrote.
// Registration only: the work is loaded when the command runs (../actions/restore.ts).
import { addConnectionOptions, deployTimeoutOption } from '../../node/command-options';
import type { RestoreCommandOptions } from '../actions/restore';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  addConnectionOptions(
    program
      .command('restore')
      .description("put the node's env vars and config back to a backup that upload wrote")
      .argument('<backup>', 'a backup folder: <backup-dir>/<node-host>/<NNNN>-<hash>'),
  )
    .option('--dry-run', 'print what the restore would change (the diff) and send nothing')
    .option('--any-node', 'restore to this node even though the backup was taken from another one')
    .addOption(deployTimeoutOption())
    .option('--backup-dir <dir>', "where the node's current state is backed up before the restore", '.sesamflow-backup')
    .addHelpText(
      'after',
      `
Checks the backup (config.zip and env.json against the SHA-256 sums in backup.json; a damaged
backup is refused), checks that it was taken from this node, backs up the node's current state
(so the restore can be undone the same way), then PUT /api/env with env.json and PUT
/api/config?force=true with config.zip byte for byte, and waits until no pipe is "Deploying".

Exit codes: 0 restored (or --dry-run), 2 bad usage, missing credentials, a damaged backup or
one from another node (see --any-node), 3 node unreachable, bad JWT, node error or deploy
timeout.

Examples:
  $ ls .sesamflow-backup/datahub-xxxx.sesam.cloud/      the backups of a node, oldest first
  $ sesamflow restore .sesamflow-backup/datahub-xxxx.sesam.cloud/0007-3f2a9c01b2d4 --dry-run
  $ sesamflow restore .sesamflow-backup/datahub-xxxx.sesam.cloud/0007-3f2a9c01b2d4`,
    )
    .action(async (backup: string, options: RestoreCommandOptions) => (await import('../actions/restore')).restoreCommand(io, backup, options));
};
