// Transform functions: they change the target entity `_T` (or stop processing) and return a
// status instead of a value. NI-aware ones (add, add-if, default, copy, remove, rename,
// make-ni) honour the pipe's namespaced-identifier settings at run time.
import { makeNi, qualifyPropertyName, wildcardMatcher, type KeyMatcher } from '../namespaces';
import { idPart, nsPart, parseVariablePath, type NiSettings } from '../path';
import { SKIP, hasOwn, isDict, isInheritedName, isPlainString, keyOf, setOwn, toList, truthy, vmap, type Dict, type Value } from '../values';
import { copierFor, setterFor } from './access';
import { specialise } from './clone';
import { inlinableTransform, quoted } from './fuse';
import { CONTINUE, DISCARDED, DtlRuntimeError, FILTERED, type Args, type Expr, type Frame, type Transform, type TransformFactory } from './core';

/** Writes `value` to the target under `name` (string or list of names); mode 'default' keeps existing values. */
function setProperty(f: Frame, names: Value, value: Value, onlyIfAbsent: boolean): void {
  if (typeof names !== 'string') {
    if (Array.isArray(names)) for (const n of names) setProperty(f, n, value, onlyIfAbsent);
    return;
  }
  const ns = f.run.ns;
  let key = names;
  if (ns.enabled) {
    key = qualifyPropertyName(names, ns);
    if (key === '_id' && ns.identity) value = vmap(value, (v) => (typeof v === 'string' ? `${ns.identity}:${v}` : v));
  }
  if (onlyIfAbsent && hasOwn(f.T, key)) return;
  setOwn(f.T, key, value);
}

/** A literal, non-path string argument, when the argument is one. */
function literalString(a: Args, i: number): string | undefined {
  const raw = a.raw[i];
  return typeof raw === 'string' && !parseVariablePath(raw, a.scope.aliases) ? raw : undefined;
}

const addLike =
  (onlyIfAbsent: boolean): TransformFactory =>
  (a) => {
    const literal = literalString(a, 0);
    const value = a.e(1);
    if (literal !== undefined && !onlyIfAbsent) {
      const set = setterFor(literal);
      const compiled = specialise<Transform>(
        ['set', 'value', 'setProperty', 'literal'],
        '(f) => { if (f.run.ns.enabled) setProperty(f, literal, value(f), false); else set(f.T, value(f)); return 0; }',
        [set, value, setProperty, literal],
      );
      return inlinableTransform(compiled, (em, f) => {
        const v = em.tmp();
        const write = literal === '__proto__' ? `${em.dep(set)}(${f}.T, ${v})` : `${f}.T[${quoted(literal)}] = ${v}`;
        return `${v} = ${em.expr(value, f)}; if (${f}.run.ns.enabled) ${em.dep(setProperty)}(${f}, ${em.dep(literal)}, ${v}, false); else ${write};`;
      });
    }
    const name = a.e(0);
    return (f) => {
      setProperty(f, name(f), value(f), onlyIfAbsent);
      return CONTINUE;
    };
  };

const addIf: TransformFactory = (a) => {
  const name = a.e(0);
  const hasCondition = a.raw.length === 3;
  const condition = hasCondition ? a.e(1) : undefined;
  const value = a.e(hasCondition ? 2 : 1);
  return (f) => {
    const v = value(f);
    const ok = condition ? truthy(condition(f.withU(v))) : v !== null && v !== undefined;
    if (ok) setProperty(f, name(f), v, false);
    return CONTINUE;
  };
};

/** Patterns from a wildcard-string(-list) argument. */
function patternsOf(v: Value): string[] {
  return toList(v).filter((p): p is string => typeof p === 'string');
}

function matchers(patterns: string[], ns: NiSettings): KeyMatcher[] {
  return patterns.map((p) => wildcardMatcher(p, ns));
}

const anyMatch = (ms: KeyMatcher[], key: string) => {
  for (const m of ms) if (m(key)) return true;
  return false;
};

/** Literal pattern strings of argument i (a string or ["list", ...strings]), when known at compile time. */
function literalPatterns(a: Args, i: number): string[] | undefined {
  const raw = a.raw[i];
  const isLiteral = (x: unknown): x is string => typeof x === 'string' && !parseVariablePath(x, a.scope.aliases);
  if (isLiteral(raw)) return [raw];
  if (Array.isArray(raw) && raw[0] === 'list' && raw.slice(1).every(isLiteral)) return raw.slice(1) as string[];
  return undefined;
}

const NO_NI: NiSettings = { enabled: false, property: '', identity: '' };

const copy: TransformFactory = (a) => {
  const include = a.e(0);
  const exclude = a.raw.length > 1 ? a.e(1) : undefined;
  const copyAll = a.raw[0] === '*' && !exclude;
  const general: Transform = (f) => {
    const S = f.S;
    if (!isDict(S)) return CONTINUE;
    if (copyAll) {
      for (const k in S) setOwn(f.T, k, S[k]);
      return CONTINUE;
    }
    const inc = matchers(patternsOf(include(f)), f.run.ns);
    const exc = exclude ? matchers(patternsOf(exclude(f)), f.run.ns) : [];
    for (const k in S) if (anyMatch(inc, k) && !anyMatch(exc, k)) setOwn(f.T, k, S[k]);
    return CONTINUE;
  };
  // Without namespaces, literal patterns are resolved once: plain names copy directly.
  const incLiteral = literalPatterns(a, 0);
  const excLiteral = exclude ? literalPatterns(a, 1) : [];
  if (copyAll || !incLiteral || !excLiteral) return general;
  const exc = matchers(excLiteral, NO_NI);
  if (incLiteral.every((p) => !/[*?]/.test(p))) {
    const names = incLiteral.filter((n) => !anyMatch(exc, n));
    const copyNames = copierFor(names);
    // Own code per site (see eval/clone.ts), so the copier call stays monomorphic.
    const compiled = specialise<Transform>(
      ['copyNames', 'general'],
      "(f) => { if (f.run.ns.enabled) return general(f); const S = f.S; if (typeof S === 'object' && S !== null && !Array.isArray(S)) copyNames(S, f.T); return 0; }",
      [copyNames, general],
    );
    return inlinableTransform(compiled, (em, f) => {
      const S = em.tmp();
      const s = em.tmp();
      // As copierFor: names every object inherits go through the copier (own properties only).
      const copies = names.some(isInheritedName)
        ? `${em.dep(copyNames)}(${S}, ${f}.T);`
        : names.map((n) => `if (${quoted(n)} in ${S}) ${f}.T[${quoted(n)}] = ${S}[${quoted(n)}];`).join(' ');
      return `if (${f}.run.ns.enabled) { if ((${s} = ${em.dep(general)}(${f})) !== 0) return ${s}; } else { ${S} = ${f}.S; if (typeof ${S} === 'object' && ${S} !== null && !Array.isArray(${S})) { ${copies} } }`;
    });
  }
  const inc = matchers(incLiteral, NO_NI);
  return (f) => {
    if (f.run.ns.enabled) return general(f);
    const S = f.S;
    if (!isDict(S)) return CONTINUE;
    for (const k in S) if (anyMatch(inc, k) && !anyMatch(exc, k)) setOwn(f.T, k, S[k]);
    return CONTINUE;
  };
};

const remove: TransformFactory = (a) => {
  const pattern = a.e(0);
  // Literal patterns without namespaces are matched by matchers made once.
  const literal = literalPatterns(a, 0);
  const fixed = literal ? matchers(literal, NO_NI) : undefined;
  return (f) => {
    const inc = fixed && !f.run.ns.enabled ? fixed : matchers(patternsOf(pattern(f)), f.run.ns);
    let removed = false;
    for (const k of Object.keys(f.T))
      if (anyMatch(inc, k)) {
        delete f.T[k];
        removed = true;
      }
    if (removed) (f.run.thinned ??= new Set()).add(f.T);
    return CONTINUE;
  };
};

const rename: TransformFactory = (a) => {
  const from = a.e(0);
  const to = a.e(1);
  return (f) => {
    const src = from(f);
    const dst = to(f);
    const S = f.S;
    if (typeof src !== 'string' || typeof dst !== 'string' || !isDict(S)) return CONTINUE;
    const ns = f.run.ns;
    if (!ns.enabled) {
      if (hasOwn(S, src)) setOwn(f.T, dst, S[src]);
      return CONTINUE;
    }
    const sourceKeys = namespacedKeys(S, src, ns);
    if (sourceKeys.length === 0) return CONTINUE;
    const target = dst.startsWith('::') ? dst.slice(2) : dst.startsWith(':') ? `${ns.property}${dst}` : dst;
    if (target.includes(':') || dst.startsWith('::')) {
      // Qualified target: every matching source value collected into it.
      setOwn(f.T, target, sourceKeys.length === 1 ? S[sourceKeys[0]!] : sourceKeys.flatMap((k) => toList(S[k])));
    } else {
      // Unqualified target: each source property keeps its namespace.
      for (const k of sourceKeys) {
        const space = nsPart(k);
        setOwn(f.T, space ? `${space}:${target}` : target, S[k]);
      }
    }
    return CONTINUE;
  };
};

/** Keys of `d` a namespace-aware property reference denotes. */
function namespacedKeys(d: Dict, name: string, ns: NiSettings): string[] {
  if (name.startsWith('::')) return hasOwn(d, name.slice(2)) ? [name.slice(2)] : [];
  if (name.startsWith(':')) return hasOwn(d, `${ns.property}${name}`) ? [`${ns.property}${name}`] : [];
  if (name.includes(':')) return hasOwn(d, name) ? [name] : [];
  return Object.keys(d).filter((k) => idPart(k) === name);
}

const makeNiTransform: TransformFactory = (a) => {
  const namespace = a.raw[0];
  const from = a.raw[1];
  const to = a.raw[2];
  return (f) => {
    const S = f.S;
    if (typeof namespace !== 'string' || typeof from !== 'string' || !isDict(S)) return CONTINUE;
    const toNi = (v: Value) => vmap(v, (x) => (isPlainString(x) ? makeNi(namespace, x) : SKIP));
    const put = (key: string, value: Value) => {
      const nis = toNi(value);
      if (nis === null || (Array.isArray(nis) && nis.length === 0)) return;
      setOwn(f.T, key, nis);
    };
    const ns = f.run.ns;
    if (!ns.enabled) {
      if (hasOwn(S, from)) put(typeof to === 'string' ? to : `${from}-ni`, S[from]);
      return CONTINUE;
    }
    for (const k of namespacedKeys(S, from, ns)) {
      const space = nsPart(k);
      let key: string;
      if (typeof to !== 'string') key = `${k}-ni`;
      else if (to.includes(':')) key = to.startsWith('::') ? to.slice(2) : to;
      else key = space ? `${space}:${to}` : to;
      put(key, S[k]);
    }
    return CONTINUE;
  };
};

const merge =
  (union: boolean): TransformFactory =>
  (a) => {
    const values = a.e(0);
    return (f) => {
      for (const d of toList(values(f))) {
        if (!isDict(d)) continue;
        for (const [k, v] of Object.entries(d)) {
          if (k.startsWith('_')) continue;
          setOwn(f.T, k, union && hasOwn(f.T, k) ? [...toList(f.T[k]), ...toList(v)] : v);
        }
      }
      return CONTINUE;
    };
  };

function entitiesOf(f: Frame, values: Value, what: string): Dict[] {
  const out: Dict[] = [];
  for (const v of toList(values)) {
    if (isDict(v) && typeof v._id === 'string') out.push(v);
    else if (f.run.idRequired && isDict(v))
      throw new DtlRuntimeError(`"${what}" got an entity without a string "_id": ${JSON.stringify(v).slice(0, 200)}`);
  }
  return out;
}

const create: TransformFactory = (a) => {
  const values = a.e(0);
  return (f) => {
    for (const e of entitiesOf(f, values(f), 'create')) (f.run.created ??= []).push(e);
    return CONTINUE;
  };
};

const createChild: TransformFactory = (a) => {
  const values = a.e(0);
  return (f) => {
    const children = toList(f.T.$children);
    const seen = new Set(children.map(keyOf));
    const next = [...children];
    for (const e of entitiesOf(f, values(f), 'create-child')) {
      const k = keyOf(e);
      if (!seen.has(k)) {
        seen.add(k);
        next.push(e);
      }
    }
    f.T.$children = next;
    return CONTINUE;
  };
};

const stopUnless =
  (status: typeof FILTERED | typeof DISCARDED): TransformFactory =>
  (a) => {
    if (a.raw.length === 0) return inlinableTransform(() => status, () => `return ${status};`);
    const condition = a.e(0);
    return inlinableTransform(
      (f) => (truthy(condition(f)) ? CONTINUE : status),
      (em, f) => `if (!${em.dep(truthy)}(${em.expr(condition, f)})) return ${status};`,
    );
  };

const ifTransform: TransformFactory = (a) => {
  const condition = a.e(0);
  const then = a.t(1);
  const otherwise: Transform | undefined = a.raw.length > 2 ? a.t(2) : undefined;
  return inlinableTransform(
    (f) => (truthy(condition(f)) ? then(f) : otherwise ? otherwise(f) : CONTINUE),
    (em, f) => `if (${em.dep(truthy)}(${em.expr(condition, f)})) { ${em.transform(then, f)} }${otherwise ? ` else { ${em.transform(otherwise, f)} }` : ''}`,
  );
};

const caseTransform: TransformFactory = (a) => {
  const n = a.raw.length;
  const pairs: [Expr, Transform][] = [];
  for (let i = 0; i + 1 < n; i += 2) pairs.push([a.e(i), a.t(i + 1)]);
  const otherwise = n % 2 === 1 ? a.t(n - 1) : undefined;
  return (f) => {
    for (const [cond, then] of pairs) if (truthy(cond(f))) return then(f);
    return otherwise ? otherwise(f) : CONTINUE;
  };
};

const caseEqTransform =
  (equals: (x: Value, y: Value) => boolean): TransformFactory =>
  (a) => {
    const value = a.e(0);
    const n = a.raw.length - 1;
    const pairs: [Expr, Transform][] = [];
    for (let i = 1; i + 1 <= n; i += 2) pairs.push([a.e(i), a.t(i + 1)]);
    const otherwise = n % 2 === 1 ? a.t(n) : undefined;
    return (f) => {
      const v = value(f);
      for (const [candidate, then] of pairs) if (equals(v, candidate(f))) return then(f);
      return otherwise ? otherwise(f) : CONTINUE;
    };
  };

const fail =
  (prefix: string): TransformFactory =>
  (a) => {
    const message = a.e(0);
    return (f) => {
      const m = message(f);
      throw new DtlRuntimeError(`${prefix}${typeof m === 'string' ? m : JSON.stringify(m)}`);
    };
  };

export function transformFunctions(equals: (x: Value, y: Value) => boolean): Record<string, TransformFactory> {
  return {
    add: addLike(false),
    default: addLike(true),
    'add-if': addIf,
    copy,
    remove,
    rename,
    'make-ni': makeNiTransform,
    merge: merge(false),
    'merge-union': merge(true),
    create,
    'create-child': createChild,
    filter: stopUnless(FILTERED),
    discard: stopUnless(DISCARDED),
    if: ifTransform,
    case: caseTransform,
    'case-eq': caseEqTransform(equals),
    comment: () => () => CONTINUE,
    'fail!': fail('fail!: '),
    'trip!': fail('trip! (circuit breaker tripped): '),
    // Offline: pausing has no meaning.
    'sleep!': () => () => CONTINUE,
  };
}
