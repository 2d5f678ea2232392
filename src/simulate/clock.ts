// The simulator's logical clock: runs are deterministic because every change time
// comes from here, never from the wall clock. It starts one second after the newest timestamp
// in the scenario's `given` records, so anything the simulation writes or edits is newer than
// every given record.
import { inputError } from '../errors';

/** 2030-01-01T00:00:00Z: the start when the given records hold no timestamp. */
export const DEFAULT_CLOCK_START = '2030-01-01T00:00:00Z';

// ISO 8601 date-time with seconds optional, fraction optional, and a mandatory offset.
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** The instant of `value` when it is an ISO 8601 date-time with an offset, else undefined. */
export function parseOffsetDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DATE_TIME_WITH_OFFSET.test(value)) return undefined;
  // Date.parse wants "+01:00", not "+0100".
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(' ', 'T');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO 8601 in UTC with a `+00:00` offset; milliseconds only when the instant has some. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2030-01-01T00:00:00.000Z
  const withoutZ = iso.slice(0, -1);
  const trimmed = withoutZ.endsWith('.000') ? withoutZ.slice(0, -4) : withoutZ;
  return `${trimmed}+00:00`;
}

function latestTimestamp(value: unknown, latest: number | undefined): number | undefined {
  if (typeof value === 'string') {
    const ms = parseOffsetDateTime(value);
    return ms !== undefined && (latest === undefined || ms > latest) ? ms : latest;
  }
  if (Array.isArray(value)) {
    for (const v of value) latest = latestTimestamp(v, latest);
    return latest;
  }
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) latest = latestTimestamp(v, latest);
  }
  return latest;
}

export class LogicalClock {
  private ms: number;

  constructor(start: string | Date = DEFAULT_CLOCK_START) {
    const ms = start instanceof Date ? start.getTime() : parseOffsetDateTime(start) ?? Date.parse(start);
    if (Number.isNaN(ms)) throw inputError(`invalid clock start ${JSON.stringify(String(start))}: expected an ISO 8601 date-time`);
    this.ms = ms;
  }

  /** Starts one second after the latest date-time (with offset) found at any depth, or at 2030-01-01T00:00:00Z. */
  static forScenario(givenRecords: unknown[]): LogicalClock {
    const latest = latestTimestamp(givenRecords, undefined);
    return new LogicalClock(latest === undefined ? DEFAULT_CLOCK_START : new Date(latest + 1000));
  }

  /** The current instant. */
  now(): Date {
    return new Date(this.ms);
  }

  /** Advances one second and returns the new instant. */
  tick(): Date {
    this.ms += 1000;
    return new Date(this.ms);
  }

  /** The current instant as ISO 8601 with `+00:00` (e.g. `2030-01-01T00:00:00+00:00`). */
  iso(): string {
    return formatInstant(this.ms);
  }

  /**
   * The change time for one write: the current instant, then the clock advances one second so
   * the next write is strictly newer. Emulators stamp records with this.
   */
  stamp(): string {
    const at = this.iso();
    this.ms += 1000;
    return at;
  }
}
