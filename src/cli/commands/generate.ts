import { resolve } from 'node:path';
import { generate } from '../../generate';
import { formatProblem } from '../../validate/problem';
import { writeOutput } from '../../write/index';
import { colors, printJson } from '../io';
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
    .action(async (options: { out: string; check?: boolean; json?: boolean }) => {
      const c = colors(io);
      const { files, warnings } = await generate(io.cwd);
      for (const w of warnings) io.err(`${c.yellow('warning')} ${formatProblem(w)}\n`);
      const result = await writeOutput(resolve(io.cwd, options.out), files, { check: options.check === true });
      if (options.json) printJson(io, { out: options.out, check: options.check === true, ...result });
      if (options.check) {
        const stale = [...result.written.map((p) => `changed ${p}`), ...result.removed.map((p) => `orphaned ${p}`)];
        if (stale.length === 0) {
          io.err(`${options.out}/ is up to date (${result.unchanged.length} files)\n`);
          return;
        }
        io.err(`${c.red('stale')} ${options.out}/ is not up to date; run \`sesamflow generate\`:\n`);
        for (const line of stale) io.err(`  ${line}\n`);
        process.exitCode = 1;
        return;
      }
      io.err(`${options.out}/: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n`);
    });
};
