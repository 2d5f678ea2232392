// `sesamflow diff [DIR]`: what an upload would change on the node.
// Registration only: the work is loaded when the command runs (../actions/diff.ts).
import { addNodeOptions, type NodeCommandOptions } from '../../node/command-options';
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
    .action(async (dir: string, options: NodeCommandOptions & { fail?: boolean }) => (await import('../actions/diff')).diffCommand(io, dir, options));
};
