// Human-readable lines for scenario results (the `test` command prints them).
import type { ScenarioResult } from './run';

export interface Paint {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
}

export function resultLines(r: ScenarioResult, paint: Paint): string[] {
  const warnings = (r.warnings ?? []).map((w) => `    ${paint.yellow('warning')} ${w}`);
  if (r.status === 'passed') return [`${paint.green('✓')} ${r.name} ${paint.dim(`(${r.file})`)}`, ...warnings];
  if (r.status === 'pending') return [`${paint.yellow('○')} ${r.name} ${paint.dim(`(${r.file})`)} ${paint.yellow(`pending: ${r.reason ?? ''}`)}`];
  const f = r.failure!;
  const where = `step ${f.step} (${f.kind})${f.line !== undefined ? `, line ${f.line}` : ''}`;
  return [`${paint.red('✗')} ${r.name} ${paint.dim(`(${r.file})`)}`, `    ${paint.red(where)}: ${f.message}`, ...f.details.map((d) => `    ${d}`), ...warnings];
}

export function summaryLine(results: ScenarioResult[], paint: Paint): string {
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const pending = results.filter((r) => r.status === 'pending').length;
  const parts = [paint.green(`${passed} passed`), failed > 0 ? paint.red(`${failed} failed`) : `${failed} failed`];
  if (pending > 0) parts.push(paint.yellow(`${pending} pending`));
  return parts.join(', ');
}
