// Human-readable lines for scenario results (the `test` command prints them).
import type { ScenarioResult, StepTrace } from './run';

export interface Paint {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

export function resultLines(r: ScenarioResult, paint: Paint): string[] {
  const notes = [
    ...Object.entries(r.refused).map(([sys, n]) => `    ${paint.dim(`${sys} refused ${n} write${n === 1 ? '' : 's'}, as declared`)}`),
    ...(r.held ?? []).map((h) => `    ${paint.dim(`held back: ${h}`)}`),
  ];
  const traced = (r.trace ?? []).flatMap((t) => traceLines(t, paint));
  if (r.status === 'passed') return [`${paint.green('✓')} ${r.name} ${paint.dim(`(${r.file})`)}`, ...notes, ...traced];
  if (r.status === 'pending') return [`${paint.yellow('○')} ${r.name} ${paint.dim(`(${r.file})`)} ${paint.yellow(`pending: ${r.reason ?? ''}`)}`];
  const f = r.failure!;
  const where = f.step === 0 ? 'not run to an end' : `step ${f.step} (${f.kind})${f.line !== undefined ? `, line ${f.line}` : ''}`;
  return [`${paint.red('✗')} ${r.name} ${paint.dim(`(${r.file})`)}`, `    ${paint.red(where)}: ${f.message}`, ...f.details.map((d) => `    ${d}`), ...notes, ...traced];
}

/** One step of a trace: the calls each system received, then what each pipe wrote. */
function traceLines(t: StepTrace, paint: Paint): string[] {
  const head = `    ${paint.dim(`step ${t.step} (${t.kind})${t.line !== undefined ? `, line ${t.line}` : ''}:`)}`;
  const calls = t.calls.map((c) => {
    const body = c.body === undefined ? '' : ` ${JSON.stringify(c.body).slice(0, 400)}`;
    return `      ${c.system} ${c.method} ${c.path}${body} → ${c.status}${c.fault ? ` (${c.fault})` : ''}`;
  });
  const writes = t.writes.map((w) => `      round ${w.round}: ${w.pipe} wrote ${w.ids.join(', ')}`);
  return calls.length + writes.length === 0 ? [] : [head, ...calls, ...writes];
}

export function summaryLine(results: ScenarioResult[], paint: Paint): string {
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const pending = results.filter((r) => r.status === 'pending').length;
  const parts = [paint.green(`${passed} passed`), failed > 0 ? paint.red(`${failed} failed`) : `${failed} failed`];
  if (pending > 0) parts.push(paint.yellow(`${pending} pending`));
  return parts.join(', ');
}
