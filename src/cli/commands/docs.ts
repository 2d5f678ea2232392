// `sesamflow docs [--out DIR]`: renders only the dataflow documents (RST and Markdown).
import { resolve } from 'node:path';
import { renderDataflowDocuments } from '../../docs/index';
import { OwnedFolder } from '../../write/safe';
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
      const dir = await OwnedFolder.open(resolve(io.cwd, options.out), { create: true, display: options.out });
      const written: string[] = [];
      const unchanged: string[] = [];
      for (const file of renderDataflowDocuments(result.model)) {
        if ((await dir.read(file.path)) === file.content) {
          unchanged.push(file.path);
          continue;
        }
        await dir.write(file.path, file.content);
        written.push(file.path);
      }
      if (options.json) printJson(io, { out: options.out, written, unchanged });
      io.err(`${colors(io).green(`${options.out}/`)}: ${written.length} written, ${unchanged.length} unchanged\n`);
    });
};
