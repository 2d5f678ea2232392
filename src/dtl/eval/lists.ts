// List functions. Function-expression arguments see each value as `_`.
import { compareValues, hasOwn, isDict, isInt, isNumeric, keyOf, setOwn, toList, truthy, type Dict, type Value } from '../values';
import type { Expr, ExprFactory, Frame } from './core';
import { fn1, fn2, optionalLead } from './helpers';
import { inlinableExpr } from './fuse';
import { arithmetic } from './math';
import { pythonJson } from './text';

const combine: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return (f) => {
    const out: Value[] = [];
    for (const x of xs) {
      const v = x(f);
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    }
    return out;
  };
};

const flatten = fn1((v) => {
  const out: Value[] = [];
  for (const x of toList(v)) {
    if (Array.isArray(x)) out.push(...x);
    else out.push(x);
  }
  return out;
});

/** Evaluates a key function for each value (or the value itself). */
const keyed = (fn: Expr | undefined, f: Frame, values: Value[]) => values.map((v) => (fn ? fn(f.withU(v)) : v));

const distinct: ExprFactory = (a) => {
  const { lead, rest } = optionalLead(a, 1);
  return (f) => {
    const values = toList(rest[0]!(f));
    const ks = keyed(lead, f, values).map(keyOf);
    const seen = new Set<string>();
    return values.filter((_, i) => {
      const k = ks[i]!;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
};

const enumerate: ExprFactory = (a) => {
  const { lead, rest } = optionalLead(a, 1);
  return (f) => {
    const startValue = lead ? lead(f) : 0;
    const start = isInt(startValue) ? startValue : 0;
    const v = rest[0]!(f);
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) return { key: start, value: v };
    return v.map((value, i) => ({ key: start + i, value }));
  };
};

const filterExpr: ExprFactory = (a) => {
  const fn = a.e(0);
  const values = a.e(1);
  return (f) => toList(values(f)).filter((v) => truthy(fn(f.withU(v))));
};

const map: ExprFactory = (a) => {
  const fn = a.e(0);
  const values = a.e(1);
  return (f) => toList(values(f)).map((v) => fn(f.withU(v)) ?? null);
};

const nth = fn2((index, values) => {
  if (!isInt(index)) return null;
  if (!Array.isArray(values)) return index === 0 ? (values ?? null) : null;
  const i = index < 0 ? values.length + index : index;
  return i >= 0 && i < values.length ? values[i] : null;
});

const group: ExprFactory = (a) => {
  const keyFn = a.e(0);
  const valueFn = a.e(1);
  const values = a.e(2);
  return (f) => {
    const groups = new Map<string, [Value, Value[]]>();
    for (const v of toList(values(f))) {
      const k = keyFn(f.withU(v));
      const id = keyOf(k);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = [k, []]));
      g[1].push(valueFn(f.withU(v)));
    }
    return [...groups.values()].map(([k, vs]) => [k, vs]);
  };
};

const groupBy: ExprFactory = (a) => {
  const keyFn = a.e(0);
  const stringFn = a.raw.length === 3 ? a.e(1) : undefined;
  const values = a.e(a.raw.length - 1);
  return (f) => {
    const out: Dict = {};
    for (const v of toList(values(f))) {
      const k = keyFn(f.withU(v));
      const name = stringFn ? stringFn(f.withU(k)) : pythonJson(k, true);
      const key = typeof name === 'string' ? name : pythonJson(name, true);
      if (!hasOwn(out, key)) setOwn(out, key, []);
      (out[key] as Value[]).push(v);
    }
    return out;
  };
};

const inFn = fn2((values, items) => {
  const vs = toList(values);
  if (vs.length === 0) return false;
  const pool = new Set(toList(items).map(keyOf));
  return vs.every((v) => pool.has(keyOf(v)));
});

const insert: ExprFactory = (a) => {
  const index = a.e(0);
  const values = a.e(1);
  const object = a.e(2);
  return (f) => {
    const list = [...toList(values(f))];
    const i = index(f);
    if (!isInt(i)) return null;
    const at = i < 0 ? Math.max(0, list.length + i) : Math.min(i, list.length);
    list.splice(at, 0, object(f));
    return list;
  };
};

const mapDict: ExprFactory = (a) => {
  const keyFn = a.e(0);
  const valueFn = a.e(1);
  const values = a.e(2);
  return (f) => {
    const one = (d: Dict): Dict | undefined => {
      const out: Dict = {};
      let any = false;
      for (const [k, v] of Object.entries(d)) {
        const nk = keyFn(f.withU(k));
        if (typeof nk !== 'string') continue;
        setOwn(out, nk, valueFn(f.withU(v)));
        any = true;
      }
      return any ? out : undefined;
    };
    const v = values(f);
    if (isDict(v)) return one(v) ?? null;
    const out: Value[] = [];
    for (const d of toList(v)) {
      if (!isDict(d)) continue;
      const r = one(d);
      if (r) out.push(r);
    }
    return out;
  };
};

const mapValues: ExprFactory = (a) => {
  const fn = a.e(0);
  const values = a.e(1);
  return (f) => {
    const out: Value[] = [];
    for (const d of toList(values(f))) if (isDict(d)) for (const v of Object.values(d)) out.push(fn(f.withU(v)));
    return out;
  };
};

const extreme =
  (sign: 1 | -1): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    return (f) => {
      const values = toList(rest[0]!(f));
      if (values.length === 0) return null;
      const ks = keyed(lead, f, values);
      let best = 0;
      for (let i = 1; i < values.length; i++) if (sign * compareValues(ks[i], ks[best]) > 0) best = i;
      return values[best];
    };
  };

const range: ExprFactory = (a) => {
  const start = a.e(0);
  const stop = a.e(1);
  const step = a.raw.length > 2 ? a.e(2) : undefined;
  return (f) => {
    const s = start(f);
    const e = stop(f);
    const st = step ? step(f) : 1;
    if (!isInt(s) || !isInt(e) || !isInt(st) || st === 0) return null;
    const out: number[] = [];
    for (let i = s; st > 0 ? i < e : i > e; i += st) {
      out.push(i);
      if (out.length > 10_000_000) break;
    }
    return out;
  };
};

/** Python slice indexes. */
export function pySlice<T>(list: readonly T[], start: Value, end: Value, stride: Value): T[] | undefined {
  const n = list.length;
  const st = stride === null || stride === undefined ? 1 : stride;
  if (!isInt(st) || st === 0) return undefined;
  const norm = (v: Value, dflt: number, lo: number, hi: number): number | undefined => {
    if (v === null || v === undefined) return dflt;
    if (!isInt(v)) return undefined;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: T[] = [];
  if (st > 0) {
    const s = norm(start, 0, 0, n);
    const e = norm(end, n, 0, n);
    if (s === undefined || e === undefined) return undefined;
    for (let i = s; i < e; i += st) out.push(list[i]!);
  } else {
    const s = norm(start, n - 1, -1, n - 1);
    const e = norm(end, -1, -1, n - 1);
    if (s === undefined || e === undefined) return undefined;
    for (let i = s; i > e; i += st) out.push(list[i]!);
  }
  return out;
}

const slice: ExprFactory = (a) => {
  const n = a.raw.length;
  const start = a.e(0);
  const end = n >= 3 ? a.e(1) : undefined;
  const stride = n === 4 ? a.e(2) : undefined;
  const values = a.e(n - 1);
  return (f) => pySlice(toList(values(f)), start(f), end ? end(f) : null, stride ? stride(f) : null) ?? null;
};

const sortedFn =
  (sign: 1 | -1): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    return (f) => {
      const v = rest[0]!(f);
      if (!Array.isArray(v)) return v ?? null;
      const ks = keyed(lead, f, v);
      const idx = v.map((_, i) => i);
      idx.sort((i, j) => sign * compareValues(ks[i], ks[j]));
      return idx.map((i) => v[i]);
    };
  };

/** Python's sum: ints stay ints (exact), a float makes it a float, a decimal operand a decimal. */
export function sumValues(values: Value[]): Value {
  let acc: Value = 0;
  for (const v of values) if (isNumeric(v)) acc = arithmetic('+', acc, v) ?? acc;
  return acc;
}

export const listFunctions: Record<string, ExprFactory> = {
  list: (a) => {
    const xs = a.raw.map((_, i) => a.e(i));
    return inlinableExpr(
      (f) => xs.map((x) => x(f) ?? null),
      (em, f) => `[${xs.map((x) => `(${em.expr(x, f)}) ?? null`).join(', ')}]`,
    );
  },
  combine,
  flatten,
  count: fn1((v) => toList(v).length),
  distinct,
  enumerate,
  filter: filterExpr,
  first: fn1((v) => (Array.isArray(v) ? (v.length ? v[0] : null) : (v ?? null))),
  last: fn1((v) => (Array.isArray(v) ? (v.length ? v[v.length - 1] : null) : (v ?? null))),
  nth,
  group,
  'group-by': groupBy,
  in: inFn,
  insert,
  'is-empty': fn1((v) => toList(v).length === 0),
  'is-not-empty': fn1((v) => toList(v).length > 0),
  'is-list': fn1((v) => Array.isArray(v)),
  map,
  'map-dict': mapDict,
  'map-values': mapValues,
  max: extreme(1),
  min: extreme(-1),
  range,
  reversed: fn1((v) => (Array.isArray(v) ? [...v].reverse() : (v ?? null))),
  slice,
  sorted: sortedFn(1),
  'sorted-descending': sortedFn(-1),
  sum: fn1((v) => sumValues(toList(v))),
};
