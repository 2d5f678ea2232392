// `sesamflow generate [--out DIR] [--check] [--json]`; the work is in ../actions/generate.ts.
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('generate')
    .description('compile the definitions (systems/, pipes/), validate them and write the Sesam project')
    .option('--out <dir>', 'output folder (a sesam-py project)', 'generated')
    .option('--check', 'write nothing; exit 1 if the output folder is not up to date')
    .option('--json', 'print the result (written, unchanged, removed files) as JSON')
    .addHelpText(
      'after',
      `
Files are written in the Sesam portal's canonical JSON format; unchanged files are not
touched, and files sesamflow wrote before but no longer produces are removed (only inside the
output folder, as recorded in its .sesamflow-manifest.json).

Examples:
  $ sesamflow generate                     write generated/
  $ sesamflow generate --check             CI: fail when generated/ is stale
  $ sesamflow generate --out /tmp/preview  write somewhere else`,
    )
    .action(async (options: { out: string; check?: boolean; json?: boolean }) => (await import('../actions/generate')).generateCommand(io, options));
};
