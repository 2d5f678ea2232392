// `sesamflow test [--scenarios DIR] [--config DIR] [--filter TEXT] [--json]`: runs the YAML
// scenarios against the emulated systems with the pipes compiled from the current definitions.
import path from 'node:path';
import { inputError } from '../../errors';
import { loadDefinitions } from '../../compile/load';
import { compile } from '../../compile/index';
import { generateFrom } from '../../generate';
import { configFromFolder, configFromProject, loadScenarios } from '../../simulate/scenario/load';
import { resultLines, summaryLine } from '../../simulate/scenario/report';
import { runScenario, type ScenarioResult, type SimConfig } from '../../simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../simulate/scenario/world';
import { colors, printJson } from '../io';
import type { RegisterCommand } from './index';

export const register: RegisterCommand = (program, io) => {
  program
    .command('test')
    .description('run the YAML scenarios (default test/scenarios/) against the emulated CRM and PowerOffice systems')
    .option('--scenarios <dir>', 'folder of scenario files (*.yaml)', 'test/scenarios')
    .option('--config <dir>', 'test this generated sesam-py folder instead of compiling the definitions')
    .option('--filter <text>', 'only scenarios whose file name or name contains TEXT')
    .option('--trace', 'print every call each emulated system received per step (method, URL, body, status) and what every pipe wrote')
    .option('--json', 'print the results as JSON (with --trace: the trace too)')
    .addHelpText(
      'after',
      `
Each scenario runs on fresh emulated systems and a logical clock; "sync" steps run every
pipe in dependency order until nothing changes. A scenario with a top-level "pending: <reason>"
is reported as pending and not run. The scenario format (every step kind) is in the
README, section "Scenario files".

Exit codes: 0 every scenario passed (pending ones do not count); 1 a scenario failed; 2 a
scenario file is invalid (YAML, unknown step kind, system or datatype, wrong shape) or the
folder cannot be read.

Examples:
  $ sesamflow test
  $ sesamflow test --filter customer
  $ sesamflow test --filter order-locked --trace
  $ sesamflow test --scenarios my-scenarios --json
  $ sesamflow test --config generated`,
    )
    .action(async (options: { scenarios: string; config?: string; filter?: string; json?: boolean; trace?: boolean }) => {
      const c = colors(io);
      // The emulated systems always come from the definitions; the pipes from them or from --config.
      const definitions = await loadDefinitions(io.cwd);
      const config: SimConfig = options.config
        ? await configFromFolder(path.resolve(io.cwd, options.config))
        : configFromProject(generateFrom(compile(definitions)).result.project);
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
    });
};
