// Same input, same bytes: generating twice gives identical files, and compiling never mutates
// the definitions it is given (they are deep-frozen here, so any write throws).
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index';
import { loadDefinitions } from '../../src/compile/load';
import { generate, generateFrom } from '../../src/generate';
import { REPO } from '../helpers/cli';

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const v of Object.values(value)) deepFreeze(v, seen);
    Object.freeze(value);
  }
  return value;
}

describe('idempotence', () => {
  it('generates the same bytes twice', async () => {
    const a = await generate(REPO);
    const b = await generate(REPO);
    expect(b.files).toEqual(a.files);
  });

  it('does not mutate the definitions', async () => {
    const definitions = await loadDefinitions(REPO);
    const before = JSON.stringify(definitions);
    const frozen = deepFreeze(definitions);
    const once = generateFrom(compile(frozen)).files;
    expect(JSON.stringify(definitions)).toBe(before);
    expect(generateFrom(compile(frozen)).files).toEqual(once);
  });

  it('does not depend on the order the dataflows are loaded in', async () => {
    const definitions = await loadDefinitions(REPO);
    const reversed = { systems: [...definitions.systems].reverse(), dataflows: [...definitions.dataflows].reverse() };
    const a = generateFrom(compile(definitions)).files.filter((f) => !f.path.startsWith('docs/'));
    const b = generateFrom(compile(reversed)).files.filter((f) => !f.path.startsWith('docs/'));
    expect(b.map((f) => f.path).sort()).toEqual(a.map((f) => f.path).sort());
    const byPath = new Map(a.map((f) => [f.path, f.content]));
    for (const f of b) if (f.path.startsWith('pipes/') || f.path.startsWith('systems/')) expect(f.content, f.path).toBe(byPath.get(f.path));
  });

  it('puts no timestamps or absolute paths into the output', async () => {
    const { files } = await generate(REPO);
    for (const f of files) {
      expect(f.content, f.path).not.toContain(REPO);
      expect(f.content, f.path).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    }
  });
});
