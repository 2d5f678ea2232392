// `sesamflow docs [--out DIR]`: renders only the dataflow documents (RST and Markdown).
// Registration only: the work is loaded when the command runs (../actions/docs.ts).
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
    .action(async (options: { out: string; json?: boolean }) => (await import('../actions/docs')).docsCommand(io, options));
};
