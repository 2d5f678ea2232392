import { LogicalClock } from '../../../src/simulate/clock';
import { RestEmulator, type EmulatedSystem, type EmulatorOptions, type HttpResponse } from '../../../src/simulate/emulators';
import { customcrm } from '../../../systems/customcrm';
import crmEmulation from '../../../systems/customcrm/emulator';
import { poweroffice } from '../../../systems/poweroffice';
import poEmulation from '../../../systems/poweroffice/emulator';

export const START = '2026-01-01T10:00:00+00:00';
export const newClock = () => new LogicalClock(START);

export const call = (system: EmulatedSystem, method: string, path: string, body?: unknown, query: Record<string, string> = {}): HttpResponse =>
  system.handle({ method, path, query, headers: {}, ...(body === undefined ? {} : { body }) });

export const bodyOf = (r: HttpResponse) => r.body as Record<string, unknown>;

/** The emulated systems of this integration, on a fresh clock. */
export const crmEmulator = (options: EmulatorOptions = {}) => new RestEmulator(customcrm, crmEmulation, newClock(), options);
export const poEmulator = (options: EmulatorOptions = {}) => new RestEmulator(poweroffice, poEmulation, newClock(), options);
