// Type conversion and number functions: integer, decimal, float, boolean, hex and type tests.
// Casts drop values they cannot convert, or replace them with DEFAULT evaluated with `_`
// bound to the value.
import { decimalToTransit, parseDecimal, roundDecimal } from '../decimal';
import {
  BigInteger,
  Float,
  SKIP,
  bigintOf,
  firstValue,
  floatRepr,
  floatValue,
  intValue,
  isFloat,
  isInteger,
  isPlainString,
  isPyNumber,
  kindOf,
  numberOf,
  numberText,
  vcast,
  type Skip,
  type Value,
} from '../values';
import type { ExprFactory } from './core';
import { fn1, optionalLead } from './helpers';

/** Builds a cast function with the optional leading DEFAULT argument. */
export const castFunction =
  (cast: (v: Value) => Value | Skip): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    const values = rest[0]!;
    return (f) => vcast(values(f), cast, lead ? (x) => lead(f.withU(x)) : undefined);
  };

export function toInteger(v: Value): Value | Skip {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : SKIP;
  if (v instanceof BigInteger) return v;
  if (v instanceof Float) return Number.isFinite(v.value) ? v.value : SKIP;
  if (typeof v !== 'string') return SKIP;
  const k = kindOf(v);
  if (k === 'decimal') {
    const d = parseDecimal(v.slice(2));
    return d ? intValue(roundDecimal(d, 0, 'down').m) : SKIP;
  }
  if (k !== 'string') return SKIP;
  const s = v.trim();
  if (/^[+-]?\d+$/.test(s)) return intValue(BigInt(s));
  const hex = /^0x([0-9a-fA-F]+)$/.exec(s);
  if (hex) {
    // Two's complement over the given number of hex digits.
    const digits = hex[1]!;
    const n = BigInt(`0x${digits}`);
    const bits = BigInt(digits.length * 4);
    return intValue(n >= 1n << (bits - 1n) ? n - (1n << bits) : n);
  }
  return SKIP;
}

export function toDecimal(v: Value): Value | Skip {
  if (isPyNumber(v)) {
    if (isFloat(v)) {
      // Python's Decimal(str(x)): 2.0 → "2.0", 0.1 → "0.1".
      const x = numberOf(v);
      if (!Number.isFinite(x)) return SKIP;
      const d = parseDecimal(floatRepr(x));
      return d ? decimalToTransit(d) : SKIP;
    }
    return `~f${numberText(v)}`;
  }
  if (typeof v !== 'string') return SKIP;
  const k = kindOf(v);
  if (k === 'decimal') return v;
  if (k !== 'string') return SKIP;
  const d = parseDecimal(v);
  return d ? decimalToTransit(d) : SKIP;
}

export function toFloat(v: Value): Value | Skip {
  if (isPyNumber(v)) return floatValue(numberOf(v));
  if (typeof v !== 'string') return SKIP;
  const k = kindOf(v);
  if (k === 'decimal') return floatValue(Number(v.slice(2)));
  if (k !== 'string') return SKIP;
  const s = v.trim().toLowerCase();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(s)) return floatValue(Number(s));
  if (/^[+-]?(inf|infinity)$/.test(s)) return new Float(s.startsWith('-') ? -Infinity : Infinity);
  if (/^[+-]?nan$/.test(s)) return new Float(NaN);
  return SKIP;
}

export function toBoolean(v: Value): Value | Skip {
  if (typeof v === 'boolean') return v;
  if (isPlainString(v)) {
    const s = v.toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return SKIP;
}

/** Two's-complement hex in whole bytes: 1 → "0x01", 255 → "0x00ff", -1 → "0xff". */
export function toHex(v: Value): Value | Skip {
  if (!isInteger(v)) return SKIP;
  let n = bigintOf(v);
  let bytes = 1;
  if (n >= 0n) {
    while (n >= 1n << BigInt(8 * bytes - 1)) bytes++;
  } else {
    while (n < -(1n << BigInt(8 * bytes - 1))) bytes++;
    n += 1n << BigInt(8 * bytes);
  }
  return `0x${n.toString(16).padStart(bytes * 2, '0')}`;
}

const typeTest = (test: (v: Value) => boolean) => fn1((v) => test(firstValue(v)));

export const numberFunctions: Record<string, ExprFactory> = {
  integer: castFunction(toInteger),
  decimal: castFunction(toDecimal),
  float: castFunction(toFloat),
  boolean: castFunction(toBoolean),
  hex: fn1((v) => vcast(v, toHex)),
  'is-integer': typeTest(isInteger),
  'is-float': typeTest(isFloat),
  'is-decimal': typeTest((v) => kindOf(v) === 'decimal'),
};
