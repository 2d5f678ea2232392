// Datetimes for DTL: nanoseconds since the Unix epoch as a bigint (Sesam keeps ns precision),
// the "~t…" transit form at the edges, strptime/strftime-style parsing and formatting with
// IANA time zones via Intl.

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

export const DATEPART_NS: Record<string, bigint> = {
  week: 7n * 86_400n * NS_PER_S,
  day: 86_400n * NS_PER_S,
  hour: 3_600n * NS_PER_S,
  minute: 60n * NS_PER_S,
  second: NS_PER_S,
  millisecond: NS_PER_MS,
  microsecond: 1_000n,
  nanosecond: 1n,
};

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
};

export interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number; // 0..999_999_999
}

export function toCivil(ns: bigint): Civil {
  const ms = floorDiv(ns, NS_PER_MS);
  const subMs = Number(ns - ms * NS_PER_MS);
  const d = new Date(Number(ms));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanos: d.getUTCMilliseconds() * 1_000_000 + subMs,
  };
}

export function fromCivil(c: Civil): bigint {
  const d = new Date(0);
  d.setUTCFullYear(c.year, c.month - 1, c.day);
  d.setUTCHours(c.hour, c.minute, c.second, 0);
  return BigInt(d.getTime()) * NS_PER_MS + BigInt(c.nanos);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "~t2015-07-28T09:46:00.12345Z": fraction without trailing zeros, none when whole seconds. */
export function formatTransitDatetime(ns: bigint): string {
  const c = toCivil(ns);
  const frac = c.nanos > 0 ? `.${pad(c.nanos, 9).replace(/0+$/, '')}` : '';
  const year = c.year < 0 ? `-${pad(-c.year, 4)}` : pad(c.year, 4);
  return `~t${year}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}${frac}Z`;
}

const TRANSIT_RE = /^~t(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z)?$/;
const transitCache = new Map<string, bigint | undefined>();

/** Parses a "~t…" datetime (or date) string; undefined when it is not one. */
export function parseTransitDatetime(s: string): bigint | undefined {
  const cached = transitCache.get(s);
  if (cached !== undefined || transitCache.has(s)) return cached;
  const m = TRANSIT_RE.exec(s);
  const result = m
    ? fromCivil({
        year: Number(m[1]),
        month: Number(m[2]),
        day: Number(m[3]),
        hour: Number(m[4] ?? 0),
        minute: Number(m[5] ?? 0),
        second: Number(m[6] ?? 0),
        nanos: Number((m[7] ?? '').padEnd(9, '0')),
      })
    : undefined;
  if (transitCache.size > 10_000) transitCache.clear();
  transitCache.set(s, result);
  return result;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses ISO 8601 text as the `datetime` function accepts it (no zone = UTC). */
export function parseIsoDatetime(s: string): bigint | undefined {
  const m = ISO_RE.exec(s.trim());
  if (!m) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  let ns = fromCivil({
    year: Number(m[1]),
    month,
    day,
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    nanos: Number((m[7] ?? '').padEnd(9, '0')),
  });
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') ns -= BigInt(parseOffsetMinutes(zone)) * 60n * NS_PER_S;
  return ns;
}

function parseOffsetMinutes(z: string): number {
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

// ---- time zones ----

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when Intl knows the zone name. */
export function isKnownZone(tz: string): boolean {
  try {
    zoneFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC in ms at the instant `utcMs`. */
export function zoneOffsetMs(tz: string, utcMs: number): number {
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'Z') return 0;
  const parts = zoneFormatter(tz).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const truncated = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return wall - truncated;
}

/** UTC instant (ns) of a wall-clock time (expressed as if UTC) in zone `tz`. */
export function wallToUtc(wallNs: bigint, tz: string): bigint {
  const wallMs = Number(floorDiv(wallNs, NS_PER_MS));
  let guess = wallMs - zoneOffsetMs(tz, wallMs);
  guess = wallMs - zoneOffsetMs(tz, guess);
  return wallNs - BigInt(wallMs - guess) * NS_PER_MS;
}

/** Wall-clock time (expressed as if UTC) in zone `tz` of a UTC instant. */
export function utcToWall(ns: bigint, tz: string): bigint {
  const ms = Number(floorDiv(ns, NS_PER_MS));
  return ns + BigInt(zoneOffsetMs(tz, ms)) * NS_PER_MS;
}

// ---- strptime / strftime ----

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

interface Parser {
  re: RegExp;
  fields: string[];
}
const parserCache = new Map<string, Parser>();

function compileFormat(format: string): Parser {
  const cached = parserCache.get(format);
  if (cached) return cached;
  let src = '^';
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i === format.length - 1) {
      src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const t = format[++i]!;
    const group = (re: string) => {
      src += `(${re})`;
      fields.push(t);
    };
    switch (t) {
      case 'd':
      case 'm':
      case 'H':
      case 'I':
      case 'M':
      case 'S':
      case 'y':
        group('\\d{1,2}');
        break;
      case 'e':
        group(' ?\\d{1,2}');
        break;
      case 'Y':
        group('\\d{4}');
        break;
      case 'f':
        group('\\d{1,6}');
        break;
      case 'j':
        group('\\d{1,3}');
        break;
      case 'p':
        group('[AaPp][Mm]');
        break;
      case 'z':
        group('Z|[+-]\\d{2}:?\\d{2}');
        break;
      case 'b':
      case 'B':
        group('[A-Za-z]{3,9}');
        break;
      case 'a':
      case 'A':
        group('[A-Za-z]{3,9}');
        break;
      case '%':
        src += '%';
        break;
      default:
        src += `%${t}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const parser = { re: new RegExp(`${src}$`), fields };
  parserCache.set(format, parser);
  return parser;
}

/** strptime: the instant (ns) the text denotes, read in zone `tz` unless it has %z; undefined on mismatch. */
export function strptime(format: string, text: string, tz = 'UTC'): bigint | undefined {
  const { re, fields } = compileFormat(format);
  const m = re.exec(text);
  if (!m) return undefined;
  const c: Civil = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 };
  let pm: boolean | undefined;
  let hour12: number | undefined;
  let offsetMinutes: number | undefined;
  let dayOfYear: number | undefined;
  for (let i = 0; i < fields.length; i++) {
    const raw = m[i + 1]!;
    const n = Number(raw.trim());
    switch (fields[i]) {
      case 'd':
      case 'e':
        c.day = n;
        break;
      case 'm':
        c.month = n;
        break;
      case 'H':
        c.hour = n;
        break;
      case 'I':
        hour12 = n;
        break;
      case 'M':
        c.minute = n;
        break;
      case 'S':
        c.second = n;
        break;
      case 'f':
        c.nanos = Number(raw.padEnd(6, '0')) * 1000;
        break;
      case 'y':
        c.year = n <= 68 ? 2000 + n : 1900 + n;
        break;
      case 'Y':
        c.year = n;
        break;
      case 'j':
        dayOfYear = n;
        break;
      case 'p':
        pm = raw.toLowerCase() === 'pm';
        break;
      case 'z':
        offsetMinutes = raw === 'Z' ? 0 : parseOffsetMinutes(raw);
        break;
      case 'b':
      case 'B': {
        const idx = MONTHS.findIndex((name) => name.startsWith(raw.toLowerCase()) && (raw.length === 3 || name === raw.toLowerCase()));
        if (idx < 0) return undefined;
        c.month = idx + 1;
        break;
      }
      case 'a':
      case 'A':
        if (!DAYS.some((name) => name.startsWith(raw.toLowerCase()))) return undefined;
        break;
    }
  }
  if (hour12 !== undefined) {
    if (hour12 < 1 || hour12 > 12) return undefined;
    c.hour = (hour12 % 12) + (pm ? 12 : 0);
  } else if (pm !== undefined && pm && c.hour < 12) c.hour += 12;
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > daysInMonth(c.year, c.month)) return undefined;
  if (c.hour > 23 || c.minute > 59 || c.second > 61) return undefined;
  let ns = fromCivil(c);
  if (dayOfYear !== undefined) ns = fromCivil({ ...c, month: 1, day: 1 }) + BigInt(dayOfYear - 1) * DATEPART_NS.day!;
  if (offsetMinutes !== undefined) return ns - BigInt(offsetMinutes) * 60n * NS_PER_S;
  return tz === 'UTC' ? ns : wallToUtc(ns, tz);
}

export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** strftime of an instant, shown in zone `tz`. */
export function strftime(format: string, ns: bigint, tz = 'UTC'): string {
  const wall = tz === 'UTC' ? ns : utcToWall(ns, tz);
  const c = toCivil(wall);
  const offsetMin = Number((wall - ns) / (60n * NS_PER_S));
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i === format.length - 1) {
      out += ch;
      continue;
    }
    const t = format[++i]!;
    switch (t) {
      case 'Y':
        out += pad(c.year, 4);
        break;
      case 'y':
        out += pad(((c.year % 100) + 100) % 100);
        break;
      case 'm':
        out += pad(c.month);
        break;
      case 'd':
        out += pad(c.day);
        break;
      case 'e':
        out += String(c.day).padStart(2, ' ');
        break;
      case 'H':
        out += pad(c.hour);
        break;
      case 'I':
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12);
        break;
      case 'p':
        out += c.hour < 12 ? 'AM' : 'PM';
        break;
      case 'M':
        out += pad(c.minute);
        break;
      case 'S':
        out += pad(c.second);
        break;
      case 'f':
        out += pad(Math.floor(c.nanos / 1000), 6);
        break;
      case 'z': {
        const sign = offsetMin < 0 ? '-' : '+';
        const abs = Math.abs(offsetMin);
        out += `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
        break;
      }
      case 'Z':
        out += tz;
        break;
      case 'j': {
        const start = Date.UTC(c.year, 0, 1);
        out += pad(Math.floor((Date.UTC(c.year, c.month - 1, c.day) - start) / 86_400_000) + 1, 3);
        break;
      }
      case 'b':
        out += cap(MONTHS[c.month - 1]!.slice(0, 3));
        break;
      case 'B':
        out += cap(MONTHS[c.month - 1]!);
        break;
      case 'a':
      case 'A': {
        const dow = (new Date(Date.UTC(c.year, c.month - 1, c.day)).getUTCDay() + 6) % 7;
        out += t === 'a' ? cap(DAYS[dow]!.slice(0, 3)) : cap(DAYS[dow]!);
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        out += `%${t}`;
    }
  }
  return out;
}

/** Adds N dateparts; months and years move the calendar date (day clamped to the month's end). */
export function datetimePlus(ns: bigint, part: string, n: number): bigint | undefined {
  if (part === 'year' || part === 'month') {
    const c = toCivil(ns);
    const total = c.year * 12 + (c.month - 1) + (part === 'year' ? n * 12 : n);
    const year = Math.floor(total / 12);
    const month = (total % 12) + 1;
    return fromCivil({ ...c, year, month, day: Math.min(c.day, daysInMonth(year, month)) });
  }
  const unit = DATEPART_NS[part];
  return unit === undefined ? undefined : ns + unit * BigInt(n);
}

/** Number of dateparts in START − END, truncated toward zero. */
export function datetimeDiff(part: string, start: bigint, end: bigint): number | undefined {
  if (part === 'year' || part === 'month') {
    const a = toCivil(start);
    const b = toCivil(end);
    let months = (a.year * 12 + a.month) - (b.year * 12 + b.month);
    const restA = fromCivil({ ...a, year: 2000, month: 1 });
    const restB = fromCivil({ ...b, year: 2000, month: 1 });
    if (months > 0 && restA < restB) months--;
    else if (months < 0 && restA > restB) months++;
    return part === 'year' ? Math.trunc(months / 12) : months;
  }
  const unit = DATEPART_NS[part];
  if (unit === undefined) return undefined;
  return Number((start - end) / unit);
}

/** ns since epoch from a JS number of ns; doubles beyond 2^53 are rounded to whole µs. */
export function nsFromNumber(n: number): bigint {
  const big = BigInt(Math.trunc(n));
  if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) return big;
  return ((big + (big < 0n ? -500n : 500n)) / 1000n) * 1000n;
}

export const nsFromDate = (d: Date): bigint => BigInt(d.getTime()) * NS_PER_MS;
