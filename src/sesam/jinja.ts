// A small evaluator for the Jinja templates of REST operations (url, params, headers, payload,
// id/updated expressions, next_page_link). It understands only what Sesam documents for them:
//
//   text with {{ expression }}, {% if %} / {% elif %} / {% else %} / {% endif %} and {# comments #}
//   (with the `-` whitespace control);
//   variables, attribute and item access (`entity.Id`, `entity['$source'].ContactId`, `xs[0]`);
//   literals (strings, numbers, true/false/none, lists);
//   arithmetic `+ - * / // % **`, string concatenation `~`, comparisons, `in`, `and`/`or`/`not`,
//   the inline `a if cond else b`;
//   tests after `is` (defined, none, number, string, ...);
//   a handful of filters (default, int, float, string, lower, upper, trim, length, replace,
//   urlencode, tojson, join, first, last, abs, round, bytes, base64_encode, base64_decode, ...);
//   a few string methods (`split`, `strip`, `replace`, `startswith`, ...) and `dict.get`.
//
// Values are plain data only. Attribute access reads own properties of plain objects and array
// indexes, nothing else: no prototype, no functions, no calling anything but the built-ins
// above. So a config (from a repository or downloaded from a node) cannot reach JavaScript.
// Anything outside the subset is a TemplateError when the template is compiled; `validate`
// reports those, the simulator refuses them.
import { SesamflowError } from '../errors';

export class TemplateError extends SesamflowError {
  constructor(
    message: string,
    /** Valid Jinja that this evaluator does not implement (a node may well accept it). */
    readonly unimplemented = false,
  ) {
    super(message, 'problems');
    this.name = 'TemplateError';
  }
}

/** Functions Sesam offers in operation templates, and Jinja statements: valid, just not simulated. */
const SESAM_FUNCTIONS = new Set(['now', 'timedelta', 'secret', 'range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace']);
const JINJA_STATEMENTS = new Set(['for', 'endfor', 'set', 'endset', 'with', 'endwith', 'filter', 'endfilter', 'raw', 'endraw']);

/**
 * Jinja's built-in filters: a template using one this evaluator lacks is valid Jinja, just not
 * simulated. (`attr` is left out on purpose: it walks to any attribute, which no operation needs.)
 */
const JINJA_FILTERS = new Set(
  'abs batch capitalize center default dictsort escape filesizeformat first float forceescape format groupby indent int items join last length list lower map max min pprint random reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title tojson trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr'.split(' '),
);

/** A compiled template: renders with the given variables. */
export type CompiledTemplate = (vars: Readonly<Record<string, unknown>>) => string;

/**
 * A variable with its own member lookup, standing for a plain value that is only built when a
 * filter needs all of it (the simulator's entity views, see template.ts).
 */
export abstract class LazyValue {
  abstract member(key: string): unknown;
  abstract value(): unknown;
}

const isMemberSource = (v: unknown): v is LazyValue => v instanceof LazyValue;

/** A Python float (the result of `/`, `float`, `round`): renders `2.0`, not `2`. */
class PyFloat {
  constructor(readonly n: number) {}
}
/** A Python bytes value (the `bytes` filter), for base64_encode. */
class PyBytes {
  constructor(readonly data: Uint8Array) {}
}

/** Longest string a template may build (guards against `replace`/`join`/`~` blow-ups). */
const MAX_STRING = 1_000_000;
/** Deepest expression nesting the parser accepts. */
const MAX_DEPTH = 64;

// ---- values ----------------------------------------------------------------------------------

type Value = unknown;

/** `table[key]` for own keys only: built-in tables are never read through their prototype. */
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};
const isMapping = (v: unknown): boolean => isPlainObject(v) || isMemberSource(v);
const plain = (v: Value): Value => (isMemberSource(v) ? v.value() : v);
const num = (v: Value): number | undefined => (typeof v === 'number' ? v : v instanceof PyFloat ? v.n : typeof v === 'boolean' ? (v ? 1 : 0) : undefined);

/** Reads `key` of a value the way the subset allows: own data only. */
function member(target: Value, key: Value): Value {
  if (target === undefined || target === null) return undefined;
  if (isMemberSource(target)) return typeof key === 'string' ? sanitize(target.member(key)) : undefined;
  if (Array.isArray(target) || typeof target === 'string') {
    const i = num(key);
    if (i === undefined || !Number.isInteger(i) || typeof key === 'boolean') return undefined;
    const index = i < 0 ? target.length + i : i;
    return index >= 0 && index < target.length ? sanitize(target[index]) : undefined;
  }
  if (isPlainObject(target)) {
    const k = typeof key === 'string' ? key : typeof key === 'number' ? String(key) : undefined;
    return k !== undefined && Object.hasOwn(target, k) ? sanitize(target[k]) : undefined;
  }
  return undefined;
}

/** Only data passes: functions, class instances (other than ours) and symbols read as undefined. */
function sanitize(v: unknown): Value {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) || isPlainObject(v) || isMemberSource(v) || v instanceof PyFloat || v instanceof PyBytes) return v;
  return undefined;
}

function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (v instanceof PyFloat) return v.n !== 0 && !Number.isNaN(v.n);
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyBytes) return v.data.length > 0;
  if (isMapping(v)) return Object.keys(plain(v) as object).length > 0;
  return true;
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n);
}

/** Python's `str()` of a value, as Jinja prints it. */
export function str(v: Value): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatText(v);
  if (v instanceof PyFloat) return floatText(v.n);
  return repr(v);
}

/** Python's `repr()`: lists and dicts print with quoted strings. */
function repr(v: Value): string {
  if (typeof v === 'string') return `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
  if (v instanceof PyBytes) return `b'${[...v.data].map((b) => (b >= 32 && b < 127 && b !== 39 && b !== 92 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}'`;
  if (Array.isArray(v)) return `[${v.map((x) => repr(sanitize(x))).join(', ')}]`;
  if (isMapping(v)) {
    const o = plain(v) as Record<string, unknown>;
    return `{${Object.keys(o)
      .map((k) => `${repr(k)}: ${repr(sanitize(o[k]))}`)
      .join(', ')}}`;
  }
  return v === undefined || typeof v === 'object' ? 'None' : str(v);
}

function bounded(s: string): string {
  if (s.length > MAX_STRING) throw new TemplateError(`the template builds a string longer than ${MAX_STRING} characters`);
  return s;
}

function typeName(v: Value): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'none';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyBytes) return 'bytes';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

function equal(a: Value, b: Value): boolean {
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  a = plain(a);
  b = plain(b);
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(sanitize(x), sanitize(b[i])));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(sanitize(a[k]), sanitize(b[k])));
  }
  return false;
}

function compare(op: string, a: Value, b: Value): boolean {
  if (op === '==') return equal(a, b);
  if (op === '!=') return !equal(a, b);
  const na = num(a);
  const nb = num(b);
  let x: number | string;
  let y: number | string;
  if (na !== undefined && nb !== undefined) [x, y] = [na, nb];
  else if (typeof a === 'string' && typeof b === 'string') [x, y] = [a, b];
  else throw new TemplateError(`cannot compare ${typeName(a)} and ${typeName(b)} with ${op}`);
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function contains(container: Value, item: Value): boolean {
  container = plain(container);
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateError(`'in <string>' requires a string, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => equal(sanitize(x), item));
  if (isPlainObject(container)) return typeof item === 'string' && Object.hasOwn(container, item);
  throw new TemplateError(`'in' needs a string, list or dict, not ${typeName(container)}`);
}

const float = (n: number) => new PyFloat(n);

function arithmetic(op: string, a: Value, b: Value): Value {
  // The common case (`page + 1`): two integers.
  if (op === '+' && typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b)) return a + b;
  if (a === undefined || b === undefined) throw new TemplateError(`an undefined value in '${op}'`);
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return bounded(a + b);
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  }
  const x = num(a);
  const y = num(b);
  if (x === undefined || y === undefined) throw new TemplateError(`unsupported operand types for ${op}: ${typeName(a)} and ${typeName(b)}`);
  const isFloat = a instanceof PyFloat || b instanceof PyFloat || !Number.isInteger(x) || !Number.isInteger(y);
  const wrap = (n: number) => (isFloat ? float(n) : n);
  switch (op) {
    case '+':
      return wrap(x + y);
    case '-':
      return wrap(x - y);
    case '*':
      return wrap(x * y);
    case '/':
      if (y === 0) throw new TemplateError('division by zero');
      return float(x / y);
    case '//':
      if (y === 0) throw new TemplateError('division by zero');
      return wrap(Math.floor(x / y));
    case '%':
      if (y === 0) throw new TemplateError('modulo by zero');
      return wrap(x - y * Math.floor(x / y));
    default:
      return wrap(x ** y);
  }
}

// ---- filters, tests, methods -----------------------------------------------------------------

type Builtin = (value: Value, args: Value[]) => Value;
interface BuiltinSpec {
  /** Parameter names after the value, for keyword arguments. */
  params: string[];
  fn: Builtin;
}

const text = (v: Value) => str(plain(v));
const sequenceOf = (v: Value, what: string): Value[] => {
  v = plain(v);
  if (typeof v === 'string') return [...v];
  if (Array.isArray(v)) return v.map(sanitize);
  if (isPlainObject(v)) return Object.keys(v);
  throw new TemplateError(`${what} needs a string or a list, not ${typeName(v)}`);
};

function toInt(v: Value, fallback: Value): Value {
  v = plain(v);
  const n = num(v);
  if (n !== undefined) return Number.isFinite(n) ? Math.trunc(n) : fallback;
  if (typeof v === 'string') {
    const s = v.trim().replaceAll('_', '');
    if (/^[+-]?\d+$/.test(s)) return Number.parseInt(s, 10);
    const f = Number(s);
    return s !== '' && Number.isFinite(f) ? Math.trunc(f) : fallback;
  }
  return fallback;
}

function toFloat(v: Value, fallback: Value): Value {
  v = plain(v);
  const n = num(v);
  if (n !== undefined) return float(n);
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase().replaceAll('_', '');
    const special: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity };
    if (Object.hasOwn(special, s)) return float(special[s]!);
    const f = Number(s);
    return s !== '' && !Number.isNaN(f) ? float(f) : fallback;
  }
  return fallback;
}

/** Python's urllib.parse.quote(s, safe='/'), as Jinja's urlencode uses for strings. */
const quote = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replaceAll('%2F', '/');

/** Jinja's tojson: json.dumps(sort_keys=True) with <, >, &, ' escaped. */
function toJson(v: Value): string {
  const dump = (x: Value): string => {
    x = plain(x);
    if (x === undefined || x === null) return 'null';
    if (x === true) return 'true';
    if (x === false) return 'false';
    if (typeof x === 'number') return Number.isInteger(x) ? String(x) : floatText(x);
    if (x instanceof PyFloat) return Number.isFinite(x.n) ? floatText(x.n) : x.n > 0 ? 'Infinity' : Number.isNaN(x.n) ? 'NaN' : '-Infinity';
    if (typeof x === 'string') return JSON.stringify(x).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (x instanceof PyBytes) throw new TemplateError('tojson cannot serialise bytes');
    if (Array.isArray(x)) return `[${x.map((e) => dump(sanitize(e))).join(', ')}]`;
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${dump(k)}: ${dump(sanitize(o[k]))}`)
      .join(', ')}}`;
  };
  return bounded(dump(v).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026').replaceAll("'", '\\u0027'));
}

function round(v: Value, precision: Value, method: Value): Value {
  const n = num(plain(v));
  if (n === undefined) throw new TemplateError(`round needs a number, not ${typeName(v)}`);
  const p = typeof precision === 'number' ? precision : 0;
  const f = 10 ** p;
  const m = method === undefined ? 'common' : method;
  if (m === 'common') return float(Math.sign(n) * Math.round(Math.abs(n) * f) / f);
  if (m === 'ceil') return float(Math.ceil(n * f) / f);
  if (m === 'floor') return float(Math.floor(n * f) / f);
  throw new TemplateError("round: method must be 'common', 'ceil' or 'floor'");
}

/** The largest (`sign` 1) or smallest (-1) of numbers or of strings; undefined for an empty sequence. */
function extreme(items: readonly Value[], sign: 1 | -1): Value {
  let best: Value;
  for (const item of items) {
    const a = num(item);
    const b = best === undefined ? undefined : num(best);
    const better = a !== undefined && b !== undefined ? (a - b) * sign > 0 : best === undefined || (text(item) > text(best)) === (sign === 1);
    if (better) best = item;
  }
  return best;
}

function base64Decode(v: Value): Value {
  const s = v instanceof PyBytes ? new TextDecoder().decode(v.data) : text(v);
  return new PyBytes(new Uint8Array(Buffer.from(s, 'base64')));
}

const FILTERS: Record<string, BuiltinSpec> = {
  default: { params: ['default_value', 'boolean'], fn: (v, [d, b]) => (v === undefined || (truthy(b) && !truthy(v)) ? (d === undefined ? '' : d) : v) },
  int: { params: ['default', 'base'], fn: (v, [d]) => toInt(v, d === undefined ? 0 : d) },
  float: { params: ['default'], fn: (v, [d]) => toFloat(v, d === undefined ? float(0) : d) },
  string: { params: [], fn: (v) => text(v) },
  lower: { params: [], fn: (v) => text(v).toLowerCase() },
  upper: { params: [], fn: (v) => text(v).toUpperCase() },
  capitalize: {
    params: [],
    fn: (v) => {
      const s = text(v);
      return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    },
  },
  trim: { params: ['chars'], fn: (v, [c]) => strip(text(v), c, 'both') },
  length: { params: [], fn: (v) => (v instanceof PyBytes ? v.data.length : sequenceOf(v, 'length').length) },
  replace: { params: ['old', 'new', 'count'], fn: (v, [o, n, c]) => replace(text(v), text(o), text(n), c) },
  urlencode: {
    params: [],
    fn: (v) => {
      v = plain(v);
      if (isPlainObject(v)) return Object.entries(v).map(([k, x]) => `${quote(k)}=${quote(str(sanitize(x)))}`.replaceAll('/', '%2F')).join('&');
      return quote(str(v));
    },
  },
  tojson: { params: ['indent'], fn: (v) => toJson(v) },
  join: { params: ['d', 'attribute'], fn: (v, [d]) => bounded(sequenceOf(v, 'join').map(str).join(d === undefined ? '' : text(d))) },
  first: { params: [], fn: (v) => sequenceOf(v, 'first')[0] },
  last: { params: [], fn: (v) => sequenceOf(v, 'last').at(-1) },
  max: { params: ['case_sensitive', 'attribute'], fn: (v) => extreme(sequenceOf(v, 'max'), 1) },
  min: { params: ['case_sensitive', 'attribute'], fn: (v) => extreme(sequenceOf(v, 'min'), -1) },
  truncate: {
    params: ['length', 'killwords', 'end', 'leeway'],
    fn: (v, [length, killwords, end, leeway]) => {
      const s = text(v);
      const max = typeof length === 'number' ? length : 255;
      const tail = end === undefined ? '...' : text(end);
      if (s.length <= max + (typeof leeway === 'number' ? leeway : 5)) return s;
      if (truthy(killwords)) return s.slice(0, max - tail.length) + tail;
      const cut = s.slice(0, max - tail.length);
      const space = cut.lastIndexOf(' ');
      return (space > 0 ? cut.slice(0, space) : cut) + tail;
    },
  },
  abs: {
    params: [],
    fn: (v) => {
      const n = num(v);
      if (n === undefined) throw new TemplateError(`abs needs a number, not ${typeName(v)}`);
      return v instanceof PyFloat ? float(Math.abs(n)) : Math.abs(n);
    },
  },
  round: { params: ['precision', 'method'], fn: (v, [p, m]) => round(v, p, m) },
  safe: { params: [], fn: (v) => v },
  bytes: { params: [], fn: (v) => (v instanceof PyBytes ? v : new PyBytes(new TextEncoder().encode(text(v)))) },
  base64_encode: { params: [], fn: (v) => Buffer.from(v instanceof PyBytes ? v.data : new TextEncoder().encode(text(v))).toString('base64') },
  base64_decode: { params: [], fn: (v) => base64Decode(v) },
};
FILTERS.d = FILTERS.default!;
FILTERS.count = FILTERS.length!;

function strip(s: string, chars: Value, side: 'both' | 'left' | 'right'): string {
  if (chars === undefined || chars === null) return side === 'both' ? s.trim() : side === 'left' ? s.trimStart() : s.trimEnd();
  const set = new Set(text(chars));
  let start = 0;
  let end = s.length;
  if (side !== 'right') while (start < end && set.has(s[start]!)) start++;
  if (side !== 'left') while (end > start && set.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function replace(s: string, old: string, replacement: string, count: Value): string {
  const limit = typeof count === 'number' && count >= 0 ? count : Infinity;
  if (old === '') return s;
  let out = '';
  let from = 0;
  let done = 0;
  for (let i = s.indexOf(old); i >= 0 && done < limit; i = s.indexOf(old, from)) {
    out = bounded(out + s.slice(from, i) + replacement);
    from = i + old.length;
    done++;
  }
  return bounded(out + s.slice(from));
}

function split(s: string, sep: Value, maxsplit: Value): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = s.trimStart();
    while (rest !== '' && parts.length < limit) {
      const m = /\s+/.exec(rest);
      if (!m) break;
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    if (rest !== '') parts.push(parts.length < limit ? rest : rest.trimEnd());
    return parts;
  }
  const d = text(sep);
  if (d === '') throw new TemplateError('split: empty separator');
  const parts: string[] = [];
  let from = 0;
  for (let i = s.indexOf(d); i >= 0 && parts.length < limit; i = s.indexOf(d, from)) {
    parts.push(s.slice(from, i));
    from = i + d.length;
  }
  parts.push(s.slice(from));
  return parts;
}

/** Methods callable on strings (Python str methods) and on mappings (`get`). */
const STRING_METHODS: Record<string, Builtin> = {
  split: (s, [sep, max]) => split(s as string, sep, max),
  strip: (s, [c]) => strip(s as string, c, 'both'),
  lstrip: (s, [c]) => strip(s as string, c, 'left'),
  rstrip: (s, [c]) => strip(s as string, c, 'right'),
  lower: (s) => (s as string).toLowerCase(),
  upper: (s) => (s as string).toUpperCase(),
  replace: (s, [o, n, c]) => replace(s as string, text(o), text(n), c),
  startswith: (s, [p]) => (s as string).startsWith(text(p)),
  endswith: (s, [p]) => (s as string).endsWith(text(p)),
};
const METHOD_NAMES = new Set([...Object.keys(STRING_METHODS), 'get']);

function callMethod(target: Value, name: string, args: Value[]): Value {
  if (name === 'get' && isMapping(target)) {
    const v = member(target, args[0]);
    return v === undefined ? (args[1] === undefined ? null : args[1]) : v;
  }
  const method = own(STRING_METHODS, name);
  if (method && typeof target === 'string') return method(target, args);
  throw new TemplateError(`${typeName(target)} has no method ${name}()`);
}

const TESTS: Record<string, (v: Value, args: Value[]) => boolean> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  number: (v) => typeof v === 'number' || v instanceof PyFloat,
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)),
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  mapping: (v) => isMapping(v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v),
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v),
  even: (v) => (num(v) ?? 1) % 2 === 0,
  odd: (v) => Math.abs((num(v) ?? 0) % 2) === 1,
  divisibleby: (v, [n]) => (num(n) ?? 0) !== 0 && (num(v) ?? 1) % num(n)! === 0,
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  eq: (v, [x]) => equal(v, x),
  ne: (v, [x]) => !equal(v, x),
  lt: (v, [x]) => compare('<', v, x),
  le: (v, [x]) => compare('<=', v, x),
  gt: (v, [x]) => compare('>', v, x),
  ge: (v, [x]) => compare('>=', v, x),
  in: (v, [x]) => contains(x, v),
};
TESTS.equalto = TESTS.eq!;
TESTS.sameas = TESTS.eq!;

// ---- lexer -----------------------------------------------------------------------------------

type TokenType = 'name' | 'number' | 'string' | 'op' | 'end';
interface Token {
  type: TokenType;
  value: string;
  pos: number;
}

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '(', ')', '[', ']', '.', ',', '|', '=', ':', '{', '}'];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function tokenize(source: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = offset + i;
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ type: 'name', value: name[0], pos });
      i += name[0].length;
      continue;
    }
    const number = /^(?:\d[\d_]*)?(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number && number[0] !== '' && /\d/.test(number[0][0] === '.' ? (number[0][1] ?? '') : number[0][0]!) && !(number[0][0] === '.' && tokens.length > 0 && isOperand(tokens.at(-1)!))) {
      tokens.push({ type: 'number', value: number[0].replaceAll('_', ''), pos });
      i += number[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== c; j++) {
        if (source[j] === '\\' && j + 1 < source.length) {
          const e = source[++j]!;
          if (e === 'u' && /^[0-9a-fA-F]{4}/.test(source.slice(j + 1, j + 5))) {
            value += String.fromCharCode(Number.parseInt(source.slice(j + 1, j + 5), 16));
            j += 4;
          } else value += own(ESCAPES, e) ?? `\\${e}`;
        } else value += source[j];
      }
      if (j >= source.length) throw new TemplateError(`unterminated string at ${pos}`);
      tokens.push({ type: 'string', value, pos });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new TemplateError(`unexpected character ${JSON.stringify(c)} at ${pos}`);
    tokens.push({ type: 'op', value: op, pos });
    i += op.length;
  }
  tokens.push({ type: 'end', value: '', pos: offset + source.length });
  return tokens;
}

const isOperand = (t: Token) => t.type === 'name' || t.type === 'number' || t.type === 'string' || (t.type === 'op' && (t.value === ')' || t.value === ']'));

// ---- parser (compiles straight to closures) ----------------------------------------------------

type Expr = (vars: Readonly<Record<string, unknown>>) => Value;

const KEYWORD_CONSTANTS: Record<string, Value> = { true: true, True: true, false: false, False: false, none: null, None: null };
const RESERVED = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif']);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.value === value;
  }
  private isName(value: string): boolean {
    const t = this.peek();
    return t.type === 'name' && t.value === value;
  }
  private expectOp(value: string): void {
    if (!this.isOp(value)) this.fail(`expected '${value}'`);
    this.i++;
  }
  fail(message: string, unimplemented = false): never {
    const t = this.peek();
    throw new TemplateError(`${message} at ${t.type === 'end' ? 'the end' : `'${t.value}'`} (position ${t.pos})`, unimplemented);
  }
  atEnd(): boolean {
    return this.peek().type === 'end';
  }
  expectEnd(): void {
    if (this.isOp(',')) this.fail('tuples are not part of the template subset');
    if (!this.atEnd()) this.fail('unexpected token');
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nested deeper than ${MAX_DEPTH} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** expression := or ['if' or ['else' expression]] */
  expression(): Expr {
    return this.nested(() => {
      const value = this.or();
      if (!this.isName('if')) return value;
      this.i++;
      const condition = this.or();
      let otherwise: Expr = () => undefined;
      if (this.isName('else')) {
        this.i++;
        otherwise = this.expression();
      }
      return (v) => (truthy(condition(v)) ? value(v) : otherwise(v));
    });
  }

  /** `a or b` / `a and b`: short-circuit, the deciding operand is the value (Python). */
  private logical(keyword: 'or' | 'and', operand: () => Expr): Expr {
    let left = operand();
    while (this.isName(keyword)) {
      this.i++;
      const a = left;
      const b = operand();
      const stopWhen = keyword === 'or';
      left = (v) => {
        const x = a(v);
        return truthy(x) === stopWhen ? x : b(v);
      };
    }
    return left;
  }

  private or(): Expr {
    return this.logical('or', () => this.and());
  }

  private and(): Expr {
    return this.logical('and', () => this.not());
  }

  private not(): Expr {
    if (this.isName('not')) {
      this.i++;
      const operand = this.nested(() => this.not());
      return (v) => !truthy(operand(v));
    }
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.concat();
    for (;;) {
      const t = this.peek();
      if (t.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.value)) {
        this.i++;
        const a = left;
        const b = this.concat();
        const op = t.value;
        left = (v) => compare(op, a(v), b(v));
      } else if (this.isName('in')) {
        this.i++;
        const a = left;
        const b = this.concat();
        left = (v) => contains(b(v), a(v));
      } else if (this.isName('not') && this.tokens[this.i + 1]?.type === 'name' && this.tokens[this.i + 1]!.value === 'in') {
        this.i += 2;
        const a = left;
        const b = this.concat();
        left = (v) => !contains(b(v), a(v));
      } else return left;
    }
  }

  private concat(): Expr {
    let left = this.additive();
    while (this.isOp('~')) {
      this.i++;
      const a = left;
      const b = this.additive();
      left = (v) => bounded(str(plain(a(v))) + str(plain(b(v))));
    }
    return left;
  }

  private binary(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || !ops.includes(t.value)) return left;
      this.i++;
      const a = left;
      const b = operand();
      const op = t.value;
      left = (v) => arithmetic(op, a(v), b(v));
    }
  }

  private additive(): Expr {
    return this.binary(['+', '-'], () => this.multiplicative());
  }

  private multiplicative(): Expr {
    return this.binary(['*', '/', '//', '%'], () => this.unary());
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().value;
      const operand = this.nested(() => this.unary());
      return (v) => {
        const x = operand(v);
        if (num(x) === undefined) throw new TemplateError(`bad operand type for unary ${op}: ${typeName(x)}`);
        return op === '-' ? arithmetic('-', 0, x) : x;
      };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.filtered();
    if (!this.isOp('**')) return base;
    this.i++;
    const exponent = this.nested(() => this.unary());
    return (v) => arithmetic('**', base(v), exponent(v));
  }

  /** postfix, then `| filter(args)` and `is [not] test(args)` */
  private filtered(): Expr {
    let value = this.postfix();
    for (;;) {
      if (this.isOp('|')) {
        this.i++;
        const nameToken = this.next();
        if (nameToken.type !== 'name') this.fail('expected a filter name');
        const spec = own(FILTERS, nameToken.value);
        if (!spec)
          throw new TemplateError(
            `filter '${nameToken.value}' is not part of the template subset (supported: ${Object.keys(FILTERS).sort().join(', ')})`,
            JINJA_FILTERS.has(nameToken.value),
          );
        const args = this.isOp('(') ? this.callArgs(spec.params, `filter ${nameToken.value}`) : [];
        const operand = value;
        value = (v) => spec.fn(operand(v), args.map((a) => (a ? a(v) : undefined)));
      } else if (this.isName('is')) {
        this.i++;
        let negate = false;
        if (this.isName('not')) {
          this.i++;
          negate = true;
        }
        const nameToken = this.next();
        const testName = nameToken.type === 'name' ? nameToken.value : nameToken.type === 'op' && nameToken.value === '==' ? 'eq' : '';
        const test = own(TESTS, testName);
        if (!test) throw new TemplateError(`test '${nameToken.value}' is not part of the template subset (supported: ${Object.keys(TESTS).sort().join(', ')})`);
        let args: (Expr | undefined)[] = [];
        if (this.isOp('(')) args = this.callArgs(['value'], `test ${testName}`);
        else if (['divisibleby', 'eq', 'equalto', 'sameas', 'ne', 'lt', 'le', 'gt', 'ge', 'in'].includes(testName) && this.startsOperand()) args = [this.postfix()];
        const operand = value;
        value = (v) => test(operand(v), args.map((a) => (a ? a(v) : undefined))) !== negate;
      } else return value;
    }
  }

  private startsOperand(): boolean {
    const t = this.peek();
    return t.type === 'number' || t.type === 'string' || (t.type === 'name' && !RESERVED.has(t.value)) || (t.type === 'op' && (t.value === '(' || t.value === '['));
  }

  /** `(a, b, name=c)` mapped onto the parameter names. */
  private callArgs(params: string[], what: string): (Expr | undefined)[] {
    this.expectOp('(');
    const args: (Expr | undefined)[] = [];
    let keywords = false;
    while (!this.isOp(')')) {
      const t = this.peek();
      if (t.type === 'name' && this.tokens[this.i + 1]?.type === 'op' && this.tokens[this.i + 1]!.value === '=') {
        const index = params.indexOf(t.value);
        if (index < 0) this.fail(`${what} has no argument '${t.value}'`);
        this.i += 2;
        args[index] = this.expression();
        keywords = true;
      } else {
        if (keywords) this.fail('a positional argument after a keyword argument');
        if (args.length >= params.length) this.fail(`${what} takes at most ${params.length} argument(s)`);
        args.push(this.expression());
      }
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp(')');
    return args;
  }

  private postfix(): Expr {
    let value = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.type !== 'name' && t.type !== 'number') this.fail('expected an attribute name');
        const target = value;
        if (this.isOp('(')) {
          if (!METHOD_NAMES.has(t.value)) throw new TemplateError(`method ${t.value}() is not part of the template subset (supported: ${[...METHOD_NAMES].sort().join(', ')})`);
          const args = this.callArgs(['a', 'b', 'c'], `${t.value}()`);
          value = (v) => callMethod(target(v), t.value, args.map((a) => (a ? a(v) : undefined)));
        } else {
          const key = t.type === 'number' ? Number(t.value) : t.value;
          value = (v) => member(target(v), key);
        }
      } else if (this.isOp('[')) {
        this.i++;
        if (this.isOp(':')) this.fail('slices are not part of the template subset', true);
        const key = this.expression();
        if (this.isOp(':')) this.fail('slices are not part of the template subset', true);
        this.expectOp(']');
        const target = value;
        value = (v) => member(target(v), plain(key(v)));
      } else if (this.isOp('(')) {
        this.fail('calling functions is not part of the template subset');
      } else return value;
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'number': {
        const n = Number(t.value);
        if (Number.isNaN(n)) this.fail('bad number');
        const value = /[.eE]/.test(t.value) ? float(n) : n;
        return () => value;
      }
      case 'string': {
        let s = t.value;
        // Adjacent string literals join, as in Python.
        while (this.peek().type === 'string') s += this.next().value;
        return () => s;
      }
      case 'name': {
        if (Object.hasOwn(KEYWORD_CONSTANTS, t.value)) {
          const c = KEYWORD_CONSTANTS[t.value];
          return () => c;
        }
        if (RESERVED.has(t.value)) {
          this.i--;
          this.fail('expected a value');
        }
        if (this.isOp('(')) throw new TemplateError(`calling ${t.value}() is not part of the template subset`, SESAM_FUNCTIONS.has(t.value));
        const name = t.value;
        return (v) => (Object.hasOwn(v, name) ? sanitize(v[name]) : undefined);
      }
      case 'op':
        if (t.value === '(') {
          const inner = this.nested(() => this.expression());
          if (this.isOp(',')) this.fail('tuples are not part of the template subset');
          this.expectOp(')');
          return inner;
        }
        if (t.value === '[') {
          const items: Expr[] = [];
          this.nested(() => {
            while (!this.isOp(']')) {
              items.push(this.expression());
              if (!this.isOp(',')) break;
              this.i++;
            }
          });
          this.expectOp(']');
          return (v) => items.map((item) => item(v));
        }
        if (t.value === '{') this.fail('dict literals are not part of the template subset');
        this.i--;
        return this.fail('expected a value');
      default:
        this.i--;
        return this.fail('expected a value');
    }
  }
}

function parseExpression(source: string, offset: number): Expr {
  const parser = new Parser(tokenize(source, offset));
  if (parser.atEnd()) parser.fail('empty expression');
  const expr = parser.expression();
  parser.expectEnd();
  return expr;
}

// ---- template structure ----------------------------------------------------------------------

type Node = { kind: 'text'; text: string } | { kind: 'output'; expr: Expr } | { kind: 'if'; branches: { condition: Expr; body: Node[] }[]; otherwise: Node[] };

interface Tag {
  kind: 'text' | 'output' | 'statement';
  content: string;
  pos: number;
}

/** Splits a template into text, `{{ }}` and `{% %}` pieces; comments are dropped; `-` trims whitespace. */
function scan(template: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  let trimNext = false;
  const pushText = (s: string, trimEnd: boolean) => {
    let t = trimNext ? s.trimStart() : s;
    if (trimEnd) t = t.trimEnd();
    trimNext = false;
    if (t !== '') tags.push({ kind: 'text', content: t, pos: i });
  };
  while (i < template.length) {
    const open = template.slice(i).search(/\{[{%#]/);
    if (open < 0) {
      pushText(template.slice(i), false);
      break;
    }
    const start = i + open;
    const kind = template[start + 1]!;
    // sesam-py's connector placeholders `{{@ name @}}` are replaced before upload: plain text here.
    if (kind === '{' && template[start + 2] === '@') {
      const close = template.indexOf('@}}', start);
      const end = close < 0 ? template.length : close + 3;
      pushText(template.slice(i, end), false);
      i = end;
      continue;
    }
    const closer = kind === '{' ? '}}' : kind === '%' ? '%}' : '#}';
    const trimBefore = template[start + 2] === '-';
    pushText(template.slice(i, start), trimBefore);
    const bodyStart = start + 2 + (trimBefore ? 1 : 0);
    const close = kind === '{' ? findClose(template, bodyStart) : template.indexOf(closer, bodyStart);
    if (close < 0) throw new TemplateError(`unclosed '{${kind}' at position ${start}`);
    const trimAfter = template[close - 1] === '-' && close - 1 >= bodyStart;
    const body = template.slice(bodyStart, trimAfter ? close - 1 : close);
    if (kind === '{') tags.push({ kind: 'output', content: body, pos: bodyStart });
    else if (kind === '%') tags.push({ kind: 'statement', content: body, pos: bodyStart });
    i = close + 2;
    trimNext = trimAfter;
  }
  return tags;
}

/** The `}}` that closes an expression, skipping quoted strings (which may contain `}}`). */
function findClose(template: string, from: number): number {
  let quote = '';
  for (let j = from; j < template.length - 1; j++) {
    const c = template[j]!;
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '}' && template[j + 1] === '}') return j;
  }
  return -1;
}

function build(tags: Tag[]): Node[] {
  let index = 0;
  const block = (terminators: string[]): { nodes: Node[]; end?: string; arg?: Tag } => {
    const nodes: Node[] = [];
    while (index < tags.length) {
      const tag = tags[index++]!;
      if (tag.kind === 'text') nodes.push({ kind: 'text', text: tag.content });
      else if (tag.kind === 'output') nodes.push({ kind: 'output', expr: parseExpression(tag.content, tag.pos) });
      else {
        const m = /^\s*([A-Za-z_]\w*)\s*([\s\S]*?)\s*$/.exec(tag.content);
        const keyword = m?.[1] ?? '';
        if (terminators.includes(keyword)) return { nodes, end: keyword, arg: { ...tag, content: m![2]! } };
        if (keyword === 'elif' || keyword === 'else' || keyword === 'endif') throw new TemplateError(`{% ${keyword} %} without {% if %} (position ${tag.pos})`);
        if (keyword !== 'if') {
          throw new TemplateError(`{% ${keyword || tag.content.trim()} %} is not part of the template subset (only if / elif / else / endif)`, JINJA_STATEMENTS.has(keyword));
        }
        const branches: { condition: Expr; body: Node[] }[] = [];
        let condition = parseExpression(m![2]!, tag.pos);
        let otherwise: Node[] = [];
        for (;;) {
          const part = block(['elif', 'else', 'endif']);
          if (part.end === undefined) throw new TemplateError(`{% if %} at position ${tag.pos} has no {% endif %}`);
          if (part.end === 'else' || part.end === 'endif') branches.push({ condition, body: part.nodes });
          if (part.end === 'elif') {
            branches.push({ condition, body: part.nodes });
            condition = parseExpression(part.arg!.content, part.arg!.pos);
            continue;
          }
          if (part.end === 'else') {
            const rest = block(['endif']);
            if (rest.end === undefined) throw new TemplateError(`{% else %} at position ${part.arg!.pos} has no {% endif %}`);
            otherwise = rest.nodes;
          }
          break;
        }
        nodes.push({ kind: 'if', branches, otherwise });
      }
    }
    return { nodes };
  };
  const top = block([]);
  if (top.end !== undefined) throw new TemplateError(`{% ${top.end} %} without {% if %}`);
  return top.nodes;
}

type Render = (vars: Readonly<Record<string, unknown>>) => string;

/** Nodes → one closure that concatenates their output. */
function compileNodes(nodes: readonly Node[]): Render {
  const parts: Render[] = nodes.map((node): Render => {
    if (node.kind === 'text') {
      const t = node.text;
      return () => t;
    }
    if (node.kind === 'output') {
      const expr = node.expr;
      return (vars) => str(plain(expr(vars)));
    }
    const branches = node.branches.map((b) => ({ condition: b.condition, body: compileNodes(b.body) }));
    const otherwise = compileNodes(node.otherwise);
    return (vars) => {
      for (const b of branches) if (truthy(b.condition(vars))) return b.body(vars);
      return otherwise(vars);
    };
  });
  if (parts.length === 0) return () => '';
  if (parts.length === 1) return parts[0]!;
  return (vars) => {
    let out = '';
    for (const part of parts) out += part(vars);
    return out;
  };
}

/** Compiles a template; throws a TemplateError naming what is outside the subset. */
export function compileTemplate(template: string): CompiledTemplate {
  const render = compileNodes(build(scan(template)));
  return (vars) => bounded(render(vars));
}

const hasTemplateSyntax = (s: string) => s.includes('{{') || s.includes('{%') || s.includes('{#');
const cache = new Map<string, CompiledTemplate>();

/** The compiled template, cached by its text (a simulation renders the same few for every entity). */
export function compiledTemplate(template: string): CompiledTemplate {
  let render = cache.get(template);
  if (!render) {
    render = hasTemplateSyntax(template) ? compileTemplate(template) : () => template;
    cache.set(template, render);
  }
  return render;
}

/** Why a template is outside the subset (and whether it is still valid Jinja), or undefined when it is inside. */
export function templateProblem(template: string): { message: string; unimplemented: boolean } | undefined {
  if (!hasTemplateSyntax(template)) return undefined;
  try {
    compiledTemplate(template);
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return { message: error.message, unimplemented: error.unimplemented };
    throw error;
  }
}
