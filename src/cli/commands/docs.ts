// `sesamflow docs [--out DIR]`: renders only the dataflow documents (RST and Markdown).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderDataflowDocuments } from '../../docs/index';
import { inputError } from '../../errors';
import { colors, printJson } from '../io';
import { compileProject } from './graph';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('docs')
    .description('render the dataflow documents (customcrm-powerofficego, powerofficego-customcrm; .rst and .md)')
    .option('--out <dir>', 'folder to write the documents into', 'generated/docs')
    .option('--json', 'print the written and unchanged files as JSON')
    .addHelpText(
      'after',
      `
The same documents \`sesamflow generate\` writes into generated/docs/, rendered from the
definitions with the templates in templates/. Unchanged files are not touched; nothing else in
the folder is removed or changed.

Examples:
  $ sesamflow docs                         refresh generated/docs/
  $ sesamflow docs --out /tmp/docs         preview somewhere else`,
    )
    .action(async (options: { out: string; json?: boolean }) => {
      const result = await compileProject(io.cwd);
      const dir = resolve(io.cwd, options.out);
      try {
        await mkdir(dir, { recursive: true });
      } catch (error) {
        throw inputError(`cannot write the documents into ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      const written: string[] = [];
      const unchanged: string[] = [];
      for (const file of renderDataflowDocuments(result.model)) {
        const target = join(dir, file.path);
        const current = await readFile(target, 'utf8').catch(() => undefined);
        if (current === file.content) {
          unchanged.push(file.path);
          continue;
        }
        await writeFile(target, file.content);
        written.push(file.path);
      }
      if (options.json) printJson(io, { out: options.out, written, unchanged });
      io.err(`${colors(io).green(`${options.out}/`)}: ${written.length} written, ${unchanged.length} unchanged\n`);
    });
};
