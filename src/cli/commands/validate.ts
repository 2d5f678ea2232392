// `sesamflow validate [DIR]`: schema + semantic rules over a sesam-py project folder (DESIGN §6, §9).
import path from 'node:path';
import { formatProblem } from '../../validate/problem';
import { validateFolder, rules } from '../../validate/index';
import { colors, printJson } from '../io';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('validate')
    .description('validate a Sesam config folder (ours or any sesam-py project): JSON Schema, then semantic rules')
    .argument('[dir]', 'sesam-py project folder (node-metadata.conf.json, pipes/, systems/, *-env.json)', 'generated')
    .option('--json', 'print the problems as a JSON array on stdout')
    .option('--strict', 'fail (exit 1) on warnings too')
    .addHelpText(
      'after',
      `
Prints one line per problem: file, _id, JSON path, message and [rule]. A file that is not valid
JSON is reported as a problem (rule json-syntax, with line:column), like any other finding.

Rules: schema, json-syntax, ${rules.map((r) => r.name).join(', ')}
(the dtl rule reports the finer names dtl-unknown-function, dtl-arity, ...).

Exit codes: 0 no errors (warnings allowed unless --strict), 1 errors found (or warnings with
--strict), 2 the folder is missing, unreadable or not a sesam-py project.

Examples:
  $ sesamflow validate                      validate generated/
  $ sesamflow validate ../my-sesam-project  any sesam-py project folder
  $ sesamflow validate --json | jq length   machine-readable problems
  $ sesamflow validate --strict             fail on warnings too (CI)`,
    )
    .action(async (dir: string, options: { json?: boolean; strict?: boolean }) => {
      const folder = path.resolve(io.cwd, dir);
      const { problems } = await validateFolder(folder);
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      const files = new Set(problems.map((p) => p.file)).size;
      const c = colors(io);
      if (options.json) printJson(io, problems);
      else
        for (const p of problems)
          io.out(`${p.severity === 'error' ? c.red('error') : c.yellow('warning')} ${formatProblem(p)}\n`);
      const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
      io.err(`${errors > 0 ? c.red(summary) : warnings > 0 ? c.yellow(summary) : c.green(summary)} (${dir})\n`);
      if (errors > 0 || (options.strict && warnings > 0)) process.exitCode = 1;
    });
};
