// The `rest` source (incremental list operation) against an emulated system: pages with `page`
// = 0, 1, 2, … until the termination strategies say stop, passes `since` when the source supports
// it, and sets `_id` / `_updated` from the operation's id_expression / updated_expression.
import type { Entity } from '../../dtl';
import { parseOffsetDateTime } from '../clock';
import { CallFailure, RestCallError, callOperation, operationConfig, type JsonObject, type RestWorld } from './operation';
import { renderTemplate } from './template';

export interface RestSourceState {
  /** The since value stored from the previous run (the largest `_updated` seen). */
  since?: string;
}

export interface RestSourceOptions {
  /** A full rescan: no since parameter (the nightly rescan of the `-all` pipes). */
  full?: boolean;
  /** Safety bound on pages (default 100 000). */
  maxPages?: number;
}

export interface RestSourceResult {
  entities: Entity[];
  /** The new since: the largest `_updated` read, else the old one. */
  since?: string;
  /** Pages requested. */
  pages: number;
}

// Source-level settings that override the operation's (Sesam merges pipe-level over system-level).
const SOURCE_OVERRIDES = [
  'id_expression',
  'updated_expression',
  'since_property_name',
  'since_property_location',
  'page_size',
  'next_page_termination_strategy',
] as const;

const DEFAULT_TERMINATION = ['next-page-link-empty', 'same-next-page-request', 'same-response'];

/** Orders change times by instant when they parse, else as strings. */
function later(a: string, b: string): boolean {
  const ta = parseOffsetDateTime(a) ?? Date.parse(a);
  const tb = parseOffsetDateTime(b) ?? Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a > b : ta > tb;
}

export function readRestSource(
  source: JsonObject,
  world: RestWorld,
  state: RestSourceState = {},
  options: RestSourceOptions = {},
): RestSourceResult {
  const systemId = String(source.system);
  const operationId = String(source.operation ?? 'list');
  const op: JsonObject = { ...operationConfig(world, systemId, operationId) };
  for (const key of SOURCE_OVERRIDES) if (source[key] !== undefined) op[key] = source[key];

  const strategies = (op.next_page_termination_strategy as string[] | undefined) ?? DEFAULT_TERMINATION;
  const pageSize = typeof op.page_size === 'number' ? op.page_size : undefined;
  const useSince = source.supports_since === true && !options.full && state.since !== undefined && state.since !== '';
  const sinceName = String(op.since_property_name ?? 'since');
  const sinceLocation = String(op.since_property_location ?? 'query');
  const properties = (source.properties ?? {}) as JsonObject;

  const entities: Entity[] = [];
  let since = state.since;
  let newest: string | undefined;
  let page = 0;
  const maxPages = options.maxPages ?? 100_000;
  for (; page < maxPages; page++) {
    const vars = { properties, since: useSince ? state.since : '', page };
    const extra = useSince && sinceLocation === 'query' ? { params: { [sinceName]: state.since! } } : {};
    const extraHeaders = useSince && sinceLocation === 'header' ? { headers: { [sinceName]: state.since! } } : {};
    const res = callOperation(world, systemId, operationId, vars, undefined, { ...extra, ...extraHeaders });
    // A list call the node cannot use fails the pipe run; `since` stays, so the next run reads again.
    if (!res.allowed) throw new CallFailure(systemId, res.request.method, res.request.path, res.status, res.body);
    const records = res.body === undefined || res.body === null ? [] : Array.isArray(res.body) ? res.body : [res.body];
    for (const raw of records as Entity[]) {
      const entity: Entity = { ...raw };
      if (typeof op.id_expression === 'string') entity._id = renderTemplate(op.id_expression, raw);
      if (typeof entity._id !== 'string' || entity._id === '') {
        throw new RestCallError(`rest source ${systemId}/${operationId}: a record has no _id (id_expression ${JSON.stringify(op.id_expression ?? null)})`, res.status, raw);
      }
      if (typeof op.updated_expression === 'string') {
        const updated = renderTemplate(op.updated_expression, raw);
        if (updated !== '') {
          entity._updated = updated;
          if (newest === undefined || later(updated, newest)) newest = updated;
        }
      }
      entities.push(entity);
    }
    const emptyStop = strategies.includes('empty-result') && records.length === 0;
    const shortStop = strategies.includes('not-full-page') && pageSize !== undefined && records.length < pageSize;
    // Without a usable strategy (no next_page_link in these configs) one page is all there is.
    const canPage = strategies.includes('empty-result') || (strategies.includes('not-full-page') && pageSize !== undefined);
    if (emptyStop || shortStop || !canPage || records.length === 0) {
      page++;
      break;
    }
  }
  if (newest !== undefined && (since === undefined || options.full || later(newest, since))) since = newest;
  return { entities, ...(since === undefined ? {} : { since }), pages: page };
}
