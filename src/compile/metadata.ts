// Node metadata and the env profiles (`test-env.json`, `prod-env.json`).
import type { JsonObject, JsonValue } from '../sesam/project';
import type { SystemDefinition } from '../model/system';

export function nodeMetadata(): JsonObject {
  return {
    _id: 'node',
    type: 'metadata',
    // Every pipe names its namespaces explicitly (`<system>-<datatype>:`), so none are implied.
    namespaced_identifiers: false,
    global_defaults: {
      // The share pipes hop by `$ids` into the globals: index them everywhere.
      always_index_ids: true,
    },
  };
}

export const PROFILES = ['test', 'prod'] as const;
export type Profile = (typeof PROFILES)[number];

export function envProfiles(systems: readonly SystemDefinition[]): Record<Profile, Record<string, JsonValue>> {
  const out = {} as Record<Profile, Record<string, JsonValue>>;
  for (const profile of PROFILES) {
    const env: Record<string, JsonValue> = { 'node-env': profile };
    for (const s of systems) Object.assign(env, s.env[profile]);
    out[profile] = Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return out;
}
