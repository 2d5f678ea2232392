// `sesamflow download [DIR]`: the node's config and env into DIR, as `sesam download` writes them.
// Registration only: the work is loaded when the command runs (../actions/download.ts).
import { addNodeOptions, type NodeCommandOptions } from '../../node/command-options';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  addNodeOptions(program.command('download').description("write the node's config and env vars into a folder in the canonical format"))
    .option('--out <dir>', 'output folder (overrides DIR)')
    .option('--force', 'download even when the node has no pipes or when more than half of the local pipe and system files would be deleted')
    .addHelpText(
      'after',
      `
Writes node-metadata.conf.json, pipes/<id>.conf.json, systems/<id>.conf.json and
<profile>-env.json byte-compatible with \`sesam download\` (canonical format; the scheduler
flags sesam-py's upload adds to the node metadata are removed again). Files in <dir>/pipes/ and
<dir>/systems/ that the node does not have are deleted; nothing outside the folder is touched.
Unchanged files are not rewritten; each file is replaced atomically.

Only those files are written, named after each entity's _id; other zip entries are skipped.
Every entry is checked before anything is written: an _id that cannot be a file name (a "/",
NUL or control character, a leading ".", over 200 bytes), an entry whose name disagrees with
its _id, or two entries for one file stop the download with nothing written. A node without
pipes, or one that would delete more than half of the local pipe and system files, is refused
unless --force (an empty or wrong node must not wipe the project).

Exit codes: 0 done, 1 refused (empty or wrong node; nothing written), 2 bad usage or no
credentials, 3 node unreachable, bad JWT, node error or an unsafe config from the node.

Examples:
  $ sesamflow download --out node-config         snapshot the test node into node-config/
  $ sesamflow download --profile prod --out prod-snapshot --node "$PROD_NODE" --jwt "$PROD_JWT"`,
    )
    .action(async (dir: string, options: NodeCommandOptions & { out?: string; force?: boolean }) => (await import('../actions/download')).downloadCommand(io, dir, options));
};
