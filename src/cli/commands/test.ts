// `sesamflow test [--scenarios DIR] [--config DIR] [--filter TEXT] [--json] [--jobs N]`: runs the YAML
// scenarios against the emulated systems with the pipes compiled from the current definitions.
// Registration only: the work is loaded when the command runs (../actions/test.ts).
import type { Command } from 'commander';
import type { TestOptions } from '../actions/test';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('test')
    .description('run the YAML scenarios (default test/scenarios/) against the emulated systems of the definitions')
    .option('--scenarios <dir>', 'folder of scenario files (*.yaml)', 'test/scenarios')
    .option('--config <dir>', 'test this generated sesam-py folder instead of compiling the definitions')
    .option('--filter <text>', 'only scenarios whose file name or name contains TEXT')
    .option('--trace', 'print every call each emulated system received per step (method, URL, body, status) and what every pipe wrote')
    .option('--json', 'print the results as JSON (with --trace: the trace too)')
    .option('--jobs <n>', 'run the scenarios on N threads (default: the number of CPUs the process may use; 1: all on one thread)')
    .addHelpText(
      'after',
      `
Each scenario runs on fresh emulated systems and a logical clock; "sync" steps run every
pipe, each after the pipes it reads from, until nothing changes. Scenarios can run in parallel
on worker threads (--jobs; without it a worker only for every 100 scenarios); the output is the
same whatever the number of threads, one file after another as they are named. A scenario with a top-level "pending: <reason>"
is reported as pending and not run. The scenario format (every step kind) is in the
README, section "Scenario files".

Exit codes: 0 every scenario passed (pending ones do not count); 1 a scenario failed; 2 a
scenario file is invalid (YAML, unknown step kind, system or datatype, wrong shape) or the
folder cannot be read.

Examples:
  $ sesamflow test
  $ sesamflow test --filter customer
  $ sesamflow test --filter order-locked --trace
  $ sesamflow test --scenarios my-scenarios --json
  $ sesamflow test --config generated
  $ sesamflow test --jobs 1              all scenarios on one thread, one after the other`,
    )
    .action(async (options: TestOptions, command: Command) =>
      (await import('../actions/test')).testCommand(io, { ...options, debug: command.optsWithGlobals().debug === true }),
    );
};
