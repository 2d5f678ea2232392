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
import {
  BigInteger,
  Float,
  SKIP,
  bigintOf,
  decimalOf,
  firstValue,
  floatRepr,
  floatValue,
  intValue,
  isFloat,
  isInt,
  isInteger,
  isPyNumber,
  kindOf,
  numberOf,
  vmap,
  type Value,
} from '../values';
import { DtlRuntimeError, type ExprFactory } from './core';
import { fn1, fn2, optionalLead } from './helpers';

type Op = '+' | '-' | '*' | '/' | '%' | '^';

/** The largest integer `^` builds offline (Python's int has no limit; a million bits is far beyond any mapping). */
const MAX_INT_BITS = 1_000_000n;

const asDecimal = (v: Value): Decimal | undefined => (isPyNumber(v) || typeof v === 'string' ? decimalOf(v) : undefined);

const isNum = (v: Value) => isPyNumber(v) || kindOf(v) === 'decimal';

const bitLength = (n: bigint): bigint => BigInt((n < 0n ? -n : n).toString(2).length);

/** Python's floor modulo (the result has the divisor's sign). */
const floorMod = (x: number, y: number): number => ((x % y) + y) % y;

/** int OP int, exact like Python's int; `/` gives an int when the division is exact (as Sesam documents), else a float. */
function intArithmetic(op: Op, x: Value, y: Value): Value {
  if (typeof x === 'number' && typeof y === 'number') {
    // Plain safe integers: the common case, in JS numbers while the result stays exact.
    let r: number | undefined;
    if (op === '+') r = x + y;
    else if (op === '-') r = x - y;
    else if (op === '*') r = x * y;
    else if (op === '%') return y === 0 ? null : floorMod(x, y);
    else if (op === '/') return y === 0 ? null : x / y; // integral when exact (an int), else a float
    if (r !== undefined && Number.isSafeInteger(r)) return r;
  }
  const a = bigintOf(x);
  const b = bigintOf(y);
  switch (op) {
    case '+':
      return intValue(a + b);
    case '-':
      return intValue(a - b);
    case '*':
      if (bitLength(a) + bitLength(b) > MAX_INT_BITS)
        throw new DtlRuntimeError(`"*": the result would have more than the ${MAX_INT_BITS} bits an integer may have offline`);
      return intValue(a * b);
    case '%':
      return b === 0n ? null : intValue(((a % b) + b) % b);
    case '/':
      if (b === 0n) return null;
      return a % b === 0n ? intValue(a / b) : Number(a) / Number(b);
    case '^': {
      if (b < 0n) return floatArithmetic(op, Number(a), Number(b));
      const bits = bitLength(a) * b;
      if (a !== 0n && a !== 1n && a !== -1n && bits > MAX_INT_BITS)
        throw new DtlRuntimeError(`"^": the result would have about ${bits} bits, more than the ${MAX_INT_BITS} an integer may have offline`);
      return intValue(a ** b);
    }
  }
}

/** float OP float (either operand a float): a float, boxed when integral. */
function floatArithmetic(op: Op, x: number, y: number): Value {
  let r: number;
  switch (op) {
    case '+':
      r = x + y;
      break;
    case '-':
      r = x - y;
      break;
    case '*':
      r = x * y;
      break;
    case '/':
      if (y === 0) return null;
      r = x / y;
      break;
    case '%':
      if (y === 0) return null;
      r = floorMod(x, y);
      break;
    case '^':
      r = x ** y;
      break;
  }
  return Number.isFinite(r) ? floatValue(r) : null;
}

/** x OP y for ints, floats and decimals; null when not computable. */
export function arithmetic(op: Op, x: Value, y: Value): Value {
  if (!isNum(x) || !isNum(y)) return null;
  if (isPyNumber(x) && isPyNumber(y)) {
    if (isInteger(x) && isInteger(y)) return intArithmetic(op, x, y);
    return floatArithmetic(op, numberOf(x), numberOf(y));
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
      const n = op === '%' ? (ny === 0 ? NaN : floorMod(nx, ny)) : nx ** ny;
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

/** Python's round/ceil/floor: an int without DIGITS; with DIGITS an int stays, a float stays a float, a decimal a decimal. */
function roundNumber(v: Value, digits: number | undefined, mode: Mode): Value {
  if (isInteger(v)) return v;
  if (isFloat(v)) {
    const x = numberOf(v);
    if (!Number.isFinite(x)) return digits === undefined ? null : v;
    if (digits === undefined) {
      if (mode === 'ceil') return Math.ceil(x);
      if (mode === 'floor') return Math.floor(x);
      const fl = Math.floor(x);
      const diff = x - fl;
      return diff > 0.5 ? fl + 1 : diff < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
    }
    const d = parseDecimal(floatRepr(x));
    return d ? floatValue(Number(decimalToString(roundDecimal(d, digits, mode)))) : v;
  }
  const d = asDecimal(v);
  if (!d) return null;
  const r = roundDecimal(d, digits ?? 0, mode);
  return digits === undefined ? intValue(r.m) : `~f${decimalToString(r)}`;
}

const rounding =
  (mode: Mode): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    return (f) => {
      const dv = lead ? firstValue(lead(f)) : undefined;
      if (dv !== undefined && !isInt(dv)) return null;
      return vmap(rest[0]!(f), (v) => (isNum(v) ? roundNumber(v, dv === undefined ? undefined : Math.max(0, dv), mode) : SKIP));
    };
  };

/** math.sqrt, sin, cos, tan: always a float; null when not real. */
const unary = (fn: (n: number) => number) =>
  fn1((values) =>
    vmap(values, (v) => {
      if (!isNum(v)) return SKIP;
      const r = fn(typeof v === 'string' ? Number(v.slice(2)) : numberOf(v));
      return Number.isFinite(r) ? floatValue(r) : null;
    }),
  );

function absolute(v: Value): Value {
  if (typeof v === 'number') return Math.abs(v);
  if (v instanceof Float) return new Float(Math.abs(v.value));
  if (v instanceof BigInteger) return intValue(v.value < 0n ? -v.value : v.value);
  if (kindOf(v) === 'decimal') return (v as string).replace('~f-', '~f');
  return SKIP;
}

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
  abs: fn1((values) => vmap(values, absolute)),
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
