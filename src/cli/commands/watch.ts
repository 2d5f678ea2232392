// `sesamflow watch`: regenerate, validate and re-run the affected scenarios on every save.
import { SesamflowError } from '../../errors';
import { resultLines, summaryLine } from '../../simulate/scenario/report';
import { type CycleReport, watchProject } from '../../watch/index';
import { colors } from '../io';
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
    .action(async (options: { out: string; scenarios: string; typecheck?: boolean }) => {
      const c = colors(io);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const report = (r: CycleReport) => {
        const head = r.trigger.length === 0 ? 'start' : r.trigger.join(', ');
        io.out(`${c.dim(`── ${head}`)}\n`);
        for (const e of r.typeErrors) io.out(`${c.red('type error')} ${e}\n`);
        if (r.error) {
          io.out(`${c.red('error')} ${r.error.message} ${c.dim(`(${r.ms} ms after the save)`)}\n`);
          if (r.error instanceof SesamflowError) for (const d of r.error.details) io.out(`  ${d}\n`);
        }
        if (r.files) {
          const { added, changed, removed } = r.files;
          io.out(`${options.out}/: ${added.length} added, ${changed.length} changed, ${removed.length} removed ${c.dim(`(${r.generatedMs} ms after the save)`)}\n`);
          for (const f of added) io.out(`  ${c.green('+')} ${f}\n`);
          for (const f of changed) io.out(`  ${c.yellow('~')} ${f}\n`);
          for (const f of removed) io.out(`  ${c.red('-')} ${f}\n`);
        }
        for (const w of r.warnings ?? []) io.out(`${c.yellow('warning')} ${w}\n`);
        if (r.scenarios) {
          for (const s of r.scenarios) for (const line of resultLines(s, c)) io.out(`${line}\n`);
          io.out(`${r.scenarios.length === 0 ? 'no scenario affected' : summaryLine([...r.scenarios], c)} ${c.dim(`(${r.ms} ms after the save)`)}\n`);
        }
        io.out(`${c.dim(`watching (Ctrl-C stops)`)}\n`);
      };
      try {
        await watchProject({ root: io.cwd, out: options.out, scenarios: options.scenarios, typecheck: options.typecheck === true, signal: controller.signal }, report);
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    });
};
