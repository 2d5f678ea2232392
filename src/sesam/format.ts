/**
 * The one serializer of sesamflow: writes config exactly as sesam-py's `jsonformat.format_json`
 * (what `sesam format` and `sesam download` write).
 *
 * Why byte-for-byte: `sesam status` compares local file *text* with `format_json(remote)`, so
 * any other layout makes every generated file look out of sync, and reviewers would see a shape
 * different from the portal's and from hand-edited Sesam repositories.
 *
 * The layout rules, and why they look the way they do:
 * - Keys in Sesam's conventional order (`_id`, `type`, `name`, `description`, `source`, `sink`,
 *   `transform`, ... hop keys ..., `default`), then other keys by code point, then internal
 *   `_*` keys (not `_id`), `$audit` and `$principals-from-user` last. Readers find the identity
 *   and the data flow of a pipe at the top, bookkeeping at the bottom; DTL `default` rules come
 *   before the named rules they call.
 * - Objects break after `{` and put one key per line; an object that sits in an array is not
 *   indented a second time (a list of entities reads like consecutive entities: `}, {`).
 * - Arrays never break after `[` and keep scalars on one line, because DTL expressions are
 *   arrays: `["add", "x", "_S.y"]` stays one readable line. A nested array (a sub-expression)
 *   starts on its own line, and a `]` directly after `]` goes on its own line, which gives DTL
 *   its familiar tree shape.
 * - Non-ASCII stays raw UTF-8, numbers print as Python prints them (`1.0`, `1e-07`, big integers
 *   exact), one trailing newline. From a JS value, a safe integer prints as an integer and any
 *   other number as a Python float (`0.5`, `1.5e+20`), so re-reading the file with Python's
 *   `json.loads` and formatting again gives the same bytes.
 *
 * How: keys are ordered, the value is serialised compactly (as Python's encoder with separators
 * `,`/`:` would), then one pass over the characters inserts line breaks and indentation from a
 * stack of open containers, leaving string contents alone — the same rules format_json follows.
 *
 * Strictness: `formatJson` is for values our compiler builds, so anything that is not plain
 * JSON data (undefined, functions, class instances, NaN, ...) is a bug and throws
 * `SerializeError` with the JSON path of the offending value.
 */
import { SesamflowError } from '../errors';

/** A value that cannot be written as Sesam config; `path` is a JSONPath such as `$.transform[0].rules`. */
export class SerializeError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`${reason} at ${path}`);
    this.name = 'SerializeError';
  }
}

// ---------------------------------------------------------------------------------------------
// Key order

const CONVENTIONAL_KEYS: readonly string[] = [
  '_id',
  'type',
  'name',
  'description',
  // pipes
  'source',
  'sink',
  'transform',
  'pump',
  'metadata',
  // sources and sinks
  'system',
  // hops
  'datasets',
  'where',
  'return',
  'recurse',
  'max_depth',
  'exclude_root',
  'track-dependencies',
  'trace',
  // DTL rules
  'default',
];
const CONVENTIONAL_RANK = new Map(CONVENTIONAL_KEYS.map((key, rank) => [key, rank]));

const isInternalKey = (key: string): boolean =>
  (key.startsWith('_') && key !== '_id') || key === '$audit' || key === '$principals-from-user';

/**
 * Compares strings by Unicode code point, as Python does. JS `<` compares UTF-16 code units,
 * which puts astral characters (surrogates, 0xD800–0xDFFF) before 0xE000–0xFFFF.
 */
export const compareCodePoints = (a: string, b: string): number => {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrderOfUnit(x) - codePointOrderOfUnit(y);
  }
  return a.length - b.length;
};
const codePointOrderOfUnit = (unit: number): number =>
  unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit;

/** Sesam's conventional key order; usable as an `Array.prototype.sort` comparator. */
export const compareConfigKeys = (a: string, b: string): number => {
  const groupA = isInternalKey(a) ? 2 : CONVENTIONAL_RANK.has(a) ? 0 : 1;
  const groupB = isInternalKey(b) ? 2 : CONVENTIONAL_RANK.has(b) ? 0 : 1;
  if (groupA !== groupB) return groupA - groupB;
  if (groupA === 0) return (CONVENTIONAL_RANK.get(a) ?? 0) - (CONVENTIONAL_RANK.get(b) ?? 0);
  return compareCodePoints(a, b);
};

// ---------------------------------------------------------------------------------------------
// Scalars

/**
 * A JS number as Python's `repr(float)` prints it: shortest round-trip digits, always a `.0` in
 * fixed notation, exponent form when the decimal exponent is < -4 or >= 16 (`1e-07`, `1.5e+20`).
 */
export const pythonFloatRepr = (x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no JSON representation`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // String() gives the shortest round-trip digits (closest when there is a choice), like Python.
  const { digits, exponent } = decimalDigits(String(Math.abs(x)));
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exponentText = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${exponentText}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integerPart}.${fraction === '' ? '0' : fraction}`;
};

/** Significant digits (no leading/trailing zeros) and the exponent of the first digit. */
const decimalDigits = (text: string): { digits: string; exponent: number } => {
  const [mantissa = '', exponentText] = text.split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  let digits = whole + fraction;
  let exponent = whole.length - 1 + (exponentText === undefined ? 0 : Number(exponentText));
  const leadingZeros = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(leadingZeros).replace(/0+$/, '');
  exponent -= leadingZeros;
  return { digits, exponent };
};

/**
 * A JS number as config text: safe integers as Python ints, everything else as a Python float.
 * Integer-valued doubles beyond 2^53 (1.5e20) are not exact integers in JS, so they keep the
 * float form (`1.5e+20`) rather than growing into long, falsely precise digit strings.
 */
const numberText = (x: number): string => {
  if (x === 0) return '0'; // -0 too: Python has no negative zero integer
  return Number.isSafeInteger(x) ? String(x) : pythonFloatRepr(x);
};

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const hasLoneSurrogate = (s: string): boolean => SURROGATE.test(s) && LONE_SURROGATE.test(s);
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/g;
const HAS_ESCAPE = /["\\\u0000-\u001f]/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A string literal as Python's encoder writes it with `ensure_ascii=False`. */
const quote = (s: string): string =>
  !HAS_ESCAPE.test(s)
    ? `"${s}"`
    : `"${s.replace(
    NEEDS_ESCAPE,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )}"`;

// ---------------------------------------------------------------------------------------------
// Ordered tree: both entry points normalise to this, then share one writer.

type Tree =
  | { kind: 'scalar'; text: string }
  | { kind: 'array'; items: Tree[] }
  | { kind: 'object'; entries: Array<[string, Tree]> };

const sortedEntries = (entries: Array<[string, Tree]>): Array<[string, Tree]> =>
  entries.sort(([a], [b]) => compareConfigKeys(a, b));

const pathOfKey = (path: string, key: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

const describeObject = (value: object): string => {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'a non-plain object';
};

const checkedString = (s: string, path: string): string => {
  if (hasLoneSurrogate(s)) throw new SerializeError('unpaired UTF-16 surrogate in string (not encodable as UTF-8)', path);
  return quote(s);
};

/** Strict conversion of an in-memory value; every non-JSON value is reported with its path. */
const treeOfValue = (value: unknown, path: string, ancestors: Set<object>): Tree => {
  switch (typeof value) {
    case 'string':
      return { kind: 'scalar', text: checkedString(value, path) };
    case 'boolean':
      return { kind: 'scalar', text: value ? 'true' : 'false' };
    case 'number':
      if (!Number.isFinite(value)) throw new SerializeError(`${value} is not a JSON number`, path);
      return { kind: 'scalar', text: numberText(value) };
    case 'undefined':
      throw new SerializeError('undefined value', path);
    case 'function':
      throw new SerializeError('function value', path);
    case 'symbol':
      throw new SerializeError('symbol value', path);
    case 'bigint':
      throw new SerializeError('bigint value (use a number)', path);
    case 'object':
      break;
  }
  if (value === null) return { kind: 'scalar', text: 'null' };
  const object = value as object;
  if (ancestors.has(object)) throw new SerializeError('circular reference', path);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      if (Object.getPrototypeOf(object) !== Array.prototype) throw new SerializeError(describeObject(object), path);
      const items: Tree[] = [];
      // Index loop, not map(): holes in sparse arrays must be reported as undefined.
      for (let i = 0; i < object.length; i++) items.push(treeOfValue(object[i], `${path}[${i}]`, ancestors));
      return { kind: 'array', items };
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) throw new SerializeError(describeObject(object), path);
    if (Object.getOwnPropertySymbols(object).length > 0) throw new SerializeError('symbol-keyed property', path);
    const entries: Array<[string, Tree]> = [];
    for (const [key, item] of Object.entries(object)) {
      const keyPath = pathOfKey(path, key);
      if (hasLoneSurrogate(key)) throw new SerializeError('unpaired UTF-16 surrogate in key', keyPath);
      entries.push([key, treeOfValue(item, keyPath, ancestors)]);
    }
    return { kind: 'object', entries: sortedEntries(entries) };
  } finally {
    ancestors.delete(object);
  }
};

const writeCompact = (tree: Tree, out: string[]): void => {
  switch (tree.kind) {
    case 'scalar':
      out.push(tree.text);
      return;
    case 'array':
      out.push('[');
      tree.items.forEach((item, i) => {
        if (i > 0) out.push(',');
        writeCompact(item, out);
      });
      out.push(']');
      return;
    case 'object':
      out.push('{');
      tree.entries.forEach(([key, item], i) => {
        if (i > 0) out.push(',');
        out.push(quote(key), ':');
        writeCompact(item, out);
      });
      out.push('}');
      return;
  }
};

const compactOf = (tree: Tree): string => {
  const out: string[] = [];
  writeCompact(tree, out);
  return out.join('');
};

// ---------------------------------------------------------------------------------------------
// Layout pass: walks the compact text; string literals are copied untouched.

const INDENT = '  ';

/** Output buffer that can drop trailing whitespace cheaply (Python's `rstrip()` on the output). */
class Output {
  private readonly parts: string[] = [];
  push(text: string): void {
    this.parts.push(text);
  }
  endsWith(text: string): boolean {
    let tail = '';
    for (let i = this.parts.length - 1; i >= 0 && tail.length < text.length; i--) tail = this.parts[i] + tail;
    return tail.endsWith(text);
  }
  trimTrailingWhitespace(): void {
    while (this.parts.length > 0) {
      const last = this.parts[this.parts.length - 1] ?? '';
      const trimmed = last.trimEnd();
      if (trimmed === '') {
        this.parts.pop();
        continue;
      }
      this.parts[this.parts.length - 1] = trimmed;
      return;
    }
  }
  toString(): string {
    return this.parts.join('');
  }
}

const layout = (compact: string): string => {
  const out = new Output();
  const open: Array<'object' | 'array'> = []; // containers enclosing the current position
  let indent = 0;
  let previous = '';
  const newlines: string[] = [];
  const newline = (level: number): string => {
    const depth = Math.max(level, 0);
    return (newlines[depth] ??= `\n${INDENT.repeat(depth)}`);
  };

  let i = 0;
  while (i < compact.length) {
    const c = compact[i] ?? '';
    if (c === '"') {
      const end = endOfStringLiteral(compact, i);
      out.push(compact.slice(i, end));
      previous = '"';
      i = end;
      continue;
    }
    const parent = open[open.length - 1];
    switch (c) {
      case '{':
        // An object directly inside an array shares the array's level: entities in a list
        // read `}, {` instead of being indented twice.
        if (parent !== 'array') indent++;
        open.push('object');
        out.push('{');
        out.push(newline(indent));
        break;
      case '}': {
        open.pop();
        const enclosing = open[open.length - 1];
        if (enclosing !== 'array') indent--;
        if (previous === '{') out.trimTrailingWhitespace(); // empty object: `{}`
        else out.push(newline(enclosing === 'array' ? indent - 1 : indent));
        out.push('}');
        break;
      }
      case '[':
        indent++;
        open.push('array');
        // A sub-array (DTL sub-expression) starts on its own line, one level deeper.
        if (parent === 'array' && !out.endsWith(newline(indent - 1))) {
          out.trimTrailingWhitespace();
          out.push(newline(indent - 1));
        }
        out.push('[');
        break;
      case ']':
        open.pop();
        indent--;
        if (previous === ']') out.push(newline(indent));
        out.push(']');
        break;
      case ':':
        out.push(': ');
        break;
      case ',':
        out.push(parent === 'object' ? `,${newline(indent)}` : ', ');
        break;
      default: {
        // A scalar (number, true, false, null): copy it whole, nothing inside it is structural.
        const end = endOfScalar(compact, i);
        out.push(compact.slice(i, end));
        previous = compact[end - 1] ?? '';
        i = end;
        continue;
      }
    }
    previous = c;
    i++;
  }
  out.push('\n');
  return out.toString();
};

const STRUCTURAL = new Set(['{', '}', '[', ']', ',', ':', '"']);
const endOfScalar = (text: string, start: number): number => {
  let i = start + 1;
  while (i < text.length && !STRUCTURAL.has(text[i] ?? '')) i++;
  return i;
};

/** Index just past the closing quote of the string literal that starts at `start`. */
const endOfStringLiteral = (text: string, start: number): number => {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return i;
};

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Serialises in-memory config exactly as `sesam format` would write it, with a single
 * trailing newline. Throws `SerializeError` for anything that is not plain JSON data.
 */
export const formatJson = (value: unknown): string => layout(compactOf(treeOfValue(value, '$', new Set())));

/** The compact form (`,`/`:` separators, conventional key order) with the same strictness. */
export const stringifyCompact = (value: unknown): string => compactOf(treeOfValue(value, '$', new Set()));

/**
 * Re-formats JSON text as `sesam format` does after Python's `json.loads`: integers are kept
 * exactly (any size), floats are re-printed as Python's `repr` of the double (`1.50` → `1.5`,
 * `1E5` → `100000.0`), a duplicated key keeps its last value.
 *
 * Deliberate differences from Python (each is an input error here, SesamflowError kind 'input'):
 * `NaN`, `Infinity`, `-Infinity` and floats that overflow to infinity (Python accepts them but
 * they are not JSON and the node rejects them; newer simplejson refuses to write them),
 * integers over 4300 digits (Python ≥ 3.11 refuses them too), and unpaired surrogate escapes
 * (Python fails when writing the file as UTF-8). A leading UTF-8 byte order mark is ignored.
 * Invalid JSON names `file` (or `<text>`) and the line:column of the problem.
 */
export const formatJsonText = (text: string, file?: string): string => layout(compactOf(parseJsonText(text, file)));

/** True when `text` is already exactly what `formatJsonText` would write. Invalid JSON throws like `formatJsonText`. */
export const isCanonical = (text: string, file?: string): boolean => text === formatJsonText(text, file);

// ---------------------------------------------------------------------------------------------
// JSON text parser: accepts what Python's json.loads accepts (minus the cases documented above)
// and keeps number text, which JSON.parse would round. Builds the ordered tree directly.

const MAX_INT_DIGITS = 4300;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const SIMPLE_UNESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Deepest nesting of arrays/objects accepted: Python's json module (sesam-py, the node) stops near 1000 too. */
export const MAX_JSON_DEPTH = 1000;

/** Invalid JSON text, located; an input error (exit 2) where it reaches the CLI. */
export class JsonSyntaxError extends SesamflowError {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    file: string | undefined,
  ) {
    super(`${file ?? '<text>'}:${line}:${column}: invalid JSON: ${reason}`, 'input');
  }
}

/**
 * Where and why `text` is not JSON as Sesam reads it (a BOM is allowed), or undefined when it
 * is. Used to locate what JSON.parse only reports vaguely, and to refuse nesting too deep to walk.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    parseJsonText(text, undefined);
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
}

const parseJsonText = (rawText: string, file: string | undefined): Tree => {
  const text = rawText.startsWith('\ufeff') ? rawText.slice(1) : rawText;
  const offset = text.length === rawText.length ? 0 : 1;
  let pos = 0;

  const fail = (message: string, at: number = pos): never => {
    const before = rawText.slice(0, at + offset);
    const line = before.split('\n').length;
    const column = at + offset - (before.lastIndexOf('\n') + 1) + 1;
    throw new JsonSyntaxError(line, column, message, file);
  };
  let depth = 0;
  const enter = (): void => {
    if (++depth > MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH} levels (Sesam's own JSON reader refuses it too)`);
  };
  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') pos++;
      else break;
    }
  };
  const describeHere = (): string => (pos >= text.length ? 'end of input' : JSON.stringify(text[pos]));

  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let result = '';
    let runStart = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string (must be escaped)');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      result += text.slice(runStart, pos);
      const escape = text[pos + 1];
      if (escape === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!HEX4.test(hex)) fail('invalid \\u escape');
        result += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else {
        const unescaped = escape === undefined ? undefined : SIMPLE_UNESCAPES[escape];
        if (unescaped === undefined) fail('invalid escape');
        result += unescaped;
        pos += 2;
      }
      runStart = pos;
    }
    result += text.slice(runStart, pos);
    pos++; // closing quote
    if (hasLoneSurrogate(result)) fail('unpaired surrogate escape in string (not encodable as UTF-8)', start);
    return result;
  };

  const parseNumber = (): Tree => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null) return fail(`unexpected ${describeHere()}`);
    const [numberLiteral, fraction, exponent] = match;
    const start = pos;
    pos += numberLiteral.length;
    if (fraction === undefined && exponent === undefined) {
      const digits = numberLiteral.replace('-', '');
      if (digits.length > MAX_INT_DIGITS) fail(`integer has more than ${MAX_INT_DIGITS} digits`, start);
      return { kind: 'scalar', text: digits === '0' ? '0' : numberLiteral };
    }
    const value = Number(numberLiteral);
    if (!Number.isFinite(value)) fail(`number ${numberLiteral} is out of range`, start);
    return { kind: 'scalar', text: pythonFloatRepr(value) };
  };

  const parseValue = (): Tree => {
    skipWhitespace();
    const c = text[pos];
    if (c === '{') return parseObject();
    if (c === '[') return parseArray();
    if (c === '"') return { kind: 'scalar', text: quote(parseString()) };
    for (const literal of ['true', 'false', 'null'] as const) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return { kind: 'scalar', text: literal };
      }
    }
    for (const constant of ['NaN', 'Infinity', '-Infinity']) {
      if (text.startsWith(constant, pos)) fail(`${constant} is not valid JSON (Sesam rejects it)`);
    }
    return parseNumber();
  };

  const parseArray = (): Tree => {
    enter();
    pos++;
    const items: Tree[] = [];
    skipWhitespace();
    if (text[pos] === ']') {
      pos++;
      depth--;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(parseValue());
      skipWhitespace();
      if (text[pos] === ',') pos++;
      else if (text[pos] === ']') {
        pos++;
        depth--;
        return { kind: 'array', items };
      } else fail(`expected ',' or ']' but found ${describeHere()}`);
    }
  };

  const parseObject = (): Tree => {
    enter();
    pos++;
    const members = new Map<string, Tree>(); // a repeated key keeps its last value, as in Python
    skipWhitespace();
    if (text[pos] === '}') {
      pos++;
      depth--;
      return { kind: 'object', entries: [] };
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] !== '"') fail(`expected a property name in double quotes but found ${describeHere()}`);
      const key = parseString();
      skipWhitespace();
      if (text[pos] !== ':') fail(`expected ':' but found ${describeHere()}`);
      pos++;
      members.set(key, parseValue());
      skipWhitespace();
      if (text[pos] === ',') pos++;
      else if (text[pos] === '}') {
        pos++;
        depth--;
        return { kind: 'object', entries: sortedEntries([...members]) };
      } else fail(`expected ',' or '}' but found ${describeHere()}`);
    }
  };

  skipWhitespace();
  if (pos >= text.length) fail('no JSON value (empty input)');
  const tree = parseValue();
  skipWhitespace();
  if (pos < text.length) fail(`unexpected ${describeHere()} after the JSON value`);
  return tree;
};
