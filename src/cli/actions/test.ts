// `sesamflow test [--scenarios DIR] [--config DIR] [--filter TEXT] [--json] [--jobs N]`: runs the
// YAML scenarios against the emulated systems with the pipes compiled from the current
// definitions, on this thread and on worker threads (results in scenario order).
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inputError } from '../../errors';
import { loadDefinitions } from '../../compile/load';
import { compile } from '../../compile/index';
import { configFromFolder, configFromProject, loadScenarios } from '../../simulate/scenario/load';
import { ScenarioPool, runOne } from '../../simulate/scenario/pool';
import { resultLines, summaryLine } from '../../simulate/scenario/report';
import type { SimConfig } from '../../simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../simulate/scenario/world';
import { type Io, colors, printJson } from '../io';
import { validatedOnce } from './validated-once';

export interface TestOptions {
  scenarios: string;
  config?: string;
  filter?: string;
  json?: boolean;
  trace?: boolean;
  /** Threads to run scenarios on (text from the command line); default: the available parallelism. */
  jobs?: string;
  debug?: boolean;
}

/**
 * Without --jobs a worker thread is only started for every this many scenarios: a worker costs
 * about 0.9 s of CPU to start (loading the code, the definitions, compiling the DTL), as much as
 * 30 to 40 scenarios of this project take to run; with 53 scenarios on 2 CPUs a worker made the
 * run slower (1.75 s against 1.6 s on one thread).
 */
const SCENARIOS_PER_WORKER = 100;

function jobsOf(text: string | undefined): number {
  if (text === undefined) return os.availableParallelism();
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw inputError(`--jobs must be a whole number >= 1, found "${text}"`);
  return Number(text);
}

/** Worker threads for `count` scenarios with `jobs` threads in all (this one included). */
const workersFor = (jobs: number, count: number, explicit: boolean) =>
  Math.max(0, Math.min(jobs - 1, explicit ? count - 1 : Math.floor(count / SCENARIOS_PER_WORKER)));

function scenarioFiles(dir: string): number {
  try {
    return readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).length;
  } catch {
    return 0; // loadScenarios says why
  }
}

export async function testCommand(io: Io, options: TestOptions): Promise<void> {
  const c = colors(io);
  const jobs = jobsOf(options.jobs);
  const explicit = options.jobs !== undefined;
  const dir = path.resolve(io.cwd, options.scenarios);
  // Without a filter every file runs: the workers start now and get ready while this thread
  // compiles the config and reads the scenarios.
  let pool: ScenarioPool | undefined = options.filter === undefined ? new ScenarioPool(workersFor(jobs, scenarioFiles(dir), explicit)) : undefined;
  try {
    // The emulated systems always come from the definitions; the pipes from them or from --config.
    const definitions = await loadDefinitions(io.cwd);
    pool?.definitionsLoaded(io.cwd);
    const config: SimConfig = options.config
      ? await configFromFolder(path.resolve(io.cwd, options.config))
      : configFromProject(await validatedOnce(compile(definitions)));
    pool?.configReady(config);
    const factory = defaultWorldFactory(config, definitions);
    const scenarios = await loadScenarios(dir, knownStores(factory), options.filter, options.scenarios);
    if (scenarios.length === 0)
      throw inputError(options.filter ? `no scenario in ${options.scenarios} matches "${options.filter}"` : `no scenario files (*.yaml) in ${options.scenarios}`);
    if (!pool) {
      pool = new ScenarioPool(workersFor(jobs, scenarios.length, explicit));
      pool.definitionsLoaded(io.cwd);
    }
    const run = { trace: options.trace === true, debug: options.debug === true };
    const results = await pool.run(scenarios, config, (s) => runOne(s, config, factory, run), run, (result) => {
      if (!options.json) for (const line of resultLines(result, c)) io.out(`${line}\n`);
    });
    if (options.json) printJson(io, results);
    else io.out(`${summaryLine(results, c)}\n`);
    if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
  } finally {
    await pool?.close();
  }
}
