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
// Token stream: both entry points emit the compact form as tokens ('{', '}', '[', ']', ',', ':'
// or a whole scalar / string literal) into a sink: the layout, or plain concatenation.

/** Receives the tokens of the compact form, in order. */
interface TokenSink {
  token(text: string): void;
}

/** The compact form itself (`,`/`:` separators): the tokens concatenated. */
class CompactSink implements TokenSink {
  private readonly parts: string[] = [];
  token(text: string): void {
    this.parts.push(text);
  }
  toString(): string {
    return this.parts.join('');
  }
}

// ---------------------------------------------------------------------------------------------
// In-memory values: checked, keys ordered, emitted. Paths are only built to report a problem.

const pathOfKey = (path: string, key: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

const describeObject = (value: object): string => {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'a non-plain object';
};

/** Thrown by the fast walk when a value is not plain JSON data; the checked walk then finds its path. */
const NOT_PLAIN = new Error('not plain JSON data');

/**
 * Emits `value` without building paths or tracking ancestors; throws NOT_PLAIN at anything the
 * checked walk would refuse (or at nesting deeper than any config, which could be a cycle).
 */
const emitValue = (value: unknown, out: TokenSink, depth: number): void => {
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value)) throw NOT_PLAIN;
      out.token(quote(value));
      return;
    case 'boolean':
      out.token(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      out.token(numberText(value));
      return;
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) {
    out.token('null');
    return;
  }
  if (depth > MAX_JSON_DEPTH) throw NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw NOT_PLAIN;
    out.token('[');
    // Index loop, not forEach(): holes in sparse arrays are undefined, and refused.
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.token(',');
      emitValue(value[i], out, depth + 1);
    }
    out.token(']');
    return;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw NOT_PLAIN;
  if (Object.getOwnPropertySymbols(value).length > 0) throw NOT_PLAIN;
  const keys = Object.keys(value).sort(compareConfigKeys);
  out.token('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (hasLoneSurrogate(key)) throw NOT_PLAIN;
    if (i > 0) out.token(',');
    out.token(quote(key));
    out.token(':');
    emitValue((value as Record<string, unknown>)[key], out, depth + 1);
  }
  out.token('}');
};

/** Finds what the fast walk refused, with its JSONPath; throws the SerializeError. */
const explainValue = (value: unknown, path: string, ancestors: Set<object>): void => {
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value)) throw new SerializeError('unpaired UTF-16 surrogate in string (not encodable as UTF-8)', path);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new SerializeError(`${value} is not a JSON number`, path);
      return;
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
  if (value === null) return;
  const object = value as object;
  if (ancestors.has(object)) throw new SerializeError('circular reference', path);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      if (Object.getPrototypeOf(object) !== Array.prototype) throw new SerializeError(describeObject(object), path);
      for (let i = 0; i < object.length; i++) explainValue(object[i], `${path}[${i}]`, ancestors);
      return;
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) throw new SerializeError(describeObject(object), path);
    if (Object.getOwnPropertySymbols(object).length > 0) throw new SerializeError('symbol-keyed property', path);
    for (const key of Object.keys(object).sort(compareConfigKeys)) {
      const keyPath = pathOfKey(path, key);
      if (hasLoneSurrogate(key)) throw new SerializeError('unpaired UTF-16 surrogate in key', keyPath);
      explainValue((object as Record<string, unknown>)[key], keyPath, ancestors);
    }
  } finally {
    ancestors.delete(object);
  }
};

/** Emits an in-memory value; anything that is not plain JSON data throws SerializeError with its path. */
const emitChecked = (value: unknown, out: TokenSink): void => {
  try {
    emitValue(value, out, 0);
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    explainValue(value, '$', new Set());
    // Only nesting: deeper than any config, and no cycle.
    throw new SerializeError(`nesting deeper than ${MAX_JSON_DEPTH} levels`, '$');
  }
};

// ---------------------------------------------------------------------------------------------
// Layout: from the compact tokens, the portal's line breaks and indentation (the rules of
// format_json, which walks the compact text character by character: string literals untouched).

const INDENT = '  ';

/** Output in chunks; keeps its trailing whitespace unflushed so it can still be dropped (Python's `rstrip()` on the output). */
class Output {
  private parts: string[] = [];
  constructor(private readonly flush: (chunk: string) => void) {}
  push(text: string): void {
    this.parts.push(text);
    if (this.parts.length >= 8192) this.drain(false);
  }
  /** The text kept back: everything after the last character that is not whitespace. */
  private tail(): string {
    return this.parts.join('');
  }
  endsWith(text: string): boolean {
    const last = this.parts[this.parts.length - 1];
    if (last !== undefined && last.length >= text.length) return last.endsWith(text);
    let tail = '';
    for (let i = this.parts.length - 1; i >= 0 && tail.length < text.length; i--) tail = this.parts[i] + tail;
    return tail.endsWith(text);
  }
  trimTrailingWhitespace(): void {
    while (this.parts.length > 0) {
      const last = this.parts[this.parts.length - 1]!;
      const trimmed = last.trimEnd();
      if (trimmed === '') {
        this.parts.pop();
        continue;
      }
      this.parts[this.parts.length - 1] = trimmed;
      return;
    }
  }
  /** Hands everything but the trailing whitespace on (all of it at the end). */
  drain(end: boolean): void {
    const text = this.tail();
    const keep = end ? text.length : text.trimEnd().length;
    if (keep > 0) this.flush(text.slice(0, keep));
    this.parts = keep < text.length ? [text.slice(keep)] : [];
  }
}

class Layout implements TokenSink {
  private readonly out: Output;
  private readonly open: Array<'object' | 'array'> = []; // containers enclosing the current position
  private indent = 0;
  private previous = '';
  private readonly newlines: string[] = [];

  constructor(flush: (chunk: string) => void) {
    this.out = new Output(flush);
  }

  private newline(level: number): string {
    const depth = Math.max(level, 0);
    return (this.newlines[depth] ??= `\n${INDENT.repeat(depth)}`);
  }

  token(text: string): void {
    const out = this.out;
    const c = text.length === 1 ? text : '';
    const parent = this.open[this.open.length - 1];
    switch (c) {
      case '{':
        // An object directly inside an array shares the array's level: entities in a list
        // read `}, {` instead of being indented twice.
        if (parent !== 'array') this.indent++;
        this.open.push('object');
        out.push('{');
        out.push(this.newline(this.indent));
        break;
      case '}': {
        this.open.pop();
        const enclosing = this.open[this.open.length - 1];
        if (enclosing !== 'array') this.indent--;
        if (this.previous === '{') out.trimTrailingWhitespace(); // empty object: `{}`
        else out.push(this.newline(enclosing === 'array' ? this.indent - 1 : this.indent));
        out.push('}');
        break;
      }
      case '[':
        this.indent++;
        this.open.push('array');
        // A sub-array (DTL sub-expression) starts on its own line, one level deeper.
        if (parent === 'array' && !out.endsWith(this.newline(this.indent - 1))) {
          out.trimTrailingWhitespace();
          out.push(this.newline(this.indent - 1));
        }
        out.push('[');
        break;
      case ']':
        this.open.pop();
        this.indent--;
        if (this.previous === ']') out.push(this.newline(this.indent));
        out.push(']');
        break;
      case ':':
        out.push(': ');
        break;
      case ',':
        out.push(parent === 'object' ? `,${this.newline(this.indent)}` : ', ');
        break;
      default:
        // A scalar or string literal (a one-character one too, e.g. `1`): copied whole.
        out.push(text);
        this.previous = text[text.length - 1]!;
        return;
    }
    this.previous = c;
  }

  end(): void {
    this.out.push('\n');
    this.out.drain(true);
  }
}

/** Lays the tokens `emit` produces out, handing the text on in chunks. */
const laidOut = (emit: (sink: TokenSink) => void, flush: (chunk: string) => void): void => {
  const layout = new Layout(flush);
  emit(layout);
  layout.end();
};

const collect = (emit: (sink: TokenSink) => void): string => {
  const chunks: string[] = [];
  laidOut(emit, (chunk) => chunks.push(chunk));
  return chunks.join('');
};

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Serialises in-memory config exactly as `sesam format` would write it, with a single
 * trailing newline. Throws `SerializeError` for anything that is not plain JSON data.
 */
export const formatJson = (value: unknown): string => collect((sink) => emitChecked(value, sink));

/** The compact form (`,`/`:` separators, conventional key order) with the same strictness. */
export const stringifyCompact = (value: unknown): string => {
  const sink = new CompactSink();
  emitChecked(value, sink);
  return sink.toString();
};

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
export const formatJsonText = (text: string, file?: string): string => {
  const plan = parseJsonText(text, file);
  return collect((sink) => emitText(plan, sink));
};

/**
 * formatJsonText without the whole result in memory: the formatted text is handed to `write` in
 * chunks, in order (for a large file, the output can be compared or written as it comes).
 * Invalid JSON throws before anything is written.
 */
export const formatJsonTextTo = (text: string, file: string | undefined, write: (chunk: string) => void): void => {
  const plan = parseJsonText(text, file);
  laidOut((sink) => emitText(plan, sink), write);
};

/** True when `text` is already exactly what `formatJsonText` would write. Invalid JSON throws like `formatJsonText`. */
export const isCanonical = (text: string, file?: string): boolean => {
  let offset = 0;
  let same = true;
  formatJsonTextTo(text, file, (chunk) => {
    if (same && text.startsWith(chunk, offset)) offset += chunk.length;
    else same = false;
  });
  return same && offset === text.length;
};

// ---------------------------------------------------------------------------------------------
// JSON text: a checking pass accepts what Python's json.loads accepts (minus the cases documented
// above) and notes the objects whose keys must be reordered; the emitting pass then walks the
// text again and emits tokens, copying literals that need no change as they are (no tree of the
// document is built: a large file costs little more than its text).

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

/** A member of an object whose keys are out of order (or repeated): its key and where its value starts. */
interface Member {
  readonly key: string;
  readonly value: number;
}

/** A checked text and what the emitting pass needs: the objects to reorder, by the offset of their `{`. */
interface Plan {
  readonly text: string;
  /** Offset of the value in `text` (after a BOM). */
  readonly start: number;
  /** `{` offset → members in output order (sorted, a repeated key once, with its last value) and the offset past its `}`. */
  readonly reorder: Map<number, { readonly members: Member[]; readonly end: number }>;
}

const isJsonWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

// The scanning is done by sticky regular expressions where it can: they run as native code from
// the first call, while a character loop is interpreted until the JIT compiles it — most files
// are small enough to be done by then.
const WHITESPACE = /[ \t\n\r]*/y;
/** The rest of a checked string literal, closing quote included. */
const STRING_REST = /(?:[^"\\]|\\.)*"/y;
/** Characters a string literal may hold as they are. */
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;

/** Offset just past the string literal whose quote is at `start` (in checked text). */
const endOfString = (text: string, start: number): number => {
  STRING_REST.lastIndex = start + 1;
  STRING_REST.test(text);
  return STRING_REST.lastIndex;
};

/** Offset of the first character at or after `at` that is not JSON whitespace. */
const afterWhitespace = (text: string, at: number): number => {
  // Most gaps are nothing or one space.
  const c = text.charCodeAt(at);
  if (c > 0x20) return at;
  if (c === 0x20 && text.charCodeAt(at + 1) > 0x20) return at + 1;
  WHITESPACE.lastIndex = at;
  WHITESPACE.test(text);
  return WHITESPACE.lastIndex;
};

/** Offset just past the value that starts at `start` (in checked text, no whitespace before it). */
const endOfValue = (text: string, start: number): number => {
  let pos = start;
  let nesting = 0;
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) pos = endOfString(text, pos);
    else if (c === 0x7b || c === 0x5b) {
      nesting++;
      pos++;
    } else if (c === 0x7d || c === 0x5d) {
      nesting--;
      pos++;
    } else if (nesting > 0) pos++;
    else {
      // A scalar at the top of the value: up to the next delimiter.
      while (pos < text.length && !isJsonWhitespace(text.charCodeAt(pos)) && ',}]'.indexOf(text[pos]!) < 0) pos++;
      return pos;
    }
    if (nesting === 0) return pos;
  }
};

const parseJsonText = (text: string, file: string | undefined): Plan => {
  const offset = text.startsWith('\ufeff') ? 1 : 0;
  let pos = offset;
  const reorder: Plan['reorder'] = new Map();

  const fail = (message: string, at: number = pos): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new JsonSyntaxError(line, column, message, file);
  };
  let depth = 0;
  const enter = (): void => {
    if (++depth > MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH} levels (Sesam's own JSON reader refuses it too)`);
  };
  const skipWhitespace = (): void => {
    pos = afterWhitespace(text, pos);
  };
  const describeHere = (): string => (pos >= text.length ? 'end of input' : JSON.stringify(text[pos]));

  /** Checks the string literal at `pos` and moves past it; returns its value when `decode`. */
  const checkString = (decode: boolean): string => {
    const start = pos;
    pos++; // opening quote
    let result = '';
    let runStart = pos;
    let escaped = false;
    for (;;) {
      PLAIN_RUN.lastIndex = pos;
      PLAIN_RUN.test(text);
      pos = PLAIN_RUN.lastIndex;
      if (pos >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string (must be escaped)');
      escaped = true;
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
    const raw = text.slice(runStart, pos);
    pos++; // closing quote
    if (escaped) {
      result += raw;
      if (hasLoneSurrogate(result)) fail('unpaired surrogate escape in string (not encodable as UTF-8)', start);
      return result;
    }
    // Decoded text from a file holds no lone surrogate; a string handed in might.
    if (hasLoneSurrogate(raw)) fail('unpaired surrogate escape in string (not encodable as UTF-8)', start);
    return decode ? raw : '';
  };

  const checkNumber = (): void => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (match === null) return fail(`unexpected ${describeHere()}`);
    const [numberLiteral, fraction, exponent] = match;
    const start = pos;
    pos += numberLiteral.length;
    if (fraction === undefined && exponent === undefined) {
      if (numberLiteral.length - (numberLiteral.charCodeAt(0) === 0x2d ? 1 : 0) > MAX_INT_DIGITS) fail(`integer has more than ${MAX_INT_DIGITS} digits`, start);
      return;
    }
    if (!Number.isFinite(Number(numberLiteral))) fail(`number ${numberLiteral} is out of range`, start);
  };

  const checkValue = (): void => {
    skipWhitespace();
    const c = text.charCodeAt(pos);
    if (c === 0x7b) return checkObject();
    if (c === 0x5b) return checkArray();
    if (c === 0x22) {
      checkString(false);
      return;
    }
    for (const literal of ['true', 'false', 'null'] as const) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return;
      }
    }
    for (const constant of ['NaN', 'Infinity', '-Infinity']) {
      if (text.startsWith(constant, pos)) fail(`${constant} is not valid JSON (Sesam rejects it)`);
    }
    checkNumber();
  };

  const checkArray = (): void => {
    enter();
    pos++;
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x5d) {
      pos++;
      depth--;
      return;
    }
    for (;;) {
      checkValue();
      skipWhitespace();
      const c = text.charCodeAt(pos);
      if (c === 0x2c) pos++;
      else if (c === 0x5d) {
        pos++;
        depth--;
        return;
      } else fail(`expected ',' or ']' but found ${describeHere()}`);
    }
  };

  const checkObject = (): void => {
    const open = pos;
    enter();
    pos++;
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x7d) {
      pos++;
      depth--;
      return;
    }
    let previous: string | undefined;
    let ordered = true;
    for (;;) {
      skipWhitespace();
      if (text.charCodeAt(pos) !== 0x22) fail(`expected a property name in double quotes but found ${describeHere()}`);
      const key = checkString(true);
      if (ordered && previous !== undefined && compareConfigKeys(previous, key) >= 0) ordered = false;
      previous = key;
      skipWhitespace();
      if (text.charCodeAt(pos) !== 0x3a) fail(`expected ':' but found ${describeHere()}`);
      pos++;
      checkValue();
      skipWhitespace();
      const c = text.charCodeAt(pos);
      if (c === 0x2c) pos++;
      else if (c === 0x7d) {
        pos++;
        depth--;
        if (!ordered) reorder.set(open, { members: membersOf(open), end: pos });
        return;
      } else fail(`expected ',' or '}' but found ${describeHere()}`);
    }
  };

  /** The members of the (checked) object at `open`, in output order; a repeated key keeps its last value, as in Python. */
  const membersOf = (open: number): Member[] => {
    const last = new Map<string, Member>();
    let at = open + 1;
    const skip = () => {
      at = afterWhitespace(text, at);
    };
    for (;;) {
      skip();
      const keyEnd = endOfString(text, at);
      const literal = text.slice(at, keyEnd);
      const key = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
      at = keyEnd;
      skip();
      at++; // ':'
      skip();
      last.set(key, { key, value: at });
      at = endOfValue(text, at);
      skip();
      if (text.charCodeAt(at++) === 0x7d) break;
    }
    return [...last.values()].sort((a, b) => compareConfigKeys(a.key, b.key));
  };

  skipWhitespace();
  if (pos >= text.length) fail('no JSON value (empty input)');
  const start = pos;
  checkValue();
  skipWhitespace();
  if (pos < text.length) fail(`unexpected ${describeHere()} after the JSON value`);
  return { text, start, reorder };
};

/** The emitting pass over a checked text: tokens of the compact form in the canonical key order. */
const emitText = (plan: Plan, out: TokenSink): void => {
  const { text, reorder } = plan;
  let pos = plan.start;
  const skipWhitespace = (): void => {
    pos = afterWhitespace(text, pos);
  };
  /** The string literal at `pos` as Python writes it; moves past it. */
  const stringToken = (): string => {
    const start = pos;
    pos = endOfString(text, start);
    const literal = text.slice(start, pos);
    // Without escapes the literal is already what Python writes: nothing in it needs escaping
    // (raw control characters, quotes and backslashes cannot be in a JSON string unescaped).
    return literal.includes('\\') ? quote(JSON.parse(literal) as string) : literal;
  };
  const value = (): void => {
    skipWhitespace();
    const c = text.charCodeAt(pos);
    if (c === 0x7b) return object();
    if (c === 0x5b) return array();
    if (c === 0x22) return out.token(stringToken());
    if (c === 0x74 || c === 0x6e) {
      out.token(c === 0x74 ? 'true' : 'null');
      pos += 4;
      return;
    }
    if (c === 0x66) {
      out.token('false');
      pos += 5;
      return;
    }
    NUMBER.lastIndex = pos;
    const [literal, fraction, exponent] = NUMBER.exec(text)!;
    pos += literal.length;
    if (fraction === undefined && exponent === undefined) out.token(literal === '-0' ? '0' : literal);
    else out.token(pythonFloatRepr(Number(literal)));
  };
  const array = (): void => {
    out.token('[');
    pos++;
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x5d) {
      pos++;
      out.token(']');
      return;
    }
    for (;;) {
      value();
      skipWhitespace();
      if (text.charCodeAt(pos++) === 0x5d) break;
      out.token(',');
    }
    out.token(']');
  };
  const object = (): void => {
    out.token('{');
    const reordered = reorder.get(pos);
    if (reordered) {
      reordered.members.forEach((m, i) => {
        if (i > 0) out.token(',');
        out.token(quote(m.key));
        out.token(':');
        pos = m.value;
        value();
      });
      pos = reordered.end;
      out.token('}');
      return;
    }
    pos++;
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x7d) {
      pos++;
      out.token('}');
      return;
    }
    for (;;) {
      skipWhitespace();
      out.token(stringToken());
      skipWhitespace();
      pos++; // ':'
      out.token(':');
      value();
      skipWhitespace();
      if (text.charCodeAt(pos++) === 0x7d) break;
      out.token(',');
    }
    out.token('}');
  };
  value();
};
