// `sesamflow types [--check]`: the TypeScript types of the datatype schemas (systems/*/schemas).
import { problemsFound } from '../../errors';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('types')
    .description('generate the TypeScript types of the datatype JSON Schemas (systems/<system>/types/)')
    .option('--check', 'write nothing; exit 1 when a types file is stale or missing')
    .addHelpText(
      'after',
      `
For every systems/<system>/schemas/<name>.schema.json: types/<name>.ts (the read model, and the
write model of $defs.write) and types/<name>.readonly.ts (read-only and create-only paths).

Examples:
  $ sesamflow types
  $ sesamflow types --check          in CI`,
    )
    .action(async (options: { check?: boolean }) => {
      // Loaded here: json-schema-to-typescript is large, and only this command needs it.
      const { runTypesCommand } = await import('../../sesam/gen-types');
      const code = await runTypesCommand(options.check ? ['--check'] : [], io.cwd, (line) => io.err(`${line}\n`));
      if (code !== 0) throw problemsFound('the generated types are out of date: run sesamflow types');
    });
};
