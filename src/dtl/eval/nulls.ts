// Nulls: coalesce, coalesce-args, if-null, is-null, is-not-null.
import { toList, truthy, type Value } from '../values';
import type { Expr, ExprFactory } from './core';
import { specialise } from './clone';
import { inlinableExpr } from './fuse';
import { fn1, optionalLead } from './helpers';

/** null, [] or a list whose first element is null. */
export const isNullish = (v: Value): boolean =>
  v === null || v === undefined || (Array.isArray(v) && (v.length === 0 || v[0] === null || v[0] === undefined));

const coalesce: ExprFactory = (a) => {
  const raw = a.raw[a.raw.length - 1];
  if (a.raw.length === 1 && Array.isArray(raw) && raw[0] === 'list') {
    // ["coalesce", ["list", ...]]: evaluate the elements lazily, no list is built.
    const items = raw.slice(1).map((x, i) => a.exprAt(x, [...a.path, 1, i + 1]));
    if (items.length <= 16) {
      const names = items.map((_, i) => `x${i}`);
      const compiled = specialise<Expr>(names, `(f) => { let v; ${names.map((n) => `if ((v = ${n}(f)) !== null && v !== undefined) return v;`).join(' ')} return null; }`, items);
      return inlinableExpr(compiled, (em, f) => {
        const v = em.tmp();
        return `(${items.map((x) => `(${v} = ${em.expr(x, f)}) !== null && ${v} !== undefined ? ${v} : `).join('')}null)`;
      });
    }
    return (f) => {
      for (let i = 0; i < items.length; i++) {
        const v = items[i]!(f);
        if (v !== null && v !== undefined) return v;
      }
      return null;
    };
  }
  const { lead, rest } = optionalLead(a, 1);
  const values = rest[0]!;
  return (f) => {
    for (const v of toList(values(f))) {
      if (lead ? truthy(lead(f.withU(v))) : v !== null && v !== undefined) return v;
    }
    return null;
  };
};

const coalesceArgs: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return (f) => {
    for (const x of xs) {
      const v = x(f);
      if (v !== null && v !== undefined) return v;
    }
    return null;
  };
};

const ifNull: ExprFactory = (a) => {
  const value = a.e(0);
  const fallback = a.e(1);
  return (f) => {
    const v = value(f);
    return isNullish(v) ? fallback(f) : v;
  };
};

export const nullFunctions: Record<string, ExprFactory> = {
  coalesce,
  'coalesce-args': coalesceArgs,
  'if-null': ifNull,
  'is-null': fn1((v) => isNullish(v)),
  'is-not-null': fn1((v) => !isNullish(v)),
};
