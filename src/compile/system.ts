// A system definition → its `system:rest` config entity with one operation set per datatype.

import type { JsonObject } from '../sesam/project';
import type { RestOperation, SystemDefinition } from '../model/system';

export function compileSystem(system: SystemDefinition): JsonObject {
  const operations: JsonObject = {};
  for (const datatype of Object.values(system.datatypes)) {
    for (const [kind, op] of Object.entries(datatype.operations) as [string, RestOperation][]) {
      operations[`${datatype.name}-${kind}`] = compileOperation(op);
    }
  }
  return {
    _id: system.id,
    type: 'system:rest',
    name: system.name,
    description: system.description,
    url_pattern: system.urlPattern,
    verify_ssl: system.verifySsl,
    ...(system.headers ? { headers: { ...system.headers } } : {}),
    ...(system.oauth2
      ? {
          oauth2: {
            client_id: system.oauth2.clientId,
            client_secret: system.oauth2.clientSecret,
            token_url: system.oauth2.tokenUrl,
            ...(system.oauth2.tokenHeaders ? { extra: { headers: { ...system.oauth2.tokenHeaders } } } : {}),
          },
        }
      : {}),
    ...(system.rateLimiting
      ? { rate_limiting_retries: system.rateLimiting.retries, rate_limiting_delay: system.rateLimiting.delaySeconds }
      : {}),
    operations,
  };
}

function compileOperation(op: RestOperation): JsonObject {
  // Sesam numbers pages from 0; the APIs count from 1.
  const paging = op.list ? { [op.list.pageParam]: '{{ page + 1 }}', [op.list.pageSizeParam]: String(op.list.pageSize) } : {};
  const params = { ...op.params, ...paging };
  return {
    method: op.method,
    url: op.url,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(op.headers ? { headers: { ...op.headers } } : {}),
    ...(op.method === 'POST' || op.method === 'PATCH' || op.method === 'PUT' ? { 'payload-type': 'json' } : {}),
    ...(op.list
      ? {
          page_size: op.list.pageSize,
          // Pages end with a short (or empty) page.
          next_page_termination_strategy: ['empty-result', 'not-full-page'],
          id_expression: op.list.idExpression,
          updated_expression: op.list.updatedExpression,
          since_property_name: op.list.sinceParam,
          since_property_location: 'query',
        }
      : {}),
  };
}
