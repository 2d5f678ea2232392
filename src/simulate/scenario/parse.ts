// Scenario files (the format is in README.md, "Scenario files"): YAML 1.2 (core schema, so timestamps stay strings) with a name
// and a list of steps. Every shape error names the file, the step (number and kind) and the
// YAML line, and is an input error (exit 2).
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { inputError } from '../../errors';

export type JsonRecord = Record<string, unknown>;
/** system → datatype → T */
export type PerStore<T> = Record<string, Record<string, T>>;

export interface Expectation {
  match: JsonRecord;
  count: number;
}

/** How an emulated system fails a call: 429 (with Retry-After), 500, no answer, or applied with the answer lost. */
export type FaultKind = 429 | 500 | 'timeout' | 'lost-response';
export const FAULT_KINDS: readonly FaultKind[] = [429, 500, 'timeout', 'lost-response'];

/** One fault rule: calls of `method` (or `*`) to paths matching `url` (a glob) fail, `times` times or with a probability. */
export interface FaultRule {
  method: string;
  url: string;
  fail: FaultKind;
  /** How many matching calls fail (default 1; unlimited with a probability, until cleared). */
  times: number | undefined;
  probability: number | undefined;
}

/** A refusal a sync step may see: system, method and URL glob. */
export interface RefusalPattern {
  system: string;
  method: string;
  url: string;
}

export type Step =
  | { kind: 'given'; line: number | undefined; records: PerStore<JsonRecord[]> }
  | { kind: 'edit'; line: number | undefined; edits: PerStore<{ where: JsonRecord; set: JsonRecord }[]> }
  | { kind: 'delete'; line: number | undefined; deletes: PerStore<{ where: JsonRecord }[]> }
  | {
      kind: 'sync';
      line: number | undefined;
      expectWrites: Record<string, number> | undefined;
      maxRounds: number | undefined;
      expectRefused: RefusalPattern[];
      allowUnsettled: boolean;
    }
  | { kind: 'expect'; line: number | undefined; expectations: PerStore<Expectation[] | 'none'> }
  | { kind: 'faults'; line: number | undefined; faults: Record<string, FaultRule[]> };

export type StepKind = Step['kind'];
export const STEP_KINDS: readonly StepKind[] = ['given', 'edit', 'delete', 'sync', 'expect', 'faults'];

export interface Scenario {
  file: string;
  name: string;
  pending: string | undefined;
  /** Seed of the probability faults (default 1). */
  seed: number;
  steps: Step[];
}

/** Store names per system: what `given`, `edit`, `delete` and `expect` may name. */
export type KnownStores = Record<string, readonly string[]>;

const isRecord = (v: unknown): v is JsonRecord => v !== null && typeof v === 'object' && !Array.isArray(v);
const describe = (v: unknown): string =>
  v === null || v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;

class Located {
  private readonly counter: LineCounter;
  constructor(
    readonly file: string,
    private readonly doc: Document,
    counter: LineCounter,
  ) {
    this.counter = counter;
  }

  /** 1-based line of the node at `path` (or of the nearest ancestor that exists). */
  line(path: (string | number)[]): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return this.counter.linePos(node.range[0]).line;
    }
    return undefined;
  }

  error(path: (string | number)[], message: string, step?: { index: number; kind: string }): Error {
    const line = this.line(path);
    const where = [this.file, step ? `step ${step.index + 1} (${step.kind})` : undefined, line !== undefined ? `line ${line}` : undefined]
      .filter(Boolean)
      .join(': ');
    return inputError(`${where}: ${message}`);
  }
}

/** Deepest flow nesting ([ and {) and indentation a scenario may have; deeper YAML can crash the parser. */
const MAX_FLOW_DEPTH = 100;
const MAX_INDENT = 400;

/** Where the text nests deeper than a scenario ever needs (quoted scalars and comments skipped), or undefined. */
function tooDeep(text: string): { line: number; column: number; what: string } | undefined {
  let line = 1;
  let column = 0;
  let depth = 0;
  let indent = 0;
  let atLineStart = true;
  let quote: string | undefined;
  let comment = false;
  let escaped = false;
  let previous = '\n';
  for (const c of text) {
    column++;
    if (c === '\n') {
      line++;
      column = 0;
      indent = 0;
      atLineStart = true;
      comment = false;
      if (quote === undefined) previous = c;
      continue;
    }
    if (atLineStart && c === ' ') {
      if (++indent > MAX_INDENT) return { line, column, what: `indented more than ${MAX_INDENT} spaces` };
      continue;
    }
    atLineStart = false;
    if (comment) continue;
    if (quote !== undefined) {
      if (escaped) escaped = false;
      else if (c === '\\' && quote === '"') escaped = true;
      else if (c === quote) quote = undefined;
      previous = c;
      continue;
    }
    if (c === '#' && /\s/.test(previous)) comment = true;
    else if ((c === '"' || c === "'") && /[\s[{,:-]/.test(previous)) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) return { line, column, what: `nested more than ${MAX_FLOW_DEPTH} levels deep` };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    previous = c;
  }
  return undefined;
}

/** Parses and checks one scenario file's text. Throws an input error (exit 2) on any problem. */
export function parseScenario(text: string, file: string, stores: KnownStores): Scenario {
  const deep = tooDeep(text);
  if (deep) throw inputError(`${file}: line ${deep.line}, column ${deep.column}: the YAML is ${deep.what}; a scenario never needs that`);
  const counter = new LineCounter();
  const doc = parseDocument(text, { version: '1.2', schema: 'core', lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? (e.pos ? counter.linePos(e.pos[0]).line : undefined);
    throw inputError(`${file}${line !== undefined ? `: line ${line}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const loc = new Located(file, doc, counter);
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // An alias to no anchor, or aliases that expand too much.
    throw inputError(`${file}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(root)) throw loc.error([], `a scenario must be a mapping with "name" and "steps", found ${describe(root)}`);
  const unknownTop = Object.keys(root).filter((k) => !['name', 'description', 'pending', 'seed', 'steps'].includes(k));
  if (unknownTop.length > 0)
    throw loc.error([unknownTop[0]!], `unknown top-level key "${unknownTop[0]}" (allowed: name, description, pending, seed, steps)`);
  if (root.seed !== undefined && (typeof root.seed !== 'number' || !Number.isInteger(root.seed)))
    throw loc.error(['seed'], `"seed" must be a whole number, found ${describe(root.seed)}`);
  if (root.name !== undefined && typeof root.name !== 'string') throw loc.error(['name'], `"name" must be a string, found ${describe(root.name)}`);
  if (root.pending !== undefined && (typeof root.pending !== 'string' || root.pending.trim() === ''))
    throw loc.error(['pending'], `"pending" must be a non-empty string giving the reason, found ${describe(root.pending)}`);
  if (!Array.isArray(root.steps) || root.steps.length === 0)
    throw loc.error(['steps'], `"steps" must be a non-empty list of steps, found ${describe(root.steps)}`);

  const steps = root.steps.map((raw, index) => parseStep(raw, index, loc, stores));
  const base = file.split(/[\\/]/).pop() ?? file;
  return {
    file,
    name: typeof root.name === 'string' ? root.name : base.replace(/\.ya?ml$/, ''),
    pending: root.pending as string | undefined,
    seed: typeof root.seed === 'number' ? root.seed : 1,
    steps,
  };
}

function parseStep(raw: unknown, index: number, loc: Located, stores: KnownStores): Step {
  const at = ['steps', index];
  if (!isRecord(raw)) throw loc.error(at, `a step must be a mapping with one of ${STEP_KINDS.join(', ')}, found ${describe(raw)}`, { index, kind: '?' });
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    throw loc.error(at, `a step must have exactly one kind (${STEP_KINDS.join(', ')}), found ${keys.length === 0 ? 'none' : keys.join(', ')}`, {
      index,
      kind: keys.join('+') || '?',
    });
  }
  const kind = keys[0]!;
  const body = raw[kind];
  const step = { index, kind };
  const fail = (path: (string | number)[], message: string) => loc.error([...at, kind, ...path], message, step);
  const line = loc.line(at);
  switch (kind) {
    case 'given':
      return { kind, line, records: perStore(body, fail, stores, (v, p) => recordList(v, p, fail)) };
    case 'edit':
      return {
        kind,
        line,
        edits: perStore(body, fail, stores, (v, p) =>
          list(v, p, fail, (item, ip) => {
            const m = exactKeys(item, ip, fail, ['where', 'set'], ['where', 'set']);
            return { where: mapping(m.where, [...ip, 'where'], fail, 'where'), set: mapping(m.set, [...ip, 'set'], fail, 'set') };
          }),
        ),
      };
    case 'delete':
      return {
        kind,
        line,
        deletes: perStore(body, fail, stores, (v, p) =>
          list(v, p, fail, (item, ip) => {
            const m = exactKeys(item, ip, fail, ['where'], ['where']);
            return { where: mapping(m.where, [...ip, 'where'], fail, 'where') };
          }),
        ),
      };
    case 'sync': {
      if (body === null || body === undefined) return { kind, line, expectWrites: undefined, maxRounds: undefined, expectRefused: [], allowUnsettled: false };
      const m = exactKeys(body, [], fail, ['expect_writes', 'max_rounds', 'expect_refused', 'allow_unsettled'], []);
      let expectWrites: Record<string, number> | undefined;
      if (m.expect_writes !== undefined) {
        const w = mapping(m.expect_writes, ['expect_writes'], fail, 'expect_writes');
        expectWrites = {};
        for (const [sys, n] of Object.entries(w)) {
          if (!Object.hasOwn(stores, sys)) throw fail(['expect_writes', sys], `unknown system "${sys}" (known: ${Object.keys(stores).join(', ')})`);
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
            throw fail(['expect_writes', sys], `expect_writes.${sys} must be a whole number >= 0, found ${describe(n)}`);
          expectWrites[sys] = n;
        }
      }
      let maxRounds: number | undefined;
      if (m.max_rounds !== undefined) {
        if (typeof m.max_rounds !== 'number' || !Number.isInteger(m.max_rounds) || m.max_rounds < 1)
          throw fail(['max_rounds'], `max_rounds must be a whole number >= 1, found ${describe(m.max_rounds)}`);
        maxRounds = m.max_rounds;
      }
      const expectRefused =
        m.expect_refused === undefined
          ? []
          : list(m.expect_refused, ['expect_refused'], fail, (item, ip) => {
              const r = exactKeys(item, ip, fail, ['system', 'method', 'url'], ['system', 'method', 'url']);
              if (typeof r.system !== 'string' || !Object.hasOwn(stores, r.system))
                throw fail([...ip, 'system'], `unknown system ${describe(r.system)} (known: ${Object.keys(stores).join(', ')})`);
              return { system: r.system, method: methodOf(r.method, [...ip, 'method'], fail), url: urlOf(r.url, [...ip, 'url'], fail) };
            });
      if (m.allow_unsettled !== undefined && typeof m.allow_unsettled !== 'boolean')
        throw fail(['allow_unsettled'], `allow_unsettled must be true or false, found ${describe(m.allow_unsettled)}`);
      return { kind, line, expectWrites, maxRounds, expectRefused, allowUnsettled: m.allow_unsettled === true };
    }
    case 'faults': {
      if (!isRecord(body)) throw fail([], `expected a mapping of system → fault rules ({} clears every fault), found ${describe(body)}`);
      const faults: Record<string, FaultRule[]> = {};
      for (const [sys, rules] of Object.entries(body)) {
        if (!Object.hasOwn(stores, sys)) throw fail([sys], `unknown system "${sys}" (known: ${Object.keys(stores).join(', ')})`);
        faults[sys] = list(rules, [sys], fail, (item, ip) => {
          const r = exactKeys(item, ip, fail, ['method', 'url', 'fail', 'times', 'probability'], ['method', 'url', 'fail']);
          const failKind = FAULT_KINDS.find((k) => k === r.fail);
          if (failKind === undefined) throw fail([...ip, 'fail'], `fail must be one of ${FAULT_KINDS.join(', ')}, found ${describe(r.fail)}`);
          if (r.times !== undefined && (typeof r.times !== 'number' || !Number.isInteger(r.times) || r.times < 1))
            throw fail([...ip, 'times'], `times must be a whole number >= 1, found ${describe(r.times)}`);
          if (r.probability !== undefined && (typeof r.probability !== 'number' || !(r.probability > 0 && r.probability <= 1)))
            throw fail([...ip, 'probability'], `probability must be a number in (0, 1], found ${describe(r.probability)}`);
          return {
            method: methodOf(r.method, [...ip, 'method'], fail),
            url: urlOf(r.url, [...ip, 'url'], fail),
            fail: failKind,
            times: r.times as number | undefined,
            probability: r.probability as number | undefined,
          };
        });
      }
      return { kind, line, faults };
    }
    case 'expect':
      return {
        kind,
        line,
        expectations: perStore(body, fail, stores, (v, p) => {
          if (isRecord(v)) {
            const m = exactKeys(v, p, fail, ['none'], ['none']);
            if (m.none !== true) throw fail([...p, 'none'], `"none" must be true, found ${describe(m.none)}`);
            return 'none' as const;
          }
          return list(v, p, fail, (item, ip) => {
            const m = exactKeys(item, ip, fail, ['match', 'count'], ['match']);
            const count = m.count ?? 1;
            if (typeof count !== 'number' || !Number.isInteger(count) || count < 0)
              throw fail([...ip, 'count'], `count must be a whole number >= 0, found ${describe(m.count)}`);
            return { match: mapping(m.match, [...ip, 'match'], fail, 'match'), count };
          });
        }),
      };
    default:
      throw loc.error([...at, kind], `unknown step kind "${kind}" (known: ${STEP_KINDS.join(', ')})`, step);
  }
}

type Fail = (path: (string | number)[], message: string) => Error;

function perStore<T>(body: unknown, fail: Fail, stores: KnownStores, each: (v: unknown, path: (string | number)[]) => T): PerStore<T> {
  if (!isRecord(body) || Object.keys(body).length === 0)
    throw fail([], `expected a mapping of system → datatype → entries, found ${describe(body)}`);
  const out: PerStore<T> = Object.create(null);
  for (const [sys, perDt] of Object.entries(body)) {
    const known = Object.hasOwn(stores, sys) ? stores[sys] : undefined; // "toString" is not a system
    if (!known) throw fail([sys], `unknown system "${sys}" (known: ${Object.keys(stores).join(', ')})`);
    if (!isRecord(perDt) || Object.keys(perDt).length === 0) throw fail([sys], `expected a mapping of ${sys} datatypes, found ${describe(perDt)}`);
    const perSystem: Record<string, T> = Object.create(null);
    for (const [dt, v] of Object.entries(perDt)) {
      if (!known.includes(dt)) throw fail([sys, dt], `unknown datatype "${dt}" for system ${sys} (known: ${known.join(', ')})`);
      perSystem[dt] = each(v, [sys, dt]);
    }
    out[sys] = perSystem;
  }
  return out;
}

function list<T>(v: unknown, path: (string | number)[], fail: Fail, each: (item: unknown, path: (string | number)[]) => T): T[] {
  if (!Array.isArray(v)) throw fail(path, `${path.join('.')}: expected a list, found ${describe(v)}`);
  return v.map((item, i) => each(item, [...path, i]));
}

function recordList(v: unknown, path: (string | number)[], fail: Fail): JsonRecord[] {
  return list(v, path, fail, (item, ip) => {
    if (!isRecord(item)) throw fail(ip, `${path.join('.')}[${String(ip[ip.length - 1])}]: a record must be a mapping, found ${describe(item)}`);
    return item;
  });
}

function exactKeys(v: unknown, path: (string | number)[], fail: Fail, allowed: string[], required: string[]): JsonRecord {
  const label = path.length > 0 ? `${path.join('.')}: ` : '';
  if (!isRecord(v)) throw fail(path, `${label}expected a mapping with ${allowed.join(', ')}, found ${describe(v)}`);
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw fail([...path, k], `${label}unknown key "${k}" (allowed: ${allowed.join(', ')})`);
  for (const k of required) if (v[k] === undefined) throw fail(path, `${label}"${k}" is required`);
  return v;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function methodOf(v: unknown, path: (string | number)[], fail: Fail): string {
  const m = typeof v === 'string' ? v.toUpperCase() : undefined;
  if (m === undefined || (m !== '*' && !HTTP_METHODS.includes(m))) throw fail(path, `method must be * or one of ${HTTP_METHODS.join(', ')}, found ${describe(v)}`);
  return m;
}

function urlOf(v: unknown, path: (string | number)[], fail: Fail): string {
  if (typeof v !== 'string' || v.trim() === '') throw fail(path, `url must be a path glob (e.g. "items/*"), found ${describe(v)}`);
  return v.trim().replace(/^\/+/, '');
}

function mapping(v: unknown, path: (string | number)[], fail: Fail, what: string): JsonRecord {
  if (!isRecord(v)) throw fail(path, `"${what}" must be a mapping of fields, found ${describe(v)}`);
  return v;
}
