// `transform-share-rest` (datanav/docs configuration-transforms-template.rst), as the simulator
// runs it. For one entity of a `-share` pipe it decides and makes the API call, and returns the
// entity the share sink dataset receives (undefined: nothing is written).
//
// - `_deleted: true` → no call, undefined (deletes are never propagated).
// - Insert (no primary key value): skipped (undefined) when the share dataset already holds this
//   `_id` with a `$generated_id` (no double insert while collect catches up). Payload: `$payload`
//   of the `rewrite_insert_payload` rule (from `rewrite_rules_payload`, run with
//   `_S = {"$source": entity}`), else the entity's own `$payload`, else the entity without its
//   `_*`/`$*` keys. Jinja sees `entity` = the entity plus `"$source": entity`. Success →
//   `{_id, $origin: entity.$origin ?? entity._id, $generated_id: String(response[primary_key]),
//   $ids, response}`: collect joins `$generated_id` back to `$origin`.
// - Update (primary key set): lookup of the current record; optimistic locking compares it with
//   `$based_on` on `$based_on_properties` (all of `$based_on` when there is no list): scalars
//   equal (null = missing), a dict matches when each of its keys matches the current value's,
//   a list when the lengths agree and each element matches a distinct current element in any
//   order. A mismatch is "modified-in-system": no write (unless
//   `$unsafe_skip_optimistic_locking`), `{_id, sesam_status: "modified-in-system"}`. Otherwise
//   the payload comes from `rewrite_update_payload` (same fallbacks); an empty one ({}, [], null)
//   means nothing changed: no call, undefined. Success → `{_id, response}`.
// - A failed call (a refusal, a 5xx, a timeout) fails the pipe at this entity (CallFailure): the
//   entity is not done and is retried on the next run, as on a node. A lookup that answers 404
//   (the record is gone from the system: deletes are not propagated) →
//   `{_id, sesam_status: "gone"}`, no write. Counted in `stats` when given.
// Not emulated: operation_delete, rewrite_rules_lookup / _mutation, client_side_patching.
import { compileDtl, type CompiledDtl, type DatasetView, type DtlContext, type Entity } from '../../dtl';
import { primaryKeyValue } from './collect';
import { CallFailure, RestCallError, callOperation, type JsonObject, type RestWorld } from './operation';
import { entityWithSource } from './template';

export interface ShareStats {
  inserted: number;
  updated: number;
  /** Updates with an empty payload: nothing to write. */
  unchanged: number;
  /** Inserts already done (share dataset has the `$generated_id`) and deleted entities. */
  skipped: number;
  modifiedInSystem: number;
  failed: number;
}

export const emptyShareStats = (): ShareStats => ({ inserted: 0, updated: 0, unchanged: 0, skipped: 0, modifiedInSystem: 0, failed: 0 });

export interface ShareContext {
  world: RestWorld;
  dataset(id: string): DatasetView | undefined;
  /** Compiles a DTL `rules` object (with `default`); defaults to compileDtl. */
  compileRules?(rules: Record<string, unknown>): CompiledDtl;
  dtlContext: DtlContext;
  stats?: ShareStats;
}

type RewriteKind = 'rewrite_insert_payload' | 'rewrite_update_payload';
const compiledRewrites = new WeakMap<object, Map<RewriteKind, CompiledDtl | null>>();

function rewriteRule(properties: JsonObject, kind: RewriteKind, ctx: ShareContext): CompiledDtl | null {
  let perProperties = compiledRewrites.get(properties);
  if (!perProperties) compiledRewrites.set(properties, (perProperties = new Map()));
  let compiled = perProperties.get(kind);
  if (compiled === undefined) {
    const rules = properties.rewrite_rules_payload as Record<string, unknown> | undefined;
    const body = rules?.[kind];
    if (!Array.isArray(body)) compiled = null;
    else {
      // The named rule becomes the root; a constant _id lets the target through the DTL sink rules.
      const asRoot = { ...rules, default: [['add', '_id', 'payload'], ...body] };
      compiled = ctx.compileRules ? ctx.compileRules(asRoot) : compileDtl({ rules: asRoot });
    }
    perProperties.set(kind, compiled);
  }
  return compiled;
}

/** The payload for the call, or `skip` when the rewrite rule filtered or discarded the entity. */
function payloadFor(properties: JsonObject, kind: RewriteKind, entity: Entity, ctx: ShareContext): unknown {
  const rule = rewriteRule(properties, kind, ctx);
  if (rule) {
    const [target] = rule.run({ $source: entity }, ctx.dtlContext);
    if (!target || target._filtered === true) return SKIP;
    if ('$payload' in target) return target.$payload;
  }
  if ('$payload' in entity) return entity.$payload;
  return Object.fromEntries(Object.entries(entity).filter(([k]) => !k.startsWith('_') && !k.startsWith('$')));
}

const SKIP = Symbol('skip');

const isEmptyPayload = (p: unknown) =>
  p === null || p === undefined || (Array.isArray(p) && p.length === 0) || (typeof p === 'object' && !Array.isArray(p) && Object.keys(p as object).length === 0);

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The optimistic-locking equality: `expected` comes from `$based_on`, `actual` from the lookup. */
export function basedOnMatches(expected: unknown, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    // Each expected element needs its own actual element: bipartite matching (augmenting paths).
    const owner: (number | undefined)[] = new Array(actual.length).fill(undefined);
    const assign = (i: number, seen: boolean[]): boolean => {
      for (let j = 0; j < actual.length; j++) {
        if (seen[j] || !basedOnMatches(expected[i], actual[j])) continue;
        seen[j] = true;
        if (owner[j] === undefined || assign(owner[j]!, seen)) {
          owner[j] = i;
          return true;
        }
      }
      return false;
    };
    return expected.every((_, i) => assign(i, new Array(actual.length).fill(false)));
  }
  if (isDict(expected)) {
    if (!isDict(actual)) return false;
    for (const k of Object.keys(expected)) if (!basedOnMatches(expected[k], actual[k])) return false;
    return true;
  }
  return expected === actual;
}

function atPath(value: unknown, path: string): unknown {
  // Top-level names (the usual $based_on_properties) need no split.
  if (!path.includes('.')) return isDict(value) ? value[path] : undefined;
  let v = value;
  for (const key of path.split('.')) v = isDict(v) ? v[key] : undefined;
  return v;
}

/** True when the current record still is what `$based_on` says (or there is nothing to compare). */
export function optimisticLockHolds(entity: Entity, current: unknown): boolean {
  const basedOn = entity.$based_on;
  if (!isDict(basedOn)) return true;
  const props = Array.isArray(entity.$based_on_properties) ? (entity.$based_on_properties as string[]) : Object.keys(basedOn);
  for (const p of props) if (!basedOnMatches(atPath(basedOn, p), atPath(current, p))) return false;
  return true;
}

/** A refused call fails the pipe at this entity (retried on its next run). */
function failed(res: { status: number; body?: unknown; request: { method: string; path: string } }, system: string, ctx: ShareContext): never {
  if (ctx.stats) ctx.stats.failed++;
  throw new CallFailure(system, res.request.method, res.request.path, res.status, res.body);
}

interface CallSettings {
  system: string;
  op: string;
  options: { allowedStatusCodes: string };
  properties: unknown;
}
// The template properties are read once per pipe and kind of call, not per entity.
const callSettings = new WeakMap<object, Partial<Record<'lookup' | 'insert' | 'update', CallSettings>>>();

function settingsFor(properties: JsonObject, which: 'lookup' | 'insert' | 'update'): CallSettings {
  let perProperties = callSettings.get(properties);
  if (!perProperties) callSettings.set(properties, (perProperties = {}));
  let s = perProperties[which];
  if (!s) {
    s = {
      system: String(properties.rest_system),
      op: String(properties[`operation_${which}`] ?? which),
      options: { allowedStatusCodes: String(properties[`${which}_allowed_status_codes`] ?? '100-599') },
      properties: properties[`operation_${which}_properties`] ?? {},
    };
    perProperties[which] = s;
  }
  return s;
}

function call(properties: JsonObject, ctx: ShareContext, which: 'lookup' | 'insert' | 'update', entity: Entity, body?: unknown) {
  const { system, op, options, properties: opProperties } = settingsFor(properties, which);
  const allowed = options.allowedStatusCodes;
  const res = callOperation(ctx.world, system, op, { entity: entityWithSource(entity), properties: opProperties }, body, options);
  // Restricting the allowed codes makes the pipe fail on the others (as in Sesam).
  if (!res.allowed) throw new RestCallError(`${op} on ${system} answered ${res.status} (allowed ${allowed}): ${JSON.stringify(res.body ?? null)}`, res.status, res.body);
  return res;
}

const succeeded = (status: number) => status >= 200 && status < 300;

export function shareRestTemplate(properties: JsonObject, entity: Entity, ctx: ShareContext): Entity | undefined {
  const stats = ctx.stats;
  if (entity._deleted === true) {
    if (stats) stats.skipped++;
    return undefined;
  }
  const key = primaryKeyValue(entity, properties.primary_key);

  if (key === undefined) {
    const share = typeof properties.share_dataset === 'string' ? ctx.dataset(properties.share_dataset) : undefined;
    const previous = share?.get(String(entity._id));
    if (previous && previous._deleted !== true && previous.$generated_id !== undefined && previous.$generated_id !== null) {
      if (stats) stats.skipped++;
      return undefined;
    }
    const payload = payloadFor(properties, 'rewrite_insert_payload', entity, ctx);
    if (payload === SKIP) {
      if (stats) stats.skipped++;
      return undefined;
    }
    const res = call(properties, ctx, 'insert', entity, payload);
    if (!succeeded(res.status)) failed(res, String(properties.rest_system), ctx);
    if (stats) stats.inserted++;
    const response = isDict(res.body) ? res.body : {};
    const generated = primaryKeyValue(response, properties.primary_key);
    return {
      _id: entity._id,
      $origin: entity.$origin ?? entity._id,
      ...(generated === undefined ? {} : { $generated_id: generated }),
      ...(entity.$ids === undefined ? {} : { $ids: entity.$ids }),
      response: res.body ?? null,
    };
  }

  const lookup = call(properties, ctx, 'lookup', entity);
  if (lookup.status === 404) {
    if (stats) stats.skipped++;
    return { _id: entity._id, sesam_status: 'gone' };
  }
  if (!succeeded(lookup.status)) failed(lookup, String(properties.rest_system), ctx);
  if (!optimisticLockHolds(entity, lookup.body) && entity.$unsafe_skip_optimistic_locking !== true) {
    if (stats) stats.modifiedInSystem++;
    return { _id: entity._id, sesam_status: 'modified-in-system' };
  }
  const payload = payloadFor(properties, 'rewrite_update_payload', entity, ctx);
  if (payload === SKIP || isEmptyPayload(payload)) {
    if (stats) stats.unchanged++;
    return undefined;
  }
  const res = call(properties, ctx, 'update', entity, payload);
  if (!succeeded(res.status)) failed(res, String(properties.rest_system), ctx);
  if (stats) stats.updated++;
  return { _id: entity._id, response: res.body ?? null };
}
