// `sesamflow watch`: regenerate, validate and re-run the affected scenarios on every save.
// Registration only: the work is loaded when the command runs (../actions/watch.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('watch')
    .description('on every change in systems/, pipes/, templates/ or the scenarios: regenerate, validate and re-run the affected scenarios')
    .option('--out <dir>', 'output folder', 'generated')
    .option('--scenarios <dir>', 'scenario folder', 'test/scenarios')
    .option('--typecheck', 'also type-check the definitions on every change (incremental; slower)')
    .addHelpText(
      'after',
      `
Prints what changed in the output folder (added, changed, removed files), the results of the
scenarios the change can affect (every scenario after a change to systems/; those touching a
changed dataflow's datatypes after a change to pipes/; an edited scenario file itself) and the
time from the save to the result. A save that breaks the definitions is reported and the
watch goes on. Ctrl-C stops it (exit 0).

Examples:
  $ sesamflow watch
  $ sesamflow watch --typecheck`,
    )
    .action(async (options: { out: string; scenarios: string; typecheck?: boolean }) => (await import('../actions/watch')).watchCommand(io, options));
};
