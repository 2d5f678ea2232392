// Date and time functions. Values are "~t…" transit strings; arithmetic runs on bigint ns.
import {
  DATEPART_NS,
  datetimeDiff,
  datetimePlus,
  formatTransitDatetime,
  isKnownZone,
  nsFromDate,
  nsFromNumber,
  parseIsoDatetime,
  parseTransitDatetime,
  strftime,
  strptime,
  utcToWall,
  wallToUtc,
} from '../datetime';
import { BigInteger, SKIP, firstValue, isInt, isPlainString, kindOf, vmap, type Value } from '../values';
import type { ExprFactory } from './core';
import { fn1 } from './helpers';
import { castFunction } from './numbers';

/** ns of a datetime value, or undefined. */
export const datetimeNs = (v: Value): bigint | undefined =>
  typeof v === 'string' && kindOf(v) === 'datetime' ? parseTransitDatetime(v) : undefined;

function toDatetime(v: Value): Value | typeof SKIP {
  if (typeof v === 'number') return Number.isInteger(v) ? formatTransitDatetime(nsFromNumber(v)) : SKIP;
  if (v instanceof BigInteger) return formatTransitDatetime(v.value);
  if (typeof v !== 'string') return SKIP;
  const k = kindOf(v);
  if (k === 'datetime') return formatTransitDatetime(parseTransitDatetime(v)!);
  if (k !== 'string') return SKIP;
  const ns = parseIsoDatetime(v);
  return ns === undefined ? SKIP : formatTransitDatetime(ns);
}

/** [TZ?, FORMAT, VALUES] argument handling shared by parse and format. */
const zoned =
  (impl: (tz: string, format: string, v: Value) => Value | typeof SKIP): ExprFactory =>
  (a) => {
    const hasZone = a.raw.length === 3;
    const zone = hasZone ? a.e(0) : undefined;
    const format = a.e(hasZone ? 1 : 0);
    const values = a.e(hasZone ? 2 : 1);
    return (f) => {
      const tz = zone ? zone(f) : 'UTC';
      const fmt = format(f);
      if (typeof tz !== 'string' || typeof fmt !== 'string' || !isKnownZone(tz)) return null;
      return vmap(values(f), (v) => impl(tz, fmt, v));
    };
  };

const datetimeParse = zoned((tz, fmt, v) => {
  if (!isPlainString(v)) return SKIP;
  const ns = strptime(fmt, v, tz);
  return ns === undefined ? SKIP : formatTransitDatetime(ns);
});

const datetimeFormat = zoned((tz, fmt, v) => {
  const ns = datetimeNs(v);
  return ns === undefined ? SKIP : strftime(fmt, ns, tz);
});

const datetimePlusFn: ExprFactory = (a) => {
  const part = a.e(0);
  const amount = a.e(1);
  const values = a.e(2);
  return (f) => {
    const p = part(f);
    const n = firstValue(amount(f));
    if (typeof p !== 'string' || !isInt(n) || (p !== 'year' && p !== 'month' && !(p in DATEPART_NS))) return null;
    return vmap(values(f), (v) => {
      const ns = datetimeNs(v);
      if (ns === undefined) return SKIP;
      let r: bigint | undefined;
      try {
        r = datetimePlus(ns, p, n);
      } catch (error) {
        if (error instanceof RangeError) return SKIP; // far outside any calendar (Sesam overflows too)
        throw error;
      }
      return r === undefined ? SKIP : formatTransitDatetime(r);
    });
  };
};

const datetimeDiffFn: ExprFactory = (a) => {
  const part = a.e(0);
  const start = a.e(1);
  const end = a.e(2);
  return (f) => {
    const p = part(f);
    const s = datetimeNs(firstValue(start(f)));
    const e = datetimeNs(firstValue(end(f)));
    if (typeof p !== 'string' || s === undefined || e === undefined) return null;
    return datetimeDiff(p, s, e) ?? null;
  };
};

const datetimeShift: ExprFactory = (a) => {
  const from = a.e(0);
  const to = a.e(1);
  const values = a.e(2);
  return (f) => {
    const fz = from(f);
    const tz = to(f);
    if (typeof fz !== 'string' || typeof tz !== 'string' || !isKnownZone(fz) || !isKnownZone(tz)) return null;
    return vmap(values(f), (v) => {
      const ns = datetimeNs(v);
      return ns === undefined ? SKIP : formatTransitDatetime(utcToWall(wallToUtc(ns, fz), tz));
    });
  };
};

export const datetimeFunctions: Record<string, ExprFactory> = {
  now: () => (f) => formatTransitDatetime(nsFromDate(f.run.ctx.now())),
  datetime: castFunction(toDatetime),
  'datetime-parse': datetimeParse,
  'datetime-format': datetimeFormat,
  'datetime-plus': datetimePlusFn,
  'datetime-diff': datetimeDiffFn,
  'datetime-shift': datetimeShift,
  'is-datetime': fn1((v) => kindOf(firstValue(v)) === 'datetime'),
};
