import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { SesamflowError } from '../errors';
import { commands } from './commands/index';
import { type Io, processIo, colors } from './io';

const EXIT = { problems: 1, input: 2, node: 3 } as const;

/** Builds the commander program. Every command lives in its own file under commands/. */
export function buildProgram(io: Io): Command {
  const program = new Command('sesamflow')
    .description('Generate, validate, simulate and deploy the Sesam configuration of the two-way sync defined in systems/ and pipes/.')
    .version(version, '-V, --version')
    .option('--no-color', 'disable colours (also off when stderr is not a TTY or NO_COLOR is set)')
    .option('--debug', 'print stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  program.hook('preAction', (root) => {
    if (root.opts().color === false) io.color = false;
  });
  for (const register of commands) register(program, io);
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 problems found, 2 bad usage or unreadable input, 3 node/network/auth failure.

Examples:
  $ sesamflow generate                   compile the definitions and write generated/
  $ sesamflow generate --check           exit 1 if generated/ is not up to date (CI)
  $ sesamflow validate generated         validate a sesam-py project folder
  $ sesamflow format --check generated   check the portal's canonical JSON layout
  $ sesamflow test                       run the YAML scenarios against emulated systems
  $ sesamflow dtl --rules r.json --input in.json   run one DTL transform locally
  $ sesamflow graph --format mermaid     the pipe graph
  $ sesamflow diff --fail                what an upload would change on the node (exit 1 if anything)
  $ sesamflow upload --profile test      validate, back up, upload and wait for the deploy
  $ sesamflow restore .sesamflow-backup/<host>/<NNNN>-<hash>   put a node back to a backup

Every command has --help with more examples.`,
  );
  return program;
}

/** Runs the CLI and returns the exit code. The single error boundary of the tool. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version output are successful exits; everything else is bad usage.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return error.exitCode === 0 ? 0 : EXIT.input;
    }
    const c = colors(io);
    if (error instanceof SesamflowError) {
      io.err(`${c.red('error')} ${error.message}\n`);
      for (const line of error.details) io.err(`  ${line}\n`);
      if (debug && error.stack) io.err(`${error.stack}\n`);
      return EXIT[error.kind];
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${c.red('internal error')} ${message}\n`);
    io.err(debug && error instanceof Error && error.stack ? `${error.stack}\n` : 'Run again with --debug for the stack trace; this is a bug in sesamflow.\n');
    return EXIT.input;
  }
}
