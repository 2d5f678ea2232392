import { afterAll, describe, expect, it } from 'vitest';
import { cp, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { configFromFolder, loadScenarios } from '../../../src/simulate/scenario/load';
import { ScenarioPool, runOne } from '../../../src/simulate/scenario/pool';
import type { Scenario } from '../../../src/simulate/scenario/parse';
import type { ScenarioResult, WorldFactory } from '../../../src/simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../../src/simulate/scenario/world';
import { REPO, removeTempDirs, runCli, tempDir } from '../../helpers/cli';
import { FAILING_SCENARIO } from '../../helpers/scenarios';
import { definitions } from '../../helpers/systems';

const SCENARIOS = path.join(REPO, 'test/scenarios');
const PENDING = 'name: waits for a fix\npending: generator bug\nsteps:\n  - sync: {}\n';
const ORPHAN = 'name: orphan\nsteps:\n  - given:\n      poweroffice:\n        contactperson:\n          - {Id: 1, FirstName: Per}\n';

/** A folder with some scenarios of test/scenarios, a failing and a pending one. */
async function someScenarios(count: number, extra: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir();
  const names = (await readdir(SCENARIOS)).filter((n) => n.endsWith('.yaml')).sort().slice(0, count);
  for (const name of names) await cp(path.join(SCENARIOS, name), path.join(dir, name));
  for (const [name, text] of Object.entries({ 'b-failing.yaml': FAILING_SCENARIO, 'c-pending.yaml': PENDING, ...extra })) await writeFile(path.join(dir, name), text);
  return dir;
}

const stoppingWorker = () => new Worker(new URL('./fixtures/stopping-worker.mjs', import.meta.url));

describe('sesamflow test --jobs', () => {
  afterAll(removeTempDirs);

  it('prints the same lines, JSON and trace on worker threads as on one thread, in file order', async () => {
    const dir = await someScenarios(6);
    for (const extra of [[], ['--json'], ['--trace', '--json']]) {
      const one = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--jobs', '1', ...extra]);
      const three = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--jobs', '3', ...extra]);
      expect(one.code).toBe(1);
      expect(three.code, extra.join(' ')).toBe(1);
      expect(three.out, extra.join(' ')).toBe(one.out);
      expect(three.err).toBe(one.err);
    }
    const one = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--jobs', '1']);
    const lines = one.out.trimEnd().split('\n');
    expect(lines.filter((l) => /^[✓✗○] /.test(l)).map((l) => l.replace(/^.* \((.*)\).*$/, '$1').split('/').pop())).toEqual(
      [...(await readdir(dir))].sort(),
    );
    expect(lines.pop()).toBe('6 passed, 1 failed, 1 pending');
  });

  it('stops at a scenario file that cannot run, as on one thread (exit 2, the results before it printed)', async () => {
    const dir = await someScenarios(3, { 'd-orphan.yaml': ORPHAN });
    const one = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--jobs', '1']);
    const two = await runCli(['test', '--scenarios', dir, '--config', 'generated', '--jobs', '2']);
    expect(one.code).toBe(2);
    expect(two.code).toBe(2);
    expect(two.err).toContain(`${path.join(dir, 'd-orphan.yaml')}: step 1 (given): line 3: poweroffice contactperson[0]: needs ContactId: its insert URL names it`);
    expect(two.err).toBe(one.err);
    expect(two.out).toBe(one.out);
  });

  it.each(['0', '-1', 'two', '1.5', ''])('exits 2 for --jobs %j', async (jobs) => {
    const r = await runCli(['test', '--config', 'generated', '--jobs', jobs]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--jobs must be a whole number >= 1, found "${jobs}"`);
  });
});

describe('scenario pool', () => {
  afterAll(removeTempDirs);

  async function setup(count: number) {
    const config = await configFromFolder(path.join(REPO, 'generated'));
    const factory = defaultWorldFactory(config, definitions);
    const scenarios = await loadScenarios(await someScenarios(count), knownStores(factory));
    const here = (s: Scenario) => runOne(s, config, factory, { trace: false, debug: false });
    // What one thread gives: the results every pool must match.
    const alone = () => new ScenarioPool(0).run(scenarios, config, here, { trace: false, debug: false }, () => {});
    return { config, factory, scenarios, here, alone };
  }

  it('gives what one thread gives when only workers run scenarios', async () => {
    const { config, scenarios, alone } = await setup(4);
    const expected = await alone();
    const pool = new ScenarioPool(2, undefined, false);
    try {
      expect(pool.workers).toBe(2);
      pool.definitionsLoaded(REPO);
      const seen: number[] = [];
      const results = await pool.run(scenarios, config, () => { throw new Error('this thread must not run a scenario'); }, { trace: false, debug: false }, (_r, i) => seen.push(i));
      expect(results).toEqual(expected);
      expect(seen).toEqual(scenarios.map((_s, i) => i));
    } finally {
      await pool.close();
    }
  });

  it('runs everything on this thread when the only worker cannot load the definitions', async () => {
    const { config, scenarios, here, alone } = await setup(2);
    const expected = await alone();
    const pool = new ScenarioPool(1, undefined, false);
    try {
      pool.definitionsLoaded(path.join(await tempDir(), 'no-project-here'));
      const results = await pool.run(scenarios, config, here, { trace: false, debug: false }, () => {});
      expect(results).toEqual(expected);
    } finally {
      await pool.close();
    }
  });

  it('reports the scenario a stopped worker held as failed and runs the rest on this thread', async () => {
    const { config, scenarios, here, alone } = await setup(2);
    const expected = await alone();
    const pool = new ScenarioPool(1, stoppingWorker, false);
    try {
      const results = await pool.run(scenarios, config, here, { trace: false, debug: false }, () => {});
      expect(results).toHaveLength(4);
      expect(results[0]).toMatchObject({ status: 'failed', failure: { step: 0, kind: 'run', message: 'the worker thread running this scenario stopped: exit code 7' } });
      expect(results.slice(1)).toEqual(expected.slice(1));
    } finally {
      await pool.close();
    }
  });

  it('reports a scenario that throws something else than an input error as failed (a bug), and the run goes on', async () => {
    const { config, scenarios } = await setup(1);
    const broken: WorldFactory = () => {
      throw new TypeError('cannot read properties of undefined');
    };
    const outcome = runOne(scenarios[0]!, config, broken, { trace: false, debug: false });
    expect(outcome).toEqual({
      result: {
        file: scenarios[0]!.file,
        name: scenarios[0]!.name,
        status: 'failed',
        failure: { step: 0, kind: 'run', line: undefined, message: 'internal error: cannot read properties of undefined', details: ['this is a bug in sesamflow; run again with --debug for the stack trace'] },
        rounds: 0,
        writes: {},
        refused: {},
      } satisfies ScenarioResult,
    });
    const debug = runOne(scenarios[0]!, config, broken, { trace: false, debug: true });
    expect('result' in debug && debug.result.failure!.details[0]).toBe('TypeError: cannot read properties of undefined');
  });
});
