// `sesamflow watch`: regenerate, validate and re-run the affected scenarios on every save.
import { SesamflowError } from '../../errors';
import { resultLines, summaryLine } from '../../simulate/scenario/report';
import { type CycleReport, watchProject } from '../../watch/index';
import { type Io, colors } from '../io';

export async function watchCommand(io: Io, options: { out: string; scenarios: string; typecheck?: boolean }): Promise<void> {
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
}
