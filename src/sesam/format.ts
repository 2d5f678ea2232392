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

/** A key's place before its text counts: the conventional keys by rank, then other keys, then internal ones. */
const GROUP_OTHER = CONVENTIONAL_KEYS.length;
const GROUP_INTERNAL = GROUP_OTHER + 1;
const keyGroup = (key: string): number => CONVENTIONAL_RANK.get(key) ?? (isInternalKey(key) ? GROUP_INTERNAL : GROUP_OTHER);

/** Sesam's conventional key order; usable as an `Array.prototype.sort` comparator. */
export const compareConfigKeys = (a: string, b: string): number => {
  const groupA = keyGroup(a);
  const groupB = keyGroup(b);
  if (groupA !== groupB) return groupA - groupB;
  return groupA < GROUP_OTHER ? 0 : compareCodePoints(a, b);
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

/** Anything in a string that needs a second look: a character to escape, or a surrogate. */
const UNUSUAL = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string literal as Python's encoder writes it with `ensure_ascii=False`. */
const quote = (s: string): string =>
  !HAS_ESCAPE.test(s)
    ? `"${s}"`
    : `"${s.replace(
    NEEDS_ESCAPE,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )}"`;

// ---------------------------------------------------------------------------------------------
// Writers: both entry points walk their input in the canonical key order and tell a writer
// what comes (a scalar, a container opening or closing, an item, a member); the writer lays it
// out. The layout rules are those format_json applies to the compact text character by character,
// here stated per structure:
// - an object breaks after `{` and puts each member on its own line; an object directly inside
//   an array shares the array's level (entities in a list read `}, {`, not indented twice);
// - an array keeps its items on one line (`, `), except an item that is itself an array (a DTL
//   sub-expression): it starts on a new line one level deeper, and the `]` after such an item
//   goes on its own line — which gives DTL its familiar tree shape;
// - `{}` for an empty object, `[]` for an empty array, `: ` after a key, one final newline.

interface Writer {
  scalar(text: string): void;
  openArray(): void;
  /** Before item `index`, which is an array or not. */
  item(index: number, isArray: boolean): void;
  closeArray(lastIsArray: boolean): void;
  emptyObject(): void;
  openObject(): void;
  /** Before member `index` with its key, a string literal. */
  member(index: number, key: string): void;
  closeObject(): void;
}

/** The output is handed on in pieces of about this many characters (the text of a large file is never whole). */
const PIECE_LENGTH = 1 << 16;

/** The output, handed on in pieces. */
class Output {
  private text = '';
  constructor(private readonly flush: (piece: string) => void) {}
  protected push(text: string): void {
    // Concatenation, not an array of parts: V8 builds the piece as a rope and copies it once.
    this.text += text;
    if (this.text.length >= PIECE_LENGTH) this.drain();
  }
  drain(): void {
    if (this.text.length > 0) {
      // Flattened now (reading a character does it): a kept piece must not keep its rope.
      this.text.charCodeAt(0);
      this.flush(this.text);
    }
    this.text = '';
  }
}

/** The compact form (`,`/`:` separators). */
class CompactWriter extends Output implements Writer {
  scalar(text: string): void {
    this.push(text);
  }
  openArray(): void {
    this.push('[');
  }
  item(index: number): void {
    if (index > 0) this.push(',');
  }
  closeArray(): void {
    this.push(']');
  }
  emptyObject(): void {
    this.push('{}');
  }
  openObject(): void {
    this.push('{');
  }
  member(index: number, key: string): void {
    if (index > 0) this.push(',');
    this.push(key);
    this.push(':');
  }
  closeObject(): void {
    this.push('}');
  }
}

const INDENT = '  ';
const NEWLINES: string[] = [];
const newline = (level: number): string => (NEWLINES[level] ??= `\n${INDENT.repeat(level)}`);

/** The portal's layout. */
class PrettyWriter extends Output implements Writer {
  /** Indentation level of the current container's contents. */
  private level = 0;
  /** Whether each open container is an array. */
  private readonly arrays: boolean[] = [];

  scalar(text: string): void {
    this.push(text);
  }
  openArray(): void {
    this.arrays.push(true);
    this.level++;
    this.push('[');
  }
  item(index: number, isArray: boolean): void {
    if (isArray) this.push(index > 0 ? `,${newline(this.level)}` : newline(this.level));
    else if (index > 0) this.push(', ');
  }
  closeArray(lastIsArray: boolean): void {
    this.arrays.pop();
    this.level--;
    this.push(lastIsArray ? `${newline(this.level)}]` : ']');
  }
  emptyObject(): void {
    this.push('{}');
  }
  openObject(): void {
    if (!this.inArray()) this.level++;
    this.arrays.push(false);
    this.push(`{${newline(this.level)}`);
  }
  member(index: number, key: string): void {
    // One piece per member (fewer pieces, less to join).
    this.push(index > 0 ? `,${newline(this.level)}${key}: ` : `${key}: `);
  }
  closeObject(): void {
    this.arrays.pop();
    this.push(`${newline(this.inArray() ? this.level - 1 : --this.level)}}`);
  }
  end(): void {
    this.push('\n');
    this.drain();
  }
  private inArray(): boolean {
    return this.arrays.length > 0 && this.arrays[this.arrays.length - 1]!;
  }
}

// ---------------------------------------------------------------------------------------------
// In-memory values: checked, keys ordered, written. Paths are only built to report a problem.

const pathOfKey = (path: string, key: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

const describeObject = (value: object): string => {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'a non-plain object';
};

/** Thrown by the fast walk when a value is not plain JSON data; the checked walk then finds its path. */
const NOT_PLAIN = new Error('not plain JSON data');

/**
 * Writes `value` without building paths or tracking ancestors; throws NOT_PLAIN at anything the
 * checked walk would refuse (or at nesting deeper than any config, which could be a cycle).
 */
const writeValue = (value: unknown, out: Writer, depth: number): void => {
  switch (typeof value) {
    case 'string':
      if (!UNUSUAL.test(value)) out.scalar(`"${value}"`);
      else if (hasLoneSurrogate(value)) throw NOT_PLAIN;
      else out.scalar(quote(value));
      return;
    case 'boolean':
      out.scalar(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      out.scalar(numberText(value));
      return;
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) {
    out.scalar('null');
    return;
  }
  if (depth > MAX_JSON_DEPTH) throw NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw NOT_PLAIN;
    out.openArray();
    // Index loop, not forEach(): holes in sparse arrays are undefined, and refused.
    let isArray = false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      isArray = Array.isArray(item);
      out.item(i, isArray);
      writeValue(item, out, depth + 1);
    }
    out.closeArray(isArray);
    return;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw NOT_PLAIN;
  if (Object.getOwnPropertySymbols(value).length > 0) throw NOT_PLAIN;
  const keys = Object.keys(value);
  if (keys.length === 0) {
    out.emptyObject();
    return;
  }
  if (keys.length > 1) keys.sort(compareConfigKeys);
  out.openObject();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out.member(i, quotedKey(key));
    writeValue((value as Record<string, unknown>)[key], out, depth + 1);
  }
  out.closeObject();
};

/** Keys repeat across entities: each is checked and quoted once. */
const QUOTED_KEYS = new Map<string, string>();
const quotedKey = (key: string): string => {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    if (hasLoneSurrogate(key)) throw NOT_PLAIN;
    quoted = quote(key);
    if (QUOTED_KEYS.size < 10_000) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
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

/** Writes an in-memory value; anything that is not plain JSON data throws SerializeError with its path. */
const writeChecked = (value: unknown, out: Writer): void => {
  try {
    writeValue(value, out, 0);
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    explainValue(value, '$', new Set());
    // Only nesting: deeper than any config, and no cycle.
    throw new SerializeError(`nesting deeper than ${MAX_JSON_DEPTH} levels`, '$');
  }
};

/** The laid-out text of what `write` writes, handed to `flush` in pieces. */
const pretty = (write: (out: Writer) => void, flush: (piece: string) => void): void => {
  const out = new PrettyWriter(flush);
  write(out);
  out.end();
};

const whole = (write: (out: Writer) => void): string => {
  const pieces: string[] = [];
  pretty(write, (piece) => pieces.push(piece));
  return pieces.length === 1 ? pieces[0]! : pieces.join('');
};

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Serialises in-memory config exactly as `sesam format` would write it, with a single
 * trailing newline. Throws `SerializeError` for anything that is not plain JSON data.
 */
export const formatJson = (value: unknown): string => whole((out) => writeChecked(value, out));

/** The compact form (`,`/`:` separators, conventional key order) with the same strictness. */
export const stringifyCompact = (value: unknown): string => {
  const pieces: string[] = [];
  const out = new CompactWriter((piece) => pieces.push(piece));
  writeChecked(value, out);
  out.drain();
  return pieces.join('');
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
  return whole((out) => writeText(plan, out));
};

/**
 * formatJsonText without the whole result in memory: the formatted text is handed to `write` in
 * pieces, in order (for a large file, the output can be compared or written as it comes).
 * Invalid JSON throws before anything is written.
 */
export const formatJsonTextTo = (text: string, file: string | undefined, write: (piece: string) => void): void => {
  const plan = parseJsonText(text, file);
  pretty((out) => writeText(plan, out), write);
};

/** True when `text` is already exactly what `formatJsonText` would write. Invalid JSON throws like `formatJsonText`. */
export const isCanonical = (text: string, file?: string): boolean => {
  let offset = 0;
  let same = true;
  formatJsonTextTo(text, file, (piece) => {
    if (same && text.startsWith(piece, offset)) offset += piece.length;
    else same = false;
  });
  return same && offset === text.length;
};

// ---------------------------------------------------------------------------------------------
// JSON text: a checking pass accepts what Python's json.loads accepts (minus the cases documented
// above) and notes the objects whose keys must be reordered; the writing pass then walks the
// text again, copying literals that need no change as they are (no tree of the document is
// built: a large file costs little more than its text).

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

/** The writing pass over a checked text, in the canonical key order. */
const writeText = (plan: Plan, out: Writer): void => {
  const { text, reorder } = plan;
  let pos = plan.start;
  const skipWhitespace = (): void => {
    pos = afterWhitespace(text, pos);
  };
  /** The string literal at `pos` as Python writes it; moves past it. */
  const stringLiteral = (): string => {
    const start = pos;
    pos = endOfString(text, start);
    const literal = text.slice(start, pos);
    // Without escapes the literal is already what Python writes: nothing in it needs escaping
    // (raw control characters, quotes and backslashes cannot be in a JSON string unescaped).
    return literal.includes('\\') ? quote(JSON.parse(literal) as string) : literal;
  };
  const value = (): void => {
    const c = text.charCodeAt(pos);
    if (c === 0x7b) return object();
    if (c === 0x5b) return array();
    if (c === 0x22) return out.scalar(stringLiteral());
    if (c === 0x74 || c === 0x6e) {
      out.scalar(c === 0x74 ? 'true' : 'null');
      pos += 4;
      return;
    }
    if (c === 0x66) {
      out.scalar('false');
      pos += 5;
      return;
    }
    NUMBER.lastIndex = pos;
    const [literal, fraction, exponent] = NUMBER.exec(text)!;
    pos += literal.length;
    if (fraction === undefined && exponent === undefined) out.scalar(literal === '-0' ? '0' : literal);
    else out.scalar(pythonFloatRepr(Number(literal)));
  };
  const array = (): void => {
    out.openArray();
    pos++;
    skipWhitespace();
    let isArray = false;
    if (text.charCodeAt(pos) !== 0x5d) {
      for (let i = 0; ; i++) {
        isArray = text.charCodeAt(pos) === 0x5b;
        out.item(i, isArray);
        value();
        skipWhitespace();
        if (text.charCodeAt(pos++) === 0x5d) break;
        skipWhitespace();
      }
    } else pos++;
    out.closeArray(isArray);
  };
  const object = (): void => {
    const reordered = reorder.get(pos);
    if (reordered) {
      out.openObject();
      reordered.members.forEach((m, i) => {
        out.member(i, quote(m.key));
        pos = m.value;
        value();
      });
      pos = reordered.end;
      out.closeObject();
      return;
    }
    pos++;
    skipWhitespace();
    if (text.charCodeAt(pos) === 0x7d) {
      pos++;
      out.emptyObject();
      return;
    }
    out.openObject();
    for (let i = 0; ; i++) {
      const key = stringLiteral();
      skipWhitespace();
      pos++; // ':'
      skipWhitespace();
      out.member(i, key);
      value();
      skipWhitespace();
      if (text.charCodeAt(pos++) === 0x7d) break;
      skipWhitespace();
    }
    out.closeObject();
  };
  value();
};
