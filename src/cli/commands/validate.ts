// `sesamflow validate [DIR]`: schema + semantic rules over a sesam-py project or connector folder.
// Registration only: the work is loaded when the command runs (../actions/validate.ts).
import { RULE_NAMES } from '../../validate/rule-names';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('validate')
    .description('validate a Sesam config folder (ours, any sesam-py project or a connector): JSON Schema, then semantic rules')
    .argument('[dir]', 'sesam-py project folder (node-metadata.conf.json, pipes/, systems/, *-env.json) or connector folder (manifest.json, templates/)', 'generated')
    .option('--json', 'print the problems as a JSON array on stdout')
    .option('--strict', 'fail (exit 1) on warnings too')
    .addHelpText(
      'after',
      `
Prints one line per problem: file, _id, JSON path, message and [rule], then a summary with the
number of files checked. A file that is not valid JSON or not UTF-8 is reported as a problem
(rules json-syntax, encoding, with line:column), like any other finding; a UTF-8 byte order
mark is accepted.

A connector folder (manifest.json + templates with {{@ name @}} placeholders) is expanded as
sesam-py's connector expander does (system placeholder "xxxxxx", additional parameters as
$ENV(name), a -transform shim per datatype) and problems point at the template files.

Errors are what a Sesam node refuses or what cannot work; warnings are advice.

Rules: schema, json-syntax, encoding, connector-manifest, connector-template,
${RULE_NAMES.join(', ')}
(the dtl rule reports the finer names dtl-unknown-function, dtl-arity, ...).

Exit codes: 0 no errors (warnings allowed unless --strict), 1 errors found (or warnings with
--strict), 2 the folder is missing, unreadable or neither a sesam-py project nor a connector.

Examples:
  $ sesamflow validate                      validate generated/
  $ sesamflow validate ../my-sesam-project  any sesam-py project folder
  $ sesamflow validate ../hubspot-connector a connector (templates are expanded)
  $ sesamflow validate --json | jq length   machine-readable problems
  $ sesamflow validate --strict             fail on warnings too (CI)`,
    )
    .action(async (dir: string, options: { json?: boolean; strict?: boolean }) => (await import('../actions/validate')).validateCommand(io, dir, options));
};
