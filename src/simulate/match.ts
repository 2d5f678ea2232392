// Deep subset matching of scenario `match` / `where` (the emulators use it for `where` too):
// every key given must be present with an equal value; nested objects match by subset; lists
// match element by element (same length, each element by subset); numbers compare by value. An
// expected `null` matches any empty value.

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The one definition of an empty value, as the sync uses it: missing, null, "" or whitespace only. */
export const isEmptyValue = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export function subsetMatches(actual: unknown, expected: unknown): boolean {
  return mismatch(actual, expected, '') === undefined;
}

/** The first path where `actual` fails to match `expected`, with what was found; undefined when it matches. */
export function mismatch(actual: unknown, expected: unknown, path = ''): string | undefined {
  const here = path === '' ? '(record)' : path;
  if (expected === null) return isEmptyValue(actual) ? undefined : `${here}: expected an empty value, found ${show(actual)}`;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${here}: expected a list, found ${show(actual)}`;
    if (actual.length !== expected.length) return `${here}: expected ${expected.length} element(s), found ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(actual[i], expected[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (isRecord(expected)) {
    if (!isRecord(actual)) return `${here}: expected an object, found ${show(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const sub = path === '' ? k : `${path}.${k}`;
      const own = Object.hasOwn(actual, k);
      if (!own && v !== null) return `${sub}: missing (expected ${show(v)})`;
      const m = mismatch(own ? actual[k] : undefined, v, sub);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof expected === 'number') {
    return typeof actual === 'number' && actual === expected ? undefined : `${here}: expected ${show(expected)}, found ${show(actual)}`;
  }
  return actual === expected ? undefined : `${here}: expected ${show(expected)}, found ${show(actual)}`;
}

export function show(v: unknown, max = 80): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
