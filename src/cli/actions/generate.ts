// `sesamflow generate`: compile, validate, write (or --check) the output folder.
import { resolve } from 'node:path';
import { generate } from '../../generate';
import { formatProblem } from '../../validate/problem';
import { writeOutput } from '../../write/index';
import { type Io, colors, printJson } from '../io';

export async function generateCommand(io: Io, options: { out: string; check?: boolean; json?: boolean }): Promise<void> {
  const c = colors(io);
  const { files, warnings } = await generate(io.cwd);
  for (const w of warnings) io.err(`${c.yellow('warning')} ${formatProblem(w)}\n`);
  const result = await writeOutput(resolve(io.cwd, options.out), files, { check: options.check === true });
  if (options.json) printJson(io, { out: options.out, check: options.check === true, ...result });
  if (options.check) {
    const stale = [...result.written.map((p) => `changed ${p}`), ...result.removed.map((p) => `orphaned ${p}`)];
    if (stale.length === 0) {
      io.err(`${options.out}/ is up to date (${result.unchanged.length} files)\n`);
      return;
    }
    io.err(`${c.red('stale')} ${options.out}/ is not up to date; run \`sesamflow generate\`:\n`);
    for (const line of stale) io.err(`  ${line}\n`);
    process.exitCode = 1;
    return;
  }
  io.err(`${options.out}/: ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed\n`);
}
