// The `npm run histories` command (run.ts): arguments, the batch, and its report. Exit code 0
// when every history kept every invariant, 1 when one failed, 2 on bad arguments.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { historyContext, runBatch } from './history';

export const USAGE = 'usage: npm run histories -- [--runs N] [--seed S] [--length L] [--path P] [--out FILE]';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Progress on a terminal. */
  progress?(text: string): void;
}

export async function histories(argv: readonly string[], io: Io): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        runs: { type: 'string', default: '2000' },
        seed: { type: 'string', default: '42' },
        length: { type: 'string', default: '30' },
        path: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`histories: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const numbers: Record<string, number> = {};
  for (const [name, min] of [['runs', 1], ['seed', -2147483648], ['length', 0]] as const) {
    const v = values[name]!;
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > 2147483647) {
      io.err(`histories: --${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}\n${USAGE}\n`);
      return 2;
    }
    numbers[name] = Number(v);
  }
  const { runs, seed, length } = numbers as { runs: number; seed: number; length: number };
  // fast-check's replay path: the run, then the shrink steps, as numbers joined by colons.
  if (values.path !== undefined && !/^\d+(:\d+)*$/.test(values.path)) {
    io.err(`histories: --path must be numbers joined by colons (as a report prints it), got ${JSON.stringify(values.path)}\n${USAGE}\n`);
    return 2;
  }

  const ctx = await historyContext();
  let done = 0;
  const report = runBatch(ctx, {
    seed,
    runs,
    length,
    ...(values.path ? { path: values.path } : {}),
    onRun: () => {
      if (++done % 10 === 0) io.progress?.(`${done} histories run`);
    },
  });
  const t = report.totals;
  const lines = [
    `histories: ${report.runs} run under seed ${seed} (length ${length}) in ${(report.ms / 1000).toFixed(1)} s (${(report.ms / Math.max(1, done)).toFixed(0)} ms per history, shrinking included)`,
    `  passing histories did: ${t.applied} commands (of ${t.commands} drawn), ${t.syncs} syncs (${t.rounds} rounds), ${t.writes} system writes, ${t.faults} injected faults`,
    `  commands: ${Object.entries(t.kinds).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ];
  if (report.failure) {
    lines.push(`  FOUND a failure (shrunk in ${report.failure.shrinks} steps; replay: --seed ${seed}${report.failure.path ? ` --path ${report.failure.path}` : ''}):`, '', report.failure.message);
    if (values.out) {
      writeFileSync(values.out, report.failure.yaml);
      lines.push(`(scenario written to ${values.out})`);
    }
  } else lines.push('  found nothing: every history kept every invariant');
  io.out(`${lines.join('\n')}\n`);
  return report.failure ? 1 : 0;
}
