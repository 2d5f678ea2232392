// Dictionaries: dict, has-key, is-dict, items, key-values, keys, values, path, apply.
import { walkPath } from '../path';
import { firstValue, hasOwn, isDict, setOwn, toList, type Dict, type Value } from '../values';
import { applyRule, type ExprFactory } from './core';
import { fn1, fn2 } from './helpers';

const dict: ExprFactory = (a) => {
  const n = a.raw.length;
  if (n === 0) return () => ({});
  if (n === 1) {
    const items = a.e(0);
    return (f) => {
      const out: Dict = {};
      for (const pair of toList(items(f))) {
        if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string') setOwn(out, pair[0], pair[1]);
      }
      return out;
    };
  }
  const xs = a.raw.map((_, i) => a.e(i));
  return (f) => {
    const out: Dict = {};
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const k = xs[i]!(f);
      if (typeof k === 'string') setOwn(out, k, xs[i + 1]!(f));
    }
    return out;
  };
};

const dicts = (v: Value): Dict[] => toList(v).filter(isDict);

const path: ExprFactory = (a) => {
  const names = a.e(0);
  const values = a.e(1);
  return (f) => {
    const segments = toList(names(f)).filter((s): s is string => typeof s === 'string');
    return walkPath(values(f), segments, f.run.ns);
  };
};

const apply: ExprFactory = (a) => {
  const ruleName = a.raw[0] as string;
  const values = a.e(1);
  return (f) => {
    const rule = a.rule(ruleName);
    const v = values(f);
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) return applyRule(rule, v, f, a.path) ?? null;
    const out: Value[] = [];
    for (const x of v) {
      const t = applyRule(rule, x, f, a.path);
      if (t) out.push(t);
    }
    return out;
  };
};

export const dictFunctions: Record<string, ExprFactory> = {
  dict,
  'has-key': fn2((key, values) => {
    const d = firstValue(values);
    return isDict(d) && typeof key === 'string' ? hasOwn(d, key) : null;
  }),
  'is-dict': fn1((v) => isDict(firstValue(v))),
  items: fn1((v) => dicts(v).flatMap((d) => Object.entries(d).map(([k, x]) => [k, x]))),
  'key-values': fn1((v) => {
    const out = dicts(v).flatMap((d) => Object.entries(d).map(([key, value]) => ({ key, value })));
    return isDict(v) && out.length === 1 ? out[0] : out;
  }),
  keys: fn1((v) => dicts(v).flatMap((d) => Object.keys(d))),
  values: fn1((v) => dicts(v).flatMap((d) => Object.values(d))),
  path,
  apply,
};
