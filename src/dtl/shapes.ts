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
}

const root: Shape = { next: new Map() };
let shapes = 0;
/** Tree nodes kept; past this, objects of new key lists are built the slow way (still correct). */
const MAX_SHAPES = 100_000;
/** Literals with more properties than V8 keeps in the object itself gain nothing. */
const MAX_KEYS = 200;

/** The object `{ keys[i]: values[i] }`, in key order, in V8's fast form where it can be. */
export function objectOf(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  if (keys.length > MAX_KEYS) return slowObject(keys, values);
  let shape = root;
  for (let i = 0; i < keys.length; i++) {
    let next = shape.next.get(keys[i]!);
    if (next === undefined) {
      if (shapes >= MAX_SHAPES) return slowObject(keys, values);
      shapes++;
      shape.next.set(keys[i]!, (next = { next: new Map() }));
    }
    shape = next;
  }
  if (shape.build === undefined) {
    // A literal `"__proto__": v` would set the prototype instead of a property.
    if (keys.includes('__proto__')) return slowObject(keys, values);
    // Only JSON-quoted names go into the code: no text of the entity is ever run.
    shape.build = new Function('v', `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`) as Build;
  }
  return shape.build(values);
}

function slowObject(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) Object.defineProperty(out, keys[i]!, { value: values[i], enumerable: true, writable: true, configurable: true });
  return out;
}

// A property `delete`d from an object (DTL `remove`) turns it into a hash table for good. Targets
// that lost properties are remembered here, so the rule that made them can hand on a fast copy.
const thinnedTargets = new WeakSet<object>();

/** Notes that properties were deleted from `target`. */
export function markThinned(target: object): void {
  thinnedTargets.add(target);
}

/** `target` itself, or a fast copy of it when properties were deleted from it. */
export function compacted<T extends Record<string, unknown>>(target: T): T {
  if (!thinnedTargets.has(target)) return target;
  const keys = Object.keys(target);
  return objectOf(
    keys,
    keys.map((k) => target[k]),
  ) as T;
}
