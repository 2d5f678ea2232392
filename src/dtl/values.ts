// DTL values. Internally the evaluator works on plain JSON where Sesam's extension types stay
// transit-encoded strings ("~t…" datetime, "~:" NI, "~r" URI, "~u" UUID, "~f" decimal, "~b"
// bytes, "~~…" a string that starts with "~"). That keeps entities JSON at the boundary (no
// conversion pass per entity) and makes a literal like "~:foo:bar" in DTL a NI, as in Sesam.
// Functions that care classify values with kindOf(); plain strings are the common case and are
// recognised by their first char.
//
// Numbers keep Python's three types apart, as Sesam does: an int is a JS integer (or a
// BigInteger beyond 2^53), a float is a JS number with a fraction (or a Float box when its value
// is integral, like 1.0, or not finite), a decimal is a "~f" string. Boxes are rare (casts,
// float arithmetic, JSON text with "1.0"), so the common paths see plain numbers only.
import { compareDecimal, decimalToNumber, decimalToString, normalizeDecimal, parseDecimal, type Decimal } from './decimal';
import { parseTransitDatetime } from './datetime';

export type Value = unknown;
export type Dict = Record<string, unknown>;

export type Kind =
  | 'null'
  | 'boolean'
  | 'number'
  | 'decimal'
  | 'datetime'
  | 'uuid'
  | 'ni'
  | 'uri'
  | 'string'
  | 'dict'
  | 'list'
  | 'bytes';

/** A number Sesam would keep as a float or a big int, which a plain JS number cannot say. */
export abstract class NumberBox {
  abstract readonly kind: 'float' | 'int';
  /** The nearest JS number (what JSON.stringify writes when such a value leaves the evaluator). */
  abstract toJSON(): number;
}

/** A float whose value is integral (1.0, 2e20) or not finite. Other floats are plain numbers. */
export class Float extends NumberBox {
  readonly kind = 'float' as const;
  constructor(readonly value: number) {
    super();
  }
  toJSON(): number {
    return this.value;
  }
}

/** An integer outside ±2^53 (exact, like Python's int). Safe integers are plain numbers. */
export class BigInteger extends NumberBox {
  readonly kind = 'int' as const;
  constructor(readonly value: bigint) {
    super();
  }
  toJSON(): number {
    return Number(this.value);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A float value: a plain number when that says float (it has a fraction), else a Float box. */
export const floatValue = (n: number): Value => (Number.isInteger(n) ? new Float(n) : n);
/** An int value: a plain number when exact, else a BigInteger. */
export const intValue = (n: bigint): Value => (n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : new BigInteger(n));

/** True for ints (plain integers and BigInteger). */
export const isInteger = (v: Value): boolean => (typeof v === 'number' ? Number.isInteger(v) : v instanceof BigInteger);
/** True for floats (numbers with a fraction and Float boxes). */
export const isFloat = (v: Value): boolean => (typeof v === 'number' ? !Number.isInteger(v) : v instanceof Float);
/** Ints and floats (not decimals). */
export const isPyNumber = (v: Value): boolean => typeof v === 'number' || v instanceof NumberBox;
/** The JS number of an int or float (BigInteger rounded). */
export const numberOf = (v: Value): number => (typeof v === 'number' ? v : v instanceof BigInteger ? Number(v.value) : (v as Float).value);
/** The exact bigint of an int. */
export const bigintOf = (v: Value): bigint => (typeof v === 'number' ? BigInt(v) : (v as BigInteger).value);

/** Python's repr of a float: 1.0, 0.1, 1e-07, 1e+20, inf, nan. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(x, -0)) return '-0.0';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
    const e = Number(exponent);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

/** JSON text of an int or float as Python writes it. */
export const numberText = (v: Value): string => (isFloat(v) ? floatRepr(numberOf(v)) : typeof v === 'number' ? String(v) : (v as BigInteger).value.toString());

const TILDE = 126;
const DATETIME_RE = /^~t\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)?$/;
const DECIMAL_RE = /^~f[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const UUID_RE = /^~u[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const BYTES_RE = /^~b[A-Za-z0-9+/]*={0,2}$/;

/** The kind of a string: a transit-typed value or a plain string. */
export function stringKind(s: string): Kind {
  if (s.length < 2 || s.charCodeAt(0) !== TILDE) return 'string';
  switch (s.charCodeAt(1)) {
    case 116 /* t */:
      return DATETIME_RE.test(s) ? 'datetime' : 'string';
    case 58 /* : */:
      return 'ni';
    case 114 /* r */:
      return 'uri';
    case 117 /* u */:
      return UUID_RE.test(s) ? 'uuid' : 'string';
    case 102 /* f */:
      return DECIMAL_RE.test(s) ? 'decimal' : 'string';
    case 98 /* b */:
      return BYTES_RE.test(s) ? 'bytes' : 'string';
    default:
      return 'string';
  }
}

export function kindOf(v: Value): Kind {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return stringKind(v);
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return Array.isArray(v) ? 'list' : v instanceof NumberBox ? 'number' : 'dict';
    default:
      return 'null';
  }
}

export const isPlainString = (v: Value): v is string =>
  typeof v === 'string' && (v.length < 2 || v.charCodeAt(0) !== TILDE || stringKind(v) === 'string');

export const isDict = (v: Value): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof NumberBox);
/** A plain JS integer: what indexes, counts and widths must be. */
export const isInt = (v: Value): v is number => typeof v === 'number' && Number.isInteger(v);
/** Ints, floats and decimals. */
export const isNumeric = (v: Value): boolean => isPyNumber(v) || (typeof v === 'string' && stringKind(v) === 'decimal');

/** Names every plain object inherits ("constructor", "toString", "__proto__"...): never entity properties. */
const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
/** True when `name` needs an own-property check to be read as plain data. */
export const isInheritedName = (name: string): boolean => INHERITED.has(name);

/**
 * A property of a dict as plain data: inherited members (constructor, toString, __proto__) are
 * absent. Entity values are never functions, and every inherited member but __proto__ is one,
 * so the common case costs one typeof.
 */
export function getOwn(d: Dict, name: string): Value | undefined {
  const v = d[name];
  if (typeof v !== 'function' && name !== '__proto__') return v;
  return Object.prototype.hasOwnProperty.call(d, name) ? v : undefined;
}

/** True when a dict has the property as plain data. */
export const hasOwn = (d: Dict, name: string): boolean => Object.prototype.hasOwnProperty.call(d, name);

/** The prototype of target entities: an empty object that itself has no prototype. */
const ENTITY_PROTOTYPE: object = Object.freeze(Object.create(null) as object);
/**
 * A new target entity. Its prototype chain holds no members (no "constructor", "toString",
 * "__proto__" accessor), so nothing inherited can be mistaken for a property; unlike
 * Object.create(null) it stays a fast object in V8.
 */
export const newEntity = (): Dict => Object.create(ENTITY_PROTOTYPE) as Dict;

/** Sets a property as plain data; "__proto__" too (a plain assignment would replace the prototype). */
export function setOwn(d: Dict, name: string, v: Value): void {
  if (name === '__proto__') Object.defineProperty(d, name, { value: v, writable: true, enumerable: true, configurable: true });
  else d[name] = v;
}

/** DTL truthiness: false, null and [] are false; everything else is true. */
export const truthy = (v: Value): boolean =>
  !(v === false || v === null || v === undefined || (Array.isArray(v) && v.length === 0));

/** Null → [], list → itself, anything else → [v]. */
export const toList = (v: Value): Value[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** First element of a list (null when empty), the value itself otherwise. */
export const firstValue = (v: Value): Value => (Array.isArray(v) ? (v.length > 0 ? v[0] : null) : v ?? null);

/** Marker a vectorised element function returns to drop a value. */
export const SKIP: unique symbol = Symbol('skip');
export type Skip = typeof SKIP;

/**
 * Apply `fn` to a single value or to each element of a list, dropping SKIP results (values of
 * the wrong type). A single value that is skipped (or null) gives null.
 */
export function vmap(v: Value, fn: (x: Value) => Value | Skip): Value {
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const x of v) {
      const r = fn(x);
      if (r !== SKIP) out.push(r);
    }
    return out;
  }
  if (v === null || v === undefined) return null;
  const r = fn(v);
  return r === SKIP ? null : r;
}

/** Like vmap but a value the cast cannot handle is replaced by DEFAULT(value) when given. */
export function vcast(v: Value, cast: (x: Value) => Value | Skip, fallback?: (x: Value) => Value): Value {
  // Written out (no per-call closure): casts run for most properties of every entity.
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const x of v) {
      if (x === null || x === undefined) continue;
      let r = cast(x);
      if (r === SKIP && fallback) r = fallback(x);
      if (r !== SKIP) out.push(r);
    }
    return out;
  }
  if (v === null || v === undefined) return null;
  let r = cast(v);
  if (r === SKIP && fallback) r = fallback(v);
  return r === SKIP ? null : r;
}

const RANK: Record<Kind, number> = {
  null: 0,
  boolean: 1,
  number: 2,
  decimal: 2,
  datetime: 3,
  uuid: 4,
  ni: 5,
  uri: 6,
  string: 7,
  dict: 8,
  list: 9,
  bytes: 10,
};

/** The decimal of an int, float or "~f" decimal (undefined for NaN/infinite floats). */
export function decimalOf(v: Value): Decimal | undefined {
  if (typeof v === 'string') return parseDecimal(v.slice(2));
  if (v instanceof BigInteger) return { m: v.value, scale: 0 };
  const n = numberOf(v);
  return Number.isFinite(n) ? parseDecimal(String(n)) : undefined;
}

function compareNumeric(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const da = decimalOf(a);
  const db = decimalOf(b);
  if (da && db) return compareDecimal(da, db);
  const na = typeof a === 'string' ? decimalToNumber(a) : numberOf(a);
  const nb = typeof b === 'string' ? decimalToNumber(b) : numberOf(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Two digits at `i` as a number (the caller knows they are digits). */
const two = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/** A transit datetime whose fields are in range without normalising (day ≤ 28, so no month-length check). */
function inRange(s: string): boolean {
  const month = two(s, 7);
  if (month < 1 || month > 12 || two(s, 10) < 1 || two(s, 10) > 28) return false;
  return s.length === 12 || (two(s, 13) < 24 && two(s, 16) < 60 && two(s, 19) < 60);
}

/**
 * Two datetimes (already matched by DATETIME_RE) of the same length have the same layout, fixed
 * width digit fields and the same number of fraction digits: when no field needs normalising,
 * text order is time order, without parsing them (sesam_last_modified comparisons are hot).
 */
function sameLayoutValid(a: string, b: string): boolean {
  return a.length === b.length && inRange(a) && inRange(b);
}

/** Sesam's mixed-type ordering (sorted, min, max). */
export function compareValues(a: Value, b: Value): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (RANK[ka] !== RANK[kb]) return RANK[ka] - RANK[kb];
  switch (ka) {
    case 'null':
      return 0;
    case 'boolean':
      return Number(a) - Number(b);
    case 'number':
    case 'decimal':
      return compareNumeric(a, b);
    case 'datetime': {
      if (sameLayoutValid(a as string, b as string)) return cmpStr(a as string, b as string);
      const x = parseTransitDatetime(a as string)!;
      const y = parseTransitDatetime(b as string)!;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'dict': {
      const da = a as Dict;
      const db = b as Dict;
      const ak = Object.keys(da).sort();
      const bk = Object.keys(db).sort();
      const c = compareValues(ak, bk);
      if (c !== 0) return c;
      for (const k of ak) {
        const d = compareValues(da[k], db[k]);
        if (d !== 0) return d;
      }
      return 0;
    }
    case 'list': {
      const la = a as Value[];
      const lb = b as Value[];
      for (let i = 0; i < Math.min(la.length, lb.length); i++) {
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
      return la.length - lb.length;
    }
    default:
      return cmpStr(a as string, b as string);
  }
}

/** Deep equality with numbers and decimals compared by value. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === undefined) return b === null;
  if (b === undefined) return a === null;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'object' && tb === 'object' && a !== null && b !== null && !(a instanceof NumberBox) && !(b instanceof NumberBox)) {
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
      return true;
    }
    if (Array.isArray(b)) return false;
    const ka = Object.keys(a as Dict);
    if (ka.length !== Object.keys(b as Dict).length) return false;
    for (const k of ka) if (!(k in (b as Dict)) || !valuesEqual((a as Dict)[k], (b as Dict)[k])) return false;
    return true;
  }
  // Different representations of the same number or datetime.
  const ka = kindOf(a);
  const kb = kindOf(b);
  if ((ka === 'number' || ka === 'decimal') && (kb === 'number' || kb === 'decimal')) return compareNumeric(a, b) === 0;
  if (ka === 'datetime' && kb === 'datetime') return parseTransitDatetime(a as string) === parseTransitDatetime(b as string);
  return false;
}

// JSON.stringify of property names, remembered: the same few names recur in every entity.
const quotedKeys = new Map<string, string>();
function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 10_000) quotedKeys.set(k, q);
  }
  return q;
}

/** Equal numbers of any type (1, 1.0, "~f1.00") get the same key, as Python's hash gives them. */
function numberKey(v: Value): string {
  if (v instanceof Float) return `n${v.value}`;
  const d = decimalOf(v);
  if (!d) return `n${String(v)}`;
  const text = decimalToString(normalizeDecimal(d));
  const n = Number(text);
  return Number.isSafeInteger(n) || String(n) === text ? `n${n}` : `n${text}`;
}

/**
 * A string key such that equal values (valuesEqual) get equal keys; for sets and join indexes.
 * A plain string is its own key (most join values are strings: no new string to build and
 * hash for every look-up); every other key starts with U+0000, which a plain string's key never does.
 */
export function keyOf(v: Value): string {
  if (typeof v === 'string' && (v.length < 2 || v.charCodeAt(0) !== TILDE || stringKind(v) === 'string')) return v.charCodeAt(0) === 0 ? `\u0000${v}` : v;
  return `\u0000${partKey(v)}`;
}

/** keyOf of a value inside a list or dict (and of non-strings): a kind letter first, so parts never run together. */
function partKey(v: Value): string {
  if (v === null || v === undefined) return 'z';
  switch (typeof v) {
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'number':
      return `n${v}`;
    case 'string': {
      if (v.length > 1 && v.charCodeAt(0) === TILDE) {
        const k = stringKind(v);
        if (k === 'decimal') return numberKey(v);
        if (k === 'datetime') return `t${parseTransitDatetime(v)}`;
      }
      return `s${v}`;
    }
    case 'object': {
      if (v instanceof NumberBox) return numberKey(v);
      // Built with plain concatenation (no map/join arrays): distinct and merges key whole dicts.
      let s: string;
      if (Array.isArray(v)) {
        s = '[';
        for (let i = 0; i < v.length; i++) s += (i > 0 ? '\u0001' : '') + partKey(v[i]);
        return `${s}]`;
      }
      const d = v as Dict;
      const keys = Object.keys(d);
      if (keys.length > 1) keys.sort();
      s = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        s += `${i > 0 ? '\u0001' : ''}${quotedKey(k)}\u0002${partKey(d[k])}`;
      }
      return `${s}}`;
    }
    default:
      return 'z';
  }
}

/** Distinct values, first occurrence kept, order preserved. */
export function distinctValues(values: Value[], keyFn: (v: Value) => string = keyOf): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of values) {
    const k = keyFn(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}
