// Emulated systems for the simulator: one generic in-memory REST API per system definition,
// answering like the real API and refusing what it refuses.
import type { EmulatorDefinition } from '../../model/emulator';
import type { SystemDefinition } from '../../model/system';
import type { LogicalClock } from '../clock';
import { RestEmulator } from './rest-emulator';
import type { EmulatedSystem, EmulatorOptions } from './types';

export { RestEmulator, parseUrl } from './rest-emulator';
export { applyJsonPatch, matchesSubset, parseJsonPatch, PatchError, type PatchOperation } from './common';
export type { EmulatedSystem, EmulatorOptions, HttpRequest, HttpResponse, JsonRecord, RequestLogEntry } from './types';

/** The systems of the definitions, sharing one clock, keyed by system id. */
export function createEmulators(
  systems: readonly SystemDefinition[],
  emulators: readonly EmulatorDefinition[],
  clock: LogicalClock,
  options: EmulatorOptions = {},
): Map<string, EmulatedSystem> {
  const specs = new Map(emulators.map((e) => [e.system, e]));
  return new Map<string, EmulatedSystem>(systems.map((s) => [s.id, new RestEmulator(s, specs.get(s.id), clock, options)]));
}
