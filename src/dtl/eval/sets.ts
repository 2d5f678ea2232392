// Sets: union, intersection, difference, intersects (both sides coerced to lists). union is
// distinct; intersection and difference keep VALUES1's values, duplicates included, in order.
import { distinctValues, keyOf, toList, type Value } from '../values';
import type { ExprFactory } from './core';
import { fn2 } from './helpers';

const keys = (v: Value) => new Set(toList(v).map(keyOf));

export const setFunctions: Record<string, ExprFactory> = {
  union: fn2((x, y) => distinctValues([...toList(x), ...toList(y)])),
  intersection: fn2((x, y) => {
    const other = keys(y);
    return toList(x).filter((v) => other.has(keyOf(v)));
  }),
  difference: fn2((x, y) => {
    const other = keys(y);
    return toList(x).filter((v) => !other.has(keyOf(v)));
  }),
  intersects: fn2((x, y) => {
    const other = keys(y);
    return toList(x).some((v) => v !== null && other.has(keyOf(v)));
  }),
};
