// Every scenario of test/scenarios/ against the generated config: passes, or is pending with a
// reason (a generator bug written down in notes/GENERATOR-BUGS.md).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromFolder, loadScenarios } from '../../../src/simulate/scenario/load';
import { runScenario, type SimConfig } from '../../../src/simulate/scenario/run';
import { defaultWorldFactory, knownStores } from '../../../src/simulate/scenario/world';
import { REPO } from '../../helpers/cli';
import { definitions } from '../../helpers/systems';

const DIR = path.join(REPO, 'test/scenarios');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

describe('test/scenarios against generated/', () => {
  let config: SimConfig;
  beforeAll(async () => {
    config = await configFromFolder(path.join(REPO, 'generated'));
  });

  it('covers all four dataflows in both directions', () => {
    for (const flow of ['contact', 'customer', 'order', 'product']) {
      expect(files).toContain(`${flow}-crm-to-poweroffice.yaml`);
      expect(files).toContain(`${flow}-poweroffice-to-crm.yaml`);
    }
  });

  it.each(files)('%s', async (file) => {
    const factory = defaultWorldFactory(config, definitions);
    const [scenario] = await loadScenarios(DIR, knownStores(factory), file);
    const result = runScenario(scenario!, config, factory);
    if (result.status === 'pending') expect(result.reason).toMatch(/GENERATOR-BUGS\.md #\d+/);
    else expect(result.failure ? `step ${result.failure.step} (${result.failure.kind}): ${result.failure.message}\n${result.failure.details.join('\n')}` : 'passed').toBe('passed');
  });
});
