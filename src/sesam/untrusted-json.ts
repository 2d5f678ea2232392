// JSON from a node (or a backup) is untrusted: it is parsed only when its nesting stays below a bound, so a
// hostile answer (`[[[[…` 100 000 levels) becomes a located error instead of a stack overflow
// somewhere in the code that walks it afterwards.

/** Deepest nesting accepted in a node's JSON (real configs stay far below 100). */
export const MAX_JSON_DEPTH = 1000;

/** The nesting depth of JSON text (brackets outside strings), stopping early past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** JSON.parse, or a message saying why not (too deep, or the parser's own message). */
export function parseUntrustedJson(text: string): { value: unknown } | { error: string } {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return { error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
