// `sesamflow upload [DIR]`: validate, back up, PUT env and config, wait for the deploy (DESIGN §8).
import path from 'node:path';
import { problemsFound } from '../../errors';
import { addNodeOptions, clientFor, commandSeams, deployTimeoutOption, resolveDir, type NodeCommandOptions } from '../../node/command-options';
import { diffToJson, renderDiff, summaryLine } from '../../node/diff';
import { restoreCommand } from '../../node/restore';
import { countLevels, renderNodeErrors, upload } from '../../node/upload';
import { validateFolder } from '../../validate/index';
import { colors, printJson } from '../io';
import type { RegisterCommand } from './index';

interface UploadCommandOptions extends NodeCommandOptions {
  dryRun?: boolean;
  force?: boolean;
  deployTimeout: number;
  secrets: boolean;
  backupDir: string;
}

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
e.g. SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY -> system poweroffice, secret
poweroffice-client-key. Values are only read from the environment and never printed.

Exit codes: 0 uploaded and deployed, 1 invalid config, rejected by the node or accepted with
errors, 2 bad usage, missing profile or credentials, 3 node unreachable, bad JWT, node error,
a failed step (see the message for the node's state) or deploy timeout.

Examples:
  $ sesamflow upload --dry-run                   show what would change on the test node
  $ sesamflow upload                             upload generated/ with test-env.json
  $ sesamflow upload --profile prod --node "$PROD_NODE" --jwt "$PROD_JWT"
  $ SESAMFLOW_SECRET_POWEROFFICE__POWEROFFICE_CLIENT_KEY=... sesamflow upload --profile prod`,
    )
    .action(async (dir: string, options: UploadCommandOptions) => {
      const folder = resolveDir(io, dir);
      const c = colors(io);
      const { project, problems } = await validateFolder(folder);
      for (const p of problems.filter((p) => p.severity === 'warning')) io.err(`${c.yellow('warning')} ${p.file} ${p.path}: ${p.message} [${p.rule}]\n`);
      // Invalid config is refused before credentials are even looked at.
      const invalid = problems.filter((p) => p.severity === 'error');
      const client = invalid.length ? undefined : clientFor(options, io);
      const result = await upload({
        client: client!,
        dir: folder,
        displayDir: dir,
        project,
        problems,
        profile: options.profile,
        force: options.force,
        dryRun: options.dryRun,
        backupRoot: path.resolve(io.cwd, options.backupDir),
        env: io.env,
        uploadSecrets: options.secrets,
        deployTimeoutMs: options.deployTimeout * 1000,
        ...(commandSeams.sleep ? { sleep: commandSeams.sleep } : {}),
        progress: (line) => io.err(`${line}\n`),
        cwd: io.cwd,
      });
      if (options.json) printJson(io, { ...result, diff: diffToJson(result.diff) });
      const counts = countLevels(result.nodeErrors);
      const backupNote = result.backupDir ? [`the node's previous config and env are backed up in ${path.relative(io.cwd, result.backupDir) || '.'}`] : [];
      switch (result.status) {
        case 'dry-run':
          if (!options.json) {
            io.out(renderDiff(result.diff, c));
            for (const s of result.secrets) io.out(`secrets for system ${s.systemId}: ${s.names.join(', ')} (values not shown)\n`);
          }
          io.err('dry run: nothing was sent to the node\n');
          return;
        case 'rejected':
          if (!options.json) io.out(renderNodeErrors(result.nodeErrors));
          throw problemsFound(`the node rejected the config: ${counts.errors} error(s), ${counts.warnings} warning(s); nothing was deployed`, [
            ...backupNote,
            result.envRestored
              ? 'the previous env vars were put back: the node has its previous config and env vars'
              : `WARNING: the env vars of ${options.profile}-env.json are on the node with its PREVIOUS config; putting the previous ones back failed (${result.restoreError}); restore by hand: ${restoreCommand(result.backupDir!, io.cwd)}`,
          ]);
        case 'uploaded-with-errors':
          if (!options.json) io.out(renderNodeErrors(result.nodeErrors));
          throw problemsFound(`the node accepted the config but reports ${counts.errors} error(s), ${counts.warnings} warning(s)`, backupNote);
        case 'uploaded':
          if (!options.json) {
            io.out(renderNodeErrors(result.nodeErrors));
            io.out(`uploaded ${project.files.length} config entities and ${options.profile}-env.json to ${client!.baseUrl}\n`);
            io.out(`${summaryLine(result.diff)}\n`);
            for (const s of result.secrets) io.out(`secrets for system ${s.systemId}: ${s.names.join(', ')}\n`);
          }
          for (const line of backupNote) io.err(`${line}\n`);
          return;
      }
    });
};
