// `<sys>-<dt>-all`: the REST list, incremental on the change timestamp, with a nightly full
// rescan to catch deletes and changes that do not move the timestamp.
import type { JsonObject } from '../../sesam/project';
import type { SideModel } from '../model';
import { operationId, pipeId } from '../names';

export const NIGHTLY_RESCAN = '0 2 * * ?';
export const POLL_SECONDS = 300;

export function allPipe(side: SideModel): JsonObject {
  return {
    _id: pipeId(side, 'all'),
    type: 'pipe',
    description: `All ${side.system.name} ${side.datatype.label} records, read incrementally since the last change.`,
    source: {
      type: 'rest',
      system: side.system.id,
      operation: operationId(side, 'list'),
      supports_since: true,
      is_since_comparable: true,
    },
    pump: { schedule_interval: POLL_SECONDS, rescan_cron_expression: NIGHTLY_RESCAN },
    add_namespaces: false,
    namespaced_identifiers: false,
  };
}
