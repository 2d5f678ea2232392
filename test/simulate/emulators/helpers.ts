import { LogicalClock } from '../../../src/simulate/clock';
import type { EmulatedSystem, HttpResponse } from '../../../src/simulate/emulators';

export const START = '2026-01-01T10:00:00+00:00';
export const newClock = () => new LogicalClock(START);

export const call = (system: EmulatedSystem, method: string, path: string, body?: unknown, query: Record<string, string> = {}): HttpResponse =>
  system.handle({ method, path, query, headers: {}, ...(body === undefined ? {} : { body }) });

export const bodyOf = (r: HttpResponse) => r.body as Record<string, unknown>;
