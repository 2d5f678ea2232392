// `sesamflow diff [DIR]`: what an upload would change on the node.
import { problemsFound } from '../../errors';
import { resolveDir, type NodeCommandOptions } from '../../node/command-options';
import { clientFor } from '../../node/connect';
import { diffConfig, diffToJson, hasDifferences, renderDiff } from '../../node/diff';
import { localEntities, refuseInvalid } from '../../node/upload';
import { loadProject } from '../../validate/load';
import { type Io, colors, printJson } from '../io';

export async function diffCommand(io: Io, dir: string, options: NodeCommandOptions & { fail?: boolean }): Promise<void> {
  const folder = resolveDir(io, dir);
  const { project, problems } = await loadProject(folder);
  refuseInvalid(problems, 'diff');
  // Without a profile file the config is still compared; only the env section is left out.
  const env = project.env[options.profile];
  if (!env) io.err(`no ${dir}/${options.profile}-env.json: env vars are not compared\n`);
  const client = clientFor(options, io);
  const remote = await client.getConfig();
  const envDiff = env ? { profile: options.profile, local: env, remote: await client.getEnv() } : undefined;
  const diff = diffConfig(localEntities(project), remote, envDiff);
  if (options.json) printJson(io, diffToJson(diff));
  else io.out(renderDiff(diff, colors(io)));
  if (options.fail && hasDifferences(diff)) throw problemsFound(`${dir} differs from the node (--fail)`);
}
