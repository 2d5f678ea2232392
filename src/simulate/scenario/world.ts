// The world a scenario runs in: the emulated systems of the definitions on the scenario's
// logical clock, and the REST side (sources and template transforms) that talks to them.
import type { Definitions } from '../../compile/index';
import { inputError } from '../../errors';
import { LogicalClock } from '../clock';
import { createEmulators } from '../emulators/index';
import type { EmulatedSystem } from '../emulators/types';
import type { RestSide, TemplateContext } from '../engine/rest-side';
import { collectRestTemplate, readRestSource, shareRestTemplate, type CollectContext, type ShareContext } from '../rest/index';
import type { RestWorld } from '../rest/operation';
import { FaultInjector } from './faults';
import type { KnownStores } from './parse';
import type { SimConfig, World, WorldFactory } from './run';

/** The REST side over emulated systems and the config's `system:rest` entities. */
export function restSide(systems: Map<string, EmulatedSystem>, config: SimConfig): RestSide {
  const configs = new Map(config.systems.map((s) => [String(s._id), s]));
  const world: RestWorld = {
    system: (id) => {
      const s = systems.get(id);
      if (!s) throw inputError(`system "${id}" is not emulated (emulated: ${[...systems.keys()].join(', ')})`);
      return s;
    },
    config: (id) => {
      const c = configs.get(id);
      if (!c) throw inputError(`system "${id}" is not in the config`);
      return c;
    },
  };
  // One collect/share context per pipe (template context), made once rather than per entity.
  const collectContexts = new WeakMap<TemplateContext, CollectContext>();
  const shareContexts = new WeakMap<TemplateContext, ShareContext>();
  const datasetOf = (ctx: TemplateContext) => (id: string) => ctx.dataset(id);
  return {
    readSource: (_pipeId, source, state) => {
      const result = readRestSource(source, world, state as { since?: string });
      if (result.since !== undefined) state.since = result.since;
      return result.entities;
    },
    collect: (properties, entities, ctx) => {
      let c = collectContexts.get(ctx);
      if (!c) collectContexts.set(ctx, (c = { world, dataset: datasetOf(ctx) }));
      return collectRestTemplate(properties, entities, c);
    },
    share: (properties, entity, ctx) => {
      let c = shareContexts.get(ctx);
      if (!c) shareContexts.set(ctx, (c = { world, dataset: datasetOf(ctx), dtlContext: ctx.dtl }));
      const out = shareRestTemplate(properties, entity, c);
      return out ? [out] : [];
    },
    // Asked twice for every pipe run: a plain loop.
    writes: () => {
      const out: Record<string, number> = {};
      for (const [id, s] of systems) out[id] = s.writes;
      return out;
    },
  };
}

/** Systems to emulate: the definitions' systems with their emulation specs. */
export type EmulatedDefinitions = Pick<Definitions, 'systems' | 'emulators'>;

/**
 * The default world for a config: the definitions' systems, emulated, behind the config's
 * `system:rest` entities; calls go through a fault injector (no faults until a scenario sets some).
 */
export function defaultWorldFactory(config: SimConfig, definitions: EmulatedDefinitions, options: { log?: boolean } = {}): WorldFactory {
  return (clock, seed) => {
    const emulated = createEmulators(definitions.systems, definitions.emulators ?? [], clock, { log: options.log ?? true });
    const faults = new FaultInjector(seed);
    const systems = new Map([...emulated].map(([id, s]) => [id, faults.wrap(s)] as const));
    return { systems: Object.fromEntries(emulated), rest: restSide(systems, config), faults };
  };
}

/** Store names per system, read off a world made on a throw-away clock. */
export function knownStores(factory: WorldFactory): KnownStores {
  const world: World = factory(new LogicalClock());
  return Object.fromEntries(Object.entries(world.systems).map(([id, s]) => [id, [...s.datatypes]]));
}
