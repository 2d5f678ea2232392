// Small builders for function families: compile the arguments once, return a closure.
import type { Args, Expr, ExprFactory, Frame } from './core';
import type { Value } from '../values';
import { specialise } from './clone';
import { inlinableExpr } from './fuse';

export const fn1 =
  (impl: (x: Value, f: Frame) => Value): ExprFactory =>
  (a) => {
    const x = a.e(0);
    return inlinableExpr(specialise<Expr>(['impl', 'x'], '(f) => impl(x(f), f)', [impl, x]), (em, f) => `${em.dep(impl)}(${em.expr(x, f)}, ${f})`);
  };

export const fn2 =
  (impl: (x: Value, y: Value, f: Frame) => Value): ExprFactory =>
  (a) => {
    const x = a.e(0);
    const y = a.e(1);
    return inlinableExpr(
      specialise<Expr>(['impl', 'x', 'y'], '(f) => impl(x(f), y(f), f)', [impl, x, y]),
      (em, f) => `${em.dep(impl)}(${em.expr(x, f)}, ${em.expr(y, f)}, ${f})`,
    );
  };

/** Functions with an optional leading argument: [OPTIONAL?, VALUES]. */
export function optionalLead(a: Args, baseCount: number): { lead: Expr | undefined; rest: Expr[] } {
  const hasLead = a.raw.length > baseCount;
  const offset = hasLead ? 1 : 0;
  const rest: Expr[] = [];
  for (let i = offset; i < a.raw.length; i++) rest.push(a.e(i));
  return { lead: hasLead ? a.e(0) : undefined, rest };
}
