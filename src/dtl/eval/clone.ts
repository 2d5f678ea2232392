// Fresh code per call site. A closure factory like `(x) => (f) => impl(x(f))` shares one code
// object between every site that uses it, so V8 sees many targets at `x(f)` and cannot inline.
// Building the closure through `new Function` gives each site its own code object (monomorphic
// calls, inlinable). Only fixed source text is compiled here; no config text is embedded.
const factories = new Map<string, (...deps: unknown[]) => unknown>();

/** Returns `body` compiled as a fresh function closing over `deps` (named by `names`). */
export function specialise<T>(names: readonly string[], body: string, deps: readonly unknown[]): T {
  const key = `${names.join(',')}\u0000${body}`;
  let make = factories.get(key);
  if (!make) {
    // The factory itself is compiled once; calling it for each site would share code again,
    // so each site compiles its own copy below.
    make = (...d: unknown[]) => new Function(...names, `return ${body};`)(...d) as unknown;
    factories.set(key, make);
  }
  return make(...deps) as T;
}
