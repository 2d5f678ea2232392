// `sesamflow status [DIR]`: is DIR byte-for-byte what the node has (as `sesam status` compares)?
// Registration only: the work is loaded when the command runs (../actions/status.ts).
import { addNodeOptions, type NodeCommandOptions } from '../../node/command-options';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  addNodeOptions(program.command('status').description("check that the folder's files are exactly what the node has"))
    .option('--diff', 'print a unified diff for every file that differs')
    .addHelpText(
      'after',
      `
Compares the text of every local config file with the canonical format of the node's entity
(what \`sesam download\` would write) and <profile>-env.json with the node's env vars, like
\`sesam status\`. Reports files that differ, exist only locally, or only on the node.

Exit codes: 0 in sync, 1 not in sync, 2 bad usage or no credentials, 3 node unreachable,
bad JWT or node error.

Examples:
  $ sesamflow status                             generated/ against the test node
  $ sesamflow status --profile prod --diff       with unified diffs
  $ sesamflow status --json | jq '.files[] | select(.state != "in-sync")'`,
    )
    .action(async (dir: string, options: NodeCommandOptions & { diff?: boolean }) => (await import('../actions/status')).statusCommand(io, dir, options));
};
