import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { keptScenarioPath, parseScenarioCached } from '../../../src/simulate/scenario/cache';
import { parseScenario } from '../../../src/simulate/scenario/parse';
import { defaultWorldFactory, knownStores } from '../../../src/simulate/scenario/world';
import { definitions } from '../../helpers/systems';
import { REPO, removeTempDirs, runCli, tempDir } from '../../helpers/cli';

const DIR = path.join(REPO, 'test/scenarios');
const stores = { customcrm: ['customer', 'contact'], poweroffice: ['customers'] };
const GOOD = 'name: kept\nsteps:\n  - given:\n      customcrm:\n        customer:\n          - {id: cu-1, n: .inf, m: .nan, z: -0.0}\n  - sync: {}\n';

const failure = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return { message: (error as Error).message, kind: (error as { kind?: string }).kind };
  }
  throw new Error('expected a parse error');
};

describe('kept scenario parses', () => {
  afterAll(removeTempDirs);

  it('give what a fresh parse gives, for every scenario of test/scenarios', async () => {
    const known = knownStores(defaultWorldFactory({ pipes: [], systems: [], env: {} }, definitions));
    const names = readdirSync(DIR).filter((n) => n.endsWith('.yaml'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const text = readFileSync(path.join(DIR, name), 'utf8');
      const file = `test/scenarios/${name}`;
      const fresh = parseScenario(text, file, known);
      await parseScenarioCached(text, file, known);
      expect(existsSync(keptScenarioPath(text, file, known)!), name).toBe(true);
      expect(await parseScenarioCached(text, file, known), name).toEqual(fresh);
    }
  });

  it('keep values JSON cannot hold (infinity, not-a-number, negative zero) and the shown file name', async () => {
    const first = await parseScenarioCached(GOOD, 'a/kept.yaml', stores);
    const again = await parseScenarioCached(GOOD, 'a/kept.yaml', stores);
    expect(again).toEqual(first);
    const given = again.steps[0]!;
    const record = given.kind === 'given' ? given.records.customcrm!.customer![0]! : {};
    expect(record.n).toBe(Infinity);
    expect(record.m).toBeNaN();
    expect(Object.is(record.z, -0)).toBe(true);
    expect((await parseScenarioCached(GOOD, 'b/kept.yaml', stores)).file).toBe('b/kept.yaml');
  });

  it('parse a damaged kept file again', async () => {
    const text = GOOD.replace('kept', 'damaged');
    await parseScenarioCached(text, 'damaged.yaml', stores);
    const kept = keptScenarioPath(text, 'damaged.yaml', stores)!;
    writeFileSync(kept, 'not a serialised scenario');
    expect(await parseScenarioCached(text, 'damaged.yaml', stores)).toEqual(parseScenario(text, 'damaged.yaml', stores));
    expect(readFileSync(kept, 'utf8')).not.toBe('not a serialised scenario');
  });

  it('never keep an error: an edited file gives the same error, line and column as a fresh parse', async () => {
    await parseScenarioCached(GOOD, 'edited.yaml', stores);
    for (const bad of [
      GOOD.replace('  - sync: {}\n', '  - sync: {\n'),
      GOOD.replace('  - sync: {}\n', '  - teleport: {}\n'),
      GOOD.replace('customer:', 'invoice:'),
      `${GOOD}${'  '.repeat(201)}x: 1\n`,
    ]) {
      const fresh = await failure(() => parseScenario(bad, 'edited.yaml', stores));
      expect(fresh.message).toMatch(/edited\.yaml: (step \d \(\w+\): )?line \d+/);
      expect(await failure(() => parseScenarioCached(bad, 'edited.yaml', stores))).toEqual(fresh);
      expect(await failure(() => parseScenarioCached(bad, 'edited.yaml', stores))).toEqual(fresh);
      expect(existsSync(keptScenarioPath(bad, 'edited.yaml', stores)!)).toBe(false);
    }
  });

  it('sesamflow test: a scenario edited after a run is checked again (exit 2 with file, step and line)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'a.yaml');
    await writeFile(file, 'name: a\nsteps:\n  - sync: {}\n');
    const ok = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(ok.code).toBe(0);
    await writeFile(file, 'name: a\nsteps:\n  - sync: {}\n  - teleport: {}\n');
    const bad = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${file}: step 2 (teleport): line 4: unknown step kind "teleport"`);
    await writeFile(file, 'name: a\nsteps:\n  - sync: {\n');
    const yaml = await runCli(['test', '--scenarios', dir, '--config', 'generated']);
    expect(yaml.code).toBe(2);
    expect(yaml.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line \\d+: invalid YAML`));
  });
});
