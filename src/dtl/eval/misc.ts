// URIs, UUIDs, bytes, JSON, and the misc functions (literal, tuples, is-changed, completeness).
// OpenPGP encryption (only asynchronous JavaScript implementations exist; the evaluator is
// synchronous) reports a clear "not supported offline" error when evaluated.
import { parseJsonValue } from '../json';
import { SKIP, firstValue, isDict, isPlainString, kindOf, setOwn, toList, valuesEqual, vmap, type Value } from '../values';
import { DtlRuntimeError, type Entity, type ExprFactory } from './core';
import { fn1, optionalLead } from './helpers';
import { pythonJson } from './text';

const UUID_TEXT = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Python urllib.parse.quote: letters, digits and "_.-~" plus SAFE are kept; the rest %XX of the UTF-8 bytes. */
function urlQuote(s: string, safe: string): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9_.\-~]/.test(ch) || (ch.charCodeAt(0) < 128 && safe.includes(ch))) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function urlUnquote(s: string): string {
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += s[i];
    }
  }
  flush();
  return out;
}

const urlQuoteFn: ExprFactory = (a) => {
  const { lead, rest } = optionalLead(a, 1);
  return (f) => {
    const safe = lead ? lead(f) : '';
    const s = typeof safe === 'string' ? safe : '';
    return vmap(rest[0]!(f), (v) => (isPlainString(v) ? urlQuote(v, s) : SKIP));
  };
};

const uuid: ExprFactory = (a) => {
  if (a.raw.length === 0) return (f) => `~u${f.run.ctx.uuid()}`;
  const values = a.e(0);
  return (f) =>
    vmap(values(f), (v) => {
      if (kindOf(v) === 'uuid') return v;
      return isPlainString(v) && UUID_TEXT.test(v) ? `~u${v}` : SKIP;
    });
};

/** Strings are kept transit-encoded inside the evaluator: a parsed string that starts with "~" is written "~~…" so it stays a string. */
function escapeTildes(v: Value): Value {
  if (typeof v === 'string') return v.charCodeAt(0) === 126 ? `~${v}` : v;
  if (Array.isArray(v)) return v.map(escapeTildes);
  if (isDict(v)) for (const k of Object.keys(v)) setOwn(v, k, escapeTildes(v[k]));
  return v;
}

/** json-parse (no transit decoding: "~r…" stays a string) and json-transit-parse (transit decoding). */
const jsonParse =
  (transit: boolean): ExprFactory =>
  (a) => {
    const { lead, rest } = optionalLead(a, 1);
    return (f) =>
      vmap(rest[0]!(f), (v) => {
        if (v === null || v === undefined) return SKIP;
        if (isPlainString(v)) {
          const parsed = parseJsonValue(v);
          if (parsed !== SKIP) return transit ? parsed : escapeTildes(parsed);
        }
        return lead ? lead(f.withU(v)) : SKIP;
      });
  };

const jsonEncode = (transit: boolean) =>
  fn1((v) => (Array.isArray(v) ? v.map((x) => pythonJson(x, transit)) : pythonJson(v, transit)));

const tuples: ExprFactory = (a) => {
  const xs = a.raw.map((_, i) => a.e(i));
  return (f) => {
    if (xs.length === 0) return [];
    let rows: Value[][] = [[]];
    for (const x of xs) {
      const values = toList(x(f)).filter((v) => v !== null && v !== undefined);
      const next: Value[][] = [];
      for (const row of rows) for (const v of values) next.push([...row, v]);
      rows = next;
    }
    return rows;
  };
};

const isChanged: ExprFactory = (a) => {
  const fn = a.e(0);
  return (f) => {
    const current = f.run.rootS as Entity;
    const previous = f.run.ctx.previous?.(current);
    if (!previous) return null;
    if (current._deleted === true || previous._deleted === true) return true;
    return !valuesEqual(fn(f.withU(current)), fn(f.withU(previous)));
  };
};

const unsupported =
  (name: string, why: string): ExprFactory =>
  () =>
  () => {
    throw new DtlRuntimeError(`DTL function "${name}" is not supported by sesamflow's offline evaluator (${why})`);
  };

export const miscFunctions: Record<string, ExprFactory> = {
  uri: fn1((values) => vmap(values, (v) => (isPlainString(v) ? `~r${v}` : kindOf(v) === 'uri' ? v : SKIP))),
  'is-uri': fn1((v) => kindOf(firstValue(v)) === 'uri'),
  'url-quote': urlQuoteFn,
  'url-unquote': fn1((values) => vmap(values, (v) => (isPlainString(v) ? urlUnquote(v) : SKIP))),
  uuid,
  'is-uuid': fn1((v) => kindOf(firstValue(v)) === 'uuid'),
  bytes: fn1((values) => vmap(values, (v) => (isPlainString(v) ? `~b${Buffer.from(v, 'utf8').toString('base64')}` : SKIP))),
  'base64-encode': fn1((values) => vmap(values, (v) => (kindOf(v) === 'bytes' ? (v as string).slice(2) : SKIP))),
  'base64-decode': fn1((values) =>
    vmap(values, (v) => (isPlainString(v) && BASE64.test(v) && v.length % 4 === 0 ? `~b${v}` : SKIP)),
  ),
  'is-bytes': fn1((v) => kindOf(firstValue(v)) === 'bytes'),
  json: jsonEncode(false),
  'json-transit': jsonEncode(true),
  'json-parse': jsonParse(false),
  'json-transit-parse': jsonParse(true),
  literal: (a) => {
    const value = a.raw[0] === undefined ? null : a.raw[0];
    return () => value;
  },
  tuples,
  'is-changed': isChanged,
  // No pipe execution history offline.
  completeness: () => () => null,
  curie: unsupported('curie', 'deprecated RDF function'),
  'uri-expand': unsupported('uri-expand', 'deprecated RDF function'),
  reference: unsupported('reference', 'deprecated; use lookup-entity'),
  lookup: unsupported('lookup', 'deprecated; use lookup-entity'),
};
