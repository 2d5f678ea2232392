// Random histories (model-based): creates, edits (emptying included), reference changes, new
// lines, deletes on both sides, syncs and faults over the four dataflows, checked after every
// sync against the model of the decided sync rules (history.ts, model.ts, check.ts). A failing
// history is shrunk and printed as a ready-to-save scenario in the assertion message.
//
// CI runs a fixed seed and a few random ones (the seed is printed on a failure: replay it with
// `npm run histories -- --seed <seed> --path <path>`); `npm run histories` runs thousands.
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/simulate/scenario/parse';
import { runScenario } from '../../../src/simulate/scenario/run';
import { Ref, buildHistory, type Cmd } from './build';
import { historyArbitrary } from './commands';
import { type HistoryContext, historyContext, runBatch, runHistory } from './history';
import { USAGE, histories } from './main';
import { scenarioYaml } from './yaml';

const FIXED_SEED = 20260301;
const FIXED_RUNS = 80;
const RANDOM_SEEDS = 2;
const RANDOM_RUNS = 10;
/** Within the test timeout: a failure found is reported as far as it shrank by then. */
const TIME_LIMIT_MS = 45_000;

describe('random histories', () => {
  let ctx: HistoryContext;
  beforeAll(async () => {
    ctx = await historyContext();
  });

  it(`keep every invariant (seed ${FIXED_SEED}, ${FIXED_RUNS} histories)`, () => {
    const report = runBatch(ctx, { seed: FIXED_SEED, runs: FIXED_RUNS, timeLimitMs: TIME_LIMIT_MS });
    expect(report.failure?.message ?? 'no failure').toBe('no failure');
    expect(report.interrupted ? `stopped after ${report.runs} histories by the time limit` : report.runs).toBe(FIXED_RUNS);
    // The histories exercise what they claim to: syncs with writes, and faults that fired.
    expect(report.totals.writes).toBeGreaterThan(100);
    expect(report.totals.faults).toBeGreaterThan(0);
  });

  it.each(Array.from({ length: RANDOM_SEEDS }, () => randomInt(1, 2 ** 31 - 1)))(`keep every invariant (random seed %i, ${RANDOM_RUNS} histories)`, (seed) => {
    const report = runBatch(ctx, { seed, runs: RANDOM_RUNS, timeLimitMs: TIME_LIMIT_MS });
    expect(report.failure ? `seed ${seed}: ${report.failure.message}` : 'no failure').toBe('no failure');
  });

  it('a broken sync is found, shrunk, and printed as a scenario that fails on its own', () => {
    // The sync never writes CRM customers: the first customer of any history breaks an invariant.
    const broken: HistoryContext = { ...ctx, config: { ...ctx.config, pipes: ctx.config.pipes.filter((p) => p._id !== 'customcrm-customer-share') } };
    const report = runBatch(broken, { seed: 7, runs: 50 });
    expect(report.failure).toBeDefined();
    const { message, yaml } = report.failure!;
    expect(message).toMatch(/- customer#1: customcrm customer /);
    expect(message).toMatch(/As a scenario \(it fails at step 3: expected 1 customcrm customer record/);
    // Shrunk to the essence: one customer, one sync, the expectation it breaks.
    const scenario = parseScenario(yaml, 'found.yaml', ctx.stores);
    expect(scenario.steps.map((s) => s.kind)).toEqual(['given', 'sync', 'expect']);
    // The printed scenario fails with the broken config, and passes with the real one.
    expect(runScenario(scenario, broken.config, ctx.factory).status).toBe('failed');
    expect(runScenario(scenario, ctx.config, ctx.factory).status).toBe('passed');
  });

  it('a printed history parses back to the steps it was built from', () => {
    for (const cmds of fc.sample(historyArbitrary(), { seed: 3, numRuns: 20 }) as Cmd[][]) {
      const built = buildHistory(cmds, 'printed');
      // Ids only a run knows are printed as the resolver gives them.
      const idOf = (r: Ref) => `${r.side}-id-of-${r.entity}`;
      const yaml = scenarioYaml('printed', built.scenario.steps, idOf);
      const parsed = parseScenario(yaml, 'printed.yaml', ctx.stores);
      expect(parsed.steps.map((s) => s.kind)).toEqual(built.scenario.steps.map((s) => s.kind));
      const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Ref ? idOf(x) : x)));
      expect(parsed.steps.map(({ line: _l, ...s }) => s)).toEqual(plain(built.scenario.steps.map(({ line: _l, ...s }) => s)));
    }
  });

  it('a history that keeps the rules passes, with the model checked after every sync', () => {
    const cmds: Cmd[] = [
      { t: 'create', kind: 'customer', side: 'crm', pick: 0, seed: 1, ts: 0 },
      { t: 'create', kind: 'product', side: 'po', pick: 0, seed: 2, ts: 0 },
      { t: 'sync' },
      { t: 'create', kind: 'order', side: 'crm', pick: 0, seed: 0, ts: 0 },
      { t: 'faults', rules: [{ side: 'po', target: 12, fail: 3, times: 1 }] },
      { t: 'sync' },
      { t: 'edit', side: 'po', pick: 0, row: 3, value: 0 },
      { t: 'edit', side: 'crm', pick: 0, row: 3, value: 1 },
    ];
    const outcome = runHistory(cmds, ctx);
    expect(outcome.ok ? 'passed' : outcome.message).toBe('passed');
    expect(outcome.stats).toMatchObject({ applied: 8, syncs: 4, faults: 1 });
  });

  describe('npm run histories', () => {
    const run = async (...argv: string[]) => {
      let out = '';
      let err = '';
      const code = await histories(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
      return { code, out, err };
    };

    it('runs a batch and says how many ran, how long, what they did and what was found (exit 0)', async () => {
      const r = await run('--runs', '3', '--seed', '5');
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^histories: 3 run under seed 5 \(length 30\) in \d+\.\d s/);
      expect(r.out).toMatch(/passing histories did: \d+ commands .* syncs .* system writes, \d+ injected faults/);
      expect(r.out).toContain('found nothing: every history kept every invariant');
    });

    it.each([
      [['--runs', '0'], '--runs must be a whole number >= 1, got "0"'],
      [['--seed', 'x'], '--seed must be a whole number >= -2147483648, got "x"'],
      [['--length=-1'], '--length must be a whole number >= 0, got "-1"'],
      [['--path=12:x'], '--path must be numbers joined by colons (as a report prints it), got "12:x"'],
      [['--path='], '--path must be numbers joined by colons (as a report prints it), got ""'],
      [['--bogus'], "Unknown option '--bogus'"],
      [['extra'], "Unexpected argument 'extra'. This command does not take positional arguments"],
    ])('bad arguments %j: the message and the usage, exit 2', async (argv, message) => {
      const r = await run(...argv);
      expect(r).toEqual({ code: 2, out: '', err: `histories: ${message}\n${USAGE}\n` });
    });
  });
});
