// Every documented DTL function (datanav/docs hub/dtl/*.rst, plus the deprecated ones still seen)
// with its kind and argument-count bounds. Used by the static checker (check.ts), the
// validator and the evaluator's compile step. Argument counts exclude the function name.
import { closest } from '../suggest';

export type DtlKind = 'transform' | 'expression' | 'both';

export interface Arity {
  min: number;
  /** `Infinity` for variadic functions. */
  max: number;
}

export interface DtlFunctionSpec {
  name: string;
  kind: DtlKind;
  /** Bounds over every documented form (transform and expression form for `both`). */
  min: number;
  max: number;
  /** Bounds of the transform form (present when kind is transform or both). */
  transform?: Arity;
  /** Bounds of the expression form (present when kind is expression or both). */
  expression?: Arity;
  family: DtlFamily;
  deprecated?: boolean;
}

export type DtlFamily =
  | 'transforms'
  | 'conditionals'
  | 'booleans'
  | 'comparisons'
  | 'nulls'
  | 'lists'
  | 'dictionaries'
  | 'hops'
  | 'strings'
  | 'numbers'
  | 'math'
  | 'datetime'
  | 'namespaced-identifiers'
  | 'uris'
  | 'uuids'
  | 'bytes'
  | 'json'
  | 'sets'
  | 'misc'
  | 'encryption'
  | 'phonenumbers'
  | 'deprecated';

const INF = Number.POSITIVE_INFINITY;

const specs: DtlFunctionSpec[] = [];

function t(family: DtlFamily, names: string[], min: number, max: number): void {
  for (const name of names) specs.push({ name, kind: 'transform', min, max, transform: { min, max }, family });
}
function e(family: DtlFamily, names: string[], min: number, max: number, deprecated = false): void {
  for (const name of names)
    specs.push({ name, kind: 'expression', min, max, expression: { min, max }, family, ...(deprecated ? { deprecated } : {}) });
}
function both(family: DtlFamily, name: string, transform: Arity, expression: Arity): void {
  specs.push({
    name,
    kind: 'both',
    min: Math.min(transform.min, expression.min),
    max: Math.max(transform.max, expression.max),
    transform,
    expression,
    family,
  });
}

// Transforms
t('transforms', ['add', 'default', 'rename'], 2, 2);
t('transforms', ['add-if', 'make-ni'], 2, 3);
t('transforms', ['comment'], 0, INF);
t('transforms', ['copy'], 1, 2);
t('transforms', ['remove'], 1, 1);
t('transforms', ['create', 'create-child', 'merge', 'merge-union'], 1, 1);
t('transforms', ['discard'], 0, 1);
t('transforms', ['fail!', 'sleep!', 'trip!'], 1, 1);
both('transforms', 'filter', { min: 0, max: 1 }, { min: 2, max: 2 });
// Conditionals exist as transforms (THEN/ELSE are transform lists) and as expressions.
both('conditionals', 'if', { min: 2, max: 3 }, { min: 2, max: 3 });
both('conditionals', 'case', { min: 2, max: INF }, { min: 2, max: INF });
both('conditionals', 'case-eq', { min: 3, max: INF }, { min: 3, max: INF });

// Boolean logic, booleans, comparisons
e('booleans', ['and', 'or', 'not'], 1, INF);
e('booleans', ['all', 'any', 'boolean'], 1, 2);
e('booleans', ['is-boolean'], 1, 1);
e('comparisons', ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'], 2, 2);

// Nulls
e('nulls', ['coalesce'], 1, 2);
e('nulls', ['coalesce-args'], 1, INF);
e('nulls', ['if-null'], 2, 2);
e('nulls', ['is-null', 'is-not-null'], 1, 1);

// Lists
e('lists', ['list'], 0, INF);
e('lists', ['combine'], 1, INF);
e('lists', ['flatten', 'count', 'first', 'last', 'is-empty', 'is-not-empty', 'is-list', 'reversed', 'sum'], 1, 1);
e('lists', ['distinct', 'enumerate', 'max', 'min', 'sorted', 'sorted-descending'], 1, 2);
e('lists', ['nth', 'in', 'map', 'map-values'], 2, 2);
e('lists', ['group', 'insert', 'map-dict'], 3, 3);
e('lists', ['group-by', 'range'], 2, 3);
e('lists', ['slice'], 2, 4);

// Dictionaries
e('dictionaries', ['dict'], 0, INF);
e('dictionaries', ['has-key', 'path', 'apply', 'apply-ns'], 2, 2);
e('dictionaries', ['is-dict', 'items', 'key-values', 'keys', 'values', 'strip-ns'], 1, 1);
e('dictionaries', ['apply-hops'], 2, INF);

// Hops
e('hops', ['hops'], 1, INF);
e('hops', ['lookup-entity'], 2, 2);

// Strings
e('strings', ['concat'], 1, INF);
e('strings', ['join', 'matches'], 2, 2);
e('strings', ['split', 'strip', 'lstrip', 'rstrip'], 1, 2);
e('strings', ['lower', 'upper', 'length', 'string', 'is-string'], 1, 1);
e('strings', ['ljust', 'rjust'], 3, 3);
e('strings', ['replace', 'substring'], 2, 3);

// Numbers and math
e('numbers', ['integer', 'decimal', 'float'], 1, 2);
e('numbers', ['hex', 'is-integer', 'is-float', 'is-decimal'], 1, 1);
e('math', ['+', '-', '*', '/', '%', '^'], 2, 2);
e('math', ['plus', 'minus', 'multiply', 'divide', 'mod', 'pow'], 2, 2);
e('math', ['abs', 'sqrt', 'sin', 'cos', 'tan'], 1, 1);
e('math', ['ceil', 'floor', 'round'], 1, 2);

// Date and time
e('datetime', ['now'], 0, 0);
e('datetime', ['datetime'], 1, 2);
e('datetime', ['datetime-parse', 'datetime-format'], 2, 3);
e('datetime', ['datetime-diff', 'datetime-plus', 'datetime-shift'], 3, 3);
e('datetime', ['is-datetime'], 1, 1);

// Namespaced identifiers, URIs, UUIDs, bytes, JSON
e('namespaced-identifiers', ['ni'], 1, 2);
e('namespaced-identifiers', ['ni-id', 'ni-ns', 'is-ni'], 1, 1);
e('uris', ['uri', 'is-uri', 'url-unquote'], 1, 1);
e('uris', ['url-quote'], 1, 2);
e('uuids', ['uuid'], 0, 1);
e('uuids', ['is-uuid'], 1, 1);
e('bytes', ['bytes', 'base64-encode', 'base64-decode', 'is-bytes'], 1, 1);
e('json', ['json', 'json-transit'], 1, 1);
e('json', ['json-parse', 'json-transit-parse'], 1, 2);

// Sets
e('sets', ['union', 'intersection', 'difference', 'intersects'], 2, 2);

// Misc
e('misc', ['tuples'], 0, INF);
e('misc', ['literal', 'is-changed'], 1, 1);
e('misc', ['hash128'], 2, 3);
e('misc', ['completeness'], 2, 2);
e('encryption', ['encrypt', 'decrypt', 'encrypt-pgp', 'encrypt-pki', 'decrypt-pki'], 2, 2);
e('encryption', ['decrypt-pgp'], 3, 3);
e('phonenumbers', ['phonenumber-parse'], 1, 2);
e('phonenumbers', ['phonenumber-format'], 2, 2);

// Deprecated / experimental (hub/deprecations.rst, hub/changelog.rst): accepted, flagged.
e('deprecated', ['ni-collapse', 'ni-expand', 'uri-expand'], 1, 1, true);
e('deprecated', ['curie'], 1, 2, true);
e('deprecated', ['reference', 'lookup'], 2, 2, true);

/** Name → spec for every known DTL function. */
export const DTL_FUNCTIONS: ReadonlyMap<string, DtlFunctionSpec> = new Map(specs.map((s) => [s.name, s]));

export const dtlFunctionNames = (): string[] => [...DTL_FUNCTIONS.keys()];

export const getDtlFunction = (name: string): DtlFunctionSpec | undefined => DTL_FUNCTIONS.get(name);

/** The closest known function name (or of `candidates`, e.g. rule ids), or undefined when nothing is reasonably close. */
export const closestDtlFunction = (name: string, candidates: Iterable<string> = DTL_FUNCTIONS.keys()): string | undefined => closest(name, candidates);

export const formatArity = (a: Arity): string =>
  a.min === a.max ? `${a.min}` : a.max === INF ? `at least ${a.min}` : `${a.min} to ${a.max}`;
