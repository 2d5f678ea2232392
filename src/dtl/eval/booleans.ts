// Boolean logic, booleans and comparisons. `eq` coerces both sides to lists and compares them
// exactly (null only equals null); `gt`/`gte`/`lt`/`lte` compare the first values.
import { compareValues, firstValue, isNumeric, isPlainString, kindOf, toList, truthy, valuesEqual, type Value } from '../values';
import { constantOf, type Args, type Expr, type ExprFactory } from './core';
import { specialise } from './clone';
import { inlinableExpr, type Emitter } from './fuse';
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

/**
 * eq / neq. Against a literal boolean or plain string the comparison is plain identity (of the
 * value, or of the only element of a one-element list): such a literal equals nothing else.
 */
function equality(a: Args, equal: boolean): Expr {
  const k = constantOf(a.e(1))?.value;
  if (typeof k === 'boolean' || (typeof k === 'string' && isPlainString(k))) {
    const test = '(Array.isArray(v) ? v.length === 1 && v[0] === k : v === k)';
    const x = a.e(0);
    const compiled = specialise<Expr>(['x', 'k'], `(f) => { const v = x(f); return ${equal ? test : `!${test}`}; }`, [x, k]);
    return inlinableExpr(compiled, (em, f) => {
      const v = em.tmp();
      const kk = em.dep(k);
      const same = `(Array.isArray(${v}) ? ${v}.length === 1 && ${v}[0] === ${kk} : ${v} === ${kk})`;
      return `(${v} = ${em.expr(x, f)}, ${equal ? same : `!${same}`})`;
    });
  }
  return equal ? fn2((x, y) => dtlEquals(x, y))(a) : fn2((x, y) => !dtlEquals(x, y))(a);
}

/** Ordering comparison of first values; false when either is null or the kinds are not comparable. */
function ordered(a: Value, b: Value, test: (c: number) => boolean): boolean {
  const x = firstValue(a);
  const y = firstValue(b);
  if (x === null || y === null || x === undefined || y === undefined) return false;
  const comparable = (isNumeric(x) && isNumeric(y)) || kindOf(x) === kindOf(y);
  return comparable && test(compareValues(x, y));
}

/** `(truthy(x0) && truthy(x1) ...)` written out; evaluation stops at the first that decides, as in the loop. */
const emitJunction = (xs: readonly Expr[], op: '&&' | '||') => (em: Emitter, f: string) =>
  `(${xs.map((x) => `${em.dep(truthy)}(${em.expr(x, f)})`).join(` ${op} `) || (op === '&&' ? 'true' : 'false')})`;

const and: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return inlinableExpr((f) => {
    for (const x of xs) if (!truthy(x(f))) return false;
    return true;
  }, emitJunction(xs, '&&'));
};

const or: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return inlinableExpr((f) => {
    for (const x of xs) if (truthy(x(f))) return true;
    return false;
  }, emitJunction(xs, '||'));
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
    return inlinableExpr((f) => !inner(f), (em, f) => `!${em.expr(inner, f)}`);
  },
  all: allAny(true),
  any: allAny(false),
  'is-boolean': fn1((v) => typeof firstValue(v) === 'boolean'),
  eq: (a) => equality(a, true),
  neq: (a) => equality(a, false),
  gt: fn2((x, y) => ordered(x, y, (c) => c > 0)),
  gte: fn2((x, y) => ordered(x, y, (c) => c >= 0)),
  lt: fn2((x, y) => ordered(x, y, (c) => c < 0)),
  lte: fn2((x, y) => ordered(x, y, (c) => c <= 0)),
};
