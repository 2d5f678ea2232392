// `sesamflow explain <pipe-id> [json-path | property]` and `sesamflow explain <file>:<line>`:
// which definition line produced a part of the generated config, and the reverse.
// Registration only: the work is loaded when the command runs (../actions/explain.ts).
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('explain')
    .description('show which definition line produced a part of the generated config, or every place a definition line produced')
    .argument('<target>', 'a pipe or system _id (or its file, pipes/<id>.conf.json), or a definition location <file>:<line>')
    .argument('[selector]', 'with a pipe: a property it writes (PhoneNumber) or a JSON path in its file ($.transform.rules.default[12])')
    .option('--json', 'print the matches as JSON')
    .addHelpText(
      'after',
      `
Every part of a generated pipe that comes from a mapping row, merge criterion, reference or
condition is traced to the definition that wrote it (also kept in generated/.sesamflow-provenance.json).

Exit codes: 0 found; 1 nothing traced there; 2 unknown pipe or unreadable definitions.

Examples:
  $ sesamflow explain <system>-<datatype>-transform <property>
  $ sesamflow explain <system>-<datatype>-transform '$.transform.rules.default[12]'
  $ sesamflow explain <system>-<datatype>-enrich
  $ sesamflow explain pipes/<flow>.ts:30`,
    )
    .action(async (target: string, selector: string | undefined, options: { json?: boolean }) => (await import('../actions/explain')).explainCommand(io, target, selector, options));
};
