// Conditionals as expressions: if, case, case-eq (THEN/ELSE are values; only the chosen branch runs).
import { truthy, type Value } from '../values';
import { constantExpr, constantOf, type Expr, type ExprFactory } from './core';
import { specialise } from './clone';
import { inlinableExpr, type Emitter } from './fuse';

const ifExpr: ExprFactory = (a) => {
  const condition = a.e(0);
  const then = a.e(1);
  const otherwise = a.raw.length > 2 ? a.e(2) : constantExpr(null);
  const thenValue = constantOf(then);
  const otherwiseValue = constantOf(otherwise);
  const emit = (em: Emitter, f: string) => `(${em.dep(truthy)}(${em.expr(condition, f)}) ? ${em.expr(then, f)} : ${em.expr(otherwise, f)})`;
  if (thenValue && otherwiseValue)
    // Both branches literals: chosen without a call.
    return inlinableExpr(
      specialise<Expr>(['condition', 'a', 'b', 'truthy'], '(f) => (truthy(condition(f)) ? a : b)', [condition, thenValue.value, otherwiseValue.value, truthy]),
      emit,
    );
  return inlinableExpr(
    specialise<Expr>(['condition', 'then', 'otherwise', 'truthy'], '(f) => (truthy(condition(f)) ? then(f) : otherwise(f))', [condition, then, otherwise, truthy]),
    emit,
  );
};

const caseExpr: ExprFactory = (a) => {
  const n = a.raw.length;
  const pairs: [Expr, Expr][] = [];
  for (let i = 0; i + 1 < n; i += 2) pairs.push([a.e(i), a.e(i + 1)]);
  const otherwise = n % 2 === 1 ? a.e(n - 1) : undefined;
  return (f) => {
    for (const [cond, then] of pairs) if (truthy(cond(f))) return then(f);
    return otherwise ? otherwise(f) : null;
  };
};

const caseEqExpr =
  (equals: (x: Value, y: Value) => boolean): ExprFactory =>
  (a) => {
    const value = a.e(0);
    const n = a.raw.length - 1;
    const pairs: [Expr, Expr][] = [];
    for (let i = 1; i + 1 <= n; i += 2) pairs.push([a.e(i), a.e(i + 1)]);
    const otherwise = n % 2 === 1 ? a.e(n) : undefined;
    return (f) => {
      const v = value(f);
      for (const [candidate, then] of pairs) if (equals(v, candidate(f))) return then(f);
      return otherwise ? otherwise(f) : null;
    };
  };

export const conditionalFunctions = (equals: (x: Value, y: Value) => boolean): Record<string, ExprFactory> => ({
  if: ifExpr,
  case: caseExpr,
  'case-eq': caseEqExpr(equals),
});
