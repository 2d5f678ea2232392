// `sesamflow upload [DIR]`: validate, back up, PUT env and config, wait for the deploy.
import path from 'node:path';
import { problemsFound } from '../../errors';
import { commandSeams, resolveDir, type NodeCommandOptions } from '../../node/command-options';
import { clientFor } from '../../node/connect';
import { diffToJson, renderDiff, summaryLine } from '../../node/diff';
import { restoreCommand } from '../../node/restore';
import { countLevels, renderNodeErrors, upload } from '../../node/upload';
import { validateFolder } from '../../validate/index';
import { type Io, colors, printJson } from '../io';

export interface UploadCommandOptions extends NodeCommandOptions {
  dryRun?: boolean;
  force?: boolean;
  deployTimeout: number;
  secrets: boolean;
  backupDir: string;
}

export async function uploadCommand(io: Io, dir: string, options: UploadCommandOptions): Promise<void> {
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
}
