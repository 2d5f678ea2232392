// Deep subset matching of scenario `match` / `where` (the emulators use it for `where` too):
// every key given must be present with an equal value; nested objects match by subset; lists
// match element by element (same length, each element by subset); numbers compare by value. An
// expected `null` matches any empty value.

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The one definition of an empty value, as the sync uses it: missing, null, "" or whitespace only. */
export const isEmptyValue = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export function subsetMatches(actual: unknown, expected: unknown): boolean {
  return firstMiss(actual, expected) === undefined;
}

/** The first path where `actual` fails to match `expected`, with what was found; undefined when it matches. */
export function mismatch(actual: unknown, expected: unknown): string | undefined {
  const miss = firstMiss(actual, expected);
  if (miss === undefined) return undefined;
  let here = '';
  for (const step of miss.at) here += typeof step === 'number' ? `[${step}]` : here === '' ? step : `.${step}`;
  return miss.why(here === '' ? '(record)' : here);
}

/**
 * Where a match fails: the steps to it (keys, list indexes) and its message for that path. A
 * record that matches costs no strings: the emulators' `where` look-ups and the scenario
 * expectations try many records that do not match, and only a shown failure needs the text.
 */
interface Miss {
  readonly at: (string | number)[];
  readonly why: (here: string) => string;
}

const missHere = (why: (here: string) => string): Miss => ({ at: [], why });

function firstMiss(actual: unknown, expected: unknown): Miss | undefined {
  if (expected === null) return isEmptyValue(actual) ? undefined : missHere((h) => `${h}: expected an empty value, found ${show(actual)}`);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return missHere((h) => `${h}: expected a list, found ${show(actual)}`);
    if (actual.length !== expected.length) return missHere((h) => `${h}: expected ${expected.length} element(s), found ${actual.length}`);
    for (let i = 0; i < expected.length; i++) {
      const m = firstMiss(actual[i], expected[i]);
      if (m) {
        m.at.unshift(i);
        return m;
      }
    }
    return undefined;
  }
  if (isRecord(expected)) {
    if (!isRecord(actual)) return missHere((h) => `${h}: expected an object, found ${show(actual)}`);
    for (const [k, v] of Object.entries(expected)) {
      const own = Object.hasOwn(actual, k);
      const m = !own && v !== null ? missHere((h) => `${h}: missing (expected ${show(v)})`) : firstMiss(own ? actual[k] : undefined, v);
      if (m) {
        m.at.unshift(k);
        return m;
      }
    }
    return undefined;
  }
  // Numbers compare by value (2.0 is 2); everything else by identity.
  return actual === expected ? undefined : missHere((h) => `${h}: expected ${show(expected)}, found ${show(actual)}`);
}

export function show(v: unknown, max = 80): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
