// `sesamflow validate [DIR]`: schema + semantic rules over a sesam-py project or connector folder.
import path from 'node:path';
import { formatProblem } from '../../validate/problem';
import { validateFolder } from '../../validate/index';
import { type Io, colors, printJson } from '../io';

export async function validateCommand(io: Io, dir: string, options: { json?: boolean; strict?: boolean }): Promise<void> {
  const folder = path.resolve(io.cwd, dir);
  const { problems, checked } = await validateFolder(folder);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const files = new Set(problems.map((p) => p.file)).size;
  const c = colors(io);
  if (options.json) printJson(io, problems);
  else
    for (const p of problems)
      io.out(`${p.severity === 'error' ? c.red('error') : c.yellow('warning')} ${formatProblem(p)}\n`);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${files} of ${plural(checked.length, 'file')} checked`;
  io.err(`${errors > 0 ? c.red(summary) : warnings > 0 ? c.yellow(summary) : c.green(summary)} (${dir})\n`);
  if (errors > 0 || (options.strict && warnings > 0)) process.exitCode = 1;
}
