// Math. Symbolic operators (+ - * / % ^) are binary on the first values (null → null, /0 →
// null); word functions (plus, minus, …) map VALUES with the first argument as operand.
import {
  addDecimal,
  decimalToString,
  divDecimal,
  mulDecimal,
  parseDecimal,
  roundDecimal,
  subDecimal,
  type Decimal,
} from '../decimal';
import { SKIP, firstValue, isInt, kindOf, vmap, type Value } from '../values';
import type { ExprFactory } from './core';
import { fn1, fn2, optionalLead } from './helpers';

type Op = '+' | '-' | '*' | '/' | '%' | '^';

const asDecimal = (v: Value): Decimal | undefined =>
  typeof v === 'number' ? parseDecimal(String(v)) : typeof v === 'string' ? parseDecimal(v.slice(2)) : undefined;

const isNum = (v: Value) => typeof v === 'number' || kindOf(v) === 'decimal';

/** x OP y for numbers and decimals; null when not computable. */
export function arithmetic(op: Op, x: Value, y: Value): Value {
  if (!isNum(x) || !isNum(y)) return null;
  if (typeof x === 'number' && typeof y === 'number') {
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return y === 0 ? null : x / y;
      case '%':
        return y === 0 ? null : ((x % y) + y) % y;
      case '^': {
        const r = x ** y;
        return Number.isFinite(r) ? r : null;
      }
    }
  }
  const a = asDecimal(x);
  const b = asDecimal(y);
  if (!a || !b) return null;
  let r: Decimal | undefined;
  switch (op) {
    case '+':
      r = addDecimal(a, b);
      break;
    case '-':
      r = subDecimal(a, b);
      break;
    case '*':
      r = mulDecimal(a, b);
      break;
    case '/':
      r = divDecimal(a, b);
      break;
    default: {
      const nx = Number(decimalToString(a));
      const ny = Number(decimalToString(b));
      const n = op === '%' ? (ny === 0 ? NaN : ((nx % ny) + ny) % ny) : nx ** ny;
      r = Number.isFinite(n) ? parseDecimal(String(n)) : undefined;
    }
  }
  return r ? `~f${decimalToString(r)}` : null;
}

const symbolic = (op: Op) =>
  fn2((x, y) => {
    const a = firstValue(x);
    const b = firstValue(y);
    return a === null || b === null ? null : arithmetic(op, a, b);
  });

/** VALUES op OPERAND for each numeric value. */
const mapped = (op: Op) =>
  fn2((operand, values) => {
    const o = firstValue(operand);
    if (!isNum(o)) return null;
    return vmap(values, (v) => {
      if (!isNum(v)) return SKIP;
      const r = arithmetic(op, v, o);
      return r === null ? SKIP : r;
    });
  });

type Mode = 'half-even' | 'ceil' | 'floor';

function roundNumber(v: Value, digits: number, mode: Mode): Value {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return v;
    if (digits === 0) {
      if (mode === 'ceil') return Math.ceil(v);
      if (mode === 'floor') return Math.floor(v);
      const fl = Math.floor(v);
      const diff = v - fl;
      return diff > 0.5 ? fl + 1 : diff < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
    }
    const d = parseDecimal(String(v));
    return d ? Number(decimalToString(roundDecimal(d, digits, mode))) : v;
  }
  const d = asDecimal(v);
  if (!d) return null;
  const r = roundDecimal(d, digits, mode);
  return digits === 0 ? Number(decimalToString(r)) : `~f${decimalToString(r)}`;
}

const rounding =
  (mode: Mode): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    return (f) => {
      const dv = lead ? firstValue(lead(f)) : 0;
      if (!isInt(dv)) return null;
      return vmap(rest[0]!(f), (v) => (isNum(v) ? roundNumber(v, Math.max(0, dv), mode) : SKIP));
    };
  };

const unary = (fn: (n: number) => number, keepInt = false) =>
  fn1((values) =>
    vmap(values, (v) => {
      if (!isNum(v)) return SKIP;
      const n = typeof v === 'number' ? v : Number((v as string).slice(2));
      const r = fn(n);
      if (!Number.isFinite(r)) return null;
      return keepInt || typeof v === 'number' ? r : r;
    }),
  );

export const mathFunctions: Record<string, ExprFactory> = {
  '+': symbolic('+'),
  '-': symbolic('-'),
  '*': symbolic('*'),
  '/': symbolic('/'),
  '%': symbolic('%'),
  '^': symbolic('^'),
  plus: mapped('+'),
  minus: mapped('-'),
  multiply: mapped('*'),
  divide: mapped('/'),
  mod: mapped('%'),
  pow: mapped('^'),
  abs: fn1((values) =>
    vmap(values, (v) => {
      if (typeof v === 'number') return Math.abs(v);
      if (kindOf(v) === 'decimal') return (v as string).replace('~f-', '~f');
      return SKIP;
    }),
  ),
  round: rounding('half-even'),
  ceil: rounding('ceil'),
  floor: rounding('floor'),
  sqrt: unary((n) => (n < 0 ? NaN : Math.sqrt(n))),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary((n) => {
    const r = Math.tan(n);
    return Math.abs(r) > 1e15 ? NaN : r;
  }),
};
