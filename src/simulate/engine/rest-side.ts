// What the engine needs from the REST side (emulated systems, REST sources, the two template
// transforms), as one small interface so the engine can run and be tested without it.
import type { DatasetView, DtlContext, Entity } from '../../dtl/index';

/** What a template transform gets from the engine. */
export interface TemplateContext {
  readonly pipeId: string;
  /** Datasets, for the template's own hops (collect → share dataset, share → its own sink). */
  dataset(id: string): DatasetView | undefined;
  /** A DTL context for rewrite rules (same clock, uuids and datasets as the pipe's DTL). */
  readonly dtl: DtlContext;
}

export interface RestSide {
  /** Reads a `rest` source once; `state` is kept by the engine per pipe between runs (since values, ...). */
  readSource(pipeId: string, source: Record<string, unknown>, state: Record<string, unknown>): Entity[];
  /** `transform-collect-rest` over a batch of entities. */
  collect(properties: Record<string, unknown>, entities: Entity[], ctx: TemplateContext): Entity[];
  /** `transform-share-rest` for one entity: what goes to the sink (nothing, or the entity with the response). */
  share(properties: Record<string, unknown>, entity: Entity, ctx: TemplateContext): Entity[];
  /** Writes so far per system id (POST/PATCH/PUT/DELETE calls that changed something). */
  writes(): Record<string, number>;
}

/** A REST side with no systems: rest sources read nothing, templates fail (for pure dataset simulations). */
export const NO_REST: RestSide = {
  readSource: () => [],
  collect: (_p, entities) => entities,
  share: (_p, _e, ctx) => {
    throw new Error(`pipe ${ctx.pipeId}: transform-share-rest needs emulated systems`);
  },
  writes: () => ({}),
};
