// `sesamflow test [--scenarios DIR] [--config DIR] [--filter TEXT] [--json]`: runs the YAML
// scenarios against the emulated systems with the pipes compiled from the current definitions.
import path from 'node:path';
import { inputError } from '../../errors';
import { loadDefinitions } from '../../compile/load';
import { compile } from '../../compile/index';
import { validatedProject } from '../../validated';
import { configFromFolder, configFromProject, loadScenarios } from '../../simulate/scenario/load';
import { resultLines, summaryLine } from '../../simulate/scenario/report';
import { runScenario, type ScenarioResult, type SimConfig } from '../../simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../simulate/scenario/world';
import { type Io, colors, printJson } from '../io';

export async function testCommand(io: Io, options: { scenarios: string; config?: string; filter?: string; json?: boolean; trace?: boolean }): Promise<void> {
  const c = colors(io);
  // The emulated systems always come from the definitions; the pipes from them or from --config.
  const definitions = await loadDefinitions(io.cwd);
  const config: SimConfig = options.config
    ? await configFromFolder(path.resolve(io.cwd, options.config))
    : configFromProject(validatedProject(compile(definitions)));
  const factory = defaultWorldFactory(config, definitions);
  const scenarios = await loadScenarios(path.resolve(io.cwd, options.scenarios), knownStores(factory), options.filter, options.scenarios);
  if (scenarios.length === 0)
    throw inputError(options.filter ? `no scenario in ${options.scenarios} matches "${options.filter}"` : `no scenario files (*.yaml) in ${options.scenarios}`);
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const result = runScenario(scenario, config, factory, { trace: options.trace === true });
    results.push(result);
    if (!options.json) for (const line of resultLines(result, c)) io.out(`${line}\n`);
  }
  if (options.json) printJson(io, results);
  else io.out(`${summaryLine(results, c)}\n`);
  if (results.some((r) => r.status === 'failed')) process.exitCode = 1;
}
