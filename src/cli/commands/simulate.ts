// `sesamflow simulate --input DIR [--out DIR] [--config DIR]`: runs the generated pipes once
// over `<dataset-id>.json` inputs and writes every dataset the run produced.
// Registration only: the work is loaded when the command runs (../actions/simulate.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('simulate')
    .description('run the generated pipes once over <dataset-id>.json inputs and write every produced dataset')
    .requiredOption('--input <dir>', 'folder of <dataset-id>.json files (JSON arrays of entities), e.g. customcrm-customer-collect.json')
    .option('--out <dir>', 'folder to write <dataset-id>.json of every produced dataset to', 'simulated')
    .option('--config <dir>', 'run this generated sesam-py folder instead of compiling the definitions')
    .option('--json', 'print a summary (datasets and entity counts) as JSON')
    .addHelpText(
      'after',
      `
Inputs are placed in the datasets they are named after; the pipes that write those datasets
do not run, and neither do the pipes that read from or write to a system (-all, -share): what
would be shared is in the -transform datasets. Every other pipe runs once, in dependency
order. Output files hold the latest version of each entity, deleted ones included
("_deleted": true), without the generated _updated/_hash fields.

Examples:
  $ sesamflow simulate --input examples/collected --out /tmp/sim
  $ sesamflow simulate --input in --config generated`,
    )
    .action(async (options: { input: string; out: string; config?: string; json?: boolean }) => (await import('../actions/simulate')).simulateCommand(io, options));
};
