// String functions, and the string/JSON renderings other families share (`string`, `json`,
// `json-transit`, group-by keys): Python json.dumps layout (", " and ": ", sorted keys).
import { parseTransitDatetime, formatTransitDatetime } from '../datetime';
import { splitNi } from '../namespaces';
import { wildcardTest } from '../wildcard';
import { NumberBox, SKIP, isDict, isInt, isPlainString, isPyNumber, kindOf, numberText, toList, vmap, type Dict, type Value } from '../values';
import { constantOf, DtlRuntimeError, type Expr, type ExprFactory } from './core';
import { fn1, optionalLead } from './helpers';
import { specialise } from './clone';
import { inlinableExpr } from './fuse';

/** Text of a typed value without its transit tag (URI text, ISO datetime, UUID, decimal digits). */
export function typedText(v: string): string {
  switch (kindOf(v)) {
    case 'datetime':
      return formatTransitDatetime(parseTransitDatetime(v)!).slice(2);
    case 'ni': {
      const [ns, id] = splitNi(v);
      return ns ? `${ns}:${id}` : id;
    }
    case 'uri':
    case 'uuid':
    case 'decimal':
      return v.slice(2);
    case 'bytes':
      return Buffer.from(v.slice(2), 'base64').toString('utf8');
    default:
      return v;
  }
}

/** json.dumps(sort_keys=True) layout; `transit` keeps "~…" strings, otherwise typed values become their text. */
export function pythonJson(v: Value, transit: boolean): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'string': {
      const s: string = v;
      if (transit || kindOf(s) === 'string') return JSON.stringify(s);
      if (kindOf(s) === 'decimal') return s.slice(2);
      if (kindOf(s) === 'bytes') return JSON.stringify(s.slice(2));
      return JSON.stringify(typedText(s));
    }
    default:
      if (v instanceof NumberBox) return numberText(v);
      if (Array.isArray(v)) return `[${v.map((x) => pythonJson(x, transit)).join(', ')}]`;
      return `{${Object.keys(v as Dict)
        .sort()
        .map((k) => `${JSON.stringify(k)}: ${pythonJson((v as Dict)[k], transit)}`)
        .join(', ')}}`;
  }
}

/** The `string` cast of one value. */
export function castString(v: Value): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return isPlainString(v) ? v : typedText(v);
  if (isPyNumber(v)) return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return pythonJson(v, false);
}

/** The widest ljust/rjust the offline evaluator pads to: a million characters. */
const MAX_TEXT_LENGTH = 1_000_000;

/** Vectorised over plain strings only (typed and other values are dropped). */
const strings = (fn: (s: string) => Value): ExprFactory => {
  const one = (x: Value) => (isPlainString(x) ? fn(x) : SKIP);
  return (a) => {
    const x = a.e(0);
    const compiled = specialise<Expr>(
      ['x', 'fn', 'one', 'isPlainString', 'vmap'],
      "(f) => { const v = x(f); return typeof v === 'string' && isPlainString(v) ? fn(v) : vmap(v, one); }",
      [x, fn, one, isPlainString, vmap],
    );
    return inlinableExpr(compiled, (em, f) => {
      const v = em.tmp();
      return `(${v} = ${em.expr(x, f)}, typeof ${v} === 'string' && ${em.dep(isPlainString)}(${v}) ? ${em.dep(fn)}(${v}) : ${em.dep(vmap)}(${v}, ${em.dep(one)}))`;
    });
  };
};

const printableAscii = (c: number) => c > 32 && c < 127;

const strip =
  (side: 'both' | 'left' | 'right'): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    const values = rest[0]!;
    // Printable ASCII at the ends strips nothing by default: the usual case, without splitting.
    const unchanged = (x: string) => (side === 'right' || printableAscii(x.charCodeAt(0))) && (side === 'left' || printableAscii(x.charCodeAt(x.length - 1)));
    const stripOne = (x: Value, set: Set<string> | undefined): Value => {
      if (!isPlainString(x)) return SKIP;
      if (!set && unchanged(x)) return x;
      const isStripped = (c: string) => (set ? set.has(c) : /\s/.test(c));
      const cs = [...x];
      let s = 0;
      let e = cs.length;
      if (side !== 'right') while (s < e && isStripped(cs[s]!)) s++;
      if (side !== 'left') while (e > s && isStripped(cs[e - 1]!)) e--;
      return cs.slice(s, e).join('');
    };
    const byDefault = (x: Value) => stripOne(x, undefined);
    /** Default characters (whitespace): a plain string with printable ends is its own result. */
    const stripDefault = (v: Value): Value => (typeof v === 'string' && isPlainString(v) && unchanged(v) ? v : vmap(v, byDefault));
    if (!lead) return inlinableExpr((f) => stripDefault(values(f)), (em, f) => `${em.dep(stripDefault)}(${em.expr(values, f)})`);
    return (f) => {
      const chars = lead(f);
      const set = typeof chars === 'string' ? new Set([...chars]) : undefined;
      return vmap(values(f), (x) => stripOne(x, set));
    };
  };

const justify =
  (left: boolean): ExprFactory =>
  (a) => {
    const width = a.e(0);
    const fill = a.e(1);
    const values = a.e(2);
    return (f) => {
      const w = width(f);
      const c = fill(f);
      if (!isInt(w) || typeof c !== 'string' || [...c].length !== 1) return null;
      if (w > MAX_TEXT_LENGTH) throw new DtlRuntimeError(`"${left ? 'ljust' : 'rjust'}": WIDTH ${w} is larger than the ${MAX_TEXT_LENGTH} characters a value may have offline`);
      return vmap(values(f), (x) => {
        if (!isPlainString(x)) return SKIP;
        const n = [...x].length;
        if (n >= w) return x;
        return left ? x + c.repeat(w - n) : c.repeat(w - n) + x;
      });
    };
  };

function appendStrings(out: string, v: Value): string {
  if (typeof v === 'string') return isPlainString(v) ? out + v : out;
  if (Array.isArray(v)) for (const s of v) if (isPlainString(s)) out += s;
  return out;
}

const concat: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  if (xs.length <= 16) {
    const names = xs.map((_, i) => `x${i}`);
    // A literal argument is appended as it is (a plain string), or not at all (anything else).
    const step = (x: Expr, n: string) => {
      const k = constantOf(x);
      if (!k) return `out = append(out, ${n}(f));`;
      return typeof k.value === 'string' && isPlainString(k.value) ? `out += ${n}k;` : '';
    };
    const compiled = specialise<Expr>(
      [...names, ...names.map((n) => `${n}k`), 'append'],
      `(f) => { let out = ''; ${xs.map((x, i) => step(x, names[i]!)).join(' ')} return out; }`,
      [...xs, ...xs.map((x) => constantOf(x)?.value), appendStrings],
    );
    return inlinableExpr(compiled, (em, f) => {
      const out = em.tmp();
      const parts = xs.flatMap((x) => {
        const k = constantOf(x);
        if (!k) return [`${out} = ${em.dep(appendStrings)}(${out}, ${em.expr(x, f)})`];
        return typeof k.value === 'string' && isPlainString(k.value) ? [`${out} += ${em.dep(k.value)}`] : [];
      });
      return `(${[`${out} = ''`, ...parts, out].join(', ')})`;
    });
  }
  return (f) => {
    let out = '';
    for (const x of xs) {
      const v = x(f);
      if (isPlainString(v)) out += v;
      else if (Array.isArray(v)) for (const s of v) if (isPlainString(s)) out += s;
    }
    return out;
  };
};

const join: ExprFactory = (a) => {
  const sep = a.e(0);
  const values = a.e(1);
  return (f) => {
    const s = sep(f);
    return toList(values(f))
      .filter(isPlainString)
      .join(typeof s === 'string' ? s : '');
  };
};

const split: ExprFactory = (a) => {
  const { lead, rest } = optionalLead(a, 1);
  return (f) => {
    const sep = lead ? lead(f) : undefined;
    const parts = (s: string): string[] =>
      typeof sep !== 'string' ? s.split(/\s+/).filter((p) => p !== '') : sep === '' ? [...s] : s.split(sep);
    const v = rest[0]!(f);
    const out: string[] = [];
    for (const s of toList(v)) if (isPlainString(s)) out.push(...parts(s));
    return v === null || v === undefined ? null : out;
  };
};

const matches: ExprFactory = (a) => {
  const pattern = a.e(0);
  const values = a.e(1);
  return (f) => {
    const p = toList(pattern(f))[0];
    const vs = toList(values(f));
    if (typeof p !== 'string' || vs.length === 0) return false;
    const test = wildcardTest(p);
    return vs.every((v) => isPlainString(v) && test(v));
  };
};

const replace: ExprFactory = (a) => {
  if (a.raw.length === 2) {
    const table = a.e(0);
    const values = a.e(1);
    return (f) => {
      const t = table(f);
      if (!isDict(t)) return null;
      const pairs = Object.entries(t).filter((e): e is [string, string] => typeof e[1] === 'string');
      return vmap(values(f), (x) => {
        if (!isPlainString(x)) return SKIP;
        let s = x;
        for (const [from, to] of pairs) if (from !== '') s = s.split(from).join(to);
        return s;
      });
    };
  }
  const from = a.e(0);
  const to = a.e(1);
  const values = a.e(2);
  return (f) => {
    const o = from(f);
    const n = to(f);
    if (typeof o !== 'string' || typeof n !== 'string') return null;
    return vmap(values(f), (x) => (isPlainString(x) ? (o === '' ? x : x.split(o).join(n)) : SKIP));
  };
};

const substring: ExprFactory = (a) => {
  const start = a.e(0);
  const end = a.raw.length === 3 ? a.e(1) : undefined;
  const values = a.e(a.raw.length - 1);
  return (f) => {
    const s = start(f);
    const e = end ? end(f) : null;
    if (!isInt(s) || (e !== null && !isInt(e))) return null;
    return vmap(values(f), (x) => {
      if (!isPlainString(x)) return SKIP;
      const cs = [...x];
      const n = cs.length;
      const norm = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
      return cs.slice(norm(s), e === null ? n : norm(e)).join('');
    });
  };
};

export const stringFunctions: Record<string, ExprFactory> = {
  concat,
  join,
  split,
  lower: strings((s) => s.toLowerCase()),
  upper: strings((s) => s.toUpperCase()),
  length: strings((s) => [...s].length),
  strip: strip('both'),
  lstrip: strip('left'),
  rstrip: strip('right'),
  ljust: justify(true),
  rjust: justify(false),
  matches,
  replace,
  substring,
  string: fn1((v) => vmap(v, (x) => (x === null || x === undefined ? SKIP : castString(x)))),
  'is-string': fn1((v) => isPlainString(Array.isArray(v) ? v[0] : v)),
};
