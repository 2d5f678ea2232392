// Bench: the scenarios run over and over in one process. A whole `sesamflow test` process is
// mostly start-up and V8 warming up cold code (its first pass over the scenarios takes about
// 2.5 times as long as the third); this measures what a pass costs once the code is warm, the
// part of the run our code decides. `npm run bench -- --only test` runs it.
import path from 'node:path';
import { compile } from '../../src/compile/index';
import { loadDefinitions } from '../../src/compile/load';
import { configFromProject, loadScenarios } from '../../src/simulate/scenario/load';
import { runScenario } from '../../src/simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../src/simulate/scenario/world';
import { REPO } from './generate';

export interface ScenarioPasses {
  scenarios: number;
  /** Milliseconds of each timed pass over every scenario. */
  ms: number[];
}

/** `runs` timed passes over the scenarios (of `filter`, when given) after `warmup` untimed ones; a scenario that fails stops the bench. */
export async function scenarioPasses(runs: number, warmup: number, filter?: string): Promise<ScenarioPasses> {
  const definitions = await loadDefinitions(REPO);
  const compiled = compile(definitions);
  if (compiled.problems.length > 0) throw new Error(`the definitions have ${compiled.problems.length} problem(s); run sesamflow validate`);
  const config = configFromProject(compiled.project);
  const factory = defaultWorldFactory(config, definitions);
  const scenarios = await loadScenarios(path.join(REPO, 'test', 'scenarios'), knownStores(factory), filter, 'test/scenarios');
  if (scenarios.length === 0) throw new Error(`no scenario in test/scenarios matches "${filter ?? ''}"`);
  const pass = () => {
    const t0 = performance.now();
    for (const s of scenarios) {
      const r = runScenario(s, config, factory);
      if (r.status === 'failed') throw new Error(`scenario ${r.file} failed: ${r.failure?.message ?? ''}`);
    }
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) pass();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(pass());
  return { scenarios: scenarios.length, ms };
}
