// `sesamflow format [PATH...] [--check]`: rewrite JSON config files in the Sesam portal's
// canonical format (sesam-py's format_json), byte for byte.
// Registration only: the work is loaded when the command runs (../actions/format.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('format')
    .description("rewrite JSON config files in the Sesam portal's canonical format (as `sesam format` / `sesam download` write them)")
    .argument('[paths...]', 'files, or sesam-py project folders (their node metadata, pipes, systems, env and testdata files)', ['generated'])
    .option('--check', 'write nothing; exit 1 when a file is not in canonical format')
    .option('--json', 'print {changed, unchanged} as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 all files canonical (or rewritten), 1 --check found files to rewrite,
2 a path is missing or a file is not UTF-8 or not valid JSON (named with line:column; the
file is left as it is). A UTF-8 byte order mark is accepted and dropped.

Examples:
  $ sesamflow format                         rewrite generated/ in place
  $ sesamflow format --check generated       CI: fail when a file is not canonical
  $ sesamflow format pipes/my-pipe.conf.json one file`,
    )
    .action(async (paths: string[], options: { check?: boolean; json?: boolean }) => (await import('../actions/format')).formatCommand(io, paths, options));
};
