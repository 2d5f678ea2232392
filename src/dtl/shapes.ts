// Objects with a fixed shape. An object V8 builds by adding properties one by one under computed
// names (`out[key] = v`) turns into a hash table after about 16 properties: three to seven times
// the memory of the same object in its fast form, and slower to read and to iterate. Entities
// have 20 to 80 properties (namespaced ones after a merge), and a sync keeps one such object per
// entity per dataset. Built through an object literal of their own key list instead, they stay
// fast. The literal's code is made once per key list: entities of one dataset share a few.

type Build = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * Key lists seen so far, as a tree: one step per key. Walking it costs one map look-up per key
 * (property names are interned, their hashes cached), where joining the keys into one signature
 * string would build and hash a new string for every object.
 */
interface Shape {
  readonly next: Map<string, Shape>;
  build?: Build;
  /** Objects of this key list built so far (up to BUILD_AFTER). */
  uses?: number;
}

const root: Shape = { next: new Map() };
let shapes = 0;
/** Tree nodes kept; past this, objects of new key lists are built the slow way (still correct). */
const MAX_SHAPES = 100_000;
/** Literals with more properties than V8 keeps in the object itself gain nothing. */
const MAX_KEYS = 200;
/**
 * A key list gets its literal's code on its third object: compiling code costs about as much as
 * building a hundred objects, and most key lists of a small run (a test scenario's records) are
 * built once or twice.
 */
const BUILD_AFTER = 2;

/** The object `{ keys[i]: values[i] }`, in key order, in V8's fast form where it can be. */
export function objectOf(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const build = builderFor(keys);
  return build === undefined ? slowObject(keys, values) : build(values);
}

/** The literal's code for a key list; undefined when it must be built the slow way. */
function builderFor(keys: readonly string[]): Build | undefined {
  if (keys.length > MAX_KEYS) return undefined;
  let shape = root;
  for (let i = 0; i < keys.length; i++) {
    let next = shape.next.get(keys[i]!);
    if (next === undefined) {
      if (shapes >= MAX_SHAPES) return undefined;
      shapes++;
      shape.next.set(keys[i]!, (next = { next: new Map() }));
    }
    shape = next;
  }
  if (shape.build === undefined) {
    if ((shape.uses = (shape.uses ?? 0) + 1) <= BUILD_AFTER) return undefined;
    // A literal `"__proto__": v` would set the prototype instead of a property.
    if (keys.includes('__proto__')) return undefined;
    // Only JSON-quoted names go into the code: no text of the entity is ever run.
    shape.build = new Function('v', `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`) as Build;
  }
  return shape.build;
}

/**
 * objectOf for one caller that builds many objects of the same keys in a row (a dataset, a merge):
 * the last key list is compared name by name (interned strings: pointer compares) before the tree
 * is walked. The caller must not change a `keys` array after passing it.
 */
export class ShapeCache {
  private keys: readonly string[] | undefined;
  private build: Build | undefined;

  object(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
    const last = this.keys;
    if (last !== undefined && last.length === keys.length) {
      let i = 0;
      while (i < keys.length && last[i] === keys[i]) i++;
      if (i === keys.length) return this.build!(values);
    }
    const build = builderFor(keys);
    if (build === undefined) return slowObject(keys, values);
    this.keys = keys;
    this.build = build;
    return build(values);
  }
}

function slowObject(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) Object.defineProperty(out, keys[i]!, { value: values[i], enumerable: true, writable: true, configurable: true });
  return out;
}

/** A copy of `target` built in one go (a fast shape again, after properties were deleted from it). */
export function compactCopy<T extends Record<string, unknown>>(target: T): T {
  const keys = Object.keys(target);
  return objectOf(
    keys,
    keys.map((k) => target[k]),
  ) as T;
}
