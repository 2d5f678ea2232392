// A RestWorld over the generated system configs and fresh emulators, plus small dataset stubs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryDataset, type DatasetView, type Entity } from '../../../src/dtl';
import { LogicalClock } from '../../../src/simulate/clock';
import { createEmulators, type EmulatedSystem } from '../../../src/simulate/emulators';
import { definitions } from '../../helpers/systems';
import type { JsonObject, RestWorld } from '../../../src/simulate/rest';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const readGenerated = (rel: string): JsonObject => JSON.parse(readFileSync(path.join(repoRoot, 'generated', rel), 'utf8')) as JsonObject;

export const systemConfig = (id: string) => readGenerated(`systems/${id}.conf.json`);
export const pipeConfig = (id: string) => readGenerated(`pipes/${id}.conf.json`);
/** The template transform's properties of a collect or share pipe. */
export const templateProperties = (pipeId: string): JsonObject => {
  const t = pipeConfig(pipeId).transform;
  const list = (Array.isArray(t) ? t : [t]) as JsonObject[];
  return list.find((x) => x.type === 'template')!.properties as JsonObject;
};

export interface TestWorld extends RestWorld {
  crm: EmulatedSystem;
  po: EmulatedSystem;
  clock: LogicalClock;
}

export function makeWorld(start = '2026-01-01T10:00:00+00:00'): TestWorld {
  const clock = new LogicalClock(start);
  const systems = createEmulators(definitions.systems, definitions.emulators ?? [], clock, { log: true });
  const configs = new Map(['customcrm', 'poweroffice'].map((id) => [id, systemConfig(id)]));
  return {
    clock,
    crm: systems.get('customcrm')!,
    po: systems.get('poweroffice')!,
    system: (id) => {
      const s = systems.get(id);
      if (!s) throw new Error(`no system ${id}`);
      return s;
    },
    config: (id) => {
      const c = configs.get(id);
      if (!c) throw new Error(`no config ${id}`);
      return c;
    },
  };
}

/** Dataset views for template hops: the given ones, every other dataset empty. */
export const datasets = (byId: Record<string, Entity[]>) => {
  const views = new Map(Object.entries(byId).map(([id, es]) => [id, new MemoryDataset(es) as DatasetView]));
  return (id: string) => views.get(id) ?? new MemoryDataset([]);
};
