// Typed construction of DTL ("DTL is written through a typed builder, never as
// hand-assembled strings scattered in code"). Every function here returns the exact JSON that
// Sesam reads; a typo in a function name is impossible and argument shapes are checked by tsc.
// Only the functions the compiler needs are here; the evaluator covers the full set.

/** A DTL value expression: a literal, a path string (`_S.x`) or a function call. */
export type Expr = string | number | boolean | null | Call | { readonly [key: string]: Expr };
/** A function call: `["name", ...args]`. */
export type Call = readonly [string, ...Expr[]];
/** A transform call inside a rule (add, copy, if, ...). */
export type Transform = readonly [string, ...unknown[]];
export type Rule = readonly Transform[];
export type Rules = { readonly default: Rule } & { readonly [name: string]: Rule };

/** Hops specification (`hub/dtl/dtl-functions-hops.rst`). */
export interface HopsSpec {
  readonly datasets: readonly string[];
  readonly where: Expr | readonly Expr[];
  readonly return?: string;
  readonly 'track-dependencies'?: boolean;
}

// `[name].concat(args)`, not `[name, ...args]`: a spread grows its array as it goes and keeps the
// spare room (200 bytes for a three-element call instead of 72), and a compiled project holds
// hundreds of thousands of these.
const call = (name: string, ...args: Expr[]): Call => [name].concat(args as never[]) as unknown as Call;

// ---- paths --------------------------------------------------------------------------------

/** `_S.a.b` — a path from the source entity. Segments containing dots are quoted as Sesam requires. */
export const S = (...segments: string[]): string => path('_S', segments);
export const T = (...segments: string[]): string => path('_T', segments);
export const P = (...segments: string[]): string => path('_P', segments);
/** `_.` or `_.a` — the current value inside function expressions. */
export const it = (...segments: string[]): string => (segments.length === 0 ? '_.' : path('_', segments));
/** `alias.a.b` — a path from a hops / merge dataset alias. */
export const alias = (name: string, ...segments: string[]): string => path(name, segments);
const path = (root: string, segments: string[]): string => {
  if (segments.length === 0) return `${root}.`;
  const parts = [root];
  for (const segment of segments) {
    // Split on dots and joined with dots again: only the parts with a quote change.
    parts.push(segment.includes("'") ? segment.split('.').map((s) => (s.includes("'") ? `'${s.replace(/'/g, "''")}'` : s)).join('.') : segment);
  }
  // Joined, not added up: `+=` leaves a tree of pieces that the project keeps (and that is copied
  // flat again when the file is written); join makes the one flat string.
  return parts.join('.');
};

// ---- transforms ---------------------------------------------------------------------------

export const add = (property: string, value: Expr): Transform => ['add', property, value];
export const addIf = (property: string, value: Expr): Transform => ['add-if', property, value];
export const copy = (include: string | readonly string[], exclude?: string | readonly string[]): Transform =>
  exclude === undefined ? ['copy', toList(include)] : ['copy', toList(include), toList(exclude)];
export const remove = (property: string): Transform => ['remove', property];
export const rename = (from: string, to: string): Transform => ['rename', from, to];
export const comment = (...text: string[]): Transform => ['comment'].concat(text) as unknown as Transform;
export const filter = (unless?: Expr): Transform => (unless === undefined ? ['filter'] : ['filter', unless]);
export const discard = (unless?: Expr): Transform => (unless === undefined ? ['discard'] : ['discard', unless]);
export const merge = (values: Expr): Transform => ['merge', values];
export const create = (values: Expr): Transform => ['create', values];
export const createChild = (values: Expr): Transform => ['create-child', values];
export const ifThen = (condition: Expr, then: Rule | Transform, otherwise?: Rule | Transform): Transform =>
  otherwise === undefined ? ['if', condition, then] : ['if', condition, then, otherwise];

const toList = (v: string | readonly string[]): Expr => (typeof v === 'string' ? v : call('list', ...v));

// ---- expressions --------------------------------------------------------------------------

export const list = (...values: Expr[]): Call => call('list', ...values);
export const literal = (value: Expr): Call => ['literal', value];
export const dict = (...keyValues: Expr[]): Call => call('dict', ...keyValues);
export const eq = (a: Expr, b: Expr): Call => call('eq', a, b);
export const neq = (a: Expr, b: Expr): Call => call('neq', a, b);
export const gt = (a: Expr, b: Expr): Call => call('gt', a, b);
export const gte = (a: Expr, b: Expr): Call => call('gte', a, b);
export const and = (...conditions: Expr[]): Call => call('and', ...conditions);
export const or = (...conditions: Expr[]): Call => call('or', ...conditions);
export const not = (condition: Expr): Call => call('not', condition);
export const ifElse = (condition: Expr, then: Expr, otherwise: Expr): Call => call('if', condition, then, otherwise);
export const caseEq = (value: Expr, ...pairsAndElse: Expr[]): Call => call('case-eq', value, ...pairsAndElse);
/** True when every value is among the items (`in` is a reserved word in TypeScript). */
export const in_ = (values: Expr, items: Expr): Call => call('in', values, items);
export const isNull = (value: Expr): Call => call('is-null', value);
export const isNotNull = (value: Expr): Call => call('is-not-null', value);
export const isNotEmpty = (value: Expr): Call => call('is-not-empty', value);
export const count = (values: Expr): Call => call('count', values);
/** First non-null of the given values (`["coalesce", ["list", ...]]`, the documented form). */
export const coalesce = (...values: Expr[]): Call => call('coalesce', list(...values));
export const first = (values: Expr): Call => call('first', values);
export const last = (values: Expr): Call => call('last', values);
export const combine = (...values: Expr[]): Call => call('combine', ...values);
export const map = (fn: Expr, values: Expr): Call => call('map', fn, values);
export const filterValues = (fn: Expr, values: Expr): Call => call('filter', fn, values);
export const distinct = (values: Expr): Call => call('distinct', values);
export const sorted = (fn: Expr, values: Expr): Call => call('sorted', fn, values);
export const items = (values: Expr): Call => call('items', values);
export const pathOf = (property: Expr, values: Expr): Call => call('path', property, values);
export const concat = (...values: Expr[]): Call => call('concat', ...values);
export const lower = (value: Expr): Call => call('lower', value);
export const strip = (value: Expr): Call => call('strip', value);
export const string = (value: Expr): Call => call('string', value);
export const integer = (value: Expr): Call => call('integer', value);
export const datetime = (value: Expr): Call => call('datetime', value);
export const ni = (namespace: string, value: Expr): Call => call('ni', namespace, value);
export const niId = (value: Expr): Call => call('ni-id', value);
export const niNs = (value: Expr): Call => call('ni-ns', value);
export const apply = (rule: string, values: Expr): Call => call('apply', rule, values);
export const applyHops = (rule: string, spec: HopsSpec): Call => call('apply-hops', rule, spec as unknown as Expr);
export const hops = (spec: HopsSpec): Call => call('hops', spec as unknown as Expr);
export const lookupEntity = (dataset: string, id: Expr): Call => call('lookup-entity', dataset, id);
