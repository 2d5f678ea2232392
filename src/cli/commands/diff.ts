// `sesamflow diff [DIR]`: what an upload would change on the node (DESIGN §8, §9).
import { problemsFound } from '../../errors';
import { addNodeOptions, clientFor, resolveDir, type NodeCommandOptions } from '../../node/command-options';
import { diffConfig, diffToJson, hasDifferences, renderDiff } from '../../node/diff';
import { localEntities, refuseInvalid } from '../../node/upload';
import { loadProject } from '../../validate/load';
import { colors, printJson } from '../io';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  addNodeOptions(
    program
      .command('diff')
      .description("compare the config folder with the node's config (GET /api/config) and env vars (GET /api/env)"),
  )
    .option('--fail', 'exit 1 when anything differs (CI gate)')
    .addHelpText(
      'after',
      `
Shows pipes, systems and node metadata that an upload would add [+], change [~] or delete [-]
(entities on the node but not in DIR are DELETED by an upload), with a path tree down to each
changed value, then the env var differences of the profile. Values of secret-looking keys and
env vars are masked. Compares JSON values: key order and layout do not count.

Exit codes: 0 done (or no differences with --fail), 1 differences with --fail or unreadable
config files, 2 bad usage or no credentials, 3 node unreachable, bad JWT or node error.

Examples:
  $ sesamflow diff                               generated/ against the node in .syncconfig
  $ sesamflow diff --profile prod --fail         CI: fail when prod is not what generated/ says
  $ NODE=datahub-xxxx.sesam.cloud JWT=... sesamflow diff --json | jq .differs`,
    )
    .action(async (dir: string, options: NodeCommandOptions & { fail?: boolean }) => {
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
    });
};
