// Minimal arbitrary-precision decimals for DTL's `decimal` type ("~f12.50"): an integer
// mantissa and a scale (number of digits after the point). Enough for casts, comparisons
// and the arithmetic a mapping does (+ - * /, rounding); division keeps 28 significant
// digits like Python's default decimal context.

export interface Decimal {
  m: bigint;
  scale: number;
}

const MAX_EXPONENT = 10_000;

/** Parses "12.50", "-1e3", ".5" (without the "~f" prefix); exponents beyond ±10 000 are refused. */
export function parseDecimal(text: string): Decimal | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, intPart = '', fracPart = '', exp] = match;
  if (intPart === '' && fracPart === '') return undefined;
  // The mantissa is expanded, so an exponent like 1e999999999 would need gigabytes: not a decimal offline.
  if (exp && Math.abs(Number(exp)) > MAX_EXPONENT) return undefined;
  let m = BigInt(`${intPart}${fracPart}` || '0');
  let scale = fracPart.length;
  if (exp) {
    const e = Number(exp);
    if (e > 0) {
      if (e <= scale) scale -= e;
      else {
        m *= 10n ** BigInt(e - scale);
        scale = 0;
      }
    } else scale -= e;
  }
  if (sign === '-') m = -m;
  return { m, scale };
}

export function decimalToString(d: Decimal): string {
  const neg = d.m < 0n;
  const digits = (neg ? -d.m : d.m).toString();
  if (d.scale === 0) return `${neg ? '-' : ''}${digits}`;
  const padded = digits.padStart(d.scale + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, padded.length - d.scale)}.${padded.slice(padded.length - d.scale)}`;
}

/** "~f…" transit form. */
export const decimalToTransit = (d: Decimal): string => `~f${decimalToString(d)}`;

export const decimalToNumber = (transitOrPlain: string): number =>
  Number(transitOrPlain.startsWith('~f') ? transitOrPlain.slice(2) : transitOrPlain);

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.m, b.m, a.scale];
  if (a.scale > b.scale) return [a.m, b.m * 10n ** BigInt(a.scale - b.scale), a.scale];
  return [a.m * 10n ** BigInt(b.scale - a.scale), b.m, b.scale];
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const addDecimal = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, scale] = align(a, b);
  return { m: x + y, scale };
};
export const subDecimal = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, scale] = align(a, b);
  return { m: x - y, scale };
};
export const mulDecimal = (a: Decimal, b: Decimal): Decimal => ({ m: a.m * b.m, scale: a.scale + b.scale });

/** Removes trailing zeros after the point (2.500 → 2.5, 4.0 → 4). */
export function normalizeDecimal(d: Decimal): Decimal {
  let { m, scale } = d;
  while (scale > 0 && m % 10n === 0n) {
    m /= 10n;
    scale--;
  }
  return { m, scale };
}

const PRECISION = 28;

export function divDecimal(a: Decimal, b: Decimal): Decimal | undefined {
  if (b.m === 0n) return undefined;
  // Scale the dividend so the quotient has PRECISION significant digits, then round half-even.
  const extra = PRECISION + b.m.toString().length;
  const num = a.m * 10n ** BigInt(extra + b.scale);
  const q = num / b.m;
  const r = num % b.m;
  let m = q;
  const twice = 2n * (r < 0n ? -r : r);
  const den = b.m < 0n ? -b.m : b.m;
  if (twice > den || (twice === den && m % 2n !== 0n)) m += (num < 0n) !== (b.m < 0n) ? -1n : 1n;
  return normalizeDecimal({ m, scale: a.scale + extra });
}

/** Rounds to `digits` places: mode half-even, ceil, floor or down (toward zero). */
export function roundDecimal(d: Decimal, digits: number, mode: 'half-even' | 'ceil' | 'floor' | 'down'): Decimal {
  if (d.scale <= digits) return d;
  const factor = 10n ** BigInt(d.scale - digits);
  let q = d.m / factor; // truncated toward zero
  const r = d.m % factor;
  if (r !== 0n) {
    if (mode === 'ceil' && d.m > 0n) q += 1n;
    else if (mode === 'floor' && d.m < 0n) q -= 1n;
    else if (mode === 'half-even') {
      const twice = 2n * (r < 0n ? -r : r);
      if (twice > factor || (twice === factor && q % 2n !== 0n)) q += d.m < 0n ? -1n : 1n;
    }
  }
  return { m: q, scale: digits };
}
