// `npm run histories -- [--runs N] [--seed S] [--length L] [--path P] [--out FILE]`: runs many
// random histories (default 2000 under seed 42) and prints how many ran, how long they took,
// what they did, and the first failure found — shrunk, as a ready-to-save scenario (also written
// to --out). Exit code 1 when a history failed, 2 on bad arguments. Not part of `npm test`.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { historyContext, runBatch } from './history';

function fail(message: string): never {
  process.stderr.write(`histories: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '42' },
      length: { type: 'string', default: '30' },
      path: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write('usage: npm run histories -- [--runs N] [--seed S] [--length L] [--path P] [--out FILE]\n');
  process.exit(0);
}
const int = (name: string, v: string, min: number): number => {
  if (!/^-?\d+$/.test(v) || Number(v) < min) fail(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
};
const runs = int('runs', values.runs!, 1);
const seed = int('seed', values.seed!, -2147483648);
const length = int('length', values.length!, 0);

const ctx = await historyContext();
let done = 0;
let failed = 0;
const report = runBatch(ctx, {
  seed,
  runs,
  length,
  ...(values.path ? { path: values.path } : {}),
  onRun: (outcome) => {
    done++;
    if (!outcome.ok) failed++;
    if (process.stderr.isTTY && done % 10 === 0) process.stderr.write(`\r${done} histories run${failed > 0 ? ` (shrinking a failure: ${failed} tries)` : ''}`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');

const t = report.totals;
const secs = (report.ms / 1000).toFixed(1);
const lines = [
  `histories: ${report.runs} run under seed ${seed} (length ${length}) in ${secs} s (${(report.ms / Math.max(1, done)).toFixed(0)} ms per history, shrinking included)`,
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
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(report.failure ? 1 : 0);
