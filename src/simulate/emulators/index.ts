// Emulated systems for the simulator (DESIGN §7): in-memory stores per system and datatype that
// answer like the real APIs and refuse what they refuse.
import type { LogicalClock } from '../clock';
import { CrmEmulator } from './crm';
import { PowerOfficeEmulator, type PowerOfficeEmulatorOptions } from './poweroffice';
import type { EmulatedSystem, EmulatorOptions } from './types';

export { CrmEmulator, CRM_DATATYPES } from './crm';
export { PowerOfficeEmulator, POWEROFFICE_DATATYPES, type PowerOfficeEmulatorOptions } from './poweroffice';
export { applyJsonPatch, matchesSubset, parseJsonPatch, PatchError, type PatchOperation } from './common';
export type { EmulatedSystem, EmulatorOptions, HttpRequest, HttpResponse, JsonRecord, RequestLogEntry } from './types';

/** The two systems of the integration, sharing one clock, keyed by system id. */
export function createEmulators(
  clock: LogicalClock,
  options: EmulatorOptions & Pick<PowerOfficeEmulatorOptions, 'lockConfirmedOrders'> = {},
): Map<string, EmulatedSystem> {
  const crm = new CrmEmulator(clock, options);
  const po = new PowerOfficeEmulator(clock, options);
  return new Map<string, EmulatedSystem>([
    [crm.id, crm],
    [po.id, po],
  ]);
}
