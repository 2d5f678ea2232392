// Namespaced identifiers: property-name escapes ("::x" literal, ":x" current namespace),
// namespace-aware wildcard patterns (copy/remove), NI values ("~:ns:id"), and the
// apply-ns / strip-ns rewrites (the same rewrite the pipe option add_namespaces performs).
import { idPart, nsPart, type NiSettings } from './path';
import { isDict, setOwn, type Dict, type Value } from './values';
import { wildcardTest } from './wildcard';

/** Name a namespace-aware add/default writes to. `_`/`$` names are never prefixed. */
export function qualifyPropertyName(name: string, ni: NiSettings): string {
  if (!ni.enabled) return name;
  if (name.startsWith('::')) return name.slice(2);
  if (name.startsWith(':')) return `${ni.property}${name}`;
  if (name.includes(':') || name.startsWith('_') || name.startsWith('$')) return name;
  return `${ni.property}:${name}`;
}


export type KeyMatcher = (key: string) => boolean;
const matcherCache = new Map<string, KeyMatcher>();

/** Full-match wildcard (`*`, `?`) matcher for property names; namespace-aware when enabled. */
export function wildcardMatcher(pattern: string, ni?: NiSettings): KeyMatcher {
  const cacheKey = `${ni?.enabled ? `1${ni.property}` : '0'}\u0000${pattern}`;
  const cached = matcherCache.get(cacheKey);
  if (cached) return cached;
  let matcher: KeyMatcher;
  if (pattern === '*') matcher = () => true;
  else if (!ni?.enabled || pattern.startsWith('::')) {
    const literal = ni?.enabled ? pattern.slice(2) : pattern;
    matcher = wildcardTest(literal);
  } else {
    const qualified = pattern.startsWith(':') ? `${ni.property}${pattern}` : pattern;
    const i = qualified.lastIndexOf(':');
    if (i < 0) {
      // Unqualified: match the identifier part in any namespace.
      const test = wildcardTest(qualified);
      matcher = (k) => test(idPart(k));
    } else {
      const nsTest = wildcardTest(qualified.slice(0, i));
      const idTest = wildcardTest(qualified.slice(i + 1));
      matcher = (k) => k.includes(':') && nsTest(nsPart(k)) && idTest(idPart(k));
    }
  }
  if (matcherCache.size > 5000) matcherCache.clear();
  matcherCache.set(cacheKey, matcher);
  return matcher;
}

// ---- NI values ----

export const makeNi = (ns: string | undefined, id: string): string => (ns ? `~:${ns}:${id}` : `~:${id}`);

/** [namespace, identifier] of a NI ("~:ns:id") or an "ns:id" string; split at the first colon. */
export function splitNi(v: string): [string, string] {
  const body = v.startsWith('~:') ? v.slice(2) : v;
  const i = body.indexOf(':');
  return i < 0 ? ['', body] : [body.slice(0, i), body.slice(i + 1)];
}

// ---- apply-ns / strip-ns ----

export interface ApplyNsConfig {
  /** undefined: property names get no namespace (an explicit null in the config). */
  property_namespace: string | undefined;
  /** undefined: `_id` values get no namespace (an explicit null in the config). */
  identity_namespace: string | undefined;
  skip_underscore: boolean;
  skip_dollar: boolean;
  recursive: boolean;
}

export function applyNsConfig(arg: Value): ApplyNsConfig | undefined {
  if (typeof arg === 'string')
    return { property_namespace: arg, identity_namespace: arg, skip_underscore: true, skip_dollar: true, recursive: true };
  if (!isDict(arg)) return undefined;
  const given = (v: Value): string | null | undefined => (typeof v === 'string' ? v : v === null ? null : undefined);
  const prop = given(arg.property_namespace);
  const ident = given(arg.identity_namespace);
  if (prop == null && ident == null) return undefined;
  // A namespace left out defaults to the other one; null means "none".
  return {
    property_namespace: prop === undefined ? ident! : prop ?? undefined,
    identity_namespace: ident === undefined ? prop! : ident ?? undefined,
    skip_underscore: arg.skip_underscore !== false,
    skip_dollar: arg.skip_dollar !== false,
    recursive: arg.recursive !== false,
  };
}

/**
 * Prefixes property names with the property namespace and the `_id` value with the identity
 * namespace. Properties starting with "_" or "$" are left as they are, values included (unless
 * skip_underscore / skip_dollar is false); names that already have a namespace keep it.
 */
export function applyNamespaces(d: Dict, cfg: ApplyNsConfig, nested = false): Dict {
  const out: Dict = {};
  for (const k of Object.keys(d)) {
    const v = d[k];
    if ((cfg.skip_underscore && k.startsWith('_')) || (cfg.skip_dollar && k.startsWith('$'))) {
      setOwn(out, k, k === '_id' && !nested && typeof v === 'string' && cfg.identity_namespace !== undefined ? `${cfg.identity_namespace}:${v}` : v);
      continue;
    }
    let value = cfg.recursive ? applyNested(v, cfg) : v;
    if (k === '_id' && !nested && typeof v === 'string' && cfg.identity_namespace !== undefined) value = `${cfg.identity_namespace}:${v}`;
    setOwn(out, k.includes(':') || cfg.property_namespace === undefined ? k : `${cfg.property_namespace}:${k}`, value);
  }
  return out;
}

function applyNested(v: Value, cfg: ApplyNsConfig): Value {
  if (Array.isArray(v)) return v.map((x) => applyNested(x, cfg));
  if (isDict(v)) return applyNamespaces(v, cfg, true);
  return v;
}

/** Removes namespaces from property names, recursively. */
export function stripNamespaces(v: Value): Value {
  if (Array.isArray(v)) return v.map(stripNamespaces);
  if (!isDict(v)) return v;
  const out: Dict = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, k.startsWith('_') || k.startsWith('$') ? k : idPart(k), stripNamespaces(x));
  return out;
}
