// `transform-collect-rest` (datanav/docs configuration-transforms-template.rst): optionally
// replaces each entity by the lookup operation's answer for it (the "source with parameterized
// input" pattern, e.g. PowerOffice sales orders looked up at /Complete to get their lines), then
// hops to the share dataset: the share entity whose `$generated_id` equals the entity's primary
// key gives the entity its `$origin` — how a record we inserted links back to where it came from.
import type { DatasetView, Entity } from '../../dtl';
import { callOperation, type JsonObject, type RestWorld } from './operation';
import { entityWithSource } from './template';

export interface CollectContext {
  world: RestWorld;
  dataset(id: string): DatasetView | undefined;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The primary key value as text (a list key joins its parts with ":"), or undefined when unset. */
export function primaryKeyValue(entity: Entity, primaryKey: unknown): string | undefined {
  const keys = Array.isArray(primaryKey) ? (primaryKey as string[]) : [String(primaryKey)];
  const values = keys.map((k) => entity[k]);
  return values.every(present) ? values.map((v) => String(v)).join(':') : undefined;
}

export function collectRestTemplate(properties: JsonObject, entities: readonly Entity[], ctx: CollectContext): Entity[] {
  const system = String(properties.rest_system);
  const lookupOp = typeof properties.operation_lookup === 'string' ? properties.operation_lookup : undefined;
  const originalProperty = typeof properties.original_property === 'string' ? properties.original_property : undefined;
  const share = typeof properties.share_dataset === 'string' ? ctx.dataset(properties.share_dataset) : undefined;

  return entities.map((entity) => {
    let out: Entity = entity;
    if (lookupOp && entity._deleted !== true) {
      const res = callOperation(
        ctx.world,
        system,
        lookupOp,
        { entity: entityWithSource(entity), properties: properties.operation_lookup_properties ?? {} },
        undefined,
        { allowedStatusCodes: '100-599' },
      );
      // A record that cannot be looked up (e.g. gone since it was listed) stays as listed.
      if (res.status >= 200 && res.status < 300 && res.body !== null && typeof res.body === 'object' && !Array.isArray(res.body)) {
        const internals = Object.fromEntries(Object.entries(entity).filter(([k]) => k.startsWith('_')));
        out = { ...(res.body as Entity), ...internals };
      }
    }
    if (originalProperty) out = { ...out, [originalProperty]: entity };
    const key = primaryKeyValue(out, properties.primary_key);
    if (share && key !== undefined) {
      const link = share.lookup('$generated_id', key).find((s) => s._deleted !== true && s.$origin !== undefined && s.$origin !== null);
      if (link) out = { ...out, $origin: link.$origin };
    }
    return out;
  });
}
