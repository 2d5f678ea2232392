// Boolean logic, booleans and comparisons. `eq` coerces both sides to lists and compares them
// exactly (null only equals null); `gt`/`gte`/`lt`/`lte` compare the first values.
import { compareValues, firstValue, isNumeric, kindOf, toList, truthy, valuesEqual, type Value } from '../values';
import type { ExprFactory } from './core';
import { fn1, fn2, optionalLead } from './helpers';

/** DTL equality: list coercion, exact comparison; null equals only null. */
export function dtlEquals(a: Value, b: Value): boolean {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull;
  const aList = Array.isArray(a);
  const bList = Array.isArray(b);
  if (!aList && !bList) return a === b || valuesEqual(a, b);
  const la = Array.isArray(a) ? a : [a];
  const lb = Array.isArray(b) ? b : [b];
  if (la.length !== lb.length) return false;
  for (let i = 0; i < la.length; i++) if (!valuesEqual(la[i], lb[i])) return false;
  return true;
}

/** Ordering comparison of first values; false when either is null or the kinds are not comparable. */
function ordered(a: Value, b: Value, test: (c: number) => boolean): boolean {
  const x = firstValue(a);
  const y = firstValue(b);
  if (x === null || y === null || x === undefined || y === undefined) return false;
  const comparable = (isNumeric(x) && isNumeric(y)) || kindOf(x) === kindOf(y);
  return comparable && test(compareValues(x, y));
}

const and: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return (f) => {
    for (const x of xs) if (!truthy(x(f))) return false;
    return true;
  };
};

const or: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return (f) => {
    for (const x of xs) if (truthy(x(f))) return true;
    return false;
  };
};

const allAny =
  (wantAll: boolean): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    const values = rest[0]!;
    return (f) => {
      for (const v of toList(values(f))) {
        const ok = truthy(lead ? lead(f.withU(v)) : v);
        if (wantAll && !ok) return false;
        if (!wantAll && ok) return true;
      }
      return wantAll;
    };
  };

export const booleanFunctions: Record<string, ExprFactory> = {
  and,
  or,
  not: (a) => {
    const inner = and(a);
    return (f) => !inner(f);
  },
  all: allAny(true),
  any: allAny(false),
  'is-boolean': fn1((v) => typeof firstValue(v) === 'boolean'),
  eq: fn2((x, y) => dtlEquals(x, y)),
  neq: fn2((x, y) => !dtlEquals(x, y)),
  gt: fn2((x, y) => ordered(x, y, (c) => c > 0)),
  gte: fn2((x, y) => ordered(x, y, (c) => c >= 0)),
  lt: fn2((x, y) => ordered(x, y, (c) => c < 0)),
  lte: fn2((x, y) => ordered(x, y, (c) => c <= 0)),
};
