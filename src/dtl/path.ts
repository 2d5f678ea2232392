// Path expressions: "_S.orders.amount" walks from a variable through properties, continuing
// through every element when it meets a list. Quoted elements ("_S.'a.b'.c", '' escapes a
// quote) may contain dots. With namespaced identifiers on, an unqualified element matches the
// property in every namespace.
import { getOwn, isDict, type Dict, type Value } from './values';

export const VARIABLES = new Set(['_S', '_T', '_P', '_R', '_B', '_']);

export interface NiSettings {
  enabled: boolean;
  property: string;
  identity: string;
}

export interface ParsedPath {
  root: string;
  segments: string[];
}

/** Splits "a.'b.c'.d" into ["a", "b.c", "d"]; undefined for malformed quoting. */
export function splitPath(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  if (text === '') return out;
  while (i <= text.length) {
    if (text[i] === "'") {
      let seg = '';
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            seg += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        seg += text[i++];
      }
      out.push(seg);
      if (i < text.length && text[i] !== '.') return undefined;
      i++;
    } else {
      const dot = text.indexOf('.', i);
      const end = dot < 0 ? text.length : dot;
      out.push(text.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** A variable path ("_S.x", "_.", "alias.y") or undefined when the string is a literal. */
export function parseVariablePath(text: string, aliases?: ReadonlySet<string>): ParsedPath | undefined {
  const dot = text.indexOf('.');
  if (dot <= 0) return undefined;
  const root = text.slice(0, dot);
  if (!VARIABLES.has(root) && !aliases?.has(root)) return undefined;
  const rest = text.slice(dot + 1);
  if (rest === '') return { root, segments: [] };
  const segments = splitPath(rest);
  return segments ? { root, segments } : undefined;
}

/** Identifier part of a property name: after the last colon. */
export const idPart = (key: string): string => key.slice(key.lastIndexOf(':') + 1);
/** Namespace part of a property name: before the last colon ("" when unqualified). */
export const nsPart = (key: string): string => {
  const i = key.lastIndexOf(':');
  return i < 0 ? '' : key.slice(0, i);
};

/** Property lookup, NI-aware when namespaced identifiers are enabled. undefined when absent. */
export function getProperty(d: Dict, name: string, ni?: NiSettings): Value | undefined {
  if (!ni?.enabled) return getOwn(d, name);
  if (name.startsWith('::')) return getOwn(d, name.slice(2));
  if (name.startsWith(':')) return getOwn(d, `${ni.property}${name}`);
  if (name.includes(':') || name.startsWith('_') || name.startsWith('$')) return getOwn(d, name);
  // Unqualified: the union of the property in every namespace.
  let found: Value | undefined;
  let many: Value[] | undefined;
  for (const key of Object.keys(d)) {
    if (key !== name && !(key.endsWith(`:${name}`) && idPart(key) === name)) continue;
    const v = d[key];
    if (found === undefined && many === undefined) {
      found = v;
      continue;
    }
    if (!many) {
      many = [];
      if (Array.isArray(found)) many.push(...found);
      else many.push(found);
    }
    if (Array.isArray(v)) many.push(...v);
    else many.push(v);
  }
  return many ?? found;
}

/** Walks `segments` from `start`; lists are traversed element-wise and flattened one level. */
export function walkPath(start: Value, segments: readonly string[], ni?: NiSettings): Value {
  let cur: Value = start;
  for (const seg of segments) {
    if (cur === null || cur === undefined) return null;
    if (Array.isArray(cur)) {
      const out: Value[] = [];
      for (const el of cur) {
        if (!isDict(el)) continue;
        const x = getProperty(el, seg, ni);
        if (x === undefined || x === null) continue;
        if (Array.isArray(x)) out.push(...x);
        else out.push(x);
      }
      cur = out;
    } else if (isDict(cur)) {
      const x = getProperty(cur, seg, ni);
      cur = x === undefined ? null : x;
    } else return null;
  }
  return cur ?? null;
}

/** Values at `path` ("a.b", relative to the entity) of one entity, as a flat list without nulls. */
// Split index paths, remembered: datasets and dependency trackers ask for the same few paths on every write.
const splitPaths = new Map<string, readonly string[]>();

export function entityPathValues(entity: Dict, path: string | readonly string[]): Value[] {
  let segments: readonly string[];
  if (typeof path === 'string') {
    let cached = splitPaths.get(path);
    if (!cached) {
      cached = splitPath(path) ?? [path];
      if (splitPaths.size < 10_000) splitPaths.set(path, cached);
    }
    segments = cached;
  } else segments = path;
  const v = walkPath(entity, segments);
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined) : [v];
}
