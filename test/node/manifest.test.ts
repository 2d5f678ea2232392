import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDefinitionMap } from '../../src/node/manifest';
import { cleanupTemp, tempDir } from './helpers';

afterEach(cleanupTemp);

describe('readDefinitionMap', () => {
  it('reads the writer manifest (origins: _id → definition)', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.sesamflow-manifest.json'), JSON.stringify({ files: ['pipes/a.conf.json'], origins: { a: 'pipes/flow.ts', n: 42 } }));
    const map = readDefinitionMap(dir);
    expect([...map.byId]).toEqual([['a', 'pipes/flow.ts']]);
  });
  it('tolerates other shapes: path/definition records and path → definition maps', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, '.sesamflow-manifest.json'),
      JSON.stringify({ entries: [{ path: 'pipes/a.conf.json', definition: 'pipes/a.ts' }], map: { 'systems/s.conf.json': 'systems/s/index.ts' } }),
    );
    expect(Object.fromEntries(readDefinitionMap(dir).byPath)).toEqual({ 'pipes/a.conf.json': 'pipes/a.ts', 'systems/s.conf.json': 'systems/s/index.ts' });
  });
  it('is empty without a manifest or with broken JSON', () => {
    const dir = tempDir();
    expect(readDefinitionMap(dir).byId.size).toBe(0);
    writeFileSync(path.join(dir, '.sesamflow-manifest.json'), '{');
    expect(readDefinitionMap(dir).byPath.size).toBe(0);
  });
});
