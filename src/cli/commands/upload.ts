// `sesamflow upload [DIR]`: validate, back up, PUT env and config, wait for the deploy.
// Registration only: the work is loaded when the command runs (../actions/upload.ts).
import { addNodeOptions, deployTimeoutOption } from '../../node/command-options';
import type { UploadCommandOptions } from '../actions/upload';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  addNodeOptions(program.command('upload').description('validate DIR, back up the node, then replace its env vars and config and wait for the deploy'))
    .option('--dry-run', 'print what would change (the diff) and send nothing')
    .option('--force', 'PUT /api/config?force=true: the node applies the config best-effort despite config errors')
    .addOption(deployTimeoutOption())
    .option('--no-secrets', 'do not upload SESAMFLOW_SECRET_* variables')
    .option('--backup-dir <dir>', 'where backups of the node config are kept', '.sesamflow-backup')
    .addHelpText(
      'after',
      `
Steps: validate DIR (refuse with exit 1 on errors); back up the node's config zip and env vars
to <backup-dir>/<node-host>/<NNNN>-<hash>/; PUT /api/env with <DIR>/<profile>-env.json;
PUT /api/config with a deterministic zip; POST system secrets; poll GET /api/pipes until no
pipe is "Deploying". When the node rejects the config its validation_errors are printed per
_id (with the generated file and the definition that produced it), the previous env vars are
put back, the backup is kept, and the exit code is 1.

A failure after the env vars were sent never leaves the node half-updated silently: when the
config PUT is refused (401, 4xx) the previous env vars are put back; when its effect is unknown
(connection reset, timeout, 5xx after retries) the previous env vars and config are both put
back from the backup. The message says which happened — or, if putting back failed too, what
the node has now and the \`sesamflow restore <backup>\` command to run. Backups are private
(folders 0700, files 0600).

Secrets: each variable SESAMFLOW_SECRET_<SYSTEM>__<NAME> is sent to POST
/api/systems/<system>/secrets as <name> (upper case -> lower case, "_" -> "-", "__" separates),
e.g. SESAMFLOW_SECRET_MY_SYSTEM__CLIENT_KEY -> system my-system, secret
client-key. Values are only read from the environment and never printed.

Exit codes: 0 uploaded and deployed, 1 invalid config, rejected by the node or accepted with
errors, 2 bad usage, missing profile or credentials, 3 node unreachable, bad JWT, node error,
a failed step (see the message for the node's state) or deploy timeout.

Examples:
  $ sesamflow upload --dry-run                   show what would change on the test node
  $ sesamflow upload                             upload generated/ with test-env.json
  $ sesamflow upload --profile prod --node "$PROD_NODE" --jwt "$PROD_JWT"
  $ SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY=... sesamflow upload --profile prod`,
    )
    .action(async (dir: string, options: UploadCommandOptions) => (await import('../actions/upload')).uploadCommand(io, dir, options));
};
